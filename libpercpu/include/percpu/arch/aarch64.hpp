// percpu/arch/aarch64.hpp - per-CPU accesses on AArch64 (arch-layer contract, see percpu.hpp).
//
// Register: TPIDR_EL1 in kernel mode (TPIDR_EL2 with PERCPU_ARM_EL2). Host mode (Linux EL0):
// TPIDR_EL1 is not readable and TPIDR_EL0 is glibc's TLS pointer, so the "register" is a
// thread-local word (initial-exec TLS) holding the register value; see docs/runtime.md.
//
// Sequences (B = base register, O = offset register, V = value):
//   zero model   mrs B, tpidr_el1 ; movz O, #:abs_g0:sym ; ldr V, [B, O]        3 instructions
//     R_AARCH64_MOVW_UABS_G0 is CHECKED: an offset >= 64 KiB is a link error (the Rust crate's
//     movz truncates silently). PERCPU_AARCH64_LARGE_OFFSETS=1 reaches 4 GiB with
//     movz O, #:abs_g1:sym ; movk O, #:abs_g0_nc:sym  (one more instruction).
//   delta model  mrs B ; adrp+add O = &var (PC-relative, PIE-friendly) ; ldr V, [B, O]
// Load/store architectures have no single-instruction read-modify-write on a base+offset
// address (LSE atomics such as stadd take a plain register address), so the guarded
// add/xchg/cmpxchg take the generic layer's PreemptGuard around current_ptr() and a CPU-local
// atomic (atomic_aarch64.hpp: LSE or ldxr/stxr), which makes them interrupt-safe.
#pragma once

#include <stdint.h>

#include "percpu/config.hpp"
#include "percpu/detail/asm.hpp"
#include "percpu/detail/symbols.hpp"
#include "percpu/detail/traits.hpp"
#include "percpu/detail/reach_record.hpp"

#define PERCPU_ARCH_HAS_SINGLE_INSN_RMW 0

#ifndef PERCPU_AARCH64_LARGE_OFFSETS
#define PERCPU_AARCH64_LARGE_OFFSETS 0
#endif

#if PERCPU_ARM_EL2
#define PERCPU_A64_TPIDR "tpidr_el2"
#else
#define PERCPU_A64_TPIDR "tpidr_el1"
#endif

#if !PERCPU_KERNEL_MODE
namespace percpu::detail {
// Host mode: this thread's register value (defined in src/host_aarch64.cpp).
extern __thread uintptr_t host_register __attribute__((tls_model("initial-exec")));
}  // namespace percpu::detail
#endif

// How far this unit's accesses reach, for percpu-check (layout.hpp: "Reach record").
#if !PERCPU_VMA_DELTA
// zero model: movz #:abs_g0: (64 KiB), or movz g1 + movk g0_nc (4 GiB)
#if PERCPU_AARCH64_LARGE_OFFSETS
PERCPU_RECORD_REACH(0, 0, 1);
#else
PERCPU_RECORD_REACH(0, 0x10000, 0);
#endif
#endif

