// percpu/dynamic.hpp - per-CPU objects created at run time, in every area's dynamic reserve
// (Linux's alloc_percpu / free_percpu). docs/dynamic.md.
//
//   percpu::DynPerCpu<uint64_t> rx = percpu::alloc<uint64_t>(0);   // every CPU's copy is 0
//   if (!rx) return -ENOMEM;                                        // exhaustion: empty handle
//   rx.inc_current();                        // one `incq %gs:(%reg)`-class access on x86_64
//   uint64_t total = 0;
//   for (size_t cpu = 0; cpu < percpu::percpu_area_num(); ++cpu) total += *rx.remote_ptr(cpu);
//   percpu::free(rx);                        // rx is empty again
//
// The reserve is sized at link time (percpu-ldgen --reserve SIZE) or by init(base, n, reserve)
// / init(n, reserve). The allocator takes a spin lock with interrupts off through two hooks the
// kernel supplies (C linkage, like the preempt hooks): percpu_irq_save / percpu_irq_restore.
// Kernels link src/dynamic.cpp (CMake: percpu::kernel_dynamic); host mode supplies the hooks.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "percpu/percpu.hpp"

#if PERCPU_SP_NAIVE
#error "percpu/dynamic.hpp: dynamic per-CPU objects need per-CPU areas (PERCPU_SP_NAIVE has none)"
#endif

// Disables interrupts on the calling CPU and returns what percpu_irq_restore needs to restore
// the previous state (Linux's local_irq_save/local_irq_restore).
extern "C" unsigned long percpu_irq_save(void);
extern "C" void percpu_irq_restore(unsigned long flags);

namespace percpu {

// The allocator's state, in bytes per area (every area has the same picture).
struct DynamicStats {
  size_t capacity;      // bytes the allocator hands out from (the reserve minus its bitmap)
  size_t used;          // bytes in live allocations, whole granules (layout::kReserveGranule)
  size_t largest_free;  // the longest free run: the largest allocation that can succeed now
  size_t live;          // live allocations
  size_t failed;        // allocations refused since the last init (exhaustion, bad alignment)
};
DynamicStats dynamic_stats() noexcept;

namespace detail {

template <typename T, typename... Args>
inline T make_value(Args&&... args) noexcept {
  if constexpr (__is_aggregate(T) && sizeof...(Args) > 0) {
    return T{static_cast<Args&&>(args)...};
  } else {
    return T(static_cast<Args&&>(args)...);
  }
}

inline constexpr uintptr_t kNoOffset = ~uintptr_t{0};

// size bytes aligned to align (a power of two <= area_alignment()) in every area: returns the
// offset inside every area, or kNoOffset. Thread- and interrupt-safe.
uintptr_t dynamic_alloc(size_t size, size_t align) noexcept;
// Frees what dynamic_alloc(size, ...) returned; false (nothing changes) if it is not in use.
bool dynamic_free(uintptr_t offset, size_t size) noexcept;

// The guarded read-modify-writes of a dynamic object on load/store architectures, on the
// already-computed address of this CPU's copy, under the caller's PreemptGuard: the CPU-local
// atomics PerCpu<> uses for static variables (arch/atomic.hpp) where the target has them for T,
// else the plain sequence - so the interrupt-safety rules are the static variables' own.
template <typename T, typename U>
inline void rmw_add(T* p, T value) noexcept {
  if constexpr (arch::has_atomic_v<T>) {
    arch::atomic_add(p, value);
  } else {
    *p = bit_cast<T>(static_cast<U>(bit_cast<U>(*p) + bit_cast<U>(value)));
  }
}
template <typename T>
inline T rmw_xchg(T* p, T value) noexcept {
  if constexpr (arch::has_atomic_v<T>) {
    return arch::atomic_xchg(p, value);
  } else {
    const T old = *p;
    *p = value;
    return old;
  }
}
template <typename T, typename U>
inline T rmw_cmpxchg(T* p, T expected, T desired) noexcept {
  if constexpr (arch::has_atomic_v<T>) {
    return arch::atomic_cmpxchg(p, expected, desired);
  } else {
    const T old = *p;
    if (bit_cast<U>(old) == bit_cast<U>(expected)) *p = desired;
    return old;
  }
}

}  // namespace detail

// A handle on one dynamic per-CPU object: copyable like a pointer; empty when default-built,
// after a failed alloc or after free. The accessors are PerCpu<>'s, on a run-time offset.
template <typename T>
class DynPerCpu {
  static_assert(__is_trivially_copyable(T), "per-CPU objects must be trivially copyable");
  using U = detail::uint_for<T>;
  static constexpr uintptr_t kEmpty = ~uintptr_t{0};

