# Test fixture: a fresh install of the components dev and tools of BUILD_DIR into PREFIX.
#   cmake -DBUILD_DIR=<percpu build> -DPREFIX=<dir> -P install_prefix.cmake
foreach(var BUILD_DIR PREFIX)
  if(NOT ${var})
    message(FATAL_ERROR "install_prefix.cmake: -D${var}= is required")
  endif()
endforeach()
file(REMOVE_RECURSE "${PREFIX}")
foreach(component dev tools)
  execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
                          --component ${component}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cmake --install --component ${component} failed: ${rc}")
  endif()
endforeach()
foreach(file bin/percpu-ldgen bin/percpu-check lib/cmake/percpu/percpuConfig.cmake
             include/percpu/percpu.hpp share/percpu/src/runtime.cpp share/percpu/ld/percpu-host.ld)
  if(NOT EXISTS "${PREFIX}/${file}")
    message(FATAL_ERROR "the install prefix lacks ${file}")
  endif()
endforeach()
