#!/usr/bin/env python3
"""CPU-bound work on `multiprocessing` processes: each has its own GIL.

    python3 cpu_processes.py WORKERS UNITS    e.g.  python3 cpu_processes.py 2 4000000

The same split as cpu_threads.py, but every worker is a process with its own
interpreter and so its own GIL: on 2 cores two workers really compute at once,
S(2) close to 2, minus the cost of starting the processes. amdahl's `process`
backend forks its workers the same way.
"""
import multiprocessing as mp
import time

from work import parse_args, report, share, spin


def main():
    workers, units, _ = parse_args("UNITS")
    # "fork": the child is a copy of this process, as amdahl's process backend
    # makes them (Python 3.14 makes "forkserver" the default on Linux, which
    # starts a fresh interpreter per worker and costs more).
    ctx = mp.get_context("fork")
    start = time.perf_counter()
    procs = [ctx.Process(target=spin, args=(share(units, workers, i),))
             for i in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    failed = [p.exitcode for p in procs if p.exitcode != 0]
    if failed:
        raise SystemExit(f"cpu_processes: a worker failed (exit codes {failed})")
    report("cpu_processes", workers, "processes", units, "units",
           time.perf_counter() - start)


if __name__ == "__main__":
    main()
