// Linked by check_link_fail.cmake with PERCPU_PREEMPT=1 and without the kernel's hooks: the
// link must fail and name percpu_preempt_disable / percpu_preempt_enable.
#include <percpu/percpu.hpp>

struct Pair {
  int a;
  int b;
};
PERCPU_DEFINE(Pair, pair, 1, 2);

int main() {
  return pair.with_current([](Pair& p) { return p.a; });
}
