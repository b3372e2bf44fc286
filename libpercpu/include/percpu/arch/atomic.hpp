// percpu/arch/atomic.hpp - CPU-local atomic read-modify-write on an address already computed:
// the primitives behind the guarded add/sub/inc/dec/xchg/cmpxchg of percpu.hpp, public so that
// other per-CPU handles (dynamic allocations) reuse them.
//
//   arch::has_atomic_v<T>               these primitives exist for T on this target
//   arch::atomic_add(T* p, T v)         *p += v (modulo 2^bits)
//   arch::atomic_xchg(T* p, T v)        stores v, returns the previous value
//   arch::atomic_cmpxchg(T* p, E, D)    stores D if *p == E; returns the previous value
//
// Guarantee: each is single-copy atomic against an interrupt (or any trap) on the SAME CPU: a
// handler that updates *p between the steps of the sequence is never lost. Ordering is relaxed
// (no acquire/release, no barrier), because the data is per-CPU: the caller keeps the thread on
// this CPU (PreemptGuard, taken around the address computation AND the update, as Linux's
// this_cpu_* do), and remote readers synchronise by other means. They are not meant for data
// that other CPUs update concurrently (no SMP ordering is promised, x86_64 has no lock prefix).
// The exact instruction sequences are in the per-architecture headers:
//   atomic_x86_64.hpp, atomic_aarch64.hpp (LSE or exclusives), atomic_riscv.hpp (A extension),
//   atomic_loongarch64.hpp.
// T: integers, bool, enums, pointers of 1, 2, 4 or 8 bytes (add: integers only); where an
// architecture lacks a size (riscv32: 8 bytes; RISC-V without A: all) has_atomic_v is false
// and the generic layer keeps the guarded load/modify/store, which is preemption-safe only.
#pragma once

#include "percpu/detail/traits.hpp"

#if defined(__x86_64__)
#include "percpu/arch/atomic_x86_64.hpp"
#elif defined(__aarch64__)
#include "percpu/arch/atomic_aarch64.hpp"
#elif defined(__riscv)
#include "percpu/arch/atomic_riscv.hpp"
#elif defined(__loongarch64)
#include "percpu/arch/atomic_loongarch64.hpp"
#else
namespace percpu::arch::local {
template <typename U> inline constexpr bool supported_v = false;
template <typename U> inline constexpr bool native_add_v = false;
template <typename U> inline constexpr bool native_xchg_v = false;
template <typename U> void add(U*, U) noexcept = delete;
template <typename U> U xchg(U*, U) noexcept = delete;
template <typename U> U cmpxchg(U*, U, U) noexcept = delete;
}  // namespace percpu::arch::local
#endif

namespace percpu::arch {

template <typename T>
inline constexpr bool has_atomic_v =
    detail::is_fast_v<T> && local::supported_v<detail::uint_for<T>>;

template <typename T>
inline T atomic_cmpxchg(T* p, T expected, T desired) noexcept {
  static_assert(has_atomic_v<T>, "atomic_cmpxchg: no CPU-local atomic of this type here");
  using U = detail::uint_for<T>;
  return detail::bit_cast<T>(local::cmpxchg<U>(reinterpret_cast<U*>(p),
                                               detail::bit_cast<U>(expected),
                                               detail::bit_cast<U>(desired)));
}

namespace detail_atomic {
// Where the architecture has no single sequence for a size, a loop of cmpxchg: each attempt is
// atomic, and one that an interrupt raced simply sees the new value and retries.
template <typename U, typename F>
inline U cmpxchg_loop(U* p, F next) noexcept {
  U old = *static_cast<volatile U*>(p);
  for (;;) {
    const U seen = local::cmpxchg<U>(p, old, next(old));
    if (seen == old) return old;
    old = seen;
  }
}
}  // namespace detail_atomic

template <typename T>
inline void atomic_add(T* p, T v) noexcept {
  static_assert(has_atomic_v<T> && detail::is_arith_v<T>, "atomic_add: integers only");
  using U = detail::uint_for<T>;
  U* q = reinterpret_cast<U*>(p);
  const U u = detail::bit_cast<U>(v);
  if constexpr (local::native_add_v<U>) {
    local::add<U>(q, u);
  } else {
    detail_atomic::cmpxchg_loop(q, [u](U old) { return static_cast<U>(old + u); });
  }
}

template <typename T>
inline T atomic_xchg(T* p, T v) noexcept {
  static_assert(has_atomic_v<T>, "atomic_xchg: no CPU-local atomic of this type here");
  using U = detail::uint_for<T>;
  U* q = reinterpret_cast<U*>(p);
  const U u = detail::bit_cast<U>(v);
  if constexpr (local::native_xchg_v<U>) {
    return detail::bit_cast<T>(local::xchg<U>(q, u));
  } else {
    return detail::bit_cast<T>(detail_atomic::cmpxchg_loop(q, [u](U) { return u; }));
  }
}

}  // namespace percpu::arch
