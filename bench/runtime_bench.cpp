// percpu_bench: ns per per-CPU access (libpercpu host mode, x86_64: one %gs instruction each)
// beside the two things a C++ programmer would use instead: a thread_local and a shared
// std::atomic. bench/run turns the JSON output into the table with ratios.
//
// Keeping the loops honest, the same way on every side:
// - every loop body ends in benchmark::ClobberMemory() (a compiler barrier: memory may have been
//   read or written by someone else), so the thread_local / atomic store or increment of each
//   iteration really happens: without it the compiler may keep `tl_counter` in a register for the
//   whole loop (stores sunk, N increments folded into one add of N);
// - every value that is read goes through use_value(), which demands it in a register, so the
//   load happens once per iteration (the barrier forbids reusing the previous one). Not
//   benchmark::DoNotOptimize: libbenchmark 1.7.1's version ("+m,r" alternatives) lets g++ 12
//   delete the thread_local load entirely (the loop became an empty counter; seen in objdump);
// - written values depend on the loop counter, so no store is provably redundant.
// The per-CPU accessors are `asm volatile` with a memory operand and could not be dropped or moved
// anyway; they get the same scaffolding so both sides pay exactly the same (zero instructions).
// Verified on the disassembly: each loop is the access plus the loop counter (docs/benchmarks.md).
#include <percpu/percpu.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <vector>

PERCPU_DEFINE(uint64_t, bench_counter, 0);

namespace {

// The value must exist in a register: one load per iteration, nothing else emitted.
template <typename T>
inline __attribute__((always_inline)) void use_value(T v) {
  asm volatile("" : : "r"(v));
}

thread_local uint64_t tl_counter = 0;
// alignas: the atomic is alone on its cache line, the way a shared counter would be laid out.
alignas(64) std::atomic<uint64_t> shared_counter{0};

// ---- read ----
void percpu_read(benchmark::State& state) {
  for (auto _ : state) {
    const uint64_t v = bench_counter.read_current();
    use_value(v);
    benchmark::ClobberMemory();
  }
}
void thread_local_read(benchmark::State& state) {
  for (auto _ : state) {
    const uint64_t v = tl_counter;
    use_value(v);
    benchmark::ClobberMemory();
  }
}
void atomic_read(benchmark::State& state) {
  for (auto _ : state) {
    const uint64_t v = shared_counter.load(std::memory_order_relaxed);
    use_value(v);
    benchmark::ClobberMemory();
  }
}

// ---- write ----
void percpu_write(benchmark::State& state) {
  uint64_t i = 0;
  for (auto _ : state) {
    bench_counter.write_current(++i);
    benchmark::ClobberMemory();
  }
}
void thread_local_write(benchmark::State& state) {
  uint64_t i = 0;
  for (auto _ : state) {
    tl_counter = ++i;
    benchmark::ClobberMemory();
  }
}
void atomic_write(benchmark::State& state) {
  uint64_t i = 0;
  for (auto _ : state) {
    shared_counter.store(++i, std::memory_order_relaxed);
    benchmark::ClobberMemory();
  }
}

// ---- add 1 ----
void percpu_add(benchmark::State& state) {
  for (auto _ : state) {
    bench_counter.add_current(1);
    benchmark::ClobberMemory();
  }
}
void thread_local_add(benchmark::State& state) {
  for (auto _ : state) {
    tl_counter += 1;
    benchmark::ClobberMemory();
  }
}
// Relaxed is the cheapest order a counter can use; on x86_64 every order is the same `lock xadd`.
void atomic_add(benchmark::State& state) {
  for (auto _ : state) {
    shared_counter.fetch_add(1, std::memory_order_relaxed);
    benchmark::ClobberMemory();
  }
}

// The minimum over the repetitions is what bench/run reports: on a shared machine other processes
// only ever ADD time to a run, so the fastest repetition is the closest to the uncontended cost.
double minimum(const std::vector<double>& samples) {
  return *std::min_element(samples.begin(), samples.end());
}

// Names are "<implementation>/<operation>": bench/run keys its table on them.
void register_all() {
  const struct {
    const char* name;
    void (*fn)(benchmark::State&);
  } all[] = {
      {"percpu/read_current", percpu_read},   {"thread_local/read_current", thread_local_read},
      {"atomic/read_current", atomic_read},   {"percpu/write_current", percpu_write},
      {"thread_local/write_current", thread_local_write},
      {"atomic/write_current", atomic_write}, {"percpu/add_current", percpu_add},
      {"thread_local/add_current", thread_local_add}, {"atomic/add_current", atomic_add},
  };
  for (const auto& b : all) benchmark::RegisterBenchmark(b.name, b.fn)->ComputeStatistics("min", minimum);
}

}  // namespace

int main(int argc, char** argv) {
  // One area is enough: every benchmark runs on the main thread, which is "CPU 0".
  const percpu::InitResult init = percpu::init(size_t{1});
  if (!init) {
    std::fprintf(stderr, "percpu_bench: init(1) failed: %s\n", percpu::to_string(init.error));
    return 1;
  }
  percpu::init_percpu_reg(0);
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  // Sanity: the per-CPU counter really counted (add and write loops both ran on CPU 0's area).
  if (bench_counter.remote_ref_raw(0) == 0) {
    std::fprintf(stderr, "percpu_bench: the per-CPU counter was never written\n");
    return 1;
  }
  return 0;
}
