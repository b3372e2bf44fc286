"""percpu-ldgen on MEMORY scripts in the zero model (template at VMA 0), the families the property
test (tests/agreement) found: RAM only, a separate load region (> VRAM AT> LOAD), flash (> RAM AT>
FLASH), and PHDRS with an orphan section. Each is linked with GNU ld, ld.lld 14 and ld.lld 19 and
checked by percpu-check; each has a control: the block in the order ldgen wrote before (areas,
then the template; no pad) fails the way it did.
Environment: PERCPU_LDGEN, PERCPU_CHECK."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "support"))
from elf_fixtures import FREESTANDING_CFLAGS, load_address, symbols, tool  # noqa: E402

LDGEN = os.environ.get("PERCPU_LDGEN")
CHECK = os.environ.get("PERCPU_CHECK")
LINKERS = ["ld", "ld.lld", "ld.lld-19"]
CPUS = 4

RAM_ONLY = """\
ENTRY(_start)
MEMORY
{
  RAM (rwx) : ORIGIN = 0x200000, LENGTH = 16M
}
SECTIONS
{
  .text : { *(.text .text.*) } > RAM
  .rodata ALIGN(4K) : { *(.rodata .rodata.*) } > RAM
  .data ALIGN(64) : { *(.data .data.*) } > RAM
  .bss ALIGN(4K) (NOLOAD) : { *(.bss .bss.*) *(COMMON) } > RAM
  _end = .;
}
"""

# A higher-half kernel linked in VRAM and loaded at its physical address.
LOAD_REGION = """\
ENTRY(_start)
MEMORY
{
  VRAM (rwx) : ORIGIN = 0xffffffff80200000, LENGTH = 16M
  LOAD (rwx) : ORIGIN = 0x200000, LENGTH = 16M
}
SECTIONS
{
  .text : { *(.text .text.*) } > VRAM AT> LOAD
  .rodata ALIGN(4K) : { *(.rodata .rodata.*) } > VRAM AT> LOAD
  .data ALIGN(64) : { *(.data .data.*) } > VRAM AT> LOAD
  .bss ALIGN(4K) (NOLOAD) : { *(.bss .bss.*) *(COMMON) } > VRAM
  _end = .;
}
"""

FLASH = """\
ENTRY(_start)
MEMORY
{
  FLASH (rx) : ORIGIN = 0x200000, LENGTH = 1M
  RAM (rwx) : ORIGIN = 0x4000000, LENGTH = 16M
}
SECTIONS
{
  .text : { *(.text .text.*) } > FLASH
  .rodata : { *(.rodata .rodata.*) } > FLASH
  .data : { *(.data .data.*) } > RAM AT> FLASH
  .bss (NOLOAD) : { *(.bss .bss.*) *(COMMON) } > RAM
  _end = .;
}
"""

# .bss names the data header, so the block goes after it, at the end of SECTIONS.
PHDRS_RAM = """\
ENTRY(_start)
MEMORY
{
  RAM (rwx) : ORIGIN = 0x200000, LENGTH = 16M
}
PHDRS
{
  text PT_LOAD;
  data PT_LOAD;
}
SECTIONS
{
  .text : { *(.text .text.*) } > RAM :text
  .rodata ALIGN(4K) : { *(.rodata .rodata.*) } > RAM :text
  .data ALIGN(64) : { *(.data .data.*) } > RAM :data
  .bss ALIGN(4K) (NOLOAD) : { *(.bss .bss.*) *(COMMON) } > RAM :data
}
"""

ORPHAN = '__attribute__((section(".orphan_rw"), used)) unsigned long orphan_rw[4] = {1, 2, 3, 4};\n'


def compile_c(source, out):
    subprocess.run([tool("gcc"), "-mcmodel=large", *FREESTANDING_CFLAGS, "-c", str(source), "-o", str(out)],
                   check=True)
    return out


@pytest.fixture(scope="module")
def objs(tmp_path_factory):
    d = tmp_path_factory.mktemp("obj")
    (d / "orphan.c").write_text(ORPHAN)
    return {"vars": compile_c(HERE / "percpu_vars.c", d / "vars.o"), "orphan": compile_c(d / "orphan.c", d / "orphan.o")}


def inject(tmp_path, text):
    assert LDGEN and Path(LDGEN).is_file(), "set PERCPU_LDGEN to the built percpu-ldgen"
    (tmp_path / "original.ld").write_text(text)
    r = subprocess.run([LDGEN, str(tmp_path / "original.ld"), "--cpus", str(CPUS), "-o", str(tmp_path / "percpu.ld")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return (tmp_path / "percpu.ld").read_text()


def link(linker, script, objects, out):
    return subprocess.run([tool(linker), "-T", str(script), *map(str, objects), "-o", str(out)],
                          capture_output=True, text=True)


def check(elf):
    assert CHECK and Path(CHECK).is_file(), "set PERCPU_CHECK to the built percpu-check"
    return subprocess.run([CHECK, str(elf), "--cpus", str(CPUS), "-q"], capture_output=True, text=True)


def statement(text, name):
    """The output section statement `name` of ldgen's block, with its line end."""
    m = re.search(r"(?ms)^  " + re.escape(name) + r" .*?^  \}[^\n]*\n", text)
    assert m, name
    return m.group(0)


