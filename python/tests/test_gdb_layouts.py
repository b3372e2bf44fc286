"""percpu.gdb on the layouts the example kernels do not have (docs/gdb.md):

- Linux's: the areas are wherever __per_cpu_offset[] says. A Linux-shaped x86_64 ELF (.data..percpu
  at VMA 0, scripts like Linux's own) whose __per_cpu_offset[] and nr_cpu_ids are initialized data,
  read by GDB from the file itself (no target): each CPU's copy is a known byte pattern.
- the Rust crate `percpu`'s (its own linker block: the areas inside a NOLOAD .percpu) and percpu's
  delta model: riscv64 ELFs loaded by QEMU, stopped at reset (-S, nothing runs); the test writes a
  distinct value into each CPU's copy at the address IT computes from the ELF's symbols (pyelftools)
  and percpu.gdb must read them back at those addresses.
"""
import re
import subprocess
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from conftest import installed_script, require_tool, run_ok
from test_gdb import GDB, SOURCE_SCRIPT, free_port

pytestmark = pytest.mark.skipif(GDB is None, reason="gdb-multiarch is not installed (scripts/install-deps installs it)")
LINUX_SCRIPT = Path(__file__).resolve().parents[2] / "tests" / "checker" / "fixtures" / "scripts" / "linux-x86_64.ld"
CFLAGS = ["-g", "-O2", "-ffreestanding", "-fno-pic", "-fno-pie", "-nostdlib", "-fno-common", "-c"]
LINUX_CPUS = 3


def pattern(cpu, offset, size):
    """Byte i of CPU cpu's fake area is (cpu + 1) * 16 + i % 16: the little-endian value at offset."""
    return int.from_bytes(bytes((cpu + 1) * 16 + (offset + j) % 16 for j in range(size)), "little")


def linux_source():
    areas = ",\n".join("{" + ",".join(str(pattern(k, i, 1)) for i in range(64)) + "}" for k in range(LINUX_CPUS))
    offsets = ", ".join(f"(unsigned long)fake_areas[{k}]" for k in range(LINUX_CPUS))
    return f"""#define PERCPU __attribute__((section(".data..percpu")))
struct pair {{ int a; short b; }};
PERCPU unsigned int irq_count = 0x11;
PERCPU unsigned long long ticks = 0x2222;
PERCPU struct pair pairs = {{1, 2}};
PERCPU char name[8] = "cpuX";
/* What a booted kernel has: nr_cpu_ids, and each CPU's offset (x86_64: the template is at 0). */
unsigned int nr_cpu_ids = {LINUX_CPUS};
unsigned char fake_areas[{LINUX_CPUS}][64] __attribute__((aligned(64))) = {{{areas}}};
unsigned long __per_cpu_offset[8] = {{{offsets}}};
void _start(void) {{ for (;;) {{ }} }}
"""


def symbols(elf):
    with open(elf, "rb") as f:
        return {s.name: s["st_value"] for s in ELFFile(f).get_section_by_name(".symtab").iter_symbols()}


def gdb(elf, *commands, port=None):
    args = [GDB, "-batch", "-nx", str(elf), "-ex", f"source {SOURCE_SCRIPT}"]
    if port:
        args += ["-ex", f"target remote 127.0.0.1:{port}"]
    for command in commands:
        args += ["-ex", command]
    done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    return done.stdout


