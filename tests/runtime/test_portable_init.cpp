// Portable runtime tests: the init forms, area geometry, register and error codes.
// Only TEST and EXPECT_/ASSERT_{EQ,NE,TRUE,FALSE,LT,LE,GT,GE}; no library beyond <stdint.h>/<string.h>.
#include <gtest/gtest.h>
#include <stdint.h>
#include <string.h>

#include "portable_vars.hpp"

namespace {

// Every CPU's copy of every variable holds the DEFINE's initial value.
void expect_initial_values_on_all_cpus() {
  for (size_t cpu = 0; cpu < percpu::percpu_area_num(); ++cpu) {
    EXPECT_EQ(pc_i8.remote_ref_raw(cpu), -5);
    EXPECT_EQ(pc_u8.remote_ref_raw(cpu), 200);
    EXPECT_EQ(pc_i16.remote_ref_raw(cpu), -1234);
    EXPECT_EQ(pc_u16.remote_ref_raw(cpu), 60000);
    EXPECT_EQ(pc_i32.remote_ref_raw(cpu), -100000);
    EXPECT_EQ(pc_u32.remote_ref_raw(cpu), 4000000000u);
    EXPECT_EQ(pc_i64.remote_ref_raw(cpu), -5000000000LL);
    EXPECT_EQ(pc_u64.remote_ref_raw(cpu), 0x1122334455667788ULL);
    EXPECT_TRUE(pc_bool.remote_ref_raw(cpu));
    EXPECT_EQ(pc_color.remote_ref_raw(cpu), kGreen);
    EXPECT_TRUE(pc_mode.remote_ref_raw(cpu) == Mode::busy);
    EXPECT_EQ(pc_ptr.remote_ref_raw(cpu), &g_pointee);
    EXPECT_EQ(pc_point.remote_ref_raw(cpu).x, 3);
    EXPECT_EQ(pc_point.remote_ref_raw(cpu).y, -4);
    EXPECT_EQ(pc_point.remote_ref_raw(cpu).z, 99u);
    EXPECT_EQ(pc_lines.remote_ref_raw(cpu).bytes[0], 7);
    EXPECT_EQ(pc_lines.remote_ref_raw(cpu).bytes[2], 9);
    EXPECT_EQ(pc_lines.remote_ref_raw(cpu).bytes[39], 0);
    EXPECT_EQ(pc_page.remote_ref_raw(cpu).first, 0xABCDu);
    EXPECT_EQ(pc_page.remote_ref_raw(cpu).last, 0x1234u);
    EXPECT_EQ(pc_counter.remote_ref_raw(cpu), 1000u);
  }
}

}  // namespace

// init(): the linker-reserved areas. Only reads here: CPU 0's area is the loaded template.
TEST(PercpuInit, ReservedAreasHoldInitialValuesAndSecondCallReturnsZero) {
  const size_t n = percpu::init();
  ASSERT_GE(n, 1u);
  EXPECT_EQ(percpu::percpu_area_num(), n);
  expect_initial_values_on_all_cpus();
  percpu::init_percpu_reg(0);
  EXPECT_EQ(pc_u64.read_current(), 0x1122334455667788ULL);
  EXPECT_EQ(percpu::init(), 0u);
  EXPECT_EQ(percpu::percpu_area_num(), n);
}

TEST(PercpuInit, InPlaceAdoptsReservedAreas) {
  const size_t n = percpu::init_in_place();
  ASSERT_GE(n, 1u);
  EXPECT_EQ(percpu::percpu_area_num(), n);
  expect_initial_values_on_all_cpus();
}

TEST(PercpuInit, CallerMemoryCopiesTemplateToEveryCpu) {
  ASSERT_TRUE(init_test_areas());
  EXPECT_EQ(percpu::percpu_area_num(), kTestCpus);
  expect_initial_values_on_all_cpus();
}

// A later init(base, n) copies the pristine initial values, not values written since.
TEST(PercpuInit, ReinitCopiesInitialValuesNotWrittenOnes) {
  ASSERT_TRUE(init_test_areas());
  for (size_t cpu = 0; cpu < kTestCpus; ++cpu) pc_counter.remote_ref_mut_raw(cpu) = 5;
  ASSERT_TRUE(init_test_areas());
  expect_initial_values_on_all_cpus();
}

TEST(PercpuInit, NullBaseIsAnErrorCode) {
  const percpu::InitResult r = percpu::init(static_cast<void*>(nullptr), 2);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.error == percpu::InitError::null_base);
  EXPECT_EQ(r.cpu_count, 0u);
  EXPECT_EQ(strcmp(percpu::to_string(r.error), "null_base"), 0);
}

TEST(PercpuInit, MisalignedBaseIsAnErrorCode) {
  alignas(4096) static unsigned char buffer[2 * 4096];
  const percpu::InitResult r = percpu::init(buffer + 64, 1);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.error == percpu::InitError::misaligned_base);
  const percpu::InitResult r1 = percpu::init(buffer + 1, 1);
  EXPECT_TRUE(r1.error == percpu::InitError::misaligned_base);
}

