// loongarch64 `virt`: the storm's timer is each CPU's constant timer (CSR.TCFG, one-shot,
// re-armed by the handler), interrupt line TI (ESTAT.IS bit 11), cleared through CSR.TICLR.
#include "../common/platform.hpp"
#include "../common/storm.hpp"

extern "C" char storm_trap_entry[];  // storm_vector.S

namespace {

constexpr uint64_t kTimerInterrupt = 1u << 11;  // ESTAT.IS / ECFG.LIE bit of TI
constexpr uint64_t kCrmdIe = 1u << 2;
constexpr uint64_t kTcfgEnable = 1;             // one-shot (Periodic = bit 1 left clear)

void arm(uint64_t period) {
  // TCFG.InitVal occupies bits [n-1:2]: the period in ticks, a multiple of 4.
  uint64_t tcfg = (period & ~uint64_t(3)) | kTcfgEnable;
  asm volatile("csrwr %0, 0x41" : "+r"(tcfg)::"memory");  // TCFG
}

}  // namespace

namespace storm {

const char* const kTimerDescription =
    "constant timer (CSR.TCFG), one-shot, interrupt TI (ESTAT.IS[11])";

void cpu_setup(size_t) {
  uint64_t entry = reinterpret_cast<uintptr_t>(storm_trap_entry);
  asm volatile("csrwr %0, 0xc" : "+r"(entry)::"memory");  // EENTRY
}

void timer_start(size_t, uint64_t period) {
  uint64_t lie = kTimerInterrupt, ie = kCrmdIe;
  asm volatile("csrxchg %0, %0, 0x4" : "+r"(lie)::"memory");  // ECFG.LIE |= TI
  arm(period);
  asm volatile("csrxchg %0, %0, 0x0" : "+r"(ie)::"memory");   // CRMD.IE = 1
}

void timer_stop() {
  uint64_t zero = 0, ie = kCrmdIe;
  asm volatile("csrxchg %0, %1, 0x0" : "+r"(zero) : "r"(ie) : "memory");  // CRMD.IE = 0
  uint64_t off = 0;
  asm volatile("csrwr %0, 0x41" : "+r"(off)::"memory");  // TCFG: disabled
}

bool timer_ack(size_t, uint64_t cause, uint64_t period) {
  if ((cause & kTimerInterrupt) == 0) return false;
  uint64_t clear = 1;
  asm volatile("csrwr %0, 0x44" : "+r"(clear)::"memory");  // TICLR.CLR
  arm(period);
  return true;
}

}  // namespace storm