def test_linux_layout_reads_per_cpu_offset(tmp_path):
    (tmp_path / "lx.c").write_text(linux_source())
    run_ok([require_tool("gcc"), *CFLAGS, "-mcmodel=kernel", str(tmp_path / "lx.c"), "-o", str(tmp_path / "lx.o")])
    elf = tmp_path / "lx.elf"
    run_ok([require_tool("ld"), "-T", str(LINUX_SCRIPT), str(tmp_path / "lx.o"), "-o", str(elf)])
    sym = symbols(elf)
    out = gdb(elf, "percpu info", "percpu print ticks", "percpu print pairs 1", 'print/x $percpu("irq_count", 2)',
              "percpu diff name", "percpu regs")
    assert f"areas       {LINUX_CPUS} CPUs, allocated at boot: __per_cpu_offset[]" in out, out
    assert "layout      Linux (linux profile), x86_64 ELF64, zero model" in out, out
    areas = [sym["fake_areas"] + 64 * k for k in range(LINUX_CPUS)]
    ticks = [(int(c), int(a, 16), int(v)) for c, a, v in re.findall(r"^ticks\[cpu (\d)\] @ (0x[0-9a-f]+) = (\d+)$", out, re.M)]
    assert ticks == [(k, areas[k] + sym["ticks"], pattern(k, sym["ticks"], 8)) for k in range(LINUX_CPUS)], out
    # GDB's own type for the variable: a struct, printed field by field.
    a, b = pattern(1, sym["pairs"], 4), pattern(1, sym["pairs"] + 4, 2)
    a, b = a - (1 << 32) if a >= 1 << 31 else a, b - (1 << 16) if b >= 1 << 15 else b
    assert f"pairs[cpu 1] @ {areas[1] + sym['pairs']:#x} = {{a = {a}, b = {b}}}" in out, out
    assert re.search(rf"^\$1 = {pattern(2, sym['irq_count'], 4):#x}$", out, re.M), out
    assert f"2 of {LINUX_CPUS - 1} other CPUs differ from CPU 0: 1 2" in out, out
    assert "percpu: no running target (connect with `target remote`)" in out, out


# The Rust crate's block, as its README gives it (the areas are inside .percpu, which is NOLOAD).
RUST_LD = """ENTRY(_start)
CPU_NUM = 4;
SECTIONS
{
  . = 0x80000000;
  .text : { *(.text .text.*) }
  .data : { *(.data .data.*) *(.sdata .sdata.*) }
  . = ALIGN(4K);
  _percpu_start = .;
  _percpu_end = _percpu_start + SIZEOF(.percpu);
  .percpu 0x0 (NOLOAD) : AT(_percpu_start) {
    _percpu_load_start = .;
    *(.percpu .percpu.*)
    _percpu_load_end = .;
    . = _percpu_load_start + ALIGN(64) * CPU_NUM;
  }
  . = _percpu_end;
  .bss : { *(.bss .bss.*) *(.sbss .sbss.*) }
}
"""
PLAIN_RISCV_LD = """ENTRY(_start)
SECTIONS
{
  . = 0x80000000;
  .text : { *(.text .text.*) }
  .data : { *(.data .data.*) *(.sdata .sdata.*) }
  .bss : { *(.bss .bss.*) *(.sbss .sbss.*) }
}
"""
RISCV_SOURCE = """#define PERCPU __attribute__((section(".percpu")))
PERCPU unsigned long long ticks = 7;
PERCPU unsigned int cpu_id = 9;
PERCPU __attribute__((aligned(128))) unsigned char big[40] = {1};
void _start(void) { for (;;) { } }
"""


def riscv_elf(tmp_path, script_text):
    source, obj, elf = tmp_path / "k.c", tmp_path / "k.o", tmp_path / "k.elf"
    source.write_text(RISCV_SOURCE)
    run_ok([require_tool("riscv64-linux-gnu-gcc"), "-mcmodel=medany", "-mno-relax", *CFLAGS, str(source), "-o", str(obj)])
    (tmp_path / "k.ld").write_text(script_text)
    run_ok([require_tool("riscv64-linux-gnu-ld"), "-T", str(tmp_path / "k.ld"), str(obj), "-o", str(elf)])
    return elf


