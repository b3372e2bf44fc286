"""percpu-check --format junit and --output FILE (docs/percpu-check.md, "CI reports").

The JUnit report must parse as XML, hold one testcase per rule (the rule count of the JSON report),
and carry each failed rule's message and hint; --output writes any format to a file instead of
standard output, with the same bytes and the same exit code.
"""

import json
import os
import stat
import xml.etree.ElementTree as ET

from conftest import PLAIN_LD, run
from test_check import make_noload


def junit(cli, elf, *extra):
    done = run([cli.check, str(elf), "--format", "junit", *extra])
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.returncode, ET.fromstring(done.stdout)


def rules_of(cli, elf, *extra):
    done = run([cli.check, str(elf), "--format", "json", *extra])
    return json.loads(done.stdout)["rules"]


def cases(root):
    suites = root.findall("testsuite")
    assert root.tag == "testsuites" and len(suites) == 1
    return suites[0], suites[0].findall("testcase")


def test_passing_elf_one_testcase_per_rule(cli, plain_kernel):
    code, root = junit(cli, plain_kernel.elf, "--cpus", "4")
    assert code == 0
    suite, testcases = cases(root)
    rules = rules_of(cli, plain_kernel.elf, "--cpus", "4")
    assert [c.get("name") for c in testcases] == [r["id"] for r in rules]
    assert int(suite.get("tests")) == len(rules) == len(testcases)
    assert suite.get("failures") == "0" and root.get("failures") == "0"
    assert not any(c.find("failure") is not None for c in testcases)
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props["arch"] == "x86_64" and props["cpus"] == "4"


def test_failing_elf_carries_message_and_hint(cli, builder):
    broken = builder.kernel("x86_64", "gnu", PLAIN_LD, cpus=4, edit=make_noload)
    code, root = junit(cli, broken.elf, "--cpus", "4")
    assert code == 1
    suite, testcases = cases(root)
    rules = rules_of(cli, broken.elf, "--cpus", "4")
    assert len(testcases) == len(rules) == int(suite.get("tests"))
    failed = {c.get("name"): c.find("failure") for c in testcases if c.find("failure") is not None}
    assert "template.progbits" in failed
    assert int(suite.get("failures")) == len(failed) == sum(r["status"] == "fail" for r in rules)
    failure = failed["template.progbits"]
    assert "NOBITS" in failure.get("message")
    assert "hint: remove NOLOAD" in failure.text
    skipped = [c for c in testcases if c.find("skipped") is not None]
    assert int(suite.get("skipped")) == len(skipped) == sum(r["status"] == "skip" for r in rules)


def test_output_file_has_the_same_bytes_for_every_format(cli, plain_kernel, tmp_path):
    for fmt in ("text", "json", "junit", "svg", "html"):
        direct = run([cli.check, str(plain_kernel.elf), "--cpus", "4", "--format", fmt])
        target = tmp_path / f"report.{fmt}"
        to_file = run([cli.check, str(plain_kernel.elf), "--cpus", "4", "--format", fmt, "--output", str(target)])
        assert to_file.returncode == direct.returncode == 0
        assert to_file.stdout == b""
        assert target.read_bytes() == direct.stdout, fmt


def test_output_keeps_the_verdict_and_a_failing_report_is_written(cli, plain_kernel, tmp_path):
    target = tmp_path / "report.xml"
    done = run([cli.check, str(plain_kernel.elf), "--cpus", "8", "--format", "junit", "--output", str(target)])
    assert done.returncode == 1
    assert ET.parse(target).getroot().get("failures") != "0"


def test_output_into_a_fifo_writes_through_and_keeps_the_fifo(cli, plain_kernel, tmp_path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, so the writer does not block
    try:
        done = run([cli.check, str(plain_kernel.elf), "--format", "json", "--output", str(fifo)])
        data = os.read(reader, 1 << 20)
    finally:
        os.close(reader)
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(data)["ok"] is True
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_to_a_missing_directory_is_bad_input(cli, plain_kernel, tmp_path):
    done = run([cli.check, str(plain_kernel.elf), "--output", str(tmp_path / "no" / "such" / "dir" / "r.xml")])
    assert done.returncode == 2
    assert done.stderr.decode().count("\n") == 1 and "percpu-check: " in done.stderr.decode()


def test_output_onto_a_hard_link_is_refused_unless_forced(cli, plain_kernel, tmp_path):
    target, other = tmp_path / "report.json", tmp_path / "other-name.json"
    target.write_text("old\n")
    os.link(target, other)
    refused = run([cli.check, str(plain_kernel.elf), "--format", "json", "--output", str(target)])
    message = refused.stderr.decode()
    assert refused.returncode == 2 and message.count("\n") == 1, message
    assert "hard links" in message and message.rstrip().endswith("(pass --force)"), message
    assert target.read_text() == other.read_text() == "old\n"  # nothing written, the links still one file
    forced = run([cli.check, str(plain_kernel.elf), "--format", "json", "--output", str(target), "--force"])
    assert forced.returncode == 0, forced.stderr.decode()
    assert json.loads(other.read_text())["ok"] is True  # written in place: every link sees the report
    assert os.stat(target).st_nlink == 2 and os.path.samefile(target, other)


def test_force_without_output_is_a_usage_error(cli, plain_kernel):
    done = run([cli.check, str(plain_kernel.elf), "--force"])
    assert done.returncode == 64 and b"--force requires --output" in done.stderr, done.stderr
