#!/usr/bin/env python3
"""Hot variables past their reach are a LINK error, on every architecture and linker.

A kernel (hot_reach/kernel.ld, block written by the real percpu-ldgen) links two units of
hot_reach/hot.cpp: a hot block of N bytes first, then a hot u64 `hot_last` at offset N, read and
written by the short hot sequences (zero model, kernel mode). For each architecture and each
linker that supports it (GNU ld; ld.lld 14 and 19; LoongArch: ld.lld 19 only):
  fits     N = 2040: the hot part ends at 2048 = layout::kHotReach; the link succeeds and the
           linked read_last/write_last encode exactly hot_last's offset (2040);
  over     N = 2048: the hot part ends at 2056; the link FAILS with the block's ASSERT message
           (naming .percpu.hot and 2048);
  control  the same objects linked with the block minus its ASSERT line: on riscv64 and
           loongarch64 (N = 2048) and aarch64 (N = 4096) the link succeeds and the linked
           immediate is NOT hot_last's offset: the silent truncation the ASSERT prevents.
           x86_64's %gs:disp32 has nothing to truncate: there the control links and encodes the
           right offset (the ASSERT keeps the layout contract, the same on every architecture).
  record   the linked `fits` image carries, in .note.percpu.reach, exactly one hot_access record
           (kind 1, reach 2048) per unit that declares hot variables (2; one unit declares two),
           beside the template ones.
Usage: check_hot_reach.py <percpu-ldgen> <libpercpu include dir> <work dir>
"""
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent / "hot_reach"
FLAGS = ["-std=c++17", "-O2", "-ffreestanding", "-fno-exceptions", "-fno-rtti", "-nostdlib",
         "-fno-pie", "-Wall", "-Wextra", "-Werror"]
LLD = [["ld.lld-14"], ["ld.lld-19"]]
GNU_FLAGS = ["--no-warn-rwx-segments"]
# arch: (compiler, linkers, regex of the immediate in the linked load, control block size)
ARCHES = {
    "x86_64": (["g++", "-mno-red-zone"], [["ld", *GNU_FLAGS], *LLD],
               r"%gs:(-?0x[0-9a-f]+|-?\d+)", 2048),
    "aarch64": (["aarch64-linux-gnu-g++", "-mno-outline-atomics"],
                [["aarch64-linux-gnu-ld", *GNU_FLAGS], *LLD],
                r"\[\w+(?:, #(-?0x[0-9a-f]+|-?\d+))?\]", 4096),
    "riscv64": (["riscv64-linux-gnu-g++", "-mcmodel=medany"],
                [["riscv64-linux-gnu-ld", "--relax", *GNU_FLAGS], *LLD],
                r"(-?0x[0-9a-f]+|-?\d+)\(gp\)", 2048),
    "loongarch64": (["clang++-19", "--target=loongarch64-none-elf", "-mno-lsx"], [["ld.lld-19"]],
                    r"\$r21, (-?0x[0-9a-f]+|-?\d+)", 2048),
}
FITS, OVER = 2040, 2048


def sh(cmd, check=True):
    print("+", " ".join(map(str, cmd)), flush=True)
    return subprocess.run(list(map(str, cmd)), capture_output=True, text=True, check=check)


def compile_units(cxx, include: Path, work: Path, block: int) -> list:
    work.mkdir(parents=True, exist_ok=True)
    objs = []
    for part in ("BLOCK", "LAST"):  # link order: the block first in .percpu.hot
        obj = work / f"{part.lower()}-{block}.o"
        sh([*cxx, *FLAGS, f"-DPART_{part}", f"-DHOT_BLOCK={block}", "-I", include, "-c",
            HERE / "hot.cpp", "-o", obj])
        objs.append(obj)
    return objs


def encoded_offsets(image: Path, pattern: str) -> dict:
    """{function: immediate of its per-CPU access} for read_last and write_last."""
    listing = sh(["llvm-objdump-19", "-d", "--no-show-raw-insn", image]).stdout
    found = {}
    for func in ("read_last", "write_last"):
        body = listing.split(f"<{func}>:", 1)[1].split("\n\n", 1)[0]
        m = re.search(pattern, body)
        found[func] = int(m.group(1), 0) if m and m.group(1) else 0
        print(f"  {func}: {' | '.join(l.split(':', 1)[1].strip() for l in body.splitlines() if ':' in l)}")
    return found


def symbol(image: Path, name: str) -> int:
    nm = sh(["llvm-nm-19", image]).stdout
    return int(re.search(rf"^([0-9a-f]+) \w {name}$", nm, re.M).group(1), 16)


