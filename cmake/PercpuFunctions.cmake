# PercpuFunctions.cmake - the build-time steps of a per-CPU kernel (docs/cmake.md):
#
#   percpu_generate_linker_script(OUT <file> SCRIPT <file> CPUS <n>
#                                 [AFTER <section> | BEFORE <section>] [VMA zero|delta]
#                                 [RESERVE <bytes>[K|M]]  (dynamic per-CPU reserve, docs/dynamic.md)
#                                 [TARGET <target>...]
#                                 [PREPROCESS [PREPROCESS_ARGS <arg>...]])
#   percpu_link_with_script(<target> <script>)
#   percpu_check(TARGET <target> CPUS <n> [PROFILE percpu|linux] [FORMAT text|json]
#                [OUTPUT <report file>] [EXTRA_ARGS <percpu-check option>...])
#
# The same file serves the build tree (percpu is the top-level project or was added with
# add_subdirectory) and the installed package (find_package(percpu CONFIG)). The tools are found,
# in this order, as:
#   1. the cache variables PERCPU_LDGEN_EXECUTABLE / PERCPU_CHECK_EXECUTABLE (cross builds: a
#      kernel built with a cross toolchain runs host tools installed elsewhere);
#   2. the targets percpu-ldgen / percpu-check of this build (built before they are run);
#   3. the imported targets percpu::percpu-ldgen / percpu::percpu-check of the installed package.
include_guard(GLOBAL)

set(PERCPU_LDGEN_EXECUTABLE "" CACHE FILEPATH
    "percpu-ldgen to run instead of the percpu-ldgen target (host tool for cross builds)")
set(PERCPU_CHECK_EXECUTABLE "" CACHE FILEPATH
    "percpu-check to run instead of the percpu-check target (host tool for cross builds)")

