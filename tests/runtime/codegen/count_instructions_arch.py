#!/usr/bin/env python3
"""Codegen of the load/store architectures: compiles accessors.cpp in kernel mode (zero model,
-O2) for one architecture, disassembles it with llvm-objdump-19 and PRINTS the instruction
count of each accessor (ret and padding excluded). Asserts what the arch headers promise:
read and write of a u64 take at most 3 instructions (the Rust crate's read), and RISC-V
objects carry no R_RISCV_RELAX on a per-CPU sequence.
Usage: count_instructions_arch.py <arch> <libpercpu include dir> <work dir>
  arch: aarch64 | aarch64-large | riscv64 | loongarch64 (each with every available compiler)
"""
import re
import shutil
import subprocess
import sys
from pathlib import Path

ACCESSORS = ("percpu_read", "percpu_write", "percpu_add", "percpu_inc", "percpu_current_ptr")
LIMITS = {"percpu_read": 3, "percpu_write": 3}
FLAGS = ["-std=c++17", "-O2", "-ffreestanding", "-fno-exceptions", "-fno-rtti", "-nostdlib",
         "-fno-pie"]
COMPILERS = {
    "aarch64": [["aarch64-linux-gnu-g++", "-mno-outline-atomics"],
                ["clang++-19", "--target=aarch64-none-elf"]],
    "aarch64-large": [["aarch64-linux-gnu-g++", "-mno-outline-atomics",
                       "-DPERCPU_AARCH64_LARGE_OFFSETS=1"],
                      ["clang++-19", "--target=aarch64-none-elf", "-DPERCPU_AARCH64_LARGE_OFFSETS=1"]],
    "riscv64": [["riscv64-linux-gnu-g++", "-mcmodel=medany"],
                ["clang++-19", "--target=riscv64-none-elf", "-mcmodel=medany"]],
    "loongarch64": [["clang++-19", "--target=loongarch64-none-elf"]],
}
# aarch64-large needs one more instruction for the offset (movz g1 + movk g0_nc).
EXTRA = {"aarch64-large": 1}
SKIP = re.compile(r"^(ret|nop|andi\s+\$zero|c\.nop)\b")


def instructions_by_function(listing: str) -> dict:
    functions, current = {}, None
    for line in listing.splitlines():
        head = re.match(r"^[0-9a-f]+ <(\w+)>:$", line)
        if head:
            current = head.group(1)
            functions[current] = []
            continue
        if current is None:
            continue
        reloc = re.match(r"^\s+[0-9a-f]+:\s+(R_\w+)\s+(\S+)", line)
        if reloc:
            functions[current][-1] += f"  <{reloc.group(1)} {reloc.group(2)}>"
        elif re.match(r"^\s+[0-9a-f]+:\s", line):
            text = re.sub(r"\s+", " ", line.split(":", 1)[1].strip())
            if text and not SKIP.match(text):
                functions[current].append(text)
    return functions


def main() -> int:
    arch, include, work = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    work.mkdir(parents=True, exist_ok=True)
    source = Path(__file__).with_name("accessors.cpp")
    failures = []
    for compiler in COMPILERS[arch]:
        if shutil.which(compiler[0]) is None:
            failures.append(f"{compiler[0]} not found (scripts/install-deps installs it)")
            continue
        obj = work / f"{arch}-{Path(compiler[0]).name}.o"
        subprocess.run([*compiler, *FLAGS, "-I", include, "-c", str(source), "-o", str(obj)],
                       check=True)
        listing = subprocess.run(["llvm-objdump-19", "-dr", "--no-show-raw-insn", str(obj)],
                                 check=True, capture_output=True, text=True).stdout
        functions = instructions_by_function(listing)
        print(f"{'accessor':<20} {'count':>5}  instructions ({Path(compiler[0]).name}, {arch} kernel mode)")
        for name in ACCESSORS:
            body = functions.get(name)
            if body is None:
                failures.append(f"{compiler[0]}: {name} not found in the disassembly")
                continue
            print(f"{name:<20} {len(body):>5}  " + " | ".join(body))
            limit = LIMITS.get(name)
            if limit is not None and len(body) > limit + EXTRA.get(arch, 0):
                failures.append(f"{compiler[0]}: {name} takes {len(body)} instructions, "
                                f"limit {limit + EXTRA.get(arch, 0)}")
            if limit is not None and not any("percpu_storage7counter" in i for i in body):
                failures.append(f"{compiler[0]}: {name} has no relocation against the variable")
        if arch == "riscv64" and "R_RISCV_RELAX" in listing:
            failures.append(f"{compiler[0]}: R_RISCV_RELAX in the per-CPU accessors")
        print()
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
