#!/usr/bin/env bash
# ctest driver of one example kernel (examples/kernels/CMakeLists.txt): configures and builds the
# kernel's own CMake project with the bare-metal toolchain file and the host tools of the main
# build (percpu-ldgen at build time, percpu-check as a POST_BUILD step), checks the ELF again with
# percpu-check in text and JSON form, then boots it on 4 CPUs (boot.sh).
# <machine>-dynamic (riscv64-dynamic, aarch64-dynamic, ...) builds the same kernel with
# EXAMPLE_DYNAMIC=ON: a 4 KiB dynamic reserve and the dynamic per-CPU example (docs/dynamic.md).
#   run_example.sh <riscv64|aarch64|aarch64-el2|aarch64-rom|loongarch64|x86_64>[-dynamic] <percpu source dir> <build dir>
#                  <percpu-ldgen> <percpu-check> [cmake generator]
set -euo pipefail
[ $# -ge 5 ] || { echo "usage: run_example.sh <machine> <source dir> <build dir> <percpu-ldgen> <percpu-check> [generator]" >&2; exit 64; }
machine=$1 src=$2 out=$3 ldgen=$4 check=$5 generator=${6:-Ninja}
here=$(cd "$(dirname "$0")" && pwd)
cpus=4
variables=(cpu_id seed seed_seen counter failures done)

dynamic=0
case $machine in
  *-dynamic) dynamic=1; machine=${machine%-dynamic} ;;
esac
case $machine in
  riscv64 | loongarch64 | x86_64) arch=$machine; extra=() ;;
  aarch64) arch=aarch64; extra=(-DEXAMPLE_EL2=OFF) ;;
  aarch64-el2) arch=aarch64; extra=(-DEXAMPLE_EL2=ON) ;;
  aarch64-rom) arch=aarch64; extra=(-DEXAMPLE_ROM=ON) ;;
  *) echo "run_example.sh: unknown machine '$machine'" >&2; exit 64 ;;
esac
[ $dynamic = 1 ] && extra+=(-DEXAMPLE_DYNAMIC=ON)
for tool in cmake python3 "$ldgen" "$check"; do
  command -v "$tool" >/dev/null || { echo "run_example.sh: missing tool: $tool" >&2; exit 1; }
done

echo "== configure and build examples/kernels/$arch ($machine) in $out"
rm -rf "$out/CMakeCache.txt" "$out/CMakeFiles"  # a fresh configure (cmake --fresh needs 3.24)
cmake -S "$here/$arch" -B "$out" -G "$generator" \
  -DCMAKE_TOOLCHAIN_FILE="$src/cmake/toolchains/$arch-elf.cmake" \
  -DPERCPU_LDGEN_EXECUTABLE="$ldgen" -DPERCPU_CHECK_EXECUTABLE="$check" \
  -DCMAKE_DISABLE_FIND_PACKAGE_percpu=ON -DEXAMPLE_CPUS=$cpus "${extra[@]}" >"$out.configure.log" 2>&1 ||
  { cat "$out.configure.log"; echo "run_example.sh: configure failed" >&2; exit 1; }
cmake --build "$out" ||
  { echo "run_example.sh: build failed (percpu-ldgen, compile, link or the percpu-check step)" >&2; exit 1; }
elf=$out/kernel.elf
grep -q "percpu-ldgen: begin cpus=$cpus" "$out/kernel.percpu.ld" ||
  { echo "run_example.sh: $out/kernel.percpu.ld has no percpu-ldgen block for $cpus CPUs" >&2; exit 1; }
if [ $dynamic = 1 ]; then
  grep -qF "_percpu_reserve_size = ABSOLUTE(4096);" "$out/kernel.percpu.ld" ||
    { echo "run_example.sh: $out/kernel.percpu.ld has no 4096-byte dynamic reserve" >&2; exit 1; }
fi

