"""percpu-ldgen's file handling, as a root CI job meets it: symlinks written through, devices and
FIFOs never replaced, owner/group/mode kept, hard links refused without --force, the input cap
for files, pipes and endless devices. Every device and FIFO is made in the test's own temporary
directory (never /dev). Environment: PERCPU_LDGEN."""
import os
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SCRIPT = (HERE / "scripts" / "tutorial-kernel.ld").read_text()
LDGEN = os.environ.get("PERCPU_LDGEN")
CAP = 64 << 20  # kMaxScriptBytes, documented in docs/ldgen.md
root_only = pytest.mark.skipif(os.geteuid() != 0, reason="mknod and chown need root (CI runs as root)")


def run(*args, stdin=None, timeout=60):
    assert LDGEN and Path(LDGEN).is_file(), "set PERCPU_LDGEN to the built percpu-ldgen"
    return subprocess.run([LDGEN, *map(str, args)], input=stdin, capture_output=True, timeout=timeout)


def expected(cpus=2):
    r = run("-", "--cpus", cpus, stdin=SCRIPT.encode())
    assert r.returncode == 0
    return r.stdout


def test_regular_file_is_replaced_atomically(tmp_path):
    """The control for the special files below: a regular file gets a new inode (rename)."""
    out = tmp_path / "k.ld"
    out.write_text("old\n")
    os.chmod(out, 0o604)
    inode = out.stat().st_ino
    r = run("-", "--cpus", 2, "-o", out, stdin=SCRIPT.encode())
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == expected() and out.stat().st_ino != inode
    assert stat.S_IMODE(out.stat().st_mode) == 0o604
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.ld"]


def test_output_through_a_symlink_edits_the_target(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "kernel.ld"
    target.write_text(SCRIPT)
    link = tmp_path / "kernel.ld"
    link.symlink_to("real/kernel.ld")  # relative, resolved from the link's directory
    chain = tmp_path / "chain.ld"
    chain.symlink_to(link)  # a link to a link
    r = run(chain, "--cpus", 2, "-i")
    assert r.returncode == 0, r.stderr
    assert chain.is_symlink() and link.is_symlink() and os.readlink(link) == "real/kernel.ld"
    assert target.read_bytes() == expected() and not target.is_symlink()
    # -o onto a dangling link creates its target, and the link stays a link.
    dangling = tmp_path / "out.ld"
    dangling.symlink_to("real/new.ld")
    assert run("-", "--cpus", 2, "-o", dangling, stdin=SCRIPT.encode()).returncode == 0
    assert dangling.is_symlink() and (tmp_path / "real" / "new.ld").read_bytes() == expected()


def test_output_onto_a_fifo_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    r = run("-", "--cpus", 2, "-o", fifo, stdin=SCRIPT.encode())
    reader.join(30)
    assert r.returncode == 0, r.stderr
    assert received == [expected()]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


@root_only
def test_output_onto_a_character_device_stays_a_device(tmp_path):
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # /dev/null's numbers
    inode = os.lstat(null).st_ino
    r = run("-", "--cpus", 2, "-o", null, stdin=SCRIPT.encode())
    assert r.returncode == 0, r.stderr
    st = os.lstat(null)
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3) and st.st_ino == inode
    # -o through a symlink to the device: the link and the device stay.
    link = tmp_path / "link"
    link.symlink_to(null)
    assert run("-", "--cpus", 2, "-o", link, stdin=SCRIPT.encode()).returncode == 0
    assert link.is_symlink() and stat.S_ISCHR(os.lstat(null).st_mode) and os.lstat(null).st_ino == inode
    full = tmp_path / "full"
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # /dev/full: every write fails
    r = run("-", "--cpus", 2, "-o", full, stdin=SCRIPT.encode())
    assert r.returncode == 2 and b"write failed" in r.stderr
    assert stat.S_ISCHR(os.lstat(full).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full", "link", "null"]


@root_only
def test_in_place_keeps_owner_group_and_mode(tmp_path):
    f = tmp_path / "kernel.ld"
    f.write_text(SCRIPT)
    os.chown(f, 12345, 12346)
    os.chmod(f, 0o640)
    inode = f.stat().st_ino
    r = run(f, "--cpus", 2, "-i")
    assert r.returncode == 0, r.stderr
    st = f.stat()
    assert st.st_ino != inode  # replaced (atomic rename), so keeping the owner was ldgen's work
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (12345, 12346, 0o640)
    assert f.read_bytes() == expected()


def test_hard_links_are_refused_without_force(tmp_path):
    a = tmp_path / "a.ld"
    a.write_text(SCRIPT)
    b = tmp_path / "b.ld"
    os.link(a, b)
    r = run(a, "--cpus", 2, "-i")
    assert r.returncode == 2 and b"2 hard links" in r.stderr and b"--force" in r.stderr
    assert a.read_text() == SCRIPT and b.read_text() == SCRIPT
    r = run(a, "--cpus", 2, "-i", "--force")
    assert r.returncode == 0, r.stderr
    assert a.read_bytes() == expected() == b.read_bytes()
    assert a.stat().st_ino == b.stat().st_ino and a.stat().st_nlink == 2


def test_input_cap_admits_the_limit_and_refuses_one_byte_more(tmp_path):
    """The control for the endless inputs: a script of exactly 64 MiB is accepted."""
    big = tmp_path / "big.ld"
    body = SCRIPT.encode()
    big.write_bytes(body + b" " * (CAP - len(body)))
    r = run(big, "--cpus", 2, "-o", tmp_path / "out.ld")
    assert r.returncode == 0, r.stderr[:300]
    with open(big, "ab") as f:
        f.write(b" ")
    r = run(big, "--cpus", 2, "-o", tmp_path / "out2.ld")
    assert r.returncode == 2 and b"64 MiB" in r.stderr and not (tmp_path / "out2.ld").exists()


@root_only
def test_endless_character_device_input_exits_2_fast(tmp_path):
    zero = tmp_path / "zero"
    os.mknod(zero, 0o444 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero's numbers
    started = time.monotonic()
    r = run(zero, "--cpus", 2, timeout=30)
    elapsed = time.monotonic() - started
    assert r.returncode == 2 and b"64 MiB input limit" in r.stderr and r.stdout == b""
    assert elapsed < 5, elapsed


def test_endless_pipe_input_exits_2_fast():
    assert LDGEN and Path(LDGEN).is_file()
    started = time.monotonic()
    proc = subprocess.Popen([LDGEN, "-", "--cpus", "2"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)

    def feed():
        chunk = b"\0" * (1 << 20)
        try:
            while proc.poll() is None:
                proc.stdin.write(chunk)
        except (BrokenPipeError, ValueError):
            pass

    writer = threading.Thread(target=feed)
    writer.start()
    code = proc.wait(timeout=30)
    elapsed = time.monotonic() - started
    writer.join(10)
    err = proc.stderr.read()
    assert code == 2 and b"<stdin>: larger than the 64 MiB input limit" in err
    assert elapsed < 5, elapsed


def test_dash_output_is_standard_output(tmp_path):
    r = run("-", "--cpus", 2, "-o", "-", stdin=SCRIPT.encode())
    assert r.returncode == 0 and r.stdout == expected()
