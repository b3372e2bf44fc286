# Bare-metal loongarch64 kernels (docs/cmake.md): clang 19 for loongarch64-unknown-none and
# ld.lld 19 (Debian has no loongarch64 GCC cross compiler; lld 14 has no LoongArch).
#   cmake -DCMAKE_TOOLCHAIN_FILE=.../loongarch64-elf.cmake ...
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR loongarch64)

set(CMAKE_C_COMPILER clang-19)
set(CMAKE_CXX_COMPILER clang++-19)
set(CMAKE_ASM_COMPILER clang-19)
set(CMAKE_C_COMPILER_TARGET loongarch64-unknown-none)
set(CMAKE_CXX_COMPILER_TARGET loongarch64-unknown-none)
set(CMAKE_ASM_COMPILER_TARGET loongarch64-unknown-none)
# No crt/libc to link a test executable with: configure checks build static libraries.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

find_program(PERCPU_LLD_19 NAMES ld.lld-19 REQUIRED)

# -mno-lsx -mno-lasx: clang 19 vectorizes with LSX by default, which traps until the kernel
# enables it (EUEN.SXE).
set(_percpu_arch_flags "-mno-lsx -mno-lasx")
set(_percpu_common "-ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables")
set(CMAKE_C_FLAGS_INIT "${_percpu_arch_flags} ${_percpu_common}")
set(CMAKE_CXX_FLAGS_INIT "${_percpu_arch_flags} ${_percpu_common} -fno-exceptions -fno-rtti")
# clang 19 has no bare-metal driver for loongarch64: for "-none" it links through the host gcc.
# The link step alone uses the Linux driver (the last --target wins), which calls ld.lld itself;
# -nostdlib -static keep every Linux crt file and library out (and imply no PIE).
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "--target=loongarch64-unknown-linux-gnu --ld-path=${PERCPU_LLD_19} -nostdlib -static -Wl,--build-id=none")
