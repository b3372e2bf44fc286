// Guarded read-modify-writes whose machine code the atomic codegen test inspects: kernel mode,
// zero model, -O2 (count_atomics.py).
#include <percpu/percpu.hpp>
PERCPU_DEFINE(uint64_t, counter, 0);
PERCPU_DEFINE(uint32_t, counter32, 0);
PERCPU_DEFINE(uint16_t, counter16, 0);
extern "C" void percpu_add(uint64_t v) { counter.add_current(v); }
extern "C" void percpu_add32(uint32_t v) { counter32.add_current(v); }
extern "C" void percpu_add16(uint16_t v) { counter16.add_current(v); }
extern "C" uint64_t percpu_xchg(uint64_t v) { return counter.xchg_current(v); }
extern "C" uint64_t percpu_cmpxchg(uint64_t e, uint64_t d) { return counter.cmpxchg_current(e, d); }
extern "C" void percpu_add_raw(uint64_t v) { counter.add_current_raw(v); }
