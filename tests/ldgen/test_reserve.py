"""percpu-ldgen --reserve (docs/ldgen.md, docs/dynamic.md): the symbols and the stride it writes,
the size syntax and its limit, idempotency, changing the reserve, and --check.
Environment: PERCPU_LDGEN. Linked layouts are checked in tests/checker/fixtures/test_reserve.py."""
import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent / "scripts" / "tutorial-kernel.ld"
LDGEN = os.environ.get("PERCPU_LDGEN")


def run(*args):
    assert LDGEN and Path(LDGEN).is_file(), "set PERCPU_LDGEN to the built percpu-ldgen"
    return subprocess.run([LDGEN, *map(str, args)], capture_output=True, text=True)


@pytest.mark.parametrize("size,nbytes", [("4096", 4096), ("8K", 8192), ("2M", 2 << 20), ("1024M", 1 << 30)])
def test_reserve_symbols_and_stride(size, nbytes):
    r = run(SCRIPT, "--cpus", 4, "--reserve", size)
    assert r.returncode == 0, r.stderr
    assert f"begin cpus=4 vma=zero reserve={nbytes} */" in r.stdout
    assert f"_percpu_reserve_size = ABSOLUTE({nbytes});" in r.stdout
    assert ("_percpu_reserve_offset = ABSOLUTE(ALIGN((_percpu_load_end - _percpu_load_start), "
            "MAX(64, ALIGNOF(.percpu))));") in r.stdout
    assert f"+ {nbytes}, MAX(64, ALIGNOF(.percpu))));" in r.stdout


def test_no_reserve_is_the_plain_block():
    plain = run(SCRIPT, "--cpus", 4)
    zero = run(SCRIPT, "--cpus", 4, "--reserve", 0)
    assert plain.returncode == zero.returncode == 0
    assert plain.stdout == zero.stdout
    assert "_percpu_reserve" not in plain.stdout and "reserve=" not in plain.stdout


@pytest.mark.parametrize("size", ["", "x", "4k", "1G", "1025M", "-1", "12.5", "4096B", "9999999999999"])
def test_bad_sizes_are_usage_errors(size, tmp_path):
    out = tmp_path / "k.ld"
    r = run(SCRIPT, "--cpus", 4, "--reserve", size, "-o", out)
    assert r.returncode == 64, r.stdout + r.stderr
    assert r.stderr.startswith("percpu-ldgen: ") and "--reserve" in r.stderr
    assert not out.exists()


def test_idempotent_changeable_and_checked(tmp_path):
    out = tmp_path / "k.ld"
    assert run(SCRIPT, "--cpus", 4, "--reserve", "4K", "-o", out).returncode == 0
    first = out.read_text()
    again = run(out, "--cpus", 4, "--reserve", "4K")
    assert again.returncode == 0 and again.stdout == first
    assert run(out, "--cpus", 4, "--reserve", "4K", "--check").returncode == 0
    # The reserve recorded in the marker is compared: another size (or none) is a mismatch.
    for other in (["--reserve", "8K"], []):
        r = run(out, "--cpus", 4, "--check", *other)
        assert r.returncode == 1 and "reserve=4096" in r.stderr, r.stderr
    # Regenerating with another reserve replaces the block (not a "hand edit"), and back.
    bigger = run(out, "--cpus", 4, "--reserve", "8K")
    assert bigger.returncode == 0, bigger.stderr
    assert "reserve=8192" in bigger.stdout and "reserve=4096" not in bigger.stdout
    out.write_text(bigger.stdout)
    none = run(out, "--cpus", 4)
    assert none.returncode == 0 and "_percpu_reserve" not in none.stdout
    out.write_text(none.stdout)
    assert run(out, "--cpus", 4, "--reserve", "4K").stdout == first


def test_hand_edited_reserve_is_refused(tmp_path):
    out = tmp_path / "k.ld"
    assert run(SCRIPT, "--cpus", 4, "--reserve", "4K", "-o", out).returncode == 0
    out.write_text(out.read_text().replace("_percpu_reserve_size = ABSOLUTE(4096);",
                                           "_percpu_reserve_size = ABSOLUTE(8192);"))
    r = run(out, "--cpus", 4, "--reserve", "4K")
    assert r.returncode == 2 and "--force" in r.stderr, r.stderr


def test_fragment_has_the_reserve():
    r = run("--emit-fragment", "--cpus", 2, "--reserve", "1K")
    assert r.returncode == 0 and "_percpu_reserve_size = ABSOLUTE(1024);" in r.stdout
