// Accessors whose machine code the codegen tests count (count_instructions*.py: the modes).
#include <percpu/percpu.hpp>
PERCPU_DEFINE(uint64_t, counter, 0);
extern "C" uint64_t percpu_read(void) { return counter.read_current(); }
extern "C" void percpu_write(uint64_t v) { counter.write_current(v); }
extern "C" void percpu_add(uint64_t v) { counter.add_current(v); }
extern "C" void percpu_inc(void) { counter.inc_current(); }
extern "C" uint64_t* percpu_current_ptr(void) { return counter.current_ptr(); }
// A hot variable (PERCPU_DEFINE_HOT): the short sequence where the architecture has one.
PERCPU_DEFINE_HOT(uint64_t, hot_counter, 0);
PERCPU_DEFINE_HOT(uint8_t, hot_flag, 0);
extern "C" uint64_t percpu_hot_read(void) { return hot_counter.read_current(); }
extern "C" void percpu_hot_write(uint64_t v) { hot_counter.write_current(v); }
extern "C" uint8_t percpu_hot_read_u8(void) { return hot_flag.read_current(); }
extern "C" void percpu_hot_write_u8(uint8_t v) { hot_flag.write_current(v); }
extern "C" uint64_t* percpu_hot_current_ptr(void) { return hot_counter.current_ptr(); }
extern "C" void percpu_hot_add(uint64_t v) { hot_counter.add_current(v); }

// Dynamic objects (percpu/dynamic.hpp): the handle arrives in a register, as in a loop.
#include <percpu/dynamic.hpp>
extern "C" uint64_t dyn_read(percpu::DynPerCpu<uint64_t> h) { return h.read_current(); }
extern "C" void dyn_write(percpu::DynPerCpu<uint64_t> h, uint64_t v) { h.write_current(v); }
extern "C" void dyn_add(percpu::DynPerCpu<uint64_t> h, uint64_t v) { h.add_current(v); }
extern "C" void dyn_inc(percpu::DynPerCpu<uint64_t> h) { h.inc_current(); }
