// The dynamic half of the example (EXAMPLE_DYNAMIC=ON, docs/examples.md): a per-CPU object
// allocated at run time in the reserve percpu-ldgen --reserve added to every area.
//   boot CPU: dynamic_example::allocate() after percpu::init(), before the others start;
//   every CPU: dynamic_example::run(cpu) increments its copy 1,000,000 times;
//   boot CPU: dynamic_example::report(cpus) checks the remote sums, frees the object, and checks
//             that a new allocation in the same place is initialized on every CPU.
#pragma once

#include <stddef.h>

namespace dynamic_example {

bool allocate();
void run(size_t cpu);
bool report(size_t cpus);

}  // namespace dynamic_example
