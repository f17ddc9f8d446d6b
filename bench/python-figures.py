#!/usr/bin/env python3
"""bench/python-figures.py: CPython beside amdahl's models, from bench/python's rows.

    python3 bench/python-figures.py OUT.csv PLOTDIR

Reads the rows `bench/run bench/python` wrote (the --cmd rows of the examples in
examples/python and the rows of the built-in backends), takes for every series and N
the median, minimum and maximum of the paired speedups, prints a table that sets each
CPython program beside the model of it (and the difference in percent), and draws one
figure per workload with plots/python.gp: PLOTDIR/python-cpu.<fmt>, python-io.<fmt>.
Environment: PLOT_STYLE (slides|paper, default slides), PLOT_FORMAT (png|svg|pdf).
Exit status: 0, 1 when gnuplot failed, 2 when the CSV lacks a series.
"""
import csv
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile

# What each figure's panels set side by side: (panel title, the example program's
# name after cpu_/io_, its legend, the model's backend, a contrast backend or None);
# and each figure's title and built-in workload. The models of asyncio and gevent are
# both `green`: one OS thread, switching only where a task blocks.
PANELS = [
    ("threads: CPython's GIL vs the simulated GIL", "threads", "threading", "gil", "thread"),
    ("processes", "processes", "multiprocessing", "process", None),
    ("greenlets", "gevent", "gevent", "green", None),
    ("one event loop", "asyncio", "asyncio", "green", None),
]
FIGURES = {
    "cpu": ("CPU-bound work: simulated GIL vs CPython's GIL", "spin"),
    "io": ("I/O-bound work (1 ms waits): simulated GIL vs CPython's GIL", "sleep"),
}


def load(path):
    """Group the paired speedups: {(series, n): [speedup, ...]}. A --cmd row's
    series is its label; a backend's is (backend, workload)."""
    groups = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            key = row["label"] if row["backend"] == "cmd" else (row["backend"], row["workload"])
            groups.setdefault((key, int(row["n"])), []).append(float(row["speedup"]))
    return groups


def series(groups, key):
    """[(n, median, min, max)] of one series, by n; empty when it is not in the file."""
    return [(n, statistics.median(v), min(v), max(v))
            for (k, n), v in sorted(groups.items(), key=lambda kv: kv[0][1]) if k == key]


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


def draw(name, fig, groups, out, plotdir, table):
    title, workload = fig
    blocks, args = [], {}
    for i, (ptitle, prog, legend, model, contrast) in enumerate(PANELS, 1):
        prog = f"{name}_{prog}"
        args.update({f"t{i}": ptitle, f"cn{i}": f"CPython {legend}", f"mn{i}": f"amdahl {model}",
                     f"xn{i}": f"amdahl {contrast} (no GIL)" if contrast else ""})
        keys = [prog, (model, workload)] + ([(contrast, workload)] if contrast else [])
        for j, key in enumerate(keys):
            s = series(groups, key)
            if not s:
                print(f"bench-python: no rows of '{key if isinstance(key, str) else key[0]}'"
                      f" ({workload}) in {out}", file=sys.stderr)
                sys.exit(2)
            args[f"{'cmx'[j]}{i}"] = len(blocks)
            blocks.append(s)
        cpy, mod = series(groups, prog), dict((n, m) for n, m, _, _ in series(groups, (model, workload)))
        for n, med, _, _ in cpy:
            if n > 1 and n in mod:
                table.append((name, prog, model, n, med, mod[n], 100 * (mod[n] / med - 1)))
    fmt = os.environ.get("PLOT_FORMAT", "png")
    style = os.environ.get("PLOT_STYLE", "slides")
    image = os.path.join(plotdir, f"python-{name}.{fmt}")
    version = subprocess.run([sys.executable, "-c", "import platform; print(platform.python_version())"],
                             capture_output=True, text=True).stdout.strip()
    nmax = max(n for b in blocks for n, *_ in b)
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, f"{name}.dat")
        with open(data, "w") as f:
            for b in blocks:
                f.writelines(f"{n} {med:.6g} {lo:.6g} {hi:.6g}\n" for n, med, lo, hi in b)
                f.write("\n\n")
        cores = next((float(r["cores"]) for r in csv.DictReader(open(out, newline=""))), 1)
        sets = dict(datafile=data, out=image + ".tmp", fmt=fmt, style=style, title=title,
                    subtitle=f"CPython {version} (solid) beside amdahl's models (dashed); "
                             f"{machine(out)}; median of the paired speedups, min-max bars",
                    plotdir=os.path.dirname(os.path.abspath(__file__)) + "/../plots",
                    np=len(PANELS), cores=cores, nmax=nmax, **args)
        e = "; ".join(f"{k}={quote(v)}" if isinstance(v, str) else f"{k}={v}" for k, v in sets.items())
        if subprocess.run(["gnuplot", "-e", e, sets["plotdir"] + "/python.gp"]).returncode != 0:
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
    groups = load(out)
    os.makedirs(plotdir, exist_ok=True)
    table, status = [], 0
    for name, fig in FIGURES.items():
        status = draw(name, fig, groups, out, plotdir, table) or status
    print(f"\n{'workload':<8} {'CPython':<14} {'model':<8} {'N':>3} {'S CPython':>10}"
          f" {'S model':>8} {'model vs CPython':>17}")
    for name, prog, model, n, s_py, s_model, diff in table:
        print(f"{name:<8} {prog:<14} {model:<8} {n:>3} {s_py:>10.3f} {s_model:>8.3f} {diff:>+16.1f}%")
    return status


if __name__ == "__main__":
    sys.exit(main())
