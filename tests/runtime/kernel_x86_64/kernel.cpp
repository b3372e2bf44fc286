// Kernel-mode runtime test on x86_64 under qemu-system-x86_64: ring 0, zero address model
// (.percpu linked at VMA 0 by the canonical block), GS_BASE written with wrmsr and read back
// with rdmsr. One real CPU plays four by switching GS_BASE. Prints to COM1 and returns 0x10 on
// success, 0x11 on failure (QEMU's isa-debug-exit turns them into exit codes 33 and 35).
#include <percpu/percpu.hpp>

static_assert(PERCPU_KERNEL_MODE == 1 && PERCPU_VMA_DELTA == 0, "kernel mode, zero model");

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

namespace {

void outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
void putc(char c) { outb(0x3f8, static_cast<uint8_t>(c)); }
void puts(const char* s) {
  while (*s) putc(*s++);
}
void puthex(uint64_t v) {
  puts("0x");
  for (int i = 60; i >= 0; i -= 4) putc("0123456789abcdef"[(v >> i) & 15]);
}

int g_failures = 0;
void check(bool ok, const char* what, uint64_t got = 0) {
  if (ok) return;
  ++g_failures;
  puts("FAIL: ");
  puts(what);
  puts(" got ");
  puthex(got);
  putc('\n');
}

struct alignas(128) Lines {
  uint32_t words[5];
};
enum class State : uint8_t { off = 3, on = 9 };

}  // namespace

PERCPU_DEFINE(uint64_t, k_counter, 0x1000);
PERCPU_DEFINE(uint8_t, k_byte, 0xAB);
PERCPU_DEFINE(int32_t, k_int, -77);
PERCPU_DEFINE(State, k_state, State::on);
PERCPU_DEFINE(Lines, k_lines, {1, 2, 3, 4, 5});
PERCPU_DEFINE(uint16_t, k_id, 0xFFFF);

extern "C" int kernel_main() {
  puts("percpu x86_64 kernel-mode test\n");
  check(k_counter.offset() == reinterpret_cast<uintptr_t>(&percpu_storage::k_counter),
        "zero model: offset is the symbol value", k_counter.offset());
  check(k_lines.offset() < percpu::percpu_area_size(), "offset inside the template", k_lines.offset());

  const percpu::InitResult first = percpu::init();
  const size_t n = first.cpu_count;
  check(first.ok() && n == 4, "init() returns the reserved area count", n);
  const percpu::InitResult second = percpu::init();
  check(second.error == percpu::InitError::already_initialized && second.cpu_count == 4,
        "second init() says already_initialized");
  check(percpu::percpu_area_base(0) == reinterpret_cast<uintptr_t>(_percpu_start),
        "CPU 0's area is the loaded template");
  check(percpu::area_stride() % 128 == 0, "stride keeps alignas(128)", percpu::area_stride());

  for (size_t cpu = 0; cpu < n; ++cpu) {
    percpu::init_percpu_reg(cpu);
    const uintptr_t base = percpu::percpu_area_base(cpu);
    check(percpu::read_percpu_reg() == base, "rdmsr GS_BASE == area base", percpu::read_percpu_reg());
    check(k_counter.read_current() == 0x1000, "initial u64 on every CPU", k_counter.read_current());
    check(k_byte.read_current() == 0xAB, "initial u8 on every CPU", k_byte.read_current());
    check(k_int.read_current() == -77, "initial i32 on every CPU");
    check(k_state.read_current() == State::on, "initial enum on every CPU");
    check(k_lines.current_ref_raw().words[4] == 5, "initial struct on every CPU");
    check(reinterpret_cast<uintptr_t>(k_lines.current_ptr()) % 128 == 0, "alignas(128) on every CPU",
          reinterpret_cast<uintptr_t>(k_lines.current_ptr()));
    check(reinterpret_cast<uintptr_t>(k_counter.current_ptr()) - base == k_counter.offset(),
          "current_ptr - base == offset");
    k_id.write_current(static_cast<uint16_t>(cpu));
    for (size_t i = 0; i <= cpu; ++i) k_counter.add_current(1);
    k_byte.inc_current();
    k_int.sub_current(3);
    check(k_state.xchg_current(State::off) == State::on, "xchg returns the old value");
    check(k_counter.cmpxchg_current(0x1000 + cpu + 1, 0x2000 + cpu) == 0x1000 + cpu + 1,
          "cmpxchg returns the old value");
    k_lines.with_current([&](Lines& l) { l.words[0] = static_cast<uint32_t>(cpu * 10); });
  }
  for (size_t cpu = 0; cpu < n; ++cpu) {
    check(k_id.remote_ref_raw(cpu) == cpu, "each CPU kept its own id", k_id.remote_ref_raw(cpu));
    check(k_counter.remote_ref_raw(cpu) == 0x2000 + cpu, "counter per CPU", k_counter.remote_ref_raw(cpu));
    check(k_byte.remote_ref_raw(cpu) == 0xAC, "u8 per CPU");
    check(k_int.remote_ref_raw(cpu) == -80, "i32 per CPU");
    check(k_lines.remote_ref_raw(cpu).words[0] == cpu * 10, "with_current per CPU");
  }
  percpu::init_percpu_reg(2);
  k_counter.reset_to_init();
  check(k_counter.remote_ref_raw(2) == 0x1000, "reset_to_init on CPU 2");
  check(k_counter.remote_ref_raw(1) == 0x2001, "reset_to_init left CPU 1 alone");

  puts(g_failures == 0 ? "PASS\n" : "FAILED\n");
  return g_failures == 0 ? 0x10 : 0x11;
}
