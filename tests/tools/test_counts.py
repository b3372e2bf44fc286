"""Counts are decimal only, the same rule in percpu-ldgen --cpus, percpu-check --cpus and the CMake
functions' CPUS: "010" is ten; "0x10", "1e3", " 4", "4 ", "+4", "-1" and "abc" are not numbers;
0 and 1048577 are out of range. Environment: PERCPU_LDGEN, PERCPU_CHECK, CMAKE_COMMAND."""
import os
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
NOT_NUMBERS = ["0x10", "1e3", " 4", "4 ", "+4", "-1", "abc", "", "4.0", "١"]
OUT_OF_RANGE = ["0", "000", "1048577", "99999999999999999999999"]
GOOD = {"1": 1, "010": 10, "1048576": 1048576}


def run(*args, env=None):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True,
                          env=None if env is None else {**os.environ, **env})


def ldgen(cpus):
    return run(os.environ["PERCPU_LDGEN"], "--emit-fragment", "--cpus", cpus)


def check(cpus, elf):
    return run(os.environ["PERCPU_CHECK"], elf, "--cpus", cpus)


@pytest.fixture(scope="module")
def not_elf(tmp_path_factory):
    path = tmp_path_factory.mktemp("counts") / "not.elf"
    path.write_bytes(b"not an ELF file")
    return path


@pytest.mark.parametrize("text", NOT_NUMBERS + OUT_OF_RANGE)
def test_the_clis_refuse(text, not_elf):
    want = f"'{text}' is not a number" if text in NOT_NUMBERS else f"{text} is out of range (1..1048576)"
    for tool, done in (("percpu-ldgen", ldgen(text)), ("percpu-check", check(text, not_elf))):
        assert done.returncode == 64, (tool, done.stderr)
        assert done.stderr.startswith(f"{tool}: --cpus: {want}"), (tool, done.stderr)
        assert done.stdout == ""


@pytest.mark.parametrize("text", GOOD)
def test_the_clis_accept_decimal(text, not_elf):
    done = ldgen(text)
    assert done.returncode == 0, done.stderr
    assert f"begin cpus={GOOD[text]} vma=zero" in done.stdout
    done = check(text, not_elf)  # the count is accepted; the file is not an ELF file
    assert done.returncode == 2 and "not an ELF file" in done.stderr, done.stderr


def cmake_cpus(text):
    return run(os.environ["CMAKE_COMMAND"], "-P", HERE / "cpus_in_cmake.cmake", env={"PERCPU_TEST_CPUS": text})


@pytest.mark.parametrize("text", NOT_NUMBERS + OUT_OF_RANGE)
def test_cmake_refuses(text):
    done = cmake_cpus(text)
    want = "is not a number (decimal digits only)" if text in NOT_NUMBERS else "is out of range (1..1048576)"
    shown = f"'{text}'" if text in NOT_NUMBERS else text
    assert done.returncode != 0
    assert f"percpu_check: CPUS {shown} {want}" in done.stderr, done.stderr


@pytest.mark.parametrize("text", GOOD)
def test_cmake_accepts_decimal(text):
    done = cmake_cpus(text)
    assert done.returncode == 0 and f"accepted {text}" in done.stdout, done.stderr
