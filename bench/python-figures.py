#!/usr/bin/env python3
"""bench/python-figures.py: CPython beside amdahl's models, from bench/python's rows.

    python3 bench/python-figures.py OUT.csv PLOTDIR

Reads the rows `bench/run bench/python` wrote (the --cmd rows of the examples in
examples/python and the rows of the built-in backends), takes for every series and N
the median, minimum and maximum of the paired speedups, prints a table that sets each
CPython program beside the model of it (with the program's start-up bound, Amdahl's law
with its start-up as the serial part, and the difference in percent), and draws one
figure per workload with plots/python.gp: PLOTDIR/python-cpu.<fmt>, python-io.<fmt>.
Environment: PLOT_STYLE (slides|paper, default slides), PLOT_FORMAT (png|svg|pdf).
Exit status: 0, 1 when gnuplot failed, 2 when the CSV lacks a series.
"""
import csv
import glob
import json
import os
import platform
import statistics
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
    """Group the rows: ({(series, n): [speedup, ...]}, {(series, n): [wall_s, ...]}).
    A --cmd row's series is its label; a backend's is (backend, workload)."""
    speedups, walls = {}, {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            key = row["label"] if row["backend"] == "cmd" else (row["backend"], row["workload"])
            speedups.setdefault((key, int(row["n"])), []).append(float(row["speedup"]))
            walls.setdefault((key, int(row["n"])), []).append(float(row["wall_s"]))
    return speedups, walls


def series(groups, key):
    """[(n, median, min, max)] of one series, by n; empty when it is not in the file."""
    return [(n, statistics.median(v), min(v), max(v))
            for (k, n), v in sorted(groups.items(), key=lambda kv: kv[0][1]) if k == key]


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


def startup_fraction(prog, name, walls):
    """f = t0 / T(1): the share of the N = 1 wall that is the program's start-up t0
    (the same program doing no work), the serial part Amdahl's law caps it with."""
    t0 = statistics.median(walls.get((f"start_{prog}", 1), [0.0]))
    return t0 / statistics.median(walls[(f"{name}_{prog}", 1)])


def blocks_of(name, workload, groups, walls, out):
    """The figure's series in gnuplot's block order and the -e settings naming them.
    lf<i>: the start-up fraction of program i, for its Amdahl curve (-1: none drawn;
    threads, greenlets and tasks computing get no speedup to bound)."""
    blocks, sets = [], {}
    for i, (prog, _, _) in enumerate(PROGRAMS, 1):
        parallel = workload == "sleep" or prog == "processes"
        sets[f"lf{i}"] = startup_fraction(prog, name, walls) if parallel else -1
    sides = [("l", [(f"{name}_{prog}", legend, lt) for prog, legend, lt in PROGRAMS]),
             ("r", [((backend, workload), legend, lt) for backend, legend, lt in MODELS])]
    for side, entries in sides:
        for i, (key, legend, lt) in enumerate(entries, 1):
            s = series(groups, key)
            if not s:
                print(f"bench-python: no rows of {key if isinstance(key, str) else key[0]}"
                      f" ({workload}) in {out}", file=sys.stderr)
                sys.exit(2)
            sets.update({f"{side}b{i}": len(blocks), f"{side}n{i}": legend, f"{side}l{i}": lt})
            blocks.append(s)
        sets[f"n{side}"] = len(entries)
    return blocks, sets


def compare(name, workload, groups, walls, cores, table):
    """Add each pair's median speedups at N > 1 to the table, with the speedup
    Amdahl's law allows the program when its start-up t0 (the same program doing no
    work, N = 1) is its serial part: 1 / (f + (1 - f) / m), f = t0 / T(1), where m
    is N for waiting and min(N, cores) for computing."""
    for prog, model in PAIRS:
        py = series(groups, f"{name}_{prog}")
        mod = {n: med for n, med, _, _ in series(groups, (model, workload))}
        f = startup_fraction(prog, name, walls)
        m = (lambda n: min(n, cores)) if workload == "spin" else (lambda n: n)
        table.extend((name, prog, model, n, med, 1 / (f + (1 - f) / m(n)), mod[n])
                     for n, med, _, _ in py if n > 1 and n in mod)


def draw(name, fig, groups, walls, out, plotdir):
    """Draw PLOTDIR/python-NAME.<fmt>; 0, or 1 when gnuplot failed."""
    title, workload = fig
    blocks, sets = blocks_of(name, workload, groups, walls, out)
    fmt = os.environ.get("PLOT_FORMAT", "png")
    image = os.path.join(plotdir, f"python-{name}.{fmt}")
    cores = cores_of(out)
    plots = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "plots")
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, f"{name}.dat")
        with open(data, "w") as f:
            for b in blocks:
                f.writelines(f"{n} {med:.6g} {lo:.6g} {hi:.6g}\n" for n, med, lo, hi in b)
                f.write("\n\n")
        sets.update(datafile=data, out=image + ".tmp", fmt=fmt, plotdir=plots,
                    style=os.environ.get("PLOT_STYLE", "slides"), title=title,
                    subtitle=f"{machine(out)}; median of the paired speedups, min-max bars",
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
    groups, walls = load(out)
    os.makedirs(plotdir, exist_ok=True)
    table, status = [], 0
    for name, fig in FIGURES.items():
        status = draw(name, fig, groups, walls, out, plotdir) or status
        compare(name, fig[1], groups, walls, cores_of(out), table)
    print("\nmedian speedups; start-up bound: Amdahl's law with the program's start-up (the"
          "\nsame program doing no work) as its serial part, the most CPython could give")
    print(f"{'work':<4} {'CPython':<9} {'model':<7} {'N':>3} {'CPython':>8} {'start-up bound':>15}"
          f" {'model':>7} {'model/CPython':>14}")
    for name, prog, model, n, s_py, bound, s_mod in table:
        print(f"{name:<4} {prog:<9} {model:<7} {n:>3} {s_py:>8.3f} {bound:>15.2f} {s_mod:>7.3f}"
              f" {100 * (s_mod / s_py - 1):>+13.1f}%")
    starts = [(prog, statistics.median(walls[(f"start_{prog}", 1)]))
              for prog, *_ in PROGRAMS if (f"start_{prog}", 1) in walls]
    print("start-up (median wall, no work): "
          + ", ".join(f"{prog} {t * 1e3:.1f} ms" for prog, t in starts))
    return status


if __name__ == "__main__":
    sys.exit(main())
