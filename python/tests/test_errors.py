"""Every public function of the package, given bad input, raises a percpu.Error subclass and
nothing else (no TypeError, no bare OSError, no RuntimeError from the C++ side)."""

import os

import pytest

import percpu
from conftest import PLAIN_LD

BAD_CPUS = [0, -1, 2**64, True, 4.0, "4", None]
SYNTAX_ERROR_LD = "SECTIONS\n{\n  .text : { *(.text) \n  . = 1 +;\n}\n"


@pytest.fixture
def bad_files(tmp_path):
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 4)  # NUL and control bytes: neither a script nor ELF
    syntax = tmp_path / "syntax.ld"
    syntax.write_text(SYNTAX_ERROR_LD)
    return {"missing": tmp_path / "missing", "directory": tmp_path, "garbage": garbage, "syntax": syntax}


def raises_only_percpu_errors(call, expected=percpu.Error):
    with pytest.raises(percpu.Error) as caught:
        call()
    assert isinstance(caught.value, expected), (type(caught.value), caught.value)
    text = str(caught.value)
    assert text and "\n" not in text.strip(), text
    return caught.value


def cpus_calls(cpus, plain_kernel):
    return {
        "inject": lambda: percpu.inject(PLAIN_LD, cpus),
        "inject_file": lambda: percpu.inject_file(plain_kernel.script, cpus),
        "check_block": lambda: percpu.check_block(PLAIN_LD, cpus),
        "emit_fragment": lambda: percpu.emit_fragment(cpus),
        "check": lambda: percpu.check(plain_kernel.elf, cpus),
        "inspect": lambda: percpu.inspect(plain_kernel.elf, cpus=cpus),
    }


@pytest.mark.parametrize("cpus", BAD_CPUS, ids=repr)
def test_bad_cpu_counts_are_usage_errors(cpus, plain_kernel):
    for name, call in cpus_calls(cpus, plain_kernel).items():
        if cpus is None and name in ("check", "inspect"):
            continue  # None means "not given" there
        error = raises_only_percpu_errors(call, percpu.UsageError)
        assert isinstance(error, ValueError), name
        assert error.field == "cpus", name
        assert str(error).startswith("cpus must be "), (name, str(error))


def test_out_of_range_counts_say_the_range(plain_kernel):
    error = raises_only_percpu_errors(lambda: percpu.inject(PLAIN_LD, 2**64), percpu.UsageError)
    assert str(error) == "cpus must be between 1 and 1048576, not 18446744073709551616"
    error = raises_only_percpu_errors(lambda: percpu.check(plain_kernel.elf, 0), percpu.UsageError)
    assert str(error) == "cpus must be between 1 and 1048576, not 0"


def test_bad_script_files(bad_files):
    missing = raises_only_percpu_errors(lambda: percpu.inject_file(bad_files["missing"], 4), percpu.MissingFileError)
    assert isinstance(missing, FileNotFoundError) and missing.errno == 2
    assert missing.filename == os.fspath(bad_files["missing"])
    assert str(missing) == f"{bad_files['missing']}: cannot read: No such file or directory"
    directory = raises_only_percpu_errors(lambda: percpu.inject_file(bad_files["directory"], 4), percpu.FileError)
    assert isinstance(directory, OSError) and not isinstance(directory, FileNotFoundError)
    for name in ("garbage", "syntax"):
        error = raises_only_percpu_errors(lambda: percpu.inject_file(bad_files[name], 4), percpu.LinkerScriptError)
        assert error.file == os.fspath(bad_files[name]) and error.line >= 1, name


@pytest.mark.parametrize("function", ["inject", "check_block"])
def test_bad_script_text(function, bad_files):
    call = getattr(percpu, function)
    for name in ("garbage", "syntax"):
        text = bad_files[name].read_bytes().decode("utf-8", "surrogateescape")
        error = raises_only_percpu_errors(lambda: call(text, 4), percpu.LinkerScriptError)
        assert isinstance(error, ValueError), name
    error = raises_only_percpu_errors(lambda: call(SYNTAX_ERROR_LD, 4), percpu.LinkerScriptError)
    assert (error.line, error.column) == (4, 10)


@pytest.mark.parametrize("function", ["inspect", "check"])
def test_bad_elf_files(function, bad_files):
    call = getattr(percpu, function)
    missing = raises_only_percpu_errors(lambda: call(bad_files["missing"]), percpu.MissingElfError)
    assert isinstance(missing, percpu.ElfError) and isinstance(missing, FileNotFoundError)
    assert missing.errno == 2 and str(missing).endswith(": cannot open: No such file or directory")
    directory = raises_only_percpu_errors(lambda: call(bad_files["directory"]), percpu.ElfFileError)
    assert str(directory) == f"{bad_files['directory']}: is a directory"
    for name in ("garbage", "syntax"):
        error = raises_only_percpu_errors(lambda: call(bad_files[name]), percpu.ElfError)
        assert not isinstance(error, OSError), name
        assert error.path == os.fspath(bad_files[name]), name


def test_bad_names_are_usage_errors(plain_kernel):
    raises_only_percpu_errors(lambda: percpu.inject(PLAIN_LD, 4, vma="sideways"), percpu.UsageError)
    raises_only_percpu_errors(lambda: percpu.emit_fragment(4, vma="far"), percpu.UsageError)
    raises_only_percpu_errors(lambda: percpu.check(plain_kernel.elf, profile="windows"), percpu.UsageError)
    raises_only_percpu_errors(lambda: percpu.inject(PLAIN_LD, 4, after=".text", before=".bss"), percpu.UsageError)


# The section before the default place (.data) is in no region; .text is.
MEMORY_WITHOUT_REGION = ("MEMORY { RAM : ORIGIN = 0x80000000, LENGTH = 1M }\n"
                         "SECTIONS { .text : { *(.text) } > RAM\n  .data : { *(.data) }\n  .bss : { *(.bss) } }\n")


def test_remedies_are_worded_as_python_keywords(tmp_path):
    # The core's error says what to do without naming a flag; the package words it as its own
    # keywords (the CLI says "pass --after NAME or --before NAME" for the same error).
    error = raises_only_percpu_errors(lambda: percpu.inject(MEMORY_WITHOUT_REGION, 2), percpu.LinkerScriptError)
    assert str(error).endswith("(pass after='NAME' or before='NAME')"), str(error)
    assert "--" not in str(error) and "--" not in error.message
    script = tmp_path / "k.ld"
    script.write_text(MEMORY_WITHOUT_REGION)
    cli = percpu._percpu.ldgen_main(["percpu-ldgen", str(script), "--cpus", "2"])
    assert cli[0] == 2 and b"(pass --after NAME or --before NAME)" in cli[2], cli
    fine = percpu.inject(MEMORY_WITHOUT_REGION, 2, after=".text")  # control: the remedy works
    assert "_percpu_start" in fine
