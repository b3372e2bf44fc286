"""percpu.inject / inject_file: the same bytes as the installed percpu-ldgen, errors as exceptions."""

from pathlib import Path

import pytest

import percpu
from conftest import HIGHER_HALF_LD, PLAIN_LD, REPO, run

LDGEN_FIXTURES = REPO / "tests" / "ldgen" / "scripts"
BLOCK_BEGIN = "/* percpu-ldgen: begin"
BLOCK_END = "/* percpu-ldgen: end */"


def ldgen_fixture_scripts():
    return sorted(p for p in LDGEN_FIXTURES.glob("*") if p.suffix in (".ld", ".lds", ".x"))


@pytest.mark.parametrize("base", [PLAIN_LD, HIGHER_HALF_LD], ids=["plain", "higher-half"])
@pytest.mark.parametrize("cpus", [1, 4, 64])
def test_inject_equals_cli_output(cli, tmp_path, base, cpus):
    script = tmp_path / "kernel.ld"
    script.write_text(base)
    done = cli.inject(script, cpus)
    assert done.returncode == 0, done.stderr
    api = percpu.inject(base, cpus)
    assert api.encode() == done.stdout
    assert percpu.inject_file(script, cpus) == api
    assert f"cpus={cpus}" in api


def test_only_insertions_and_untouched_text_survives():
    out = percpu.inject(PLAIN_LD, 4)
    assert out.count(BLOCK_BEGIN) == 1 and out.count(BLOCK_END) == 1
    assert out.startswith(PLAIN_LD[: PLAIN_LD.index(".bss")].split(".data")[0])
    assert "_percpu_start" in out and "_percpu_end" in out and "_percpu_stride" in out
    template_lines = [line for line in out.splitlines() if line.strip().startswith(".percpu ")]
    assert len(template_lines) == 1 and "NOLOAD" not in template_lines[0]  # initial values kept


def test_vma_delta_and_placement_options(cli, tmp_path):
    script = tmp_path / "kernel.ld"
    script.write_text(PLAIN_LD)
    delta = percpu.inject(PLAIN_LD, 2, vma="delta")
    assert "vma=delta" in delta
    assert delta.encode() == cli.inject(script, 2, "--vma", "delta").stdout
    after_text = percpu.inject(PLAIN_LD, 2, after=".text")
    assert after_text.index(".text :") < after_text.index(BLOCK_BEGIN) < after_text.index(".rodata :")
    assert after_text.encode() == cli.inject(script, 2, "--after", ".text").stdout
    before_bss = percpu.inject(PLAIN_LD, 2, before=".bss")
    assert before_bss.index(".data :") < before_bss.index(BLOCK_BEGIN) < before_bss.index(".bss :")


def test_fragment_is_the_block_alone():
    fragment = percpu.emit_fragment(4)
    assert fragment.lstrip().startswith(BLOCK_BEGIN)
    assert BLOCK_END in fragment
    assert "_percpu_stride" in fragment
    assert "vma=delta" in percpu.emit_fragment(4, vma="delta")


def test_injecting_twice_is_idempotent():
    once = percpu.inject(PLAIN_LD, 4)
    assert percpu.inject(once, 4) == once


def test_non_utf8_bytes_survive_byte_for_byte(tmp_path):
    raw = PLAIN_LD.replace("ENTRY(_start)", "/* \xff\xfe Latin-1 comment */\nENTRY(_start)").encode("latin-1")
    path = tmp_path / "latin1.ld"
    path.write_bytes(raw)
    out = percpu.inject_file(path, 2).encode("utf-8", "surrogateescape")
    assert out.startswith(raw[: raw.index(b"SECTIONS")])


@pytest.mark.parametrize("script", ldgen_fixture_scripts(), ids=lambda p: p.name)
def test_cpp_suite_fixture_scripts_match_the_cli(cli, script):
    """The ldgen suite's own fixture scripts: the API gives what the CLI gives, or the same error."""
    done = cli.inject(script, 4)
    if done.returncode == 0:
        assert percpu.inject_file(script, 4).encode() == done.stdout
    else:
        assert done.returncode == 2
        with pytest.raises(percpu.LinkerScriptError) as error:
            percpu.inject_file(script, 4)
        e = error.value
        assert f"{e.file}:{e.line}:{e.column}: error: {e.message}" in done.stderr.decode()


def test_the_cpp_suite_has_fixture_scripts():
    assert len(ldgen_fixture_scripts()) >= 3, f"no fixture scripts in {LDGEN_FIXTURES}"


BAD_SCRIPTS = {
    "unclosed-brace": ("SECTIONS\n{\n  .text : { *(.text) }\n", None),
    "unterminated-comment": ("SECTIONS\n{\n  /* never closed\n  .text : { *(.text) }\n}\n", None),
    "garbage": ("SECTIONS\n{\n  .text : { *(.text) }\n  @@@ ;\n}\n", (4, 3)),
}