 public:
  using value_type = T;
  static constexpr bool kFastPath = detail::is_fast_v<T>;
  static constexpr bool kSingleInsn = kFastPath && PERCPU_ARCH_HAS_SINGLE_INSN_RMW;

  DynPerCpu() noexcept = default;
  explicit operator bool() const noexcept { return disp_ != kEmpty; }

  // The object's offset inside every area.
  uintptr_t offset() const noexcept {
#if PERCPU_VMA_DELTA
    return disp_ - detail::template_start();
#else
    return disp_;
#endif
  }

  // ---- the current CPU (the handle must not be empty) ----
  T* current_ptr() const noexcept { return arch::current_ptr_at<T>(disp_); }
  const T& current_ref_raw() const noexcept { return *current_ptr(); }
  T& current_ref_mut_raw() const noexcept { return *current_ptr(); }

  T read_current_raw() const noexcept {
    if constexpr (kFastPath) return arch::read_at<T>(disp_);
    else return *current_ptr();
  }
  void write_current_raw(const T& value) const noexcept {
    if constexpr (kFastPath) arch::write_at<T>(disp_, value);
    else *current_ptr() = value;
  }
  T read_current() const noexcept {
    if constexpr (kSingleInsn) {
      return read_current_raw();
    } else {
      PreemptGuard guard;
      return read_current_raw();
    }
  }
  void write_current(const T& value) const noexcept {
    if constexpr (kSingleInsn) {
      write_current_raw(value);
    } else {
      PreemptGuard guard;
      write_current_raw(value);
    }
  }

  // Integer arithmetic, modulo 2^bits.
  void add_current_raw(T value) const noexcept {
    static_assert(detail::is_arith_v<T>, "add/sub/inc/dec need an integer per-CPU object");
#if PERCPU_ARCH_HAS_SINGLE_INSN_RMW
    arch::add_at<T>(disp_, value);
#else
    T* p = current_ptr();
    *p = detail::bit_cast<T>(static_cast<U>(detail::bit_cast<U>(*p) + detail::bit_cast<U>(value)));
#endif
  }
  void add_current(T value) const noexcept {
    static_assert(detail::is_arith_v<T>, "add/sub/inc/dec need an integer per-CPU object");
#if PERCPU_ARCH_HAS_SINGLE_INSN_RMW
    arch::add_at<T>(disp_, value);
#else
    PreemptGuard guard;
    detail::rmw_add<T, U>(current_ptr(), value);
#endif
  }
  void sub_current_raw(T value) const noexcept { add_current_raw(negate(value)); }
  void inc_current_raw() const noexcept { add_current_raw(T(1)); }
  void dec_current_raw() const noexcept { add_current_raw(negate(T(1))); }
  void sub_current(T value) const noexcept { add_current(negate(value)); }
  void inc_current() const noexcept { add_current(T(1)); }
  void dec_current() const noexcept { add_current(negate(T(1))); }

  // Stores value and returns the previous one.
  T xchg_current_raw(T value) const noexcept {
    static_assert(kFastPath, "xchg needs an integer, bool, enum or pointer per-CPU object");
#if PERCPU_ARCH_HAS_SINGLE_INSN_RMW
    return xchg_loop(value);
#else
    T* p = current_ptr();
    const T old = *p;
    *p = value;
    return old;
#endif
  }
  T xchg_current(T value) const noexcept {
    static_assert(kFastPath, "xchg needs an integer, bool, enum or pointer per-CPU object");
#if PERCPU_ARCH_HAS_SINGLE_INSN_RMW
    return xchg_loop(value);
#else
    PreemptGuard guard;
    return detail::rmw_xchg<T>(current_ptr(), value);
#endif
  }

