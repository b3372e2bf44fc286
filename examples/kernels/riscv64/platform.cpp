// QEMU riscv64 `virt` board, M-mode, no firmware (-bios none).
#include "../common/platform.hpp"

namespace {

constexpr uintptr_t kUart = 0x10000000;        // ns16550a
constexpr uintptr_t kSifiveTest = 0x100000;    // QEMU's test device: exit with a status
constexpr uintptr_t kClintMtime = 0x0200bff8;  // CLINT mtime, 10 MHz on virt
constexpr uint32_t kTestPass = 0x5555;
constexpr uint32_t kTestFail = 0x3333;  // | (status << 16)

volatile uint8_t* reg8(uintptr_t a) { return reinterpret_cast<volatile uint8_t*>(a); }

}  // namespace

namespace platform {

const char* const kDescription = "riscv64 (QEMU virt, M-mode, no firmware; per-CPU register gp)";

void console_putc(char c) {
  while ((*reg8(kUart + 5) & 0x20) == 0) {  // LSR.THRE: the transmit register is free
  }
  *reg8(kUart) = static_cast<uint8_t>(c);
}

size_t start_secondary_cpus(size_t count) { return count; }  // all entered the image at reset

uint64_t ticks() { return *reinterpret_cast<volatile uint64_t*>(kClintMtime); }
uint64_t ticks_per_second() { return 10000000; }

void exit(int status) {
  *reinterpret_cast<volatile uint32_t*>(kSifiveTest) =
      status == 0 ? kTestPass : (static_cast<uint32_t>(status) << 16) | kTestFail;
  park();
}

void park() {
  for (;;) asm volatile("wfi");
}

}  // namespace platform
