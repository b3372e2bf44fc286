// Linked FIRST, so its 70,000-byte per-CPU array pushes every later variable past 64 KiB.
#include <percpu/percpu.hpp>
struct Big {
  uint8_t bytes[70000];
};
PERCPU_DEFINE(Big, reach_big, {1});
