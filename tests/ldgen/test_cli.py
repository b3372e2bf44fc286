"""percpu-ldgen's command line on real files: idempotency, --check, -i atomicity, the
syntax-error path, refusals, stdin, --emit-fragment. Environment: PERCPU_LDGEN."""
import os
import resource
import signal
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SCRIPTS = HERE / "scripts"
LDGEN = os.environ.get("PERCPU_LDGEN")
FIXTURES = sorted(p.name for p in SCRIPTS.glob("*.ld"))


def run(*args, stdin=None, preexec=None):
    assert LDGEN and Path(LDGEN).is_file(), "set PERCPU_LDGEN to the built percpu-ldgen"
    return subprocess.run([LDGEN, *map(str, args)], input=stdin, capture_output=True, text=True,
                          preexec_fn=preexec)


@pytest.mark.parametrize("script", FIXTURES)
@pytest.mark.parametrize("model", ["zero", "delta"])
def test_idempotent_and_reversible(script, model, tmp_path):
    src = (SCRIPTS / script).read_text()
    first = run(SCRIPTS / script, "--cpus", 4, "--vma", model)
    if script == "hypervisor-phdrs.ld" and model == "zero":  # FILEHDR PHDRS: refused (test_link.py)
        assert first.returncode == 2 and "--vma delta" in first.stderr
        return
    assert first.returncode == 0, first.stderr
    out = tmp_path / script
    out.write_text(first.stdout)
    again = run(out, "--cpus", 4, "--vma", model)
    assert again.returncode == 0 and again.stdout == first.stdout
    # Another CPU count replaces the block; going back gives the first bytes again.
    eight = run(out, "--cpus", 8, "--vma", model)
    assert eight.returncode == 0 and "cpus=8" in eight.stdout and "cpus=4" not in eight.stdout
    out.write_text(eight.stdout)
    back = run(out, "--cpus", 4, "--vma", model)
    assert back.stdout == first.stdout
    # Everything outside the markers is the input, byte for byte.
    assert len(first.stdout) > len(src)
    assert strip_owned(first.stdout) == src


def strip_owned(text):
    """An independent inverse of ldgen's edits (by the documented markers)."""
    begin = text.index("\n  /* percpu-ldgen: begin")
    end = text.index("/* percpu-ldgen: end */") + len("/* percpu-ldgen: end */")
    text = text[:begin] + text[end:]
    while "/*percpu-ldgen{*/" in text:
        i = text.index(" /*percpu-ldgen{*/")
        j = text.index("/*}percpu-ldgen*/", i) + len("/*}percpu-ldgen*/")
        text = text[:i] + text[j:]
    return text


def test_check(tmp_path):
    out = tmp_path / "k.ld"
    assert run(SCRIPTS / "tutorial-kernel.ld", "--cpus", 4, "-o", out).returncode == 0
    assert run(out, "--cpus", 4, "--check").returncode == 0
    r = run(out, "--cpus", 2, "--check")
    assert r.returncode == 1 and "cpus=4" in r.stderr
    assert run(out, "--cpus", 4, "--vma", "delta", "--check").returncode == 1
    assert run(SCRIPTS / "tutorial-kernel.ld", "--cpus", 4, "--check").returncode == 1
    # A block edited by hand (stale) is reported too.
    out.write_text(out.read_text().replace("_percpu_stride * 4 -", "_percpu_stride * 5 -"))
    assert run(out, "--cpus", 4, "--check").returncode == 1


def test_in_place_rewrites_atomically(tmp_path):
    f = tmp_path / "kernel.ld"
    f.write_text((SCRIPTS / "higher-half.ld").read_text())
    os.chmod(f, 0o640)
    assert run(f, "--cpus", 2, "-i").returncode == 0
    text = f.read_text()
    assert "cpus=2" in text and oct(f.stat().st_mode & 0o777) == "0o640"
    assert run(f, "--cpus", 2, "-i").returncode == 0 and f.read_text() == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kernel.ld"]


