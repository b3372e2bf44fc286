// Portable runtime tests of hot variables (PERCPU_DEFINE_HOT): they live at the front of the
// template (the linker block puts .percpu.hot first and ASSERTs it within layout::kHotReach), and
// their accesses, short or ordinary, read and write the current CPU's own copy.
// Runs on the host (delta model: ordinary sequences), under qemu-user in host mode, and in the
// freestanding harness (zero model: the short sequences, riscv64 also linked WITH relaxation).
// Only TEST and EXPECT_/ASSERT_*; no library beyond <stdint.h>/<string.h>.
#include <gtest/gtest.h>
#include <stdint.h>

#include "portable_vars.hpp"

PERCPU_DEFINE_HOT(uint8_t, hot_u8, 0x5A);
PERCPU_DEFINE_HOT(uint16_t, hot_u16, 0xBEEF);
PERCPU_DEFINE_HOT(int32_t, hot_i32, -7);
PERCPU_DEFINE_HOT(uint64_t, hot_u64, 0x0123456789ABCDEFULL);
PERCPU_DEFINE_HOT(int*, hot_ptr, &g_pointee);
PERCPU_DEFINE_HOT(uint64_t, hot_count, 0);

namespace {

// On every CPU in turn: the initial value is there, a write lands in this CPU's area only (read
// back through the hot read, current_ptr and a remote read), and another CPU does not see it.
template <typename Var, typename T>
void hot_round_trip(const Var& var, T v) {
  ASSERT_TRUE(init_test_areas());
  const T initial = var.initial_value();
  for (size_t cpu = 0; cpu < kTestCpus; ++cpu) {
    percpu::init_percpu_reg(cpu);
    EXPECT_TRUE(var.read_current() == initial);
    EXPECT_TRUE(var.current_ptr() == var.remote_ptr(cpu));
    var.write_current(v);
    EXPECT_TRUE(var.read_current_raw() == v);
    EXPECT_TRUE(var.remote_ref_raw(cpu) == v);
    EXPECT_TRUE(*var.current_ptr() == v);
    if (cpu + 1 < kTestCpus) {
      EXPECT_TRUE(var.remote_ref_raw(cpu + 1) == initial);
    }
    var.write_current_raw(initial);
    EXPECT_TRUE(var.remote_ref_raw(cpu) == initial);
  }
}

template <typename Var>
void expect_in_hot_part(const Var& var, size_t size) {
  EXPECT_LE(var.offset() + size, percpu::layout::kHotReach);
  EXPECT_TRUE(Var::kHot);
}

}  // namespace

TEST(PercpuHot, EveryHotVariableIsInTheHotPartOfTheTemplate) {
  expect_in_hot_part(hot_u8, sizeof(uint8_t));
  expect_in_hot_part(hot_u16, sizeof(uint16_t));
  expect_in_hot_part(hot_i32, sizeof(int32_t));
  expect_in_hot_part(hot_u64, sizeof(uint64_t));
  expect_in_hot_part(hot_ptr, sizeof(int*));
  expect_in_hot_part(hot_count, sizeof(uint64_t));
  EXPECT_FALSE(decltype(pc_u64)::kHot);
  EXPECT_FALSE(decltype(pc_u64)::kHotShortForm);
}

TEST(PercpuHot, ShortFormExactlyInTheZeroModelOfTheLoadStoreArchitectures) {
#if PERCPU_SP_NAIVE || PERCPU_VMA_DELTA || defined(__x86_64__) || \
    (defined(__aarch64__) && !PERCPU_KERNEL_MODE)
  EXPECT_FALSE(decltype(hot_u64)::kHotShortForm);
#else
  EXPECT_TRUE(decltype(hot_u64)::kHotShortForm);
#endif
}

TEST(PercpuHot, RoundTripOnEveryCpu) {
  hot_round_trip(hot_u8, uint8_t{0xA5});
  hot_round_trip(hot_u16, uint16_t{0x1234});
  hot_round_trip(hot_i32, int32_t{-2147483647 - 1});
  hot_round_trip(hot_u64, uint64_t{0xFEDCBA9876543210ULL});
  static int other = 3;
  hot_round_trip(hot_ptr, &other);
  hot_round_trip(hot_ptr, static_cast<int*>(nullptr));
}

TEST(PercpuHot, CountersStayPerCpu) {
  ASSERT_TRUE(init_test_areas());
  uint64_t before[kTestCpus];
  for (size_t cpu = 0; cpu < kTestCpus; ++cpu) before[cpu] = hot_count.remote_ref_raw(cpu);
  for (size_t cpu = 0; cpu < kTestCpus; ++cpu) {
    percpu::init_percpu_reg(cpu);
    for (size_t i = 0; i <= cpu * 10; ++i) hot_count.inc_current();
    hot_count.add_current(100);
  }
  for (size_t cpu = 0; cpu < kTestCpus; ++cpu) {
    EXPECT_EQ(hot_count.remote_ref_raw(cpu) - before[cpu], uint64_t{cpu * 10 + 1 + 100});
  }
  // Ordinary variables beside the hot ones are untouched by the hot accesses.
  EXPECT_EQ(pc_u64.remote_ref_raw(1), pc_u64.initial_value());
}
