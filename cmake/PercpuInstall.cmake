# PercpuInstall.cmake - `cmake --install` and the CMake package find_package(percpu CONFIG)
# (docs/cmake.md). Components:
#   dev    libpercpu (host build), its headers, percpu-host.ld, src/runtime.cpp for kernel builds,
#          the package files (percpuConfig*.cmake, percpuTargets*.cmake, PercpuFunctions.cmake),
#          the bare-metal toolchain files
#   tools  percpu-ldgen, percpu-check and their export file percpuToolsTargets.cmake
# The Python wheel installs only the component `python` (pyproject.toml): nothing here goes in it.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

option(PERCPU_INSTALL "Generate the install rules (cmake --install)" ${PERCPU_IS_TOP_LEVEL})
if(NOT PERCPU_INSTALL)
  return()
endif()

set(PERCPU_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/percpu" CACHE STRING
    "Where percpuConfig.cmake goes, relative to the prefix")
set(_percpu_datadir "${CMAKE_INSTALL_DATADIR}/percpu")

# --- dev: library, headers, the sources and scripts kernels build with ---
install(TARGETS percpu percpu_headers percpu_kernel_runtime percpu_kernel_dynamic
        EXPORT percpuTargets
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT dev)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/libpercpu/include/percpu"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT dev
        FILES_MATCHING PATTERN "*.hpp")
# percpu::percpu's install interface links the installed copy; percpu::kernel_runtime's
# interface source is the installed runtime.cpp (libpercpu/CMakeLists.txt).
install(FILES "${PROJECT_SOURCE_DIR}/libpercpu/ld/percpu-host.ld"
        DESTINATION "${_percpu_datadir}/ld" COMPONENT dev)
install(FILES "${PROJECT_SOURCE_DIR}/libpercpu/src/runtime.cpp"
              "${PROJECT_SOURCE_DIR}/libpercpu/src/dynamic.cpp"
        DESTINATION "${_percpu_datadir}/src" COMPONENT dev)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/cmake/toolchains/"
        DESTINATION "${_percpu_datadir}/toolchains" COMPONENT dev
        FILES_MATCHING PATTERN "*.cmake")
install(EXPORT percpuTargets NAMESPACE percpu::
        DESTINATION "${PERCPU_INSTALL_CMAKEDIR}" COMPONENT dev)

# --- tools: a separate export file, so that a prefix with only `dev` still loads ---
set(_percpu_tools)
foreach(tool percpu-ldgen percpu-check)
  if(TARGET ${tool})
    list(APPEND _percpu_tools ${tool})
  endif()
endforeach()
if(_percpu_tools)
  install(TARGETS ${_percpu_tools}
          EXPORT percpuToolsTargets
          RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT tools)
  install(EXPORT percpuToolsTargets NAMESPACE percpu::
          DESTINATION "${PERCPU_INSTALL_CMAKEDIR}" COMPONENT tools)
endif()

# --- the package ---
set(PERCPU_INSTALL_DATADIR "${_percpu_datadir}")
configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/percpuConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/percpuConfig.cmake"
  INSTALL_DESTINATION "${PERCPU_INSTALL_CMAKEDIR}"
  PATH_VARS PERCPU_INSTALL_DATADIR)
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/percpuConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMajorVersion
  # Kernels of any pointer width use the package (headers, runtime source, host tools).
  ARCH_INDEPENDENT)
install(FILES "${PROJECT_BINARY_DIR}/percpuConfig.cmake"
              "${PROJECT_BINARY_DIR}/percpuConfigVersion.cmake"
              "${CMAKE_CURRENT_LIST_DIR}/PercpuFunctions.cmake"
              "${CMAKE_CURRENT_LIST_DIR}/PercpuCheckStep.cmake"
        DESTINATION "${PERCPU_INSTALL_CMAKEDIR}" COMPONENT dev)

# --- builds other than CMake (docs/make.md): pkg-config file and Make fragment, component dev ---
# The .pc file is relocatable: its prefix is found from its own directory (${pcfiledir}).
file(RELATIVE_PATH _percpu_pc_up "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
set(PERCPU_PC_PREFIX "\${pcfiledir}/${_percpu_pc_up}")
configure_file("${CMAKE_CURRENT_LIST_DIR}/percpu.pc.in" "${PROJECT_BINARY_DIR}/percpu.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/percpu.pc"
        DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig" COMPONENT dev)
install(FILES "${CMAKE_CURRENT_LIST_DIR}/percpu.mk" DESTINATION "${_percpu_datadir}" COMPONENT dev)
