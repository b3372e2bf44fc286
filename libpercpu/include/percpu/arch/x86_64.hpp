// percpu/arch/x86_64.hpp - per-CPU accesses through the GS segment base (arch-layer contract,
// see percpu.hpp). Every read, write, add and cmpxchg is ONE instruction on %gs without a lock
// prefix: an interrupt or a preemption can only happen before or after it, so it is IRQ- and
// preemption-safe without a guard, like Linux's this_cpu_add.
//
// Operand forms:
//   zero model (kernels, non-PIC):  %gs:sym        "i"(&var) printed with %c, absolute disp32
//                                                 (R_X86_64_32S: offsets below 2 GiB)
//   delta model, non-PIC code:      %gs:sym        the same form; sym is the template address
//                                                 (R_X86_64_32S: non-PIE programs, kernels in
//                                                 the top 2 GiB)
//   delta model, PIC/PIE code:      %gs:(%reg)     "r"(&var): the compiler materializes &var
//                                                 with `lea var(%rip), %reg`, once per loop
// GS base + &var lands in the area in the delta model. Never %gs:sym(%rip): on Intel CPUs a
// RIP-relative read-modify-write is not served by memory renaming and a dependent chain of
// `addq $1, %gs:var(%rip)` costs ~7x the absolute or register form (docs/benchmarks.md,
// bench/x86_add_forms.cpp). Every form is still ONE %gs instruction per access: the lea computes
// a CPU-independent template address, so preemption between the two changes nothing.
// Every form also passes the template object as a memory operand so the compiler orders the
// access against other accesses that may alias it.
#pragma once

#include <stdint.h>

#include "percpu/config.hpp"
#include "percpu/detail/symbols.hpp"
#include "percpu/detail/traits.hpp"
#include "percpu/detail/reach_record.hpp"

#define PERCPU_ARCH_HAS_SINGLE_INSN_RMW 1

#if !PERCPU_VMA_DELTA && (defined(__PIC__) || defined(__PIE__))
#error "percpu: the zero address model needs non-PIC code (-fno-pic -fno-pie, as kernels are built); define PERCPU_VMA_DELTA=1 for PIE code"
#endif

namespace percpu::detail {
// The register value of this CPU, kept in the CPU's own area (Linux's this_cpu_off idea), so
// current_ptr() needs one %gs load instead of rdmsr/rdgsbase/arch_prctl. Set by write_reg.
extern uintptr_t self_register;
#if !PERCPU_KERNEL_MODE
// Host mode: wrgsbase/rdgsbase when the kernel allows them (HWCAP2_FSGSBASE), otherwise
// arch_prctl(ARCH_SET_GS / ARCH_GET_GS); an arch_prctl failure is fatal (aborts with a message).
void host_set_gs_base(uintptr_t value) noexcept;
uintptr_t host_get_gs_base() noexcept;
// Which method is in use; tests force the system call to cover both paths (fsgsbase=true
// selects the instructions only where available).
bool host_gs_uses_fsgsbase() noexcept;
void host_set_gs_method(bool fsgsbase) noexcept;
#endif
}  // namespace percpu::detail

#if PERCPU_VMA_DELTA && defined(__PIC__)
#define PERCPU_X86_VAR "%%gs:(%[sym])"
#define PERCPU_X86_SYM(S) , [sym] "r"(S)
#else
#define PERCPU_X86_VAR "%%gs:%c[sym]"
#define PERCPU_X86_SYM(S) , [sym] "i"(S)
#endif

// One asm statement per operand size: gas needs the b/w/l/q suffix for memory-immediate forms.
#define PERCPU_X86_BY_SIZE(size, stmt_b, stmt_w, stmt_l, stmt_q) \
  do {                                                          \
    if constexpr ((size) == 1) {                                \
      stmt_b;                                                   \
    } else if constexpr ((size) == 2) {                         \
      stmt_w;                                                   \
    } else if constexpr ((size) == 4) {                         \
      stmt_l;                                                   \
    } else {                                                    \
      stmt_q;                                                   \
    }                                                           \
  } while (0)

// How far this unit's accesses reach, for percpu-check (layout.hpp: "Reach record").
#if !PERCPU_VMA_DELTA
// zero model: %gs:disp32, sign-extended (2 GiB)
PERCPU_RECORD_REACH(0, 0x80000000, 0);
#endif

namespace percpu::arch {

inline constexpr const char* kName = "x86_64";

inline uintptr_t read_reg() noexcept {
#if PERCPU_KERNEL_MODE
  uint32_t lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xC0000101u));
  return (uintptr_t{hi} << 32) | lo;
#else
  return detail::host_get_gs_base();
#endif
}

// The variable's link-time address: its offset in the zero model (an absolute immediate, never
// RIP-relative: the kernel is far from VMA 0), its template address in the delta model. In both
// models a CPU's copy is at register value + this address.
template <typename T, T* S>
inline uintptr_t displacement() noexcept {
#if PERCPU_VMA_DELTA
  return reinterpret_cast<uintptr_t>(S);
#else
  uintptr_t a;
  asm("mov %[sym], %[a]" : [a] "=r"(a) : [sym] "i"(S));
  return a;
#endif
}

