// x86_add_forms: ns per `addq $1, <memory>` for the five addressing forms of issue 13, one
// dependent loop each (every add reads the value the previous one wrote), on this CPU.
//
//   rip         addq $1, var(%rip)          an ordinary global, PC-relative
//   gs_rip      addq $1, %gs:var(%rip)      what libpercpu's delta model emitted before issue 13
//   gs_abs      addq $1, %gs:var            absolute disp32 (non-PIE code, the zero model)
//   gs_reg      addq $1, %gs:(%rax)         register-based (PIE code: lea var(%rip), %rax once)
//   fs_tpoff    addq $1, %fs:tl@tpoff       a thread_local (initial-exec TLS)
//
// Why: on the Intel Xeon of the issue, every RIP-relative memory add ran at ~1.95 ns while the
// other forms ran at ~0.26 ns, apparently because the CPU's memory renaming (store-to-load
// forwarding at zero latency) does not serve RIP-relative addresses. This program shows whether
// a CPU does that. Built -fno-pie (the absolute form needs it). Prints one table with the CPU
// model from /proc/cpuinfo; each figure is the fastest of --reps repetitions (thread CPU time).
//
// Usage: x86_add_forms [--iterations N] [--reps R]      defaults 200000000 and 5
#include <asm/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

// The thread_local of the fs_tpoff loop, under a plain assembler name for `tl@tpoff`.
thread_local uint64_t tl_var asm("x86_add_forms_tl") __attribute__((tls_model("initial-exec")));

namespace {

// The variable every %gs form adds to. GS base = area - &gs_var, so that both %gs:var and
// %gs:var(%rip) (and %gs:(&var)) land in `area` (heap memory above the data, so the base is a
// canonical user address), as they do for libpercpu's delta model.
uint64_t gs_var;
uint64_t plain_var;

// Each loop: n dependent adds and the loop counter (dec + jnz, fused on every recent x86).
void loop_rip(uint64_t n) {
  asm volatile("1: addq $1, %[v]\n\tdec %[n]\n\tjnz 1b" : [n] "+r"(n), [v] "+m"(plain_var) :: "cc");
}
void loop_gs_rip(uint64_t n) {
  asm volatile("1: addq $1, %%gs:%[v]\n\tdec %[n]\n\tjnz 1b" : [n] "+r"(n) : [v] "m"(gs_var) : "cc", "memory");
}
void loop_gs_abs(uint64_t n) {
  asm volatile("1: addq $1, %%gs:%c[v]\n\tdec %[n]\n\tjnz 1b" : [n] "+r"(n) : [v] "i"(&gs_var) : "cc", "memory");
}
void loop_gs_reg(uint64_t n) {
  asm volatile("1: addq $1, %%gs:(%[p])\n\tdec %[n]\n\tjnz 1b" : [n] "+r"(n) : [p] "r"(&gs_var) : "cc", "memory");
}
void loop_fs_tpoff(uint64_t n) {
  asm volatile("1: addq $1, %%fs:x86_add_forms_tl@tpoff\n\tdec %[n]\n\tjnz 1b" : [n] "+r"(n) :: "cc", "memory");
}

double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string cpu_model() {
  FILE* f = std::fopen("/proc/cpuinfo", "r");
  if (f == nullptr) return "unknown CPU";
  char line[512];
  std::string model = "unknown CPU";
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::strncmp(line, "model name", 10) == 0) {
      const char* colon = std::strchr(line, ':');
      if (colon != nullptr) model = colon + 2;
      while (!model.empty() && (model.back() == '\n' || model.back() == ' ')) model.pop_back();
      break;
    }
  }
  std::fclose(f);
  return model;
}

uint64_t parse_count(const char* text, const char* option) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0' || v == 0) {
    std::fprintf(stderr, "x86_add_forms: %s needs a positive integer, got '%s'\n", option, text);
    std::exit(2);
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t iterations = 200000000, reps = 5;
  for (int i = 1; i < argc; ++i) {
    if (i + 1 < argc && std::strcmp(argv[i], "--iterations") == 0) {
      iterations = parse_count(argv[++i], "--iterations");
    } else if (i + 1 < argc && std::strcmp(argv[i], "--reps") == 0) {
      reps = parse_count(argv[++i], "--reps");
    } else {
      std::fprintf(stderr, "usage: x86_add_forms [--iterations N] [--reps R]\n");
      return 2;
    }
  }
  auto* area = static_cast<uint64_t*>(std::aligned_alloc(64, 64));
  if (area == nullptr) return 1;
  *area = 0;
  const uintptr_t gs_base = reinterpret_cast<uintptr_t>(area) - reinterpret_cast<uintptr_t>(&gs_var);
  if (syscall(SYS_arch_prctl, ARCH_SET_GS, gs_base) != 0) {
    std::perror("x86_add_forms: arch_prctl(ARCH_SET_GS)");
    return 1;
  }
  const struct {
    const char* form;
    const char* insn;
    void (*loop)(uint64_t);
  } forms[] = {
      {"rip", "addq $1, var(%rip)", loop_rip},
      {"gs_rip", "addq $1, %gs:var(%rip)", loop_gs_rip},
      {"gs_abs", "addq $1, %gs:var (absolute)", loop_gs_abs},
      {"gs_reg", "addq $1, %gs:(%rax) (register)", loop_gs_reg},
      {"fs_tpoff", "addq $1, %fs:tl@tpoff", loop_fs_tpoff},
  };
  std::printf("CPU: %s\n", cpu_model().c_str());
  std::printf("| form | ns per add |\n| --- | --- |\n");
  for (const auto& f : forms) {
    double best = 1e300;
    for (uint64_t r = 0; r < reps; ++r) {
      const double t0 = thread_seconds();
      f.loop(iterations);
      const double t = thread_seconds() - t0;
      if (t < best) best = t;
    }
    std::printf("| `%s` | %.3f |\n", f.insn, best * 1e9 / static_cast<double>(iterations));
  }
  // Every loop really added to its own variable (a wrong GS base would have crashed or missed).
  const uint64_t expected = iterations * reps;
  if (area[0] != 3 * expected || plain_var != expected || tl_var != expected) {
    std::fprintf(stderr, "x86_add_forms: wrong sums (%llu %llu %llu, expected %llu)\n",
                 static_cast<unsigned long long>(area[0]), static_cast<unsigned long long>(plain_var),
                 static_cast<unsigned long long>(tl_var), static_cast<unsigned long long>(expected));
    return 1;
  }
  return 0;
}
