// percpu/config.hpp - build modes of libpercpu, chosen by preprocessor macros.
//
// Every macro may be set explicitly (the CMake options set the last three); otherwise:
//   PERCPU_KERNEL_MODE  1 iff the compiler is freestanding (__STDC_HOSTED__ == 0). __linux__ is
//                       NOT the signal: the *-linux-gnu cross compilers define it for kernels too.
//   PERCPU_VMA_DELTA    0 (zero model, .percpu linked at VMA 0) in kernel mode, 1 in host mode.
//   PERCPU_SP_NAIVE     0; 1 = single core, per-CPU variables are plain globals, no register.
//   PERCPU_PREEMPT      0; 1 = guarded accesses call the kernel's percpu_preempt_disable/enable.
//   PERCPU_ARM_EL2      0; 1 = AArch64 keeps the area base in TPIDR_EL2 instead of TPIDR_EL1.
//   PERCPU_DEBUG_ASSERT 1 unless NDEBUG: out-of-range CPU ids trap.
#pragma once

#ifndef PERCPU_KERNEL_MODE
#if defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0
#define PERCPU_KERNEL_MODE 1
#else
#define PERCPU_KERNEL_MODE 0
#endif
#endif

#ifndef PERCPU_VMA_DELTA
#if PERCPU_KERNEL_MODE
#define PERCPU_VMA_DELTA 0
#else
#define PERCPU_VMA_DELTA 1
#endif
#endif

#ifndef PERCPU_SP_NAIVE
#define PERCPU_SP_NAIVE 0
#endif

#ifndef PERCPU_PREEMPT
#define PERCPU_PREEMPT 0
#endif

#ifndef PERCPU_ARM_EL2
#define PERCPU_ARM_EL2 0
#endif

#ifndef PERCPU_DEBUG_ASSERT
#ifdef NDEBUG
#define PERCPU_DEBUG_ASSERT 0
#else
#define PERCPU_DEBUG_ASSERT 1
#endif
#endif

// A freestanding assertion: no <cassert>, no printf; a failed check traps at the faulting site,
// which a debugger or the kernel's trap handler reports.
#if PERCPU_DEBUG_ASSERT
#define PERCPU_ASSERT(cond)      \
  do {                           \
    if (__builtin_expect(!(cond), 0)) __builtin_trap(); \
  } while (0)
#else
#define PERCPU_ASSERT(cond) ((void)0)
#endif
