// Host mode on x86_64 Linux: GS_BASE through arch_prctl. glibc uses FS for TLS and leaves GS
// free; the kernel saves and restores GS_BASE per thread, so each thread can select an area.
// Empty in kernel mode, on other architectures and in PERCPU_SP_NAIVE builds.
#include "percpu/config.hpp"

#if !PERCPU_KERNEL_MODE && !PERCPU_SP_NAIVE && defined(__x86_64__)
#include <asm/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
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

// Linux 5.9+ on a CPU with FSGSBASE lets user space run rdgsbase/wrgsbase (and keeps the value
// across context switches); the kernel says so with HWCAP2_FSGSBASE. About a nanosecond instead
// of a few hundred for the system call. -1 = not probed yet.
constexpr unsigned long kHwcap2Fsgsbase = 1ul << 1;
int g_use_fsgsbase = -1;

bool use_fsgsbase() {
  int use = __atomic_load_n(&g_use_fsgsbase, __ATOMIC_RELAXED);
  if (use < 0) {
    use = (getauxval(AT_HWCAP2) & kHwcap2Fsgsbase) != 0 ? 1 : 0;
    __atomic_store_n(&g_use_fsgsbase, use, __ATOMIC_RELAXED);
  }
  return use == 1;
}

}  // namespace

void host_set_gs_base(uintptr_t value) noexcept {
  if (use_fsgsbase()) {
    asm volatile("wrgsbase %0" ::"r"(value) : "memory");
    return;
  }
  const long ret = arch_prctl(ARCH_SET_GS, value);
  if (ret != 0) fail("ARCH_SET_GS", ret);
}

uintptr_t host_get_gs_base() noexcept {
  uintptr_t value = 0;
  if (use_fsgsbase()) {
    asm volatile("rdgsbase %0" : "=r"(value));
    return value;
  }
  const long ret = arch_prctl(ARCH_GET_GS, reinterpret_cast<uintptr_t>(&value));
  if (ret != 0) fail("ARCH_GET_GS", ret);
  return value;
}

bool host_gs_uses_fsgsbase() noexcept { return use_fsgsbase(); }

void host_set_gs_method(bool fsgsbase) noexcept {
  const bool available = (getauxval(AT_HWCAP2) & kHwcap2Fsgsbase) != 0;
  __atomic_store_n(&g_use_fsgsbase, fsgsbase && available ? 1 : 0, __ATOMIC_RELAXED);
}

}  // namespace percpu::detail

#endif  // host x86_64
