// percpu/percpu.hpp - per-CPU variables for kernels, hypervisors and bare-metal firmware.
//
//   // counters.hpp                            // counters.cpp
//   PERCPU_DECLARE(uint64_t, irq_count);       PERCPU_DEFINE(uint64_t, irq_count, 0);
//
//   irq_count.inc_current();                   // one `addq $1, %gs:irq_count` on x86_64
//   uint64_t total = 0;
//   for (size_t cpu = 0; cpu < percpu::percpu_area_num(); ++cpu)
//     total += irq_count.remote_ref_raw(cpu);
//
// Every variable lives in the `.percpu` template section; init() replicates the template into
// one area per CPU; each CPU's thread-pointer register points at its area, so an access is
// "register + the variable's offset". docs/runtime.md describes modes and costs.
//
// "raw" operations: the caller guarantees that the thread is neither preempted nor migrated,
// and that no interrupt handler updates the variable (plain load/modify/store).
// The others take PreemptGuard (PERCPU_PREEMPT) unless the architecture does them in ONE
// instruction (x86_64: read, write, add, sub, inc, dec, cmpxchg, and xchg as a cmpxchg loop);
// under the guard, add/sub/inc/dec/xchg/cmpxchg are CPU-local atomics (arch/atomic.hpp), so
// they are interrupt-safe too. docs/runtime.md has the table of guarantees.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "percpu/config.hpp"
#include "percpu/detail/symbols.hpp"
#include "percpu/detail/traits.hpp"
#include "percpu/layout.hpp"
#include "percpu/preempt.hpp"
#include "percpu/runtime.hpp"

// The arch layer (contract in docs/runtime.md): read_reg, write_reg, displacement<T,S>,
// current_ptr<T,S>, read<T,S>, write<T,S>, kHotShortForm (when true, also the hot variables'
// hot_current_ptr<T,S>, hot_read<T,S>, hot_write<T,S>) and PERCPU_ARCH_HAS_SINGLE_INSN_RMW (when 1,
// also add<T,S> and cmpxchg<T,S>).
#if PERCPU_SP_NAIVE
#include "percpu/arch/naive.hpp"
#elif defined(__x86_64__)
#include "percpu/arch/x86_64.hpp"
#elif defined(__aarch64__)
#include "percpu/arch/aarch64.hpp"
#elif defined(__riscv)
#include "percpu/arch/riscv.hpp"
#elif defined(__loongarch64)
#include "percpu/arch/loongarch64.hpp"
#else
#error "percpu: unsupported architecture (x86_64, aarch64, riscv, loongarch64), or define PERCPU_SP_NAIVE=1"
#endif

// The hot variables' short forms. An arch header with arch::kHotShortForm defines them; the others
// (x86_64, whose ordinary access is already one instruction, the delta model, sp-naive) only say
// kHotShortForm = false, and PerCpu then takes the ordinary accessors, so these stay undefined.
namespace percpu::arch {
template <typename T, T* S>
inline T hot_read() noexcept;
template <typename T, T* S>
inline void hot_write(T value) noexcept;
template <typename T, T* S>
inline T* hot_current_ptr() noexcept;
}  // namespace percpu::arch
// CPU-local atomics on an address (arch::atomic_add/xchg/cmpxchg): the guarded RMW forms.
#include "percpu/arch/atomic.hpp"

namespace percpu {

// The accessor of one per-CPU variable: an empty object whose members never read `this`.
// Storage is the template object in `.percpu`; Init its constant initial value (outside
// `.percpu`, since CPU 0's area IS the template in kernel mode and may have been written).
// Hot: defined by PERCPU_DEFINE_HOT, in the template's first layout::kHotReach bytes, so that
// current_ptr, read and write use the architecture's shortest sequence (arch::hot_*).
template <typename T, T* Storage, const T* Init, bool Hot = false>
class PerCpu {
  static_assert(__is_trivially_copyable(T), "per-CPU variables must be trivially copyable");

  using U = detail::uint_for<T>;