@pytest.mark.parametrize("name", sorted(BAD_SCRIPTS))
def test_syntax_errors_raise_linker_script_error_with_the_cli_text(cli, tmp_path, name):
    text, position = BAD_SCRIPTS[name]
    path = tmp_path / f"{name}.ld"
    path.write_text(text)
    with pytest.raises(percpu.LinkerScriptError) as caught:
        percpu.inject_file(path, 4)
    error = caught.value
    assert error.file == str(path)
    assert error.line >= 1 and error.column >= 1
    if position is not None:
        assert (error.line, error.column) == position
    assert str(error) == f"{error.file}:{error.line}:{error.column}: {error.message}"
    done = cli.inject(path, 4)
    assert done.returncode == 2
    # The CLI prints the same location and message, gcc-style, then the source line with a caret.
    first, source, *_ = done.stderr.decode().splitlines()
    assert first == f"{error.file}:{error.line}:{error.column}: error: {error.message}"
    assert source.strip() == error.source_line.strip()
    assert done.stdout == b""


def test_existing_hand_written_percpu_section_is_refused():
    text = PLAIN_LD.replace("  .bss :", "  .percpu : { *(.percpu) }\n  .bss :")
    with pytest.raises(percpu.LinkerScriptError) as caught:
        percpu.inject(text, 4, source_name="hand.ld")
    assert caught.value.file == "hand.ld"
    assert caught.value.line == 8


def test_bad_arguments_raise_python_errors():
    with pytest.raises(percpu.UsageError):
        percpu.inject(PLAIN_LD, 4, vma="sideways")
    with pytest.raises(percpu.UsageError):  # an int out of range, not a TypeError (issue 12)
        percpu.inject(PLAIN_LD, -1)
    with pytest.raises(percpu.UsageError):  # percpu::InvalidArgument from the ldgen core
        percpu.inject(PLAIN_LD, 0)
    with pytest.raises(percpu.UsageError):
        percpu.inject(PLAIN_LD, 4, after=".text", before=".bss")
    with pytest.raises(TypeError):
        percpu.inject(42, 4)
    with pytest.raises(FileNotFoundError):
        percpu.inject_file(Path("/nonexistent/kernel.ld"), 4)
    with pytest.raises(percpu.MissingFileError):
        percpu.inject_file(Path("/nonexistent/kernel.ld"), 4)
    with pytest.raises(IsADirectoryError):
        percpu.inject_file(Path(__file__).parent, 4)


def test_inject_file_reads_at_most_64_mib(tmp_path):
    """The CLI's input cap (docs/ldgen.md, Files) holds for inject_file, files and FIFOs alike."""
    import os
    import threading
    import time
    cap = 64 << 20
    limit = tmp_path / "limit.ld"
    with open(limit, "wb") as f:
        f.truncate(cap)  # the control: exactly the cap is read (and then refused as a script)
    with pytest.raises(percpu.LinkerScriptError):
        percpu.inject_file(limit, 2)
    with open(limit, "ab") as f:
        f.write(b" ")
    with pytest.raises(percpu.Error, match="64 MiB"):
        percpu.inject_file(limit, 2)
    fifo = tmp_path / "endless"
    os.mkfifo(fifo)
    stop = threading.Event()

    def feed():
        try:
            with open(fifo, "wb") as w:
                while not stop.is_set():
                    w.write(b"\0" * (1 << 20))
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed)
    writer.start()
    started = time.monotonic()
    try:
        with pytest.raises(percpu.Error, match="64 MiB"):
            percpu.inject_file(fifo, 2)
    finally:
        stop.set()
        writer.join(10)
    assert time.monotonic() - started < 5


def test_check_block_is_the_cli_check(cli, tmp_path):
    injected = percpu.inject(PLAIN_LD, 4)
    assert percpu.check_block(injected, 4).state == "up_to_date"
    assert percpu.check_block(injected, 4) and percpu.check_block(injected, 4).reason == ""
    cases = {
        "missing": (PLAIN_LD, 4, "zero"),
        "other_parameters": (injected, 8, "zero"),
        "edited": (injected.replace("_percpu_stride * 4", "_percpu_stride * 5"), 4, "zero"),
        "stale": (percpu.inject(PLAIN_LD, 4, after=".text"), 4, "zero"),  # placed elsewhere than now
    }
    cases["other_parameters_vma"] = (injected, 4, "delta")
    for want, (text, cpus, vma) in cases.items():
        script = tmp_path / "k.ld"
        result = percpu.check_block(text, cpus, vma=vma, source_name=str(script))
        assert not result and want.startswith(result.state), (want, result)
        script.write_text(text)
        done = run([cli.ldgen, str(script), "--cpus", str(cpus), "--vma", vma, "--check"])
        assert done.returncode == 1
        # The CLI adds its own flag for what gets past an edited block (Python has no force).
        remedy = " (pass --force)" if result.state == "edited" else ""
        assert done.stderr == f"{result.reason}{remedy}\n".encode(), (done.stderr, result.reason)
