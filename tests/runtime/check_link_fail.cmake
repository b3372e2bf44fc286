# Links compile_fail/missing_preempt_hooks.cpp in single-core mode (no linker script needed)
# with PERCPU_PREEMPT=1 and no hooks: the link must fail with both hook names in the message.
# Then links it again with a file that provides the hooks: that must succeed (the control).
# Arguments: -DCXX=<compiler> -DINCLUDE=<libpercpu/include> -DSOURCE=<cpp> -DWORKDIR=<dir>
foreach(var CXX INCLUDE SOURCE WORKDIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_link_fail.cmake: ${var} not set")
  endif()
endforeach()
file(MAKE_DIRECTORY ${WORKDIR})
set(args -std=c++17 -DPERCPU_PREEMPT=1 -DPERCPU_SP_NAIVE=1 -I${INCLUDE} ${SOURCE})

execute_process(COMMAND ${CXX} ${args} -o ${WORKDIR}/missing_hooks
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "a PERCPU_PREEMPT program without the hooks linked")
endif()
if(NOT out MATCHES "percpu_preempt_disable" OR NOT out MATCHES "percpu_preempt_enable")
  message(FATAL_ERROR "the link error does not name the hooks:\n${out}")
endif()

file(WRITE ${WORKDIR}/hooks.cpp
     "extern \"C\" void percpu_preempt_disable(void) {}\nextern \"C\" void percpu_preempt_enable(void) {}\n")
execute_process(COMMAND ${CXX} ${args} ${WORKDIR}/hooks.cpp -o ${WORKDIR}/with_hooks
                RESULT_VARIABLE rc OUTPUT_VARIABLE out2 ERROR_VARIABLE out2)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "control: the program with hooks failed to link:\n${out2}")
endif()
message(STATUS "missing hooks rejected:\n${out}")
