// The freestanding part of the runtime: area bookkeeping, the init forms that need no
// allocation, and the register entry points. Compiled for kernels (-ffreestanding -nostdlib) and
// host programs alike; host-only code is in host_*.cpp. Like any GCC/clang freestanding code it
// may call memcpy/memset, which every kernel provides.
#include "percpu/percpu.hpp"

namespace percpu::detail {

AreaState g_areas{0, 0, 0, 0, 0};
size_t g_areas_generation = 0;

#if PERCPU_SP_NAIVE
uintptr_t naive_register = 0;
#elif defined(__x86_64__)
PERCPU_DETAIL_SECTION uintptr_t self_register = 0;
#endif

// The host runtime points this at its pristine snapshot of the template; kernels copy from
// CPU 0's area, which holds the template as loaded.
const void* g_pristine_template = nullptr;

uintptr_t g_stride_override = 0;

namespace {

bool g_reserved_init_done = false;

#if !PERCPU_SP_NAIVE
// The linker symbols are read through pointer-sized data words (absolute data relocations):
// in the zero model the template symbols sit near VMA 0, out of reach of the PC-relative
// adrp/auipc/lea a compiler would use on a kernel far from 0, and _percpu_stride is absolute.
// volatile keeps the compiler from folding them back into PC-relative address arithmetic.
char* volatile const g_word_start = _percpu_start;
char* volatile const g_word_end = _percpu_end;
char* volatile const g_word_load_start = _percpu_load_start;
char* volatile const g_word_load_end = _percpu_load_end;
char* volatile const g_word_stride = _percpu_stride;
char* volatile const g_word_image = _percpu_image;  // 0 unless the ROM/flash model

uintptr_t word(char* volatile const& w) { return reinterpret_cast<uintptr_t>(w); }
#endif

#if PERCPU_KERNEL_MODE && !PERCPU_SP_NAIVE
// The linked dynamic reserve (percpu-ldgen --reserve): absolute symbols, weak so that a script
// without a reserve links and reads 0. Host programs size their reserve in init(n, reserve).
extern "C" __attribute__((weak, visibility("hidden"))) char _percpu_reserve_offset[];
extern "C" __attribute__((weak, visibility("hidden"))) char _percpu_reserve_size[];
char* volatile const g_word_reserve_offset = _percpu_reserve_offset;
char* volatile const g_word_reserve_size = _percpu_reserve_size;
#endif

// The reserve of the linked areas: {offset, size}; {template end, 0} without one.
struct Reserve {
  uintptr_t offset;
  size_t size;
};
Reserve linked_reserve() {
#if PERCPU_KERNEL_MODE && !PERCPU_SP_NAIVE
  const size_t size = word(g_word_reserve_size);
  if (size != 0) return {word(g_word_reserve_offset), size};
#endif
  return {static_cast<uintptr_t>(layout::align_up(percpu_area_size(), area_alignment())), 0};
}

void set_areas(uintptr_t base, uintptr_t stride, size_t count, Reserve reserve) {
  g_areas = AreaState{base, stride, count, reserve.offset, reserve.size};
  // The dynamic allocator (src/dynamic.cpp, linked only by programs that allocate) starts over
  // on its next call when it sees a new generation.
  __atomic_add_fetch(&g_areas_generation, 1, __ATOMIC_RELEASE);
}

#if !PERCPU_SP_NAIVE
void copy_template_into(uintptr_t base, size_t count, uintptr_t stride, const void* source,
                        size_t first_cpu) {
  const size_t size = percpu_area_size();
  for (size_t cpu = first_cpu; cpu < count; ++cpu) {
    char* area = reinterpret_cast<char*>(base + cpu * stride);
    if (size != 0) __builtin_memcpy(area, source, size);
    __builtin_memset(area + size, 0, stride - size);
  }
}
#endif

size_t adopt_reserved_areas(bool copy) {
#if PERCPU_SP_NAIVE
  (void)copy;
  set_areas(0, area_stride(), 1, Reserve{0, 0});
  return 1;
#else
  const uintptr_t start = word(g_word_start);
  const uintptr_t end = word(g_word_end);
  const uintptr_t stride = area_stride();
  const size_t count = end > start ? (end - start) / stride : 0;
  if (count == 0) return 0;
  // ROM/flash model: no area is loaded, every one is copied from the image in the load region.
  // Otherwise CPU 0's area is the template as loaded: the others are copied from it.
  const uintptr_t image = word(g_word_image);
  if (copy && image != 0 && image != start)
    copy_template_into(start, count, stride, reinterpret_cast<const void*>(image), 0);
  else if (copy)
    copy_template_into(start, count, stride, reinterpret_cast<const void*>(start), 1);
  set_areas(start, stride, count, linked_reserve());
  return count;
#endif
}

InitResult init_areas(void* base, size_t cpu_count, uintptr_t stride, Reserve reserve) {
  if (base == nullptr) return {0, InitError::null_base};
  if (reinterpret_cast<uintptr_t>(base) % area_alignment() != 0)
    return {0, InitError::misaligned_base};
  if (cpu_count == 0) return {0, InitError::zero_cpus};
#if PERCPU_SP_NAIVE
  set_areas(0, stride, 1, Reserve{0, 0});
  (void)reserve;
  return {1, InitError::none};
#else
  const uintptr_t image = word(g_word_image);  // the ROM/flash model's load-region image
  const void* source = g_pristine_template != nullptr ? g_pristine_template
                       : image != 0                   ? reinterpret_cast<const void*>(image)
                                                      : static_cast<const void*>(g_word_start);
  const uintptr_t b = reinterpret_cast<uintptr_t>(base);
  copy_template_into(b, cpu_count, stride, source, 0);
  set_areas(b, stride, cpu_count, reserve);
  return {cpu_count, InitError::none};
#endif
}

}  // namespace
}  // namespace percpu::detail

