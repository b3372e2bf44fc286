// percpu/arch/riscv.hpp - per-CPU accesses on RISC-V (riscv64; riscv32 too, where 8-byte
// values go through current_ptr()). Arch-layer contract: see percpu.hpp.
//
// Register: gp, in kernel and host mode. Nothing else may use gp: kernels must not define
// __global_pointer$, host programs are linked with --no-relax (libpercpu's CMake target adds
// it), so the linker never turns an access into a gp-relative one.
//
// Sequences (T = temporary, V = value):
//   zero model   lui T, %hi(sym) ; add T, T, gp ; l{b,h,w,d} V, %lo(sym)(T)    3 instructions
//   delta model  T = &var (auipc+addi, PC-relative) ; add T, T, gp ; l{bu,hu,w,d} V, 0(T)
// The zero-model sequence sits between `.option push / .option norelax / .option pop`, so
// the assembler emits no R_RISCV_RELAX: GNU ld otherwise "relaxes" a lui whose %hi is 0
// (offsets below 2 KiB) into nothing and rebases the load on x0 - the add of gp is lost (the
// Rust crate's defect). Test runtime_riscv_relax_* links with relaxation ON and checks both
// the disassembly and the values under qemu-riscv64.
// No single-instruction read-modify-write on gp + offset exists (AMOs take a plain register
// address), so the guarded add/xchg/cmpxchg take PreemptGuard around current_ptr() and a
// CPU-local atomic (atomic_riscv.hpp: AMOs, lr/sc), which makes them interrupt-safe.
#pragma once

#include <stdint.h>

#include "percpu/config.hpp"
#include "percpu/detail/asm.hpp"
#include "percpu/detail/symbols.hpp"
#include "percpu/detail/traits.hpp"
#include "percpu/detail/reach_record.hpp"

#define PERCPU_ARCH_HAS_SINGLE_INSN_RMW 0

#define PERCPU_RV_NORELAX(body) ".option push\n\t.option norelax\n\t" body "\n\t.option pop"

// How far this unit's accesses reach, for percpu-check (layout.hpp: "Reach record").
#if !PERCPU_VMA_DELTA
// zero model: lui %hi + %lo, signed 32-bit (2 GiB)
PERCPU_RECORD_REACH(0, 0x80000000, 0);
#endif

