# Bare-metal x86_64 kernels (docs/cmake.md): the host GCC in freestanding mode (-ffreestanding
# makes __STDC_HOSTED__ 0: libpercpu's kernel mode, GS_BASE written with wrmsr).
#   cmake -DCMAKE_TOOLCHAIN_FILE=.../x86_64-elf.cmake ...
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(CMAKE_C_COMPILER gcc)
set(CMAKE_CXX_COMPILER g++)
set(CMAKE_ASM_COMPILER gcc)
# No crt/libc to link a test executable with: configure checks build static libraries.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# -mcmodel=kernel: 32-bit sign-extended absolute addresses (the top or the bottom 2 GiB), the
# non-PIC code the zero address model needs. -mno-red-zone: interrupts push onto the kernel stack
# below %rsp. -mgeneral-regs-only: no SSE before the kernel enables it (CR4.OSFXSR).
set(_percpu_arch_flags "-m64 -mcmodel=kernel -mno-red-zone -mgeneral-regs-only")
set(_percpu_common "-ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables")
set(CMAKE_C_FLAGS_INIT "${_percpu_arch_flags} ${_percpu_common}")
set(CMAKE_CXX_FLAGS_INIT "${_percpu_arch_flags} ${_percpu_common} -fno-exceptions -fno-rtti")
# --build-id=none: Debian's GCC asks for a build-id note, an orphan section a kernel script may
# place before the entry point.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-m64 -nostdlib -static -no-pie -Wl,--build-id=none")
