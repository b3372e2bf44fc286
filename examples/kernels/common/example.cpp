// The per-CPU example every kernel runs, the same on each architecture. On every CPU:
//   1. point the per-CPU register at the CPU's own area (percpu::init_percpu_reg);
//   2. read `seed` before any write: its non-zero initializer must be in every area;
//   3. write the CPU's id into `cpu_id` (a hot variable: the architecture's shortest access,
//      1 instruction, 2 on aarch64) and read it back; write 0x5EED + id into `seed`;
//   4. add 1 to `counter` 1,000,000 times (inc_current_raw: interrupts are masked and the CPU
//      never migrates, so the plain load/add/store is exact; no atomics, no shared cache line);
//   5. raise its own `done` flag.
// The boot CPU then reads every CPU's variables remotely (remote_ref_raw), prints one line per
// CPU and a verdict, and ends the QEMU run with a pass or fail status (platform::exit).
#include <percpu/percpu.hpp>

#include "console.hpp"
#include "platform.hpp"

// EXAMPLE_DYNAMIC=1 (CMake EXAMPLE_DYNAMIC=ON): also a dynamic per-CPU object (dynamic_example.cpp).
#ifndef EXAMPLE_DYNAMIC
#define EXAMPLE_DYNAMIC 0
#endif
#if EXAMPLE_DYNAMIC
#include "dynamic_example.hpp"
#endif

#ifndef EXAMPLE_CPUS
#error "EXAMPLE_CPUS (the CPU count given to percpu-ldgen) must be defined"
#endif

namespace {

constexpr uint32_t kSeed = 0x5EED;
constexpr uint32_t kUnsetId = 0xFFFFFFFFu;
constexpr uint64_t kIncrements = 1000000;
constexpr uint64_t kWaitSeconds = 20;

// What a CPU found wrong about itself, recorded in its area for the boot CPU.
enum Failure : uint32_t {
  kRegisterValue = 1u << 0,  // the register does not select this CPU's area
  kCurrentPointer = 1u << 1, // current_ptr() differs from remote_ptr(this cpu)
  kInitialId = 1u << 2,      // cpu_id did not hold its initializer before the first write
  kReadBack = 1u << 3,       // cpu_id did not read back the id just written
  kHotPart = 1u << 4,        // cpu_id (hot) is not within the template's first kHotReach bytes
};

}  // namespace

PERCPU_DEFINE_HOT(uint32_t, cpu_id, kUnsetId);  // this CPU's id, once it has written it (hot)
PERCPU_DEFINE(uint32_t, seed, kSeed);        // a non-zero initializer every area must hold
PERCPU_DEFINE(uint32_t, seed_seen, 0);       // what this CPU read from `seed` before any write
PERCPU_DEFINE(uint64_t, counter, 0);         // incremented kIncrements times by its own CPU
PERCPU_DEFINE(uint32_t, failures, 0);        // Failure bits
PERCPU_DEFINE(uint32_t, done, 0);            // 1 (store-release) when the CPU has finished

extern "C" {
volatile uint32_t example_release_cpus = 0;
}

