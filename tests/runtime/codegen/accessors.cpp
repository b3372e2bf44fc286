// Accessors whose machine code the codegen test counts: kernel mode, zero model, -O2.
#include <percpu/percpu.hpp>
PERCPU_DEFINE(uint64_t, counter, 0);
extern "C" uint64_t percpu_read(void) { return counter.read_current(); }
extern "C" void percpu_write(uint64_t v) { counter.write_current(v); }
extern "C" void percpu_add(uint64_t v) { counter.add_current(v); }
extern "C" void percpu_inc(void) { counter.inc_current(); }
extern "C" uint64_t* percpu_current_ptr(void) { return counter.current_ptr(); }
