#!/usr/bin/env python3
"""Codegen of the load/store architectures: compiles accessors.cpp (-O2) for one architecture
and mode, disassembles it with llvm-objdump-19 and PRINTS the instruction count of each
accessor (ret and padding excluded). Asserts what the arch headers promise for read and write
of a u64: kernel mode, zero model: at most 3 instructions (the Rust crate's read; 4 with
PERCPU_AARCH64_LARGE_OFFSETS); the other modes have their own documented limits (delta: the
variable's PC-relative address costs 2, host AArch64: the thread-local register word 2 more).
RISC-V objects must carry no R_RISCV_RELAX on a zero-model per-CPU sequence.
Hot variables (PERCPU_DEFINE_HOT), zero model: read and write of a u64 are EXACTLY 1 instruction
on riscv64 and loongarch64 and 2 on aarch64 (mrs + ldr/str with a :lo12: relocation); in the
delta model and host mode they take the ordinary sequences (the same limits as above).
Usage: count_instructions_arch.py <config> <libpercpu include dir> <work dir>
  config: aarch64 | aarch64-large | riscv64 | loongarch64 (kernel mode, zero model),
          aarch64-delta | riscv64-delta | loongarch64-delta (kernel mode, delta model, -fPIE),
          aarch64-host | riscv64-host (Linux host mode)
"""
import re
import shutil
import subprocess
import sys
from pathlib import Path

ACCESSORS = ("percpu_read", "percpu_write", "percpu_add", "percpu_inc", "percpu_current_ptr")
# Dynamic objects: register + offset register; read/write within the same limit (printed).
DYNAMIC = ("dyn_read", "dyn_write", "dyn_add", "dyn_inc")
ACCESS = ("percpu_read", "percpu_write")
HOT = ("percpu_hot_read", "percpu_hot_write", "percpu_hot_read_u8", "percpu_hot_write_u8",
       "percpu_hot_current_ptr", "percpu_hot_add")
HOT_ACCESS = ("percpu_hot_read", "percpu_hot_write")
# The hot short form, zero model: (exact instruction count of a u64 read/write, relocation).
HOT_SHORT = {"aarch64": (2, "_ABS_LO12_NC"), "aarch64-large": (2, "_ABS_LO12_NC"),
             "riscv64": (1, "R_RISCV_LO12_"), "loongarch64": (1, "R_LARCH_ABS_LO12")}
KERNEL = ["-std=c++17", "-O2", "-ffreestanding", "-fno-exceptions", "-fno-rtti", "-nostdlib",
          "-fno-pie"]
DELTA = ["-std=c++17", "-O2", "-ffreestanding", "-fno-exceptions", "-fno-rtti", "-nostdlib",
         "-fPIE", "-DPERCPU_VMA_DELTA=1"]
HOST = ["-std=c++17", "-O2", "-fPIE"]
A64_GCC = ["aarch64-linux-gnu-g++", "-mno-outline-atomics"]
A64_CLANG = ["clang++-19", "--target=aarch64-none-elf"]
RV_GCC = ["riscv64-linux-gnu-g++", "-mcmodel=medany"]
RV_CLANG = ["clang++-19", "--target=riscv64-none-elf", "-mcmodel=medany"]
LA_CLANG = ["clang++-19", "--target=loongarch64-none-elf"]
# config: (compilers, flags, read/write limit)
CONFIGS = {
    "aarch64": ([A64_GCC, A64_CLANG], KERNEL, 3),
    "aarch64-large": ([A64_GCC, A64_CLANG], KERNEL + ["-DPERCPU_AARCH64_LARGE_OFFSETS=1"], 4),
    "riscv64": ([RV_GCC, RV_CLANG], KERNEL, 3),
    "loongarch64": ([LA_CLANG], KERNEL, 3),
    "aarch64-delta": ([A64_GCC, A64_CLANG], DELTA, 4),
    "riscv64-delta": ([RV_GCC, RV_CLANG], DELTA, 4),
    "loongarch64-delta": ([LA_CLANG], DELTA, 3),
    "aarch64-host": ([A64_GCC, ["clang++-19", "--target=aarch64-linux-gnu"]], HOST, 7),
    "riscv64-host": ([RV_GCC, ["clang++-19", "--target=riscv64-linux-gnu"]], HOST, 4),
}
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
    config, include, work = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    compilers, flags, limit = CONFIGS[config]
    work.mkdir(parents=True, exist_ok=True)
    source = Path(__file__).with_name("accessors.cpp")
    failures = []
    for compiler in compilers:
        if shutil.which(compiler[0]) is None:
            failures.append(f"{compiler[0]} not found (scripts/install-deps installs it)")
            continue
        obj = work / f"{config}-{Path(compiler[0]).name}.o"
        subprocess.run([*compiler, *flags, "-I", include, "-c", str(source), "-o", str(obj)],
                       check=True)
        listing = subprocess.run(["llvm-objdump-19", "-dr", "--no-show-raw-insn", str(obj)],
                                 check=True, capture_output=True, text=True).stdout
        functions = instructions_by_function(listing)
        print(f"{'accessor':<22} {'count':>5}  instructions ({Path(compiler[0]).name}, {config})")
        for name in ACCESSORS + HOT:
            body = functions.get(name)
            if body is None:
                failures.append(f"{compiler[0]}: {name} not found in the disassembly")
                continue
            print(f"{name:<22} {len(body):>5}  " + " | ".join(body))
            if name in HOT_ACCESS and config in HOT_SHORT:
                count, reloc = HOT_SHORT[config]
                if len(body) != count or not any(reloc in i and "hot_counter" in i for i in body):
                    failures.append(f"{compiler[0]}: {name} takes {len(body)} instructions, "
                                    f"expected exactly {count} with a {reloc} relocation")
                continue
            if name in ACCESS + HOT_ACCESS and len(body) > limit:
                failures.append(f"{compiler[0]}: {name} takes {len(body)} instructions, "
                                f"limit {limit}")
            # Zero model: an absolute relocation naming the variable. Delta/host: g++ may name the
            # section (.percpu) or a local anchor for a PC-relative address instead.
            refs = ("counter",) if flags is KERNEL else ("counter", ".percpu", ".LANCHOR")
            if name in ACCESS + HOT_ACCESS and not any(r in i for i in body for r in refs):
                failures.append(f"{compiler[0]}: {name} has no relocation against the variable")
        for name in DYNAMIC:
            body = functions.get(name)
            if body is None:
                failures.append(f"{compiler[0]}: {name} not found in the disassembly")
                continue
            print(f"{name:<20} {len(body):>5}  " + " | ".join(body))
            if name in ("dyn_read", "dyn_write") and len(body) > limit:
                failures.append(f"{compiler[0]}: {name} takes {len(body)} instructions, limit {limit}")
        if config == "riscv64" and "R_RISCV_RELAX" in listing:
            failures.append(f"{compiler[0]}: R_RISCV_RELAX in the per-CPU accessors")
        print()
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
