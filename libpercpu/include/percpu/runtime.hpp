// percpu/runtime.hpp - setting up the per-CPU areas and each CPU's register (namespace percpu).
//
// Typical kernel boot:   if (!percpu::init()) halt(); // on the boot CPU, once
//                        percpu::init_percpu_reg(id); // on every CPU, before its first access
// Host programs (tests, demos) call percpu::init(n) and then init_percpu_reg(cpu) per thread.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "percpu/config.hpp"
#include "percpu/detail/symbols.hpp"

namespace percpu {

// Why an init form refused to run. No form crashes on bad input.
enum class InitError : uint8_t {
  none = 0,
  null_base,            // init(base, n): base is null
  misaligned_base,      // init(base, n): base is not a multiple of area_alignment()
  zero_cpus,            // cpu_count == 0
  out_of_memory,        // init(n) (host mode): the allocation failed
  no_reserved_areas,    // init()/init_in_place(): the linker script reserved no area
  already_initialized,  // init(): an earlier init()/init_in_place() adopted the areas; nothing changed
  reserve_too_large,    // init(base, n, reserve) / init(n, reserve): reserve > layout::kMaxReserve
};

// A short readable name of an InitError ("misaligned_base"), for logs.
[[nodiscard]] const char* to_string(InitError error) noexcept;

// What every init form returns.
struct [[nodiscard]] InitResult {
  size_t cpu_count;  // areas in use; 0 on error, except already_initialized: the areas adopted before
  InitError error;
  constexpr bool ok() const noexcept { return error == InitError::none; }
  constexpr explicit operator bool() const noexcept { return ok(); }
};

// Uses the areas the linker script reserved (_percpu_start .. _percpu_end): CPU 0's area is the
// loaded template, init() copies it to the others. In the ROM/flash model (the script defines
// _percpu_image, the template's image in the load region) init() copies that image into every
// area, CPU 0's included: startup code need not copy it. A second call changes nothing and returns
// already_initialized. In host mode the host linker script reserves ONE area (the template
// itself), so init() gives one CPU; use init(n) for more.
InitResult init() noexcept;

// Like init() but never copies: the areas are taken as they are (a loader already replicated
// the template, or a warm restart keeps their contents). May be called again.
InitResult init_in_place() noexcept;

// Caller-provided memory: cpu_count areas of area_stride() bytes each starting at base, which
// must be aligned to area_alignment(). Copies the pristine template into every area. The
// dynamic reserve is the linked one (percpu-ldgen --reserve; 0 in host mode).
InitResult init(void* base, size_t cpu_count) noexcept;

// The same with a dynamic reserve of reserve_size bytes in every area (docs/dynamic.md):
// cpu_count areas of area_stride_for(reserve_size) bytes each. The reserve starts zeroed.
InitResult init(void* base, size_t cpu_count, size_t reserve_size) noexcept;

#if !PERCPU_KERNEL_MODE
// Host mode: allocates cpu_count areas (aligned to area_alignment()) and copies the pristine
// template (as loaded, before any per-CPU write) into every area. A later init(n) replaces
// (and frees) the areas of an earlier one: no thread may still use them.
InitResult init(size_t cpu_count) noexcept;
// The same with a dynamic reserve of reserve_size bytes in every area (host programs size the
// reserve here: their areas are allocated at run time, not by the linker script).
InitResult init(size_t cpu_count, size_t reserve_size) noexcept;
#endif

// Bytes of the template (all per-CPU variables with padding); 0 when there are none.
[[nodiscard]] size_t percpu_area_size() noexcept;
// Distance between two CPUs' areas (layout::stride); never 0.
[[nodiscard]] size_t area_stride() noexcept;
// The stride init(base, n, reserve_size) uses: the template, then reserve_size bytes at
// reserve_offset_for_template(), rounded to area_alignment() (layout::stride's rule).
[[nodiscard]] size_t area_stride_for(size_t reserve_size) noexcept;
// Where the dynamic reserve starts in every area, and its size, as set up by the last init
// (0 and 0 before init or without a reserve).
[[nodiscard]] inline size_t dynamic_reserve_offset() noexcept { return detail::g_areas.reserve_offset; }
[[nodiscard]] inline size_t dynamic_reserve_size() noexcept { return detail::g_areas.reserve_size; }
// Alignment every area base has (>= 64, >= every per-CPU variable's alignment).
[[nodiscard]] size_t area_alignment() noexcept;
// Number of areas set up by the last init; 0 before.
[[nodiscard]] inline size_t percpu_area_num() noexcept { return detail::g_areas.count; }

// Base address of CPU cpu's area (debug builds trap on cpu >= percpu_area_num()).
[[nodiscard]] inline uintptr_t percpu_area_base(size_t cpu) noexcept {
  PERCPU_ASSERT(cpu < detail::g_areas.count);
  return detail::g_areas.base + cpu * detail::g_areas.stride;
}

// The per-CPU register's raw value: the area base in the zero model, area base minus the
// template start (_percpu_load_start) in the delta model.
[[nodiscard]] uintptr_t read_percpu_reg() noexcept;
// Sets the raw register value (see read_percpu_reg) of the calling CPU (host: thread).
void write_percpu_reg(uintptr_t value) noexcept;
// Points the calling CPU's register at cpu's area.
void init_percpu_reg(size_t cpu) noexcept;

// The crate's 0.1 names.
inline void set_local_thread_pointer(size_t cpu) noexcept { init_percpu_reg(cpu); }
[[nodiscard]] inline uintptr_t get_local_thread_pointer() noexcept { return read_percpu_reg(); }

// The register value that selects the area at area_base, in the build's address model.
[[nodiscard]] inline uintptr_t register_value_for(uintptr_t area_base) noexcept {
#if PERCPU_VMA_DELTA && !PERCPU_SP_NAIVE
  return area_base - detail::template_start();
#else
  return area_base;
#endif
}

}  // namespace percpu
