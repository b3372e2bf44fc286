// Host-mode init(n): allocation, pristine copies, errors.
#include <gtest/gtest.h>

#include "portable_vars.hpp"

TEST(PercpuHostInit, AllocatesAreasWithInitialValues) {
  const percpu::InitResult r = percpu::init(size_t{6});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.cpu_count, 6u);
  EXPECT_EQ(percpu::percpu_area_num(), 6u);
  for (size_t cpu = 0; cpu < 6; ++cpu) {
    EXPECT_EQ(percpu::percpu_area_base(cpu) % percpu::area_alignment(), 0u);
    EXPECT_EQ(pc_u64.remote_ref_raw(cpu), 0x1122334455667788ULL);
    EXPECT_EQ(pc_page.remote_ref_raw(cpu).first, 0xABCDu);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(pc_page.remote_ptr(cpu)) % 4096, 0u);
    EXPECT_EQ(pc_lines.remote_ref_raw(cpu).bytes[1], 8);
  }
}

// init() in host mode makes the template CPU 0's area; init(n) still copies the values the
// template had at load time, not what CPU 0 wrote since.
TEST(PercpuHostInit, CopiesPristineTemplateAfterTemplateWrites) {
  const percpu::InitResult first = percpu::init();  // already_initialized if an earlier test ran it
  EXPECT_TRUE(first.ok() || first.error == percpu::InitError::already_initialized) << percpu::to_string(first.error);
  ASSERT_TRUE(percpu::init_in_place().cpu_count >= 1);
  percpu::init_percpu_reg(0);
  pc_counter.write_current(77);
  EXPECT_EQ(pc_counter.remote_ref_raw(0), 77u);
  const percpu::InitResult r = percpu::init(size_t{3});
  ASSERT_TRUE(r.ok());
  for (size_t cpu = 0; cpu < 3; ++cpu) EXPECT_EQ(pc_counter.remote_ref_raw(cpu), 1000u);
  // Put the template back so later tests that adopt it see initial values.
  ASSERT_TRUE(percpu::init_in_place().ok());
  pc_counter.remote_reset_to_init(0);
}

TEST(PercpuHostInit, ZeroCpusIsAnError) {
  const percpu::InitResult r = percpu::init(size_t{0});
  EXPECT_EQ(r.error, percpu::InitError::zero_cpus);
  EXPECT_STREQ(percpu::to_string(r.error), "zero_cpus");
}

TEST(PercpuHostInit, HugeCountIsOutOfMemoryNotACrash) {
  const percpu::InitResult r = percpu::init(static_cast<size_t>(-1) / 2);
  EXPECT_EQ(r.error, percpu::InitError::out_of_memory);
}
