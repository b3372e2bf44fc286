"""Links real objects with initialized per-CPU variables through percpu-ldgen-injected scripts,
with GNU ld and ld.lld (14 and 19), for x86_64, aarch64, riscv64 and loongarch64, and checks the
final ELF with pyelftools (an ELF reader independent of the linkers and of percpu-check).

Environment: PERCPU_LDGEN = path of the built percpu-ldgen."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile
from elftools.elf.constants import SH_FLAGS

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "support"))
from elf_fixtures import FREESTANDING_CFLAGS, load_address, tool  # noqa: E402
SCRIPTS = HERE / "scripts"
LDGEN = os.environ.get("PERCPU_LDGEN")

# (arch, compiler command, GNU ld or None). LoongArch: clang-19 only, and no GNU ld here.
ARCHES = {
    "x86_64": (["gcc", "-mcmodel=large"], "ld"),
    "aarch64": (["aarch64-linux-gnu-gcc"], "aarch64-linux-gnu-ld"),
    "riscv64": (["riscv64-linux-gnu-gcc", "-mcmodel=medany", "-mno-relax"], "riscv64-linux-gnu-ld"),
    "loongarch64": (["clang-19", "--target=loongarch64-unknown-linux-gnu"], None),
    # Cortex-M firmware (32-bit): no GNU ld for ARM here; only the 32-bit-address fixtures.
    "thumbv7m": (["clang-19", "--target=thumbv7m-none-eabi"], None),
}
ARCH_SCRIPTS = {"thumbv7m": ["mcu-phdrs.ld", "stm32-mcu.ld", "rtos-ram.ld", "phdrs-nofilehdr.ld", "tutorial-kernel.ld",
                             "after-option.ld", "include-main.ld"]}
# ld.lld (14) has no LoongArch backend: only lld 19 links LoongArch here.
LINKERS = ["bfd", "lld14", "lld19"]

# The template's initial bytes, by symbol (the values in percpu_vars.c, little endian).
EXPECTED = {
    "pc_counter": (0x11223344).to_bytes(4, "little"),
    "pc_big": (0x8877665544332211).to_bytes(8, "little"),
    "pc_aligned": bytes([0xA1, 0xB2, 0xC3]),
}

# fixture -> (section before the block, section after it, shape, extra ldgen args)
SHAPES = {
    "tutorial-kernel.ld": (".data", ".bss", "plain", []),
    "higher-half.ld": (".data", ".bss", "plain", []),
    "linux-style-at.ld": (".data", ".sbss .bss", "plain", []),  # .sbss is empty (dropped) on some arches
    "hypervisor-phdrs.ld": (".data", ".bss", "phdrs", []),
    "stm32-mcu.ld": (".data", ".bss", "regions", []),
    "rtos-ram.ld": (".data", ".bss", "regions", []),
    "overlay.ld": (".data", ".bss", "plain", []),
    "include-main.ld": (".data", ".bss", "plain", []),
    "phdrs-nofilehdr.ld": (".data", ".bss", "phdrs", []),
    "after-option.ld": (".rodata", ".data", "plain", ["--after", ".rodata"]),
    "vmlinux-style.ld": (".data", ".bss", "phdrs", []),
    "mcu-phdrs.ld": (".data", ".bss", "regions", []),
}
DELTA_SHAPES = ["vmlinux-style.ld", "tutorial-kernel.ld", "higher-half.ld", "hypervisor-phdrs.ld", "include-main.ld", "stm32-mcu.ld",
                "rtos-ram.ld", "mcu-phdrs.ld"]


def linker_cmd(arch, linker):
    if linker == "bfd":
        return [tool(ARCHES[arch][1])]
    return [tool("ld.lld" if linker == "lld14" else "ld.lld-19")]


@pytest.fixture(scope="session")
def ldgen():
    assert LDGEN and Path(LDGEN).is_file(), "set PERCPU_LDGEN to the built percpu-ldgen"
    return LDGEN


@pytest.fixture(scope="session")
def objects(tmp_path_factory):
    out = tmp_path_factory.mktemp("obj")
    objs = {}
    for arch, (cc, _) in ARCHES.items():
        obj = out / f"{arch}.o"
        cmd = [tool(cc[0])] + cc[1:] + FREESTANDING_CFLAGS + ["-c", str(HERE / "percpu_vars.c"), "-o", str(obj)]
        subprocess.run(cmd, check=True)
        objs[arch] = obj
    return objs


def cases():
    for arch in ARCHES:
        for linker in LINKERS:
            if linker == "bfd" and ARCHES[arch][1] is None:
                continue  # no GNU ld for LoongArch (or bare-metal ARM) in Debian 12
            if linker == "lld14" and arch == "loongarch64":
                continue  # lld 14 predates LoongArch support
            for script in ARCH_SCRIPTS.get(arch, SHAPES):
                yield pytest.param(arch, linker, script, "zero", id=f"{arch}-{linker}-{script}-zero")
            for script in [s for s in DELTA_SHAPES if s in ARCH_SCRIPTS.get(arch, SHAPES)]:
                yield pytest.param(arch, linker, script, "delta", id=f"{arch}-{linker}-{script}-delta")


def link(ldgen, objects, tmp_path, arch, linker, script, model, cpus=4):
    extra = SHAPES[script][3]
    injected = tmp_path / ("out-" + script)
    subprocess.run([ldgen, str(SCRIPTS / script), "--cpus", str(cpus), "--vma", model, "-o", str(injected)] + extra,
                   check=True)
    elf_path = tmp_path / "out.elf"
    result = subprocess.run(linker_cmd(arch, linker) + ["-L", str(SCRIPTS), "-T", str(injected), str(objects[arch]),
                                                        "-o", str(elf_path)], capture_output=True, text=True)
    return result, elf_path


@pytest.mark.parametrize("arch,linker,script,model", list(cases()))
def test_link(ldgen, objects, tmp_path, arch, linker, script, model):
    cpus = 4
    if script == "hypervisor-phdrs.ld" and model == "zero":
        # The linkers load the file and program headers below the lowest section address; with
        # the template at VMA 0 there is no room (lld: "could not allocate headers"): refused.
        r = subprocess.run([ldgen, str(SCRIPTS / script), "--cpus", "4"], capture_output=True, text=True)
        assert r.returncode == 2 and "pass --vma delta" in r.stderr and r.stdout == ""
        return
    result, elf_path = link(ldgen, objects, tmp_path, arch, linker, script, model, cpus)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr.lower() or "rwx" in result.stderr.lower(), result.stderr
    prev_name, next_name, shape, _ = SHAPES[script]
    with open(elf_path, "rb") as f:
        elf = ELFFile(f)
        sym = {s.name: s["st_value"] for s in elf.get_section_by_name(".symtab").iter_symbols() if s.name}
        pc = elf.get_section_by_name(".percpu")
        assert pc is not None
        assert pc["sh_type"] == "SHT_PROGBITS"
        assert pc["sh_flags"] & SH_FLAGS.SHF_ALLOC
        data = pc.data()
        size = pc["sh_size"]
        align = pc["sh_addralign"]
        assert align >= 128
        base = sym["_percpu_load_start"]
        assert sym["_percpu_load_end"] - base == size
        for name, value in EXPECTED.items():
            off = sym[name] - pc["sh_addr"]
            assert data[off:off + len(value)] == value, name
        assert (sym["pc_aligned"] - base) % 128 == 0
        stride = (max(size, 1) + max(64, align) - 1) // max(64, align) * max(64, align)
        assert sym["_percpu_stride"] == stride
        start, end = sym["_percpu_start"], sym["_percpu_end"]
        assert end - start == stride * cpus
        assert start % max(4096, align) == 0
        if model == "zero":
            assert pc["sh_addr"] == 0 and base == 0
        else:
            assert pc["sh_addr"] == start == base

        prev = elf.get_section_by_name(prev_name)
        nxt = next(s for s in map(elf.get_section_by_name, next_name.split()) if s is not None)
        prev_delta = prev["sh_addr"] - load_address(elf, prev)
        lma = load_address(elf, pc)
        if shape == "regions":
            # The areas are reserved in the RAM region; the template's image is stored in the
            # load region after what is already there, and the next section does not overlap.
            assert sym["_percpu_image"] == lma
            areas = elf.get_section_by_name(".percpu.areas")
            assert areas["sh_type"] == "SHT_NOBITS"
            # zero: the areas section holds all N areas; delta: CPU 0's area is the template.
            assert areas["sh_addr"] <= (start if model == "zero" else start + size)
            assert areas["sh_addr"] + areas["sh_size"] >= end
            assert nxt["sh_addr"] >= end
            prev_lma = load_address(elf, prev)
            if model == "zero" or script in ("stm32-mcu.ld", "mcu-phdrs.ld"):  # stored after .data (AT> FLASH)
                assert lma >= prev_lma + prev["sh_size"]
            else:  # RAM-only, delta: loaded where it is linked, CPU 0's area
                assert lma == start
        else:
            # The template is loaded at CPU 0's area (in the loader's view of addresses).
            assert lma == start - prev_delta
            assert nxt["sh_addr"] >= end
            # The next section keeps the VMA-to-LMA delta of the section before the block.
            assert nxt["sh_addr"] - load_address(elf, nxt) == prev_delta
        if shape == "phdrs" and model == "zero":
            owner = [i for i, seg in enumerate(elf.iter_segments()) if seg.section_in_segment(pc)]
            assert len(owner) == 1 and elf.get_segment(owner[0])["p_type"] == "PT_LOAD"
            seg_of = lambda s: [i for i, seg in enumerate(elf.iter_segments())
                                if seg["p_type"] == "PT_LOAD" and seg.section_in_segment(s)]
            assert len(seg_of(nxt)) == 1 and len(seg_of(prev)) == 1
            # No other segment's file image covers the template's bytes (lld stretches p_filesz
            # of a segment whose sections straddle the template in file order).
            for i, seg in enumerate(elf.iter_segments()):
                if seg["p_type"] == "PT_LOAD" and i != owner[0] and seg["p_filesz"]:
                    lo, hi = seg["p_offset"], seg["p_offset"] + seg["p_filesz"]
                    assert hi <= pc["sh_offset"] or lo >= pc["sh_offset"] + size, seg.header
        # No segment with an absurd size (a VMA-0 section merged into a kernel's segment gives GiBs).
        for seg in elf.iter_segments():
            if seg["p_type"] == "PT_LOAD":
                assert seg["p_memsz"] < 64 << 20, seg.header
                assert seg["p_filesz"] <= seg["p_memsz"]
        assert os.path.getsize(elf_path) < 16 << 20


@pytest.mark.parametrize("linker", LINKERS)
def test_empty_template(ldgen, tmp_path, linker):
    """No per-CPU variable at all: the script still links and reserves one minimal area per CPU."""
    src = tmp_path / "empty.c"
    src.write_text("int d = 1; int z[10]; void _start(void) { for (;;) {} }\n")
    obj = tmp_path / "empty.o"
    subprocess.run([tool("gcc"), "-O2", "-ffreestanding", "-fno-pic", "-c", str(src), "-o", str(obj)], check=True)
    result, elf_path = link(ldgen, {"x86_64": obj}, tmp_path, "x86_64", linker, "tutorial-kernel.ld", "zero", 3)
    assert result.returncode == 0, result.stderr
    with open(elf_path, "rb") as f:
        elf = ELFFile(f)
        sym = {s.name: s["st_value"] for s in elf.get_section_by_name(".symtab").iter_symbols() if s.name}
        assert sym["_percpu_stride"] == 64
        assert sym["_percpu_end"] - sym["_percpu_start"] == 64 * 3
        assert elf.get_section_by_name(".bss")["sh_addr"] >= sym["_percpu_end"]


@pytest.mark.parametrize("arch", ["x86_64", "aarch64", "riscv64"])
def test_gnu_default_script(ldgen, objects, tmp_path, arch):
    """GNU ld's own default script (`ld --verbose`): the largest real script at hand. Its section
    after the block (.tdata) is empty and dropped, so only the areas section keeps the data
    segment's load address right."""
    gnu = tool(ARCHES[arch][1])
    verbose = subprocess.run([gnu, "--verbose"], capture_output=True, text=True, check=True).stdout
    script = verbose.split("=" * 50)[1].split("\n", 1)[1]
    src = tmp_path / "default.ld"
    src.write_text(script)
    out = tmp_path / "default.percpu.ld"
    subprocess.run([ldgen, str(src), "--cpus", "4", "-o", str(out)], check=True)
    elf_path = tmp_path / "a.elf"
    subprocess.run([gnu, "-static", "-T", str(out), str(objects[arch]), "-o", str(elf_path)], check=True)
    with open(elf_path, "rb") as f:
        elf = ELFFile(f)
        pc = elf.get_section_by_name(".percpu")
        assert pc["sh_type"] == "SHT_PROGBITS" and pc["sh_addr"] == 0
        sym = {s.name: s["st_value"] for s in elf.get_section_by_name(".symtab").iter_symbols() if s.name}
        assert load_address(elf, pc) == sym["_percpu_start"]
        for seg in elf.iter_segments():
            if seg["p_type"] == "PT_LOAD" and not seg.section_in_segment(pc):
                assert seg["p_vaddr"] == seg["p_paddr"], seg.header  # identity-mapped as before
        # After the initialized data (which follows TLS in this script), before .bss.
        data = elf.get_section_by_name(".sdata") or elf.get_section_by_name(".data")  # RISC-V: small data
        assert data["sh_addr"] + data["sh_size"] <= sym["_percpu_start"]
        assert elf.get_section_by_name(".bss")["sh_addr"] >= sym["_percpu_end"]


