#!/usr/bin/env bash
# ctest driver of the interrupt-storm kernels (common/storm.cpp, docs/examples.md): builds
# storm.elf (guarded read-modify-writes) and storm_raw.elf (the _raw control) for one machine,
# checks that the guarded kernel contains the architecture's atomic instructions, then boots both
# under QEMU -singlestep (one instruction per translation block: an interrupt can land between
# any two instructions) on 2 CPUs.
#   storm.elf      must print "percpu storm: PASS (2 CPUs, 0 lost)" (and exit 0 where QEMU can);
#   storm_raw.elf  must LOSE updates of every kind (add, inc, inc16, cmpxchg, xchg), or the test
#                  could not fail.
#   run_storm.sh <riscv64|aarch64|aarch64-lse|loongarch64> <percpu source dir> <build dir>
#                <percpu-ldgen> <percpu-check> [cmake generator]
# Environment: STORM_TIMEOUT (seconds per QEMU run, default 60).
set -euo pipefail
[ $# -ge 5 ] || { echo "usage: run_storm.sh <machine> <source dir> <build dir> <percpu-ldgen> <percpu-check> [generator]" >&2; exit 64; }
machine=$1 src=$2 out=$3 ldgen=$4 check=$5 generator=${6:-Ninja}
here=$(cd "$(dirname "$0")" && pwd)
cpus=2
limit=${STORM_TIMEOUT:-60}

# arch, extra configure options, QEMU command, objdump, the atomic instructions storm.elf needs
has_exit_status=1
case $machine in
  riscv64)
    arch=riscv64 extra=() qemu=(qemu-system-riscv64 -M virt -bios none)
    objdump=riscv64-linux-gnu-objdump atomics=(amoadd.d amoadd.w amoswap.d lr.d sc.d lr.w sc.w) ;;
  aarch64)  # ARMv8.0 (cortex-a57): exclusives
    arch=aarch64 extra=(-DEXAMPLE_LSE=OFF)
    qemu=(qemu-system-aarch64 -M virt -cpu cortex-a57 -semihosting)
    objdump=aarch64-linux-gnu-objdump atomics=(ldxr stxr ldxrh stxrh) ;;
  aarch64-lse)  # ARMv8.1 LSE (-march=armv8.1-a, QEMU -cpu max)
    arch=aarch64 extra=(-DEXAMPLE_LSE=ON)
    qemu=(qemu-system-aarch64 -M virt -cpu max -semihosting)
    objdump=aarch64-linux-gnu-objdump atomics=(stadd staddh swp cas) ;;
  loongarch64)  # no exit device with a status: the console's verdict alone
    arch=loongarch64 extra=() qemu=(qemu-system-loongarch64 -M virt) has_exit_status=0
    objdump=llvm-objdump-19 atomics=(amadd.d amadd.w amswap.d ll.d sc.d ll.w sc.w) ;;
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
cmake --build "$out" --target storm storm_raw || { echo "run_storm.sh: build failed" >&2; exit 1; }

echo "== the guarded kernel's atomic instructions"
"$objdump" -d --no-show-raw-insn "$out/storm.elf" >"$out/storm.dis"
for insn in "${atomics[@]}"; do
  n=$(grep -cP "\\t$insn\\s" "$out/storm.dis" || true)
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

echo "== boot storm.elf (guarded forms): every CPU must be exact"
boot "$out/storm.elf" "$out/storm.log"
grep -qxF "percpu storm: PASS ($cpus CPUs, 0 lost)" "$out/storm.log.txt" || fail "no PASS verdict for storm.elf"
if [ "$has_exit_status" = 1 ] && [ "$rc" != 0 ]; then fail "storm.elf: QEMU exit status $rc"; fi

echo "== boot storm_raw.elf (the _raw control): must lose updates of every kind"
boot "$out/storm_raw.elf" "$out/storm_raw.log"
line=$(grep -E '^lost updates, all CPUs:' "$out/storm_raw.log.txt") || fail "no 'lost updates' line for storm_raw.elf"
for kind in add inc inc16 cmpxchg xchg; do
  n=$(sed -nE "s/.* $kind=([0-9]+).*/\\1/p" <<<"$line")
  [ -n "$n" ] && [ "$n" -gt 0 ] || fail "the control lost no $kind update: the test could not fail"
done
grep -qE "^percpu storm: FAIL \($cpus CPUs, [1-9][0-9]* lost\)$" "$out/storm_raw.log.txt" ||
  fail "the control's verdict is not a FAIL with lost updates"
echo "run_storm.sh: $machine: PASS (guarded exact; control: $line)"
