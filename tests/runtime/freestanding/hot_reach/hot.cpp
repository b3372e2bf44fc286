// Two translation units of the hot-reach link test (check_hot_reach.py), chosen by PART:
//   PART_BLOCK  a hot variable of HOT_BLOCK bytes, linked first: it fills the hot part's front
//   PART_LAST   a hot u64 right after it (offset HOT_BLOCK) and the accessors whose linked
//               immediates the test reads back
#include <percpu/percpu.hpp>

#if defined(PART_BLOCK)
struct Block {
  uint8_t bytes[HOT_BLOCK];
};
PERCPU_DEFINE_HOT(Block, hot_block, {});
extern "C" void _start() {
  for (;;) {
  }
}
#elif defined(PART_LAST)
PERCPU_DEFINE_HOT(uint64_t, hot_last, 0);
// A second hot declaration in the same unit: the unit still records the hot reach only once.
PERCPU_DECLARE_HOT(uint64_t, hot_declared_elsewhere);
PERCPU_DEFINE(uint64_t, cold, 0);
extern "C" uint64_t read_last() { return hot_last.read_current(); }
extern "C" void write_last(uint64_t v) { hot_last.write_current(v); }
extern "C" uint64_t read_cold() { return cold.read_current(); }
#else
#error "define PART_BLOCK or PART_LAST"
#endif