def test_failing_write_leaves_the_original(tmp_path):
    f = tmp_path / "kernel.ld"
    original = (SCRIPTS / "stm32-mcu.ld").read_text()
    f.write_text(original)

    def small_files():  # the write of the new script fails with EFBIG, even as root
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

    r = run(f, "--cpus", 4, "-i", preexec=small_files)
    assert r.returncode == 2 and "write failed" in r.stderr
    assert f.read_text() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kernel.ld"]  # no temp file left
    r = run(f, "--cpus", 4, "-o", tmp_path / "no-such-dir" / "out.ld")
    assert r.returncode == 2 and "no-such-dir" in r.stderr


def test_syntax_error_is_located_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.ld"
    bad.write_text("SECTIONS\n{\n  .text : { *(.text) }\n  .data : AT(0x1000 +) { *(.data) }\n}\n")
    out = tmp_path / "out.ld"
    out.write_text("previous output\n")
    r = run(bad, "--cpus", 4, "-o", out)
    assert r.returncode == 2
    first = r.stderr.splitlines()[0]
    assert first.startswith(f"{bad}:4:22: error: expected an expression"), r.stderr
    assert "  .data : AT(0x1000 +) { *(.data) }" in r.stderr.splitlines()[1]
    assert r.stderr.splitlines()[2].index("^") == 2 + 21
    assert out.read_text() == "previous output\n"
    r = run(bad, "--cpus", 4, "-i")
    assert r.returncode == 2 and bad.read_text().startswith("SECTIONS\n{")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ld", "out.ld"]


@pytest.mark.parametrize("text,where,what", [
    ("SECTIONS { .text : { *(.text) } /* open", "1:33", "unterminated comment"),
    ("SECTIONS { .data : { *(.data) }\n", "2:1", "expected '}' to close SECTIONS"),
    ("SECTIONS { .data : { *(.data) } .percpu : { *(.percpu) } }", "1:33", "hand-written .percpu"),
    ("SECTIONS { .data : { *(.data .percpu*) } .bss : { *(.bss) } }", "1:30", "takes the .percpu input"),
    ("MEMORY { RAM : ORIGIN = 0, LENGTH = 4K }\nSECTIONS { .data : { *(.data) } .bss : { *(.bss) } }",
     "2:12", "pass --after NAME"),
    ("SECTIONS { .data : { *(.data) } } FOO", "1:38", "expected '(' after FOO"),
    ("ENTRY(_start)", "1:14", "no SECTIONS command"),
])
def test_bad_input(tmp_path, text, where, what):
    r = run("-", "--cpus", 2, stdin=text)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith(f"<stdin>:{where}: error:") and what in r.stderr.splitlines()[0], r.stderr


def test_stdin_and_options():
    src = (SCRIPTS / "tutorial-kernel.ld").read_text()
    r = run("-", "--cpus", 3, stdin=src)
    assert r.returncode == 0 and "_percpu_stride * 3 -" in r.stdout
    before = run("-", "--cpus", 3, "--before", ".bss", stdin=src).stdout
    assert before.index("percpu-ldgen: begin") > before.index("__bss_start = .;")
    assert run("-", "--cpus", 3, "--after", ".nope", stdin=src).returncode == 2
    assert run("-", "--cpus", 0, stdin=src).returncode == 64
    assert run("-", stdin=src).returncode == 64
    assert run("-", "--cpus", 2, "--after", ".data", "--before", ".bss", stdin=src).returncode == 64
    assert run("-", "--cpus", 2, "--vma", "far", stdin=src).returncode == 64
    assert run("-", "--cpus", 2, "-i", stdin=src).returncode == 64


def test_help_version_fragment():
    h = run("--help")
    assert h.returncode == 0 and "Exit codes" in h.stdout and "cpp -P" in h.stdout
    v = run("--version")
    assert v.returncode == 0 and v.stdout.startswith("percpu-ldgen ")
    f = run("--emit-fragment", "--cpus", 8)
    assert f.returncode == 0 and f.stdout.startswith("  /* percpu-ldgen: begin cpus=8 vma=zero */")
    assert "_percpu_stride * 8 -" in f.stdout and ".percpu 0x0 : AT(_percpu_start) {" in f.stdout  # the template is never NOLOAD


