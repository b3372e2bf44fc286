// percpu/arch/atomic_aarch64.hpp - CPU-local atomic read-modify-write on AArch64, on an address
// already computed (see percpu/arch/atomic.hpp for the contract). Relaxed ordering: no acquire,
// release or barrier, only single-copy atomicity, which is what an interrupt on the SAME CPU
// needs (Linux arm64 this_cpu_* are relaxed atomics too).
//
// Sequences (P = address, V = value, O = old value, E = expected, D = desired, S = status;
// b/h suffixes and w registers for 1/2/4 bytes, x registers for 8):
//   with LSE (__ARM_FEATURE_ATOMICS, e.g. -march=armv8.1-a or +lse):
//     add      stadd V, [P]                                         1 instruction
//     xchg     swp V, O, [P]                                        1 instruction
//     cmpxchg  cas O(=E), D, [P]                                    1 instruction
//   without LSE (ARMv8.0, exclusive monitor):
//     add      1: ldxr O, [P] ; add O, O, V ; stxr S, O, [P] ; cbnz S, 1b
//     xchg     1: ldxr O, [P] ; stxr S, V, [P] ; cbnz S, 1b
//     cmpxchg  1: ldxr O, [P] ; cmp O, E[, uxtb|uxth] ; b.ne 2f ; stxr S, D, [P] ; cbnz S, 1b ; 2:
// An exception (interrupt) between ldxr and stxr clears the exclusive monitor on exception return
// (ERET), so the stxr fails and the sequence restarts: the interrupted update is never lost.
// Exclusives and LSE atomics need Normal memory: with the MMU off RAM is Device memory (the
// example kernels avoid them, the interrupt-storm kernel turns the MMU on).
#pragma once

#include <stdint.h>

#include "percpu/detail/asm.hpp"