TEST(PercpuInit, ZeroCpusIsAnErrorCode) {
  // Aligned to area_alignment() (the stride's lowest set bit, possibly above 4 KiB), so that the
  // only error left is the CPU count.
  alignas(4096) static unsigned char buffer[65536 + 4096];
  const uintptr_t align = percpu::area_alignment();
  const uintptr_t skip = (align - reinterpret_cast<uintptr_t>(buffer) % align) % align;
  ASSERT_TRUE(skip < sizeof(buffer));
  const percpu::InitResult r = percpu::init(buffer + skip, 0);
  EXPECT_TRUE(r.error == percpu::InitError::zero_cpus);
}

TEST(PercpuGeometry, StrideKeepsEveryAlignment) {
  const size_t stride = percpu::area_stride();
  const size_t align = percpu::area_alignment();
  EXPECT_GE(percpu::percpu_area_size(), sizeof(Page) + sizeof(CacheLines) + sizeof(Point));
  EXPECT_GE(stride, percpu::percpu_area_size());
  EXPECT_EQ(stride % 4096, 0u);  // alignas(4096) variable: the crate's 64-rounding would break it
  EXPECT_EQ(stride % align, 0u);
  EXPECT_GE(align, 4096u);
  EXPECT_EQ(stride, percpu::layout::stride(percpu::percpu_area_size(), 4096));
}

TEST(PercpuGeometry, OverAlignedVariablesAlignedOnEveryCpu) {
  ASSERT_TRUE(init_test_areas());
  for (size_t cpu = 0; cpu < kTestCpus; ++cpu) {
    EXPECT_EQ(reinterpret_cast<uintptr_t>(pc_lines.remote_ptr(cpu)) % 128, 0u);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(pc_page.remote_ptr(cpu)) % 4096, 0u);
    EXPECT_EQ(percpu::percpu_area_base(cpu) % percpu::area_alignment(), 0u);
    percpu::init_percpu_reg(cpu);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(pc_lines.current_ptr()) % 128, 0u);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(pc_page.current_ptr()) % 4096, 0u);
  }
}

TEST(PercpuGeometry, EmptyTemplateArithmeticNeverZero) {
  EXPECT_EQ(percpu::layout::stride(0, 0), 64u);
  EXPECT_EQ(percpu::layout::stride(0, 1), 64u);
  EXPECT_EQ(percpu::layout::stride(0, 4096), 4096u);
  EXPECT_EQ(percpu::layout::stride(1, 8), 64u);
  EXPECT_EQ(percpu::layout::stride(65, 8), 128u);
  EXPECT_EQ(percpu::layout::stride(200, 128), 256u);
  EXPECT_EQ(percpu::layout::reserved_size(0, 0, 4), 256u);
  EXPECT_EQ(percpu::layout::area_align(8), 64u);
  EXPECT_EQ(percpu::layout::area_align(4096), 4096u);
}

TEST(PercpuGeometry, OffsetsEqualCurrentPtrMinusBase) {
  ASSERT_TRUE(init_test_areas());
  for (size_t cpu = 0; cpu < kTestCpus; ++cpu) {
    percpu::init_percpu_reg(cpu);
    const uintptr_t base = percpu::percpu_area_base(cpu);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(pc_u8.current_ptr()) - base, pc_u8.offset());
    EXPECT_EQ(reinterpret_cast<uintptr_t>(pc_u64.current_ptr()) - base, pc_u64.offset());
    EXPECT_EQ(reinterpret_cast<uintptr_t>(pc_point.current_ptr()) - base, pc_point.offset());
    EXPECT_EQ(reinterpret_cast<uintptr_t>(pc_page.current_ptr()) - base, pc_page.offset());
    EXPECT_EQ(reinterpret_cast<uintptr_t>(pc_lines.remote_ptr(cpu)) - base, pc_lines.offset());
    EXPECT_LT(pc_page.offset() + sizeof(Page), percpu::percpu_area_size() + 1);
  }
  // Offsets are distinct per variable and the same on every CPU.
  EXPECT_NE(pc_u8.offset(), pc_u64.offset());
}

TEST(PercpuRegister, ReadBackEqualsAreaBase) {
  ASSERT_TRUE(init_test_areas());
  for (size_t cpu = 0; cpu < kTestCpus; ++cpu) {
    percpu::init_percpu_reg(cpu);
    const uintptr_t base = percpu::percpu_area_base(cpu);
    // Zero model: the register holds the area base. Delta model (host, PIE): it holds the
    // area base minus the template start, so that register + a variable's link-time address
    // lands in the area; register_value_for() states which.
    EXPECT_EQ(percpu::read_percpu_reg(), percpu::register_value_for(base));
#if PERCPU_VMA_DELTA
    EXPECT_EQ(percpu::read_percpu_reg(), base - reinterpret_cast<uintptr_t>(_percpu_load_start));
#else
    EXPECT_EQ(percpu::read_percpu_reg(), base);
#endif
    EXPECT_EQ(percpu::get_local_thread_pointer(), percpu::read_percpu_reg());
  }
  percpu::set_local_thread_pointer(2);
  EXPECT_EQ(percpu::read_percpu_reg(), percpu::register_value_for(percpu::percpu_area_base(2)));
  const uintptr_t v1 = percpu::register_value_for(percpu::percpu_area_base(1));
  percpu::write_percpu_reg(v1);
  EXPECT_EQ(percpu::read_percpu_reg(), v1);
  EXPECT_EQ(pc_u64.current_ptr(), pc_u64.remote_ptr(1));
}
