#!/usr/bin/env python3
"""x86_64 codegen: compiles accessors.cpp (-O2) in three modes, disassembles it and counts the
instructions of each accessor (ret and alignment padding excluded). Prints one table per mode.

  kernel       kernel mode, zero model (-fno-pie -mcmodel=kernel): read, write, add, inc and the
               hot read/write of a u64 are ONE instruction each, addressing %gs with an absolute
               relocation against the variable (like Linux this_cpu_*)
  delta-nopie  host mode, delta model, non-PIE code: the same single absolute %gs instruction
  delta-pie    host mode, delta model, PIE code: `lea var(%rip), %reg` + ONE `%gs:(%reg)` access
In every mode a dynamic object's read, write, add and inc (the handle in a register) are ONE
`%gs:(%reg)` instruction each.
In no mode may a %gs access be RIP-relative: Intel CPUs do not serve `addq $1, %gs:var(%rip)`
by memory renaming (~7x slower in a dependent chain, docs/benchmarks.md).
Usage: count_instructions.py <c++ compiler> <libpercpu include dir> <work dir>
"""
import re
import subprocess
import sys
from pathlib import Path

ACCESSORS = ("percpu_read", "percpu_write", "percpu_add", "percpu_inc", "percpu_hot_read",
             "percpu_hot_write", "percpu_hot_read_u8", "percpu_hot_write_u8", "percpu_hot_add")
DYNAMIC = ("dyn_read", "dyn_write", "dyn_add", "dyn_inc")
COMMON = ["-std=c++17", "-O2", "-fno-exceptions", "-fno-rtti"]
MODES = {
    "kernel": COMMON + ["-ffreestanding", "-nostdlib", "-fno-pie", "-mcmodel=kernel", "-mno-red-zone"],
    "delta-nopie": COMMON + ["-fno-pie"],
    "delta-pie": COMMON + ["-fPIE"],
}


def disassemble(cxx: str, flags: list, include: str, obj: Path) -> str:
    obj.parent.mkdir(parents=True, exist_ok=True)
    source = Path(__file__).with_name("accessors.cpp")
    subprocess.run([cxx, *flags, "-I", include, "-c", str(source), "-o", str(obj)], check=True)
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


def check(mode: str, name: str, body: list) -> list:
    """What the mode promises for one accessor; the failures, if any."""
    gs = [i for i in body if "%gs:" in i]
    if len(gs) != 1:
        return [f"{mode}: {name}: {len(gs)} %gs instructions, expected exactly 1"]
    if "(%rip)" in gs[0]:
        return [f"{mode}: {name}: RIP-relative %gs access (slow on Intel): {gs[0]}"]
    if name.endswith("_u8"):  # the ABI's zero-extension of a returned byte may follow the access
        return []
    if mode == "delta-pie":
        rest = [i for i in body if i not in gs]
        if not re.search(r"%gs:\(%\w+\)", gs[0]) or len(rest) > 1 or \
                any(not (i.startswith("lea") and "(%rip)" in i) for i in rest):
            return [f"{mode}: {name}: expected `lea var(%rip), %reg` + `%gs:(%reg)`, got {body}"]
        return []
    if len(body) != 1 or "R_X86_64_32S" not in gs[0] or "counter" not in gs[0]:
        return [f"{mode}: {name}: expected ONE %gs instruction with an absolute relocation "
                f"(R_X86_64_32S) to the variable, got {body}"]
    return []


def main() -> int:
    cxx, include, work = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    failures = []
    for mode, flags in MODES.items():
        functions = instructions_by_function(
            disassemble(cxx, flags, include, work / f"{Path(cxx).name}-{mode}.o"))
        print(f"{'accessor':<20} {'count':>5}  instructions ({Path(cxx).name}, x86_64 {mode})")
        for name in ACCESSORS:
            body = functions.get(name)
            if body is None:
                failures.append(f"{mode}: {name}: not found in the disassembly")
                continue
            print(f"{name:<20} {len(body):>5}  " + " | ".join(body))
            failures += check(mode, name, body)
        for name in DYNAMIC:
            body = functions.get(name)
            if body is None:
                failures.append(f"{mode}: {name}: not found in the disassembly")
                continue
            print(f"{name:<20} {len(body):>5}  " + " | ".join(body))
            if len(body) != 1 or not re.search(r"%gs:\(%r\w+\)", body[0]):
                failures.append(f"{mode}: {name}: expected ONE %gs:(register) instruction, got {body}")
        print()
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
