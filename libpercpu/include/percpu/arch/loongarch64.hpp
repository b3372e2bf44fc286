// percpu/arch/loongarch64.hpp - per-CPU accesses on LoongArch64 (arch-layer contract, see
// percpu.hpp).
//
// Register: $r21, which the LoongArch ABI reserves (compilers never allocate it), in kernel
// and host mode (Linux's own per-CPU offset register).
//
// Sequences (T = temporary, V = value):
//   zero model   lu12i.w T, %abs_hi20(sym) ; ori T, T, %abs_lo12(sym) ; ldx.{bu,hu,w,d} V, $r21, T
//                                                                          3 instructions
//   delta model  T = &var (pcalau12i+addi.d, PC-relative) ; ldx.{bu,hu,w,d} V, $r21, T
// Indexed loads/stores add the register for free, so both models take 3 instructions.
// No single-instruction read-modify-write on $r21 + offset exists (am*.{w,d} take a plain
// register address), so the guarded add/xchg/cmpxchg take PreemptGuard around current_ptr() and
// a CPU-local atomic (atomic_loongarch64.hpp: am*, ll/sc), which makes them interrupt-safe.
#pragma once

#include <stdint.h>

#include "percpu/config.hpp"
#include "percpu/detail/asm.hpp"
#include "percpu/detail/symbols.hpp"
#include "percpu/detail/traits.hpp"
#include "percpu/detail/reach_record.hpp"

#define PERCPU_ARCH_HAS_SINGLE_INSN_RMW 0

// How far this unit's accesses reach, for percpu-check (layout.hpp: "Reach record").
#if !PERCPU_VMA_DELTA
// zero model: lu12i.w + ori, signed 32-bit (2 GiB)
PERCPU_RECORD_REACH(0, 0x80000000, 0);
#endif

