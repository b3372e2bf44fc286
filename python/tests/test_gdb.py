"""percpu.gdb against the running example kernels (docs/gdb.md): each kernel is built from
examples/kernels/<arch> with the INSTALLED percpu-ldgen and percpu-check, booted under QEMU with its
gdbstub stopped at reset (-S) on a free port, and attached by gdb-multiarch in batch mode, which
loads percpu.gdb through the installed share/percpu/percpu-gdb.py. GDB runs until the boot CPU calls
platform::exit (every CPU has written its copies and the boot CPU has checked them), then the
commands' output is compared with addresses computed independently from the ELF (pyelftools).

Controls: the same commands at reset, before any CPU set its register, must report every register
as not selecting an area; a register pointed at another CPU's area and a copy changed through
$percpu() must show up in `percpu regs`, `percpu print` and `percpu diff`.

gdb-multiarch missing is an explicit skip (the only one); a missing QEMU or compiler fails."""

import re
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

import xml.etree.ElementTree as ET

import percpu
import pytest
from elftools.elf.elffile import ELFFile

from conftest import REPO, installed_script, require_tool, run_ok

CPUS = 4
GDB = shutil.which("gdb-multiarch")
SOURCE_SCRIPT = Path(sys.prefix) / "share" / "percpu" / "percpu-gdb.py"
pytestmark = pytest.mark.skipif(GDB is None, reason="gdb-multiarch is not installed (scripts/install-deps installs it)")


@dataclass(frozen=True)
class Machine:
    arch: str            # examples/kernels/<arch>
    qemu: List[str]
    register: str        # the per-CPU register as GDB names it
    cmake: Tuple[str, ...] = ()
    image: str = "kernel.elf"  # what QEMU boots (x86_64: the multiboot flat image)
    # QEMU 7.2's gdbstub ignores writes to aarch64 system registers (reads work).
    register_writable: bool = True


MACHINES: Dict[str, Machine] = {
    "riscv64": Machine("riscv64", ["qemu-system-riscv64", "-M", "virt", "-bios", "none"], "gp"),
    "aarch64": Machine("aarch64", ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57", "-semihosting"],
                       "TPIDR_EL1", ("-DEXAMPLE_EL2=OFF",), register_writable=False),
    "aarch64-el2": Machine("aarch64", ["qemu-system-aarch64", "-M", "virt,virtualization=on", "-cpu",
                                       "cortex-a57", "-semihosting"], "TPIDR_EL2", ("-DEXAMPLE_EL2=ON",), register_writable=False),
    "x86_64": Machine("x86_64", ["qemu-system-x86_64", "-M", "pc", "-no-reboot", "-device",
                                 "isa-debug-exit,iobase=0xf4,iosize=0x04"], "gs_base", image="kernel.bin"),
    "loongarch64": Machine("loongarch64", ["qemu-system-loongarch64", "-M", "virt"], "r21"),
}


def gdb_knows(architecture: str) -> bool:
    done = subprocess.run([GDB, "-batch", "-nx", "-ex", f"set architecture {architecture}"],
                          capture_output=True, text=True, timeout=60)
    return done.returncode == 0 and "Undefined item" not in done.stderr