namespace percpu {

const char* to_string(InitError error) noexcept {
  switch (error) {
    case InitError::none: return "none";
    case InitError::null_base: return "null_base";
    case InitError::misaligned_base: return "misaligned_base";
    case InitError::zero_cpus: return "zero_cpus";
    case InitError::out_of_memory: return "out_of_memory";
    case InitError::no_reserved_areas: return "no_reserved_areas";
    case InitError::already_initialized: return "already_initialized";
    case InitError::reserve_too_large: return "reserve_too_large";
  }
  return "unknown";
}

size_t percpu_area_size() noexcept {
#if PERCPU_SP_NAIVE
  return 0;
#else
  return detail::word(detail::g_word_load_end) - detail::word(detail::g_word_load_start);
#endif
}

size_t area_stride() noexcept {
#if PERCPU_SP_NAIVE
  return static_cast<size_t>(layout::stride(0, 0));
#else
  const uintptr_t stride = detail::g_stride_override != 0 ? detail::g_stride_override
                                                         : detail::word(detail::g_word_stride);
  // A script without the symbol's rule would give 0; fall back to the contract's rule with
  // the minimum alignment rather than divide by zero.
  return stride != 0 ? stride : static_cast<size_t>(layout::stride(percpu_area_size(), 0));
#endif
}

size_t area_alignment() noexcept {
  // The stride is a multiple of max(64, largest variable alignment), and both are powers of
  // two, so its lowest set bit is an alignment that satisfies every variable.
  const size_t stride = area_stride();
  return stride & (0 - stride);
}

namespace {

InitResult adopt(bool copy) noexcept {
  const size_t count = detail::adopt_reserved_areas(copy);
  if (count == 0) return {0, InitError::no_reserved_areas};
  detail::g_reserved_init_done = true;
  return {count, InitError::none};
}

}  // namespace

InitResult init() noexcept {
  if (detail::g_reserved_init_done) return {percpu_area_num(), InitError::already_initialized};
  return adopt(true);
}

InitResult init_in_place() noexcept { return adopt(false); }

size_t area_stride_for(size_t reserve_size) noexcept {
  const uint64_t align = area_alignment();
  return static_cast<size_t>(layout::align_up(
      layout::align_up(percpu_area_size(), align) + reserve_size, align));
}

InitResult init(void* base, size_t cpu_count) noexcept {
  const detail::Reserve linked = detail::linked_reserve();
  return detail::init_areas(base, cpu_count, area_stride(), linked);
}

InitResult init(void* base, size_t cpu_count, size_t reserve_size) noexcept {
  if (reserve_size > layout::kMaxReserve) return {0, InitError::reserve_too_large};
  const uintptr_t offset = static_cast<uintptr_t>(layout::align_up(percpu_area_size(), area_alignment()));
  return detail::init_areas(base, cpu_count, area_stride_for(reserve_size),
                            detail::Reserve{offset, reserve_size});
}

uintptr_t read_percpu_reg() noexcept { return arch::read_reg(); }

void write_percpu_reg(uintptr_t value) noexcept { arch::write_reg(value); }

void init_percpu_reg(size_t cpu) noexcept {
  arch::write_reg(register_value_for(percpu_area_base(cpu)));
}

}  // namespace percpu
