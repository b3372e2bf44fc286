#!/usr/bin/env bash
# Boots an example kernel in QEMU and judges its console (docs/examples.md).
#   boot.sh <riscv64|aarch64|aarch64-el2|aarch64-rom|loongarch64|x86_64> <kernel.elf> [console log]
# Prints the console. Exit 0 when the kernel printed "percpu example: PASS (<CPUS> CPUs)" and one
# PASS line per CPU, and QEMU's exit status is the kernel's "pass" where the machine has an exit
# device (riscv64: sifive_test, aarch64: semihosting, both 0; x86_64: isa-debug-exit, 33 = 2 *
# 0x10 + 1). loongarch64 has none that carries a status: the kernel powers the machine off and
# the console alone gives the verdict. x86_64 boots kernel.bin, the flat image next to the ELF
# (QEMU's multiboot loader takes no ELF64). Exit 1 otherwise; a run that does not end within
# BOOT_TIMEOUT seconds (default 60) is killed and fails as a hang.
# Environment: CPUS (default 4; the CPU count the kernel was built for), SMP (QEMU's -smp, default
# CPUS; tests set it lower to see a kernel fail), BOOT_TIMEOUT.
set -euo pipefail
usage() { echo "usage: boot.sh <riscv64|aarch64|aarch64-el2|aarch64-rom|loongarch64|x86_64> <kernel.elf> [console log]" >&2; exit 64; }
[ $# -ge 2 ] && [ $# -le 3 ] || usage
machine=$1 elf=$2
log=${3:-$(mktemp)}
cpus=${CPUS:-4}
smp=${SMP:-$cpus}
limit=${BOOT_TIMEOUT:-60}
[ -f "$elf" ] || { echo "boot.sh: no such kernel: $elf" >&2; exit 1; }

has_exit_status=1 pass_status=0 image=$elf
case $machine in
  riscv64) cmd=(qemu-system-riscv64 -M virt -bios none) ;;
  aarch64 | aarch64-rom) cmd=(qemu-system-aarch64 -M virt -cpu cortex-a57 -semihosting) ;;
  aarch64-el2) cmd=(qemu-system-aarch64 -M virt,virtualization=on -cpu cortex-a57 -semihosting) ;;
  loongarch64) cmd=(qemu-system-loongarch64 -M virt); has_exit_status=0 ;;
  x86_64)
    cmd=(qemu-system-x86_64 -M pc -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04)
    pass_status=33 image=${elf%.elf}.bin
    [ -f "$image" ] || { echo "boot.sh: no multiboot image $image next to $elf" >&2; exit 1; } ;;
  *) usage ;;
esac
command -v "${cmd[0]}" >/dev/null || { echo "boot.sh: missing tool: ${cmd[0]} (scripts/install-deps)" >&2; exit 1; }
cmd+=(-smp "$smp" -nographic -monitor none -serial stdio -kernel "$image")

echo "\$ ${cmd[*]}"
set +e
timeout --kill-after=5 "$limit" "${cmd[@]}" </dev/null >"$log" 2>&1
rc=$?
set -e
tr -d '\r' <"$log"
echo "boot.sh: QEMU exit status $rc"

verdict="percpu example: PASS ($cpus CPUs)"
fail() { echo "boot.sh: FAIL: $*" >&2; exit 1; }
[ "$rc" != 124 ] && [ "$rc" != 137 ] || fail "QEMU did not finish within $limit s (hang); console above"
tr -d '\r' <"$log" | grep -qxF "$verdict" || fail "no line '$verdict' on the console"
for ((cpu = 0; cpu < cpus; cpu++)); do
  tr -d '\r' <"$log" | grep -qE "^cpu $cpu: PASS id=$cpu init=0x5eed counter=1000000\$" ||
    fail "no PASS line for cpu $cpu"
done
if [ "$has_exit_status" = 1 ] && [ "$rc" != "$pass_status" ]; then
  fail "QEMU exit status $rc (the kernel's status; $pass_status = pass)"
fi
echo "boot.sh: $machine: PASS (console verdict$([ "$has_exit_status" = 1 ] && echo " and QEMU exit status $pass_status"))"
