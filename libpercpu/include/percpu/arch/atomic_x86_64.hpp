// percpu/arch/atomic_x86_64.hpp - CPU-local atomic read-modify-write on x86_64, on an address
// already computed (contract: percpu/arch/atomic.hpp). One instruction WITHOUT a lock prefix:
// an interrupt lands before or after it, never inside, which is all a CPU-local update needs
// (Linux this_cpu_*); a lock prefix would add SMP atomicity nobody asked for, at its cost.
// The static accessors do not use these: they address %gs:var directly (x86_64.hpp).
//
// Sequences (P = address in a register, V = value, O = old value, E = expected, D = desired):
//   add      add{b,w,l,q} V, (P)                                         1 instruction
//   cmpxchg  cmpxchg{b,w,l,q} D, (P)     (E in, O out: %al/%ax/%eax/%rax) 1 instruction
//   xchg     a loop of that cmpxchg (a memory xchg is implicitly locked): atomic.hpp
#pragma once

#include <stdint.h>

#include "percpu/detail/asm.hpp"

namespace percpu::arch::local {

template <typename U>
inline constexpr bool supported_v = sizeof(U) <= 8;

template <typename U>
inline void add(U* p, U v) noexcept {
  PERCPU_DETAIL_BY_SIZE(sizeof(U),
      asm volatile("addb %1, %0" : "+m"(*p) : "qi"(v) : "memory", "cc"),
      asm volatile("addw %1, %0" : "+m"(*p) : "ri"(v) : "memory", "cc"),
      asm volatile("addl %1, %0" : "+m"(*p) : "ri"(v) : "memory", "cc"),
      asm volatile("addq %1, %0" : "+m"(*p) : "re"(v) : "memory", "cc"));
}

template <typename U>
inline U cmpxchg(U* p, U expected, U desired) noexcept {
  U o = expected;
  PERCPU_DETAIL_BY_SIZE(sizeof(U),
      asm volatile("cmpxchgb %2, %1" : "+a"(o), "+m"(*p) : "q"(desired) : "memory", "cc"),
      asm volatile("cmpxchgw %2, %1" : "+a"(o), "+m"(*p) : "r"(desired) : "memory", "cc"),
      asm volatile("cmpxchgl %2, %1" : "+a"(o), "+m"(*p) : "r"(desired) : "memory", "cc"),
      asm volatile("cmpxchgq %2, %1" : "+a"(o), "+m"(*p) : "r"(desired) : "memory", "cc"));
  return o;
}

// xchg is a cmpxchg loop (atomic.hpp); add has every size.
template <typename U>
inline U xchg(U* p, U v) noexcept = delete;

template <typename U>
inline constexpr bool native_add_v = true;
template <typename U>
inline constexpr bool native_xchg_v = false;

}  // namespace percpu::arch::local
