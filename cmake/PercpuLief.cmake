# LIEF for percpu-check: Debian 12's liblief-dev 0.9.0 ships no CMake package, so the static
# archive (position-independent, links into the Python module too) and its headers are found by
# hand. libLIEF.a needs mbedtls, whose Debian archives are not position-independent: mbedtls,
# mbedx509 and mbedcrypto are linked as shared libraries (run-time packages libmbedtls14,
# libmbedx509-1, libmbedcrypto7). Defines the imported target percpu::lief.
if(TARGET percpu::lief)
  return()
endif()
find_path(PERCPU_LIEF_INCLUDE_DIR LIEF/ELF.hpp)
find_library(PERCPU_LIEF_STATIC NAMES libLIEF.a)
foreach(lib mbedtls mbedx509 mbedcrypto)
  find_library(PERCPU_${lib}_LIBRARY NAMES ${lib})
endforeach()
if(NOT PERCPU_LIEF_INCLUDE_DIR OR NOT PERCPU_LIEF_STATIC OR NOT PERCPU_mbedtls_LIBRARY
   OR NOT PERCPU_mbedx509_LIBRARY OR NOT PERCPU_mbedcrypto_LIBRARY)
  message(FATAL_ERROR "percpu-check needs LIEF and mbedtls: apt-get install liblief-dev libmbedtls-dev "
                      "(found: LIEF headers '${PERCPU_LIEF_INCLUDE_DIR}', libLIEF.a '${PERCPU_LIEF_STATIC}', "
                      "mbedtls '${PERCPU_mbedtls_LIBRARY}')")
endif()
add_library(percpu::lief STATIC IMPORTED GLOBAL)
set_target_properties(percpu::lief PROPERTIES
  IMPORTED_LOCATION "${PERCPU_LIEF_STATIC}"
  INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${PERCPU_LIEF_INCLUDE_DIR}"
  INTERFACE_INCLUDE_DIRECTORIES "${PERCPU_LIEF_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES "${PERCPU_mbedtls_LIBRARY};${PERCPU_mbedx509_LIBRARY};${PERCPU_mbedcrypto_LIBRARY}")
