#!/usr/bin/env bash
# ctest driver of the interrupt-storm kernels (common/storm.cpp, docs/examples.md): builds them
# for one machine, checks that the guarded kernel contains the architecture's atomic
# instructions, then boots them under QEMU -singlestep (one instruction per translation block:
# an interrupt can land between any two instructions) on 2 CPUs.
#   storm.elf        (guarded forms) must print "percpu storm: PASS (2 CPUs, 0 lost)" (and exit
#                    with QEMU's pass status where the machine has an exit device);
#   the control      must LOSE updates of every kind (add, inc, inc16, cmpxchg, xchg), or the test
#                    could not fail: storm_raw.elf (the _raw forms, plain load/modify/store) on
#                    aarch64, riscv64 and loongarch64; on x86_64, where each _raw form is still one
#                    %gs instruction, storm_raw.elf must be exact as well and the control is
#                    storm_split.elf (read_current_raw + write_current_raw).
#   run_storm.sh <riscv64|aarch64|aarch64-lse|loongarch64|x86_64> <percpu source dir> <build dir>
#                <percpu-ldgen> <percpu-check> [cmake generator]
# Environment: STORM_TIMEOUT (seconds per QEMU run, default 90).
set -euo pipefail
[ $# -ge 5 ] || { echo "usage: run_storm.sh <machine> <source dir> <build dir> <percpu-ldgen> <percpu-check> [generator]" >&2; exit 64; }
machine=$1 src=$2 out=$3 ldgen=$4 check=$5 generator=${6:-Ninja}
here=$(cd "$(dirname "$0")" && pwd)
cpus=2
limit=${STORM_TIMEOUT:-90}

# arch, extra configure options, QEMU command and its pass status (none: the console alone),
# objdump, the atomic instructions storm.elf must contain (regexes after the mnemonic's tab),
# the control kernel, and the kernels that must be exact.
pass_status=0 ext=elf control=storm_raw exact=(storm)
case $machine in
  riscv64)
    arch=riscv64 extra=() qemu=(qemu-system-riscv64 -M virt -bios none)
    objdump=riscv64-linux-gnu-objdump
    atomics=('amoadd\.d' 'amoadd\.w' 'amoswap\.d' 'lr\.d' 'sc\.d' 'lr\.w' 'sc\.w') ;;
  aarch64)  # ARMv8.0 (cortex-a57): exclusives
    arch=aarch64 extra=(-DEXAMPLE_LSE=OFF)
    qemu=(qemu-system-aarch64 -M virt -cpu cortex-a57 -semihosting)
    objdump=aarch64-linux-gnu-objdump atomics=(ldxr stxr ldxrh stxrh) ;;
  aarch64-lse)  # ARMv8.1 LSE (-march=armv8.1-a, QEMU -cpu max)
    arch=aarch64 extra=(-DEXAMPLE_LSE=ON)
    qemu=(qemu-system-aarch64 -M virt -cpu max -semihosting)
    objdump=aarch64-linux-gnu-objdump atomics=(stadd staddh swp cas) ;;
  loongarch64)  # no exit device with a status: the console's verdict alone
    arch=loongarch64 extra=() qemu=(qemu-system-loongarch64 -M virt) pass_status=
    objdump=llvm-objdump-19
    atomics=('amadd\.d' 'amadd\.w' 'amswap\.d' 'll\.d' 'sc\.d' 'll\.w' 'sc\.w') ;;
  x86_64)  # QEMU's multiboot loader takes the flat image; isa-debug-exit: 33 = pass
    arch=x86_64 extra=() pass_status=33 ext=bin control=storm_split exact=(storm storm_raw)
    qemu=(qemu-system-x86_64 -M pc -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04)
    objdump=objdump atomics=('(add|inc)[bwlq]?\s+(\S+,)?%gs:' 'cmpxchg[bwlq]?\s+\S+,%gs:') ;;
  *) echo "run_storm.sh: unknown machine '$machine'" >&2; exit 64 ;;
