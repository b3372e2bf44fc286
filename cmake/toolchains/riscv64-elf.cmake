# Bare-metal riscv64 kernels (docs/cmake.md): Debian's riscv64-linux-gnu GCC in freestanding mode.
# The *-linux-gnu compilers define __linux__, but -ffreestanding makes __STDC_HOSTED__ 0, which is
# what selects libpercpu's kernel mode. Everything is linked static, without crt or libc.
#   cmake -DCMAKE_TOOLCHAIN_FILE=.../riscv64-elf.cmake ...
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv64)

set(CMAKE_C_COMPILER riscv64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER riscv64-linux-gnu-g++)
set(CMAKE_ASM_COMPILER riscv64-linux-gnu-gcc)
# No crt/libc to link a test executable with: configure checks build static libraries.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# medany: a kernel at 0x80000000 (QEMU virt RAM) is out of medlow's reach. -mno-relax: the linker
# must not turn accesses into gp-relative ones: libpercpu keeps each hart's area base in gp.
set(_percpu_arch_flags "-mcmodel=medany -mno-relax")
set(_percpu_common "-ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables")
set(CMAKE_C_FLAGS_INIT "${_percpu_arch_flags} ${_percpu_common}")
set(CMAKE_CXX_FLAGS_INIT "${_percpu_arch_flags} ${_percpu_common} -fno-exceptions -fno-rtti")
set(CMAKE_ASM_FLAGS_INIT "${_percpu_arch_flags}")
# --build-id=none: Debian's GCC asks for a build-id note, an orphan section a kernel script may
# place before the entry point.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -static -no-pie -mno-relax -Wl,--build-id=none")
