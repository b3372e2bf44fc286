#!/usr/bin/env python3
"""Smoke check of a benchmark: runs it, shows its output, and asserts that it exited 0 and that
its table has every row filled with numbers. It never looks at how fast anything is.

Usage: check_table.py runtime|elf -- COMMAND [ARGS...]
"""
import platform
import re
import subprocess
import sys

NUMBER = r"\d+(?:\.\d+)?"
# kind -> list of (description, regex over the whole output) that must all match
EXPECTED = {
    "runtime": [
        (f"row {op}", rf"(?m)^\| {re.escape(op)}\s+(\|\s*{NUMBER}\s*){{6}}\|$")
        for op in ("read_current", "write_current", "add_current(1)")
    ] + [
        ("goal line vs thread_local", r"(?m)^goal: add_current within 1\.05x of the thread_local "
                                      rf"increment: {NUMBER}x -> (met|NOT met)$"),
        ("goal line vs Rust", r"(?m)^goal: add_current no slower than the Rust crate's read\+write "
                              rf"increment: {NUMBER}x -> (met|NOT met)$"),
    ],
    # bench/run's second table (x86_64 only): the addressing forms of issue 13.
    "runtime-x86_64": [("CPU model line", r"(?m)^CPU: \S")] + [
        (f"form {form}", rf"(?m)^\| `{re.escape(form)}[^`]*` \| {NUMBER} \|$")
        for form in ("addq $1, var(%rip)", "addq $1, %gs:var(%rip)", "addq $1, %gs:var",
                     "addq $1, %gs:(%rax)", "addq $1, %fs:tl@tpoff")
    ],
    "elf": [
        (f"row {tool}", rf"(?m)^\| small\s+\|\s*{NUMBER}\s*\|\s*\d+\s*\|\s*\d+\s*\|\s*"
                        rf"{re.escape(tool)}\s*\|\s*{NUMBER}\s*\|\s*{NUMBER}\s*\|$")
        for tool in ("percpu-check", "readelf -SsW")
    ] + [
        ("time ratio", rf"(?m)^small: ratio percpu-check time / readelf time = {NUMBER} "),
        ("memory ratio", rf"(?m)^small: ratio percpu-check peak RSS / file size = {NUMBER} "),
        ("checker verdict", r"(?m)^small: .*percpu-check verdict: all rules pass$"),
    ],
}


def main(argv):
    if len(argv) < 4 or argv[1] not in ("runtime", "elf") or argv[2] != "--":
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    proc = subprocess.run(argv[3:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(proc.stdout, end="")
    failures = []
    if proc.returncode != 0:
        failures.append(f"the benchmark exited {proc.returncode}")
    expected = EXPECTED[argv[1]]
    if argv[1] == "runtime" and platform.machine() == "x86_64":
        expected = expected + EXPECTED["runtime-x86_64"]
    failures += [f"missing or not numeric: {what}" for what, pattern in expected
                 if not re.search(pattern, proc.stdout)]
    for f in failures:
        print(f"check_table: FAIL: {f}")
    if not failures:
        print(f"check_table: {argv[1]} benchmark built, ran and printed every row")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
