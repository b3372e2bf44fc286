"""Fixtures of the Python suite: ELF files and linker scripts built at test time.

Objects holding initialized per-CPU variables are compiled with the real cross compilers, their
linker scripts get the .percpu block from the INSTALLED percpu-ldgen console script, and they are
linked with GNU ld and ld.lld. Tools that are missing fail the tests loudly (no silent skips).

The suite runs against the installed package: pytest is started in python/tests, so the source
tree's python/percpu is not importable (test_package.py asserts it).
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPTS_DIR = Path(sysconfig.get_path("scripts"))  # where pip put the console scripts

# Initialized per-CPU variables (non-zero bytes, so a NOBITS template would be visible), one
# over-aligned, plus ordinary data and bss around the template.
PERCPU_C = r"""
#define PERCPU __attribute__((section(".percpu")))
PERCPU unsigned long long counter = 0x1122334455667788ULL;
PERCPU int cpu_id = 7;
PERCPU __attribute__((aligned(128))) unsigned char runqueue[200] = {1, 2, 3, 4};
PERCPU short nesting = -3;
PERCPU char name[13] = "per-cpu data";
int data_word = 5;
int bss_word;
void _start(void) { for (;;) { data_word += bss_word; } }
"""

# An identity-mapped kernel (the canonical shape of docs/layout-contract.md).
PLAIN_LD = """\
ENTRY(_start)
SECTIONS
{
  . = 0x200000;
  .text : { *(.text .text.*) }
  .rodata : { *(.rodata .rodata.*) }
  .data : { *(.data .data.*) }
  .bss : { *(.bss .bss.*) *(COMMON) }
  /DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }
}
"""

# A higher-half kernel: virtual addresses differ from load addresses (AT()).
HIGHER_HALF_LD = """\
ENTRY(_start)
KERNEL_VMA = 0xffffffff80000000;
KERNEL_LMA = 0x100000;
SECTIONS
{
  . = KERNEL_VMA + KERNEL_LMA;
  .text : AT(ADDR(.text) - KERNEL_VMA) { *(.text .text.*) }
  .rodata : AT(ADDR(.rodata) - KERNEL_VMA) { *(.rodata .rodata.*) }
  .data : AT(ADDR(.data) - KERNEL_VMA) { *(.data .data.*) }
  .bss : AT(ADDR(.bss) - KERNEL_VMA) { *(.bss .bss.*) *(COMMON) }
  /DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }
}
"""


@dataclass(frozen=True)
class Target:
    name: str
    cc: List[str]
    gnu_ld: Optional[str]  # None: no GNU ld for this architecture here
    lld_emulation: Optional[str] = None


TARGETS: Dict[str, Target] = {
    "x86_64": Target("x86_64", ["gcc", "-mcmodel=kernel", "-mno-red-zone"], "ld"),
    "aarch64": Target("aarch64", ["aarch64-linux-gnu-gcc"], "aarch64-linux-gnu-ld"),
    "riscv64": Target("riscv64", ["riscv64-linux-gnu-gcc", "-mno-relax"], "riscv64-linux-gnu-ld"),
}

COMMON_CFLAGS = ["-O2", "-ffreestanding", "-fno-pic", "-fno-pie", "-nostdlib", "-fno-common",
                 "-fno-asynchronous-unwind-tables", "-c"]


def require_tool(name: str) -> str:
    """The path of a tool the suite needs; fails the test (never skips) when it is missing."""
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"required tool '{name}' not found on PATH (run scripts/install-deps)", pytrace=False)
    return found


def installed_script(name: str) -> str:
    path = SCRIPTS_DIR / name
    if not path.exists():
        pytest.fail(f"console script {path} is not installed: install the package with `pip install .`",
                    pytrace=False)
    return str(path)


def run(cmd: List[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, **kwargs)


def run_ok(cmd: List[str], **kwargs) -> subprocess.CompletedProcess:
    done = run(cmd, **kwargs)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, cmd))} exited {done.returncode}:\n"
                             f"{done.stdout.decode(errors='replace')}{done.stderr.decode(errors='replace')}")
    return done


class Cli:
    """The installed console scripts, run as a user runs them."""

    def __init__(self) -> None:
        self.ldgen = installed_script("percpu-ldgen")
        self.check = installed_script("percpu-check")

    def inject(self, script: Path, cpus: int, *extra: str) -> subprocess.CompletedProcess:
        return run([self.ldgen, str(script), "--cpus", str(cpus), *extra])

    def check_json(self, elf: Path, *extra: str) -> subprocess.CompletedProcess:
        return run([self.check, str(elf), "--format", "json", *extra])


@pytest.fixture(scope="session")
def cli() -> Cli:
    return Cli()


@dataclass(frozen=True)
class Kernel:
    elf: Path
    script: Path          # the injected script it was linked with
    target: str
    linker: str
    cpus: int


class KernelBuilder:
    """Compiles PERCPU_C, injects a base script with the installed percpu-ldgen, links."""

    def __init__(self, root: Path, cli: Cli) -> None:
        self.root = root
        self.cli = cli
        self.count = 0

    def object_file(self, target: str, source: str = PERCPU_C) -> Path:
        spec = TARGETS[target]
        require_tool(spec.cc[0])
        self.count += 1
        work = self.root / f"obj{self.count}"
        work.mkdir()
        (work / "percpu_vars.c").write_text(source)
        obj = work / "percpu_vars.o"
        run_ok([*spec.cc, *COMMON_CFLAGS, str(work / "percpu_vars.c"), "-o", str(obj)])
        return obj

    def link(self, target: str, linker: str, script: Path, obj: Path, out: Path) -> Path:
        spec = TARGETS[target]
        if linker == "gnu":
            tool = require_tool(spec.gnu_ld)
            cmd = [tool]
        else:
            tool = require_tool(linker)  # "ld.lld" (14) or "ld.lld-19"
            cmd = [tool]
        run_ok([*cmd, "-static", "-nostdlib", "-T", str(script), str(obj), "-o", str(out)])
        return out

    def kernel(self, target: str = "x86_64", linker: str = "gnu", base: str = PLAIN_LD, cpus: int = 4,
               ldgen_args=(), edit=None) -> Kernel:
        obj = self.object_file(target)
        work = obj.parent
        base_script = work / "kernel.ld"
        base_script.write_text(base)
        injected = self.cli.inject(base_script, cpus, *ldgen_args)
        assert injected.returncode == 0, injected.stderr.decode(errors="replace")
        text = injected.stdout.decode()
        if edit is not None:  # deliberately broken layouts
            text = edit(text)
        script = work / "kernel.percpu.ld"
        script.write_text(text)
        elf = self.link(target, linker, script, obj, work / "kernel.elf")
        return Kernel(elf, script, target, linker, cpus)


@pytest.fixture(scope="session")
def builder(tmp_path_factory, cli) -> KernelBuilder:
    return KernelBuilder(tmp_path_factory.mktemp("kernels"), cli)


@pytest.fixture(scope="session")
def plain_kernel(builder) -> Kernel:
    return builder.kernel("x86_64", "gnu", PLAIN_LD, cpus=4)


def cli_json(cli: Cli, elf: Path, *extra: str):
    done = cli.check_json(elf, *extra)
    assert done.returncode in (0, 1), done.stderr.decode(errors="replace")
    return done.returncode, json.loads(done.stdout)
