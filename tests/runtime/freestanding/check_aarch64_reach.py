#!/usr/bin/env python3
"""AArch64 zero-model reach: a per-CPU variable at offset > 64 KiB.
  default (movz #:abs_g0:, R_AARCH64_MOVW_UABS_G0): the link FAILS with a relocation error
    naming that relocation, with GNU ld and with ld.lld - never a silently truncated offset;
  PERCPU_AARCH64_LARGE_OFFSETS=1 (movz #:abs_g1: + movk #:abs_g0_nc:): the link succeeds and
    the immediates in the linked code encode exactly the variable's symbol value.
Usage: check_aarch64_reach.py <libpercpu include dir> <work dir>
"""
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLAGS = ["-std=c++17", "-O2", "-ffreestanding", "-fno-exceptions", "-fno-rtti", "-nostdlib",
         "-fno-pie", "-mno-outline-atomics", "-Wall", "-Wextra", "-Werror"]
LINKERS = {"bfd": "aarch64-linux-gnu-ld", "lld": "ld.lld-19"}


def sh(cmd, check=True):
    print("+", " ".join(map(str, cmd)), flush=True)
    return subprocess.run(list(map(str, cmd)), capture_output=True, text=True, check=check)


def compile_objs(include: Path, work: Path, large: int) -> list:
    work.mkdir(parents=True, exist_ok=True)
    objs = []
    for name in ("big", "far"):  # order matters: big first in .percpu
        obj = work / f"{name}.o"
        sh(["aarch64-linux-gnu-g++", *FLAGS, f"-DPERCPU_AARCH64_LARGE_OFFSETS={large}",
            "-I", include, "-c", HERE / "reach" / f"{name}.cpp", "-o", obj])
        objs.append(obj)
    return objs


def movz_movk_value(listing: str, func: str) -> int:
    """The constant built by the movz/movk (or mov alias) instructions at the start of func."""
    body = listing.split(f"<{func}>:", 1)[1].split("\n\n", 1)[0]
    value = 0
    for m in re.finditer(r"\b(mov|movz|movk)\s+x\d+, #(0x[0-9a-f]+|\d+)(?:, lsl #(\d+))?", body):
        imm, shift = int(m.group(2), 0), int(m.group(3) or 0)
        value = (value | (imm << shift)) if m.group(1) == "movk" else imm << shift
    return value


def main() -> int:
    include, work = Path(sys.argv[1]), Path(sys.argv[2])
    failures = []
    small = compile_objs(include, work / "default", 0)
    large = compile_objs(include, work / "large", 1)
    for name, ld in LINKERS.items():
        r = sh([ld, "-T", HERE / "bare.ld", *small, "-o", work / f"default-{name}.elf"], check=False)
        message = (r.stdout + r.stderr).strip()
        print(f"default, {name}: exit {r.returncode}: {message.splitlines()[:2]}")
        if r.returncode == 0 or "R_AARCH64_MOVW_UABS_G0" not in message:
            failures.append(f"{name}: default mode linked an offset > 64 KiB without a "
                            "R_AARCH64_MOVW_UABS_G0 relocation error")
        image = work / f"large-{name}.elf"
        r = sh([ld, "-T", HERE / "bare.ld", *large, "-o", image], check=False)
        if r.returncode != 0:
            failures.append(f"{name}: large mode failed to link: {(r.stdout + r.stderr).strip()}")
            continue
        nm = sh(["llvm-nm-19", image]).stdout
        symbol = int(re.search(r"^([0-9a-f]+) \w _ZN14percpu_storage9reach_farE$", nm, re.M).group(1), 16)
        listing = sh(["llvm-objdump-19", "-d", "--no-show-raw-insn", image]).stdout
        for func in ("read_far", "write_far"):
            encoded = movz_movk_value(listing, func)
            print(f"large, {name}: reach_far = {symbol:#x}, {func} encodes {encoded:#x}")
            if symbol <= 0xFFFF or encoded != symbol:
                failures.append(f"{name}: {func} encodes {encoded:#x}, symbol is {symbol:#x}")
    for f in failures:
        print("FAIL:", f)
    print("PASS" if not failures else "FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
