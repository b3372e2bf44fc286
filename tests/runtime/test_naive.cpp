// PERCPU_SP_NAIVE=1: one CPU, per-CPU variables are plain globals; the API still works.
#include <gtest/gtest.h>

#include "percpu/percpu.hpp"

static_assert(PERCPU_SP_NAIVE == 1, "this test is built with PERCPU_SP_NAIVE=1");

struct Pair {
  int a;
  int b;
};

PERCPU_DEFINE(uint64_t, naive_counter, 17);
PERCPU_DEFINE(Pair, naive_pair, 1, 2);
PERCPU_DEFINE(int8_t, naive_i8, -3);

TEST(PercpuNaive, InitFormsGiveOneCpu) {
  EXPECT_EQ(percpu::init().cpu_count, 1u);
  EXPECT_EQ(percpu::init().error, percpu::InitError::already_initialized);
  EXPECT_EQ(percpu::init_in_place().cpu_count, 1u);
  EXPECT_EQ(percpu::percpu_area_num(), 1u);
  EXPECT_EQ(percpu::init(size_t{4}).cpu_count, 1u);
  EXPECT_EQ(percpu::init(static_cast<void*>(nullptr), 1).error, percpu::InitError::null_base);
}

TEST(PercpuNaive, VariablesArePlainGlobals) {
  (void)percpu::init();  // already_initialized when the test above ran first
  percpu::init_percpu_reg(0);
  EXPECT_EQ(naive_counter.current_ptr(), &percpu_storage::naive_counter);
  EXPECT_EQ(naive_counter.remote_ptr(0), &percpu_storage::naive_counter);
  EXPECT_EQ(naive_counter.offset(), reinterpret_cast<uintptr_t>(&percpu_storage::naive_counter));
  EXPECT_EQ(naive_counter.read_current(), 17u);
  naive_counter.add_current(3);
  naive_counter.inc_current();
  EXPECT_EQ(percpu_storage::naive_counter, 21u);
  EXPECT_EQ(naive_counter.xchg_current(5), 21u);
  EXPECT_EQ(naive_counter.cmpxchg_current(5, 6), 5u);
  EXPECT_EQ(naive_counter.cmpxchg_current(5, 7), 6u);
  naive_i8.sub_current(126);
  EXPECT_EQ(naive_i8.read_current(), 127);
  naive_pair.with_current([](Pair& p) { p.b = 20; });
  EXPECT_EQ(naive_pair.read_current().b, 20);
  naive_pair.reset_to_init();
  EXPECT_EQ(naive_pair.remote_ref_raw(0).b, 2);
  percpu::write_percpu_reg(0x1234);
  EXPECT_EQ(percpu::read_percpu_reg(), 0x1234u);
}
