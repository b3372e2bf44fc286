// Host mode only (Linux user space): the pristine template snapshot and init(cpu_count), which
// allocates the areas. Empty in kernel mode, so a freestanding build may compile src/*.cpp.
#include "percpu/config.hpp"

#if !PERCPU_KERNEL_MODE
#include <link.h>
#include <stdlib.h>
#include <string.h>

#include "percpu/percpu.hpp"

namespace percpu::detail {
namespace {

void* g_allocated_areas = nullptr;

#if !PERCPU_SP_NAIVE
int first_object_bias(struct dl_phdr_info* info, size_t, void* out) {
  *static_cast<uintptr_t*>(out) = info->dlpi_addr;
  return 1;  // the first object is the program itself
}

// A stride larger than the reserved region is impossible (every script reserves at least one
// area): the word was relocated by the program's load bias (see g_stride_override).
// Read through data words, as runtime.cpp does (the same relocations, the same defect).
char* volatile const g_stride_word = _percpu_stride;
char* volatile const g_start_word = _percpu_start;
char* volatile const g_end_word = _percpu_end;

void repair_relocated_stride() {
  const uintptr_t word = reinterpret_cast<uintptr_t>(g_stride_word);
  const uintptr_t reserved = reinterpret_cast<uintptr_t>(g_end_word) -
                             reinterpret_cast<uintptr_t>(g_start_word);
  if (word <= reserved) return;
  uintptr_t bias = 0;
  dl_iterate_phdr(first_object_bias, &bias);
  if (bias != 0 && word > bias && word - bias <= reserved) g_stride_override = word - bias;
}
#endif

// Priority 101 runs before ordinary constructors, so no constructor can have written a
// per-CPU variable (through init() areas) before the snapshot.
__attribute__((constructor(101))) void snapshot_template() {
#if !PERCPU_SP_NAIVE
  repair_relocated_stride();
  const size_t size = percpu_area_size();
  if (size == 0) return;
  void* copy = malloc(size);
  if (copy == nullptr) return;  // init(base, n) then copies CPU 0's area, as in a kernel
  memcpy(copy, _percpu_load_start, size);
  g_pristine_template = copy;
#endif
}

}  // namespace
}  // namespace percpu::detail

#if PERCPU_PREEMPT
// Host mode: a "CPU" is a thread and its register follows it across migrations, so there is
// nothing to disable. Weak, so a program (or test) that counts guard calls can supply its own.
extern "C" __attribute__((weak)) void percpu_preempt_disable(void) {}
extern "C" __attribute__((weak)) void percpu_preempt_enable(void) {}
#endif

namespace percpu {

namespace {

// reserve_size == kLinked: the linked reserve (none in host programs) and stride.
constexpr size_t kLinked = static_cast<size_t>(-1);

InitResult allocate_and_init(size_t cpu_count, size_t reserve_size) {
  if (cpu_count == 0) return {0, InitError::zero_cpus};
  if (reserve_size != kLinked && reserve_size > layout::kMaxReserve)
    return {0, InitError::reserve_too_large};
  const size_t stride = reserve_size == kLinked ? area_stride() : area_stride_for(reserve_size);
  if (cpu_count > static_cast<size_t>(-1) / stride) return {0, InitError::out_of_memory};
  void* areas = aligned_alloc(area_alignment(), stride * cpu_count);
  if (areas == nullptr) return {0, InitError::out_of_memory};
  const InitResult result = reserve_size == kLinked ? init(areas, cpu_count)
                                                    : init(areas, cpu_count, reserve_size);
  if (!result) {
    free(areas);
    return result;
  }
  free(detail::g_allocated_areas);
  detail::g_allocated_areas = areas;
  return result;
}

}  // namespace

InitResult init(size_t cpu_count) noexcept { return allocate_and_init(cpu_count, kLinked); }

InitResult init(size_t cpu_count, size_t reserve_size) noexcept {
  return allocate_and_init(cpu_count, reserve_size);
}

}  // namespace percpu

#endif  // !PERCPU_KERNEL_MODE
