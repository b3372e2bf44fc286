"""The property test: percpu-ldgen, GNU ld / ld.lld 14 / ld.lld 19 and percpu-check agree on every
generated layout. For each case (shapes.py): percpu-ldgen injects the block; each linker that
supports the architecture links the per-CPU objects (objects.py) with it; percpu-check --cpus N must
pass. Accepted otherwise only: percpu-ldgen refused the script with a reason (exit 2 and one line),
or the linker rejects the ORIGINAL script too (the shape is not the block's fault). Every case that
passes also gets a defective twin (twins.py) that must fail exactly its rule.

Prints the number of cases and of disagreements, and each disagreement with the files to
reproduce it (kept in the work directory). Exit 1 if any."""
import argparse
import concurrent.futures
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from objects import ARCHES, compile_all, linker_command
from shapes import draw
from known import owner_of, unmatched
from twins import twin_for


def run(cmd, timeout=120):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout)


def first_line(text):
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[0] if lines else "(no message)"


class Runner:
    def __init__(self, args, work):
        self.args, self.work = args, Path(work)
        self.objects = compile_all(self.work, args.arch, args.jobs)
        self.links = Counter()      # outcome -> count, over case x linker
        self.twins = Counter()      # twin kind -> count checked
        self.twin_skipped = Counter()
        self.disagreements = []     # (case name, linker, what)

    def link(self, case, linker, script, elf, extra_objects=(), flags=()):
        objs = [self.objects[case.arch][o] for o in case.objects() + list(extra_objects)]
        return run(linker_command(case.arch, linker) + list(flags) + ["-T", script] + objs + ["-o", elf])

    def check(self, elf, cpus):
        proc = run([self.args.check, elf, "--cpus", cpus, "--format", "json"])
        if proc.returncode not in (0, 1):
            return proc.returncode, None, first_line(proc.stderr)
        doc = json.loads(proc.stdout)
        failed = {r["id"] for r in doc["rules"] if r["status"] == "fail"}
        return proc.returncode, failed, "; ".join(f"{f['rule']}: {f['message']}" for f in doc["findings"])

    def case(self, case):
        """Returns [(outcome, linker, detail)] for the case's links and its twin."""
        d = self.work / case.name()
        d.mkdir()
        original = d / "original.ld"
        original.write_text(case.text())
        injected = d / "percpu.ld"
        gen = run([self.args.ldgen, original, "--cpus", case.cpus, "--vma", case.vma, "-o", injected])
        linkers = ARCHES[case.arch].linkers
        if gen.returncode == 2 and len(gen.stderr.splitlines()) >= 1 and "error:" in gen.stderr:
            return [("refused", linker, first_line(gen.stderr)) for linker in linkers]
        if gen.returncode != 0:
            return [("disagree", "ldgen", f"percpu-ldgen exit {gen.returncode}: {first_line(gen.stderr)}")]
        results = []
        for linker in linkers:
            elf = d / f"{linker}.elf"
            ld = self.link(case, linker, injected, elf)
            if ld.returncode != 0:
                if "percpu-ldgen:" in ld.stderr:  # an ASSERT percpu-ldgen wrote: refused, with its reason
                    results.append(("refused", linker, first_line(ld.stderr)))
                elif self.link(case, linker, original, d / f"{linker}-original.elf").returncode != 0:
                    results.append(("rejected", linker, first_line(ld.stderr)))
                else:
                    results.append(("disagree", linker, "ldgen's script fails to link, the original links: "
                                    + first_line(ld.stderr)))
                continue
            code, failed, detail = self.check(elf, case.cpus)
            if code == 0:
                results.append(("pass", linker, ""))
            else:
                results.append(("disagree", linker, f"percpu-check exit {code}: {detail}"))
        passed = [linker for outcome, linker, _ in results if outcome == "pass"]
        if passed and not self.args.no_twins:
            results.append(self.twin(case, passed[case.index % len(passed)], injected.read_text(), d))
        return results

    def twin(self, case, linker, text, d):
        twin = twin_for(case, text)
        if not twin:
            return ("twin-none", linker, "")
        script = d / f"twin-{twin.kind}.ld"
        script.write_text(twin.text)
        elf = d / f"twin-{twin.kind}-{linker}.elf"
        ld = self.link(case, linker, script, elf, twin.objects, twin.link_flags)
        if ld.returncode != 0:
            return ("twin-skipped", linker, f"{twin.kind}: does not link: {first_line(ld.stderr)}")
        if not carries_defect(twin, elf):
            return ("twin-skipped", linker, f"{twin.kind}: the file does not carry the defect")
        code, failed, detail = self.check(elf, twin.cpus or case.cpus)
        if code == 1 and failed == twin.rules:
            return ("twin", linker, twin.kind)
        return ("disagree", linker, f"twin {twin.kind}: expected exactly {sorted(twin.rules)}, got exit {code} "
                f"{sorted(failed or [])}: {detail}")