namespace percpu::arch {

inline constexpr const char* kName = "aarch64";

inline uintptr_t read_reg() noexcept {
#if PERCPU_KERNEL_MODE
  uintptr_t v;
  asm volatile("mrs %0, " PERCPU_A64_TPIDR : "=r"(v));
  return v;
#else
  return detail::host_register;
#endif
}

inline void write_reg(uintptr_t value) noexcept {
#if PERCPU_KERNEL_MODE
  asm volatile("msr " PERCPU_A64_TPIDR ", %0" ::"r"(value) : "memory");
#else
  detail::host_register = value;
#endif
}

// What the access adds to the register: the symbol value (zero model) or the variable's
// address (delta model).
template <typename T, T* S>
inline uintptr_t displacement() noexcept {
#if PERCPU_VMA_DELTA
  return reinterpret_cast<uintptr_t>(S);
#elif PERCPU_AARCH64_LARGE_OFFSETS
  uintptr_t o;
  asm("movz %0, #:abs_g1:%c1\n\tmovk %0, #:abs_g0_nc:%c1" : "=r"(o) : "i"(S));
  return o;
#else
  uintptr_t o;
  asm("movz %0, #:abs_g0:%c1" : "=r"(o) : "i"(S));
  return o;
#endif
}

template <typename T, T* S>
inline T* current_ptr() noexcept {
  return reinterpret_cast<T*>(read_reg() + displacement<T, S>());
}

// ---- Accesses on a displacement d in a register: dynamic per-CPU objects (percpu/dynamic.hpp,
// a run-time d) and, below, the static forms (d = the link-time displacement): mrs + ldr/str
// [base, d]. The "memory" clobber orders the access against plain accesses through
// current_ptr() (the compiler cannot see which object the asm touches).
template <typename T>
inline T* current_ptr_at(uintptr_t d) noexcept {
  return reinterpret_cast<T*>(read_reg() + d);
}

template <typename T>
inline T read_at(uintptr_t d) noexcept {
  using U = detail::uint_for<T>;
  const uintptr_t b = read_reg();
  U v;
  PERCPU_DETAIL_BY_SIZE(sizeof(T),
      asm volatile("ldrb %w0, [%1, %2]" : "=r"(v) : "r"(b), "r"(d) : "memory"),
      asm volatile("ldrh %w0, [%1, %2]" : "=r"(v) : "r"(b), "r"(d) : "memory"),
      asm volatile("ldr %w0, [%1, %2]" : "=r"(v) : "r"(b), "r"(d) : "memory"),
      asm volatile("ldr %x0, [%1, %2]" : "=r"(v) : "r"(b), "r"(d) : "memory"));
  return detail::bit_cast<T>(v);
}

template <typename T>
inline void write_at(uintptr_t d, T value) noexcept {
  using U = detail::uint_for<T>;
  const U v = detail::bit_cast<U>(value);
  const uintptr_t b = read_reg();
  PERCPU_DETAIL_BY_SIZE(sizeof(T),
      asm volatile("strb %w0, [%1, %2]" ::"rZ"(v), "r"(b), "r"(d) : "memory"),
      asm volatile("strh %w0, [%1, %2]" ::"rZ"(v), "r"(b), "r"(d) : "memory"),
      asm volatile("str %w0, [%1, %2]" ::"rZ"(v), "r"(b), "r"(d) : "memory"),
      asm volatile("str %x0, [%1, %2]" ::"rZ"(v), "r"(b), "r"(d) : "memory"));
}

// The static forms are the dynamic ones with the link-time displacement in the offset register.
template <typename T, T* S>
inline T read() noexcept {
  static_assert(detail::is_fast_v<T>, "read<T>: T must be an integer, bool, enum or pointer");
  return read_at<T>(displacement<T, S>());
}

template <typename T, T* S>
inline void write(T value) noexcept {
  static_assert(detail::is_fast_v<T>, "write<T>: T must be an integer, bool, enum or pointer");
  write_at<T>(displacement<T, S>(), value);
}

// ---- Hot variables (PERCPU_DEFINE_HOT) ----
// Zero model: a hot variable's offset is below layout::kHotReach (2 KiB, the block ASSERTs it),
// so it fits the unsigned, size-scaled 12-bit immediate of ldr/str: TWO instructions,
//   mrs B, tpidr_el1 ; ldr{b,h,,} V, [B, #:lo12:sym]
// with the relocation the assembler picks for the access size (R_AARCH64_LDST{8,16,32,64}_
// ABS_LO12_NC: the offset's low 12 bits, scaled; variables are naturally aligned). Host mode and
// the delta model have no short form: hot variables use the ordinary sequences there.
#if PERCPU_VMA_DELTA || !PERCPU_KERNEL_MODE
inline constexpr bool kHotShortForm = false;  // the generic layer uses read/write/current_ptr
#else
inline constexpr bool kHotShortForm = true;

template <typename T, T* S>
inline T* hot_current_ptr() noexcept {
  uintptr_t p;
  asm volatile("mrs %0, " PERCPU_A64_TPIDR "\n\tadd %0, %0, #:lo12:%c1" : "=r"(p) : "i"(S));
  return reinterpret_cast<T*>(p);
}

// The base register is reused for the loaded value (one register).
template <typename T, T* S>
inline T hot_read() noexcept {
  static_assert(detail::is_fast_v<T>, "read<T>: T must be an integer, bool, enum or pointer");
  uintptr_t t;
#define PERCPU_A64_HOT_LOAD(insn, reg)                                                 \
  asm volatile("mrs %0, " PERCPU_A64_TPIDR "\n\t" insn " " reg ", [%0, #:lo12:%c1]" \
               : "=r"(t) : "i"(S) : "memory")
  PERCPU_DETAIL_BY_SIZE(sizeof(T), PERCPU_A64_HOT_LOAD("ldrb", "%w0"),
                        PERCPU_A64_HOT_LOAD("ldrh", "%w0"), PERCPU_A64_HOT_LOAD("ldr", "%w0"),
                        PERCPU_A64_HOT_LOAD("ldr", "%x0"));
#undef PERCPU_A64_HOT_LOAD
  return detail::bit_cast<T>(static_cast<detail::uint_for<T>>(t));
}

template <typename T, T* S>
inline void hot_write(T value) noexcept {
  static_assert(detail::is_fast_v<T>, "write<T>: T must be an integer, bool, enum or pointer");
  const detail::uint_for<T> v = detail::bit_cast<detail::uint_for<T>>(value);
  uintptr_t b;
#define PERCPU_A64_HOT_STORE(insn, reg)                                                \
  asm volatile("mrs %0, " PERCPU_A64_TPIDR "\n\t" insn " " reg ", [%0, #:lo12:%c2]" \
               : "=&r"(b) : "rZ"(v), "i"(S) : "memory")
  PERCPU_DETAIL_BY_SIZE(sizeof(T), PERCPU_A64_HOT_STORE("strb", "%w1"),
                        PERCPU_A64_HOT_STORE("strh", "%w1"), PERCPU_A64_HOT_STORE("str", "%w1"),
                        PERCPU_A64_HOT_STORE("str", "%x1"));
#undef PERCPU_A64_HOT_STORE
}
#endif

}  // namespace percpu::arch

#undef PERCPU_A64_TPIDR
