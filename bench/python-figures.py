#!/usr/bin/env python3
"""bench/python-figures.py: CPython beside amdahl's models, from bench/python's rows.

    python3 bench/python-figures.py OUT.csv PLOTDIR

Reads what amdahl itself makes of the rows `bench/run bench/python` wrote (the --cmd
rows of the examples in examples/python and the rows of the built-in backends, each
workload one interleaved run): `amdahl explain --format csv`, one line per series and
N with the median of the paired speedups, its 95% interval and the median wall time,
from amdahl's one aggregation (src/results/aggregate.c); nothing is aggregated here.
Prints a table that sets each CPython program beside the model of it (with the
program's start-up bound, Amdahl's law with its start-up as the serial part, and the
difference in percent), and draws one figure per workload with plots/python.gp:
PLOTDIR/python-cpu.<fmt>, python-io.<fmt>.
Environment: AMDAHL (the binary, default build/amdahl), PLOT_STYLE (slides|paper,
default slides), PLOT_FORMAT (png|svg|pdf).
Exit status: 0, 1 when amdahl or gnuplot failed, 2 when the CSV lacks a series.
"""
import csv
import glob
import io
import json
import math
import os
import platform
import subprocess
import sys
import tempfile

# The two sides of every figure: the example programs (their --name after cpu_/io_,
# legend, gnuplot line type) and the models (backend, legend, line type). A program
# and the model of it share a line type; PAIRS says which model models which program
# (asyncio and gevent both by green: one OS thread, switching only where a task
# blocks); thread, the same pthreads without a GIL, is the contrast.
PROGRAMS = [("threads", "threading", 1), ("processes", "multiprocessing", 2),
            ("gevent", "gevent", 3), ("asyncio", "asyncio", 5)]
MODELS = [("gil", "gil (simulated GIL)", 1), ("process", "process", 2),
          ("green", "green", 3), ("thread", "thread (no GIL)", 7)]
PAIRS = [("threads", "gil"), ("processes", "process"), ("gevent", "green"), ("asyncio", "green")]
FIGURES = {
    "cpu": ("CPU-bound work: simulated GIL vs CPython's GIL", "spin"),
    "io": ("I/O-bound work (1 ms waits): simulated GIL vs CPython's GIL", "sleep"),
}


