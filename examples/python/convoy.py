#!/usr/bin/env python3
"""The convoy effect: an I/O-bound thread beside a CPU-bound one, under the GIL.

    python3 convoy.py [--ops 200] [--io-us 100] [--cpu-threads 1,2] [--format csv|table]

One thread does OPS short blocking operations (a sleep of IO_US microseconds,
standing for a recv or send that returns at once), first alone, then beside K
CPU-bound threads. Each operation releases the GIL, as every blocking call
does; when it returns, the thread must take the GIL back, and a CPU-bound
thread now holds it and never lets go on its own. The waiting thread can only
ask: it waits one switch interval (sys.getswitchinterval(), 5 ms), then sets a
drop request that the holder honours at its next check. So every operation
costs about 5 ms more, however short it was: D. Beazley, "Understanding the
Python GIL", PyCon 2010, and bugs.python.org issue 7946 ("Convoy effect with
I/O bound threads and New GIL").

The same with K CPU-bound *processes* is the contrast: each has its own GIL,
and the OS scheduler runs the woken I/O thread at once.

The columns are those of `amdahl demo convoy`, which runs the same experiment
on amdahl's C model of the GIL:

    mode,cpu_threads,io_ops,total_s,per_op_us,slowdown

mode is cpython-threads or cpython-processes; cpu_threads = 0 is the I/O thread
alone, and slowdown is per_op_us over that row's.
"""
import argparse
import multiprocessing as mp
import threading
import time

from work import spin


def burn(started, stop):
    """A CPU-bound worker: compute until told to stop."""
    started.wait()
    while not stop.is_set():
        spin(10_000)


def io_loop(ops, io_s):
    """The I/O-bound thread's job: OPS short blocking operations, timed."""
    start = time.perf_counter()
    for _ in range(ops):
        time.sleep(io_s)        # releases the GIL, then must take it back
    return time.perf_counter() - start


def beside(k, ops, io_s, processes):
    """Time io_loop beside k CPU-bound threads (or processes)."""
    if k == 0:
        return io_loop(ops, io_s)
    ctx = mp.get_context("fork")
    make = ctx.Process if processes else threading.Thread
    barrier, stop = (ctx.Barrier(k + 1), ctx.Event()) if processes else \
                    (threading.Barrier(k + 1), threading.Event())
    workers = [make(target=burn, args=(barrier, stop)) for _ in range(k)]
    for w in workers:
        w.start()
    barrier.wait()              # every CPU-bound worker is running now
    time.sleep(0.02)            # and has been for a few switch intervals
    total = io_loop(ops, io_s)
    stop.set()
    for w in workers:
        w.join()
    return total


def parse():
    ap = argparse.ArgumentParser(description="The convoy effect of CPython's GIL, measured.")
    ap.add_argument("--ops", type=int, default=200, help="blocking operations (200)")
    ap.add_argument("--io-us", type=float, default=100.0,
                    help="length of one operation in microseconds (100)")
    ap.add_argument("--cpu-threads", default="1",
                    help="comma list of CPU-bound worker counts to set beside it (1)")
    ap.add_argument("--format", choices=("csv", "table"), default="csv")
    a = ap.parse_args()
    try:
        a.ks = [int(k) for k in a.cpu_threads.split(",")]
    except ValueError:
        ap.error(f"--cpu-threads: not a comma list of integers: '{a.cpu_threads}'")
    if a.ops < 1 or not 0 <= a.io_us <= 1e6 or any(not 1 <= k <= 256 for k in a.ks):
        ap.error("--ops must be >= 1, --io-us 0..1000000, --cpu-threads 1..256 each")
    return a


def main():
    a = parse()
    io_s = a.io_us / 1e6
    rows = []
    for mode, processes in (("cpython-threads", False), ("cpython-processes", True)):
        alone = None
        for k in [0] + a.ks:
            total = beside(k, a.ops, io_s, processes)
            per_op = total / a.ops * 1e6
            alone = alone or per_op
            rows.append((mode, k, a.ops, total, per_op, per_op / alone))
    if a.format == "csv":
        print("mode,cpu_threads,io_ops,total_s,per_op_us,slowdown")
        for r in rows:
            print("%s,%d,%d,%.6f,%.1f,%.2f" % r)
    else:
        print(f"{'mode':<18} {'cpu_threads':>11} {'io_ops':>6} {'total_s':>9} "
              f"{'per_op_us':>10} {'slowdown':>8}")
        for r in rows:
            print("%-18s %11d %6d %9.4f %10.1f %8.2f" % r)


if __name__ == "__main__":
    main()
