// A variable whose offset is above 64 KiB (big.cpp comes first in .percpu): the default
// AArch64 sequence (movz #:abs_g0:) cannot encode it and the LINKER must say so.
#include <percpu/percpu.hpp>
PERCPU_DEFINE(uint64_t, reach_far, 5);
extern "C" uint64_t read_far(void) { return reach_far.read_current(); }
extern "C" void write_far(uint64_t v) { reach_far.write_current(v); }
extern "C" uint64_t far_offset(void) { return reach_far.offset(); }
extern "C" [[noreturn]] void _start() {
  write_far(read_far() + far_offset());
  for (;;) {
  }
}