 public:
  using value_type = T;
  static constexpr bool kFastPath = detail::is_fast_v<T>;
  // Guarded operations that the architecture performs in one instruction skip the guard.
  static constexpr bool kSingleInsn = kFastPath && PERCPU_ARCH_HAS_SINGLE_INSN_RMW;
  // Otherwise the guarded read-modify-writes are CPU-local atomics where the target has them
  // for T (arch/atomic.hpp; not: riscv32 8-byte values, RISC-V without the A extension).
  static constexpr bool kAtomic = kFastPath && arch::has_atomic_v<T>;
  static constexpr bool kHot = Hot;
  // Whether this variable's accesses use the short hot sequence (docs/runtime.md, "Hot variables").
  static constexpr bool kHotShortForm = Hot && arch::kHotShortForm;

  PerCpu() = default;
  PerCpu(const PerCpu&) = delete;
  PerCpu& operator=(const PerCpu&) = delete;

  // Offset of the variable inside every area. arch::displacement is what an access adds to the
  // register: the offset itself in the zero model, the template address of the variable in
  // the delta model (whose register is area base - template start); in sp-naive mode the
  // variable's address, as in the crate's sp-naive.
  static uintptr_t offset() noexcept {
#if PERCPU_VMA_DELTA && !PERCPU_SP_NAIVE
    return arch::displacement<T, Storage>() - detail::template_start();
#else
    return arch::displacement<T, Storage>();
#endif
  }

  // ---- the current CPU ----
  static T* current_ptr() noexcept {
    if constexpr (kHotShortForm) {
      return arch::hot_current_ptr<T, Storage>();
    } else {
      return arch::current_ptr<T, Storage>();
    }
  }
  static const T& current_ref_raw() noexcept { return *current_ptr(); }
  static T& current_ref_mut_raw() noexcept { return *current_ptr(); }

  static T read_current_raw() noexcept {
    if constexpr (kFastPath && kHotShortForm) {
      return arch::hot_read<T, Storage>();
    } else if constexpr (kFastPath) {
      return arch::read<T, Storage>();
    } else {
      return *current_ptr();
    }
  }
  static void write_current_raw(const T& value) noexcept {
    if constexpr (kFastPath && kHotShortForm) {
      arch::hot_write<T, Storage>(value);
    } else if constexpr (kFastPath) {
      arch::write<T, Storage>(value);
    } else {
      *current_ptr() = value;
    }
  }
  static T read_current() noexcept {
    if constexpr (kSingleInsn) {
      return read_current_raw();
    } else {
      PreemptGuard guard;
      return read_current_raw();
    }
  }
  static void write_current(const T& value) noexcept {
    if constexpr (kSingleInsn) {
      write_current_raw(value);
    } else {
      PreemptGuard guard;
      write_current_raw(value);
    }
  }

  // Integer arithmetic, modulo 2^bits (no signed-overflow UB).
  static void add_current_raw(T value) noexcept {
    static_assert(detail::is_arith_v<T>, "add/sub/inc/dec need an integer per-CPU variable");
#if PERCPU_ARCH_HAS_SINGLE_INSN_RMW
    arch::add<T, Storage>(value);
#else
    T* p = current_ptr();
    *p = detail::bit_cast<T>(static_cast<U>(detail::bit_cast<U>(*p) + detail::bit_cast<U>(value)));
#endif
  }
  static void sub_current_raw(T value) noexcept { add_current_raw(negate(value)); }
  static void inc_current_raw() noexcept { add_current_raw(T(1)); }
  static void dec_current_raw() noexcept { add_current_raw(negate(T(1))); }

  static void add_current(T value) noexcept {
    if constexpr (kSingleInsn) {
      add_current_raw(value);
    } else if constexpr (kAtomic && detail::is_arith_v<T>) {  // else: the raw form's error
      PreemptGuard guard;  // covers the address computation too: the CPU cannot change under it
      arch::atomic_add(current_ptr(), value);
    } else {
      PreemptGuard guard;
      add_current_raw(value);
    }
  }
  static void sub_current(T value) noexcept { add_current(negate(value)); }
  static void inc_current() noexcept { add_current(T(1)); }
  static void dec_current() noexcept { add_current(negate(T(1))); }

