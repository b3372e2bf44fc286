# The POST_BUILD step of percpu_check() (PercpuFunctions.cmake), run as
#   cmake -DPERCPU_CHECK=<tool> -DELF=<file> -DARGS=<a|b|...> [-DREPORT=<file>] -P PercpuCheckStep.cmake
# Runs percpu-check on ELF. Exit 0: done. Otherwise the build fails with the checker's exit code
# and meaning, and ELF is moved to ELF.rejected: a rejected kernel is never left where a boot
# script would pick it up, and the next build links and checks it again. With REPORT the checker's
# standard output is also written there (temp file + rename, also when the check fails).
cmake_minimum_required(VERSION 3.20)

foreach(var PERCPU_CHECK ELF)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "PercpuCheckStep.cmake: -D${var}=... is required")
  endif()
endforeach()
string(REPLACE "|" ";" _args "${ARGS}")

if(REPORT)
  set(_tmp "${REPORT}.tmp")
  execute_process(COMMAND "${PERCPU_CHECK}" "${ELF}" ${_args}
                  OUTPUT_FILE "${_tmp}" RESULT_VARIABLE _rc)
  file(READ "${_tmp}" _text)
  file(RENAME "${_tmp}" "${REPORT}")
  # The report also goes to the build log, where a failure is read first.
  execute_process(COMMAND "${CMAKE_COMMAND}" -E echo_append "${_text}")
else()
  execute_process(COMMAND "${PERCPU_CHECK}" "${ELF}" ${_args} RESULT_VARIABLE _rc)
endif()

if(_rc STREQUAL "0")
  return()
endif()
if(_rc STREQUAL "1")
  set(_why "a layout rule failed")
elseif(_rc STREQUAL "2")
  set(_why "the ELF file could not be read")
elseif(_rc STREQUAL "64")
  set(_why "usage error (percpu_check arguments)")
else()
  set(_why "the checker did not finish: ${_rc}")
endif()
set(_where "")
if(EXISTS "${ELF}")
  file(REMOVE "${ELF}.rejected")
  file(RENAME "${ELF}" "${ELF}.rejected")
  set(_where "; the file was moved to ${ELF}.rejected")
endif()
# The leading space keeps CMake from wrapping the line.
message(FATAL_ERROR " percpu-check failed on ${ELF} (exit ${_rc}: ${_why})${_where}")