def test_include_is_not_followed(tmp_path):
    included = (SCRIPTS / "include-text.ldi").read_bytes()
    r = run(SCRIPTS / "include-main.ld", "--cpus", 2)
    assert r.returncode == 0 and "INCLUDE include-text.ldi" in r.stdout
    assert (SCRIPTS / "include-text.ldi").read_bytes() == included


def test_preprocessed_script_pipeline(tmp_path):
    """The documented .lds.S route: cpp -P -undef -D__ASSEMBLY__ | percpu-ldgen - ..."""
    cpp = subprocess.run(["cpp", "-P", "-undef", "-D__ASSEMBLY__", str(SCRIPTS / "arch-kernel.lds.S")],
                         capture_output=True, text=True, check=True)
    r = run("-", "--cpus", 2, "-o", tmp_path / "kernel.ld", stdin=cpp.stdout)
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "kernel.ld").read_text()
    assert "#define" not in text and "cpus=2" in text
    assert text.index("percpu-ldgen: begin") < text.index(".bss :")
    obj = tmp_path / "v.o"
    subprocess.run(["gcc", "-O2", "-ffreestanding", "-fno-pic", "-mcmodel=large", "-c", str(HERE / "percpu_vars.c"),
                    "-o", str(obj)], check=True)
    for linker in (["ld"], ["ld.lld"], ["ld.lld-19"]):
        link = subprocess.run(linker + ["-T", str(tmp_path / "kernel.ld"), str(obj), "-o", str(tmp_path / "k.elf")],
                              capture_output=True, text=True)
        assert link.returncode == 0, link.stderr


@pytest.mark.parametrize("text,args,what", [
    ("SECTIONS { .text : { *(.text) } OVERLAY 0x1000 : AT(0x4000) { .a { *(.a) } } .bss : { *(.bss) } }",
     [], "would follow an OVERLAY"),
    ("SECTIONS { .text : { *(.text) } :text .data : { *(.data) } .bss : { *(.bss) } }", [], "PHDRS is not in this file"),
    ("SECTIONS { .text : { *(.text) } .data : { *(.data) } OVERLAY : { .a { *(.a) } } }",
     ["--after", ".data"], "OVERLAY after the block has no AT()"),
])
def test_refusals_say_what_to_do(text, args, what):
    r = run("-", "--cpus", 2, *args, stdin=text)
    assert r.returncode == 2 and r.stdout == "" and what in r.stderr, r.stderr


def test_pasted_fragment_links(tmp_path):
    """--emit-fragment pasted by hand into an identity-mapped script links with both linkers,
    with every section after it still at LMA == VMA."""
    from elftools.elf.elffile import ELFFile
    fragment = run("--emit-fragment", "--cpus", 2).stdout
    src = (SCRIPTS / "tutorial-kernel.ld").read_text()
    script = tmp_path / "k.ld"
    script.write_text(src.replace("\t__bss_start = .;", fragment + "\t__bss_start = .;"))
    obj = tmp_path / "v.o"
    subprocess.run(["gcc", "-O2", "-ffreestanding", "-fno-pic", "-mcmodel=large", "-c", str(HERE / "percpu_vars.c"),
                    "-o", str(obj)], check=True)
    for linker in ("ld", "ld.lld", "ld.lld-19"):
        elf_path = tmp_path / f"{linker}.elf"
        subprocess.run([linker, "-T", str(script), str(obj), "-o", str(elf_path)], check=True, capture_output=True)
        with open(elf_path, "rb") as f:
            elf = ELFFile(f)
            for seg in elf.iter_segments():
                if seg["p_type"] == "PT_LOAD" and seg["p_vaddr"] != 0:
                    assert seg["p_vaddr"] == seg["p_paddr"], (linker, seg.header)
            assert elf.get_section_by_name(".percpu")["sh_type"] == "SHT_PROGBITS"


@pytest.mark.parametrize("name", ["missing.ld", "a-directory"])
def test_unreadable_input_is_one_line_and_exit_2(tmp_path, name):
    (tmp_path / "a-directory").mkdir()
    r = run(tmp_path / name, "--cpus", 4)
    assert r.returncode == 2, r.stderr
    assert r.stdout == ""
    assert len(r.stderr.splitlines()) == 1 and "cannot read" in r.stderr and name in r.stderr