namespace percpu::arch {

inline constexpr const char* kName = "loongarch64";

inline uintptr_t read_reg() noexcept {
  uintptr_t v;
  asm volatile("move %0, $r21" : "=r"(v));
  return v;
}

inline void write_reg(uintptr_t value) noexcept {
  asm volatile("move $r21, %0" ::"r"(value) : "memory");
}

// What an access adds to $r21: the symbol value (zero model) or the variable's address.
template <typename T, T* S>
inline uintptr_t displacement() noexcept {
#if PERCPU_VMA_DELTA
  return reinterpret_cast<uintptr_t>(S);
#else
  uintptr_t o;
  asm("lu12i.w %0, %%abs_hi20(%1)\n\tori %0, %0, %%abs_lo12(%1)" : "=r"(o) : "i"(S));
  return o;
#endif
}

// One asm statement (add.d from $r21 directly, no copy of it). volatile: it depends on $r21,
// which write_reg changes.
template <typename T, T* S>
inline T* current_ptr() noexcept {
  uintptr_t p;
#if PERCPU_VMA_DELTA
  asm volatile("add.d %0, %1, $r21" : "=r"(p) : "r"(S));
#else
  asm volatile("lu12i.w %0, %%abs_hi20(%1)\n\tori %0, %0, %%abs_lo12(%1)\n\tadd.d %0, %0, $r21"
               : "=r"(p) : "i"(S));
#endif
  return reinterpret_cast<T*>(p);
}

// ---- Accesses on a displacement d in a register: dynamic per-CPU objects (percpu/dynamic.hpp,
// a run-time d) and, below, the static forms (d = the link-time displacement): ONE indexed
// ldx/stx V, $r21, d. The "memory" clobber orders the access against plain accesses through
// current_ptr().
template <typename T>
inline T* current_ptr_at(uintptr_t d) noexcept {
  uintptr_t p;
  asm volatile("add.d %0, %1, $r21" : "=r"(p) : "r"(d));
  return reinterpret_cast<T*>(p);
}

template <typename T>
inline T read_at(uintptr_t d) noexcept {
  using U = detail::uint_for<T>;
  U v;
  PERCPU_DETAIL_BY_SIZE(sizeof(T),
      asm volatile("ldx.bu %0, $r21, %1" : "=r"(v) : "r"(d) : "memory"),
      asm volatile("ldx.hu %0, $r21, %1" : "=r"(v) : "r"(d) : "memory"),
      asm volatile("ldx.w %0, $r21, %1" : "=r"(v) : "r"(d) : "memory"),
      asm volatile("ldx.d %0, $r21, %1" : "=r"(v) : "r"(d) : "memory"));
  return detail::bit_cast<T>(v);
}

template <typename T>
inline void write_at(uintptr_t d, T value) noexcept {
  using U = detail::uint_for<T>;
  const U v = detail::bit_cast<U>(value);
  PERCPU_DETAIL_BY_SIZE(sizeof(T),
      asm volatile("stx.b %0, $r21, %1" ::"r"(v), "r"(d) : "memory"),
      asm volatile("stx.h %0, $r21, %1" ::"r"(v), "r"(d) : "memory"),
      asm volatile("stx.w %0, $r21, %1" ::"r"(v), "r"(d) : "memory"),
      asm volatile("stx.d %0, $r21, %1" ::"r"(v), "r"(d) : "memory"));
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
// so $r21 + offset is ONE instruction: ld.{bu,hu,w,d} V, $r21, sym. The assemblers have no
// operator for an absolute low-12 immediate in a load (%abs_lo12 is for ori's unsigned field),
// so the relocation is spelled out: R_LARCH_ABS_LO12 fills bits 21:10, where ld/st/addi.d keep
// their signed 12-bit immediate. No R_LARCH_RELAX accompanies it, so lld never rewrites it.
// The delta model has no short form: hot variables use the ordinary sequences there.
#if PERCPU_VMA_DELTA
inline constexpr bool kHotShortForm = false;  // the generic layer uses read/write/current_ptr
#else
inline constexpr bool kHotShortForm = true;

#define PERCPU_LA_HOT(insn) ".reloc ., R_LARCH_ABS_LO12, %1\n\t" insn

template <typename T, T* S>
inline T* hot_current_ptr() noexcept {
  uintptr_t p;
  asm volatile(PERCPU_LA_HOT("addi.d %0, $r21, 0") : "=r"(p) : "i"(S));
  return reinterpret_cast<T*>(p);
}

template <typename T, T* S>
inline T hot_read() noexcept {
  static_assert(detail::is_fast_v<T>, "read<T>: T must be an integer, bool, enum or pointer");
  detail::uint_for<T> v;
  PERCPU_DETAIL_BY_SIZE(sizeof(T),
      asm volatile(PERCPU_LA_HOT("ld.bu %0, $r21, 0") : "=r"(v) : "i"(S) : "memory"),
      asm volatile(PERCPU_LA_HOT("ld.hu %0, $r21, 0") : "=r"(v) : "i"(S) : "memory"),
      asm volatile(PERCPU_LA_HOT("ld.w %0, $r21, 0") : "=r"(v) : "i"(S) : "memory"),
      asm volatile(PERCPU_LA_HOT("ld.d %0, $r21, 0") : "=r"(v) : "i"(S) : "memory"));
  return detail::bit_cast<T>(v);
}

template <typename T, T* S>
inline void hot_write(T value) noexcept {
  static_assert(detail::is_fast_v<T>, "write<T>: T must be an integer, bool, enum or pointer");
  const detail::uint_for<T> v = detail::bit_cast<detail::uint_for<T>>(value);
  PERCPU_DETAIL_BY_SIZE(sizeof(T),
      asm volatile(PERCPU_LA_HOT("st.b %0, $r21, 0") ::"r"(v), "i"(S) : "memory"),
      asm volatile(PERCPU_LA_HOT("st.h %0, $r21, 0") ::"r"(v), "i"(S) : "memory"),
      asm volatile(PERCPU_LA_HOT("st.w %0, $r21, 0") ::"r"(v), "i"(S) : "memory"),
      asm volatile(PERCPU_LA_HOT("st.d %0, $r21, 0") ::"r"(v), "i"(S) : "memory"));
}

#undef PERCPU_LA_HOT
#endif

}  // namespace percpu::arch
