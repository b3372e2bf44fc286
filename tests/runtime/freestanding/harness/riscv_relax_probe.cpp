// RISC-V relaxation probe on its own variables probe_u64/probe_u32, whose offsets are below
// 2 KiB (this object is linked first: its .percpu follows the hot part directly), where GNU ld
// would delete a relaxable `lui` whose %hi is 0 and rebase the access on x0. check_harness.py
// disassembles probe_read/probe_write in the linked image (they must keep lui + add gp +
// load/store), probe_hot_read (the hot form must stay ONE `ld V, off(gp)` with the variable's
// offset) and the control, which is the Rust crate's sequence without `.option norelax`: GNU ld
// DOES relax it, proving the hazard is real in this very link.
#include <gtest/gtest.h>

#include "portable_vars.hpp"

PERCPU_DEFINE(uint64_t, probe_u64, 0);
PERCPU_DEFINE(uint32_t, probe_u32, 0);
// Padding on both sides (compilers order a section's variables differently): probe_hot's offset is
// never 0, so the linked immediate shows that the relocation was applied.
PERCPU_DEFINE_HOT(uint64_t, probe_hot_pad_before, 0);
PERCPU_DEFINE_HOT(uint64_t, probe_hot, 0);
PERCPU_DEFINE_HOT(uint64_t, probe_hot_pad_after, 0);

extern "C" __attribute__((noinline)) uint64_t probe_read(void) { return probe_u64.read_current(); }
extern "C" __attribute__((noinline)) void probe_write(uint32_t v) { probe_u32.write_current(v); }
extern "C" __attribute__((noinline)) uint64_t probe_hot_read(void) { return probe_hot.read_current(); }

// Never called: only disassembled. The crate's sequence, relaxable.
extern "C" __attribute__((noinline)) uint64_t probe_control_relaxable(void) {
  uint64_t v;
  asm volatile("lui %0, %%hi(%1)\n\tadd %0, %0, gp\n\tld %0, %%lo(%1)(%0)"
               : "=r"(v)
               : "i"(&percpu_storage::probe_u64));
  return v;
}

// Through the linked (relaxed) probes, each CPU sees its own copy.
TEST(RiscvRelax, SmallOffsetAccessesAddGp) {
  ASSERT_TRUE(init_test_areas());
  ASSERT_LT(probe_u64.offset(), 2048u);
  ASSERT_LT(probe_u32.offset(), 2048u);
  for (size_t cpu = 0; cpu < kTestCpus; ++cpu) {
    probe_u64.remote_ref_mut_raw(cpu) = 0x1000 + cpu;
    probe_hot.remote_ref_mut_raw(cpu) = 0x2000 + cpu;
  }
  for (size_t cpu = 0; cpu < kTestCpus; ++cpu) {
    percpu::init_percpu_reg(cpu);
    EXPECT_EQ(probe_read(), 0x1000 + cpu);
    EXPECT_EQ(probe_hot_read(), 0x2000 + cpu);
    probe_write(static_cast<uint32_t>(100 + cpu));
  }
  for (size_t cpu = 0; cpu < kTestCpus; ++cpu) EXPECT_EQ(probe_u32.remote_ref_raw(cpu), 100 + cpu);
}
