#!/usr/bin/env bash
# consumer.make: the riscv64 example kernel built by examples/make/Makefile against an installed
# prefix, through pkg-config and percpu.mk (docs/make.md); it must boot on 4 harts. Then the same
# build with a broken layout must fail, and a non-decimal CPU count must stop Make.
#   run_make.sh <percpu source dir> <install prefix> <work dir>
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: run_make.sh <source dir> <prefix> <work dir>" >&2; exit 64; }
src=$1 prefix=$2 work=$3
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
fail() { echo "run_make.sh: FAIL: $*" >&2; exit 1; }
rm -rf "$work"; mkdir -p "$work"

echo "== pkg-config"
pkg-config --modversion percpu
inc=$(pkg-config --cflags-only-I percpu | xargs); inc=${inc#-I}
[ -f "$inc/percpu/percpu.hpp" ] || fail "--cflags names $inc, which has no percpu/percpu.hpp"
for var in runtime_source makefile host_linker_script percpu_ldgen percpu_check; do
  f=$(pkg-config --variable=$var percpu)
  [ -e "$f" ] || fail "pkg-config variable $var names $f, which does not exist"
done

echo "== make: a good kernel"
make -C "$src/examples/make" O="$work/k" >"$work/make.log" 2>&1 || { cat "$work/make.log"; fail "make failed"; }
cat "$work/make.log"
grep -q "percpu-ldgen: begin cpus=4" "$work/k/kernel.percpu.ld" || fail "no percpu-ldgen block in kernel.percpu.ld"
grep -Eq "OK: [0-9]+ passed, 0 failed" "$work/make.log" || fail "percpu-check's report is not in the build log"
"$src/examples/kernels/boot.sh" riscv64 "$work/k/kernel.elf" >"$work/boot.log" 2>&1 || { cat "$work/boot.log"; fail "the kernel did not boot"; }
echo "booted: $(grep -c 'PASS' "$work/boot.log") PASS lines"

echo "== make again: nothing to do"
make -C "$src/examples/make" O="$work/k" -q || fail "a second make would rebuild something"

echo "== make with a broken layout (a hand-edited NOLOAD template) must fail"
sed -i 's/^\(  \.percpu 0x0\) :/\1 (NOLOAD) :/' "$work/k/kernel.percpu.ld"
grep -q '(NOLOAD) : AT(_percpu_start)' "$work/k/kernel.percpu.ld" || fail "the test could not break the script"
if make -C "$src/examples/make" O="$work/k" >"$work/broken.log" 2>&1; then
  cat "$work/broken.log"; fail "make passed on a NOLOAD template"
fi
cat "$work/broken.log"
grep -q "template.progbits" "$work/broken.log" || fail "the failure does not name template.progbits"
[ ! -e "$work/k/kernel.elf" ] && [ -e "$work/k/kernel.elf.rejected" ] || fail "the rejected ELF was not moved aside"

echo "== PERCPU_CPUS must be decimal"
if make -C "$src/examples/make" O="$work/k2" PERCPU_CPUS=0x4 >"$work/cpus.log" 2>&1; then fail "PERCPU_CPUS=0x4 was accepted"; fi
grep -q "PERCPU_CPUS must be a decimal CPU count, got '0x4'" "$work/cpus.log" || { cat "$work/cpus.log"; fail "no clear error for PERCPU_CPUS=0x4"; }
echo "run_make.sh: PASS"