def load(path):
    """amdahl's cells of the file: {(series, n): (speedup, lo, hi, wall_s)}, the
    median paired speedup, its 95% interval and the median wall. A --cmd series is
    named by its label; a backend's by (backend, workload)."""
    amdahl = os.environ.get("AMDAHL", "build/amdahl")
    done = subprocess.run([amdahl, "explain", "--format", "csv", path], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
    if done.returncode:
        print(f"bench-python: {amdahl} explain {path} failed (exit {done.returncode})", file=sys.stderr)
        sys.exit(1)
    cells = {}
    for row in csv.DictReader(io.StringIO(done.stdout)):
        key = row["label"] if row["backend"] == "cmd" else (row["backend"], row["workload"])
        cells[(key, int(row["n"]))] = tuple(float(row[c]) if row[c] else float("nan")
                                            for c in ("speedup", "speedup_lo", "speedup_hi", "wall_s"))
    return cells


def series(cells, key):
    """[(n, median, lo, hi)] of one series, by n; empty when it is not in the file."""
    return [(n, med, lo, hi) for (k, n), (med, lo, hi, _) in sorted(cells.items(), key=lambda kv: kv[0][1])
            if k == key]


def wall(cells, key):
    """The median wall time of a series at N = 1; None when it has none."""
    c = cells.get((key, 1))
    return c[3] if c else None


def cores_of(out):
    """The usable cores the run recorded (the CSV's cores column)."""
    with open(out, newline="") as f:
        return float(next(csv.DictReader(f))["cores"])


def machine(out):
    """The subtitle's first part, from the runs' meta.json: CPU, cores, load."""
    metas = []
    for path in [out + ".meta.json"] + sorted(glob.glob(out + ".*.meta.json")):
        with open(path) as f:
            metas.append(json.load(f))
    if not metas:
        return ""
    m = metas[0]
    loads = [x[k] for x in metas for k in ("loadavg_before", "loadavg_after") if k in x]
    load = f", load {min(loads):.1f}-{max(loads):.1f}" if loads else ""
    return f"{m.get('cpu_model', '?')}, {m.get('cores', 0):g} usable cores{load}"


def quote(s):
    """A gnuplot string literal: single quotes, a quote inside doubled."""
    return "'" + s.replace("'", "''") + "'"


def startup_fraction(prog, name, cells):
    """f = t0 / T(1): the share of the N = 1 wall that is the program's start-up t0
    (the same program doing no work), the serial part Amdahl's law caps it with."""
    return (wall(cells, f"start_{prog}") or 0.0) / wall(cells, f"{name}_{prog}")


def blocks_of(name, workload, cells, out):
    """The figure's series in gnuplot's block order and the -e settings naming them.
    lf<i>: the start-up fraction of program i, for its Amdahl curve (-1: none drawn;
    threads, greenlets and tasks computing get no speedup to bound)."""
    blocks, sets = [], {}
    for i, (prog, _, _) in enumerate(PROGRAMS, 1):
        parallel = workload == "sleep" or prog == "processes"
        sets[f"lf{i}"] = startup_fraction(prog, name, cells) if parallel else -1
    sides = [("l", [(f"{name}_{prog}", legend, lt) for prog, legend, lt in PROGRAMS]),
             ("r", [((backend, workload), legend, lt) for backend, legend, lt in MODELS])]
    for side, entries in sides:
        for i, (key, legend, lt) in enumerate(entries, 1):
            s = series(cells, key)
            if not s:
                print(f"bench-python: no rows of {key if isinstance(key, str) else key[0]}"
                      f" ({workload}) in {out}", file=sys.stderr)
                sys.exit(2)
            sets.update({f"{side}b{i}": len(blocks), f"{side}n{i}": legend, f"{side}l{i}": lt})
            blocks.append(s)
        sets[f"n{side}"] = len(entries)
    return blocks, sets


def compare(name, workload, cells, cores, table):
    """Add each pair's median speedups at N > 1 to the table, with the speedup
    Amdahl's law allows the program when its start-up t0 (the same program doing no
    work, N = 1) is its serial part: 1 / (f + (1 - f) / m), f = t0 / T(1), where m
    is N for waiting and min(N, cores) for computing."""
    for prog, model in PAIRS:
        py = series(cells, f"{name}_{prog}")
        mod = {n: med for n, med, _, _ in series(cells, (model, workload))}
        f = startup_fraction(prog, name, cells)
        m = (lambda n: min(n, cores)) if workload == "spin" else (lambda n: n)
        table.extend((name, prog, model, n, med, 1 / (f + (1 - f) / m(n)), mod[n])
                     for n, med, _, _ in py if n > 1 and n in mod)


def draw(name, fig, cells, out, plotdir):
    """Draw PLOTDIR/python-NAME.<fmt>; 0, or 1 when gnuplot failed."""
    title, workload = fig
    blocks, sets = blocks_of(name, workload, cells, out)
    fmt = os.environ.get("PLOT_FORMAT", "png")
    image = os.path.join(plotdir, f"python-{name}.{fmt}")
    cores = cores_of(out)
    plots = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "plots")
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, f"{name}.dat")
        with open(data, "w") as f:
            for b in blocks:
                # No interval (one repetition): the bar shrinks to the median.
                f.writelines(f"{n} {med:.6g} {med if math.isnan(lo) else lo:.6g}"
                             f" {med if math.isnan(hi) else hi:.6g}\n" for n, med, lo, hi in b)
                f.write("\n\n")
        sets.update(datafile=data, out=image + ".tmp", fmt=fmt, plotdir=plots,
                    style=os.environ.get("PLOT_STYLE", "slides"), title=title,
                    subtitle=f"{machine(out)}; median of the paired speedups, bars its 95% interval",
                    ltitle=f"CPython {platform.python_version()}", rtitle="amdahl's models",
                    cores=cores, nmax=max(n for b in blocks for n, *_ in b),
                    cpu=int(workload == "spin"))
        e = "; ".join(f"{k}={quote(v)}" if isinstance(v, str) else f"{k}={v}" for k, v in sets.items())
        if subprocess.run(["gnuplot", "-e", e, os.path.join(plots, "python.gp")]).returncode:
            print(f"bench-python: gnuplot failed on {image}", file=sys.stderr)
            return 1
        os.replace(image + ".tmp", image)
    print(image)
    return 0


def main():
    if len(sys.argv) != 3:
        print("usage: bench/python-figures.py OUT.csv PLOTDIR", file=sys.stderr)
        return 2
    out, plotdir = sys.argv[1:]
    cells = load(out)
    os.makedirs(plotdir, exist_ok=True)
    table, status = [], 0
    for name, fig in FIGURES.items():
        status = draw(name, fig, cells, out, plotdir) or status
        compare(name, fig[1], cells, cores_of(out), table)
    print("\nmedian speedups; start-up bound: Amdahl's law with the program's start-up (the"
          "\nsame program doing no work) as its serial part, the most CPython could give")
    print(f"{'work':<4} {'CPython':<9} {'model':<7} {'N':>3} {'CPython':>8} {'start-up bound':>15}"
          f" {'model':>7} {'model/CPython':>14}")
    for name, prog, model, n, s_py, bound, s_mod in table:
        print(f"{name:<4} {prog:<9} {model:<7} {n:>3} {s_py:>8.3f} {bound:>15.2f} {s_mod:>7.3f}"
              f" {100 * (s_mod / s_py - 1):>+13.1f}%")
    starts = [(prog, wall(cells, f"start_{prog}")) for prog, *_ in PROGRAMS if wall(cells, f"start_{prog}")]
    print("start-up (median wall, no work): "
          + ", ".join(f"{prog} {t * 1e3:.1f} ms" for prog, t in starts))
    return status


if __name__ == "__main__":
    sys.exit(main())
