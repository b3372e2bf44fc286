#!/usr/bin/env python3
"""Runs the portable runtime suite as a freestanding static program under qemu-user, in kernel
mode and the zero model (canonical block, .percpu at VMA 0), through the mini GoogleTest
harness (harness/). No C library: raw Linux system calls.

  loongarch64          clang++-19 + ld.lld-19 ($r21)
  loongarch64-delta    the same in the delta model (PERCPU_VMA_DELTA=1, template linked at its
                       load address: the block harness.ld's zero block becomes, as ldgen's
                       --vma delta writes it)
  riscv64-delta-gcc    riscv64-linux-gnu-g++ + GNU ld, delta model (-clang: clang++-19)
  riscv64-relax        clang++-19 + GNU riscv64-linux-gnu-ld WITH relaxation (gp): the probe
                       (harness/riscv_relax_probe.cpp) accesses variables below 2 KiB; the linked
                       code of probe_read/probe_write must keep lui + add gp + access, the hot
                       probe_hot_read must stay one `ld a0, off(gp)`, while the
                       relaxable control sequence (the Rust crate's) must have lost its lui: the
                       hazard exists in this very link. Then the suite runs under qemu-riscv64.
  riscv32              clang++-19 + ld.lld-19, zero model (8-byte values via current_ptr)
  riscv64-gcc          riscv64-linux-gnu-g++ + GNU ld with relaxation, zero model (g++ orders
                       the variables differently, so the 2 KiB probe is clang's)
Usage: check_harness.py <config> <libpercpu dir> <tests/runtime dir> <work dir>
"""
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFIGS = {
    # -mno-lsx: QEMU 7.2's LoongArch user mode has no LSX vector unit (kernels avoid SIMD too).
    "loongarch64": (["clang++-19", "--target=loongarch64-none-elf", "-mno-lsx"],
                    ["ld.lld-19"], "qemu-loongarch64-static", []),
    "loongarch64-delta": (["clang++-19", "--target=loongarch64-none-elf", "-mno-lsx",
                           "-DPERCPU_VMA_DELTA=1"], ["ld.lld-19"], "qemu-loongarch64-static", []),
    "riscv64-delta-gcc": (["riscv64-linux-gnu-g++", "-mcmodel=medany", "-DPERCPU_VMA_DELTA=1"],
                          ["riscv64-linux-gnu-ld", "--no-warn-rwx-segments"],
                          "qemu-riscv64-static", []),
    "riscv64-delta-clang": (["clang++-19", "--target=riscv64-none-elf", "-mcmodel=medany",
                             "-DPERCPU_VMA_DELTA=1"], ["riscv64-linux-gnu-ld", "--no-warn-rwx-segments"],
                            "qemu-riscv64-static", []),
    "riscv64-gcc": (["riscv64-linux-gnu-g++", "-mcmodel=medany", "-mrelax"],
                    ["riscv64-linux-gnu-ld", "--relax", "--no-warn-rwx-segments"],
                    "qemu-riscv64-static", []),
    "riscv32": (["clang++-19", "--target=riscv32-none-elf", "-march=rv32imac", "-mabi=ilp32"],
                ["ld.lld-19"], "qemu-riscv32-static", []),
    "riscv64-relax": (["clang++-19", "--target=riscv64-none-elf", "-mcmodel=medany", "-mrelax"],
                      ["riscv64-linux-gnu-ld", "--relax", "--no-warn-rwx-segments"],
                      "qemu-riscv64-static", ["riscv_relax_probe.cpp"]),
}
FLAGS = ["-std=c++17", "-O2", "-ffreestanding", "-fno-exceptions", "-fno-rtti", "-nostdlib",
         "-fno-pie", "-Wall", "-Wextra", "-Werror"]


def sh(cmd, **kw):
    print("+", " ".join(map(str, cmd)), flush=True)
    return subprocess.run(list(map(str, cmd)), check=True, **kw)


def function_body(listing: str, name: str) -> list:
    m = re.search(rf"^[0-9a-f]+ <{name}>:\n(.*?)(?:\n\n|\Z)", listing, re.S | re.M)
    if not m:
        return []
    return [re.sub(r"\s+", " ", l.split(":", 1)[1]).strip() for l in m.group(1).splitlines()
            if re.match(r"^\s*[0-9a-f]+:", l)]