def reach_records(image: Path) -> list:
    """[(kind, reach)] of the percpu notes in .note.percpu.reach (layout.hpp: "Reach record")."""
    dump = image.with_suffix(".reach")
    sh(["llvm-objcopy-19", "--dump-section", f".note.percpu.reach={dump}", image, image.with_suffix(".tmp")])
    data, records, at = dump.read_bytes(), [], 0
    while at + 12 <= len(data):
        namesz, descsz, ntype = struct.unpack_from("<III", data, at)
        name = data[at + 12:at + 12 + namesz]
        desc_at = at + 12 + (namesz + 3) // 4 * 4
        if name == b"percpu\0" and ntype == 1 and descsz == 16:
            reach, kind = struct.unpack_from("<QI", data, desc_at)
            records.append((kind, reach))
        at = desc_at + (descsz + 3) // 4 * 4
    return records


def check_arch(arch: str, script: Path, control_script: Path, include: Path, work: Path) -> list:
    cxx, linkers, pattern, control_block = ARCHES[arch]
    failures = []
    missing = [t for t in [cxx[0], *(l[0] for l in linkers)] if shutil.which(t) is None]
    if missing:
        return [f"{arch}: {', '.join(missing)} not found (scripts/install-deps installs it)"]
    objs = {n: compile_units(cxx, include, work / arch, n) for n in {FITS, OVER, control_block}}
    hot_last = "_ZN14percpu_storage8hot_lastE"
    for linker in linkers:
        name = f"{arch}/{linker[0]}"
        image = work / arch / f"fits-{linker[0]}.elf"
        r = sh([*linker, "-T", script, *objs[FITS], "-o", image], check=False)
        if r.returncode != 0:
            failures.append(f"{name}: a hot part of exactly 2048 bytes failed to link: {r.stderr.strip()}")
        else:
            value = symbol(image, hot_last)
            got = encoded_offsets(image, pattern)
            print(f"{name} fits: hot_last at {value:#x}, encoded {got}")
            if value != FITS or any(v != value for v in got.values()):
                failures.append(f"{name}: hot_last at {value:#x}, the accesses encode {got}")
            records = reach_records(image)
            hot = [r for r in records if r[0] == 1]
            print(f"{name} reach records (kind, reach): {records}")
            if hot != [(1, 2048), (1, 2048)] or not any(k == 0 for k, _ in records):
                failures.append(f"{name}: expected one hot_access record of 2048 per hot unit "
                                f"(2) and template records, found {records}")

        r = sh([*linker, "-T", script, *objs[OVER], "-o", work / arch / "over.elf"], check=False)
        message = (r.stdout + r.stderr).strip()
        print(f"{name} over: exit {r.returncode}: {message.splitlines()[:1]}")
        if r.returncode == 0 or ".percpu.hot" not in message or "2048" not in message:
            failures.append(f"{name}: a hot part of 2056 bytes linked, or without the ASSERT's "
                            f"message: exit {r.returncode}: {message}")

        image = work / arch / f"control-{linker[0]}.elf"
        r = sh([*linker, "-T", control_script, *objs[control_block], "-o", image], check=False)
        if r.returncode != 0:
            failures.append(f"{name}: control (no ASSERT) failed to link: {r.stderr.strip()}")
            continue
        value = symbol(image, hot_last)
        got = encoded_offsets(image, pattern)
        print(f"{name} control without the ASSERT: hot_last at {value:#x}, encoded {got}")
        truncated = any(v != value for v in got.values())
        if arch == "x86_64" and truncated:
            failures.append(f"{name}: control: %gs:disp32 encoded {got} for {value:#x}")
        if arch != "x86_64" and not truncated:
            failures.append(f"{name}: control: the short form encoded {value:#x} correctly, so "
                            "this test would not notice a missing ASSERT")
    return failures


def main() -> int:
    ldgen, include, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    work.mkdir(parents=True, exist_ok=True)
    script = work / "kernel.percpu.ld"
    sh([ldgen, HERE / "kernel.ld", "--cpus", "2", "-o", script])
    text = script.read_text()
    assert_lines = [l for l in text.splitlines() if "ASSERT(_percpu_hot_end" in l]
    if "KEEP(*(.percpu.hot .percpu.hot.*))" not in text or len(assert_lines) != 1:
        print("FAIL: percpu-ldgen's block lacks the hot part or its ASSERT:\n" + text)
        return 1
    control_script = work / "kernel.no-assert.ld"
    control_script.write_text(text.replace(assert_lines[0] + "\n", ""))
    failures = []
    for arch in ARCHES:
        failures += check_arch(arch, script, control_script, include, work)
    for f in failures:
        print("FAIL:", f)
    print("PASS" if not failures else "FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
