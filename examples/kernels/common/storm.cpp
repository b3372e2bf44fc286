// The interrupt-storm kernel: the guarded read-modify-writes must survive an interrupt handler
// that updates the SAME per-CPU variables between any two instructions of the code it interrupts
// (QEMU -singlestep). Built three times from this file (STORM_MODE):
//   storm.elf        0: the guarded forms (add_current, inc_current, cmpxchg_current,
//                    xchg_current): every CPU must end with the exact expected values;
//   storm_raw.elf    1: the _raw forms: plain load/modify/store on aarch64, RISC-V and
//                    LoongArch64, the control that must LOSE updates there; on x86_64 each is
//                    still one %gs instruction, which must stay exact (docs/runtime.md table);
//   storm_split.elf  2: the same updates written as read_current_raw + write_current_raw (two
//                    instructions): x86_64's control, which must lose updates.
// Every CPU runs the same loop, with its timer firing every kPeriodUs, until it has taken
// kTargetIrqs interrupts (or kSeconds passed); the handler runs the same update step. The boot
// CPU then reads every CPU's variables remotely, prints one line per CPU and a verdict.
#include <percpu/percpu.hpp>

#include "console.hpp"
#include "platform.hpp"
#include "storm.hpp"

#ifndef EXAMPLE_CPUS
#error "EXAMPLE_CPUS (the CPU count given to percpu-ldgen) must be defined"
#endif
#ifndef STORM_MODE
#define STORM_MODE 0
#endif

namespace {

constexpr uint64_t kTargetIrqs = 6000;   // interrupts per CPU, then the CPU stops
constexpr uint64_t kMinIrqs = 1000;      // fewer (time limit hit) is a failure: no storm
constexpr uint64_t kSeconds = 25;        // per CPU, in guest time
constexpr uint64_t kPeriodUs = 100;      // timer period (one-shot, re-armed by the handler)

}  // namespace

PERCPU_DEFINE(uint64_t, add_counter, 0);  // += 3 per step
PERCPU_DEFINE(uint32_t, inc_counter, 0);  // += 1 per step
PERCPU_DEFINE(uint16_t, inc16, 0);        // += 1 per step, modulo 2^16 (sub-word sequences)
PERCPU_DEFINE(uint64_t, cas_counter, 0);  // += 1 per step by a cmpxchg loop
PERCPU_DEFINE(uint64_t, token, 0);        // += 1 then xchg(0) per step: tokens move, none is lost
PERCPU_DEFINE(uint64_t, irq_taken, 0);    // tokens the handler took (handler only)
PERCPU_DEFINE(uint64_t, main_taken, 0);   // tokens the loop took (written once, at the end)
PERCPU_DEFINE(uint64_t, irqs, 0);         // interrupts handled (handler only)
PERCPU_DEFINE(uint64_t, loops, 0);        // steps of the interrupted loop (written at the end)
PERCPU_DEFINE(uint32_t, cpu_index, 0);
PERCPU_DEFINE(uint32_t, done, 0);

extern "C" {
volatile uint32_t example_release_cpus = 0;
}

namespace {

uint64_t g_period = 0;  // timer ticks, set by the boot CPU before it releases the others

// One update of every kind; returns the tokens taken by the xchg.
uint64_t step() {
#if STORM_MODE == 0
  add_counter.add_current(3);
  inc_counter.inc_current();
  inc16.inc_current();
  uint64_t old = cas_counter.read_current();
  for (uint64_t seen; (seen = cas_counter.cmpxchg_current(old, old + 1)) != old;) old = seen;
  token.inc_current();
  return token.xchg_current(0);
#elif STORM_MODE == 1
  add_counter.add_current_raw(3);
  inc_counter.inc_current_raw();
  inc16.inc_current_raw();
  uint64_t old = cas_counter.read_current_raw();
  for (uint64_t seen; (seen = cas_counter.cmpxchg_current_raw(old, old + 1)) != old;) old = seen;
  token.inc_current_raw();
  return token.xchg_current_raw(0);
#else
  add_counter.write_current_raw(add_counter.read_current_raw() + 3);
  inc_counter.write_current_raw(inc_counter.read_current_raw() + 1);
  inc16.write_current_raw(static_cast<uint16_t>(inc16.read_current_raw() + 1));
  const uint64_t old = cas_counter.read_current_raw();  // a compare-and-store in two steps
  if (cas_counter.read_current_raw() == old) cas_counter.write_current_raw(old + 1);
  token.write_current_raw(token.read_current_raw() + 1);
  const uint64_t taken = token.read_current_raw();
  token.write_current_raw(0);
  return taken;
#endif
}

void run_storm(size_t cpu) {
  percpu::init_percpu_reg(cpu);
  cpu_index.write_current_raw(static_cast<uint32_t>(cpu));
  const uint64_t limit = kSeconds * platform::ticks_per_second();
  const uint64_t start = platform::ticks();
  uint64_t n = 0, taken = 0;
  storm::timer_start(cpu, g_period);
  while (irqs.read_current_raw() < kTargetIrqs && platform::ticks() - start < limit) {
    taken += step();
    ++n;
  }
  storm::timer_stop();
  loops.write_current_raw(n);
  main_taken.write_current_raw(taken);
  __atomic_store_n(done.current_ptr(), 1u, __ATOMIC_RELEASE);
}

uint64_t difference(uint64_t expected, uint64_t actual) {
  return expected > actual ? expected - actual : actual - expected;
}

void put_kind(const char* name, uint64_t lost) {
  console::put(" ");
  console::put(name);
  console::put("=");
  console::put_dec(lost);
}

// One line per CPU; adds this CPU's lost updates per kind to lost[5]; returns whether it passed.
bool report_cpu(size_t cpu, uint64_t lost[5]) {
  console::put("cpu ");
  console::put_dec(cpu);
  if (__atomic_load_n(done.remote_ptr(cpu), __ATOMIC_ACQUIRE) == 0) {
    console::put(": FAIL did not finish\n");
    return false;
  }
  const uint64_t taken_irqs = irqs.remote_ref_raw(cpu);
  const uint64_t n = loops.remote_ref_raw(cpu) + taken_irqs;  // steps, interrupted or not
  const uint64_t tokens = main_taken.remote_ref_raw(cpu) + irq_taken.remote_ref_raw(cpu) +
                          token.remote_ref_raw(cpu);
  const uint64_t kind[5] = {
      difference(3 * n, add_counter.remote_ref_raw(cpu)) / 3,
      difference(static_cast<uint32_t>(n), inc_counter.remote_ref_raw(cpu)),
      difference(static_cast<uint16_t>(n), inc16.remote_ref_raw(cpu)),
      difference(n, cas_counter.remote_ref_raw(cpu)),
      difference(n, tokens),
  };
  const char* const names[5] = {"add", "inc", "inc16", "cmpxchg", "xchg"};
  bool exact = true;
  for (int k = 0; k < 5; ++k) {
    lost[k] += kind[k];
    exact = exact && kind[k] == 0;
  }
  const bool enough = taken_irqs >= kMinIrqs;
  console::put(exact ? ": exact" : ": LOST");
  console::put(" irqs=");
  console::put_dec(taken_irqs);
  console::put(" steps=");
  console::put_dec(n);
  console::put(" lost:");
  for (int k = 0; k < 5; ++k) put_kind(names[k], kind[k]);
  if (!enough) console::put(" [too few interrupts: no storm]");
  console::put("\n");
  return exact && enough;
}

}  // namespace

