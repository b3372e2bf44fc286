#!/usr/bin/env python3
"""Turns one run of percpu_bench (Google Benchmark JSON) and of the Rust crate program
(`rust_percpu op=... ns_per_op=...` lines) into bench/run's table, with the goals of issue 2.

Usage: runtime_table.py CPP_JSON RUST_OUTPUT [CPP_JSON RUST_OUTPUT ...]
Several pairs (rounds run alternately by bench/run): each figure is the minimum over all rounds.
Exit 0 when every figure was found (goals met or not: they are informational), 1 otherwise.
"""
import json
import re
import sys

# (table row, C++ benchmark operation, Rust crate operation)
ROWS = [
    ("read_current", "read_current", "read_current"),
    ("write_current", "write_current", "write_current"),
    ("add_current(1)", "add_current", "increment_read_write"),
]
ADD_GOAL_VS_THREAD_LOCAL = 1.05


def cpp_figures(path):
    """{'percpu/read_current': ns, ...}: CPU time, the minimum of the repetitions when there are
    several (CPU time does not count the time a thread waited for a core on a shared machine)."""
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    singles, minima = {}, {}
    for b in report.get("benchmarks", []):
        if b.get("time_unit") != "ns":
            raise ValueError(f"{b.get('name')}: time unit {b.get('time_unit')!r}, expected ns")
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "min":
                minima[b["run_name"]] = float(b["cpu_time"])
        else:
            singles.setdefault(b.get("run_name", b["name"]), float(b["cpu_time"]))
    return {**singles, **minima}


def rust_figures(path):
    line = re.compile(r"^rust_percpu op=(\S+) .*\bmin_cpu_ns_per_op=([0-9.]+) ")
    figures = {}
    with open(path, encoding="utf-8") as f:
        for text in f:
            m = line.match(text)
            if m:
                figures[m.group(1)] = float(m.group(2))
    return figures


def main(argv):
    if len(argv) < 3 or len(argv) % 2 == 0:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    cpp, rust = {}, {}
    try:
        for cpp_path, rust_path in zip(argv[1::2], argv[2::2]):
            for figures, new in ((cpp, cpp_figures(cpp_path)), (rust, rust_figures(rust_path))):
                for name, ns in new.items():
                    figures[name] = min(ns, figures.get(name, ns))
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as e:
        print(f"runtime_table: cannot read the benchmark output: {e}", file=sys.stderr)
        return 1

    missing = [f"{impl}/{op}" for _, op, _ in ROWS for impl in ("percpu", "thread_local", "atomic")
               if f"{impl}/{op}" not in cpp]
    missing += [f"rust {op}" for _, _, op in ROWS if op not in rust]
    if missing:
        print(f"runtime_table: figures missing from the run: {', '.join(missing)}", file=sys.stderr)
        return 1

    header = ("operation", "percpu C++ ns", "thread_local ns", "atomic ns", "Rust crate ns",
              "ratio C++/thread_local", "ratio C++/Rust")
    rows = []
    for label, op, rust_op in ROWS:
        c, t, a, r = (cpp[f"percpu/{op}"], cpp[f"thread_local/{op}"], cpp[f"atomic/{op}"],
                      rust[rust_op])
        rows.append((label, f"{c:.3f}", f"{t:.3f}", f"{a:.3f}", f"{r:.3f}", f"{c / t:.3f}",
                     f"{c / r:.3f}"))
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    fmt = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"
    print(fmt(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(fmt(row))
    print("Rust crate add_current(1) = write_current(read_current() + 1): the crate has no add.")
    if "increment_with_current" in rust:
        print(f"Rust crate with_current(|v| *v += 1): {rust['increment_with_current']:.3f} ns "
              "(self-pointer load + address add + memory add)")

    add, tl_add, rust_add = cpp["percpu/add_current"], cpp["thread_local/add_current"], \
        rust["increment_read_write"]
    met1 = add <= ADD_GOAL_VS_THREAD_LOCAL * tl_add
    met2 = add <= rust_add
    print(f"goal: add_current within {ADD_GOAL_VS_THREAD_LOCAL}x of the thread_local increment: "
          f"{add / tl_add:.3f}x -> {'met' if met1 else 'NOT met'}")
    print(f"goal: add_current no slower than the Rust crate's read+write increment: "
          f"{add / rust_add:.3f}x -> {'met' if met2 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
