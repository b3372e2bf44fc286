// init() and init_in_place() on four linker-reserved areas (percpu-host-4cpu.ld), the kernel's
// path: CPU 0's area is the loaded template and init() copies it to CPUs 1..3.
#include <gtest/gtest.h>

#include "portable_vars.hpp"

TEST(PercpuReserved, FileHoldsTemplateAndZeroedAreas) {
  // Before init the areas 1..3 are what the linker wrote: zeros.
  const uintptr_t start = reinterpret_cast<uintptr_t>(_percpu_start);
  const uintptr_t end = reinterpret_cast<uintptr_t>(_percpu_end);
  ASSERT_EQ(end - start, 4 * percpu::area_stride());
  EXPECT_EQ(*reinterpret_cast<uint64_t*>(start + 2 * percpu::area_stride() + pc_counter.offset()), 0u);
  EXPECT_EQ(percpu_storage::pc_counter, 1000u);  // the template: initial value from the file
}

TEST(PercpuReserved, InitCopiesTemplateToEveryArea) {
  const percpu::InitResult first = percpu::init();
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first.cpu_count, 4u);
  EXPECT_EQ(percpu::percpu_area_num(), 4u);
  EXPECT_EQ(percpu::percpu_area_base(0), reinterpret_cast<uintptr_t>(_percpu_start));
  for (size_t cpu = 0; cpu < 4; ++cpu) {
    EXPECT_EQ(pc_counter.remote_ref_raw(cpu), 1000u);
    EXPECT_EQ(pc_u64.remote_ref_raw(cpu), 0x1122334455667788ULL);
    EXPECT_EQ(pc_page.remote_ref_raw(cpu).first, 0xABCDu);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(pc_page.remote_ptr(cpu)) % 4096, 0u);
    EXPECT_EQ(pc_lines.remote_ref_raw(cpu).bytes[2], 9);
    percpu::init_percpu_reg(cpu);
    EXPECT_EQ(percpu::read_percpu_reg(),
              percpu::percpu_area_base(cpu) - reinterpret_cast<uintptr_t>(_percpu_load_start));
    pc_counter.add_current(cpu);
  }
  const percpu::InitResult second = percpu::init();  // a second call changes nothing
  EXPECT_EQ(second.error, percpu::InitError::already_initialized);
  EXPECT_EQ(second.cpu_count, 4u);
  for (size_t cpu = 0; cpu < 4; ++cpu) EXPECT_EQ(pc_counter.remote_ref_raw(cpu), 1000u + cpu);
}

TEST(PercpuReserved, InitInPlaceKeepsAreaContents) {
  pc_counter.remote_ref_mut_raw(3) = 33;
  const percpu::InitResult r = percpu::init_in_place();
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.cpu_count, 4u);
  EXPECT_EQ(pc_counter.remote_ref_raw(3), 33u);
  EXPECT_EQ(pc_counter.remote_ref_raw(1), 1001u);
}

// CPU 0's area (the template) was written above; init(n) still copies the load-time values.
TEST(PercpuReserved, LaterAllocatedAreasGetPristineValues) {
  ASSERT_TRUE(percpu::init(size_t{2}).ok());
  EXPECT_EQ(pc_counter.remote_ref_raw(0), 1000u);
  EXPECT_EQ(pc_counter.remote_ref_raw(1), 1000u);
}
