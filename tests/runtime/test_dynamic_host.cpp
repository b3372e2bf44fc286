// Dynamic per-CPU objects in host mode ("CPUs" are threads): percpu::alloc/free, the handle's
// accessors, the reserve set up by init(n, reserve), and concurrent use.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <atomic>
#include <thread>
#include <vector>

#include "percpu/dynamic.hpp"
#include "portable_vars.hpp"

namespace {

constexpr size_t kReserve = 64 * 1024;

struct alignas(64) Line {
  uint64_t words[8];
};
struct Pair {
  uint32_t a;
  uint16_t b;
};

// Per thread, as interrupt state is per CPU; the count is global.
thread_local int g_irq_depth = 0;
std::atomic<unsigned long> g_irq_saves{0};

}  // namespace

// The test's own lock hooks (the library's host defaults are weak): they prove that the
// allocator disables "interrupts" around its lock and restores exactly what it saved.
extern "C" unsigned long percpu_irq_save(void) {
  ++g_irq_saves;
  return static_cast<unsigned long>(g_irq_depth++) + 0x100;
}
extern "C" void percpu_irq_restore(unsigned long flags) {
  if (flags != static_cast<unsigned long>(--g_irq_depth) + 0x100) abort();
}

TEST(Dynamic, AllocatorRunsWithInterruptsOff) {
  ASSERT_TRUE(percpu::init(size_t{2}, kReserve).ok());
  const unsigned long before = g_irq_saves;
  percpu::DynPerCpu<uint32_t> h = percpu::alloc<uint32_t>(1u);
  EXPECT_EQ(g_irq_saves - before, 1u);
  EXPECT_TRUE(percpu::free(h));
  EXPECT_EQ(g_irq_saves - before, 2u);
  EXPECT_EQ(g_irq_depth, 0);
}

TEST(Dynamic, InitWithReserveSizesTheAreas) {
  ASSERT_TRUE(percpu::init(size_t{3}, kReserve).ok());
  EXPECT_EQ(percpu::dynamic_reserve_size(), kReserve);
  EXPECT_EQ(percpu::dynamic_reserve_offset() % percpu::area_alignment(), 0u);
  EXPECT_GE(percpu::dynamic_reserve_offset(), percpu::percpu_area_size());
  EXPECT_EQ(percpu::area_stride_for(kReserve),
            percpu::layout::stride(percpu::percpu_area_size(), percpu::area_alignment(), kReserve));
  EXPECT_EQ(percpu::percpu_area_base(1) - percpu::percpu_area_base(0), percpu::area_stride_for(kReserve));
  // The static variables are unaffected.
  EXPECT_EQ(pc_counter.remote_ref_raw(2), pc_counter.initial_value());
  EXPECT_EQ(percpu::init(size_t{2}, percpu::layout::kMaxReserve + 1).error,
            percpu::InitError::reserve_too_large);
  // Without a reserve nothing can be allocated, and nothing traps.
  ASSERT_TRUE(percpu::init(size_t{2}).ok());
  EXPECT_EQ(percpu::dynamic_reserve_size(), 0u);
  EXPECT_FALSE(percpu::alloc<uint64_t>(1));
  EXPECT_EQ(percpu::dynamic_stats().failed, 1u);
}

