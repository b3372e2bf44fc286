#!/bin/sh
# Configures, builds and runs the host-mode suite for one architecture under qemu-user.
#   run_cross.sh <arch: aarch64|riscv64> <project root> <build dir>
# Every tool missing is a failure. The build dir is reused, so reruns are incremental.
set -eu
arch=$1 root=$2 build=$3
for tool in "$arch-linux-gnu-g++" "qemu-$arch-static" cmake ninja llvm-objdump-19; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not found (scripts/install-deps)"; exit 1; }
done
cmake -S "$root/tests/runtime/cross/project" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchains/$arch-linux-gnu.cmake" >/dev/null
cmake --build "$build" -j2 --target runtime_cross
if [ "$arch" = riscv64 ]; then
  # gp belongs to percpu: no instruction of the program may address memory relative to it
  # except the per-CPU accesses themselves (which ADD gp to an address).
  if llvm-objdump-19 -d --no-show-raw-insn "$build/runtime_cross" | grep -P '\(gp\)|\t(?!gp,)[a-z0-9]+, gp, -?(0x)?[0-9a-f]+$' ; then
    echo "FAIL: gp-relative addressing in the program (relaxation against __global_pointer\$)"
    exit 1
  fi
fi
timeout 150 "qemu-$arch-static" -L "/usr/$arch-linux-gnu" "$build/runtime_cross" --gtest_brief=1
