#!/usr/bin/env bash
# Builds the kernel-mode x86_64 test kernel with a given C++ compiler and linker, boots it in
# qemu-system-x86_64 (TCG), and checks the serial output and the isa-debug-exit code.
# Usage: run_kernel_test.sh <c++ compiler> <bfd|lld> <libpercpu include dir> <libpercpu src dir> <out dir>
set -euo pipefail
cxx=$1 linker=$2 inc=$3 src=$4 out=$5
here=$(cd "$(dirname "$0")" && pwd)
for tool in qemu-system-x86_64 objcopy "$cxx"; do
  command -v "$tool" >/dev/null || { echo "run_kernel_test: missing tool: $tool" >&2; exit 1; }
done
ldflags=()
case $linker in
  bfd) ld=ld; ldflags=(--no-warn-rwx-segments) ;;
  lld) ld=$(command -v ld.lld-19 || command -v ld.lld) || { echo "run_kernel_test: missing ld.lld" >&2; exit 1; } ;;
  *) echo "run_kernel_test: linker must be bfd or lld" >&2; exit 1 ;;
esac
mkdir -p "$out"
flags=(-std=c++17 -O2 -ffreestanding -fno-exceptions -fno-rtti -nostdlib -fno-pie -mno-red-zone
       -mgeneral-regs-only -fno-stack-protector -fno-asynchronous-unwind-tables -Wall -Wextra -I "$inc")
"$cxx" "${flags[@]}" -c "$here/kernel.cpp" -o "$out/kernel.o"
"$cxx" "${flags[@]}" -c "$src/runtime.cpp" -o "$out/runtime.o"
"$cxx" -c "$here/boot.S" -o "$out/boot.o"
"$ld" "${ldflags[@]}" -m elf_x86_64 -nostdlib -static -T "$here/kernel.ld" "$out/boot.o" "$out/kernel.o" "$out/runtime.o" \
      -o "$out/kernel.elf"
objcopy -O binary "$out/kernel.elf" "$out/kernel.bin"
set +e
timeout 60 qemu-system-x86_64 -kernel "$out/kernel.bin" -display none -no-reboot -m 64M \
  -serial "file:$out/serial.log" -device isa-debug-exit,iobase=0xf4,iosize=0x04
rc=$?
set -e
cat "$out/serial.log"
if [ "$rc" != 33 ]; then
  echo "run_kernel_test: QEMU exit code $rc (expected 33 = pass)" >&2
  exit 1
fi
grep -qx PASS "$out/serial.log" || { echo "run_kernel_test: no PASS line" >&2; exit 1; }