def old_order(text):
    """The block as ldgen wrote it before: no pad, the areas before the template."""
    pad = re.search(r"(?m)^  \.percpu\.pad .*\n", text).group(0)
    areas = statement(text, ".percpu.areas")
    return text.replace(areas, "").replace(pad, areas)


def without_pad(text):
    return text.replace(re.search(r"(?m)^  \.percpu\.pad .*\n", text).group(0), "")


def after_the_block(elf_path):
    """(_end, the end of the areas, the end of the template's image)."""
    with open(elf_path, "rb") as f:
        elf = ELFFile(f)
        sym = symbols(elf)
        tmpl = elf.get_section_by_name(".percpu")
        return (sym["_end"]["st_value"], sym["_percpu_end"]["st_value"],
                load_address(elf, tmpl) + tmpl["sh_size"])


@pytest.mark.parametrize("name,script", [("ram", RAM_ONLY), ("load", LOAD_REGION), ("flash", FLASH)])
def test_sections_after_the_block_continue_after_the_areas(tmp_path, objs, name, script):
    text = inject(tmp_path, script)
    assert text.index(".percpu.pad") < text.index(".percpu 0x0") < text.index(".percpu.areas")
    for linker in LINKERS:
        elf = tmp_path / f"{linker}.elf"
        r = link(linker, tmp_path / "percpu.ld", [objs["vars"]], elf)
        assert r.returncode == 0, (linker, r.stderr)
        assert check(elf).returncode == 0, (linker, check(elf).stdout)
        end, areas_end, image_end = after_the_block(elf)
        assert end >= areas_end, (linker, hex(end))  # '_end = .;' after .bss, not the template's VMA-0 end
        if name == "ram":  # the image is stored in RAM too: .bss does not cover it
            assert end >= image_end, (linker, hex(end))


@pytest.mark.parametrize("name,script", [("ram", RAM_ONLY), ("load", LOAD_REGION)])
def test_control_old_order_gnu_ld_refuses_the_next_section(tmp_path, objs, name, script):
    # GNU ld gives '.bss ALIGN(4K) : ... > RAM' the location counter: after the template, its VMA-0 end.
    (tmp_path / "old.ld").write_text(old_order(inject(tmp_path, script)))
    r = link("ld", tmp_path / "old.ld", [objs["vars"]], tmp_path / "old.elf")
    assert r.returncode != 0 and "is not within region" in r.stderr, r.stderr


def test_control_without_pad_lld_merges_the_template_into_the_data_segment(tmp_path, objs):
    # After '.data > RAM AT> FLASH', lld puts the template into .data's PT_LOAD, whose VMA-to-LMA
    # delta gives it a load address below FLASH.
    (tmp_path / "nopad.ld").write_text(without_pad(inject(tmp_path, FLASH)))
    r = link("ld.lld-19", tmp_path / "nopad.ld", [objs["vars"]], tmp_path / "nopad.elf")
    assert r.returncode != 0 and "will not fit in region" in r.stderr, r.stderr


def template_segment_sections(elf_path):
    with open(elf_path, "rb") as f:
        elf = ELFFile(f)
        tmpl = elf.get_section_by_name(".percpu")
        seg = next(s for s in elf.iter_segments()
                   if s["p_type"] == "PT_LOAD" and s["p_offset"] <= tmpl["sh_offset"] < s["p_offset"] + max(s["p_filesz"], 1))
        return seg["p_vaddr"], seg["p_memsz"], tmpl["sh_size"]