inline void write_reg(uintptr_t value) noexcept {
#if PERCPU_KERNEL_MODE
  asm volatile("wrmsr" ::"c"(0xC0000101u), "a"(static_cast<uint32_t>(value)),
               "d"(static_cast<uint32_t>(value >> 32))
               : "memory");
#else
  detail::host_set_gs_base(value);
#endif
  // Keep the self word (read by current_ptr) equal to the register.
  *reinterpret_cast<uintptr_t*>(value + displacement<uintptr_t, &detail::self_register>()) =
      value;
}

template <typename T, T* S>
inline T read() noexcept {
  static_assert(detail::is_fast_v<T>, "read<T>: T must be an integer, bool, enum or pointer");
  using U = detail::uint_for<T>;
  U v;
  PERCPU_X86_BY_SIZE(sizeof(T),
      asm volatile("movb " PERCPU_X86_VAR ", %[v]" : [v] "=q"(v) : [var] "m"(*S) PERCPU_X86_SYM(S)),
      asm volatile("movw " PERCPU_X86_VAR ", %[v]" : [v] "=r"(v) : [var] "m"(*S) PERCPU_X86_SYM(S)),
      asm volatile("movl " PERCPU_X86_VAR ", %[v]" : [v] "=r"(v) : [var] "m"(*S) PERCPU_X86_SYM(S)),
      asm volatile("movq " PERCPU_X86_VAR ", %[v]" : [v] "=r"(v) : [var] "m"(*S) PERCPU_X86_SYM(S)));
  return detail::bit_cast<T>(v);
}

template <typename T, T* S>
inline void write(T value) noexcept {
  static_assert(detail::is_fast_v<T>, "write<T>: T must be an integer, bool, enum or pointer");
  using U = detail::uint_for<T>;
  const U v = detail::bit_cast<U>(value);
  PERCPU_X86_BY_SIZE(sizeof(T),
      asm volatile("movb %[v], " PERCPU_X86_VAR : [var] "+m"(*S) : [v] "qi"(v) PERCPU_X86_SYM(S)),
      asm volatile("movw %[v], " PERCPU_X86_VAR : [var] "+m"(*S) : [v] "ri"(v) PERCPU_X86_SYM(S)),
      asm volatile("movl %[v], " PERCPU_X86_VAR : [var] "+m"(*S) : [v] "ri"(v) PERCPU_X86_SYM(S)),
      asm volatile("movq %[v], " PERCPU_X86_VAR : [var] "+m"(*S) : [v] "er"(v) PERCPU_X86_SYM(S)));
}

// value is added modulo 2^(8*sizeof(T)); sub/inc/dec are expressed through it.
template <typename T, T* S>
inline void add(T value) noexcept {
  static_assert(detail::is_arith_v<T>, "add<T>: T must be an integer");
  using U = detail::uint_for<T>;
  const U v = detail::bit_cast<U>(value);
  PERCPU_X86_BY_SIZE(sizeof(T),
      asm volatile("addb %[v], " PERCPU_X86_VAR : [var] "+m"(*S) : [v] "qi"(v) PERCPU_X86_SYM(S) : "cc"),
      asm volatile("addw %[v], " PERCPU_X86_VAR : [var] "+m"(*S) : [v] "ri"(v) PERCPU_X86_SYM(S) : "cc"),
      asm volatile("addl %[v], " PERCPU_X86_VAR : [var] "+m"(*S) : [v] "ri"(v) PERCPU_X86_SYM(S) : "cc"),
      asm volatile("addq %[v], " PERCPU_X86_VAR : [var] "+m"(*S) : [v] "er"(v) PERCPU_X86_SYM(S) : "cc"));
}

// Compares the current CPU's value with expected and stores desired if equal; returns the old
// value either way (Linux this_cpu_cmpxchg). No lock prefix: atomic only against this CPU.
template <typename T, T* S>
inline T cmpxchg(T expected, T desired) noexcept {
  static_assert(detail::is_fast_v<T>, "cmpxchg<T>: T must be an integer, bool, enum or pointer");
  using U = detail::uint_for<T>;
  U old = detail::bit_cast<U>(expected);
  const U v = detail::bit_cast<U>(desired);
  PERCPU_X86_BY_SIZE(sizeof(T),
      asm volatile("cmpxchgb %[v], " PERCPU_X86_VAR : [var] "+m"(*S), "+a"(old) : [v] "q"(v) PERCPU_X86_SYM(S) : "cc"),
      asm volatile("cmpxchgw %[v], " PERCPU_X86_VAR : [var] "+m"(*S), "+a"(old) : [v] "r"(v) PERCPU_X86_SYM(S) : "cc"),
      asm volatile("cmpxchgl %[v], " PERCPU_X86_VAR : [var] "+m"(*S), "+a"(old) : [v] "r"(v) PERCPU_X86_SYM(S) : "cc"),
      asm volatile("cmpxchgq %[v], " PERCPU_X86_VAR : [var] "+m"(*S), "+a"(old) : [v] "r"(v) PERCPU_X86_SYM(S) : "cc"));
  return detail::bit_cast<T>(old);
}

