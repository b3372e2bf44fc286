# Bare-metal aarch64 kernels and hypervisors (docs/cmake.md): Debian's aarch64-linux-gnu GCC in
# freestanding mode (-ffreestanding makes __STDC_HOSTED__ 0: libpercpu's kernel mode).
#   cmake -DCMAKE_TOOLCHAIN_FILE=.../aarch64-elf.cmake ...
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)
# No crt/libc to link a test executable with: configure checks build static libraries.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# -mno-outline-atomics: Debian's GCC otherwise calls libgcc's __aarch64_* atomics helpers, which
# a kernel does not link. -mgeneral-regs-only: no FP/SIMD registers before the kernel enables them.
set(_percpu_arch_flags "-mno-outline-atomics -mgeneral-regs-only")
set(_percpu_common "-ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables")
set(CMAKE_C_FLAGS_INIT "${_percpu_arch_flags} ${_percpu_common}")
set(CMAKE_CXX_FLAGS_INIT "${_percpu_arch_flags} ${_percpu_common} -fno-exceptions -fno-rtti")
# --build-id=none: Debian's GCC asks for a build-id note, an orphan section a kernel script may
# place before the entry point.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -static -no-pie -Wl,--build-id=none")
