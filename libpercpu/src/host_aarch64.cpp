// Host mode on AArch64 Linux: EL0 cannot read TPIDR_EL1, and TPIDR_EL0 is glibc's TLS pointer,
// so each thread's "register" is this initial-exec thread-local word (one TPIDR_EL0-relative
// load away; docs/runtime.md gives the cost). Empty in kernel mode and PERCPU_SP_NAIVE builds.
#include "percpu/config.hpp"

#if !PERCPU_KERNEL_MODE && !PERCPU_SP_NAIVE && defined(__aarch64__)
#include "percpu/percpu.hpp"

namespace percpu::detail {
__thread uintptr_t host_register __attribute__((tls_model("initial-exec"))) = 0;
}  // namespace percpu::detail
#endif
