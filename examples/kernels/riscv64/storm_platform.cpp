// riscv64 `virt`, M-mode: the storm's timer is the CLINT's machine timer (mtimecmp per hart,
// compared with mtime at 10 MHz), interrupt MTIP (mcause = 2^63 + 7).
#include "../common/platform.hpp"
#include "../common/storm.hpp"

extern "C" char storm_trap_entry[];  // storm_vector.S

namespace {

constexpr uintptr_t kClintMtimecmp = 0x02004000;  // + 8 * hart
constexpr uint64_t kMachineTimerInterrupt = (uint64_t(1) << 63) | 7;
constexpr uint64_t kMieMtie = 1u << 7;
constexpr uint64_t kMstatusMie = 1u << 3;

volatile uint64_t* mtimecmp(size_t hart) {
  return reinterpret_cast<volatile uint64_t*>(kClintMtimecmp + 8 * hart);
}

}  // namespace

namespace storm {

const char* const kTimerDescription = "CLINT mtimecmp, one-shot, machine timer interrupt (MTIP)";

void cpu_setup(size_t) {
  asm volatile("csrw mtvec, %0" ::"r"(storm_trap_entry));
}

void timer_start(size_t cpu, uint64_t period) {
  *mtimecmp(cpu) = platform::ticks() + period;
  asm volatile("csrs mie, %0\n\tcsrs mstatus, %1" ::"r"(kMieMtie), "r"(kMstatusMie) : "memory");
}

void timer_stop() {
  asm volatile("csrc mstatus, %0\n\tcsrc mie, %1" ::"r"(kMstatusMie), "r"(kMieMtie) : "memory");
}

bool timer_ack(size_t cpu, uint64_t cause, uint64_t period) {
  if (cause != kMachineTimerInterrupt) return false;
  *mtimecmp(cpu) = platform::ticks() + period;  // clears MTIP until then
  return true;
}

}  // namespace storm
