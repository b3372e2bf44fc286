// Accessors whose machine code the codegen test counts: kernel mode, zero model, -O2.
#include <percpu/percpu.hpp>
PERCPU_DEFINE(uint64_t, counter, 0);
extern "C" uint64_t percpu_read(void) { return counter.read_current(); }
extern "C" void percpu_write(uint64_t v) { counter.write_current(v); }
extern "C" void percpu_add(uint64_t v) { counter.add_current(v); }
extern "C" void percpu_inc(void) { counter.inc_current(); }
extern "C" uint64_t* percpu_current_ptr(void) { return counter.current_ptr(); }

// Dynamic objects (percpu/dynamic.hpp): the handle arrives in a register, as in a loop.
#include <percpu/dynamic.hpp>
extern "C" uint64_t dyn_read(percpu::DynPerCpu<uint64_t> h) { return h.read_current(); }
extern "C" void dyn_write(percpu::DynPerCpu<uint64_t> h, uint64_t v) { h.write_current(v); }
extern "C" void dyn_add(percpu::DynPerCpu<uint64_t> h, uint64_t v) { h.add_current(v); }
extern "C" void dyn_inc(percpu::DynPerCpu<uint64_t> h) { h.inc_current(); }
