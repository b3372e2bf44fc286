// percpu/arch/atomic_loongarch64.hpp - CPU-local atomic read-modify-write on LoongArch64, on an
// address already computed (contract: percpu/arch/atomic.hpp). Relaxed ordering (am* without
// _db, no dbar): only single-copy atomicity, which an interrupt on the SAME CPU needs.
//
// Sequences (P = address, V = value, O = old value, E = expected, D = desired, S = status):
//   add      amadd.{w,d} $zero, V, P                                     1 instruction
//   xchg     amswap.{w,d} O, V, P                                        1 instruction
//   cmpxchg  1: ll.{w,d} O, P, 0 ; bne O, E, 2f ; move S, D ; sc.{w,d} S, P, 0 ; beqz S, 1b ; 2:
//            (ll.w sign-extends, so E is passed sign-extended)
//   1 and 2 bytes (amadd.b/h and amswap.b/h are LoongArch v1.1 only): ll.w/sc.w on the aligned
//     word W = P & ~3, M = the field's mask, V' E' D' = the values shifted to the field; only the
//     field changes (N = O ^ ((X ^ O) & M) keeps every other bit of O):
//     add      1: ll.w O, W, 0 ; add.d N, O, V' ; xor N, N, O ; and N, N, M ; xor N, N, O ;
//                 sc.w N, W, 0 ; beqz N, 1b
//     xchg     1: ll.w O, W, 0 ; move N, V' ; xor N, N, O ; and N, N, M ; xor N, N, O ;
//                 sc.w N, W, 0 ; beqz N, 1b
//     cmpxchg  1: ll.w O, W, 0 ; and N, O, M ; bne N, E', 2f ; xor N, O, E' ; or N, N, D' ;
//                 sc.w N, W, 0 ; beqz N, 1b ; 2:
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
  long o;
  unsigned long s;
  if constexpr (sizeof(U) < 4) {
    const detail::SubWord<U> f(p);
    asm volatile("1: ll.w %0, %2, 0\n\tand %1, %0, %3\n\tbne %1, %4, 2f\n\txor %1, %0, %4\n\t"
                 "or %1, %1, %5\n\tsc.w %1, %2, 0\n\tbeqz %1, 1b\n2:"
                 : "=&r"(o), "=&r"(s)
                 : "r"(f.word), "r"(f.mask), "r"(f.place(expected)), "r"(f.place(desired))
                 : "memory");
    return f.extract(o);
  } else if constexpr (sizeof(U) == 4) {
    asm volatile("1: ll.w %0, %2, 0\n\tbne %0, %3, 2f\n\tmove %1, %4\n\tsc.w %1, %2, 0\n\t"
                 "beqz %1, 1b\n2:"
                 : "=&r"(o), "=&r"(s) : "r"(p), "r"(sext32(expected)), "r"(desired) : "memory");
    return static_cast<U>(o);
  } else {
    U d;
    asm volatile("1: ll.d %0, %2, 0\n\tbne %0, %3, 2f\n\tmove %1, %4\n\tsc.d %1, %2, 0\n\t"
                 "beqz %1, 1b\n2:"
                 : "=&r"(d), "=&r"(s) : "r"(p), "r"(expected), "r"(desired) : "memory");
    return d;
  }
}

// 1 and 2 bytes: N = O ^ ((X ^ O) & M) changes only the field; X = O + V' (add) or V' (xchg).
#define PERCPU_LA_MASKED(x)                                                                      \
  asm volatile("1: ll.w %0, %2, 0\n\t" x "\n\txor %1, %1, %0\n\tand %1, %1, %3\n\t"              \
               "xor %1, %1, %0\n\tsc.w %1, %2, 0\n\tbeqz %1, 1b"                                 \
               : "=&r"(o), "=&r"(n) : "r"(f.word), "r"(f.mask), "r"(f.place(v)) : "memory")

template <bool kAdd, typename U>
inline U masked_rmw(U* p, U v) noexcept {
  const detail::SubWord<U> f(p);
  long o;
  unsigned long n;
  if constexpr (kAdd) {
    PERCPU_LA_MASKED("add.d %1, %0, %4");
  } else {
    PERCPU_LA_MASKED("move %1, %4");
  }
  return f.extract(o);
}
#undef PERCPU_LA_MASKED

template <typename U>
inline void add(U* p, U v) noexcept {
  if constexpr (sizeof(U) < 4) {
    masked_rmw<true>(p, v);
  } else if constexpr (sizeof(U) == 4) {
    asm volatile("amadd.w $zero, %0, %1" ::"r"(v), "r"(p) : "memory");
  } else {
    asm volatile("amadd.d $zero, %0, %1" ::"r"(v), "r"(p) : "memory");
  }
}

// am* raise an exception if rd equals rj or rk: the early clobber keeps O apart from V and P.
template <typename U>
inline U xchg(U* p, U v) noexcept {
  if constexpr (sizeof(U) < 4) {
    return masked_rmw<false>(p, v);
  } else if constexpr (sizeof(U) == 4) {
    long o;
    asm volatile("amswap.w %0, %1, %2" : "=&r"(o) : "r"(v), "r"(p) : "memory");
    return static_cast<U>(o);
  } else {
    U o;
    asm volatile("amswap.d %0, %1, %2" : "=&r"(o) : "r"(v), "r"(p) : "memory");
    return o;
  }
}

// Every size has its own add and xchg sequence (no cmpxchg loop).
template <typename U>
inline constexpr bool native_add_v = true;
template <typename U>
inline constexpr bool native_xchg_v = true;

}  // namespace percpu::arch::local