TEST(Dynamic, EveryCopyStartsInitializedAndAccessorsWork) {
  ASSERT_TRUE(percpu::init(size_t{4}, kReserve).ok());
  percpu::DynPerCpu<uint64_t> h = percpu::alloc<uint64_t>(7);
  ASSERT_TRUE(h);
  for (size_t cpu = 0; cpu < 4; ++cpu) EXPECT_EQ(*h.remote_ptr(cpu), 7u);
  percpu::init_percpu_reg(2);
  EXPECT_EQ(h.current_ptr(), h.remote_ptr(2));
  h.add_current(5);
  h.inc_current();
  h.sub_current(2);
  h.dec_current();
  EXPECT_EQ(h.read_current(), 10u);
  EXPECT_EQ(h.xchg_current(20), 10u);
  EXPECT_EQ(h.cmpxchg_current(19, 1), 20u);  // fails
  EXPECT_EQ(h.cmpxchg_current(20, 30), 20u);
  h.write_current_raw(h.read_current_raw() + 1);
  EXPECT_EQ(h.with_current([](uint64_t& v) { return v += 100; }), 131u);
  EXPECT_EQ(*h.remote_ptr(2), 131u);
  EXPECT_EQ(*h.remote_ptr(1), 7u);  // other CPUs untouched
  EXPECT_EQ(*h.remote_ptr(3), 7u);

  percpu::DynPerCpu<Pair> p = percpu::alloc<Pair>(3u, uint16_t{4});
  ASSERT_TRUE(p);
  EXPECT_EQ(p.remote_ref_raw(3).a, 3u);
  EXPECT_EQ(p.read_current().b, 4);

  percpu::DynPerCpu<int8_t> small = percpu::alloc<int8_t>(int8_t{-1});
  ASSERT_TRUE(small);
  small.dec_current();
  EXPECT_EQ(small.read_current(), -2);
  EXPECT_TRUE(percpu::free(h));
  EXPECT_FALSE(h);
  EXPECT_FALSE(percpu::free(h));  // empty handle
  EXPECT_TRUE(percpu::free(p));
  EXPECT_TRUE(percpu::free(small));
  EXPECT_EQ(percpu::dynamic_stats().live, 0u);
  EXPECT_EQ(percpu::dynamic_stats().used, 0u);
}

TEST(Dynamic, FreedMemoryIsReinitializedOnEveryCpu) {
  ASSERT_TRUE(percpu::init(size_t{4}, kReserve).ok());
  percpu::DynPerCpu<uint64_t> a = percpu::alloc<uint64_t>(0);
  const uintptr_t offset = a.offset();
  for (size_t cpu = 0; cpu < 4; ++cpu) *a.remote_ptr(cpu) = 0xdead0000 + cpu;
  percpu::DynPerCpu<uint64_t> copy = a;  // a copy dangles after free, like a pointer
  ASSERT_TRUE(percpu::free(a));
  EXPECT_FALSE(percpu::free(copy));  // double free is refused
  percpu::DynPerCpu<uint64_t> b = percpu::alloc<uint64_t>(42);
  ASSERT_EQ(b.offset(), offset);  // first fit reuses the hole
  for (size_t cpu = 0; cpu < 4; ++cpu) EXPECT_EQ(*b.remote_ptr(cpu), 42u);
  percpu::DynPerCpu<uint64_t> zero = percpu::alloc<uint64_t>();
  for (size_t cpu = 0; cpu < 4; ++cpu) EXPECT_EQ(*zero.remote_ptr(cpu), 0u);
}

TEST(Dynamic, AlignmentUpToTheAreaAlignment) {
  ASSERT_TRUE(percpu::init(size_t{3}, kReserve).ok());
  percpu::DynPerCpu<uint8_t> pad = percpu::alloc<uint8_t>(uint8_t{1});
  percpu::DynPerCpu<Line> line = percpu::alloc<Line>();
  ASSERT_TRUE(pad);
  ASSERT_TRUE(line);
  for (size_t cpu = 0; cpu < 3; ++cpu)
    EXPECT_EQ(reinterpret_cast<uintptr_t>(line.remote_ptr(cpu)) % 64, 0u) << cpu;
  // Stronger than the area alignment: refused, not misaligned.
  struct alignas(8192) Huge {
    char c;
  };
  ASSERT_LT(percpu::area_alignment(), 8192u);
  EXPECT_FALSE(percpu::alloc<Huge>());
}

