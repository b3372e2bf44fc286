// percpu_dynamic_bench: ns per add_current on a dynamic per-CPU object (percpu::alloc, one
// `addq %gs:(%reg)` on x86_64) beside a static per-CPU variable (`addq %gs:sym`) and a
// thread_local, in one run; prints the CPU model and the dynamic/static ratio (goal <= 1.1).
// docs/benchmarks.md has the figures and how to run it. Loops are kept honest the way
// runtime_bench.cpp explains (a compiler barrier per iteration, no unrolling); the handle is a
// local, as in a real loop that has it in a register.
#include <percpu/dynamic.hpp>
#include <percpu/percpu.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

PERCPU_DEFINE(uint64_t, static_counter, 0);

namespace {

thread_local uint64_t tl_counter = 0;
percpu::DynPerCpu<uint64_t> g_dynamic;

void static_add(benchmark::State& state) {
  for (auto _ : state) {
    static_counter.add_current(1);
    benchmark::ClobberMemory();
  }
}

void dynamic_add(benchmark::State& state) {
  const percpu::DynPerCpu<uint64_t> counter = g_dynamic;
  for (auto _ : state) {
    counter.add_current(1);
    benchmark::ClobberMemory();
  }
}

void thread_local_add(benchmark::State& state) {
  for (auto _ : state) {
    tl_counter += 1;
    benchmark::ClobberMemory();
  }
}

double minimum(const std::vector<double>& samples) { return *std::min_element(samples.begin(), samples.end()); }

// The console output plus the "min" aggregate of each benchmark, for the summary.
class Capture : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs)
      if (run.aggregate_name == "min") min_ns[run.run_name.function_name] = run.GetAdjustedRealTime();
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> min_ns;
};

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos)
      return line.substr(line.find(':') + 2);
  return "unknown";
}

}  // namespace

int main(int argc, char** argv) {
  const percpu::InitResult init = percpu::init(size_t{1}, size_t{4096});
  if (!init) {
    std::fprintf(stderr, "percpu_dynamic_bench: init failed: %s\n", percpu::to_string(init.error));
    return 1;
  }
  percpu::init_percpu_reg(0);
  g_dynamic = percpu::alloc<uint64_t>(0);
  if (!g_dynamic) {
    std::fprintf(stderr, "percpu_dynamic_bench: alloc failed\n");
    return 1;
  }
  std::printf("cpu: %s\n", cpu_model().c_str());
  for (auto [name, fn] : {std::pair{"static/add_current", static_add}, std::pair{"dynamic/add_current", dynamic_add},
                          std::pair{"thread_local/add_current", thread_local_add}})
    benchmark::RegisterBenchmark(name, fn)->Repetitions(5)->ComputeStatistics("min", minimum);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  Capture capture;
  benchmark::RunSpecifiedBenchmarks(&capture);
  benchmark::Shutdown();

  const double st = capture.min_ns["static/add_current"], dy = capture.min_ns["dynamic/add_current"];
  const double tl = capture.min_ns["thread_local/add_current"];
  std::printf("\nadd_current, min of 5 repetitions (ns per call)\n");
  std::printf("  static       %7.3f\n  dynamic      %7.3f\n  thread_local %7.3f\n", st, dy, tl);
  if (st > 0) std::printf("dynamic/static ratio %.3f (goal <= 1.1)\n", dy / st);
  if (*g_dynamic.remote_ptr(0) == 0 || static_counter.remote_ref_raw(0) == 0) {
    std::fprintf(stderr, "percpu_dynamic_bench: a counter was never incremented\n");
    return 1;
  }
  return 0;
}