// The handler: the same step as the interrupted loop, on the same CPU's variables.
extern "C" void storm_interrupt(uint64_t cause) {
  const size_t cpu = cpu_index.read_current_raw();
  if (!storm::timer_ack(cpu, cause, g_period)) example_trap(cause, 0, 0);
  irq_taken.add_current_raw(step());
  irqs.add_current_raw(1);
}

extern "C" [[noreturn]] void example_boot_cpu() {
  storm::cpu_setup(0);
  console::put("\npercpu interrupt storm (");
  console::put(STORM_MODE == 0   ? "guarded forms"
               : STORM_MODE == 1 ? "raw forms"
                                 : "raw read + raw write: the split control");
  console::put(") on ");
  console::put(platform::kDescription);
  console::put("\ntimer: ");
  console::put(storm::kTimerDescription);
  console::put("\n");
  const size_t cpus = percpu::init().cpu_count;
  g_period = platform::ticks_per_second() * kPeriodUs / 1000000;
  __atomic_store_n(&example_release_cpus, 1u, __ATOMIC_RELEASE);
  const size_t running = platform::start_secondary_cpus(cpus);
  run_storm(0);
  // Every CPU stops by itself within kSeconds; wait a little longer for the slowest.
  const uint64_t limit = (kSeconds + 10) * platform::ticks_per_second();
  const uint64_t start = platform::ticks();
  for (size_t cpu = 0; cpu < running; ++cpu) {
    while (__atomic_load_n(done.remote_ptr(cpu), __ATOMIC_ACQUIRE) == 0 &&
           platform::ticks() - start < limit) {
    }
  }
  uint64_t lost[5] = {0, 0, 0, 0, 0};
  bool pass = running == cpus;
  for (size_t cpu = 0; cpu < cpus; ++cpu) pass = report_cpu(cpu, lost) && pass;
  uint64_t total = 0;
  console::put("lost updates, all CPUs:");
  for (int k = 0; k < 5; ++k) total += lost[k];
  put_kind("add", lost[0]);
  put_kind("inc", lost[1]);
  put_kind("inc16", lost[2]);
  put_kind("cmpxchg", lost[3]);
  put_kind("xchg", lost[4]);
  console::put("\npercpu storm: ");
  console::put(pass ? "PASS (" : "FAIL (");
  console::put_dec(cpus);
  console::put(" CPUs, ");
  console::put_dec(total);
  console::put(" lost)\n");
  platform::exit(pass ? 0 : 1);
}

extern "C" [[noreturn]] void example_secondary_cpu(size_t cpu) {
  storm::cpu_setup(cpu);
  if (cpu < percpu::percpu_area_num()) run_storm(cpu);
  platform::park();
}

extern "C" [[noreturn]] void example_trap(uint64_t cause, uint64_t pc, uint64_t value) {
  console::put("\ntrap: cause ");
  console::put_hex(cause);
  console::put(" at pc ");
  console::put_hex(pc);
  console::put(", value ");
  console::put_hex(value);
  console::put("\npercpu storm: FAIL (trap)\n");
  platform::exit(3);
}
