// Architecture checks of the cross-compiled host suite (aarch64, riscv64 under qemu-user).
#include <gtest/gtest.h>
#include <string.h>

#include <thread>

#include "portable_vars.hpp"

TEST(PercpuCrossArch, NameMatchesTarget) {
#if defined(__aarch64__)
  EXPECT_STREQ(percpu::arch::kName, "aarch64");
#elif defined(__riscv) && __riscv_xlen == 64
  EXPECT_STREQ(percpu::arch::kName, "riscv64");
#endif
}

#if defined(__riscv)
// Host mode owns gp: after init_percpu_reg, gp holds the register value, and library code
// (printf, malloc, threads) keeps working because the program was linked with --no-relax.
TEST(PercpuCrossArch, GpIsThePerCpuRegister) {
  ASSERT_TRUE(percpu::init(size_t{2}).ok());
  percpu::init_percpu_reg(1);
  uintptr_t gp;
  asm volatile("mv %0, gp" : "=r"(gp));
  EXPECT_EQ(gp, percpu::register_value_for(percpu::percpu_area_base(1)));
  char buf[32];
  snprintf(buf, sizeof buf, "%d", 1234);
  EXPECT_STREQ(buf, "1234");
  pc_u64.write_current(9);
  std::thread t([] {
    percpu::init_percpu_reg(0);
    pc_u64.write_current(8);
  });
  t.join();
  EXPECT_EQ(pc_u64.read_current(), 9u);
  EXPECT_EQ(pc_u64.remote_ref_raw(0), 8u);
}
#endif

#if defined(__aarch64__)
// Host mode: the register is a thread-local word; a new thread starts with 0 (no area).
TEST(PercpuCrossArch, RegisterIsAThreadLocalWord) {
  ASSERT_TRUE(percpu::init(size_t{2}).ok());
  percpu::init_percpu_reg(1);
  uintptr_t in_thread = 1;
  std::thread t([&] { in_thread = percpu::read_percpu_reg(); });
  t.join();
  EXPECT_EQ(in_thread, 0u);
  EXPECT_EQ(percpu::read_percpu_reg(), percpu::register_value_for(percpu::percpu_area_base(1)));
}
#endif