  // Stores value and returns the previous one.
  static T xchg_current_raw(T value) noexcept {
    static_assert(kFastPath, "xchg needs an integer, bool, enum or pointer per-CPU variable");
#if PERCPU_ARCH_HAS_SINGLE_INSN_RMW
    // A memory xchg carries an implicit lock; a cmpxchg loop stays CPU-local and each step is
    // one instruction, so a migration between steps only makes the loop act on the new CPU.
    T old = arch::read<T, Storage>();
    for (;;) {
      const T seen = arch::cmpxchg<T, Storage>(old, value);
      if (detail::bit_cast<U>(seen) == detail::bit_cast<U>(old)) return old;
      old = seen;
    }
#else
    T* p = current_ptr();
    const T old = *p;
    *p = value;
    return old;
#endif
  }
  static T xchg_current(T value) noexcept {
    if constexpr (kSingleInsn) {
      return xchg_current_raw(value);
    } else if constexpr (kAtomic) {
      PreemptGuard guard;
      return arch::atomic_xchg(current_ptr(), value);
    } else {
      PreemptGuard guard;
      return xchg_current_raw(value);
    }
  }

  // Stores desired if the current value equals expected; returns the old value either way
  // (Linux this_cpu_cmpxchg): it succeeded iff the result equals expected.
  static T cmpxchg_current_raw(T expected, T desired) noexcept {
    static_assert(kFastPath, "cmpxchg needs an integer, bool, enum or pointer per-CPU variable");
#if PERCPU_ARCH_HAS_SINGLE_INSN_RMW
    return arch::cmpxchg<T, Storage>(expected, desired);
#else
    T* p = current_ptr();
    const T old = *p;
    if (detail::bit_cast<U>(old) == detail::bit_cast<U>(expected)) *p = desired;
    return old;
#endif
  }
  static T cmpxchg_current(T expected, T desired) noexcept {
    if constexpr (kSingleInsn) {
      return cmpxchg_current_raw(expected, desired);
    } else if constexpr (kAtomic) {
      PreemptGuard guard;
      return arch::atomic_cmpxchg(current_ptr(), expected, desired);
    } else {
      PreemptGuard guard;
      return cmpxchg_current_raw(expected, desired);
    }
  }

  // Calls f(T&) on the current CPU's copy with preemption disabled; returns what f returns.
  template <typename F>
  static decltype(auto) with_current(F&& f) {
    PreemptGuard guard;
    return f(*current_ptr());
  }

  // Restores the current CPU's copy to the constant initial value.
  static void reset_to_init() noexcept {
    PreemptGuard guard;
    *current_ptr() = *Init;
  }
  // The constant initial value (the DEFINE's initializer).
  static const T& initial_value() noexcept { return *Init; }

  // ---- another CPU (valid after init; debug builds trap on cpu >= percpu_area_num()) ----
  static T* remote_ptr(size_t cpu) noexcept {
#if PERCPU_SP_NAIVE
    PERCPU_ASSERT(cpu < percpu_area_num());
    (void)cpu;
    return Storage;
#else
    return reinterpret_cast<T*>(percpu_area_base(cpu) + offset());
#endif
  }
  static const T& remote_ref_raw(size_t cpu) noexcept { return *remote_ptr(cpu); }
  static T& remote_ref_mut_raw(size_t cpu) noexcept { return *remote_ptr(cpu); }
  static void remote_reset_to_init(size_t cpu) noexcept { *remote_ptr(cpu) = *Init; }

 private:
  static T negate(T value) noexcept {
    return detail::bit_cast<T>(static_cast<U>(U(0) - detail::bit_cast<U>(value)));
  }
};

}  // namespace percpu

// Attributes of the template object: in `.percpu` (collected by KEEP(*(.percpu .percpu.*))),
// kept even if unused in this TU, its own alignment respected by the section. Hot variables go to
// layout::kHotInputSection, which the linker block places first in the template.
// PERCPU_SP_NAIVE: plain globals in .data, so a single-core build needs no linker script change.
#if PERCPU_SP_NAIVE
#define PERCPU_DETAIL_SECTION __attribute__((used))
#define PERCPU_DETAIL_HOT_SECTION __attribute__((used))
#else
#define PERCPU_DETAIL_SECTION __attribute__((section(".percpu"), used))
#define PERCPU_DETAIL_HOT_SECTION __attribute__((section(".percpu.hot"), used))
#endif

