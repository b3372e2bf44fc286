# Shared by the example kernels' projects (examples/kernels/<arch>/CMakeLists.txt), which are
# configured with a bare-metal toolchain file (cmake/toolchains/<arch>-elf.cmake).
#
# percpu comes from an installed package when find_package finds one (-DCMAKE_PREFIX_PATH=<prefix>),
# otherwise from this source tree through add_subdirectory(); in both cases the cross build runs
# the HOST tools: the package's, or PERCPU_LDGEN_EXECUTABLE / PERCPU_CHECK_EXECUTABLE.
#
#   example_kernel(<target>)  adds the shared per-CPU checks, the runtime (percpu::kernel_runtime),
#                             EXAMPLE_CPUS and the flags, and names the image <target>.elf.
#                             EXAMPLE_DYNAMIC=ON adds the dynamic example and percpu::kernel_dynamic;
#                             the arch projects pass RESERVE ${EXAMPLE_RESERVE} to percpu-ldgen.
#   example_storm_kernels(<script> <sources>...)  adds the interrupt-storm kernels storm.elf
#                             (guarded forms), storm_raw.elf (the _raw forms) and storm_split.elf
#                             (raw read + raw write), built from common/storm.cpp and the arch's
#                             storm sources, linked with <script> (not built by default:
#                             `--target storm storm_raw storm_split`).
include_guard(GLOBAL)

set(EXAMPLE_CPUS 4 CACHE STRING "CPUs the kernel reserves per-CPU areas for (boot it with -smp EXAMPLE_CPUS)")
option(EXAMPLE_DYNAMIC "Also run the dynamic per-CPU example (percpu/dynamic.hpp) in an EXAMPLE_RESERVE reserve" OFF)
set(EXAMPLE_RESERVE 0 CACHE STRING "percpu-ldgen --reserve of the kernel (EXAMPLE_DYNAMIC=ON: 4K unless set)")
if(EXAMPLE_DYNAMIC AND EXAMPLE_RESERVE STREQUAL "0")
  set(EXAMPLE_RESERVE 4K)
endif()
set(EXAMPLE_COMMON_DIR "${CMAKE_CURRENT_LIST_DIR}")

if(NOT TARGET percpu::kernel_runtime)
  find_package(percpu 0.1 CONFIG QUIET)
  if(percpu_FOUND)
    message(STATUS "percpu: the installed package (${percpu_DIR})")
  else()
    get_filename_component(_example_percpu_root "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
    message(STATUS "percpu: the source tree ${_example_percpu_root}")
    # EXCLUDE_FROM_ALL: only what the kernel links is built (percpu::kernel_runtime compiles the
    # runtime inside the kernel target, with the kernel's flags).
    add_subdirectory("${_example_percpu_root}" percpu EXCLUDE_FROM_ALL)
  endif()
endif()

function(example_kernel target)
  target_sources(${target} PRIVATE "${EXAMPLE_COMMON_DIR}/example.cpp")
  _example_kernel_common(${target})
endfunction()

function(example_storm_kernels script)
  set(mode 0)
  foreach(target storm storm_raw storm_split)
    add_executable(${target} EXCLUDE_FROM_ALL ${ARGN} "${EXAMPLE_COMMON_DIR}/storm.cpp")
    _example_kernel_common(${target})
    target_compile_definitions(${target} PRIVATE STORM_MODE=${mode})
    math(EXPR mode "${mode} + 1")
  endforeach()
  percpu_generate_linker_script(OUT storm.percpu.ld SCRIPT ${script} CPUS ${EXAMPLE_CPUS}
                                TARGET storm storm_raw storm_split)
endfunction()

function(_example_kernel_common target)
  target_sources(${target} PRIVATE
    "${EXAMPLE_COMMON_DIR}/console.cpp"
    "${EXAMPLE_COMMON_DIR}/freestanding.cpp")
  target_link_libraries(${target} PRIVATE percpu::kernel_runtime)
  if(EXAMPLE_DYNAMIC)
    target_sources(${target} PRIVATE "${EXAMPLE_COMMON_DIR}/dynamic_example.cpp")
    target_link_libraries(${target} PRIVATE percpu::kernel_dynamic)
    target_compile_definitions(${target} PRIVATE EXAMPLE_DYNAMIC=1)
  endif()
  target_compile_definitions(${target} PRIVATE EXAMPLE_CPUS=${EXAMPLE_CPUS})
  target_compile_options(${target} PRIVATE -O2 -g
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wshadow -fno-threadsafe-statics>)
  # The MMU-less kernels have one RWX segment for text and data; GNU ld 2.40 warns about it.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_link_options(${target} PRIVATE "LINKER:--no-warn-rwx-segments")
  endif()
  set_target_properties(${target} PROPERTIES SUFFIX .elf)
endfunction()
