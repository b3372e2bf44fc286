// The dynamic per-CPU allocator (percpu/dynamic.hpp, docs/dynamic.md). Freestanding: no heap,
// no exceptions, no library. One allocator serves every area: an allocation is the same offset
// in each, so the bookkeeping is one bitmap of layout::kReserveGranule-byte granules, first-fit.
// The bitmap lives at the end of CPU 0's reserve (1 bit per 16 bytes: 1/129 of the reserve);
// the same bytes in the other areas stay unused. It is rebuilt, empty, on the first call after
// every init (g_areas_generation), so handles do not survive a re-init.
#include "percpu/config.hpp"

#if !PERCPU_SP_NAIVE  // no areas, no reserve: PERCPU_SP_NAIVE builds compile this file empty
#include "percpu/dynamic.hpp"

#include "percpu/detail/granule_bitmap.hpp"

#if !PERCPU_KERNEL_MODE
#include <sched.h>
#endif

namespace percpu::detail {
namespace {

constexpr size_t kGranule = static_cast<size_t>(layout::kReserveGranule);

struct Allocator {
  uint32_t lock = 0;
  size_t generation = 0;  // the g_areas_generation the bitmap was built for
  uintptr_t first = 0;    // offset of granule 0 in every area (the reserve's offset)
  size_t area_align = 0;  // the largest alignment an allocation can have
  size_t live = 0;
  size_t failed = 0;
  GranuleBitmap map;
};
Allocator g_alloc;

inline void cpu_relax() {
#if defined(__x86_64__)
  asm volatile("pause");
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// The allocator's lock: interrupts off (the kernel's hooks) and a test-and-test-and-set spin.
// Held for a bitmap scan only; never across the copies that initialize a new object.
class LockGuard {
 public:
  LockGuard() noexcept : flags_(percpu_irq_save()) {
    unsigned spins = 0;
    while (__atomic_exchange_n(&g_alloc.lock, 1u, __ATOMIC_ACQUIRE) != 0) {
      while (__atomic_load_n(&g_alloc.lock, __ATOMIC_RELAXED) != 0) {
        cpu_relax();
#if !PERCPU_KERNEL_MODE
        // Threads are preemptible: let the holder run instead of burning its time slice.
        if (++spins % 64 == 0) sched_yield();
#endif
      }
    }
    (void)spins;
  }
  ~LockGuard() {
    __atomic_store_n(&g_alloc.lock, 0u, __ATOMIC_RELEASE);
    percpu_irq_restore(flags_);
  }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  unsigned long flags_;
};

// Granules that fit in `reserve` bytes together with their bitmap (granules * 16 + words * 8).
size_t granules_for(size_t reserve) {
  size_t g = static_cast<size_t>(uint64_t{reserve} * 8 / (kGranule * 8 + 1));  // no 32-bit overflow
  while (g > 0 && g * kGranule + GranuleBitmap::words_for(g) * 8 > reserve) --g;
  return g;
}

// Under the lock: rebuilds the bitmap when an init happened since the last call.
void refresh() {
  const size_t generation = __atomic_load_n(&g_areas_generation, __ATOMIC_ACQUIRE);
  if (generation == g_alloc.generation) return;
  g_alloc.generation = generation;
  g_alloc.live = 0;
  g_alloc.failed = 0;
  g_alloc.first = g_areas.reserve_offset;
  g_alloc.area_align = area_alignment();
  const size_t granules = g_areas.count == 0 ? 0 : granules_for(g_areas.reserve_size);
  uint64_t* words = reinterpret_cast<uint64_t*>(g_areas.base + g_areas.reserve_offset + granules * kGranule);
  static uint64_t no_words[1];
  g_alloc.map.reset(granules == 0 ? no_words : words, granules);
}

size_t granules_of(size_t size) { return size == 0 ? 1 : (size + kGranule - 1) / kGranule; }

}  // namespace

uintptr_t dynamic_alloc(size_t size, size_t align) noexcept {
  LockGuard lock;
  refresh();
  if (align == 0 || (align & (align - 1)) != 0 || align > g_alloc.area_align ||
      size > g_alloc.map.granules() * kGranule) {
    ++g_alloc.failed;
    return kNoOffset;
  }
  const size_t step = align > kGranule ? align / kGranule : 1;
  const size_t first = g_alloc.map.allocate(granules_of(size), step);
  if (first == GranuleBitmap::kNone) {
    ++g_alloc.failed;
    return kNoOffset;
  }
  ++g_alloc.live;
  return g_alloc.first + first * kGranule;
}

bool dynamic_free(uintptr_t offset, size_t size) noexcept {
  LockGuard lock;
  refresh();
  if (offset < g_alloc.first || (offset - g_alloc.first) % kGranule != 0) return false;
  if (!g_alloc.map.release((offset - g_alloc.first) / kGranule, granules_of(size))) return false;
  --g_alloc.live;
  return true;
}

}  // namespace percpu::detail

namespace percpu {

DynamicStats dynamic_stats() noexcept {
  detail::LockGuard lock;
  detail::refresh();
  const detail::GranuleBitmap& map = detail::g_alloc.map;
  return DynamicStats{map.granules() * detail::kGranule, map.used() * detail::kGranule,
                      map.largest_free_run() * detail::kGranule, detail::g_alloc.live,
                      detail::g_alloc.failed};
}

}  // namespace percpu

#if !PERCPU_KERNEL_MODE
// Host mode: a thread cannot mask interrupts, and signal handlers must not allocate; the lock
// alone serializes threads. Weak, so a test can supply counting hooks.
extern "C" __attribute__((weak)) unsigned long percpu_irq_save(void) { return 0; }
extern "C" __attribute__((weak)) void percpu_irq_restore(unsigned long) {}
#endif

#endif  // !PERCPU_SP_NAIVE