// A unit that declares a hot variable records the hot reach (ReachKind hot_access, kHotReach
// bytes) in .note.percpu.reach, once per unit (the assembler-local symbol guards repeats), for
// percpu-check. Only where the short form exists at all: the zero model.
#if PERCPU_SP_NAIVE || PERCPU_VMA_DELTA
#define PERCPU_DETAIL_RECORD_HOT_REACH static_assert(true, "no hot reach in this model")
#else
static_assert(::percpu::layout::kHotReach == 2048, "the hot reach record below spells 2048");
#define PERCPU_DETAIL_RECORD_HOT_REACH                   \
  asm(".ifndef .Lpercpu_hot_reach_recorded\n"           \
      ".set .Lpercpu_hot_reach_recorded, 1\n"           \
      PERCPU_DETAIL_REACH_NOTE(1, 2048, 0) "\n"          \
      ".endif")
#endif

// Makes the compiler say "constinit ... does not have a constant initializer" (g++) on top of
// the constexpr error when an initializer is not a constant expression.
#if defined(__cpp_constinit)
#define PERCPU_DETAIL_CONSTINIT constinit
#elif defined(__clang__)
#define PERCPU_DETAIL_CONSTINIT __attribute__((require_constant_initialization))
#elif defined(__GNUC__)
#define PERCPU_DETAIL_CONSTINIT __constinit
#else
#define PERCPU_DETAIL_CONSTINIT
#endif

// The accessor type of a variable: its template object, its constant initializer, hotness.
#define PERCPU_DETAIL_ACCESSOR(type, name, hot)                                        \
  ::percpu::PerCpu<type, &percpu_storage::name,                                        \
                   &percpu_storage::name##_percpu_initializer_must_be_a_constant_expression, hot>

#define PERCPU_DETAIL_DECLARE(type, name, hot)                                         \
  namespace percpu_storage {                                                           \
  extern type name;                                                                    \
  extern const ::percpu::detail::identity_t<type>                                      \
      name##_percpu_initializer_must_be_a_constant_expression;                         \
  }                                                                                    \
  extern const PERCPU_DETAIL_ACCESSOR(type, name, hot) name

#define PERCPU_DETAIL_DEFINE(type, name, section, hot, ...)                            \
  PERCPU_DETAIL_DECLARE(type, name, hot);                                              \
  namespace percpu_storage {                                                           \
  extern constexpr type name##_percpu_initializer_must_be_a_constant_expression{__VA_ARGS__}; \
  section PERCPU_DETAIL_CONSTINIT type name = name##_percpu_initializer_must_be_a_constant_expression; \
  }                                                                                    \
  constexpr PERCPU_DETAIL_ACCESSOR(type, name, hot) name{}

// PERCPU_DECLARE(type, name): in a header, makes `name` usable in every TU that includes it.
#define PERCPU_DECLARE(type, name) PERCPU_DETAIL_DECLARE(type, name, false)

// PERCPU_DEFINE(type, name, initializer...): at namespace scope, in exactly one TU. The
// initializer must be a constant expression (the template is static data); anything else is a
// compile error naming `<name>_percpu_initializer_must_be_a_constant_expression`.
#define PERCPU_DEFINE(type, name, ...) \
  PERCPU_DETAIL_DEFINE(type, name, PERCPU_DETAIL_SECTION, false, __VA_ARGS__)

// PERCPU_DECLARE_HOT / PERCPU_DEFINE_HOT: the same for a hot variable (a handful per kernel: the
// current task, the preempt count, the CPU id). It lives in the template's first
// layout::kHotReach (2 KiB) bytes, which the linker block ASSERTs, and its current_ptr, read and
// write take the architecture's shortest sequence in the zero model: 1 instruction on x86_64,
// riscv64 and loongarch64, 2 on aarch64 (docs/runtime.md, "Hot variables"). Declaration and
// definition must both say HOT (the accessor types differ otherwise: a link error).
#define PERCPU_DECLARE_HOT(type, name) \
  PERCPU_DETAIL_RECORD_HOT_REACH;      \
  PERCPU_DETAIL_DECLARE(type, name, true)
#define PERCPU_DEFINE_HOT(type, name, ...) \
  PERCPU_DETAIL_RECORD_HOT_REACH;          \
  PERCPU_DETAIL_DEFINE(type, name, PERCPU_DETAIL_HOT_SECTION, true, __VA_ARGS__)