esac
for tool in cmake "$ldgen" "$check" "$objdump" "${qemu[0]}"; do
  command -v "$tool" >/dev/null || { echo "run_storm.sh: missing tool: $tool (scripts/install-deps)" >&2; exit 1; }
done

echo "== configure and build the storm kernels of examples/kernels/$arch ($machine) in $out"
rm -rf "$out/CMakeCache.txt" "$out/CMakeFiles"
cmake -S "$here/$arch" -B "$out" -G "$generator" \
  -DCMAKE_TOOLCHAIN_FILE="$src/cmake/toolchains/$arch-elf.cmake" \
  -DPERCPU_LDGEN_EXECUTABLE="$ldgen" -DPERCPU_CHECK_EXECUTABLE="$check" \
  -DCMAKE_DISABLE_FIND_PACKAGE_percpu=ON -DEXAMPLE_CPUS=$cpus "${extra[@]}" >"$out.configure.log" 2>&1 ||
  { cat "$out.configure.log"; echo "run_storm.sh: configure failed" >&2; exit 1; }
cmake --build "$out" --target "${exact[@]}" $control || { echo "run_storm.sh: build failed" >&2; exit 1; }

echo "== the guarded kernel's atomic instructions"
"$objdump" -d --no-show-raw-insn "$out/storm.elf" >"$out/storm.dis"
for insn in "${atomics[@]}"; do
  n=$(grep -cP "\t$insn\b" "$out/storm.dis" || true)
  echo "$insn: $n"
  [ "$n" -gt 0 ] || { echo "run_storm.sh: storm.elf has no $insn" >&2; exit 1; }
done

fail() { echo "run_storm.sh: FAIL: $*" >&2; exit 1; }
# boot <kernel> <log>: runs QEMU, prints the console, sets rc (QEMU's exit status).
boot() {
  local cmd=("${qemu[@]}" -smp $cpus -singlestep -nographic -monitor none -serial stdio -kernel "$1")
  echo "\$ ${cmd[*]}"
  set +e
  timeout --kill-after=5 "$limit" "${cmd[@]}" </dev/null >"$2" 2>&1
  rc=$?
  set -e
  tr -d '\r' <"$2" >"$2.txt"
  cat "$2.txt"
  echo "run_storm.sh: QEMU exit status $rc"
  [ "$rc" != 124 ] && [ "$rc" != 137 ] || fail "QEMU did not finish within $limit s (hang)"
}

for kernel in "${exact[@]}"; do
  echo "== boot $kernel.$ext: every CPU must be exact"
  boot "$out/$kernel.$ext" "$out/$kernel.log"
  grep -qxF "percpu storm: PASS ($cpus CPUs, 0 lost)" "$out/$kernel.log.txt" || fail "no PASS verdict for $kernel"
  if [ -n "$pass_status" ] && [ "$rc" != "$pass_status" ]; then fail "$kernel: QEMU exit status $rc"; fi
done

echo "== boot $control.$ext (the control): must lose updates of every kind"
boot "$out/$control.$ext" "$out/$control.log"
line=$(grep -E '^lost updates, all CPUs:' "$out/$control.log.txt") || fail "no 'lost updates' line for $control"
for kind in add inc inc16 cmpxchg xchg; do
  n=$(sed -nE "s/.* $kind=([0-9]+).*/\\1/p" <<<"$line")
  [ -n "$n" ] && [ "$n" -gt 0 ] || fail "the control lost no $kind update: the test could not fail"
done
grep -qE "^percpu storm: FAIL \($cpus CPUs, [1-9][0-9]* lost\)$" "$out/$control.log.txt" ||
  fail "the control's verdict is not a FAIL with lost updates"
echo "run_storm.sh: $machine: PASS (${exact[*]} exact; $control: $line)"