namespace percpu::arch {

#if __riscv_xlen == 64
inline constexpr const char* kName = "riscv64";
#else
inline constexpr const char* kName = "riscv32";
#endif

inline uintptr_t read_reg() noexcept {
  uintptr_t v;
  asm volatile("mv %0, gp" : "=r"(v));
  return v;
}

inline void write_reg(uintptr_t value) noexcept {
  asm volatile("mv gp, %0" ::"r"(value) : "memory");
}

// What an access adds to gp: the symbol value (zero model) or the variable's address (delta).
template <typename T, T* S>
inline uintptr_t displacement() noexcept {
#if PERCPU_VMA_DELTA
  return reinterpret_cast<uintptr_t>(S);
#else
  uintptr_t o;
  asm(PERCPU_RV_NORELAX("lui %0, %%hi(%1)\n\taddi %0, %0, %%lo(%1)") : "=r"(o) : "i"(S));
  return o;
#endif
}

// One asm statement, so the address costs 3 instructions (zero model) instead of a copy of gp
// plus lui/addi/add. volatile: it depends on gp, which write_reg changes.
template <typename T, T* S>
inline T* current_ptr() noexcept {
  uintptr_t p;
#if PERCPU_VMA_DELTA
  asm volatile("add %0, %1, gp" : "=r"(p) : "r"(S));
#else
  asm volatile(PERCPU_RV_NORELAX("lui %0, %%hi(%1)\n\tadd %0, %0, gp\n\taddi %0, %0, %%lo(%1)")
               : "=r"(p) : "i"(S));
#endif
  return reinterpret_cast<T*>(p);
}

// The "memory" clobber orders the access against plain accesses through current_ptr().
#if PERCPU_VMA_DELTA
#define PERCPU_RV_LOAD(insn)                                                            \
  asm volatile("add %1, %2, gp\n\t" insn " %0, 0(%1)" : "=r"(v), "=&r"(t) : "r"(S) : "memory")
#define PERCPU_RV_STORE(insn)                                                           \
  asm volatile("add %0, %2, gp\n\t" insn " %1, 0(%0)" : "=&r"(t) : "r"(v), "r"(S) : "memory")
#else
#define PERCPU_RV_LOAD(insn)                                                              \
  asm volatile(PERCPU_RV_NORELAX("lui %1, %%hi(%2)\n\tadd %1, %1, gp\n\t" insn " %0, %%lo(%2)(%1)") \
               : "=r"(v), "=&r"(t) : "i"(S) : "memory")
#define PERCPU_RV_STORE(insn)                                                             \
  asm volatile(PERCPU_RV_NORELAX("lui %0, %%hi(%2)\n\tadd %0, %0, gp\n\t" insn " %1, %%lo(%2)(%0)") \
               : "=&r"(t) : "r"(v), "i"(S) : "memory")
#endif

template <typename T, T* S>
inline T read() noexcept {
  static_assert(detail::is_fast_v<T>, "read<T>: T must be an integer, bool, enum or pointer");
  if constexpr (!detail::is_single_access_v<T>) {
    return *current_ptr<T, S>();
  } else {
    using U = detail::uint_for<T>;
    U v;
    uintptr_t t;
    PERCPU_DETAIL_BY_SIZE(sizeof(T), PERCPU_RV_LOAD("lbu"), PERCPU_RV_LOAD("lhu"),
                          PERCPU_RV_LOAD("lw"), PERCPU_RV_LOAD("ld"));
    return detail::bit_cast<T>(v);
  }
}

template <typename T, T* S>
inline void write(T value) noexcept {
  static_assert(detail::is_fast_v<T>, "write<T>: T must be an integer, bool, enum or pointer");
  if constexpr (!detail::is_single_access_v<T>) {
    *current_ptr<T, S>() = value;
  } else {
    using U = detail::uint_for<T>;
    const U v = detail::bit_cast<U>(value);
    uintptr_t t;
    PERCPU_DETAIL_BY_SIZE(sizeof(T), PERCPU_RV_STORE("sb"), PERCPU_RV_STORE("sh"),
                          PERCPU_RV_STORE("sw"), PERCPU_RV_STORE("sd"));
  }
}

// ---- Dynamic per-CPU objects (percpu/dynamic.hpp): the displacement d is a run-time value in
// a register; an access is add T, d, gp ; l/s V, 0(T).
template <typename T>
inline T* current_ptr_at(uintptr_t d) noexcept {
  uintptr_t p;
  asm volatile("add %0, %1, gp" : "=r"(p) : "r"(d));
  return reinterpret_cast<T*>(p);
}

#define PERCPU_RV_LOAD_AT(insn) \
  asm volatile("add %1, %2, gp\n\t" insn " %0, 0(%1)" : "=r"(v), "=&r"(t) : "r"(d) : "memory")
#define PERCPU_RV_STORE_AT(insn) \
  asm volatile("add %0, %2, gp\n\t" insn " %1, 0(%0)" : "=&r"(t) : "r"(v), "r"(d) : "memory")

template <typename T>
inline T read_at(uintptr_t d) noexcept {
  if constexpr (!detail::is_single_access_v<T>) {
    return *current_ptr_at<T>(d);
  } else {
    using U = detail::uint_for<T>;
    U v;
    uintptr_t t;
    PERCPU_DETAIL_BY_SIZE(sizeof(T), PERCPU_RV_LOAD_AT("lbu"), PERCPU_RV_LOAD_AT("lhu"),
                          PERCPU_RV_LOAD_AT("lw"), PERCPU_RV_LOAD_AT("ld"));
    return detail::bit_cast<T>(v);
  }
}

template <typename T>
inline void write_at(uintptr_t d, T value) noexcept {
  if constexpr (!detail::is_single_access_v<T>) {
    *current_ptr_at<T>(d) = value;
  } else {
    using U = detail::uint_for<T>;
    const U v = detail::bit_cast<U>(value);
    uintptr_t t;
    PERCPU_DETAIL_BY_SIZE(sizeof(T), PERCPU_RV_STORE_AT("sb"), PERCPU_RV_STORE_AT("sh"),
                          PERCPU_RV_STORE_AT("sw"), PERCPU_RV_STORE_AT("sd"));
  }
}

#undef PERCPU_RV_LOAD_AT
#undef PERCPU_RV_STORE_AT
#undef PERCPU_RV_LOAD
#undef PERCPU_RV_STORE

// ---- Hot variables (PERCPU_DEFINE_HOT) ----
// Zero model: a hot variable's offset is below layout::kHotReach (2 KiB, the block ASSERTs it),
// so gp + offset is ONE instruction: l{bu,hu,w,d} V, %lo(sym)(gp) (R_RISCV_LO12_I/S, the offset
// sign-extended from 12 bits). Under .option norelax, as every zero-model sequence: no
// R_RISCV_RELAX, so neither GNU ld nor lld rewrites it (both only relax a relocation that has
// an R_RISCV_RELAX beside it). The delta model has no short form (the template address is not
// small): hot variables use the ordinary sequences there.
#if PERCPU_VMA_DELTA
inline constexpr bool kHotShortForm = false;  // the generic layer uses read/write/current_ptr
#else
inline constexpr bool kHotShortForm = true;

template <typename T, T* S>
inline T* hot_current_ptr() noexcept {
  uintptr_t p;
  asm volatile(PERCPU_RV_NORELAX("addi %0, gp, %%lo(%1)") : "=r"(p) : "i"(S));
  return reinterpret_cast<T*>(p);
}

#define PERCPU_RV_HOT_LOAD(insn) \
  asm volatile(PERCPU_RV_NORELAX(insn " %0, %%lo(%1)(gp)") : "=r"(v) : "i"(S) : "memory")
#define PERCPU_RV_HOT_STORE(insn) \
  asm volatile(PERCPU_RV_NORELAX(insn " %0, %%lo(%1)(gp)") ::"r"(v), "i"(S) : "memory")

template <typename T, T* S>
inline T hot_read() noexcept {
  static_assert(detail::is_fast_v<T>, "read<T>: T must be an integer, bool, enum or pointer");
  if constexpr (!detail::is_single_access_v<T>) {
    return *hot_current_ptr<T, S>();
  } else {
    detail::uint_for<T> v;
    PERCPU_DETAIL_BY_SIZE(sizeof(T), PERCPU_RV_HOT_LOAD("lbu"), PERCPU_RV_HOT_LOAD("lhu"),
                          PERCPU_RV_HOT_LOAD("lw"), PERCPU_RV_HOT_LOAD("ld"));
    return detail::bit_cast<T>(v);
  }
}

template <typename T, T* S>
inline void hot_write(T value) noexcept {
  static_assert(detail::is_fast_v<T>, "write<T>: T must be an integer, bool, enum or pointer");
  if constexpr (!detail::is_single_access_v<T>) {
    *hot_current_ptr<T, S>() = value;
  } else {
    const detail::uint_for<T> v = detail::bit_cast<detail::uint_for<T>>(value);
    PERCPU_DETAIL_BY_SIZE(sizeof(T), PERCPU_RV_HOT_STORE("sb"), PERCPU_RV_HOT_STORE("sh"),
                          PERCPU_RV_HOT_STORE("sw"), PERCPU_RV_HOT_STORE("sd"));
  }
}

#undef PERCPU_RV_HOT_LOAD
#undef PERCPU_RV_HOT_STORE
#endif

}  // namespace percpu::arch

#undef PERCPU_RV_NORELAX