# Not aarch64 + lld: lld with GNU ld's AArch64 default script packs the R and R+X segments into
# one 64 KiB page, and qemu-user (4 KiB pages) maps it without X: the same program linked with the
# UNinjected script crashes at _start too (measured), so that pair says nothing about ldgen.
@pytest.mark.parametrize("arch,runner,linker", [
    ("x86_64", [], "bfd"), ("x86_64", [], "lld19"),
    ("aarch64", ["qemu-aarch64-static"], "bfd"),
    ("riscv64", ["qemu-riscv64-static"], "bfd"), ("riscv64", ["qemu-riscv64-static"], "lld19")])
def test_delta_program_runs(ldgen, tmp_path, arch, runner, linker):
    """Runs a static program (natively or under qemu-user) whose script is GNU ld's default script
    injected with --vma delta: the loader itself must place the template at CPU 0's area."""
    gnu = tool(ARCHES[arch][1])
    cc = ARCHES[arch][0]
    verbose = subprocess.run([gnu, "--verbose"], capture_output=True, text=True, check=True).stdout
    src = tmp_path / "default.ld"
    src.write_text(verbose.split("=" * 50)[1].split("\n", 1)[1])
    out = tmp_path / "default.percpu.ld"
    subprocess.run([ldgen, str(src), "--cpus", "3", "--vma", "delta", "-o", str(out)], check=True)
    obj = tmp_path / "run.o"
    # cc[1:] keeps -mno-relax on RISC-V: nothing sets gp in this crt-less program.
    subprocess.run([tool(cc[0])] + cc[1:] + ["-O2", "-ffreestanding", "-fno-pic", "-fno-pie", "-fno-stack-protector",
                                   "-fno-asynchronous-unwind-tables", "-c", str(HERE / "run_delta.c"), "-o", str(obj)],
                   check=True)
    exe = tmp_path / "run"
    subprocess.run(linker_cmd(arch, linker) + ["-static", "-T", str(out), str(obj), "-o", str(exe)], check=True)
    run = [tool(runner[0])] if runner else []
    result = subprocess.run(run + [str(exe)], timeout=60)
    assert result.returncode == 0, f"failed checks, bits {result.returncode:#x}"