namespace {

void run_checks(size_t cpu) {
  percpu::init_percpu_reg(cpu);
  seed_seen.write_current(seed.read_current());
  uint32_t found = 0;
  if (cpu_id.read_current() != kUnsetId) found |= kInitialId;
  if (percpu::read_percpu_reg() != percpu::register_value_for(percpu::percpu_area_base(cpu)))
    found |= kRegisterValue;
  if (counter.current_ptr() != counter.remote_ptr(cpu)) found |= kCurrentPointer;
  if (cpu_id.current_ptr() != cpu_id.remote_ptr(cpu)) found |= kCurrentPointer;
  if (cpu_id.offset() + sizeof(uint32_t) > percpu::layout::kHotReach) found |= kHotPart;

  cpu_id.write_current(static_cast<uint32_t>(cpu));
  if (cpu_id.read_current() != cpu) found |= kReadBack;
  seed.write_current(kSeed + static_cast<uint32_t>(cpu));  // each area diverges from the template

  // The raw form: the guarded inc_current() is a CPU-local atomic (interrupt-safe), which the
  // MMU-off aarch64 kernel must not use (Device memory; docs/examples.md). storm.cpp tests it.
  for (uint64_t i = 0; i < kIncrements; ++i) counter.inc_current_raw();
#if EXAMPLE_DYNAMIC
  dynamic_example::run(cpu);
#endif

  failures.write_current(found);
  // Orders every store above before the flag that the boot CPU polls with load-acquire.
  __atomic_store_n(done.current_ptr(), 1u, __ATOMIC_RELEASE);
}

// Waits, at most kWaitSeconds in all, for the done flags of CPUs 0..cpus-1.
void wait_for_cpus(size_t cpus) {
  const uint64_t limit = kWaitSeconds * platform::ticks_per_second();
  const uint64_t start = platform::ticks();
  for (size_t cpu = 0; cpu < cpus; ++cpu) {
    while (__atomic_load_n(done.remote_ptr(cpu), __ATOMIC_ACQUIRE) == 0) {
      if (platform::ticks() - start > limit) return;
    }
  }
}

void put_failure_reasons(uint32_t bits) {
  if (bits & kRegisterValue) console::put(" [register does not select its area]");
  if (bits & kCurrentPointer) console::put(" [current_ptr != remote_ptr]");
  if (bits & kInitialId) console::put(" [cpu_id lacked its initializer]");
  if (bits & kReadBack) console::put(" [cpu_id did not read back]");
  if (bits & kHotPart) console::put(" [cpu_id is outside the hot part]");
}

// One line per CPU, from remote reads of its area; returns whether it passed.
bool report_cpu(size_t cpu) {
  if (__atomic_load_n(done.remote_ptr(cpu), __ATOMIC_ACQUIRE) == 0) {
    console::put("cpu ");
    console::put_dec(cpu);
    console::put(": FAIL did not finish (not started, or hung; QEMU -smp too small?)\n");
    return false;
  }
  const uint32_t id = cpu_id.remote_ref_raw(cpu);
  const uint32_t init = seed_seen.remote_ref_raw(cpu);
  const uint64_t count = counter.remote_ref_raw(cpu);
  const uint32_t bits = failures.remote_ref_raw(cpu);
  const bool own_seed = seed.remote_ref_raw(cpu) == kSeed + cpu;
  const bool pass = id == cpu && init == kSeed && count == kIncrements && bits == 0 && own_seed;
  console::put("cpu ");
  console::put_dec(cpu);
  console::put(pass ? ": PASS id=" : ": FAIL id=");
  console::put_dec(id);
  console::put(" init=");
  console::put_hex(init);
  console::put(" counter=");
  console::put_dec(count);
  put_failure_reasons(bits);
  if (!own_seed) console::put(" [seed is not the value this CPU wrote]");
  console::put("\n");
  return pass;
}

}  // namespace

extern "C" [[noreturn]] void example_boot_cpu() {
  console::put("\npercpu example on ");  // x86_64: after SeaBIOS's "Booting from ROM.."
  console::put(platform::kDescription);
  console::put("\n");

  const size_t cpus = percpu::init().cpu_count;
  console::put("percpu::init(): ");
  console::put_dec(cpus);
  console::put(" areas at ");
  console::put_hex(percpu::percpu_area_base(0));
  console::put(", stride ");
  console::put_dec(percpu::area_stride());
  console::put(" bytes, template ");
  console::put_dec(percpu::percpu_area_size());
  console::put(" bytes; offsets: cpu_id (hot) ");
  console::put_hex(cpu_id.offset());
  console::put(", counter ");
  console::put_hex(counter.offset());
  console::put("\n");
  if (cpus != EXAMPLE_CPUS) {
    console::put("percpu example: FAIL (the linker script reserved ");
    console::put_dec(cpus);
    console::put(" areas, expected ");
    console::put_dec(EXAMPLE_CPUS);
    console::put(")\n");
    platform::exit(1);
  }

#if EXAMPLE_DYNAMIC
  bool dynamic_ok = dynamic_example::allocate();  // before the others start: they see the handle
#endif
  __atomic_store_n(&example_release_cpus, 1u, __ATOMIC_RELEASE);
  const size_t running = platform::start_secondary_cpus(cpus);
  run_checks(0);
  wait_for_cpus(running);

  bool pass = true;
  uint64_t sum = 0;
  for (size_t cpu = 0; cpu < cpus; ++cpu) {
    pass = report_cpu(cpu) && pass;
    sum += counter.remote_ref_raw(cpu);
  }
  const bool sum_ok = sum == cpus * kIncrements;
  console::put("sum of the per-CPU counters: ");
  console::put_dec(sum);
  console::put(sum_ok ? " (expected " : " FAIL (expected ");
  console::put_dec(cpus * kIncrements);
  console::put(")\n");
  pass = pass && sum_ok;
#if EXAMPLE_DYNAMIC
  dynamic_ok = dynamic_ok && dynamic_example::report(cpus);
  pass = pass && dynamic_ok;
#endif

  console::put(pass ? "percpu example: PASS (" : "percpu example: FAIL (");
  console::put_dec(cpus);
  console::put(" CPUs)\n");
  platform::exit(pass ? 0 : 1);
}

extern "C" [[noreturn]] void example_secondary_cpu(size_t cpu) {
  if (cpu < percpu::percpu_area_num()) run_checks(cpu);
  platform::park();
}

extern "C" [[noreturn]] void example_trap(uint64_t cause, uint64_t pc, uint64_t value) {
  console::put("\ntrap: cause ");
  console::put_hex(cause);
  console::put(" at pc ");
  console::put_hex(pc);
  console::put(", value ");
  console::put_hex(value);
  console::put("\npercpu example: FAIL (trap)\n");
  platform::exit(3);
}