def free_port() -> int:
    """A TCP port nobody listens on now (tests run in parallel: never QEMU's default 1234)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_kernel(machine: Machine, out: Path) -> Path:
    run_ok(["cmake", "-S", str(REPO / "examples" / "kernels" / machine.arch), "-B", str(out), "-G", "Ninja",
            f"-DCMAKE_TOOLCHAIN_FILE={REPO / 'cmake' / 'toolchains' / (machine.arch + '-elf.cmake')}",
            f"-DPERCPU_LDGEN_EXECUTABLE={installed_script('percpu-ldgen')}",
            f"-DPERCPU_CHECK_EXECUTABLE={installed_script('percpu-check')}",
            "-DCMAKE_DISABLE_FIND_PACKAGE_percpu=ON", f"-DEXAMPLE_CPUS={CPUS}", *machine.cmake])
    run_ok(["cmake", "--build", str(out)])
    return out / "kernel.elf"


# The GDB session: sections of output between `echo @@name` markers.
SESSION = [
    ("reset-regs", ["percpu regs"]),
    ("continue", ["break platform::exit", "continue"]),
    ("info", ["percpu info"]),
    ("print", ["percpu print counter all"]),
    ("function", ['print $percpu("cpu_id", 2)', 'print $percpu("counter", 1) + 1']),
    ("regs", ["percpu regs"]),
    ("diff-seed", ["percpu diff seed"]),
    ("list", ["percpu list c*"]),
    ("errors", ["percpu print no_such_variable", f"percpu print counter {CPUS}"]),
    ("tamper", ["thread 2", "set ${register} = {cpu2_register:#x}", 'set var $percpu("counter", 3) = 7']),
    ("regs-tampered", ["percpu regs"]),
    ("print-tampered", ["percpu print counter all"]),
    ("diff-tampered", ["percpu diff counter"]),
]


def run_session(machine: Machine, elf: Path, log: Path, values: dict) -> Dict[str, str]:
    port = free_port()
    qemu = subprocess.Popen(
        [require_tool(machine.qemu[0]), *machine.qemu[1:], "-smp", str(CPUS), "-nographic", "-monitor", "none",
         "-serial", f"file:{log}", "-kernel", str(elf.parent / machine.image), "-gdb", f"tcp:127.0.0.1:{port}", "-S"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        args = [GDB, "-batch", "-nx", str(elf), "-ex", f"source {SOURCE_SCRIPT}",
                "-ex", f"target remote 127.0.0.1:{port}"]
        for name, commands in SESSION:
            args += ["-ex", f"echo @@{name}\\n"]
            for command in commands:
                args += ["-ex", command.format(**values)]
        args += ["-ex", "echo @@end\\n", "-ex", "kill"]
        # One stream, so that error messages stay in their section.
        done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    finally:
        qemu.kill()
        qemu.wait(timeout=30)
    text = done.stdout
    sections = dict(re.findall(r"@@([a-z-]+)\n(.*?)(?=@@)", text, re.S))
    assert "end" in text and set(sections) == {name for name, _ in SESSION}, text
    sections["all"] = text
    return sections


def elf_facts(elf: Path) -> dict:
    """Areas and offsets read by pyelftools, independently of the C++ model."""
    with open(elf, "rb") as f:
        symbols = {s.name: s["st_value"] for s in ELFFile(f).get_section_by_name(".symtab").iter_symbols()}
    start, stride = symbols["_percpu_start"], symbols["_percpu_stride"]
    offset = {name: symbols[f"_ZN14percpu_storage{len(name)}{name}E"] for name in ("counter", "cpu_id")}
    return {"areas": [start + cpu * stride for cpu in range(CPUS)], "offset": offset}


@pytest.fixture(scope="module", params=list(MACHINES))
def session(request, tmp_path_factory):
    machine = MACHINES[request.param]
    gdb_arch = {"x86_64": "i386:x86-64", "aarch64": "aarch64", "riscv64": "riscv:rv64",
                "loongarch64": "loongarch"}[machine.arch]
    if not gdb_knows(gdb_arch):
        pytest.skip(f"this gdb-multiarch ({GDB}) has no {machine.arch} support (`set architecture {gdb_arch}` "
                    "fails): percpu.gdb cannot be run there (docs/gdb.md)")
    assert SOURCE_SCRIPT.is_file(), f"pip did not install {SOURCE_SCRIPT}"
    work = tmp_path_factory.mktemp(request.param)
    elf = build_kernel(machine, work / "build")
    facts = elf_facts(elf)
    values = {"register": machine.register, "cpu2_register": facts["areas"][2]}
    return machine, facts, run_session(machine, elf, work / "console.log", values), elf


def test_print_counter_all_reads_every_cpus_copy(session):
    _, facts, out, _ = session
    lines = re.findall(r"^counter\[cpu (\d+)\] @ (0x[0-9a-f]+) = (.*)$", out["print"], re.M)
    assert [(int(c), int(a, 16), v) for c, a, v in lines] == [
        (cpu, facts["areas"][cpu] + facts["offset"]["counter"], "1000000") for cpu in range(CPUS)], out["all"]


def test_percpu_function_is_a_value_in_expressions(session):
    _, _, out, _ = session
    assert re.findall(r"^\$\d+ = (.*)$", out["function"], re.M) == ["2", "1000001"], out["all"]


def test_regs_point_at_each_cpus_own_area(session):
    machine, facts, out, _ = session
    lines = re.findall(rf"^cpu (\d) \(thread \d+\): {machine.register} = (0x[0-9a-f]+)  (.*)$", out["regs"], re.M)
    assert [(int(c), int(v, 16)) for c, v, _ in lines] == list(enumerate(facts["areas"])), out["all"]
    assert all(verdict.startswith(f"ok: selects cpu {c}'s area") for c, _, verdict in lines), out["regs"]


def test_regs_at_reset_select_no_area(session):
    """Control: before the kernel ran, no register selects an area, and percpu regs says so."""
    machine, _, out, _ = session
    verdicts = re.findall(rf"^cpu \d \(thread \d+\): {machine.register} = 0x[0-9a-f]+  (.*)$", out["reset-regs"], re.M)
    assert len(verdicts) == CPUS and all(v.startswith("WRONG: not an area") for v in verdicts), out["all"]


def test_tampered_register_and_copy_are_reported(session):
    """Control: CPU 1's register pointed at CPU 2's area, CPU 3's counter set to 7."""
    machine, facts, out, _ = session
    if machine.register_writable:
        assert f"cpu 1 (thread 2): {machine.register} = {facts['areas'][2]:#x}  WRONG: selects cpu 2's area, not cpu 1's" \
            in out["regs-tampered"], out["all"]
    assert re.search(r"^counter\[cpu 3\] @ 0x[0-9a-f]+ = 7$", out["print-tampered"], re.M), out["all"]
    assert "1 of 3 other CPUs differ from CPU 0: 3" in out["diff-tampered"], out["all"]


