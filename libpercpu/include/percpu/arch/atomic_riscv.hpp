// percpu/arch/atomic_riscv.hpp - CPU-local atomic read-modify-write on RISC-V (A extension), on
// an address already computed (contract: percpu/arch/atomic.hpp). Relaxed ordering (no .aq/.rl
// bits, no fence): only single-copy atomicity, which an interrupt on the SAME hart needs.
//
// Sequences (P = address, V = value, O = old value, E = expected, D = desired, S = status):
//   add      amoadd.{w,d} zero, V, (P)                                   1 instruction
//   xchg     amoswap.{w,d} O, V, (P)                                     1 instruction
//   cmpxchg  1: lr.{w,d} O, (P) ; bne O, E, 2f ; sc.{w,d} S, D, (P) ; bnez S, 1b ; 2:
//            (lr.w sign-extends on riscv64, so E is passed sign-extended)
//   1 and 2 bytes (no AMO of that size without Zabha): lr.w/sc.w on the aligned word W = P & ~3,
//     M = the field's mask, V' E' D' = the values shifted to the field; only the field changes
//     (N = O ^ ((X ^ O) & M) keeps every other bit of O):
//     add      1: lr.w O, (W) ; add N, O, V' ; xor N, N, O ; and N, N, M ; xor N, N, O ;
//                 sc.w N, N, (W) ; bnez N, 1b
//     xchg     1: lr.w O, (W) ; mv N, V' ; xor N, N, O ; and N, N, M ; xor N, N, O ;
//                 sc.w N, N, (W) ; bnez N, 1b
//     cmpxchg  1: lr.w O, (W) ; and N, O, M ; bne N, E', 2f ; xor N, O, E' ; or N, N, D' ;
//                 sc.w N, N, (W) ; bnez N, 1b ; 2:
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
  long o;
  unsigned long s;
  if constexpr (sizeof(U) < 4) {
    const detail::SubWord<U> f(p);
    asm volatile("1: lr.w %0, (%2)\n\tand %1, %0, %3\n\tbne %1, %4, 2f\n\txor %1, %0, %4\n\t"
                 "or %1, %1, %5\n\tsc.w %1, %1, (%2)\n\tbnez %1, 1b\n2:"
                 : "=&r"(o), "=&r"(s)
                 : "r"(f.word), "r"(f.mask), "r"(f.place(expected)), "r"(f.place(desired))
                 : "memory");
    return f.extract(o);
  } else if constexpr (sizeof(U) == 4) {
    asm volatile("1: lr.w %0, (%2)\n\tbne %0, %3, 2f\n\tsc.w %1, %4, (%2)\n\tbnez %1, 1b\n2:"
                 : "=&r"(o), "=&r"(s) : "r"(p), "r"(sext32(expected)), "r"(desired) : "memory");
    return static_cast<U>(o);
  } else {
    U d;
    asm volatile("1: lr.d %0, (%2)\n\tbne %0, %3, 2f\n\tsc.d %1, %4, (%2)\n\tbnez %1, 1b\n2:"
                 : "=&r"(d), "=&r"(s) : "r"(p), "r"(expected), "r"(desired) : "memory");
    return d;
  }
}

// 1 and 2 bytes: N = O ^ ((X ^ O) & M) changes only the field; X = O + V' (add) or V' (xchg).
#define PERCPU_RV_MASKED(x)                                                                      \
  asm volatile("1: lr.w %0, (%2)\n\t" x "\n\txor %1, %1, %0\n\tand %1, %1, %3\n\t"               \
               "xor %1, %1, %0\n\tsc.w %1, %1, (%2)\n\tbnez %1, 1b"                              \
               : "=&r"(o), "=&r"(n) : "r"(f.word), "r"(f.mask), "r"(f.place(v)) : "memory")

template <bool kAdd, typename U>
inline U masked_rmw(U* p, U v) noexcept {
  const detail::SubWord<U> f(p);
  long o;
  unsigned long n;
  if constexpr (kAdd) {
    PERCPU_RV_MASKED("add %1, %0, %4");
  } else {
    PERCPU_RV_MASKED("mv %1, %4");
  }
  return f.extract(o);
}
#undef PERCPU_RV_MASKED

template <typename U>
inline void add(U* p, U v) noexcept {
  if constexpr (sizeof(U) < 4) {
    masked_rmw<true>(p, v);
  } else if constexpr (sizeof(U) == 4) {
    asm volatile("amoadd.w zero, %0, (%1)" ::"r"(v), "r"(p) : "memory");
  } else {
    asm volatile("amoadd.d zero, %0, (%1)" ::"r"(v), "r"(p) : "memory");
  }
}

template <typename U>
inline U xchg(U* p, U v) noexcept {
  if constexpr (sizeof(U) < 4) {
    return masked_rmw<false>(p, v);
  } else if constexpr (sizeof(U) == 4) {
    long o;
    asm volatile("amoswap.w %0, %1, (%2)" : "=r"(o) : "r"(v), "r"(p) : "memory");
    return static_cast<U>(o);
  } else {
    U o;
    asm volatile("amoswap.d %0, %1, (%2)" : "=r"(o) : "r"(v), "r"(p) : "memory");
    return o;
  }
}

// Every size has its own add and xchg sequence (no cmpxchg loop).
template <typename U>
inline constexpr bool native_add_v = true;
template <typename U>
inline constexpr bool native_xchg_v = true;

}  // namespace percpu::arch::local
