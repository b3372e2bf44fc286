# Test fixture: a fresh install of some components of BUILD_DIR into PREFIX.
#   cmake -DBUILD_DIR=<percpu build> -DPREFIX=<dir> [-DCOMPONENTS=dev|tools] -P install_prefix.cmake
cmake_minimum_required(VERSION 3.20)
foreach(var BUILD_DIR PREFIX)
  if(NOT ${var})
    message(FATAL_ERROR "install_prefix.cmake: -D${var}= is required")
  endif()
endforeach()
if(NOT COMPONENTS)
  set(COMPONENTS "dev|tools")
endif()
string(REPLACE "|" ";" COMPONENTS "${COMPONENTS}")

set(expect_dev lib/cmake/percpu/percpuConfig.cmake lib/pkgconfig/percpu.pc share/percpu/percpu.mk lib/cmake/percpu/PercpuFunctions.cmake
    include/percpu/percpu.hpp include/percpu/arch/riscv.hpp include/percpu/detail/symbols.hpp
    share/percpu/src/runtime.cpp share/percpu/ld/percpu-host.ld
    share/percpu/toolchains/riscv64-elf.cmake)
set(expect_tools bin/percpu-ldgen bin/percpu-check lib/cmake/percpu/percpuToolsTargets.cmake)

file(REMOVE_RECURSE "${PREFIX}")
foreach(component IN LISTS COMPONENTS)
  execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
                          --component ${component}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cmake --install --component ${component} failed: ${rc}")
  endif()
endforeach()
foreach(component dev tools)
  foreach(file IN LISTS expect_${component})
    if(component IN_LIST COMPONENTS AND NOT EXISTS "${PREFIX}/${file}")
      message(FATAL_ERROR "the install prefix lacks ${file} (component ${component})")
    elseif(NOT component IN_LIST COMPONENTS AND EXISTS "${PREFIX}/${file}")
      message(FATAL_ERROR "${file} was installed without its component ${component}")
    endif()
  endforeach()
endforeach()