TEST(Dynamic, ExhaustionReturnsEmptyHandlesAndRecovers) {
  ASSERT_TRUE(percpu::init(size_t{2}, 4096).ok());
  const percpu::DynamicStats empty = percpu::dynamic_stats();
  EXPECT_EQ(empty.capacity, 4064u);  // 254 granules + their 4-word bitmap = 4096 bytes
  std::vector<percpu::DynPerCpu<uint64_t>> all;
  for (;;) {
    percpu::DynPerCpu<uint64_t> h = percpu::alloc<uint64_t>(all.size());
    if (!h) break;
    all.push_back(h);
  }
  EXPECT_EQ(all.size(), empty.capacity / 16);
  EXPECT_EQ(percpu::dynamic_stats().failed, 1u);
  EXPECT_EQ(percpu::dynamic_stats().largest_free, 0u);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(*all[i].remote_ptr(1), i);  // no overlap
  for (auto& h : all) ASSERT_TRUE(percpu::free(h));
  EXPECT_EQ(percpu::dynamic_stats().largest_free, empty.capacity);
  // A re-init starts the allocator over.
  ASSERT_TRUE(percpu::alloc<uint64_t>());
  ASSERT_TRUE(percpu::init(size_t{2}, 4096).ok());
  EXPECT_EQ(percpu::dynamic_stats().live, 0u);
}

// Four "CPUs" allocate, check and free thousands of objects while four others increment
// long-lived objects: every object's copies start initialized (no overlap with a concurrent
// allocation), and the long-lived sums are exact.
TEST(Dynamic, ConcurrentAllocateFreeAndIncrement) {
  constexpr size_t kChurners = 4, kIncrementers = 4, kObjects = 3000;
  constexpr uint64_t kIncrements = 200000;
  ASSERT_TRUE(percpu::init(kChurners + kIncrementers, kReserve).ok());
  std::vector<percpu::DynPerCpu<uint64_t>> counters;
  for (int i = 0; i < 4; ++i) counters.push_back(percpu::alloc<uint64_t>(0));
  std::atomic<unsigned> bad{0};
  std::vector<std::thread> threads;
  for (size_t t = 0; t < kChurners; ++t) {
    threads.emplace_back([t, &bad] {
      percpu::init_percpu_reg(t);
      std::vector<percpu::DynPerCpu<uint64_t>> mine;
      for (uint64_t k = 0; k < kObjects; ++k) {
        const uint64_t tag = (t << 32) | k;
        percpu::DynPerCpu<uint64_t> h = percpu::alloc<uint64_t>(tag);
        if (!h) { ++bad; continue; }
        for (size_t cpu = 0; cpu < kChurners + kIncrementers; ++cpu)
          if (*h.remote_ptr(cpu) != tag) ++bad;
        h.add_current(3);
        mine.push_back(h);
        if (mine.size() > 16) {  // keep a few live, free the oldest
          if (mine.front().read_current() != ((t << 32) | (k - 16)) + 3) ++bad;
          if (!percpu::free(mine.front())) ++bad;
          mine.erase(mine.begin());
        }
      }
      for (auto& h : mine) if (!percpu::free(h)) ++bad;
    });
  }
  for (size_t t = 0; t < kIncrementers; ++t) {
    threads.emplace_back([t, &counters] {
      percpu::init_percpu_reg(kChurners + t);
      for (uint64_t i = 0; i < kIncrements; ++i)
        for (auto& c : counters) c.inc_current();
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0u);
  for (auto& c : counters) {
    uint64_t sum = 0;
    for (size_t cpu = 0; cpu < kChurners + kIncrementers; ++cpu) sum += *c.remote_ptr(cpu);
    EXPECT_EQ(sum, kIncrementers * kIncrements);
    for (size_t cpu = 0; cpu < kChurners; ++cpu) EXPECT_EQ(*c.remote_ptr(cpu), 0u);
  }
  EXPECT_EQ(percpu::dynamic_stats().live, counters.size());
}