# percpu_check runs the checker through this script (report file, failing build, rejected ELF).
# A global property: the functions may be called from any directory of the project.
set_property(GLOBAL PROPERTY PERCPU_CHECK_STEP_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/PercpuCheckStep.cmake")

# Sets <out_command> to what runs the tool (a path or a $<TARGET_FILE:...> expression) and
# <out_depends> to what a custom command must depend on to re-run when the tool changes.
# A missing tool is a configure-time error that says how to provide it.
function(_percpu_resolve_tool caller tool cache_var out_command out_depends)
  if(${cache_var})
    if(NOT EXISTS "${${cache_var}}" OR IS_DIRECTORY "${${cache_var}}")
      message(FATAL_ERROR "${caller}: ${cache_var}='${${cache_var}}' is not an existing file")
    endif()
    set(${out_command} "${${cache_var}}" PARENT_SCOPE)
    set(${out_depends} "${${cache_var}}" PARENT_SCOPE)
    return()
  endif()
  foreach(candidate ${tool} percpu::${tool})
    if(TARGET ${candidate})
      get_target_property(_type ${candidate} TYPE)
      if(_type STREQUAL "EXECUTABLE")
        set(${out_command} "$<TARGET_FILE:${candidate}>" PARENT_SCOPE)
        # A target name in DEPENDS adds the target-level and the file-level dependency.
        get_target_property(_imported ${candidate} IMPORTED)
        if(_imported)
          set(${out_depends} "$<TARGET_FILE:${candidate}>" PARENT_SCOPE)
        else()
          set(${out_depends} ${candidate} PARENT_SCOPE)
        endif()
        return()
      endif()
    endif()
  endforeach()
  message(FATAL_ERROR
    "${caller}: ${tool} is not available. Provide it in one of these ways:\n"
    "  - build it in this project (percpu as the top-level project or through add_subdirectory(), "
    "with PERCPU_BUILD_TOOLS=ON; the target must be defined before this call);\n"
    "  - find_package(percpu CONFIG) from an install prefix that has the 'tools' component "
    "(percpu::${tool});\n"
    "  - set ${cache_var} to the host executable (cross builds), e.g. "
    "-D${cache_var}=/opt/percpu/bin/${tool}")
endfunction()

# CPUS: decimal digits only, as the tools read --cpus ("010" is ten; "0x10", "+4", " 4" are not
# numbers), between 1 and 1048576 (the tools' limit).
function(_percpu_require_cpus caller cpus)
  if(NOT cpus MATCHES "^[0-9]+$")
    message(FATAL_ERROR "${caller}: CPUS '${cpus}' is not a number (decimal digits only)")
  endif()
  string(REGEX REPLACE "^0+" "" _digits "${cpus}")
  string(LENGTH "${_digits}" _length)
  # Compared as text first: CMake's integers overflow on long inputs.
  if(_length EQUAL 0 OR _length GREATER 7 OR _digits GREATER 1048576)
    message(FATAL_ERROR "${caller}: CPUS ${cpus} is out of range (1..1048576)")
  endif()
endfunction()

# Links <target> with <script>: `-T <script>` on the link line, and a relink when it changes.
function(percpu_link_with_script target script)
  if(NOT TARGET ${target})
    message(FATAL_ERROR "percpu_link_with_script: '${target}' is not a target")
  endif()
  get_filename_component(script "${script}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  target_link_options(${target} PRIVATE "LINKER:-T,${script}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${script}")
  # As a source, a generated script makes the target wait for the command that writes it.
  get_source_file_property(_generated "${script}" GENERATED)
  if(_generated)
    target_sources(${target} PRIVATE "${script}")
  endif()
endfunction()

# The COMMAND that expands a .lds.S template (percpu_generate_linker_script PREPROCESS) into
# <out_file>, with the first of <targets>' compile definitions and include directories, and the
# DEPFILE arguments that make the headers it includes dependencies of <output> (Ninja, Makefiles).
function(_percpu_preprocess_command caller script out_file output targets extra out_command out_depfile)
  list(GET targets 0 _target)
  if(NOT _target OR NOT TARGET ${_target})
    message(FATAL_ERROR "${caller}: PREPROCESS needs TARGET <target>, whose compile definitions and include "
                        "directories the C preprocessor uses")
  endif()
  if(CMAKE_C_COMPILER_LOADED)
    set(_cc "${CMAKE_C_COMPILER}")
  elseif(CMAKE_CXX_COMPILER_LOADED)
    set(_cc "${CMAKE_CXX_COMPILER}")
  else()
    message(FATAL_ERROR "${caller}: PREPROCESS needs the C or CXX language enabled (its compiler runs cpp)")
  endif()
  set(_defs "$<TARGET_PROPERTY:${_target},COMPILE_DEFINITIONS>")
  set(_incs "$<TARGET_PROPERTY:${_target},INCLUDE_DIRECTORIES>")
  set(_cmd COMMAND "${_cc}" -E -P -undef -x assembler-with-cpp -D__ASSEMBLY__ -DLINKER_SCRIPT
           "$<$<BOOL:${_defs}>:-D$<JOIN:${_defs},$<SEMICOLON>-D>>" "$<$<BOOL:${_incs}>:-I$<JOIN:${_incs},$<SEMICOLON>-I>>" ${extra})
  set(_dep)
  if(CMAKE_GENERATOR MATCHES "Ninja|Makefiles")
    list(APPEND _cmd -MD -MF "${out_file}.d" -MT "${output}")
    set(_dep DEPFILE "${out_file}.d")
  endif()
  list(APPEND _cmd "${script}" -o "${out_file}")
  set(${out_command} ${_cmd} PARENT_SCOPE)
  set(${out_depfile} ${_dep} PARENT_SCOPE)
endfunction()

# Runs percpu-ldgen at build time: OUT = SCRIPT with the .percpu block for CPUS CPUs. Re-runs when
# SCRIPT or the tool changes. Relative OUT is in the current binary dir, relative SCRIPT in the
# current source dir. TARGET: those targets are linked with OUT (percpu_link_with_script).
# OUT must be used by targets of the directory that calls this (custom command rule).
# PREPROCESS: SCRIPT is a C-preprocessor template (.lds.S). It is first expanded by the C (or C++)
# compiler of the project, `-E -P -undef -x assembler-with-cpp -D__ASSEMBLY__ -DLINKER_SCRIPT`,
# with the compile definitions and include directories of the first TARGET and PREPROCESS_ARGS;
# percpu-ldgen then reads the expansion (OUT.cpp.ld). Headers it includes are dependencies.
function(percpu_generate_linker_script)
  set(_fn percpu_generate_linker_script)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "PREPROCESS" "OUT;SCRIPT;CPUS;AFTER;BEFORE;VMA;RESERVE" "TARGET;PREPROCESS_ARGS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "${_fn}: unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  foreach(required OUT SCRIPT CPUS)
    if(NOT DEFINED ARG_${required} OR ARG_${required} STREQUAL "")
      message(FATAL_ERROR "${_fn}: ${required} <value> is required")
    endif()
  endforeach()
  _percpu_require_cpus(${_fn} "${ARG_CPUS}")
  if(DEFINED ARG_AFTER AND DEFINED ARG_BEFORE)
    message(FATAL_ERROR "${_fn}: AFTER and BEFORE exclude each other")
  endif()
  if(DEFINED ARG_VMA AND NOT ARG_VMA MATCHES "^(zero|delta)$")
    message(FATAL_ERROR "${_fn}: VMA must be zero or delta, got '${ARG_VMA}'")
  endif()
  if(DEFINED ARG_RESERVE AND NOT ARG_RESERVE MATCHES "^[0-9]+[KM]?$")
    message(FATAL_ERROR "${_fn}: RESERVE must be bytes, or a number with K or M, got '${ARG_RESERVE}'")
  endif()

  get_filename_component(_script "${ARG_SCRIPT}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  get_filename_component(_out "${ARG_OUT}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  if(_script STREQUAL _out)
    message(FATAL_ERROR "${_fn}: OUT must differ from SCRIPT (the input is never rewritten)")
  endif()
  _percpu_resolve_tool(${_fn} percpu-ldgen PERCPU_LDGEN_EXECUTABLE _ldgen _ldgen_dep)

  set(_args --cpus ${ARG_CPUS})
  if(DEFINED ARG_VMA)
    list(APPEND _args --vma ${ARG_VMA})
  endif()
  if(DEFINED ARG_RESERVE)
    list(APPEND _args --reserve ${ARG_RESERVE})
  endif()
  if(DEFINED ARG_AFTER)
    list(APPEND _args --after ${ARG_AFTER})
  endif()
  if(DEFINED ARG_BEFORE)
    list(APPEND _args --before ${ARG_BEFORE})
  endif()

  file(RELATIVE_PATH _out_rel "${CMAKE_BINARY_DIR}" "${_out}")
  # percpu-ldgen writes -o through a temporary file and a rename: a failed run leaves no OUT.
  get_filename_component(_out_dir "${_out}" DIRECTORY)
  set(_input "${_script}")
  set(_preprocess)
  set(_depfile)
  if(ARG_PREPROCESS)
    _percpu_preprocess_command(${_fn} "${_script}" "${_out}.cpp.ld" "${_out}" "${ARG_TARGET}"
                               "${ARG_PREPROCESS_ARGS}" _preprocess _depfile)
    set(_input "${_out}.cpp.ld")
  elseif(DEFINED ARG_PREPROCESS_ARGS)
    message(FATAL_ERROR "${_fn}: PREPROCESS_ARGS needs PREPROCESS")
  endif()
  add_custom_command(
    OUTPUT "${_out}"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${_out_dir}"
    ${_preprocess}
    COMMAND "${_ldgen}" "${_input}" ${_args} -o "${_out}"
    DEPENDS "${_script}" ${_ldgen_dep}
    ${_depfile}
    COMMENT "percpu-ldgen: ${_out_rel} (${ARG_CPUS} CPUs)"
    COMMAND_EXPAND_LISTS
    VERBATIM)
  foreach(target IN LISTS ARG_TARGET)
    percpu_link_with_script(${target} "${_out}")
  endforeach()
endfunction()

# After every link of TARGET, runs percpu-check on its file; a violation (or an unreadable file)
# fails the build and moves the file aside to <file>.rejected, so nothing boots it and the next
# build links and checks again. OUTPUT: the report is also written there (relative: binary dir).
# EXTRA_ARGS: more percpu-check options (--hot <pattern>, --quiet, --section ...).
function(percpu_check)
  set(_fn percpu_check)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "TARGET;CPUS;PROFILE;FORMAT;OUTPUT" "EXTRA_ARGS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "${_fn}: unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  foreach(required TARGET CPUS)
    if(NOT DEFINED ARG_${required} OR ARG_${required} STREQUAL "")
      message(FATAL_ERROR "${_fn}: ${required} <value> is required")
    endif()
  endforeach()
  if(NOT TARGET ${ARG_TARGET})
    message(FATAL_ERROR "${_fn}: '${ARG_TARGET}' is not a target")
  endif()
  get_target_property(_type ${ARG_TARGET} TYPE)
  if(NOT _type STREQUAL "EXECUTABLE")
    message(FATAL_ERROR "${_fn}: '${ARG_TARGET}' is a ${_type}; percpu-check reads a linked executable")
  endif()
  _percpu_require_cpus(${_fn} "${ARG_CPUS}")
  if(DEFINED ARG_PROFILE AND NOT ARG_PROFILE MATCHES "^(percpu|linux)$")
    message(FATAL_ERROR "${_fn}: PROFILE must be percpu or linux, got '${ARG_PROFILE}'")
  endif()
  if(DEFINED ARG_FORMAT AND NOT ARG_FORMAT MATCHES "^(text|json)$")
    message(FATAL_ERROR "${_fn}: FORMAT must be text or json, got '${ARG_FORMAT}'")
  endif()
  _percpu_resolve_tool(${_fn} percpu-check PERCPU_CHECK_EXECUTABLE _check _check_dep)

  set(_args --cpus ${ARG_CPUS})
  if(DEFINED ARG_PROFILE)
    list(APPEND _args --profile ${ARG_PROFILE})
  endif()
  if(DEFINED ARG_FORMAT)
    list(APPEND _args --format ${ARG_FORMAT})
  endif()
  foreach(arg IN LISTS ARG_EXTRA_ARGS)
    if(arg MATCHES "[|]")
      message(FATAL_ERROR "${_fn}: EXTRA_ARGS cannot contain '|': ${arg}")
    endif()
    list(APPEND _args "${arg}")
  endforeach()
  set(_report "")
  if(DEFINED ARG_OUTPUT)
    get_filename_component(_report "${ARG_OUTPUT}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  # The step script takes ';'-free arguments: the tool's options travel as one '|'-joined word.
  string(JOIN "|" _joined ${_args})
  get_property(_step GLOBAL PROPERTY PERCPU_CHECK_STEP_SCRIPT)
  add_custom_command(TARGET ${ARG_TARGET} POST_BUILD
    COMMAND "${CMAKE_COMMAND}"
            "-DPERCPU_CHECK=${_check}"
            "-DELF=$<TARGET_FILE:${ARG_TARGET}>"
            "-DARGS=${_joined}"
            "-DREPORT=${_report}"
            -P "${_step}"
    COMMENT "percpu-check: ${ARG_TARGET} (${ARG_CPUS} CPUs)"
    VERBATIM)
  # A POST_BUILD command does not order the tool's build before the target's: say it.
  if(TARGET ${_check_dep})
    get_target_property(_imported ${_check_dep} IMPORTED)
    if(NOT _imported)
      add_dependencies(${ARG_TARGET} ${_check_dep})
    endif()
  endif()
endfunction()
