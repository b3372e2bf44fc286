"""The package as pip installed it: location, version, typing files, console scripts."""

import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import percpu
from conftest import REPO, SCRIPTS_DIR


def test_imported_from_site_packages_not_the_source_tree():
    module = Path(percpu.__file__).resolve()
    purelib = Path(sysconfig.get_path("purelib")).resolve()
    platlib = Path(sysconfig.get_path("platlib")).resolve()
    assert "site-packages" in module.parts
    assert module.parent.parent in (purelib, platlib)
    assert REPO / "python" / "percpu" not in module.parents
    assert Path(percpu._percpu.__file__).resolve().parent == module.parent


def test_version_is_the_cmake_project_version():
    cmake = (REPO / "CMakeLists.txt").read_text()
    match = re.search(r"project\(percpu\s+VERSION\s+([0-9]+\.[0-9]+\.[0-9]+)", cmake)
    assert match, "CMakeLists.txt has no project(percpu VERSION x.y.z)"
    assert percpu.__version__ == match.group(1)
    from importlib.metadata import version
    assert version("percpu") == match.group(1)


def test_typing_files_are_installed():
    package = Path(percpu.__file__).parent
    for name in ("py.typed", "__init__.pyi", "_percpu.pyi"):
        assert (package / name).is_file(), name


def test_one_exit_code_table():
    # The C++ table (common/cli/exit_codes.hpp), as the binding exports it to the console scripts.
    codes = {name: getattr(percpu._percpu, name)
             for name in ("EXIT_OK", "EXIT_CHECK_FAILED", "EXIT_BAD_INPUT", "EXIT_USAGE")}
    assert codes == {"EXIT_OK": 0, "EXIT_CHECK_FAILED": 1, "EXIT_BAD_INPUT": 2, "EXIT_USAGE": 64}


def test_console_scripts_and_module_report_the_version():
    for name in ("percpu-ldgen", "percpu-check"):
        done = subprocess.run([str(SCRIPTS_DIR / name), "--version"], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert percpu.__version__ in done.stdout
    done = subprocess.run([sys.executable, "-m", "percpu", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == f"percpu {percpu.__version__}"


def test_exception_hierarchy():
    assert issubclass(percpu.LinkerScriptError, percpu.Error)
    assert issubclass(percpu.LinkerScriptError, ValueError)
    assert issubclass(percpu.ElfError, percpu.Error)
    assert issubclass(percpu.ElfError, ValueError)
    assert not issubclass(percpu.ElfError, percpu.LinkerScriptError)
    assert issubclass(percpu.UsageError, percpu.Error) and issubclass(percpu.UsageError, ValueError)
    assert issubclass(percpu.FileError, percpu.Error) and issubclass(percpu.FileError, OSError)
    assert issubclass(percpu.MissingFileError, percpu.FileError)
    assert issubclass(percpu.MissingFileError, FileNotFoundError)
    assert issubclass(percpu.MissingElfError, percpu.ElfError)
    assert issubclass(percpu.MissingElfError, FileNotFoundError)
    assert issubclass(percpu.ElfFileError, percpu.ElfError) and issubclass(percpu.ElfFileError, OSError)
