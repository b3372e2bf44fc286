// percpu/preempt.hpp - the preemption guard taken by guarded (non-raw) accesses.
//
// With PERCPU_PREEMPT=1 the kernel supplies the two hooks below (C linkage, so any language can
// provide them). A kernel that forgets them gets a link error naming exactly these functions.
// Without PERCPU_PREEMPT the guard is empty and compiles to nothing.
#pragma once

#include "percpu/config.hpp"

#if PERCPU_PREEMPT
extern "C" void percpu_preempt_disable(void);
extern "C" void percpu_preempt_enable(void);
#endif

namespace percpu {

class PreemptGuard {
 public:
#if PERCPU_PREEMPT
  PreemptGuard() noexcept { percpu_preempt_disable(); }
  ~PreemptGuard() { percpu_preempt_enable(); }
#else
  PreemptGuard() noexcept {}
  ~PreemptGuard() {}
#endif
  PreemptGuard(const PreemptGuard&) = delete;
  PreemptGuard& operator=(const PreemptGuard&) = delete;
};

}  // namespace percpu