namespace percpu::arch::local {

template <typename U>
inline constexpr bool supported_v = sizeof(U) <= 8;

template <typename U>
inline void add(U* p, U v) noexcept {
#if defined(__ARM_FEATURE_ATOMICS)
  PERCPU_DETAIL_BY_SIZE(sizeof(U),
      asm volatile("staddb %w0, [%1]" ::"r"(v), "r"(p) : "memory"),
      asm volatile("staddh %w0, [%1]" ::"r"(v), "r"(p) : "memory"),
      asm volatile("stadd %w0, [%1]" ::"r"(v), "r"(p) : "memory"),
      asm volatile("stadd %x0, [%1]" ::"r"(v), "r"(p) : "memory"));
#else
  U t;
  uint32_t s;
  PERCPU_DETAIL_BY_SIZE(sizeof(U),
      asm volatile("1: ldxrb %w0, [%2]\n\tadd %w0, %w0, %w3\n\tstxrb %w1, %w0, [%2]\n\tcbnz %w1, 1b"
                   : "=&r"(t), "=&r"(s) : "r"(p), "r"(v) : "memory"),
      asm volatile("1: ldxrh %w0, [%2]\n\tadd %w0, %w0, %w3\n\tstxrh %w1, %w0, [%2]\n\tcbnz %w1, 1b"
                   : "=&r"(t), "=&r"(s) : "r"(p), "r"(v) : "memory"),
      asm volatile("1: ldxr %w0, [%2]\n\tadd %w0, %w0, %w3\n\tstxr %w1, %w0, [%2]\n\tcbnz %w1, 1b"
                   : "=&r"(t), "=&r"(s) : "r"(p), "r"(v) : "memory"),
      asm volatile("1: ldxr %x0, [%2]\n\tadd %x0, %x0, %x3\n\tstxr %w1, %x0, [%2]\n\tcbnz %w1, 1b"
                   : "=&r"(t), "=&r"(s) : "r"(p), "r"(v) : "memory"));
#endif
}

template <typename U>
inline U xchg(U* p, U v) noexcept {
  U o;
#if defined(__ARM_FEATURE_ATOMICS)
  PERCPU_DETAIL_BY_SIZE(sizeof(U),
      asm volatile("swpb %w1, %w0, [%2]" : "=&r"(o) : "r"(v), "r"(p) : "memory"),
      asm volatile("swph %w1, %w0, [%2]" : "=&r"(o) : "r"(v), "r"(p) : "memory"),
      asm volatile("swp %w1, %w0, [%2]" : "=&r"(o) : "r"(v), "r"(p) : "memory"),
      asm volatile("swp %x1, %x0, [%2]" : "=&r"(o) : "r"(v), "r"(p) : "memory"));
#else
  uint32_t s;
  PERCPU_DETAIL_BY_SIZE(sizeof(U),
      asm volatile("1: ldxrb %w0, [%2]\n\tstxrb %w1, %w3, [%2]\n\tcbnz %w1, 1b"
                   : "=&r"(o), "=&r"(s) : "r"(p), "r"(v) : "memory"),
      asm volatile("1: ldxrh %w0, [%2]\n\tstxrh %w1, %w3, [%2]\n\tcbnz %w1, 1b"
                   : "=&r"(o), "=&r"(s) : "r"(p), "r"(v) : "memory"),
      asm volatile("1: ldxr %w0, [%2]\n\tstxr %w1, %w3, [%2]\n\tcbnz %w1, 1b"
                   : "=&r"(o), "=&r"(s) : "r"(p), "r"(v) : "memory"),
      asm volatile("1: ldxr %x0, [%2]\n\tstxr %w1, %x3, [%2]\n\tcbnz %w1, 1b"
                   : "=&r"(o), "=&r"(s) : "r"(p), "r"(v) : "memory"));
#endif
  return o;
}

template <typename U>
inline U cmpxchg(U* p, U expected, U desired) noexcept {
#if defined(__ARM_FEATURE_ATOMICS)
  U o = expected;  // cas compares with, and returns the old value in, the same register
  PERCPU_DETAIL_BY_SIZE(sizeof(U),
      asm volatile("casb %w0, %w1, [%2]" : "+r"(o) : "r"(desired), "r"(p) : "memory"),
      asm volatile("cash %w0, %w1, [%2]" : "+r"(o) : "r"(desired), "r"(p) : "memory"),
      asm volatile("cas %w0, %w1, [%2]" : "+r"(o) : "r"(desired), "r"(p) : "memory"),
      asm volatile("cas %x0, %x1, [%2]" : "+r"(o) : "r"(desired), "r"(p) : "memory"));
#else
  U o;
  uint32_t s;
  // ldxrb/ldxrh zero-extend; uxtb/uxth ignore whatever the upper bits of E's register hold.
#define PERCPU_A64_CAS(ld, st, cmp)                                                        \
  asm volatile("1: " ld " %w0, [%2]\n\t" cmp "\n\tb.ne 2f\n\t" st " %w1, %w4, [%2]\n\t" \
               "cbnz %w1, 1b\n2:"                                                        \
               : "=&r"(o), "=&r"(s) : "r"(p), "r"(expected), "r"(desired) : "memory", "cc")
  PERCPU_DETAIL_BY_SIZE(sizeof(U),
      PERCPU_A64_CAS("ldxrb", "stxrb", "cmp %w0, %w3, uxtb"),
      PERCPU_A64_CAS("ldxrh", "stxrh", "cmp %w0, %w3, uxth"),
      PERCPU_A64_CAS("ldxr", "stxr", "cmp %w0, %w3"),
      asm volatile("1: ldxr %x0, [%2]\n\tcmp %x0, %x3\n\tb.ne 2f\n\tstxr %w1, %x4, [%2]\n\t"
                   "cbnz %w1, 1b\n2:"
                   : "=&r"(o), "=&r"(s) : "r"(p), "r"(expected), "r"(desired) : "memory", "cc"));
#undef PERCPU_A64_CAS
#endif
  return o;
}

// Every size has its own add and xchg (no cmpxchg loop needed).
template <typename U>
inline constexpr bool native_add_v = true;
template <typename U>
inline constexpr bool native_xchg_v = true;

}  // namespace percpu::arch::local