template <typename T, T* S>
inline T* current_ptr() noexcept {
  return reinterpret_cast<T*>(read<uintptr_t, &detail::self_register>() + displacement<T, S>());
}

// ---- Dynamic per-CPU objects (percpu/dynamic.hpp): the displacement is a run-time value in a
// register, so every access is ONE %gs:(reg) instruction. The "memory" clobber stands for the
// object operand the static forms pass (the compiler cannot name a run-time object).
#define PERCPU_X86_AT "%%gs:(%[d])"

template <typename T>
inline T read_at(uintptr_t d) noexcept {
  using U = detail::uint_for<T>;
  U v;
  PERCPU_X86_BY_SIZE(sizeof(T),
      asm volatile("movb " PERCPU_X86_AT ", %[v]" : [v] "=q"(v) : [d] "r"(d) : "memory"),
      asm volatile("movw " PERCPU_X86_AT ", %[v]" : [v] "=r"(v) : [d] "r"(d) : "memory"),
      asm volatile("movl " PERCPU_X86_AT ", %[v]" : [v] "=r"(v) : [d] "r"(d) : "memory"),
      asm volatile("movq " PERCPU_X86_AT ", %[v]" : [v] "=r"(v) : [d] "r"(d) : "memory"));
  return detail::bit_cast<T>(v);
}

template <typename T>
inline void write_at(uintptr_t d, T value) noexcept {
  using U = detail::uint_for<T>;
  const U v = detail::bit_cast<U>(value);
  PERCPU_X86_BY_SIZE(sizeof(T),
      asm volatile("movb %[v], " PERCPU_X86_AT ::[v] "qi"(v), [d] "r"(d) : "memory"),
      asm volatile("movw %[v], " PERCPU_X86_AT ::[v] "ri"(v), [d] "r"(d) : "memory"),
      asm volatile("movl %[v], " PERCPU_X86_AT ::[v] "ri"(v), [d] "r"(d) : "memory"),
      asm volatile("movq %[v], " PERCPU_X86_AT ::[v] "er"(v), [d] "r"(d) : "memory"));
}

template <typename T>
inline void add_at(uintptr_t d, T value) noexcept {
  using U = detail::uint_for<T>;
  const U v = detail::bit_cast<U>(value);
  PERCPU_X86_BY_SIZE(sizeof(T),
      asm volatile("addb %[v], " PERCPU_X86_AT ::[v] "qi"(v), [d] "r"(d) : "memory", "cc"),
      asm volatile("addw %[v], " PERCPU_X86_AT ::[v] "ri"(v), [d] "r"(d) : "memory", "cc"),
      asm volatile("addl %[v], " PERCPU_X86_AT ::[v] "ri"(v), [d] "r"(d) : "memory", "cc"),
      asm volatile("addq %[v], " PERCPU_X86_AT ::[v] "er"(v), [d] "r"(d) : "memory", "cc"));
}

template <typename T>
inline T cmpxchg_at(uintptr_t d, T expected, T desired) noexcept {
  using U = detail::uint_for<T>;
  U old = detail::bit_cast<U>(expected);
  const U v = detail::bit_cast<U>(desired);
  PERCPU_X86_BY_SIZE(sizeof(T),
      asm volatile("cmpxchgb %[v], " PERCPU_X86_AT : "+a"(old) : [v] "q"(v), [d] "r"(d) : "memory", "cc"),
      asm volatile("cmpxchgw %[v], " PERCPU_X86_AT : "+a"(old) : [v] "r"(v), [d] "r"(d) : "memory", "cc"),
      asm volatile("cmpxchgl %[v], " PERCPU_X86_AT : "+a"(old) : [v] "r"(v), [d] "r"(d) : "memory", "cc"),
      asm volatile("cmpxchgq %[v], " PERCPU_X86_AT : "+a"(old) : [v] "r"(v), [d] "r"(d) : "memory", "cc"));
  return detail::bit_cast<T>(old);
}

#undef PERCPU_X86_AT

template <typename T>
inline T* current_ptr_at(uintptr_t d) noexcept {
  return reinterpret_cast<T*>(read<uintptr_t, &detail::self_register>() + d);
}

}  // namespace percpu::arch

// ---- Hot variables (PERCPU_DEFINE_HOT) ----
// The ordinary access is already one %gs instruction at any template offset below 2 GiB, so a
// hot variable uses the same sequences in every model: it only lives at the template's front.
namespace percpu::arch {
inline constexpr bool kHotShortForm = false;  // the generic layer uses read/write/current_ptr
}  // namespace percpu::arch

namespace percpu::detail {
// This CPU's copy of the self word (tests compare it with GS_BASE).
inline uintptr_t self_register_value() noexcept { return arch::read<uintptr_t, &self_register>(); }
}  // namespace percpu::detail

#undef PERCPU_X86_BY_SIZE