if [ "$arch" = aarch64 ]; then
  # MMU off: RAM is Device memory, where exclusives are not guaranteed (docs/examples.md).
  objdump=aarch64-linux-gnu-objdump
  command -v $objdump >/dev/null || { echo "run_example.sh: missing tool: $objdump" >&2; exit 1; }
  # The dynamic allocator's spin lock is the one exception (docs/dynamic.md: its lock needs
  # exclusives, which QEMU emulates on any memory; real hardware needs Normal memory, MMU on).
  allowed='^$'
  [ $dynamic = 1 ] && allowed='dynamic_(alloc|free|stats)'
  if $objdump -d "$elf" | awk -v allowed="$allowed" '/^[0-9a-f]+ <.*>:$/ { fn = $2 } fn !~ allowed { print fn " " $0 }' |
     grep -E $'\t(ld[a]?xr|st[l]?xr|ld[a]?xp|st[l]?xp|cas|casp|ld(add|clr|eor|set|smax|smin|umax|umin)|swp)[a-z]*\b'; then
    echo "run_example.sh: the aarch64 kernel contains exclusive or atomic RMW instructions (above)" >&2
    exit 1
  fi
  echo "no exclusive or atomic read-modify-write instruction in the aarch64 kernel"
fi

echo "== percpu-check (text)"
"$check" "$elf" --cpus $cpus | tee "$out/check.txt" ||
  { echo "run_example.sh: percpu-check failed (exit $?)" >&2; exit 1; }
grep -q "^OK: " "$out/check.txt" || { echo "run_example.sh: no OK line in the text report" >&2; exit 1; }
for v in "${variables[@]}"; do
  grep -qE "^  $v +0x" "$out/check.txt" || { echo "run_example.sh: variable $v missing from the text report" >&2; exit 1; }
done

echo "== percpu-check (json)"
"$check" "$elf" --cpus $cpus --format json >"$out/check.json" ||
  { echo "run_example.sh: percpu-check --format json failed (exit $?)" >&2; exit 1; }
python3 - "$out/check.json" "$arch" "$machine" "$cpus" "${variables[@]}" <<'PY'
import json, sys
path, arch, machine, cpus, wanted = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:]
report = json.load(open(path))
layout = report["layout"]
names = {v["name"] for v in layout["variables"]}
problems = []
if report.get("ok") is not True: problems.append("ok is not true")
if layout["cpu_count"] != cpus: problems.append(f"cpu_count {layout['cpu_count']} != {cpus}")
if layout["arch"] != arch: problems.append(f"arch {layout['arch']} != {arch}")
if layout["model"] != "zero": problems.append(f"model {layout['model']} != zero")
if machine.endswith("-rom"):
    # The ROM/flash model: the template's image in virt's flash (0x0-0x8000000), the areas in RAM.
    if layout["kind"] != "rom": problems.append(f"kind {layout['kind']} != rom")
    if not layout["template_lma"] < 0x08000000: problems.append(f"template image {layout['template_lma']:#x} not in flash")
    if not layout["areas_start"] >= 0x40000000: problems.append(f"areas {layout['areas_start']:#x} not in RAM")
    else: print(f"json: template image at {layout['template_lma']:#x} (flash), areas at {layout['areas_start']:#x} (RAM)")
missing = sorted(set(wanted) - names)
if missing: problems.append(f"variables missing: {missing}")
if problems:
    sys.exit("run_example.sh: JSON report: " + "; ".join(problems))
print(f"json: ok, arch {arch}, cpu_count {cpus}, model zero, variables {sorted(names)}")
PY

echo "== boot"
CPUS=$cpus BOOT_TIMEOUT=${BOOT_TIMEOUT:-90} "$here/boot.sh" "$machine" "$elf" "$out/console.log"
if [ $dynamic = 1 ]; then
  tr -d '\r' <"$out/console.log" >"$out/console.txt"
  for ((cpu = 0; cpu < cpus; cpu++)); do
    grep -qxF "dynamic cpu $cpu: counter=1001000" "$out/console.txt" ||
      { echo "run_example.sh: no exact dynamic counter line for CPU $cpu" >&2; exit 1; }
  done
  grep -qxF "dynamic: sum of the increments $((cpus * 1000000))" "$out/console.txt" &&
  grep -qF "dynamic: after free, a new allocation at the same offset holds its initial value on every CPU" "$out/console.txt" ||
    { echo "run_example.sh: the dynamic example did not pass (console above)" >&2; exit 1; }
fi
