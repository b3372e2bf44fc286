// Host mode on x86_64 Linux: GS_BASE through arch_prctl. glibc uses FS for TLS and leaves GS
// free; the kernel saves and restores GS_BASE per thread, so each thread can select an area.
// Empty in kernel mode, on other architectures and in PERCPU_SP_NAIVE builds.
#include "percpu/config.hpp"

#if !PERCPU_KERNEL_MODE && !PERCPU_SP_NAIVE && defined(__x86_64__)
#include <asm/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "percpu/percpu.hpp"

namespace percpu::detail {
namespace {

// The raw syscall: the kernel clobbers rcx (return address) and r11 (flags) and returns -errno
// in rax. Nothing else may be assumed preserved beyond the ABI of the syscall instruction.
long arch_prctl(long code, uintptr_t arg) {
  long ret;
  asm volatile("syscall"
               : "=a"(ret)
               : "a"(static_cast<long>(SYS_arch_prctl)), "D"(code), "S"(arg)
               : "rcx", "r11", "memory");
  return ret;
}

[[noreturn]] void fail(const char* what, long ret) {
  fprintf(stderr, "percpu: arch_prctl(%s) failed: error %ld\n", what, -ret);
  abort();
}

}  // namespace

void host_set_gs_base(uintptr_t value) noexcept {
  const long ret = arch_prctl(ARCH_SET_GS, value);
  if (ret != 0) fail("ARCH_SET_GS", ret);
}

uintptr_t host_get_gs_base() noexcept {
  uintptr_t value = 0;
  const long ret = arch_prctl(ARCH_GET_GS, reinterpret_cast<uintptr_t>(&value));
  if (ret != 0) fail("ARCH_GET_GS", ret);
  return value;
}

}  // namespace percpu::detail

#endif  // host x86_64
