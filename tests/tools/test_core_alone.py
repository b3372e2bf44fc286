"""Each tool's core library is usable alone: a small C++ program is compiled against the core's
include directories and linked with its archive and the two small archives of common/ (the file
rules and the source-text display; plus LIEF and mbedtls for the checker), with no
CLI11 on the command line; the compiler's dependency list proves no CLI11 header was read, and
the archive holds no CLI11 code. The CLI archives, which do use CLI11, are the control.
Environment: CXX, PERCPU_SOURCE_DIR, PERCPU_LDGEN_CORE, PERCPU_LDGEN_CLI, PERCPU_CHECKER_CORE,
PERCPU_CHECKER_CLI, PERCPU_LIEF_LIBS and PERCPU_COMMON_LIBS (';'-separated)."""
import os
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SOURCE = Path(os.environ.get("PERCPU_SOURCE_DIR", HERE.parents[1]))


def includes(tool):
    dirs = [SOURCE / tool / "include", SOURCE / "libpercpu" / "include", SOURCE / "common" / "include"]
    return [f"-I{d}" for d in dirs]


CORES = {
    "ldgen": ("ldgen_alone.cpp", "PERCPU_LDGEN_CORE", "PERCPU_LDGEN_CLI", ["PERCPU_COMMON_LIBS"]),
    "checker": ("check_alone.cpp", "PERCPU_CHECKER_CORE", "PERCPU_CHECKER_CLI",
                ["PERCPU_LIEF_LIBS", "PERCPU_COMMON_LIBS"]),
}


def cli11_symbols(archive):
    done = subprocess.run(["nm", "-C", archive], capture_output=True, text=True, check=True)
    return [line for line in done.stdout.splitlines() if "CLI::" in line]


@pytest.mark.parametrize("tool", CORES)
def test_core_library_alone(tool, tmp_path):
    source, core_var, cli_var, extra_vars = CORES[tool]
    core = os.environ[core_var]
    extra = [lib for var in extra_vars for lib in os.environ[var].split(";") if lib]
    cxx = os.environ.get("CXX", "c++")
    command = [cxx, "-std=c++17", *includes(tool), str(HERE / "core_alone" / source), core, *extra,
               "-o", str(tmp_path / tool)]
    assert not any("CLI" in part for part in command), command
    deps = subprocess.run([cxx, "-std=c++17", *includes(tool), str(HERE / "core_alone" / source), "-M"],
                          capture_output=True, text=True)
    assert deps.returncode == 0, deps.stderr
    assert "/CLI/" not in deps.stdout, "a CLI11 header was read"
    assert "percpu/" in deps.stdout  # the dependency list is real
    built = subprocess.run(command, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    ran = subprocess.run([str(tmp_path / tool)], capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "core alone: ok" in ran.stdout
    assert cli11_symbols(core) == []
    assert all(cli11_symbols(lib) == [] for lib in extra if lib.endswith(".a"))
    assert cli11_symbols(os.environ[cli_var]), "control: the CLI archive uses CLI11"


def test_checker_command_line_does_not_use_ldgen():
    # percpu-check's --output writes with the shared file rules (percpu::files), not percpu-ldgen's
    # library: its command line refers to nothing of percpu::ldgen. The ldgen CLI is the control.
    def ldgen_symbols(archive):
        done = subprocess.run(["nm", "-C", archive], capture_output=True, text=True, check=True)
        return [line for line in done.stdout.splitlines() if "percpu::ldgen::" in line]
    assert ldgen_symbols(os.environ["PERCPU_CHECKER_CLI"]) == []
    assert ldgen_symbols(os.environ["PERCPU_LDGEN_CLI"]), "control: the ldgen CLI uses percpu::ldgen"
