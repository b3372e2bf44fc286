# PERCPU_TEST_CPUS=<text> cmake -P cpus_in_cmake.cmake: PercpuFunctions.cmake's CPUS check on one
# value (an environment variable: -D would strip trailing blanks).
include("${CMAKE_CURRENT_LIST_DIR}/../../cmake/PercpuFunctions.cmake")
_percpu_require_cpus(percpu_check "$ENV{PERCPU_TEST_CPUS}")
message(STATUS "accepted $ENV{PERCPU_TEST_CPUS}")
