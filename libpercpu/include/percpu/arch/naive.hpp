// percpu/arch/naive.hpp - PERCPU_SP_NAIVE: one CPU, every per-CPU variable is a plain global in
// .data (no .percpu section, no linker script change). No register is read or written; the "register" is a plain
// variable so read_percpu_reg/write_percpu_reg still round-trip.
#pragma once

#include <stdint.h>

#include "percpu/detail/symbols.hpp"
#include "percpu/detail/traits.hpp"

// Plain loads and stores are not a single instruction on every architecture, so guarded
// accesses keep their guard.
#define PERCPU_ARCH_HAS_SINGLE_INSN_RMW 0

namespace percpu::detail {
extern uintptr_t naive_register;
}

namespace percpu::arch {

inline constexpr const char* kName = "naive";

inline uintptr_t read_reg() noexcept { return detail::naive_register; }
inline void write_reg(uintptr_t value) noexcept { detail::naive_register = value; }

// The variable is not in any area: its "offset" is its address (as in the crate's sp-naive).
template <typename T, T* S>
inline uintptr_t displacement() noexcept {
  return reinterpret_cast<uintptr_t>(S);
}

template <typename T, T* S>
inline T* current_ptr() noexcept {
  return S;
}

template <typename T, T* S>
inline T read() noexcept {
  return *S;
}

template <typename T, T* S>
inline void write(T value) noexcept {
  *S = value;
}

// Hot variables are plain globals too.
inline constexpr bool kHotShortForm = false;

}  // namespace percpu::arch
