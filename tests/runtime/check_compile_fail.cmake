# Runs the C++ compiler on compile_fail/initializer.cpp twice:
#   control: the constant initializer must compile;
#   bad:     the non-constant initializer must fail, and the diagnostics must say why:
#            clang "constexpr variable 'bad_counter_percpu_initializer_must_be_a_constant_expression'
#            must be initialized by a constant expression", g++ "'constinit' variable
#            'percpu_storage::bad_counter' does not have a constant initializer".
# Arguments: -DCXX=<compiler> -DINCLUDE=<libpercpu/include> -DSOURCE=<initializer.cpp>
foreach(var CXX INCLUDE SOURCE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_compile_fail.cmake: ${var} not set")
  endif()
endforeach()

set(base_args -std=c++17 -fsyntax-only -I${INCLUDE} ${SOURCE})

execute_process(COMMAND ${CXX} ${base_args} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "control: a constant initializer failed to compile:\n${out}")
endif()

execute_process(COMMAND ${CXX} ${base_args} -DPERCPU_TEST_BAD_INITIALIZER
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "a non-constant initializer compiled")
endif()
if(NOT out MATCHES "bad_counter")
  message(FATAL_ERROR "the diagnostics do not name the variable:\n${out}")
endif()
if(NOT out MATCHES "must be initialized by a constant expression|does not have a constant initializer")
  message(FATAL_ERROR "the diagnostics do not say the initializer is not constant:\n${out}")
endif()
message(STATUS "non-constant initializer rejected:\n${out}")
