#!/usr/bin/env bash
# Boots a kernel where it must fail (SMP below the kernel's CPU count) and checks that the kernel
# and boot.sh both say so: boot.sh exits 1, the console names the CPUs that never ran, the verdict
# is FAIL and QEMU's exit status is the kernel's 1.
#   SMP=2 run_expect_failure.sh <machine> <kernel.elf>
set -uo pipefail
machine=$1 elf=$2
here=$(cd "$(dirname "$0")" && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
out=$("$here/boot.sh" "$machine" "$elf" "$log")
rc=$?
echo "$out"
fail() { echo "run_expect_failure.sh: $*" >&2; exit 1; }
[ "$rc" = 1 ] || fail "boot.sh exited $rc, expected 1"
tr -d '\r' <"$log" | grep -qx "percpu example: FAIL (4 CPUs)" || fail "no FAIL verdict on the console"
tr -d '\r' <"$log" | grep -q "^cpu 3: FAIL did not finish" || fail "cpu 3 not reported as not finished"
tr -d '\r' <"$log" | grep -q "^cpu 1: PASS id=1 " || fail "cpu 1 (which ran) not reported as PASS"
grep -qx "boot.sh: QEMU exit status 1" <<<"$out" || fail "QEMU's exit status is not the kernel's 1"
echo "run_expect_failure.sh: the kernel and boot.sh reported the failure as they must"
