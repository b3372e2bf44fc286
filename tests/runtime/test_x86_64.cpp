// x86_64-only checks of the GS-based arch layer.
#include <gtest/gtest.h>

#include "portable_vars.hpp"

static_assert(PERCPU_ARCH_HAS_SINGLE_INSN_RMW == 1, "x86_64 does RMW in one instruction");
static_assert(decltype(pc_u64)::kSingleInsn, "u64 accesses skip the guard on x86_64");
static_assert(decltype(pc_bool)::kSingleInsn && decltype(pc_ptr)::kSingleInsn &&
                  decltype(pc_mode)::kSingleInsn, "bool, enum, pointer are single-instruction");
static_assert(!decltype(pc_point)::kSingleInsn, "structs go through current_ptr under the guard");

// current_ptr() reads the per-CPU self word; it must equal GS_BASE (read with arch_prctl) plus
// the variable's link-time address on every CPU.
TEST(PercpuX86, SelfWordTracksGsBase) {
  ASSERT_TRUE(percpu::init(size_t{4}).ok());
  for (size_t cpu = 0; cpu < 4; ++cpu) {
    percpu::init_percpu_reg(cpu);
    const uintptr_t gs = percpu::read_percpu_reg();
    EXPECT_EQ(percpu::detail::self_register_value(), gs);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(pc_u64.current_ptr()),
              gs + reinterpret_cast<uintptr_t>(&percpu_storage::pc_u64));
  }
}

// The single-instruction accesses and plain pointer accesses see each other's writes in
// program order (the asm statements carry the variable as a memory operand).
TEST(PercpuX86, AsmAndPointerAccessesAreOrdered) {
  ASSERT_TRUE(percpu::init(size_t{2}).ok());
  percpu::init_percpu_reg(1);
  uint64_t* p = pc_u64.current_ptr();
  for (uint64_t i = 0; i < 1000; ++i) {
    *p = i;
    EXPECT_EQ(pc_u64.read_current(), i);
    pc_u64.add_current(3);
    EXPECT_EQ(*p, i + 3);
  }
}

// Writing the register directly (write_percpu_reg) also moves the self word.
TEST(PercpuX86, WriteRegisterMovesCurrentPtr) {
  ASSERT_TRUE(percpu::init(size_t{3}).ok());
  percpu::write_percpu_reg(percpu::register_value_for(percpu::percpu_area_base(2)));
  EXPECT_EQ(pc_u16.current_ptr(), pc_u16.remote_ptr(2));
  pc_u16.write_current(9);
  EXPECT_EQ(pc_u16.remote_ref_raw(2), 9);
  EXPECT_EQ(pc_u16.remote_ref_raw(1), 60000);
}

// Host mode has two ways to reach GS_BASE: rdgsbase/wrgsbase (HWCAP2_FSGSBASE) and the
// arch_prctl system call. Both must select the same areas; switching methods mid-way keeps the
// register (both read and write the same per-thread GS_BASE).
TEST(PercpuX86, BothGsBaseMethodsAgree) {
  ASSERT_TRUE(percpu::init(size_t{3}).ok());
  for (bool fsgsbase : {false, true}) {
    percpu::detail::host_set_gs_method(fsgsbase);
    for (size_t cpu = 0; cpu < 3; ++cpu) {
      percpu::init_percpu_reg(cpu);
      EXPECT_EQ(percpu::read_percpu_reg(), percpu::register_value_for(percpu::percpu_area_base(cpu)));
      pc_u32.write_current(static_cast<uint32_t>(10 * cpu + fsgsbase));
      EXPECT_EQ(pc_u32.remote_ref_raw(cpu), 10 * cpu + fsgsbase);
    }
    percpu::init_percpu_reg(1);
    percpu::detail::host_set_gs_method(!fsgsbase);
    EXPECT_EQ(percpu::read_percpu_reg(), percpu::register_value_for(percpu::percpu_area_base(1)));
    EXPECT_EQ(pc_u32.read_current(), 10u + fsgsbase);
  }
  percpu::detail::host_set_gs_method(true);
}
