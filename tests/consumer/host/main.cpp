// Host-mode consumer of the installed package: four threads act as four CPUs, each counts on its
// own copy of a per-CPU counter; the sum over the CPUs' copies must be exact.
#include <percpu/percpu.hpp>

#include <cstdio>
#include <thread>
#include <vector>

PERCPU_DEFINE(uint64_t, events, 0);
PERCPU_DEFINE(uint32_t, cpu_tag, 0xC0FFEE);

int main() {
  constexpr size_t kCpus = 4;
  constexpr uint64_t kPerCpu = 100000;
  if (!percpu::init(kCpus)) {
    std::puts("host consumer: init(4) failed");
    return 1;
  }
  std::vector<std::thread> threads;
  for (size_t cpu = 0; cpu < kCpus; ++cpu) {
    threads.emplace_back([cpu] {
      percpu::init_percpu_reg(cpu);
      for (uint64_t i = 0; i <= kPerCpu * cpu; ++i) events.inc_current();
    });
  }
  for (auto& t : threads) t.join();

  bool ok = true;
  for (size_t cpu = 0; cpu < kCpus; ++cpu) {
    const uint64_t got = events.remote_ref_raw(cpu);
    std::printf("host consumer: cpu %zu events %llu tag 0x%x\n", cpu,
                static_cast<unsigned long long>(got), cpu_tag.remote_ref_raw(cpu));
    ok = ok && got == kPerCpu * cpu + 1 && cpu_tag.remote_ref_raw(cpu) == 0xC0FFEE;
  }
  std::puts(ok ? "host consumer: PASS" : "host consumer: FAIL");
  return ok ? 0 : 1;
}
