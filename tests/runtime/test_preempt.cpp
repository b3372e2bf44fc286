// PERCPU_PREEMPT=1: guarded operations call the kernel's hooks, raw ones never do, and on
// x86_64 the single-instruction operations need no guard.
#include <gtest/gtest.h>

#include "portable_vars.hpp"

static_assert(PERCPU_PREEMPT == 1, "this test is built with PERCPU_PREEMPT=1");

namespace {
int g_disable_calls = 0;
int g_enable_calls = 0;
int g_depth = 0;

struct Counts {
  int disable;
  int enable;
};
Counts take() {
  Counts c{g_disable_calls, g_enable_calls};
  g_disable_calls = g_enable_calls = 0;
  return c;
}
}  // namespace

extern "C" void percpu_preempt_disable(void) {
  ++g_disable_calls;
  ++g_depth;
}
extern "C" void percpu_preempt_enable(void) {
  ++g_enable_calls;
  --g_depth;
}

TEST(PercpuPreempt, GuardedOperationsCallHooks) {
  ASSERT_TRUE(init_test_areas());
  take();
  int depth_inside = -1;
  pc_point.with_current([&](Point& p) {
    depth_inside = g_depth;
    p.x = 1;
  });
  EXPECT_EQ(depth_inside, 1);
  Counts c = take();
  EXPECT_EQ(c.disable, 1);
  EXPECT_EQ(c.enable, 1);
  pc_point.write_current(Point{1, 2, 3});
  (void)pc_point.read_current();
  pc_u64.reset_to_init();
  c = take();
  EXPECT_EQ(c.disable, 3);
  EXPECT_EQ(c.enable, 3);
  EXPECT_EQ(g_depth, 0);
}

TEST(PercpuPreempt, RawOperationsNeverCallHooks) {
  ASSERT_TRUE(init_test_areas());
  take();
  pc_u64.write_current_raw(5);
  (void)pc_u64.read_current_raw();
  pc_u64.add_current_raw(1);
  (void)pc_u64.xchg_current_raw(2);
  (void)pc_u64.cmpxchg_current_raw(2, 3);
  pc_point.write_current_raw(Point{1, 2, 3});
  (void)pc_point.read_current_raw();
  pc_point.current_ref_mut_raw().x = 4;
  Counts c = take();
  EXPECT_EQ(c.disable, 0);
  EXPECT_EQ(c.enable, 0);
  EXPECT_EQ(pc_u64.read_current_raw(), 3u);
}

TEST(PercpuPreempt, FastPathGuardDependsOnArchitecture) {
  ASSERT_TRUE(init_test_areas());
  take();
  pc_u64.write_current(1);
  (void)pc_u64.read_current();
  pc_u64.add_current(2);
  pc_u64.sub_current(1);
  pc_u64.inc_current();
  pc_u64.dec_current();
  (void)pc_u64.xchg_current(5);
  (void)pc_u64.cmpxchg_current(5, 6);
  const Counts c = take();
#if PERCPU_ARCH_HAS_SINGLE_INSN_RMW
  // x86_64: each is one %gs instruction (xchg a cmpxchg loop): no guard needed.
  EXPECT_EQ(c.disable, 0);
  EXPECT_EQ(c.enable, 0);
#else
  EXPECT_EQ(c.disable, 8);
  EXPECT_EQ(c.enable, 8);
#endif
  EXPECT_EQ(pc_u64.read_current_raw(), 6u);
}
