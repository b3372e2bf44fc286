#!/usr/bin/env python3
"""Codegen of the guarded read-modify-writes (interrupt-safe CPU-local atomics): compiles
atomics.cpp (-O2, kernel mode, zero model) for one architecture with each available compiler,
disassembles it with llvm-objdump-19, PRINTS every accessor's instruction count and body, and
asserts that each guarded accessor contains its architecture's atomic instructions (the
sequences of libpercpu/include/percpu/arch/atomic_<arch>.hpp), while the _raw add has none.
Usage: count_atomics.py <config> <libpercpu include dir> <work dir>
  config: aarch64 (ARMv8.0: ldxr/stxr) | aarch64-lse (+lse: stadd/swp/cas) | riscv64 | riscv32 |
          loongarch64
"""
import re
import shutil
import subprocess
import sys
from pathlib import Path

KERNEL = ["-std=c++17", "-O2", "-ffreestanding", "-fno-exceptions", "-fno-rtti", "-nostdlib",
          "-fno-pie"]
A64_GCC = ["aarch64-linux-gnu-g++", "-mno-outline-atomics"]
A64_CLANG = ["clang++-19", "--target=aarch64-none-elf"]
RV_GCC = ["riscv64-linux-gnu-g++", "-mcmodel=medany"]
RV_CLANG = ["clang++-19", "--target=riscv64-none-elf", "-mcmodel=medany"]
RV32_CLANG = ["clang++-19", "--target=riscv32-none-elf", "-march=rv32imac"]
LA_CLANG = ["clang++-19", "--target=loongarch64-none-elf"]
LSE = ["-march=armv8-a+lse"]

# accessor -> every instruction (mnemonic) it must contain
LLSC = {"percpu_add": ["ldxr", "stxr"], "percpu_add32": ["ldxr", "stxr"],
        "percpu_add16": ["ldxrh", "stxrh"], "percpu_xchg": ["ldxr", "stxr"],
        "percpu_cmpxchg": ["ldxr", "stxr"]}
A64_LSE = {"percpu_add": ["stadd"], "percpu_add32": ["stadd"], "percpu_add16": ["staddh"],
           "percpu_xchg": ["swp"], "percpu_cmpxchg": ["cas"]}
RV64 = {"percpu_add": ["amoadd.d"], "percpu_add32": ["amoadd.w"],
        "percpu_add16": ["lr.w", "sc.w"], "percpu_xchg": ["amoswap.d"],
        "percpu_cmpxchg": ["lr.d", "sc.d"]}
# riscv32: no 64-bit AMO or lr/sc, so u64 stays a guarded load/add/store (documented).
RV32 = {"percpu_add32": ["amoadd.w"], "percpu_add16": ["lr.w", "sc.w"]}
LA64 = {"percpu_add": ["amadd.d"], "percpu_add32": ["amadd.w"], "percpu_add16": ["ll.w", "sc.w"],
        "percpu_xchg": ["amswap.d"], "percpu_cmpxchg": ["ll.d", "sc.d"]}
# config: (compilers, extra flags, required instructions)
CONFIGS = {
    "aarch64": ([A64_GCC, A64_CLANG], [], LLSC),
    "aarch64-lse": ([A64_GCC, A64_CLANG], LSE, A64_LSE),
    "riscv64": ([RV_GCC, RV_CLANG], [], RV64),
    "riscv32": ([RV32_CLANG], [], RV32),
    "loongarch64": ([LA_CLANG], [], LA64),
}
ACCESSORS = ("percpu_add", "percpu_add32", "percpu_add16", "percpu_xchg", "percpu_cmpxchg",
             "percpu_add_raw")
ATOMIC = re.compile(r"^(ld[a]?xr|st[l]?xr|stadd|ldadd|swp|cas|amo|lr\.|sc\.|am[a-z]+\.|ll\.)")
SKIP = re.compile(r"^(ret|nop|andi\s+\$zero|c\.nop)\b")


def instructions_by_function(listing: str) -> dict:
    functions, current = {}, None
    for line in listing.splitlines():
        head = re.match(r"^[0-9a-f]+ <(\w+)>:$", line)
        if head:
            current = head.group(1)
            functions[current] = []
        elif current and re.match(r"^\s+[0-9a-f]+:\s", line):
            text = re.sub(r"\s+", " ", line.split(":", 1)[1].strip())
            if text and not SKIP.match(text) and not text.startswith("R_"):
                functions[current].append(text)
    return functions


def check(compiler: list, body: list, name: str, required: dict) -> list:
    mnemonics = [insn.split(" ")[0] for insn in body]
    if name == "percpu_add_raw":
        atomic = [m for m in mnemonics if ATOMIC.match(m)]
        return [f"{compiler[0]}: {name} has atomic instructions {atomic}"] if atomic else []
    return [f"{compiler[0]}: {name} lacks {insn}" for insn in required.get(name, [])
            if insn not in mnemonics]


def main() -> int:
    config, include, work = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    compilers, extra, required = CONFIGS[config]
    work.mkdir(parents=True, exist_ok=True)
    source = Path(__file__).with_name("atomics.cpp")
    failures = []
    for compiler in compilers:
        if shutil.which(compiler[0]) is None:
            failures.append(f"{compiler[0]} not found (scripts/install-deps installs it)")
            continue
        obj = work / f"atomic-{config}-{Path(compiler[0]).name}.o"
        subprocess.run([*compiler, *KERNEL, *extra, "-I", include, "-c", str(source), "-o",
                        str(obj)], check=True)
        listing = subprocess.run(["llvm-objdump-19", "-d", "--no-show-raw-insn", str(obj)],
                                 check=True, capture_output=True, text=True).stdout
        functions = instructions_by_function(listing)
        print(f"{'accessor':<16} {'count':>5}  instructions ({Path(compiler[0]).name}, {config})")
        for name in ACCESSORS:
            body = functions.get(name)
            if body is None:
                failures.append(f"{compiler[0]}: {name} not found in the disassembly")
                continue
            print(f"{name:<16} {len(body):>5}  " + " | ".join(body))
            failures += check(compiler, body, name, required)
        print()
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