def test_diff_info_list_and_errors(session):
    _, _, out, _ = session
    assert "3 of 3 other CPUs differ from CPU 0: 1 2 3" in out["diff-seed"], out["all"]
    assert re.search(rf"areas +{CPUS} CPUs, stride 0x40", out["info"]), out["all"]
    assert re.search(r"^counter +0x[0-9a-f]+ +8 +8 +uint64_t$", out["list"], re.M), out["all"]
    assert re.search(r"^cpu_id +0x[0-9a-f]+ +4 +\d +uint32_t$", out["list"], re.M), out["all"]
    assert "percpu: no per-CPU variable 'no_such_variable'" in out["errors"], out["all"]
    assert f"percpu: no CPU {CPUS} (the layout has {CPUS} CPUs: 0-{CPUS - 1})" in out["errors"], out["all"]


def test_picture_of_the_example_kernel(session):
    """The layout picture of the kernel GDB just debugged: one titled group per variable."""
    _, facts, _, elf = session
    root = ET.fromstring(percpu.inspect(elf).to_svg())
    svg = "{http://www.w3.org/2000/svg}"
    titles = {g.find(svg + "title").text.split(": offset ")[0] for g in root.iter(svg + "g")
              if g.get("class", "").split()[:1] == ["var"]}
    assert titles == {v.name for v in percpu.inspect(elf).variables}
    assert {"cpu_id", "seed", "seed_seen", "counter", "failures", "done"} <= titles
    assert f"stride 64 bytes (0x40), [{facts['areas'][0]:#x}" in ET.tostring(root, encoding="unicode")
