// Compiled twice by check_compile_fail.cmake: with PERCPU_TEST_BAD_INITIALIZER it must fail
// with a message about a constant expression; without it, it must compile (the control).
#include <percpu/percpu.hpp>

int runtime_value();

#ifdef PERCPU_TEST_BAD_INITIALIZER
PERCPU_DEFINE(int, bad_counter, runtime_value());
#else
PERCPU_DEFINE(int, good_counter, 3 * 7);
#endif
