// "CPUs" as threads: each thread selects its own area; per-CPU counters need no atomics.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "portable_vars.hpp"

TEST(PercpuThreads, CountersSumExactly) {
  constexpr size_t kThreads = 4;
  constexpr uint64_t kIncrements = 1000000;
  ASSERT_TRUE(percpu::init(kThreads).ok());
  std::vector<std::thread> threads;
  for (size_t cpu = 0; cpu < kThreads; ++cpu) {
    threads.emplace_back([cpu] {
      percpu::init_percpu_reg(cpu);
      pc_counter.write_current(0);
      pc_u32.write_current(static_cast<uint32_t>(cpu));
      for (uint64_t i = 0; i < kIncrements; ++i) pc_counter.add_current(1);
    });
  }
  for (auto& t : threads) t.join();
  uint64_t sum = 0;
  for (size_t cpu = 0; cpu < kThreads; ++cpu) {
    EXPECT_EQ(pc_counter.remote_ref_raw(cpu), kIncrements);
    EXPECT_EQ(pc_u32.remote_ref_raw(cpu), cpu);
    sum += pc_counter.remote_ref_raw(cpu);
  }
  EXPECT_EQ(sum, kThreads * kIncrements);
}

// Each thread's register survives context switches and is independent of the others.
TEST(PercpuThreads, RegisterIsPerThread) {
  ASSERT_TRUE(percpu::init(size_t{3}).ok());
  percpu::init_percpu_reg(0);
  const uintptr_t main_reg = percpu::read_percpu_reg();
  uintptr_t seen[2] = {0, 0};
  std::thread a([&] {
    percpu::init_percpu_reg(1);
    std::this_thread::yield();
    seen[0] = percpu::read_percpu_reg();
    pc_i32.write_current(-11);
  });
  std::thread b([&] {
    percpu::init_percpu_reg(2);
    std::this_thread::yield();
    seen[1] = percpu::read_percpu_reg();
    pc_i32.write_current(-22);
  });
  a.join();
  b.join();
  EXPECT_EQ(percpu::read_percpu_reg(), main_reg);
  EXPECT_EQ(seen[0], percpu::register_value_for(percpu::percpu_area_base(1)));
  EXPECT_EQ(seen[1], percpu::register_value_for(percpu::percpu_area_base(2)));
  EXPECT_EQ(pc_i32.remote_ref_raw(1), -11);
  EXPECT_EQ(pc_i32.remote_ref_raw(2), -22);
  EXPECT_EQ(pc_i32.read_current(), -100000);
}
