// percpu/arch/atomic_riscv.hpp - CPU-local atomic read-modify-write on RISC-V (A extension), on
// an address already computed (contract: percpu/arch/atomic.hpp). Relaxed ordering (no .aq/.rl
// bits, no fence): only single-copy atomicity, which an interrupt on the SAME hart needs.
//
// Sequences (P = address, V = value, O = old value, E = expected, D = desired, S = status):
//   add      amoadd.{w,d} zero, V, (P)                                   1 instruction
//   xchg     amoswap.{w,d} O, V, (P)                                     1 instruction
//   cmpxchg  1: lr.{w,d} O, (P) ; bne O, E, 2f ; sc.{w,d} S, D, (P) ; bnez S, 1b ; 2:
//            (lr.w sign-extends on riscv64, so E is passed sign-extended)
//   1 and 2 bytes (no AMO of that size without Zabha): cmpxchg on the aligned word W = P & ~3,
//     M = the field's mask, E' = E << shift, D' = D << shift:
//            1: lr.w O, (W) ; and S, O, M ; bne S, E', 2f ; xor S, O, E' ; or S, S, D' ;
//               sc.w S, S, (W) ; bnez S, 1b ; 2:
//     and add/xchg are a loop of that cmpxchg (atomic.hpp).
// A trap between lr and sc makes the sc fail (mret/sret invalidate the reservation, or another
// store to the word by the handler does), so the sequence restarts and loses nothing.
// Sizes: 1, 2 and 4 bytes everywhere, 8 bytes on riscv64 only (riscv32 has no 64-bit AMO or
// lr/sc: a u64 keeps the guarded load/add/store there, which is not interrupt-safe). Without the
// A extension (no __riscv_atomic) nothing is supported.
#pragma once

#include <stdint.h>

#include "percpu/detail/asm.hpp"

namespace percpu::arch::local {

template <typename U>
inline constexpr bool supported_v =
#if defined(__riscv_atomic)
    sizeof(U) <= sizeof(void*);
#else
    false;
#endif

// The sign-extended register image lr.w produces, so that bne compares like with like.
inline long sext32(uint32_t v) noexcept { return static_cast<int32_t>(v); }

template <typename U>
inline U cmpxchg(U* p, U expected, U desired) noexcept {
  unsigned long s;
  if constexpr (sizeof(U) < 4) {
    const uintptr_t a = reinterpret_cast<uintptr_t>(p);
    const unsigned shift = (a & 3) * 8;
    const unsigned long field = sizeof(U) == 1 ? 0xffu : 0xffffu;
    const unsigned long m = field << shift;
    const unsigned long e = static_cast<unsigned long>(expected) << shift;
    const unsigned long d = static_cast<unsigned long>(desired) << shift;
    long o;
    asm volatile("1: lr.w %0, (%2)\n\tand %1, %0, %3\n\tbne %1, %4, 2f\n\txor %1, %0, %4\n\t"
                 "or %1, %1, %5\n\tsc.w %1, %1, (%2)\n\tbnez %1, 1b\n2:"
                 : "=&r"(o), "=&r"(s) : "r"(a & ~uintptr_t(3)), "r"(m), "r"(e), "r"(d)
                 : "memory");
    return static_cast<U>((static_cast<unsigned long>(o) >> shift) & field);
  } else if constexpr (sizeof(U) == 4) {
    long o;
    asm volatile("1: lr.w %0, (%2)\n\tbne %0, %3, 2f\n\tsc.w %1, %4, (%2)\n\tbnez %1, 1b\n2:"
                 : "=&r"(o), "=&r"(s) : "r"(p), "r"(sext32(expected)), "r"(desired) : "memory");
    return static_cast<U>(o);
  } else {
    U o;
    asm volatile("1: lr.d %0, (%2)\n\tbne %0, %3, 2f\n\tsc.d %1, %4, (%2)\n\tbnez %1, 1b\n2:"
                 : "=&r"(o), "=&r"(s) : "r"(p), "r"(expected), "r"(desired) : "memory");
    return o;
  }
}

// 4 and 8 bytes only; atomic.hpp builds 1 and 2 bytes on cmpxchg.
template <typename U>
inline void add(U* p, U v) noexcept {
  if constexpr (sizeof(U) == 4) {
    asm volatile("amoadd.w zero, %0, (%1)" ::"r"(v), "r"(p) : "memory");
  } else {
    asm volatile("amoadd.d zero, %0, (%1)" ::"r"(v), "r"(p) : "memory");
  }
}

template <typename U>
inline U xchg(U* p, U v) noexcept {
  if constexpr (sizeof(U) == 4) {
    long o;
    asm volatile("amoswap.w %0, %1, (%2)" : "=r"(o) : "r"(v), "r"(p) : "memory");
    return static_cast<U>(o);
  } else {
    U o;
    asm volatile("amoswap.d %0, %1, (%2)" : "=r"(o) : "r"(v), "r"(p) : "memory");
    return o;
  }
}

// add and xchg of 1 and 2 bytes are cmpxchg loops (atomic.hpp).
template <typename U>
inline constexpr bool native_add_v = sizeof(U) >= 4;
template <typename U>
inline constexpr bool native_xchg_v = sizeof(U) >= 4;

}  // namespace percpu::arch::local
