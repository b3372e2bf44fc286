"""percpu.check: verdicts on good and broken ELF files, JSON equal to the CLI, ElfError on bad input."""

import json
import os
import random

import pytest

import percpu
from conftest import PLAIN_LD, cli_json


def test_good_kernel_passes_and_json_equals_the_cli(cli, plain_kernel):
    report = percpu.check(plain_kernel.elf)
    assert report.ok and bool(report)
    assert report.findings == []
    code, cli_dict = cli_json(cli, plain_kernel.elf)
    assert code == 0
    assert report.to_dict() == cli_dict
    assert json.loads(report.to_json()) == cli_dict
    assert report.layout.to_dict() == percpu.inspect(plain_kernel.elf).to_dict()


def test_text_report_equals_the_cli_table(cli, plain_kernel):
    from conftest import run
    done = run([cli.check, str(plain_kernel.elf)])
    assert done.returncode == 0
    assert percpu.check(plain_kernel.elf).to_text().encode() == done.stdout


def test_wrong_cpu_count_fails_with_findings(cli, plain_kernel):
    cpus = plain_kernel.cpus * 2
    report = percpu.check(plain_kernel.elf, cpus=cpus)
    assert not report.ok
    assert report.findings
    for finding in report.findings:
        assert finding.rule and finding.message
        assert isinstance(finding.hint, str)
    code, cli_dict = cli_json(cli, plain_kernel.elf, "--cpus", str(cpus))
    assert code == 1
    assert report.to_dict() == cli_dict
    assert [f.rule for f in report.findings] == [f["rule"] for f in cli_dict["findings"]]


def make_noload(script: str) -> str:
    head, sep, tail = script.partition(".percpu 0x0 :")
    assert sep, "the injected block changed shape: update make_noload"
    return head + ".percpu 0x0 (NOLOAD) :" + tail


def test_noload_template_fails(cli, builder):
    broken = builder.kernel("x86_64", "gnu", PLAIN_LD, cpus=4, edit=make_noload)
    report = percpu.check(broken.elf)
    assert not report.ok
    code, cli_dict = cli_json(cli, broken.elf)
    assert code == 1
    assert report.to_dict() == cli_dict
    assert any("NOBITS" in f.message or "NOLOAD" in f.message or "initial" in f.message
               for f in report.findings), report.findings


def test_linux_profile_on_a_percpu_kernel_is_an_error_or_a_finding(plain_kernel):
    # The kernel has no .data..percpu: the linux profile cannot find its template.
    try:
        report = percpu.check(plain_kernel.elf, profile="linux")
    except percpu.ElfError:
        return
    assert not report.ok


def test_name_keywords_override_the_profile_as_the_cli_options_do(plain_kernel, cli):
    # The linux profile renamed to the kernel's own names finds its template again: the same layout
    # as percpu-check --profile linux --section ... --load-end-symbol ..., and no end of areas.
    names = {"section": ".percpu", "start_symbol": "_percpu_start", "load_start_symbol": "_percpu_load_start",
             "load_end_symbol": "_percpu_load_end"}
    layout = percpu.inspect(plain_kernel.elf, "linux", **names)
    assert layout.cpu_count == 0 and layout.variables
    assert layout.template_size == percpu.inspect(plain_kernel.elf).template_size
    flags = [f"--{key.replace('_', '-')}={value}" for key, value in names.items()]
    code, cli_dict = cli_json(cli, plain_kernel.elf, "--profile", "linux", *flags)
    assert percpu.check(plain_kernel.elf, profile="linux", **names).to_dict() == cli_dict
    renamed = percpu.inspect(plain_kernel.elf, end_symbol="_percpu_no_such_end")
    assert renamed.cpu_count != percpu.inspect(plain_kernel.elf).cpu_count  # control: the override is used
    with pytest.raises(TypeError, match="unexpected keyword argument 'stride_symbol'"):
        percpu.inspect(plain_kernel.elf, stride_symbol="_percpu_stride")


def bad_inputs(tmp_path, good_elf):
    data = good_elf.read_bytes()
    rng = random.Random(5)
    files = {
        "missing": tmp_path / "missing.elf",
        "empty": tmp_path / "empty.elf",
        "random": tmp_path / "random.bin",
        "text": tmp_path / "script.ld",
        "directory": tmp_path,
    }
    files["empty"].write_bytes(b"")
    files["random"].write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    files["text"].write_text(PLAIN_LD)
    for cut in (16, 52, 64, 200, len(data) // 2, len(data) - 1):
        path = tmp_path / f"truncated-{cut}.elf"
        path.write_bytes(data[:cut])
        files[f"truncated-{cut}"] = path
    header = bytearray(data)
    header[4] = 7  # EI_CLASS: neither ELF32 nor ELF64
    files["bad-class"] = tmp_path / "bad-class.elf"
    files["bad-class"].write_bytes(bytes(header))
    shoff = bytearray(data)
    shoff[0x28:0x30] = (len(data) * 4).to_bytes(8, "little")  # e_shoff past the end of the file
    files["bad-shoff"] = tmp_path / "bad-shoff.elf"
    files["bad-shoff"].write_bytes(bytes(shoff))
    return files


def test_bad_input_raises_elf_error_with_the_cli_message(cli, plain_kernel, tmp_path):
    for name, path in bad_inputs(tmp_path, plain_kernel.elf).items():
        with pytest.raises(percpu.ElfError) as inspect_error:
            percpu.inspect(path)
        with pytest.raises(percpu.ElfError) as check_error:
            percpu.check(path)
        message = str(check_error.value)
        assert message and "\n" not in message.strip(), name
        assert str(inspect_error.value) == message, name
        done = cli.check_json(path)
        assert done.returncode == 2, name
        assert message in done.stderr.decode(errors="replace"), (name, message, done.stderr)


def test_bad_arguments_raise_python_errors(plain_kernel):
    with pytest.raises(percpu.UsageError):
        percpu.check(plain_kernel.elf, profile="windows")
    with pytest.raises(percpu.UsageError):  # an int out of range, not a TypeError (issue 12)
        percpu.check(plain_kernel.elf, cpus=-4)
    with pytest.raises(percpu.UsageError):
        percpu.check(plain_kernel.elf, cpus=0)
    with pytest.raises(TypeError):
        percpu.inspect(12345)


def test_hot_variables_are_marked(plain_kernel):
    report = percpu.check(plain_kernel.elf, hot=["counter", "cpu_*"])
    hot = {v.name for v in report.layout.variables if v.hot}
    assert hot == {"counter", "cpu_id"}


def test_percpu_symbols_must_lie_in_the_template(cli, plain_kernel):
    """percpu_symbols= is the CLI's --percpu-symbol: a named variable inside the template passes,
    one the file does not define is a variables.swallowed finding naming it, as in the CLI."""
    assert percpu.check(plain_kernel.elf, cpus=4, percpu_symbols=["counter"]).ok
    report = percpu.check(plain_kernel.elf, cpus=4, percpu_symbols=["counter", "no_such_percpu_var"])
    assert not report.ok
    assert [f.rule for f in report.findings] == ["variables.swallowed"]
    assert "no_such_percpu_var" in report.findings[0].message
    code, doc = cli_json(cli, plain_kernel.elf, "--cpus", "4", "--percpu-symbol", "counter",
                         "--percpu-symbol", "no_such_percpu_var")
    assert code == 1 and report.to_dict() == {**doc, "file": report.to_dict()["file"]}
