// aarch64 `virt` (GICv2), EL1: the storm's timer is each CPU's EL1 virtual timer (CNTV, PPI 11 =
// INTID 27), one-shot through CNTV_TVAL_EL0 and re-armed by the handler.
// cpu_setup also turns the MMU on with an identity map (first GiB Device-nGnRnE for the UART
// and the GIC, RAM Normal write-back): exclusives (ldxr/stxr) and LSE atomics are only
// architecturally guaranteed on Normal memory, and with the MMU off all of RAM is Device memory.
// QEMU does not model caches, so the data written with the MMU off needs no maintenance here.
#include <percpu/config.hpp>

#include "../common/platform.hpp"
#include "../common/storm.hpp"

#if PERCPU_ARM_EL2
#error "the storm kernel runs at EL1 (EXAMPLE_EL2=OFF)"
#endif

extern "C" char storm_vectors[];  // storm_vector.S

namespace {

constexpr uintptr_t kGicd = 0x08000000;  // distributor
constexpr uintptr_t kGicc = 0x08010000;  // CPU interface
constexpr uint32_t kVirtualTimerIntid = 27;
constexpr uint32_t kSpuriousIntid = 1023;

volatile uint32_t* reg32(uintptr_t a) { return reinterpret_cast<volatile uint32_t*>(a); }
volatile uint8_t* reg8(uintptr_t a) { return reinterpret_cast<volatile uint8_t*>(a); }

// Level-1 block descriptors (4 KiB granule, 1 GiB blocks): AF | block | AttrIndx (MAIR index).
constexpr uint64_t kBlock = 1u | (1u << 10);
constexpr uint64_t kDevice = kBlock | (0u << 2);
constexpr uint64_t kNormal = kBlock | (1u << 2) | (3u << 8);  // inner shareable
alignas(4096) const uint64_t level1[512] = {
    0x00000000 | kDevice, 0x40000000 | kNormal, 0x80000000 | kNormal, 0xC0000000 | kNormal};

constexpr uint64_t kMair = 0x00 | (0xFFull << 8);  // 0: Device-nGnRnE, 1: Normal WB
// T0SZ = 25 (39-bit VA, walk from level 1), inner/outer WB caches, inner shareable, 4 KiB
// granule, EPD1 (no TTBR1 walks), IPS = 36 bits.
constexpr uint64_t kTcr = 25 | (1u << 8) | (1u << 10) | (3u << 12) | (1u << 23) | (1ull << 32);
constexpr uint64_t kSctlrMmuCaches = (1u << 0) | (1u << 2) | (1u << 12);  // M, C, I

void enable_mmu() {
  uint64_t sctlr;
  asm volatile("msr mair_el1, %0\n\tmsr tcr_el1, %1\n\tmsr ttbr0_el1, %2\n\tisb\n\t"
               "tlbi vmalle1\n\tdsb nsh\n\tisb"
               ::"r"(kMair), "r"(kTcr), "r"(level1) : "memory");
  asm volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
  asm volatile("msr sctlr_el1, %0\n\tisb" ::"r"(sctlr | kSctlrMmuCaches) : "memory");
}

}  // namespace

namespace storm {

const char* const kTimerDescription =
    "EL1 virtual timer (CNTV_TVAL_EL0), one-shot, PPI INTID 27 via GICv2; MMU on (identity map)";

void cpu_setup(size_t cpu) {
  enable_mmu();
  asm volatile("msr vbar_el1, %0\n\tisb" ::"r"(storm_vectors) : "memory");
  if (cpu == 0) *reg32(kGicd + 0x000) = 1;                     // GICD_CTLR: enable
  *reg8(kGicd + 0x400 + kVirtualTimerIntid) = 0x80;            // GICD_IPRIORITYR (banked)
  *reg32(kGicd + 0x100) = 1u << kVirtualTimerIntid;            // GICD_ISENABLER0 (banked)
  *reg32(kGicc + 0x004) = 0xF0;                                // GICC_PMR: all priorities
  *reg32(kGicc + 0x000) = 1;                                   // GICC_CTLR: enable
}

void timer_start(size_t, uint64_t period) {
  asm volatile("msr cntv_tval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb\n\tmsr daifclr, #2"
               ::"r"(period), "r"(uint64_t(1)) : "memory");
}

void timer_stop() {
  asm volatile("msr daifset, #2\n\tmsr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
}

bool timer_ack(size_t, uint64_t, uint64_t period) {
  const uint32_t iar = *reg32(kGicc + 0x00C);  // GICC_IAR
  const uint32_t intid = iar & 0x3FF;
  if (intid == kSpuriousIntid) return true;    // nothing pending any more: ignore
  if (intid != kVirtualTimerIntid) return false;
  asm volatile("msr cntv_tval_el0, %0\n\tisb" ::"r"(period) : "memory");  // lowers the line
  *reg32(kGicc + 0x010) = iar;                 // GICC_EOIR
  return true;
}

}  // namespace storm