def test_phdrs_orphan_does_not_join_the_template_segment(tmp_path, objs):
    text = inject(tmp_path, PHDRS_RAM)
    assert "percpu_pad PT_LOAD" in text
    for linker in LINKERS:
        elf = tmp_path / f"{linker}.elf"
        r = link(linker, tmp_path / "percpu.ld", [objs["vars"], objs["orphan"]], elf)
        if r.returncode != 0:  # lld may put the orphan right after the template: the block's guard
            assert "percpu-ldgen: an orphan section was placed after .percpu" in r.stderr, (linker, r.stderr)
            continue
        assert check(elf).returncode == 0, (linker, check(elf).stdout)
        vaddr, memsz, size = template_segment_sections(elf)
        assert vaddr == 0 and memsz == size, (linker, hex(memsz))
    # The control: in the old order ld.lld 19 puts the orphan after the last statement, into the
    # template's header: a PT_LOAD from address 0 over the RAM.
    (tmp_path / "old.ld").write_text(old_order(text))
    elf = tmp_path / "old.elf"
    r = link("ld.lld-19", tmp_path / "old.ld", [objs["vars"], objs["orphan"]], elf)
    assert r.returncode == 0, r.stderr
    assert template_segment_sections(elf)[1] > 0x200000
    r = check(elf)
    assert r.returncode == 1 and "segments.template_alone" in r.stdout, r.stdout


# .data is stored in FLASH; .bss names the data header, so the block would follow .bss.
FLASH_PHDRS = """\
ENTRY(_start)
MEMORY
{
  FLASH (rx) : ORIGIN = 0x200000, LENGTH = 1M
  RAM (rwx) : ORIGIN = 0x4000000, LENGTH = 16M
}
PHDRS
{
  text PT_LOAD;
  data PT_LOAD;
}
SECTIONS
{
  .text : { *(.text .text.*) } > FLASH :text
  .rodata : { *(.rodata .rodata.*) } > FLASH :text
  .data : { *(.data .data.*) } > RAM AT> FLASH :data
  .bss (NOLOAD) : { *(.bss .bss.*) *(COMMON) } > RAM :data
}
"""


@pytest.mark.parametrize("model", ["zero", "delta"])
def test_image_after_an_unloaded_section_is_refused_with_the_way_out(tmp_path, objs, model):
    # After '.bss > RAM' the template's image would be stored in RAM, where nothing puts it on a
    # flash device (and storing it in FLASH overlaps .bss's load range: lld refuses that).
    (tmp_path / "flash.ld").write_text(FLASH_PHDRS)
    r = subprocess.run([LDGEN, str(tmp_path / "flash.ld"), "--cpus", str(CPUS), "--vma", model],
                       capture_output=True, text=True)
    assert r.returncode == 2 and r.stdout == "", r.stderr
    first = r.stderr.splitlines()[0]
    assert re.match(r".*flash\.ld:\d+:\d+: error: the block would follow '\.bss', which is loaded nowhere, while "
                    r"'\.data' before it is stored in region FLASH.*place the block after \.data.*"
                    r"\(pass --after NAME or --before NAME\)$", first), first
    # The way out it names: .bss in a header of its own, and the block after .data.
    fixed = FLASH_PHDRS.replace("  data PT_LOAD;\n", "  data PT_LOAD;\n  bss PT_LOAD;\n").replace(
        "*(COMMON) } > RAM :data", "*(COMMON) } > RAM :bss")
    (tmp_path / "fixed.ld").write_text(fixed)
    r = subprocess.run([LDGEN, str(tmp_path / "fixed.ld"), "--cpus", str(CPUS), "--vma", model, "--after", ".data",
                        "-o", str(tmp_path / "percpu.ld")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for linker in LINKERS:
        elf = tmp_path / f"{linker}.elf"
        r = link(linker, tmp_path / "percpu.ld", [objs["vars"]], elf)
        assert r.returncode == 0, (linker, r.stderr)
        assert check(elf).returncode == 0, (linker, check(elf).stdout)
        with open(elf, "rb") as f:
            e = ELFFile(f)
            image = symbols(e)["_percpu_image"]["st_value"]
        assert 0x200000 <= image < 0x300000, (linker, hex(image))  # in FLASH


def test_noload_template_in_ram_fails_only_its_rule(tmp_path, objs):
    # A NOLOAD template stored in RAM: GNU ld gives it the load address where the areas then start.
    # percpu-check reports the one mistake (template.progbits), not a segment over CPU 0's area too.
    text = inject(tmp_path, RAM_ONLY)
    twin, n = re.subn(r"(?m)^  \.percpu 0x0 :", "  .percpu 0x0 (NOLOAD) :", text)
    assert n == 1
    (tmp_path / "noload.ld").write_text(twin)
    for linker in LINKERS:
        elf = tmp_path / f"noload-{linker}.elf"
        r = link(linker, tmp_path / "noload.ld", [objs["vars"]], elf)
        assert r.returncode == 0, (linker, r.stderr)
        r = subprocess.run([CHECK, str(elf), "--cpus", str(CPUS), "--format", "json"], capture_output=True, text=True)
        failed = {rule["id"] for rule in json.loads(r.stdout)["rules"] if rule["status"] == "fail"}
        assert r.returncode == 1 and failed == {"template.progbits"}, (linker, failed)