def carries_defect(twin, elf):
    """The stride twin is a defect only if the 64-rounded stride is not a multiple of the alignment."""
    if twin.kind != "stride-64-overaligned":
        return True
    from elftools.elf.elffile import ELFFile
    with open(elf, "rb") as f:
        e = ELFFile(f)
        stride = next(s["st_value"] for s in e.get_section_by_name(".symtab").iter_symbols()
                      if s.name == "_percpu_stride")
        return stride % e.get_section_by_name(".percpu")["sh_addralign"] != 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=40, help="generated layouts (default 40)")
    p.add_argument("--seed", type=int, default=1, help="the generator's seed (default 1)")
    p.add_argument("--ldgen", default=os.environ.get("PERCPU_LDGEN"), help="percpu-ldgen (default $PERCPU_LDGEN)")
    p.add_argument("--check", default=os.environ.get("PERCPU_CHECK"), help="percpu-check (default $PERCPU_CHECK)")
    p.add_argument("--arch", action="append", choices=list(ARCHES), help="architectures (default: all)")
    p.add_argument("--jobs", type=int, default=2, help="cases run in parallel (default 2)")
    p.add_argument("--work", help="keep the cases' files here (default: a temporary directory, removed)")
    p.add_argument("--no-twins", action="store_true", help="only the agreement direction")
    p.add_argument("--require-every-twin", action="store_true", help="fail unless every twin kind was checked")
    p.add_argument("--strict", action="store_true", help="known disagreements (known.py) fail the run too")
    p.add_argument("--only", type=int, action="append", help="run only the case with this index (repeatable)")
    args = p.parse_args(argv)
    args.arch = args.arch or list(ARCHES)
    if not args.ldgen or not args.check:
        p.error("give --ldgen and --check (or set PERCPU_LDGEN and PERCPU_CHECK)")
    rng = random.Random(args.seed)
    cases = [draw(rng, i, args.arch) for i in range(args.count)]
    if args.only:
        cases = [c for c in cases if c.index in args.only]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="percpu-agreement-") as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        runner = Runner(args, work)
        outcomes = Counter()
        disagreements = []
        twins = Counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for case, results in zip(cases, pool.map(runner.case, cases)):
                for outcome, linker, detail in results:
                    outcomes[outcome] += 1
                    if outcome == "twin":
                        twins[detail] += 1
                    if outcome == "disagree":
                        disagreements.append(f"{case.name()} [{linker}]: {detail}")
        elapsed = time.monotonic() - started
        links = outcomes["pass"] + outcomes["refused"] + outcomes["rejected"] + sum(
            1 for d in disagreements if " twin " not in d and "[ldgen]" not in d)
        print(f"agreement: seed {args.seed}, {len(cases)} layouts, {links} layouts x linkers: "
              f"{outcomes['pass']} pass, {outcomes['refused']} refused by percpu-ldgen, "
              f"{outcomes['rejected']} rejected by the linker (the original script too)")
        print(f"twins: {sum(twins.values())} fail exactly their rule "
              f"({', '.join(f'{k} {v}' for k, v in sorted(twins.items()))}); {outcomes['twin-skipped']} not applicable")
        new = []
        for line in disagreements:
            known = owner_of(line)
            print(f"KNOWN ({known[0]}) {line}" if known else f"DISAGREE {line}")
            if not known:
                new.append(line)
        for owner, why in unmatched(disagreements) if args.count >= 200 else []:
            print(f"known entry ({owner}) matched nothing: remove it if fixed: {why}")
        print(f"disagreements: {len(disagreements)}, of which known (fix in flight, tests/agreement/known.py): "
              f"{len(disagreements) - len(new)} ({elapsed:.0f} s)")
        missing = [
            k for k in ("noload-template", "greedy-pattern", "wrong-cpu-count", "stride-64-overaligned",
                        "missing-end-symbol", "section-over-areas", "past-reach") if not twins[k]]
        if args.require_every_twin and missing:
            print(f"twin kinds never checked: {', '.join(missing)}")
            return 1
        if disagreements and args.work:
            print(f"files to reproduce: {work}/<case>/ (original.ld, percpu.ld, twin-*.ld, *.elf)")
        return 1 if new or (args.strict and disagreements) else 0


if __name__ == "__main__":
    sys.exit(main())
