"""The repaired wheel installs and works where nothing of the build machine is visible.

scripts/build-wheel builds the sdist, the wheel from that sdist, and repairs the wheel with
auditwheel (docs/python.md). scripts/test runs it and points PERCPU_WHEEL_DIR at the result. Here
each wheel is installed into a fresh venv inside a private mount namespace (unshare -m, as root) in
which the build machine's C/C++ headers (every -dev package's), its compilers and the system's
mbedtls and LIEF libraries are hidden: the repaired wheel must still run percpu-check,
percpu-ldgen and `import percpu` on fixture files. The control: the UNREPAIRED wheel, in the same
kind of namespace, must fail to import, which shows the namespace really hides mbedtls.
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import PLAIN_LD, run

WHEEL_DIR = os.environ.get("PERCPU_WHEEL_DIR")
pytestmark = pytest.mark.skipif(
    not WHEEL_DIR, reason="PERCPU_WHEEL_DIR is not set: scripts/test builds the wheel and sets it")

LIBDIR = Path("/usr/lib/x86_64-linux-gnu")
# Directories replaced by an empty tmpfs inside the namespace: every -dev package's headers, GCC's
# and LLVM's compiler programs. Absent ones are left out.
HIDDEN_DIRS = ["/usr/include", "/usr/lib/gcc", "/usr/lib/llvm-19", "/usr/lib/llvm-14",
               "/usr/local/include"]


def repaired_wheel() -> Path:
    found = sorted(Path(WHEEL_DIR).glob("percpu-*manylinux*.whl"))
    assert len(found) == 1, f"expected one repaired wheel in {WHEEL_DIR}, found {found}"
    return found[0]


def raw_wheel() -> Path:
    found = sorted((Path(WHEEL_DIR) / "raw").glob("percpu-*.whl"))
    assert len(found) == 1, f"expected one unrepaired wheel in {WHEEL_DIR}/raw, found {found}"
    return found[0]


def hidden_files():
    """The system libraries the unrepaired wheel would load, and LIEF's archive."""
    files = [p for p in LIBDIR.glob("libmbed*.so*") if not p.is_symlink()]
    files += [p for p in LIBDIR.glob("libLIEF*") if not p.is_symlink()]
    assert any("mbedcrypto" in p.name for p in files), "libmbedcrypto is not on this machine: nothing to hide"
    return files


def in_clean_namespace(tmp: Path, script: str) -> subprocess.CompletedProcess:
    """Runs `script` (bash) in a private mount namespace with the build machine hidden."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.fail("this test needs root and unshare(1) (util-linux), as in CI", pytrace=False)
    empty = tmp / "empty-file"
    empty.write_bytes(b"")
    hide = ["set -e"]
    hide += [f"mount -t tmpfs -o ro,size=1m none {shlex.quote(d)}" for d in HIDDEN_DIRS if Path(d).is_dir()]
    hide += [f"mount --bind {shlex.quote(str(empty))} {shlex.quote(str(f))}" for f in hidden_files()]
    # Proof that the hiding works, before the real work.
    hide += ["! gcc -x c -c -o /dev/null - </dev/null 2>/dev/null || { echo 'gcc still compiles'; exit 90; }",
             "[ ! -e /usr/include/stdio.h ] || { echo '/usr/include still visible'; exit 90; }",
             "! python3 -c 'import ctypes; ctypes.CDLL(\"libmbedcrypto.so.7\")' 2>/dev/null"
             " || { echo 'libmbedcrypto still loads'; exit 90; }"]
    full = "\n".join(hide) + "\n" + script
    return run(["unshare", "--mount", "--propagation", "private", "bash", "-c", full], cwd=str(tmp))


def install_script(venv: Path, wheel: Path) -> str:
    return (f"python3 -m venv {venv}\n"
            f"{venv}/bin/pip install -q --no-index --no-deps {shlex.quote(str(wheel))}\n")


def test_auditwheel_reports_a_manylinux_tag():
    wheel = repaired_wheel()
    done = run([sys.executable, "-m", "auditwheel", "show", str(wheel)])
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    assert 'platform tag: "manylinux_2_' in out, out
    # The wheel carries mbedtls, the only non-system library of the extension.
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("percpu.libs/libmbedcrypto") for n in names), names
    assert "percpu/_percpu.pyi" in names and any(n.startswith("percpu/_percpu.") and n.endswith(".so") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "percpu-ldgen" in text and "percpu-check" in text


def test_wheel_metadata_is_complete():
    wheel = repaired_wheel()
    zf = zipfile.ZipFile(wheel)
    meta = zf.read(next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    for field in ("Version: ", "Summary: ", "License", "Classifier: License :: OSI Approved",
                  "Classifier: Operating System :: POSIX :: Linux", "Requires-Python: "):
        assert field in meta, f"METADATA lacks {field!r}"


def test_repaired_wheel_works_without_dev_packages_or_mbedtls(tmp_path, plain_kernel):
    venv = tmp_path / "venv"
    (tmp_path / "kernel.ld").write_text(PLAIN_LD)
    shutil.copy(plain_kernel.elf, tmp_path / "kernel.elf")
    script = install_script(venv, repaired_wheel()) + f"""
{venv}/bin/percpu-check kernel.elf --cpus 4 --format json > check.json
{venv}/bin/percpu-ldgen kernel.ld --cpus 4 -o injected.ld
{venv}/bin/python -c 'import percpu; l = percpu.inspect("kernel.elf"); print("CPUS", l.cpu_count)' > inspect.txt
"""
    done = in_clean_namespace(tmp_path, script)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    assert json.loads((tmp_path / "check.json").read_text())["ok"] is True
    assert "percpu-ldgen: begin cpus=4" in (tmp_path / "injected.ld").read_text()
    assert (tmp_path / "inspect.txt").read_text().strip() == "CPUS 4"


def test_control_the_unrepaired_wheel_fails_in_the_same_namespace(tmp_path):
    venv = tmp_path / "venv"
    script = install_script(venv, raw_wheel()) + f"{venv}/bin/python -c 'import percpu' 2> import.err\n"
    done = in_clean_namespace(tmp_path, script)
    assert done.returncode != 0, "the unrepaired wheel imported: the namespace does not hide mbedtls"
    err = (tmp_path / "import.err").read_text()
    assert "libmbed" in err, err
