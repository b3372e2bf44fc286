// The freestanding test runner: a static Linux program without a C library (raw write/exit
// system calls) that runs every TEST registered by the portable runtime test files, in kernel
// mode, linked with the canonical percpu-ldgen block (harness.ld: zero model; check_harness.py
// derives the delta-model block from it for PERCPU_VMA_DELTA=1 builds).
//
// Zero model: it first does what a boot loader does for a kernel: the ELF loader mapped the
// template at its VMA (0) and not at its load address, so the runner copies it to _percpu_start
// (its LMA), where CPU 0's area and init() expect it.
#include <gtest/gtest.h>
#include <percpu/percpu.hpp>
#include <string.h>

extern "C" {
// Set by bare.ld around the TEST table.
extern const mini_gtest::TestCase __start_percpu_tests[];
extern const mini_gtest::TestCase __stop_percpu_tests[];

// volatile stores: the optimizer must not turn these loops back into calls to themselves.
void* memcpy(
    void* dst, const void* src, size_t n) {
  auto* d = static_cast<volatile unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  for (size_t i = 0; i < n; ++i) d[i] = s[i];
  return dst;
}
void* memset(void* dst, int c,
                                                                            size_t n) {
  auto* d = static_cast<volatile unsigned char*>(dst);
  for (size_t i = 0; i < n; ++i) d[i] = static_cast<unsigned char>(c);
  return dst;
}
int memcmp(const void* a, const void* b, size_t n) {
  const auto* x = static_cast<const unsigned char*>(a);
  const auto* y = static_cast<const unsigned char*>(b);
  for (size_t i = 0; i < n; ++i)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}
int strcmp(const char* a, const char* b) {
  while (*a != 0 && *a == *b) ++a, ++b;
  return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
}
size_t strlen(const char* s) {
  size_t n = 0;
  while (s[n] != 0) ++n;
  return n;
}
}

namespace {

// Linux generic system call numbers (riscv64 and loongarch64 share them).
constexpr long kSysWrite = 64;
constexpr long kSysExitGroup = 94;

[[maybe_unused]] constexpr long kSysMmap = 222;

long syscall6(long nr, long a, long b, long c, long d, long e, long f) {
  register long a0 asm("a0") = a;
  register long a1 asm("a1") = b;
  register long a2 asm("a2") = c;
  register long a3 asm("a3") = d;
  register long a4 asm("a4") = e;
  register long a5 asm("a5") = f;
  register long a7 asm("a7") = nr;
#if defined(__riscv)
  asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7) : "memory");
#elif defined(__loongarch64)
  asm volatile("syscall 0" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
               : "memory", "$t0", "$t1", "$t2", "$t3", "$t4", "$t5", "$t6", "$t7", "$t8");
#else
#error "harness: riscv64 or loongarch64"
#endif
  return a0;
}

long syscall3(long nr, long a, long b, long c) { return syscall6(nr, a, b, c, 0, 0, 0); }

void out(const char* s) { syscall3(kSysWrite, 1, reinterpret_cast<long>(s), static_cast<long>(strlen(s))); }

void out_u64(uint64_t v, bool hex) {
  char buf[24];
  char* p = buf + sizeof(buf) - 1;
  *p = 0;
  const unsigned base = hex ? 16 : 10;
  do {
    *--p = "0123456789abcdef"[v % base];
    v /= base;
  } while (v != 0);
  if (hex) out("0x");
  out(p);
}

[[noreturn]] void exit_group(int code) {
  syscall3(kSysExitGroup, code, 0, 0);
  for (;;) {
  }
}

bool g_current_failed = false;

}  // namespace

namespace mini_gtest {

void report_failure(const char* file, int line, const char* what) {
  g_current_failed = true;
  out(file);
  out(":");
  out_u64(static_cast<uint64_t>(line), false);
  out(": Failure: ");
  out(what);
  out("\n");
}

void print_value(const char* label, uint64_t value) {
  out(label);
  out_u64(value, true);
  out("\n");
}

void mark_current_failed() { g_current_failed = true; }

bool streq(const char* a, const char* b) { return strcmp(a, b) == 0; }

}  // namespace mini_gtest

