// percpu/arch/atomic_loongarch64.hpp - CPU-local atomic read-modify-write on LoongArch64, on an
// address already computed (contract: percpu/arch/atomic.hpp). Relaxed ordering (am* without
// _db, no dbar): only single-copy atomicity, which an interrupt on the SAME CPU needs.
//
// Sequences (P = address, V = value, O = old value, E = expected, D = desired, S = status):
//   add      amadd.{w,d} $zero, V, P                                     1 instruction
//   xchg     amswap.{w,d} O, V, P                                        1 instruction
//   cmpxchg  1: ll.{w,d} O, P, 0 ; bne O, E, 2f ; move S, D ; sc.{w,d} S, P, 0 ; beqz S, 1b ; 2:
//            (ll.w sign-extends, so E is passed sign-extended)
//   1 and 2 bytes (amadd.b/h and amswap.b/h are LoongArch v1.1 only): cmpxchg on the aligned
//     word W = P & ~3, M = the field's mask, E' = E << shift, D' = D << shift:
//            1: ll.w O, W, 0 ; and S, O, M ; bne S, E', 2f ; xor S, O, E' ; or S, S, D' ;
//               sc.w S, W, 0 ; beqz S, 1b ; 2:
//     and add/xchg are a loop of that cmpxchg (atomic.hpp).
// ertn clears LLbit, so an interrupt between ll and sc makes the sc fail and the loop restart.
// Mnemonics checked with clang 19's integrated assembler (the only loongarch64 compiler here).
#pragma once

#include <stdint.h>

#include "percpu/detail/asm.hpp"

namespace percpu::arch::local {

template <typename U>
inline constexpr bool supported_v = sizeof(U) <= 8;

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
    asm volatile("1: ll.w %0, %2, 0\n\tand %1, %0, %3\n\tbne %1, %4, 2f\n\txor %1, %0, %4\n\t"
                 "or %1, %1, %5\n\tsc.w %1, %2, 0\n\tbeqz %1, 1b\n2:"
                 : "=&r"(o), "=&r"(s) : "r"(a & ~uintptr_t(3)), "r"(m), "r"(e), "r"(d)
                 : "memory");
    return static_cast<U>((static_cast<unsigned long>(o) >> shift) & field);
  } else if constexpr (sizeof(U) == 4) {
    long o;
    asm volatile("1: ll.w %0, %2, 0\n\tbne %0, %3, 2f\n\tmove %1, %4\n\tsc.w %1, %2, 0\n\t"
                 "beqz %1, 1b\n2:"
                 : "=&r"(o), "=&r"(s) : "r"(p), "r"(sext32(expected)), "r"(desired) : "memory");
    return static_cast<U>(o);
  } else {
    U o;
    asm volatile("1: ll.d %0, %2, 0\n\tbne %0, %3, 2f\n\tmove %1, %4\n\tsc.d %1, %2, 0\n\t"
                 "beqz %1, 1b\n2:"
                 : "=&r"(o), "=&r"(s) : "r"(p), "r"(expected), "r"(desired) : "memory");
    return o;
  }
}

// 4 and 8 bytes only; atomic.hpp builds 1 and 2 bytes on cmpxchg.
template <typename U>
inline void add(U* p, U v) noexcept {
  if constexpr (sizeof(U) == 4) {
    asm volatile("amadd.w $zero, %0, %1" ::"r"(v), "r"(p) : "memory");
  } else {
    asm volatile("amadd.d $zero, %0, %1" ::"r"(v), "r"(p) : "memory");
  }
}

// am* raise an exception if rd equals rj or rk: the early clobber keeps O apart from V and P.
template <typename U>
inline U xchg(U* p, U v) noexcept {
  if constexpr (sizeof(U) == 4) {
    long o;
    asm volatile("amswap.w %0, %1, %2" : "=&r"(o) : "r"(v), "r"(p) : "memory");
    return static_cast<U>(o);
  } else {
    U o;
    asm volatile("amswap.d %0, %1, %2" : "=&r"(o) : "r"(v), "r"(p) : "memory");
    return o;
  }
}

template <typename U>
inline constexpr bool native_add_v = sizeof(U) >= 4;
template <typename U>
inline constexpr bool native_xchg_v = sizeof(U) >= 4;

}  // namespace percpu::arch::local
