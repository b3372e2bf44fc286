// The interrupt-storm kernel's board services (examples/kernels/<arch>/storm_platform.cpp and
// storm_vector.S implement them for each QEMU machine; storm.cpp is shared).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace storm {

// The machine's timer interrupt and how it is wired, for the banner.
extern const char* const kTimerDescription;

// Once per CPU, before anything else (aarch64: turns the MMU on, since exclusives and LSE
// atomics need Normal memory): installs the storm vector, readies the interrupt controller.
void cpu_setup(size_t cpu);

// Arms this CPU's timer to fire `period` ticks (platform::ticks) from now and unmasks interrupts.
void timer_start(size_t cpu, uint64_t period);

// Masks interrupts on this CPU and stops its timer.
void timer_stop();

// In the handler: when `cause` is this CPU's timer, acknowledges it, re-arms it `period` ticks
// from now (one-shot, so the interrupted code always runs between two interrupts) and returns
// true; false for anything else.
bool timer_ack(size_t cpu, uint64_t cause, uint64_t period);

}  // namespace storm

// Called by storm_vector.S with interrupts masked, on the interrupted code's stack, with every
// caller-saved register saved; `cause` is what the architecture reports (mcause, ESTAT, 0 on
// aarch64 where the GIC is asked). Anything other than the timer ends the run (example_trap).
extern "C" void storm_interrupt(uint64_t cause);
