// x86_64 QEMU `pc`: the storm's timer is each CPU's local APIC timer, one-shot (re-armed by the
// handler), vector 0x40, divide by 1. QEMU's APIC timer counts at 1 GHz, the rate
// platform::ticks_per_second() assumes for the TSC, so a period in ticks is an APIC count.
#include "../common/platform.hpp"
#include "../common/storm.hpp"

extern "C" char storm_timer_entry[], storm_spurious_entry[];  // storm_vector.S
extern "C" char vectors[];  // boot.S: 32 exception stubs of 16 bytes, to example_trap

namespace {

constexpr uint32_t kApicBaseMsr = 0x1b;
constexpr uint32_t kEoi = 0xB0, kSpuriousVector = 0xF0, kLvtTimer = 0x320;
constexpr uint32_t kInitialCount = 0x380, kDivide = 0x3E0;
constexpr uint8_t kTimerVector = 0x40, kSpurious = 0xFF;

struct Gate {
  uint64_t low, high;
};
Gate idt[256];

// A 64-bit interrupt gate: code selector 0x08, present, DPL 0, type 0xE (interrupts masked).
Gate gate(const char* entry) {
  const uint64_t a = reinterpret_cast<uintptr_t>(entry);
  return {(a & 0xFFFF) | (uint64_t{0x08} << 16) | (uint64_t{0x8E00} << 32) |
              ((a >> 16 & 0xFFFF) << 48),
          a >> 32};
}

volatile uint32_t* apic(uint32_t reg) {
  uint32_t lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(kApicBaseMsr));
  const uint64_t base = ((uint64_t{hi} << 32) | lo) & ~uint64_t{0xfff};
  return reinterpret_cast<volatile uint32_t*>(base + reg);
}

}  // namespace

namespace storm {

const char* const kTimerDescription = "local APIC timer, one-shot, vector 0x40";

void cpu_setup(size_t cpu) {
  if (cpu == 0) {
    // SeaBIOS leaves the PIT running through the 8259 PICs at vector 8 (the real-mode layout):
    // mask both PICs, only the local APIC timer may interrupt.
    asm volatile("outb %0, $0x21\n\toutb %0, $0xA1" ::"a"(uint8_t{0xFF}));
    for (int v = 0; v < 32; ++v) idt[v] = gate(vectors + 16 * v);
    idt[kTimerVector] = gate(storm_timer_entry);
    idt[kSpurious] = gate(storm_spurious_entry);
  }
  struct __attribute__((packed)) {
    uint16_t limit;
    uint64_t base;
  } idtr = {sizeof idt - 1, reinterpret_cast<uintptr_t>(idt)};
  asm volatile("lidt %0" ::"m"(idtr) : "memory");
  *apic(kSpuriousVector) = 0x100 | kSpurious;  // APIC software enable
  *apic(kDivide) = 0xB;                        // divide by 1
  *apic(kLvtTimer) = kTimerVector;             // one-shot, not masked
}

void timer_start(size_t, uint64_t period) {
  *apic(kInitialCount) = static_cast<uint32_t>(period);
  asm volatile("sti" ::: "memory");
}

void timer_stop() {
  asm volatile("cli" ::: "memory");
  *apic(kInitialCount) = 0;
}

bool timer_ack(size_t, uint64_t cause, uint64_t period) {
  if (cause != kTimerVector) return false;
  *apic(kEoi) = 0;
  *apic(kInitialCount) = static_cast<uint32_t>(period);
  return true;
}

}  // namespace storm
