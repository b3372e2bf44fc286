"""The console scripts and `python -m percpu` run the C++ tools' own cli_main."""

import subprocess
import sys

from conftest import PLAIN_LD, run

EXIT_USAGE = 64


def module(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "percpu", *args], capture_output=True, **kwargs)


def test_help_of_both_tools(cli):
    for tool, words in ((cli.ldgen, "--cpus"), (cli.check, "--format")):
        done = run([tool, "--help"])
        assert done.returncode == 0
        assert words in done.stdout.decode()


def test_usage_errors_exit_64(cli):
    for tool in (cli.ldgen, cli.check):
        done = run([tool, "--no-such-option"])
        assert done.returncode == EXIT_USAGE
        assert done.stderr, "a usage error says why"
    assert module("frobnicate").returncode == EXIT_USAGE
    assert module().returncode == EXIT_USAGE


def test_python_m_percpu_is_the_same_tool(cli, tmp_path):
    script = tmp_path / "kernel.ld"
    script.write_text(PLAIN_LD)
    direct = run([cli.ldgen, str(script), "--cpus", "8"])
    via_module = module("ldgen", str(script), "--cpus", "8")
    assert direct.returncode == via_module.returncode == 0
    assert direct.stdout == via_module.stdout
    assert b".percpu" in direct.stdout


def test_stdin_is_read_by_ldgen(cli):
    done = subprocess.run([cli.ldgen, "-", "--cpus", "2"], input=PLAIN_LD.encode(), capture_output=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(PLAIN_LD.split("SECTIONS")[0].encode())


def test_check_exit_codes_via_module(plain_kernel, tmp_path):
    assert module("check", str(plain_kernel.elf)).returncode == 0
    assert module("check", str(plain_kernel.elf), "--cpus", str(plain_kernel.cpus * 2)).returncode == 1
    missing = module("check", str(tmp_path / "missing.elf"))
    assert missing.returncode == 2
    assert b"missing.elf" in missing.stderr
