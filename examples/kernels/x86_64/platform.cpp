// QEMU x86_64 `pc` machine, booted through SeaBIOS's multiboot loader; long mode on an identity
// map (boot.S). The other CPUs start with the local APIC's INIT-SIPI-SIPI sequence; the run ends
// through QEMU's isa-debug-exit device (-device isa-debug-exit,iobase=0xf4,iosize=0x04), which
// turns the value v written to it into QEMU's exit status 2v+1.
#include "../common/platform.hpp"

extern "C" char ap_trampoline_start[], ap_trampoline_end[];  // boot.S

namespace {

constexpr uint16_t kCom1 = 0x3f8;
constexpr uint16_t kDebugExit = 0xf4;
constexpr uint8_t kExitPass = 0x10;  // QEMU exit status 33
constexpr uint8_t kExitFail = 0x11;  // QEMU exit status 35
constexpr uintptr_t kTrampoline = 0x7000;  // boot.S's TRAMPOLINE: SIPI vector 0x07
constexpr uint32_t kApicBaseMsr = 0x1b;
constexpr uint32_t kIcrLow = 0x300, kIcrHigh = 0x310;
constexpr uint32_t kIcrInit = 0x4500;     // INIT, level assert
constexpr uint32_t kIcrStartup = 0x4600;  // STARTUP (SIPI), level assert; | vector
constexpr uint32_t kIcrPending = 1u << 12;

void outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
uint8_t inb(uint16_t port) {
  uint8_t v;
  asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}

volatile uint32_t* apic(uint32_t reg) {
  uint32_t lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(kApicBaseMsr));
  const uint64_t base = ((uint64_t{hi} << 32) | lo) & ~uint64_t{0xfff};
  return reinterpret_cast<volatile uint32_t*>(base + reg);
}

void send_ipi(uint32_t apic_id, uint32_t command) {
  *apic(kIcrHigh) = apic_id << 24;
  *apic(kIcrLow) = command;
  while ((*apic(kIcrLow) & kIcrPending) != 0) {
  }
}

// Real hardware wants 10 ms after INIT and 200 us after each SIPI; QEMU needs no delay, a short
// spin keeps the sequence's shape.
void short_delay() {
  for (volatile int i = 0; i < 100000; ++i) {
  }
}

}  // namespace

namespace platform {

const char* const kDescription = "x86_64 (QEMU pc, multiboot, long mode; per-CPU register GS_BASE)";

void console_putc(char c) {
  while ((inb(kCom1 + 5) & 0x20) == 0) {  // LSR.THRE: the transmit register is free
  }
  outb(kCom1, static_cast<uint8_t>(c));
}

// QEMU gives CPU i the local APIC id i: the id is both the IPI target and the CPU index.
size_t start_secondary_cpus(size_t count) {
  const size_t size = static_cast<size_t>(ap_trampoline_end - ap_trampoline_start);
  __builtin_memcpy(reinterpret_cast<void*>(kTrampoline), ap_trampoline_start, size);
  for (size_t cpu = 1; cpu < count; ++cpu) {
    send_ipi(static_cast<uint32_t>(cpu), kIcrInit);
    short_delay();
    for (int i = 0; i < 2; ++i) {
      send_ipi(static_cast<uint32_t>(cpu), kIcrStartup | (kTrampoline >> 12));
      short_delay();
    }
  }
  return count;
}

uint64_t ticks() {
  uint32_t lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (uint64_t{hi} << 32) | lo;
}

// The TSC's rate is not known without calibration; QEMU's follows the host's (1-4 GHz). Counting
// 1 GHz makes the boot CPU's 20 s bound on a hang between 5 and 20 s, which is all it is for.
uint64_t ticks_per_second() { return 1000000000; }

void exit(int status) {
  outb(kDebugExit, status == 0 ? kExitPass : kExitFail);
  park();
}

void park() {
  for (;;) asm volatile("cli; hlt");
}

}  // namespace platform
