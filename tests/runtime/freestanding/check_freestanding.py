#!/usr/bin/env python3
"""Freestanding build of libpercpu for one target: compiles src/runtime.cpp and a TU that
instantiates every accessor with -ffreestanding -fno-exceptions -fno-rtti -nostdlib (kernel
mode, zero model), then:
  1. relocatable-links them (ld -r) and asserts the only undefined symbols are memcpy/memset;
  2. links a real bare ELF with the canonical percpu-ldgen block (bare.ld) plus mem.c;
  3. asserts the image has no libstdc++ / exception / RTTI symbol and a .percpu at VMA 0.
Both PERCPU_PREEMPT=0 and =1 are built. A missing tool is a failure, never a skip.
Usage: check_freestanding.py <target> <libpercpu dir> <work dir>
"""
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMMON = ["-std=c++17", "-O2", "-ffreestanding", "-fno-exceptions", "-fno-rtti", "-nostdlib",
          "-fno-pie", "-Wall", "-Wextra", "-Wpedantic", "-Wshadow", "-Wcast-align", "-Wunused",
          "-Werror"]  # percpu_enable_warnings, as errors
# target: (C++ compiler + flags, linker, C flags for mem.c)
TARGETS = {
    "x86_64-gcc": (["g++", "-mno-red-zone", "-mcmodel=kernel"], "ld"),
    "aarch64-gcc": (["aarch64-linux-gnu-g++", "-mno-outline-atomics", "-mgeneral-regs-only"],
                    "aarch64-linux-gnu-ld"),
    "aarch64-clang": (["clang++-19", "--target=aarch64-none-elf", "-mgeneral-regs-only"],
                      "ld.lld-19"),
    "riscv64-gcc": (["riscv64-linux-gnu-g++", "-mcmodel=medany"], "riscv64-linux-gnu-ld"),
    "riscv64-clang": (["clang++-19", "--target=riscv64-none-elf", "-mcmodel=medany"], "ld.lld-19"),
    "riscv32-clang": (["clang++-19", "--target=riscv32-none-elf", "-march=rv32imac", "-mabi=ilp32"],
                      "ld.lld-19"),
    "loongarch64-clang": (["clang++-19", "--target=loongarch64-none-elf"], "ld.lld-19"),
}
# memcpy/memset come from the kernel; the layout symbols from the linker script (bare.ld);
# _percpu_image (weak) only from scripts with a load region (the ROM/flash model); the dynamic
# reserve's symbols are weak references too (percpu-ldgen --reserve defines them).
ALLOWED_UNDEFINED = {"memcpy", "memset", "_percpu_start", "_percpu_end", "_percpu_load_start",
                     "_percpu_load_end", "_percpu_stride", "_percpu_image", "_percpu_reserve_offset",
                     "_percpu_reserve_size"}
# libstdc++, the C++ ABI runtime, unwinding and RTTI: none may appear in a kernel image.
FORBIDDEN = re.compile(r"^(__cxa_|__gxx_personality|_Unwind_|_ZTI|_ZTS|_ZTV|_Znw|_Zna|_ZdlPv|"
                       r"_ZdaPv|_ZSt|__dso_handle|__stack_chk)")


def run(cmd, **kw):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], check=True, **kw)


def symbols(obj: Path, *flags: str) -> list:
    out = run(["llvm-nm-19", *flags, obj], capture_output=True, text=True).stdout
    return [line.split()[-1] for line in out.splitlines() if line.strip()]


def build(target: str, libpercpu: Path, work: Path, preempt: int) -> list:
    cxx, ld = TARGETS[target]
    for tool in (cxx[0], ld, "llvm-nm-19", "llvm-readelf-19"):
        if shutil.which(tool) is None:
            return [f"{tool} not found (scripts/install-deps installs it)"]
    work.mkdir(parents=True, exist_ok=True)
    flags = [*cxx, *COMMON, f"-DPERCPU_PREEMPT={preempt}", "-I", libpercpu / "include"]
    objs = []
    for src in (libpercpu / "src" / "runtime.cpp", HERE / "all_accessors.cpp"):
        obj = work / (src.stem + ".o")
        run([*flags, "-c", src, "-o", obj])
        objs.append(obj)
    # mem.c at -O0: an optimizer may turn its loops back into memcpy/memset calls.
    mem = work / "mem.o"
    run([cxx[0], *cxx[1:], "-x", "c", "-O0", "-ffreestanding", "-nostdlib", "-fno-pie",
         "-c", HERE / "mem.c", "-o", mem])

    failures = []
    combined = work / "combined.o"
    run([ld, "-r", *objs, "-o", combined])
    undefined = set(symbols(combined, "-u"))
    if undefined - ALLOWED_UNDEFINED:
        failures.append(f"undefined symbols besides memcpy/memset and the linker-script symbols: {sorted(undefined - ALLOWED_UNDEFINED)}")

    image = work / "kernel.elf"
    run([ld, "-T", HERE / "bare.ld", "--no-warn-rwx-segments" if ld != "ld.lld-19" else "-znorelro",
         *objs, mem, "-o", image])
    names = symbols(image)
    forbidden = sorted(n for n in names if FORBIDDEN.match(n))
    if forbidden:
        failures.append(f"C++ runtime symbols in the image: {forbidden}")
    if "_ZN14percpu_storage6fs_u64E" not in names:
        failures.append("per-CPU variable fs_u64 missing from the image")
    sections = run(["llvm-readelf-19", "-SW", image], capture_output=True, text=True).stdout
    percpu = [line for line in sections.splitlines() if re.search(r"\s\.percpu\s", line)]
    if not percpu or not re.search(r"PROGBITS\s+0+\s", percpu[0]):
        failures.append("no PROGBITS .percpu section at VMA 0 in the image")
    print(f"{target} PERCPU_PREEMPT={preempt}: undefined in runtime+accessors: {sorted(undefined)}; "
          f"image {image.stat().st_size} bytes, {len(names)} symbols")
    return failures


def main() -> int:
    target, libpercpu, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    if target not in TARGETS:
        print(f"unknown target {target}; known: {', '.join(TARGETS)}")
        return 2
    failures = []
    for preempt in (0, 1):
        try:
            failures += build(target, libpercpu, work / f"preempt{preempt}", preempt)
        except subprocess.CalledProcessError as e:
            failures.append(f"command failed (exit {e.returncode}): {' '.join(map(str, e.cmd))}")
    for f in failures:
        print("FAIL:", f)
    print("PASS" if not failures else "FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
