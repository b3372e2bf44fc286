// The smallest kernel a percpu user writes: per-CPU variables, init() on the boot CPU, the
// register set on each CPU. Built by tests/consumer for x86_64, riscv64, aarch64 and loongarch64
// with the bare-metal toolchain files; the test is that it compiles, links with the ldgen-generated script and passes
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

[[noreturn]] void halt() {
  for (;;) {
  }
}
}  // namespace

extern "C" [[noreturn]] void kernel_main(unsigned long cpu) {
  if (cpu == 0) {
    if (!percpu::init()) halt();
    g_areas_ready = true;
  }
  while (!g_areas_ready) {
  }
  percpu::init_percpu_reg(cpu);
  cpu_id.write_current(static_cast<uint32_t>(cpu));
  ticks.inc_current();
  irq_stats.with_current([](IrqStats& s) { s.handled++; });
  halt();
}

// Entry: a stack per CPU, then kernel_main(cpu). x86_64 starts one CPU (id 0); on riscv64 every
// hart starts here with its id in a0; aarch64 reads MPIDR_EL1.Aff0, loongarch64 the CPUID CSR.
#if defined(__x86_64__)
asm(R"(
  .pushsection .text.entry, "ax"
  .global _start
_start:
  lea boot_stacks + 4096(%rip), %rsp
  xor %edi, %edi
  call kernel_main
  .popsection
)");
#elif defined(__riscv)
asm(R"(
  .pushsection .text.entry, "ax"
  .global _start
_start:
  la sp, boot_stacks
  addi t0, a0, 1
  slli t0, t0, 12
  add sp, sp, t0
  call kernel_main
  .popsection
)");
#elif defined(__aarch64__)
asm(R"(
  .pushsection .text.entry, "ax"
  .global _start
_start:
  mrs x0, mpidr_el1
  and x0, x0, #0xff
  adrp x1, boot_stacks
  add x1, x1, :lo12:boot_stacks
  add x2, x0, #1
  lsl x2, x2, #12
  add sp, x1, x2
  bl kernel_main
  .popsection
)");
#elif defined(__loongarch64)
asm(R"(
  .pushsection .text.entry, "ax"
  .global _start
_start:
  csrrd $a0, 0x20
  la.pcrel $t0, boot_stacks
  addi.d $t1, $a0, 1
  slli.d $t1, $t1, 12
  add.d $sp, $t0, $t1
  bl kernel_main
  .popsection
)");
#else
#error "tests/consumer/kernel: x86_64, riscv64, aarch64 or loongarch64"
#endif
