"""percpu-ldgen on the script shapes kernels ship and on unusual but valid input: C-preprocessor
templates, quoted names, PHDRS with the data header continuing after the block, INSERT scripts,
orphan sections of a static glibc program, CRLF and BOM files, diagnostics, hand edits between
the markers. Every linked result is verified by percpu-check.
Environment: PERCPU_LDGEN, PERCPU_CHECK."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "support"))
from elf_fixtures import FREESTANDING_CFLAGS, load_address, replace_once, symbols, tool  # noqa: E402

LDGEN = os.environ.get("PERCPU_LDGEN")
CHECK = os.environ.get("PERCPU_CHECK")
LINKERS = ["ld", "ld.lld", "ld.lld-19"]
BEGIN = "\n  /* percpu-ldgen: begin"
END = "/* percpu-ldgen: end */"


def ldgen(*args, stdin=None):
    assert LDGEN and Path(LDGEN).is_file(), "set PERCPU_LDGEN to the built percpu-ldgen"
    r = subprocess.run([LDGEN, *map(str, args)], input=None if stdin is None else stdin.encode(), capture_output=True)
    # Bytes, not text mode: universal newlines would hide the CRLF line endings.
    return subprocess.CompletedProcess(r.args, r.returncode, r.stdout.decode(), r.stderr.decode())


def check(elf, cpus):
    assert CHECK and Path(CHECK).is_file(), "set PERCPU_CHECK to the built percpu-check"
    r = subprocess.run([CHECK, str(elf), "--cpus", str(cpus), "-q"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def link(linker, script, objs, out, extra=(), cwd=None):
    return subprocess.run([tool(linker), *extra, "-T", str(script), *map(str, objs), "-o", str(out)],
                          capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def obj(tmp_path_factory):
    out = tmp_path_factory.mktemp("obj") / "vars.o"
    subprocess.run([tool("gcc"), "-mcmodel=large", *FREESTANDING_CFLAGS, "-c", str(HERE / "percpu_vars.c"),
                    "-o", str(out)], check=True)
    return out


def inject_text(text, *args, cpus=4):
    r = ldgen("-", "--cpus", cpus, *args, stdin=text)
    assert r.returncode == 0, r.stderr
    again = ldgen("-", "--cpus", cpus, *args, stdin=r.stdout)
    assert again.returncode == 0 and again.stdout == r.stdout, again.stderr  # idempotent
    return r.stdout


# ---- C-preprocessor templates ----

TEMPLATE = """\
/* kernel.lds.S: a cpp template in the shape kernels ship. */
#include "layout.h"
#define SECTION_ALIGN(a) . = ALIGN(a)
OUTPUT_ARCH(i386:x86-64)
ENTRY(_start)
SECTIONS
{
\t. = KERNEL_BASE;
\t.text : AT(ADDR(.text) - LOAD_OFFSET) { *(.text .text.*) }
\tSECTION_ALIGN(PAGE_SIZE);
\t.rodata : AT(ADDR(.rodata) - LOAD_OFFSET) { *(.rodata .rodata.*) }
\t.data : AT(ADDR(.data) - LOAD_OFFSET) {
\t\t*(.data .data.*)
#ifdef CONFIG_EXTRA_DATA
\t\t*(.extra.data)
#endif
\t}
\t.bss : AT(ADDR(.bss) - LOAD_OFFSET) { *(.bss .bss.*) *(COMMON) }
\tDISCARDS
}
"""
HEADER = """\
#define KERNEL_BASE 0xffffffff80100000
#define LOAD_OFFSET 0xffffffff80000000
#define PAGE_SIZE 4096
#define DISCARDS /DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }
"""


def test_cpp_template_injected_preprocessed_linked_checked(tmp_path, obj):
    """The block goes into the template itself; cpp then expands it with the rest, and the result
    links with every linker and passes percpu-check."""
    (tmp_path / "layout.h").write_text(HEADER)
    injected = inject_text(TEMPLATE)
    assert injected.count("#") == TEMPLATE.count("#")  # every '#' line kept
    assert strip(injected) == TEMPLATE
    assert injected.index("percpu-ldgen: begin") > injected.index("#endif")
    lds_s = tmp_path / "kernel.lds.S"
    lds_s.write_text(injected)
    for defines in ([], ["-DCONFIG_EXTRA_DATA"]):
        cpp = subprocess.run([tool("cpp"), "-P", "-undef", "-D__ASSEMBLY__", *defines, "-I", str(tmp_path), str(lds_s)],
                             capture_output=True, text=True, check=True)
        script = tmp_path / "kernel.ld"
        script.write_text(cpp.stdout)
        assert "_percpu_stride * 4" in cpp.stdout and "#" not in cpp.stdout
        for linker in LINKERS:
            elf = tmp_path / f"k-{linker}.elf"
            r = link(linker, script, [obj], elf)
            assert r.returncode == 0, (linker, r.stderr)
            check(elf, 4)
    # The other workflow: inject into the preprocessed output (the block is the same).
    piped = ldgen("-", "--cpus", 4, stdin=subprocess.run(
        [tool("cpp"), "-P", "-undef", "-D__ASSEMBLY__", "-I", str(tmp_path), "-"], input=TEMPLATE,
        capture_output=True, text=True, check=True).stdout)
    assert piped.returncode == 0 and "_percpu_stride * 4" in piped.stdout


def test_template_refuses_to_insert_inside_a_conditional():
    text = ("SECTIONS\n{\n  .text : { *(.text) }\n#ifdef CONFIG_SMP\n  .data : { *(.data) }\n#else\n"
            "  .data : { *(.data) *(.data.up) }\n#endif\n  .bss : { *(.bss) }\n}\n")
    r = ldgen("-", "--cpus", 2, stdin=text)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("<stdin>:7:") and "inside the #if at line 4" in r.stderr, r.stderr
    # The control: the same script without the conditional is accepted.
    plain = re.sub(r"#ifdef CONFIG_SMP\n  \.data : \{ \*\(\.data\) \}\n#else\n|#endif\n", "", text)
    assert ldgen("-", "--cpus", 2, stdin=plain).returncode == 0


def test_hash_comments_as_lld_reads_them(tmp_path, obj):
    """ld.lld reads '#' as a line comment anywhere: such a script links with lld before and after."""
    text = "# kernel.ld\nSECTIONS\n{\n  . = 0x100000; # load address\n  .text : { *(.text) }\n" \
           "  .rodata : { *(.rodata*) *(.eh_frame) }\n  .data : { *(.data) } # \"quoted /* not a comment\n" \
           "  .bss : { *(.bss) }\n}\n"
    out = tmp_path / "k.ld"
    out.write_text(inject_text(text))
    for linker in ("ld.lld", "ld.lld-19"):
        assert link(linker, tmp_path / "k.ld", [obj], tmp_path / "k.elf").returncode == 0
        check(tmp_path / "k.elf", 4)


# ---- quoted names ----

def test_quoted_section_and_file_names(tmp_path):
    (tmp_path / "per cpu.c").write_text((HERE / "percpu_vars.c").read_text())
    quoted_obj = tmp_path / "per cpu.o"
    subprocess.run([tool("gcc"), "-mcmodel=large", *FREESTANDING_CFLAGS, "-c", str(tmp_path / "per cpu.c"), "-o",
                    str(quoted_obj)], check=True)
    text = ('SECTIONS\n{\n  . = 0x40200000;\n  ".my text" : AT(ADDR(".my text") - 0x40000000) { *(.text) }\n'
            '  ".my ro" : AT(ADDR(".my ro") - 0x40000000) { *(.rodata*) *(.eh_frame) }\n'
            '  ".my data" : AT(ADDR(".my data") - 0x40000000) { "per cpu.o"(.data) }\n'
            '  ".my bss" : { "per cpu.o"(.bss) *(COMMON) }\n}\n')
    injected = inject_text(text, "--after", ".my data")
    assert 'AT(ADDR(".my bss") - ADDR(".my data") + LOADADDR(".my data"))' in injected
    (tmp_path / "q.ld").write_text(injected)
    (tmp_path / "orig.ld").write_text(text)
    for linker in LINKERS:
        elf_path = tmp_path / f"q-{linker}.elf"
        # A quoted file name is matched literally (lld: no wildcards), so the object is named the
        # same way on the command line.
        r = link(linker, tmp_path / "q.ld", ["per cpu.o"], elf_path, cwd=tmp_path)
        assert r.returncode == 0, (linker, r.stderr)
        check(elf_path, 4)
        if linker == "ld.lld":
            # lld 14 keeps the quotes in section names and does not unquote file patterns: with
            # the original script too (the control), so there is no ".my data" to look at.
            original = link(linker, tmp_path / "orig.ld", ["per cpu.o"], tmp_path / "orig.elf", cwd=tmp_path)
            assert original.returncode == 0
            with open(tmp_path / "orig.elf", "rb") as f:
                assert ELFFile(f).get_section_by_name(".my data") is None
            continue
        with open(elf_path, "rb") as f:
            elf = ELFFile(f)
            data, bss = elf.get_section_by_name(".my data"), elf.get_section_by_name(".my bss")
            assert data["sh_size"] == 8 and bss["sh_size"] >= 400  # the quoted file patterns matched
            assert bss["sh_addr"] - load_address(elf, bss) == 0x40000000  # the restated AT() kept the delta
            assert bss["sh_addr"] >= symbols(elf)["_percpu_end"]["st_value"]


# ---- PHDRS: the data header continues after the block ----

PHDRS_SCRIPT = """\
PHDRS
{
  text PT_LOAD FLAGS(5);
  data PT_LOAD FLAGS(6);
}
SECTIONS
{
  . = 0x200000;
  .text : { *(.text*) } :text
  .rodata : { *(.rodata*) *(.eh_frame) } :text
  . = ALIGN(4096);
  .data : { *(.data*) } :data
  .bss : { *(.bss*) *(COMMON) } :data
  /DISCARD/ : { *(.comment) *(.note*) }
}
"""


def segments_over_areas(elf_path):
    """PT_LOAD segments that meet [_percpu_start, _percpu_end) and reach beyond it (a segment of the
    areas alone is theirs)."""
    with open(elf_path, "rb") as f:
        elf = ELFFile(f)
        sym = symbols(elf)
        start, end = sym["_percpu_start"]["st_value"], sym["_percpu_end"]["st_value"]
        hits = []
        for seg in elf.iter_segments():
            lo, hi = seg["p_vaddr"], seg["p_vaddr"] + seg["p_memsz"]
            if seg["p_type"] == "PT_LOAD" and lo < end and start < hi and (lo < start or hi > end):
                hits.append(seg.header)
        return hits


def test_phdrs_data_header_after_the_block(tmp_path, obj):
    injected = inject_text(PHDRS_SCRIPT)
    assert injected.index(".bss :") < injected.index("percpu-ldgen: begin")  # after the data header's run
    (tmp_path / "p.ld").write_text(injected)
    # The control: the same block between .data and .bss (where it went before) makes the data
    # segment span the areas.
    b, e = injected.index(BEGIN), injected.index(END) + len(END)
    old = injected[:b] + injected[e:]
    old = replace_once(old, "  .bss :", injected[b:e].lstrip("\n") + "\n  .bss :")
    (tmp_path / "old.ld").write_text(old)
    for linker in LINKERS:
        elf = tmp_path / f"p-{linker}.elf"
        r = link(linker, tmp_path / "p.ld", [obj], elf)
        assert r.returncode == 0, (linker, r.stderr)
        check(elf, 4)
        assert segments_over_areas(elf) == []
        r = link(linker, tmp_path / "old.ld", [obj], tmp_path / "old.elf")
        assert r.returncode == 0, (linker, r.stderr)
        assert segments_over_areas(tmp_path / "old.elf") != []
    # An explicit placement inside the run is refused with what to do instead.
    r = ldgen("-", "--cpus", 4, "--after", ".data", stdin=PHDRS_SCRIPT)
    assert r.returncode == 2 and "segment would span" in r.stderr and "after '.bss'" in r.stderr


# ---- INSERT scripts ----

INSERT_SCRIPT = "SECTIONS\n{\n  .driver_tables : { KEEP(*(.driver_tables)) }\n}\nINSERT AFTER .data;\n"


@pytest.mark.parametrize("model", ["zero", "delta"])
def test_insert_script_with_both_linkers(tmp_path, obj, model):
    injected = inject_text(INSERT_SCRIPT, "--vma", model)
    (tmp_path / "i.ld").write_text(injected)
    for linker in LINKERS:
        elf = tmp_path / f"i-{linker}.elf"
        r = link(linker, tmp_path / "i.ld", [obj], elf, extra=["-static"])
        assert r.returncode == 0, (linker, r.stderr)
        check(elf, 4)
    # The control: '.' assigned between the sections of the INSERT script, as in the other shapes.
    pad = re.search(r"  \.percpu\.pad \(NOLOAD\) : \{ \. \+= 1; (\. = [^;]+;) (_percpu_start = \.;) \}\n", injected)
    assert pad
    (tmp_path / "dot.ld").write_text(injected.replace(pad.group(0), f"  {pad.group(1)}\n  {pad.group(2)}\n"))
    r = link("ld.lld-19", tmp_path / "dot.ld", [obj], tmp_path / "dot.elf", extra=["-static"])
    assert r.returncode != 0 and "does not converge" in r.stderr


# ---- orphan sections: a static glibc program ----

HOST_C = '#include <stdio.h>\n__attribute__((section(".percpu"))) int pc_value = 5;\n' \
         'int main(void) { printf("percpu %d\\n", pc_value); return 0; }\n'
# .tm_clone_table first: it is empty, and GNU ld moves the symbols of an empty output section it
# drops (__TMC_END__) to the next one, which must not be the template.
GLIBC_SECTIONS = ("  .tm_clone_table : { *(.tm_clone_table) }\n  __libc_subfreeres : { *(__libc_subfreeres) }\n"
                  "  __libc_IO_vtables : { *(__libc_IO_vtables) }\n  __libc_atexit : { *(__libc_atexit) }\n")


def host_link(tmp_path, script, linker):
    exe = tmp_path / f"host-{linker}"
    (tmp_path / "host.c").write_text(HOST_C)
    r = subprocess.run([tool("gcc"), "-static", f"-fuse-ld={linker}", f"-Wl,-T,{script}", str(tmp_path / "host.c"),
                        "-o", str(exe)], capture_output=True, text=True)
    return r, exe


def runs(exe):
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=30)
    return r.returncode == 0 and r.stdout == "percpu 5\n"


def test_orphans_in_gnu_ld_default_script(tmp_path):
    verbose = subprocess.run([tool("ld"), "--verbose"], capture_output=True, text=True, check=True).stdout
    default = verbose.split("=" * 50)[1].split("\n", 1)[1]
    injected = inject_text(default)
    (tmp_path / "d.ld").write_text(injected)
    r, exe = host_link(tmp_path, tmp_path / "d.ld", "bfd")  # GNU ld puts glibc's orphans after .data
    assert r.returncode == 0, r.stderr
    assert runs(exe)
    check(exe, 4)
    # lld with GNU ld's default script makes a static glibc program that crashes at start, with or
    # without ldgen (measured): for lld, "runs" means "as the uninjected script".
    (tmp_path / "plain.ld").write_text(default)
    r, plain_exe = host_link(tmp_path, tmp_path / "plain.ld", "lld")
    assert r.returncode == 0, r.stderr
    lld_runs = runs(plain_exe)
    # lld puts them after the template: the block's ASSERT stops the link with what to do.
    r, _ = host_link(tmp_path, tmp_path / "d.ld", "lld")
    assert r.returncode != 0 and "an orphan section was placed after .percpu" in r.stderr
    # The control: without that ASSERT lld links, with glibc's section inside the areas' range.
    guard = next(line for line in injected.splitlines(True) if "an orphan section was placed" in line)
    (tmp_path / "noguard.ld").write_text(injected.replace(guard, ""))
    r, exe = host_link(tmp_path, tmp_path / "noguard.ld", "lld")
    if r.returncode == 0:  # lld 14 links it; the orphan then sits at the template's VMA-0 end
        with open(exe, "rb") as f:
            orphan = ELFFile(f).get_section_by_name("__libc_subfreeres")
            assert orphan["sh_addr"] < 0x10000
    else:
        assert "overlaps" in r.stderr
    # The documented way out: name glibc's sections before the block.
    named = replace_once(default, "  _edata = .; PROVIDE (edata = .);", GLIBC_SECTIONS + "  _edata = .; PROVIDE (edata = .);")
    (tmp_path / "n.ld").write_text(inject_text(named))
    for linker in ("bfd", "lld"):
        r, exe = host_link(tmp_path, tmp_path / "n.ld", linker)
        assert r.returncode == 0, (linker, r.stderr)
        assert runs(exe) == (True if linker == "bfd" else lld_runs)
        check(exe, 4)


@pytest.mark.parametrize("model", ["zero", "delta"])
def test_orphans_with_the_linkers_own_layout(tmp_path, model):
    """An INSERT addition over each linker's built-in layout (lld has no script text): glibc's
    orphans land outside the areas with both."""
    (tmp_path / "i.ld").write_text(inject_text(INSERT_SCRIPT, "--vma", model))
    for linker in ("bfd", "lld"):
        r, exe = host_link(tmp_path, tmp_path / "i.ld", linker)
        assert r.returncode == 0, (linker, r.stderr)
        assert runs(exe)
        check(exe, 4)
        with open(exe, "rb") as f:
            elf = ELFFile(f)
            sym = symbols(elf)
            start, end = sym["_percpu_start"]["st_value"], sym["_percpu_end"]["st_value"]
            for sec in elf.iter_sections():
                if sec["sh_flags"] & 2 and sec.name not in (".percpu", ".percpu.areas", ".percpu.pad") and sec["sh_size"]:
                    assert sec["sh_addr"] + sec["sh_size"] <= start or sec["sh_addr"] >= end, (linker, sec.name)


# ---- line endings, BOM, diagnostics ----

def strip(text):
    b, e = text.index(BEGIN.replace("\n", "\r\n") if "\r\n" in text else BEGIN), text.index(END) + len(END)
    text = text[:b] + text[e:]
    return re.sub(r" /\*percpu-ldgen\{\*/.*?/\*\}percpu-ldgen\*/", "", text, flags=re.S)


def test_crlf_stays_crlf_and_bom_is_kept(tmp_path):
    crlf = PHDRS_SCRIPT.replace("\n", "\r\n")
    out = inject_text(crlf)
    assert out.count("\n") == out.count("\r\n") and strip(out) == crlf
    bom = "\ufeff" + (HERE / "scripts" / "tutorial-kernel.ld").read_text()
    out = inject_text(bom)
    assert out.startswith("\ufeff") and strip(out) == bom
    r = ldgen("-", "--cpus", 2, stdin="\ufeffSECTIONS { @ }\n")
    assert r.returncode == 2 and r.stderr.startswith("<stdin>:1:12: error:"), r.stderr
    assert r.stderr.splitlines()[1] == "  SECTIONS { @ }" and r.stderr.splitlines()[2].index("^") == 2 + 11


def test_diagnostic_escapes_control_bytes_and_cuts_long_lines():
    r = ldgen("-", "--cpus", 2, stdin="SECTIONS {\n\t.text : { *(.text) } \x1b[31mX\n}\n")
    assert r.returncode == 2 and "\x1b" not in r.stderr
    source, caret = r.stderr.splitlines()[1:3]
    assert source == "  \t.text : { *(.text) } \\x1b[31mX"
    assert caret == "  \t" + " " * 21 + "^"  # the tab kept: the caret stands under the column
    long_line = "SECTIONS { " + "x = 1; " * 200000 + "@ " + "y = 2; " * 1000 + "}\n"
    r = ldgen("-", "--cpus", 2, stdin=long_line)
    assert r.returncode == 2 and len(r.stderr) < 600
    source, caret = r.stderr.splitlines()[1:3]
    assert source.startswith("  ...") and source.endswith("...") and source[caret.index("^")] == "@"


# ---- text between the markers ----

def test_hand_edits_between_markers_are_refused_unless_forced(tmp_path):
    src = (HERE / "scripts" / "higher-half.ld").read_text()
    out = inject_text(src)
    edited = replace_once(out, "    _percpu_end = .;\n", "    _percpu_end = .;\n    my_symbol = .;\n")
    line = edited[:edited.index("    my_symbol")].count("\n") + 1
    r = ldgen("-", "--cpus", 4, stdin=edited)
    assert r.returncode == 2 and r.stdout == "" and r.stderr.startswith(f"<stdin>:{line}:1: error:"), r.stderr
    assert "--force" in r.stderr and "my_symbol" in r.stderr.splitlines()[1]
    r = ldgen("-", "--cpus", 8, "--force", stdin=edited)
    assert r.returncode == 0 and "my_symbol" not in r.stdout and "cpus=8" in r.stdout
    # An inline insertion edited by hand is refused too; --check reports it (exit 1).
    inline = re.sub(r"(/\*percpu-ldgen\{\*/ AT\()", r"\g<1>0x1000 + ", out, count=1)
    assert inline != out
    assert ldgen("-", "--cpus", 4, stdin=inline).returncode == 2
    f = tmp_path / "k.ld"
    f.write_text(inline)
    r = ldgen(f, "--cpus", 4, "--check")
    assert r.returncode == 1 and "--force" in r.stderr
    # The control: ldgen's own output is accepted, for another CPU count too.
    assert ldgen("-", "--cpus", 8, stdin=out).returncode == 0
