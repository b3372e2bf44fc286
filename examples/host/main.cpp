// percpu_host_demo: per-CPU variables in a Linux process, one thread per "CPU".
//
// Usage: percpu_host_demo [cpus (default 4)] [increments per cpu (default 1000000)]
// Each thread selects its CPU's area with init_percpu_reg(cpu) (GS_BASE on x86_64), records
// what it sees, then counts with add_current: no atomics, no locks, no shared cache line.
// Exit code 0 and a final "PASS" line when every check holds, 1 and "FAIL" otherwise, 2 on bad
// arguments.
#include <percpu/percpu.hpp>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {

struct Stats {
  uint64_t events;
  uint32_t max_burst;
};

}  // namespace

PERCPU_DEFINE(uint32_t, cpu_id, 0xFFFFFFFFu);  // "not yet set" on every CPU until its thread runs
PERCPU_DEFINE(uint64_t, counter, 0);
PERCPU_DEFINE(uint64_t, magic, 0xC0FFEEULL);  // non-zero initializer: must be seen on every CPU
PERCPU_DEFINE(Stats, stats, 0, 0);

namespace {

struct Seen {
  uint64_t initial_magic = 0;
  uint32_t initial_id = 0;
};

bool parse(const char* text, unsigned long long max, unsigned long long* out) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0' || v == 0 || v > max) return false;
  *out = v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned long long cpus = 4, increments = 1000000;
  if (argc > 3 || (argc > 1 && !parse(argv[1], 256, &cpus)) ||
      (argc > 2 && !parse(argv[2], 1000000000ULL, &increments))) {
    std::fprintf(stderr, "usage: %s [cpus 1..256] [increments 1..1e9]\n", argv[0]);
    return 2;
  }

  const percpu::InitResult init = percpu::init(static_cast<size_t>(cpus));
  if (!init) {
    std::fprintf(stderr, "percpu_host_demo: init(%llu) failed: %s\n", cpus,
                 percpu::to_string(init.error));
    return 1;
  }
  cpus = init.cpu_count;  // PERCPU_SP_NAIVE builds have exactly one CPU
  std::printf("percpu host demo (%s): %zu areas, template %zu bytes, stride %zu, "
              "offset(counter) = %#" PRIxPTR "\n",
              percpu::arch::kName, percpu::percpu_area_num(), percpu::percpu_area_size(),
              percpu::area_stride(), counter.offset());

  std::vector<Seen> seen(cpus);
  std::vector<std::thread> threads;
  for (size_t cpu = 0; cpu < cpus; ++cpu) {
    threads.emplace_back([cpu, increments, &seen] {
      percpu::init_percpu_reg(cpu);
      seen[cpu].initial_magic = magic.read_current();
      seen[cpu].initial_id = cpu_id.read_current();
      cpu_id.write_current(static_cast<uint32_t>(cpu));
      for (unsigned long long i = 0; i < increments; ++i) counter.add_current(1);
      stats.with_current([&](Stats& s) {
        s.events += increments;
        s.max_burst = static_cast<uint32_t>(increments);
      });
    });
  }
  for (auto& t : threads) t.join();

  bool ok = true;
  uint64_t total = 0;
  std::printf("%4s  %18s  %6s  %12s  %16s  %s\n", "cpu", "area base", "id", "counter",
              "initial magic", "initial id");
  for (size_t cpu = 0; cpu < cpus; ++cpu) {
    const uint64_t c = counter.remote_ref_raw(cpu);
    const uint32_t id = cpu_id.remote_ref_raw(cpu);
    total += c;
    const bool row_ok = c == increments && id == cpu && seen[cpu].initial_magic == 0xC0FFEE &&
                        seen[cpu].initial_id == 0xFFFFFFFFu &&
                        stats.remote_ref_raw(cpu).events == increments;
    ok = ok && row_ok;
    std::printf("%4zu  %#18" PRIxPTR "  %6u  %12" PRIu64 "  %#16" PRIx64 "  %#x%s\n", cpu,
                percpu::percpu_area_base(cpu), id, c, seen[cpu].initial_magic,
                seen[cpu].initial_id, row_ok ? "" : "   <-- wrong");
  }
  const uint64_t expected = cpus * increments;
  std::printf("sum of counters = %" PRIu64 " (expected %" PRIu64 ")\n", total, expected);
  ok = ok && total == expected;
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
