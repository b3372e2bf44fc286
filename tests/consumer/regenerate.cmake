# percpu_generate_linker_script's dependencies, in a real incremental build of kernel/:
#   1. a second build with nothing changed does nothing (no spurious ldgen run, no relink);
#   2. an edit of the input script re-runs percpu-ldgen, relinks, and re-runs percpu-check;
#   3. a newer percpu-ldgen (the imported tool's file) re-runs percpu-ldgen.
#   cmake -DSOURCE=<kernel project> -DBINARY=<dir> -DPREFIX=<prefix> -DTOOLCHAIN=<file> -P regenerate.cmake
cmake_minimum_required(VERSION 3.20)
foreach(var SOURCE BINARY PREFIX TOOLCHAIN)
  if(NOT ${var})
    message(FATAL_ERROR "regenerate.cmake: -D${var}= is required")
  endif()
endforeach()

file(REMOVE_RECURSE "${BINARY}")
set(script "${BINARY}/input/kernel.ld")
configure_file("${SOURCE}/kernel-x86_64.ld" "${script}" COPYONLY)

function(build label out_var)
  execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BINARY}/build" -- -j1 -d explain
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  message("--- ${label}\n${out}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "regenerate: ${label} failed (${rc})")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

execute_process(COMMAND "${CMAKE_COMMAND}" -S "${SOURCE}" -B "${BINARY}/build" -G Ninja
                        "-DCMAKE_PREFIX_PATH=${PREFIX}" "-DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN}"
                        "-DCONSUMER_SCRIPT=${script}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "regenerate: configure failed (${rc})\n${out}")
endif()
build("first build" out)

build("second build, nothing changed" out)
if(NOT out MATCHES "no work to do")
  message(FATAL_ERROR "regenerate: a build with nothing changed did work")
endif()

# Move the kernel to 2 MiB: the generated script, the ELF and the report must follow.
file(READ "${script}" text)
string(REPLACE ". = 0x100000;" ". = 0x200000;" edited "${text}")
if(edited STREQUAL text)
  message(FATAL_ERROR "regenerate: kernel-x86_64.ld no longer has '. = 0x100000;'")
endif()
file(WRITE "${script}" "${edited}")
build("third build, input script edited" out)
if(NOT out MATCHES "percpu-ldgen: kernel.percpu.ld" OR NOT out MATCHES "Linking CXX executable kernel.elf")
  message(FATAL_ERROR "regenerate: editing the input script did not re-run percpu-ldgen and the link")
endif()
file(READ "${BINARY}/build/kernel.percpu.ld" generated)
file(READ "${BINARY}/build/kernel.check.text" report)
if(NOT generated MATCHES "\\. = 0x200000;" OR NOT report MATCHES "areas +4 CPUs, stride 0x[0-9a-f]+, \\[0x20[0-9a-f][0-9a-f][0-9a-f][0-9a-f]+,")
  message(FATAL_ERROR "regenerate: the generated script or the percpu-check report is stale:\n${report}")
endif()

# A new percpu-ldgen (here: the same file, newer) must regenerate the script.
file(TOUCH "${PREFIX}/bin/percpu-ldgen")
build("fourth build, percpu-ldgen updated" out)
if(NOT out MATCHES "percpu-ldgen: kernel.percpu.ld")
  message(FATAL_ERROR "regenerate: a newer percpu-ldgen did not re-run it")
endif()
