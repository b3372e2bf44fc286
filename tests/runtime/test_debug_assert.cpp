// Built with PERCPU_DEBUG_ASSERT=1 (library and test alike): an out-of-range CPU id traps
// instead of touching memory past the last area. Release builds (NDEBUG) drop the check.
#include <gtest/gtest.h>

#include <csignal>

#include "portable_vars.hpp"

static_assert(PERCPU_DEBUG_ASSERT == 1, "this test is built with PERCPU_DEBUG_ASSERT=1");

TEST(PercpuDebugAssert, OutOfRangeCpuTraps) {
  ASSERT_TRUE(init_test_areas());
  EXPECT_EQ(pc_u8.remote_ref_raw(kTestCpus - 1), 200);  // the last valid id is fine
  EXPECT_EXIT((void)pc_u8.remote_ptr(kTestCpus), testing::KilledBySignal(SIGILL), "");
  EXPECT_EXIT((void)percpu::percpu_area_base(kTestCpus + 100), testing::KilledBySignal(SIGILL), "");
  EXPECT_EXIT(percpu::init_percpu_reg(kTestCpus), testing::KilledBySignal(SIGILL), "");
}
