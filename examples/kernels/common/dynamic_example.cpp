// See dynamic_example.hpp. Also the kernel's lock hooks for the allocator (percpu/dynamic.hpp):
// interrupts off on the calling CPU, the previous state returned and restored.
#include "dynamic_example.hpp"

#include <percpu/dynamic.hpp>

#include "console.hpp"

namespace {

constexpr uint64_t kStart = 1000;  // every copy's initial value
constexpr uint64_t kIncrements = 1000000;
constexpr uint64_t kSecond = 0xABCD;  // the initial value of the allocation made after the free

percpu::DynPerCpu<uint64_t> g_counter;
PERCPU_DEFINE(uint32_t, dyn_start_ok, 0);  // 1: this CPU saw kStart in its copy before its writes

void put_line(const char* what, uint64_t value, bool ok) {
  console::put(what);
  console::put_dec(value);
  console::put(ok ? "\n" : " FAIL\n");
}

}  // namespace

extern "C" unsigned long percpu_irq_save(void) {
  unsigned long flags;
#if defined(__riscv)
  asm volatile("csrrci %0, mstatus, 8" : "=r"(flags) : : "memory");  // clear MIE, M-mode kernel
#elif defined(__aarch64__)
  asm volatile("mrs %0, daif\n\tmsr daifset, #2" : "=r"(flags) : : "memory");
#elif defined(__loongarch64)
  flags = 0;
  asm volatile("csrxchg %0, %1, 0x0" : "+r"(flags) : "r"(4ul) : "memory");  // CRMD.IE
#elif defined(__x86_64__)
  asm volatile("pushfq\n\tpopq %0\n\tcli" : "=r"(flags) : : "memory");
#endif
  return flags;
}

extern "C" void percpu_irq_restore(unsigned long flags) {
#if defined(__riscv)
  asm volatile("csrs mstatus, %0" : : "r"(flags & 8) : "memory");
#elif defined(__aarch64__)
  asm volatile("msr daif, %0" : : "r"(flags) : "memory");
#elif defined(__loongarch64)
  asm volatile("csrxchg %0, %1, 0x0" : "+r"(flags) : "r"(4ul) : "memory");
#elif defined(__x86_64__)
  if (flags & 0x200) asm volatile("sti" : : : "memory");
#endif
}

namespace dynamic_example {

bool allocate() {
  g_counter = percpu::alloc<uint64_t>(kStart);
  console::put("dynamic: reserve ");
  console::put_dec(percpu::dynamic_reserve_size());
  console::put(" bytes at offset ");
  console::put_hex(percpu::dynamic_reserve_offset());
  console::put(", object at offset ");
  console::put_hex(g_counter ? g_counter.offset() : 0);
  console::put(g_counter ? "\n" : " FAIL (alloc returned an empty handle)\n");
  return static_cast<bool>(g_counter);
}

void run(size_t cpu) {
  if (!g_counter) return;
  dyn_start_ok.write_current(g_counter.read_current() == kStart ? 1 : 0);
  if (g_counter.current_ptr() != g_counter.remote_ptr(cpu)) dyn_start_ok.write_current(0);
#if defined(__aarch64__)
  // The raw form, as example.cpp's static counter: the guarded one is a CPU-local atomic, which
  // the MMU-off aarch64 kernel must not use (Device memory; docs/examples.md).
  for (uint64_t i = 0; i < kIncrements; ++i) g_counter.inc_current_raw();
#else
  for (uint64_t i = 0; i < kIncrements; ++i) g_counter.inc_current();  // guarded: CPU-local atomic
#endif
}

bool report(size_t cpus) {
  if (!g_counter) return false;
  bool pass = true;
  uint64_t sum = 0;
  for (size_t cpu = 0; cpu < cpus; ++cpu) {
    const uint64_t count = *g_counter.remote_ptr(cpu);
    const bool ok = count == kStart + kIncrements && dyn_start_ok.remote_ref_raw(cpu) == 1;
    console::put("dynamic cpu ");
    console::put_dec(cpu);
    put_line(": counter=", count, ok);
    pass = pass && ok;
    sum += count - kStart;
  }
  const bool sum_ok = sum == cpus * kIncrements;
  put_line("dynamic: sum of the increments ", sum, sum_ok);

  // Free, allocate again: first fit returns the same bytes, which every CPU dirtied above.
  const uintptr_t offset = g_counter.offset();
  const bool freed = percpu::free(g_counter);
  percpu::DynPerCpu<uint64_t> again = percpu::alloc<uint64_t>(kSecond);
  bool fresh = freed && again && again.offset() == offset;
  for (size_t cpu = 0; fresh && cpu < cpus; ++cpu) fresh = *again.remote_ptr(cpu) == kSecond;
  console::put(fresh ? "dynamic: after free, a new allocation at the same offset holds its initial value on every CPU\n"
                     : "dynamic: FAIL after free, the new allocation is not initialized on every CPU\n");
  const percpu::DynamicStats stats = percpu::dynamic_stats();
  console::put("dynamic: capacity ");
  console::put_dec(stats.capacity);
  console::put(" bytes, used ");
  console::put_dec(stats.used);
  console::put(", live ");
  console::put_dec(stats.live);
  console::put("\n");
  return pass && sum_ok && fresh && stats.live == 1;
}

}  // namespace dynamic_example
