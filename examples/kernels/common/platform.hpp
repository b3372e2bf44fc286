// The few board services the per-CPU example needs. Each examples/kernels/<arch>/platform.cpp
// implements them for its QEMU machine; everything else is shared (example.cpp).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace platform {

// The machine and the per-CPU register, for the banner ("riscv64 (QEMU virt, M-mode, ...)").
extern const char* const kDescription;

// One character to the UART. Only the boot CPU prints, so no lock is needed.
void console_putc(char c);

// Starts CPUs 1..count-1 (aarch64: PSCI CPU_ON) and returns how many CPUs run, the boot CPU
// included (a CPU the machine refused to start is reported, and CPUs after it are not tried).
// Where every CPU enters the image at reset (riscv64, loongarch64) they already run, waiting in
// boot.S for example_release_cpus: returns count.
size_t start_secondary_cpus(size_t count);

// A free-running counter and its frequency, for the boot CPU's bounded wait.
uint64_t ticks();
uint64_t ticks_per_second();

// Ends the QEMU run: status 0 = pass, anything else = fail.
[[noreturn]] void exit(int status);

// Parks the calling CPU forever (CPUs beyond the reserved areas, and CPUs that finished).
[[noreturn]] void park();

}  // namespace platform

// Called from boot.S, with a stack, on the boot CPU (after .bss is cleared) and on the others.
extern "C" [[noreturn]] void example_boot_cpu();
extern "C" [[noreturn]] void example_secondary_cpu(size_t cpu);
// boot.S holds secondaries until the boot CPU has replicated the template; set to 1 (release).
extern "C" volatile uint32_t example_release_cpus;
// Trap handlers in boot.S call this: prints what happened and exits with a failure.
extern "C" [[noreturn]] void example_trap(uint64_t cause, uint64_t pc, uint64_t value);
