// The smallest kernel a percpu user writes: per-CPU variables, init() on the boot CPU, the
// register set on each CPU. Built by tests/consumer for x86_64 and riscv64 with the bare-metal
// toolchain files; the test is that it compiles, links with the ldgen-generated script and passes
// percpu-check (the POST_BUILD step of percpu_check).
#include <percpu/percpu.hpp>

// Every CPU's stack; the entry code below picks its own by CPU id.
extern "C" {
alignas(16) char boot_stacks[4][4096];
}

extern "C" void* memcpy(void* dst, const void* src, size_t n) {
  // volatile: the compiler must not turn this loop back into a call to memcpy.
  volatile char* d = static_cast<volatile char*>(dst);
  const volatile char* s = static_cast<const volatile char*>(src);
  while (n--) *d++ = *s++;
  return dst;
}
extern "C" void* memset(void* dst, int c, size_t n) {
  volatile char* d = static_cast<volatile char*>(dst);
  while (n--) *d++ = static_cast<char>(c);
  return dst;
}

struct alignas(64) IrqStats {
  uint64_t handled;
  uint32_t max_depth;
};

PERCPU_DEFINE(uint32_t, cpu_id, 0xFFFFFFFF);
PERCPU_DEFINE(uint64_t, ticks, 0);
PERCPU_DEFINE(IrqStats, irq_stats, 0, 1);

namespace {
volatile bool g_areas_ready = false;
}

extern "C" [[noreturn]] void kernel_main(unsigned long cpu) {
  if (cpu == 0) {
    percpu::init();
    g_areas_ready = true;
  }
  while (!g_areas_ready) {
  }
  percpu::init_percpu_reg(cpu);
  cpu_id.write_current(static_cast<uint32_t>(cpu));
  ticks.inc_current();
  irq_stats.with_current([](IrqStats& s) { s.handled++; });
  for (;;) {
  }
}

// Entry: a stack per CPU, then kernel_main(cpu). x86_64 starts one CPU (id 0); on riscv64 every
// hart starts here with its id in a0.
#if defined(__x86_64__)
asm(R"(
  .section .text.entry, "ax"
  .global _start
_start:
  lea boot_stacks + 4096(%rip), %rsp
  xor %edi, %edi
  call kernel_main
)");
#elif defined(__riscv)
asm(R"(
  .section .text.entry, "ax"
  .global _start
_start:
  la sp, boot_stacks
  addi t0, a0, 1
  slli t0, t0, 12
  add sp, sp, t0
  call kernel_main
)");
#else
#error "tests/consumer/kernel: x86_64 or riscv64"
#endif
