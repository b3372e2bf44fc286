#!/usr/bin/env python3
"""Compiles accessors.cpp in kernel mode (zero model, -O2), disassembles it and counts the
instructions of each accessor (ret and alignment padding excluded).

x86_64 must use exactly ONE instruction for read, write, add and inc of a u64, each addressing
%gs with an absolute relocation against the variable (like Linux this_cpu_*), and ONE %gs:(reg)
instruction for each on a dynamic object (the handle in a register). Prints a table.
Usage: count_instructions.py <c++ compiler> <libpercpu include dir> <work dir>
"""
import re
import subprocess
import sys
from pathlib import Path

ACCESSORS = ("percpu_read", "percpu_write", "percpu_add", "percpu_inc")
DYNAMIC = ("dyn_read", "dyn_write", "dyn_add", "dyn_inc")
FLAGS = ["-std=c++17", "-O2", "-ffreestanding", "-fno-exceptions", "-fno-rtti", "-nostdlib",
         "-fno-pie", "-mcmodel=kernel", "-mno-red-zone"]


def disassemble(cxx: str, include: str, work: Path) -> str:
    work.mkdir(parents=True, exist_ok=True)
    obj = work / (Path(cxx).name + ".o")
    source = Path(__file__).with_name("accessors.cpp")
    subprocess.run([cxx, *FLAGS, "-I", include, "-c", str(source), "-o", str(obj)], check=True)
    return subprocess.run(["objdump", "-dr", "--no-show-raw-insn", str(obj)], check=True,
                          capture_output=True, text=True).stdout


def instructions_by_function(listing: str) -> dict:
    functions, current = {}, None
    for line in listing.splitlines():
        head = re.match(r"^[0-9a-f]+ <(\w+)>:$", line)
        if head:
            current = head.group(1)
            functions[current] = []
        elif current and re.match(r"^\s+[0-9a-f]+:\s", line):
            text = line.split(":", 1)[1].strip()
            if "R_X86_64" in text:  # a relocation line belongs to the instruction above it
                functions[current][-1] += "  <" + text + ">"
            elif not re.match(r"^(ret|nop|xchg\s+%ax,%ax|cs nopw|data16)", text):
                functions[current].append(text)
    return functions


def main() -> int:
    cxx, include, work = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    functions = instructions_by_function(disassemble(cxx, include, work))
    failures = []
    print(f"{'accessor':<14} {'count':>5}  instructions ({Path(cxx).name}, x86_64 kernel mode)")
    for name in ACCESSORS:
        body = functions.get(name)
        if body is None:
            failures.append(f"{name}: not found in the disassembly")
            continue
        print(f"{name:<14} {len(body):>5}  " + " | ".join(body))
        if len(body) != 1:
            failures.append(f"{name}: {len(body)} instructions, expected 1")
        elif "%gs:" not in body[0] or "R_X86_64_32S" not in body[0] or "counter" not in body[0]:
            failures.append(f"{name}: not a %gs access with an absolute relocation to the variable")
    for name in DYNAMIC:
        body = functions.get(name)
        if body is None:
            failures.append(f"{name}: not found in the disassembly")
            continue
        print(f"{name:<14} {len(body):>5}  " + " | ".join(body))
        if len(body) != 1 or not re.search(r"%gs:\(%r\w+\)", body[0]):
            failures.append(f"{name}: not ONE %gs:(register) instruction")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