extern "C" [[noreturn]] void harness_main() {
#if !PERCPU_VMA_DELTA
  // The boot loader's job: the template at its load address (CPU 0's area). A Linux ELF
  // loader maps segments by VMA, so the load address is unmapped: map it (harness.ld puts it on
  // a 64 KiB boundary, followed only by zero-initialized areas and .bss), then copy the
  // template from its VMA (0). The asm hides the null-based pointer from the optimizer.
  constexpr uintptr_t kPage = 64 * 1024;
  const uintptr_t lma = reinterpret_cast<uintptr_t>(_percpu_start);
  const uintptr_t size = static_cast<uintptr_t>(_percpu_load_end - _percpu_load_start);
  const long mapped = syscall6(kSysMmap, static_cast<long>(lma),
                               static_cast<long>((size + kPage - 1) / kPage * kPage),
                               /*PROT_READ|PROT_WRITE*/ 3,
                               /*MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED*/ 0x32, -1, 0);
  if (mapped != static_cast<long>(lma)) {
    out("harness: cannot map the template's load address\n");
    exit_group(2);
  }
  const unsigned char* vma;
  asm("" : "=r"(vma) : "0"(reinterpret_cast<uintptr_t>(_percpu_load_start)));
  memcpy(_percpu_start, vma, static_cast<size_t>(_percpu_load_end - _percpu_load_start));
#endif

  out("[==========] percpu freestanding harness, arch ");
  out(percpu::arch::kName);
  out("\n");
  // Some portable tests rely on GoogleTest's order (definition order within a file); compilers
  // may emit a file's table entries in any order, so sort each file's run by line.
  constexpr size_t kMaxTests = 256;
  const mini_gtest::TestCase* order[kMaxTests];
  size_t count = 0;
  for (const mini_gtest::TestCase* t = __start_percpu_tests; t != __stop_percpu_tests && count < kMaxTests; ++t)
    order[count++] = t;
  for (size_t i = 1; i < count; ++i) {
    for (size_t j = i; j > 0 && strcmp(order[j - 1]->file, order[j]->file) == 0 &&
                       order[j - 1]->line > order[j]->line;
         --j) {
      const mini_gtest::TestCase* tmp = order[j - 1];
      order[j - 1] = order[j];
      order[j] = tmp;
    }
  }
  int passed = 0, failed = 0;
  for (size_t i = 0; i < count; ++i) {
    const mini_gtest::TestCase* t = order[i];
    g_current_failed = false;
    out("[ RUN      ] ");
    out(t->suite);
    out(".");
    out(t->name);
    out("\n");
    t->run();
    out(g_current_failed ? "[  FAILED  ] " : "[       OK ] ");
    out(t->suite);
    out(".");
    out(t->name);
    out("\n");
    (g_current_failed ? failed : passed)++;
  }
  out("[==========] ");
  out_u64(static_cast<uint64_t>(passed + failed), false);
  out(" tests ran.\n[  PASSED  ] ");
  out_u64(static_cast<uint64_t>(passed), false);
  out(" tests.\n");
  if (failed != 0 || passed == 0) {
    out("[  FAILED  ] ");
    out_u64(static_cast<uint64_t>(failed), false);
    out(" tests.\n");
  }
  exit_group(failed != 0 || passed == 0 ? 1 : 0);
}

// Entry: Linux starts the program with a valid, 16-byte aligned stack.
asm(".pushsection .text.boot, \"ax\"\n"
    ".globl _start\n"
    "_start:\n"
#if defined(__riscv)
    "  call harness_main\n"
#else
    "  bl harness_main\n"
#endif
    ".popsection\n");