  // Stores desired if the current value equals expected; returns the old value either way.
  T cmpxchg_current_raw(T expected, T desired) const noexcept {
    static_assert(kFastPath, "cmpxchg needs an integer, bool, enum or pointer per-CPU object");
#if PERCPU_ARCH_HAS_SINGLE_INSN_RMW
    return arch::cmpxchg_at<T>(disp_, expected, desired);
#else
    T* p = current_ptr();
    const T old = *p;
    if (detail::bit_cast<U>(old) == detail::bit_cast<U>(expected)) *p = desired;
    return old;
#endif
  }
  T cmpxchg_current(T expected, T desired) const noexcept {
    static_assert(kFastPath, "cmpxchg needs an integer, bool, enum or pointer per-CPU object");
#if PERCPU_ARCH_HAS_SINGLE_INSN_RMW
    return cmpxchg_current_raw(expected, desired);
#else
    PreemptGuard guard;
    return detail::rmw_cmpxchg<T, U>(current_ptr(), expected, desired);
#endif
  }

  // Calls f(T&) on the current CPU's copy with preemption disabled; returns what f returns.
  template <typename F>
  decltype(auto) with_current(F&& f) const {
    PreemptGuard guard;
    return f(*current_ptr());
  }

  // ---- another CPU (valid after init; debug builds trap on cpu >= percpu_area_num()) ----
  T* remote_ptr(size_t cpu) const noexcept {
    return reinterpret_cast<T*>(percpu_area_base(cpu) + offset());
  }
  const T& remote_ref_raw(size_t cpu) const noexcept { return *remote_ptr(cpu); }
  T& remote_ref_mut_raw(size_t cpu) const noexcept { return *remote_ptr(cpu); }

 private:
  template <typename V, typename... Args>
  friend DynPerCpu<V> alloc(Args&&... args) noexcept;
  template <typename V>
  friend bool free(DynPerCpu<V>& handle) noexcept;

  // disp: what an access adds to the per-CPU register (the area offset in the zero model,
  // template start + area offset in the delta model), kept so an access needs no arithmetic.
  explicit DynPerCpu(uintptr_t area_offset) noexcept
#if PERCPU_VMA_DELTA
      : disp_(detail::template_start() + area_offset) {}
#else
      : disp_(area_offset) {}
#endif

  static T negate(T value) noexcept {
    return detail::bit_cast<T>(static_cast<U>(U(0) - detail::bit_cast<U>(value)));
  }

#if PERCPU_ARCH_HAS_SINGLE_INSN_RMW
  // A CPU-local cmpxchg loop, as PerCpu<>::xchg_current: each step is one instruction.
  T xchg_loop(T value) const noexcept {
    T old = arch::read_at<T>(disp_);
    for (;;) {
      const T seen = arch::cmpxchg_at<T>(disp_, old, value);
      if (detail::bit_cast<U>(seen) == detail::bit_cast<U>(old)) return old;
      old = seen;
    }
  }
#endif

  uintptr_t disp_ = kEmpty;
};

// A new object in every area, each copy initialized to T(args...) (T{args...} for aggregates,
// T() without args). Returns
// an empty handle when the reserve has no room (or alignof(T) > area_alignment(), or before
// init): never traps. The copies are written before alloc returns; publish the handle to other
// CPUs with release/acquire ordering as any pointer.
template <typename T, typename... Args>
DynPerCpu<T> alloc(Args&&... args) noexcept {
  const T value = detail::make_value<T>(static_cast<Args&&>(args)...);
  const uintptr_t offset = detail::dynamic_alloc(sizeof(T), alignof(T));
  if (offset == detail::kNoOffset) return DynPerCpu<T>();
  for (size_t cpu = 0; cpu < percpu_area_num(); ++cpu)
    __builtin_memcpy(reinterpret_cast<void*>(percpu_area_base(cpu) + offset), &value, sizeof(T));
  return DynPerCpu<T>(offset);
}

// Releases the object and empties the handle (copies of the handle dangle, like pointers).
// Returns false, changing nothing, for an empty handle or an object that is not allocated.
template <typename T>
bool free(DynPerCpu<T>& handle) noexcept {
  if (!handle) return false;
  const bool freed = detail::dynamic_free(handle.offset(), sizeof(T));
  handle = DynPerCpu<T>();
  return freed;
}

}  // namespace percpu
