// QEMU aarch64 `virt` board, cortex-a57, no firmware: QEMU itself implements PSCI (over HVC
// from EL1, over SMC from EL2 with virtualization=on) and Arm semihosting (-semihosting).
#include "../common/platform.hpp"

#include <percpu/config.hpp>

#include "../common/console.hpp"

extern "C" char secondary_entry[];  // boot.S

namespace {

constexpr uintptr_t kUart = 0x09000000;  // PL011
constexpr uintptr_t kUartFlags = kUart + 0x18;
constexpr uint32_t kTransmitFifoFull = 1u << 5;
constexpr uint64_t kPsciCpuOn = 0xC4000003;    // SMC64 CPU_ON
constexpr int64_t kPsciInvalidParameters = -2;
constexpr uint64_t kSysExitExtended = 0x20;    // semihosting
constexpr uint64_t kApplicationExit = 0x20026; // ADP_Stopped_ApplicationExit

volatile uint32_t* reg32(uintptr_t a) { return reinterpret_cast<volatile uint32_t*>(a); }

int64_t psci_call(uint64_t function, uint64_t a1, uint64_t a2, uint64_t a3) {
  register uint64_t x0 asm("x0") = function;
  register uint64_t x1 asm("x1") = a1;
  register uint64_t x2 asm("x2") = a2;
  register uint64_t x3 asm("x3") = a3;
#if PERCPU_ARM_EL2
  asm volatile("smc #0"
#else
  asm volatile("hvc #0"
#endif
               : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
               :
               : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
                 "x16", "x17", "memory");
  return static_cast<int64_t>(x0);
}

// QEMU virt numbers CPUs in clusters of 8 (GICv2): Aff0 = index % 8, Aff1 = index / 8.
uint64_t mpidr_of(size_t cpu) { return ((cpu / 8) << 8) | (cpu % 8); }

}  // namespace

namespace platform {

#if PERCPU_ARM_EL2
const char* const kDescription = "aarch64 (QEMU virt, cortex-a57, EL2, MMU off; per-CPU register TPIDR_EL2)";
#else
const char* const kDescription = "aarch64 (QEMU virt, cortex-a57, EL1, MMU off; per-CPU register TPIDR_EL1)";
#endif

void console_putc(char c) {
  while ((*reg32(kUartFlags) & kTransmitFifoFull) != 0) {
  }
  *reg32(kUart) = static_cast<uint8_t>(c);
}

size_t start_secondary_cpus(size_t count) {
  for (size_t cpu = 1; cpu < count; ++cpu) {
    const int64_t rc = psci_call(kPsciCpuOn, mpidr_of(cpu),
                                 reinterpret_cast<uintptr_t>(secondary_entry), cpu);
    if (rc != 0) {
      console::put("PSCI CPU_ON refused cpu ");
      console::put_dec(cpu);
      console::put(rc == kPsciInvalidParameters ? " (INVALID_PARAMETERS: no such CPU; QEMU -smp?)\n"
                                                : " (PSCI error)\n");
      return cpu;
    }
  }
  return count;
}

uint64_t ticks() {
  uint64_t v;
  asm volatile("isb; mrs %0, cntpct_el0" : "=r"(v));
  return v;
}

uint64_t ticks_per_second() {
  uint64_t v;
  asm volatile("mrs %0, cntfrq_el0" : "=r"(v));
  return v;
}

void exit(int status) {
  // The parameter block of SYS_EXIT_EXTENDED: reason and exit status.
  const uint64_t block[2] = {kApplicationExit, static_cast<uint64_t>(static_cast<uint32_t>(status))};
  register uint64_t x0 asm("x0") = kSysExitExtended;
  register const uint64_t* x1 asm("x1") = block;
  asm volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
  park();
}

void park() {
  for (;;) asm volatile("wfe");
}

}  // namespace platform
