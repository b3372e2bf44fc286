// percpu/detail/symbols.hpp - the linker symbols of layout::kPercpuNames and the runtime's
// area bookkeeping, shared by the generic layer and the arch headers.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "percpu/config.hpp"

// Defined by the linker script (percpu-ldgen's block in kernels, libpercpu/ld/percpu-host.ld in
// host programs). Hidden: they never come from a shared library, and PIE code then reaches them
// PC-relative without a GOT entry.
extern "C" {
__attribute__((visibility("hidden"))) extern char _percpu_start[];
__attribute__((visibility("hidden"))) extern char _percpu_end[];
__attribute__((visibility("hidden"))) extern char _percpu_load_start[];
__attribute__((visibility("hidden"))) extern char _percpu_load_end[];
__attribute__((visibility("hidden"))) extern char _percpu_stride[];  // ABSOLUTE symbol
// The ROM/flash model (layout::kImageSymbol): the template's image in the load region. Weak:
// scripts without a load region do not define it, and it then reads as 0.
__attribute__((visibility("hidden"), weak)) extern char _percpu_image[];
}

namespace percpu::detail {

// Where the areas are after init: CPU i's area is [base + i * stride, base + (i + 1) * stride);
// its dynamic reserve is [reserve_offset, reserve_offset + reserve_size) inside it.
struct AreaState {
  uintptr_t base;
  uintptr_t stride;
  size_t count;
  uintptr_t reserve_offset;
  size_t reserve_size;
};
extern AreaState g_areas;
// Incremented by every init: the dynamic allocator resets itself when it sees a new value.
extern size_t g_areas_generation;

// Host mode: a copy of the template taken before main (before any per-CPU write), so that
// init(n) and init(base, n) copy initial values even after init() let CPU 0 write the template.
// nullptr in kernel mode, where init(base, n) copies the loaded CPU 0 area.
extern const void* g_pristine_template;

// Host mode: the stride when the _percpu_stride word cannot be trusted (0 = trust it). GNU ld
// before 2.41 on RISC-V relocates ABSOLUTE symbols in a PIE like addresses (R_RISCV_RELATIVE),
// so the word reads stride + load bias; host_runtime.cpp detects that before main and undoes it.
extern uintptr_t g_stride_override;

inline uintptr_t template_start() noexcept {
  return reinterpret_cast<uintptr_t>(_percpu_load_start);
}

}  // namespace percpu::detail