def read_back_under_qemu(elf, addresses):
    """QEMU loads elf and stops at reset; GDB writes CPU k's ticks at addresses[k] (computed by the
    test), then percpu.gdb reads every copy."""
    port = free_port()
    qemu = subprocess.Popen([require_tool("qemu-system-riscv64"), "-M", "virt", "-bios", "none", "-smp", "4",
                             "-nographic", "-monitor", "none", "-serial", "none", "-kernel", str(elf),
                             "-gdb", f"tcp:127.0.0.1:{port}", "-S"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        writes = [f"set var *(unsigned long long *){a:#x} = {1000 + k}" for k, a in enumerate(addresses)]
        return gdb(elf, *writes, "percpu info", "percpu print ticks all", 'print $percpu("ticks", 3)', "percpu regs",
                   "kill", port=port)
    finally:
        qemu.kill()
        qemu.wait(timeout=30)


def assert_read_back(out, addresses):
    found = [(int(c), int(a, 16), int(v)) for c, a, v in re.findall(r"^ticks\[cpu (\d)\] @ (0x[0-9a-f]+) = (\d+)$", out, re.M)]
    assert found == [(k, a, 1000 + k) for k, a in enumerate(addresses)], out
    assert re.search(r"^\$1 = 1003$", out, re.M), out


def test_rust_crate_layout(tmp_path):
    elf = riscv_elf(tmp_path, RUST_LD)
    sym = symbols(elf)
    stride = (sym["_percpu_load_end"] - sym["_percpu_load_start"] + 63) // 64 * 64
    addresses = [sym["_percpu_start"] + k * stride + sym["ticks"] for k in range(4)]
    out = read_back_under_qemu(elf, addresses)
    assert "layout      the Rust crate percpu (percpu profile), riscv64 ELF64, areas inside .percpu model" in out, out
    assert f"areas       4 CPUs, stride {stride:#x}" in out, out
    assert_read_back(out, addresses)
    # At reset gp is 0: no CPU's area base.
    assert "cpu 0 (thread 1): gp = 0x0  WRONG: not an area" in out, out


def test_percpu_delta_model(tmp_path):
    script = tmp_path / "plain.ld"
    script.write_text(PLAIN_RISCV_LD)
    injected = run_ok([installed_script("percpu-ldgen"), str(script), "--cpus", "4", "--vma", "delta"]).stdout.decode()
    elf = riscv_elf(tmp_path, injected)
    sym = symbols(elf)
    # Delta model: the template is linked where CPU 0's area is; ticks' symbol is CPU 0's copy.
    assert sym["_percpu_load_start"] == sym["_percpu_start"]
    addresses = [sym["ticks"] + k * sym["_percpu_stride"] for k in range(4)]
    out = read_back_under_qemu(elf, addresses)
    assert "percpu (percpu profile), riscv64 ELF64, delta model" in out, out
    assert_read_back(out, addresses)
    # The delta model's register is (area base - template start): 0 selects CPU 0's area, so at
    # reset (gp = 0) every CPU looks like CPU 0.
    assert "cpu 0 (thread 1): gp = 0x0  ok: selects cpu 0's area" in out, out
    assert "cpu 1 (thread 2): gp = 0x0  WRONG: selects cpu 0's area, not cpu 1's" in out, out


def test_source_script_says_why_it_cannot_load(tmp_path):
    """percpu-gdb.py copied into an environment without percpu (no site-packages for GDB's Python),
    then into one whose percpu lacks the compiled module: one clear line each, no traceback."""
    import percpu
    share = tmp_path / "env" / "share" / "percpu"
    share.mkdir(parents=True)
    (share / "percpu-gdb.py").write_text(SOURCE_SCRIPT.read_text())
    args = [GDB, "-batch", "-nx", "-ex", f"source {share / 'percpu-gdb.py'}", "-ex", "percpu info"]
    first = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60).stdout
    match = re.search(r"percpu-gdb\.py: GDB embeds Python (\d+)\.(\d+)\.\d+, but (\S+) has no lib/python\d+\.\d+/site-packages",
                      first)
    assert match and match.group(3) == str(tmp_path / "env"), first
    assert "Traceback" not in first, first
    # The package's Python files without percpu._percpu.
    site = tmp_path / "env" / "lib" / f"python{match.group(1)}.{match.group(2)}" / "site-packages" / "percpu"
    site.mkdir(parents=True)
    for source in Path(percpu.__file__).parent.glob("*.py"):
        (site / source.name).write_text(source.read_text())
    second = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60).stdout
    assert "percpu-gdb.py: cannot import percpu.gdb from" in second, second
    assert "cannot load the C++ extension module percpu._percpu" in second, second
    assert 'Undefined command: "percpu"' in second, second
