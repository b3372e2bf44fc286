# ldgen.cmake_preprocess: configures and builds the project in this directory twice, with and
# without PREPROCESS (-DSOURCE, -DBINARY, -DLDGEN, -DCHECK, -DPERCPU_SOURCE_DIR). It works on a
# copy in BINARY: the test edits a header.
file(REMOVE_RECURSE "${BINARY}")
file(COPY "${SOURCE}/" DESTINATION "${BINARY}/src")
set(SOURCE "${BINARY}/src")

function(build name expect)
  set(dir "${BINARY}/${name}")
  file(REMOVE_RECURSE "${dir}")
  execute_process(COMMAND "${CMAKE_COMMAND}" -S "${SOURCE}" -B "${dir}" -G Ninja ${ARGN}
                          "-DPERCPU_SOURCE_DIR=${PERCPU_SOURCE_DIR}" "-DPERCPU_LDGEN_EXECUTABLE=${LDGEN}"
                          "-DPERCPU_CHECK_EXECUTABLE=${CHECK}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "configure ${name} failed:\n${out}")
  endif()
  execute_process(COMMAND "${CMAKE_COMMAND}" --build "${dir}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(expect STREQUAL "ok" AND NOT rc EQUAL 0)
    message(FATAL_ERROR "build ${name} failed:\n${out}")
  elseif(expect STREQUAL "fail" AND rc EQUAL 0)
    message(FATAL_ERROR "build ${name} succeeded, but it links an unexpanded template:\n${out}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

build(preprocess ok)
file(READ "${BINARY}/preprocess/kernel.percpu.ld" script)
foreach(expected "/* percpu-ldgen: begin cpus=4 vma=zero */" ". = 0x200000;" "*(.trace .trace.*)")
  string(FIND "${script}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "kernel.percpu.ld lacks '${expected}':\n${script}")
  endif()
endforeach()
if(script MATCHES "#include|KERNEL_BASE")
  message(FATAL_ERROR "kernel.percpu.ld was not preprocessed:\n${script}")
endif()
if(NOT output MATCHES "OK: [0-9]+ passed, 0 failed")
  message(FATAL_ERROR "percpu-check did not run:\n${output}")
endif()
# A header edit re-runs the preprocessor and ldgen (the depfile).
file(APPEND "${SOURCE}/include/layout.h" "#define UNUSED_AFTER_EDIT 1\n")
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BINARY}/preprocess" RESULT_VARIABLE rc OUTPUT_VARIABLE again
                ERROR_VARIABLE again)
if(NOT rc EQUAL 0 OR NOT again MATCHES "percpu-ldgen: kernel.percpu.ld")
  message(FATAL_ERROR "editing layout.h did not regenerate the script:\n${again}")
endif()

# The control: without PREPROCESS the linker gets the template's '#' lines and the build fails.
build(no_preprocess fail -DCONSUMER_NO_PREPROCESS=ON)
if(NOT output MATCHES "TRACE_SECTIONS|KERNEL_BASE")
  message(FATAL_ERROR "the control failed for another reason:\n${output}")
endif()
message(STATUS "ldgen.cmake_preprocess: PREPROCESS expands the template; without it the link fails")
