"""Runs the percpu-check libFuzzer target for a bounded number of inputs (ASan + UBSan), seeded
with good fixture ELFs of every class and machine (built here by the real toolchains, as the
fixture tests build them) and with regressions/: inputs that once crashed it or ran too long.
Any crash, sanitizer report, leak or timeout (30 s for one input: generous, the machine is
shared) fails the test; libFuzzer saves the input as crash-* (or leak-*, timeout-*) in the test's
directory, to be added to regressions/.

regressions/timeout-1m-areas-listed-for-a-garbage-cpu-count.elf: a mutated x86_64 fixture with
_percpu_start gone and _percpu_end at 0xffffffff8020xxxx; the CPU count derived from it is
~7e16, and the report listed 2^20 area bases (5-10 s under ASan, 25 MB of JSON); now none.

Environment: PERCPU_CHECK_FUZZER (the built fuzzer), PERCPU_LDGEN."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "fixtures"))
from elves import Builder, env_tool  # noqa: E402

RUNS = 20000
# (arch, linker, shape, model): both classes, every machine, both models and both linkers.
SEEDS = [("x86_64", "bfd", "identity", "zero"), ("x86_64", "lld19", "higher-half", "delta"),
         ("aarch64", "lld19", "higher-half", "zero"), ("riscv64", "bfd", "identity", "delta"),
         ("riscv32", "lld19", "higher-half", "zero"), ("riscv32", "bfd", "identity", "delta"),
         ("loongarch64", "lld19", "identity", "zero")]


def test_fuzzer_never_crashes(tmp_path):
    fuzzer = env_tool("PERCPU_CHECK_FUZZER")
    builder = Builder(tmp_path, env_tool("PERCPU_LDGEN"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in SEEDS:
        shutil.copy(builder.good(*seed), corpus)
    shutil.copy(builder.linux("x86_64", "bfd", "linux-x86_64.ld"), corpus)
    for regression in (p for p in (HERE / "regressions").iterdir() if not p.name.startswith(".")):
        shutil.copy(regression, corpus)
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    result = subprocess.run([fuzzer, f"-runs={RUNS}", "-max_total_time=60", "-timeout=30", "-rss_limit_mb=2048",
                             f"-artifact_prefix={artifacts}/", str(corpus)],
                            capture_output=True, text=True, timeout=150,
                            env=dict(os.environ, ASAN_OPTIONS="detect_leaks=1"))
    found = sorted(p.name for p in artifacts.iterdir())
    assert result.returncode == 0 and not found, f"saved {found} in {artifacts}:\n{result.stderr[-4000:]}"
    assert "Done" in result.stderr, result.stderr[-2000:]