def check_riscv_relaxation(image: Path) -> list:
    failures = []
    listing = sh(["llvm-objdump-19", "-d", "--no-show-raw-insn", image],
                 capture_output=True, text=True).stdout
    nm = sh(["llvm-nm-19", image], capture_output=True, text=True).stdout
    offsets = {}
    for var in ("9probe_u64", "9probe_u32", "9probe_hot"):
        value = int(re.search(rf"^([0-9a-f]+) \w _ZN14percpu_storage{var}E$", nm, re.M).group(1), 16)
        offsets[var[1:]] = value
        print(f"{var[1:]} offset (symbol value) = {value:#x}")
        if value >= 0x800:
            failures.append(f"{var[1:]} at {value:#x}: not below 2 KiB, relaxation not exercised")
    for name, access in (("probe_read", "ld"), ("probe_write", "sw")):
        body = function_body(listing, name)
        print(f"{name}: " + " | ".join(body))
        ok = (any(i.startswith("lui ") for i in body) and any(re.match(r"add \w+, \w+, gp$", i) for i in body)
              and any(i.startswith(access + " ") for i in body))
        if not ok:
            failures.append(f"{name}: lost lui/add gp/{access} after relaxation: {body}")
    # The hot form: ONE load from gp + the variable's offset, untouched by the relaxing link.
    hot = function_body(listing, "probe_hot_read")
    print("probe_hot_read: " + " | ".join(hot))
    want = f"ld a0, {offsets['probe_hot']:#x}(gp)"
    if offsets["probe_hot"] == 0:
        failures.append("probe_hot at offset 0: the immediate would not show the relocation")
    if [i for i in hot if i != "ret"] != [want]:
        failures.append(f"probe_hot_read: expected exactly `{want}` after relaxation, got {hot}")
    control = function_body(listing, "probe_control_relaxable")
    print("control (no norelax): " + " | ".join(control))
    if any(i.startswith("lui ") for i in control):
        failures.append("control: GNU ld did not relax the crate-style sequence; the test would "
                        "not notice a relaxation defect")
    return failures


def delta_block(zero_script: str) -> str:
    """The delta-model form of the canonical block (docs/layout-contract.md): the template is
    linked at its load address, and the areas section has no AT()."""
    out = zero_script.replace(".percpu 0x0 : AT(_percpu_start)", ".percpu _percpu_start : AT(_percpu_start)")
    out = out.replace("(NOLOAD) : AT(ADDR(.percpu.areas))", "(NOLOAD) :")
    out = out.replace("cpus=4 vma=zero", "cpus=4 vma=delta")
    if out.count("vma=delta") != 1 or ".percpu _percpu_start" not in out or "AT(ADDR(.percpu.areas))" in out:
        raise SystemExit("FAIL: harness.ld does not contain the canonical zero block any more")
    return out


def main() -> int:
    config, libpercpu, tests, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
    cxx, ld, qemu, first = CONFIGS[config]
    for tool in (cxx[0], ld[0], qemu, "llvm-objdump-19", "llvm-nm-19"):
        if shutil.which(tool) is None:
            print(f"FAIL: {tool} not found (scripts/install-deps installs it)")
            return 1
    work.mkdir(parents=True, exist_ok=True)
    harness = HERE / "harness"
    sources = [harness / f for f in first] + [
        libpercpu / "src" / "runtime.cpp", tests / "portable_vars.cpp",
        tests / "test_portable_init.cpp", tests / "test_portable_access.cpp",
        tests / "test_portable_atomic.cpp", tests / "test_portable_hot.cpp", harness / "harness.cpp"]
    objs = []
    for src in sources:
        obj = work / (src.stem + ".o")
        sh([*cxx, *FLAGS, "-isystem", harness, "-I", libpercpu / "include", "-I", tests,
            "-c", src, "-o", obj])
        objs.append(obj)
    script = harness / "harness.ld"
    if "delta" in config:
        script = work / "harness-delta.ld"
        script.write_text(delta_block((harness / "harness.ld").read_text()))
    image = work / "harness.elf"
    sh([*ld, "-T", script, *objs, "-o", image])
    failures = check_riscv_relaxation(image) if config.startswith("riscv64-relax") else []
    run = subprocess.run(["timeout", "60", qemu, str(image)], capture_output=True, text=True)
    print(run.stdout + run.stderr)
    if run.returncode != 0:
        failures.append(f"{qemu} {image.name}: exit {run.returncode}")
    if "[  PASSED  ]" not in run.stdout:
        failures.append("the harness did not report its results")
    for f in failures:
        print("FAIL:", f)
    print("PASS" if not failures else "FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
