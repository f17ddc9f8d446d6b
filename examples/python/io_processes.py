#!/usr/bin/env python3
"""I/O-bound work on `multiprocessing` processes: it scales, but costs a fork.

    python3 io_processes.py WORKERS OPS [SLEEP_MS]  e.g.  python3 io_processes.py 16 500

The waits overlap as they do on threads; what processes add is their start-up
(a fork and an interpreter's worth of memory to copy on write) and their exit.
For waiting, threads are the cheaper tool; processes pay off for CPU work.
"""
import multiprocessing as mp
import time

from work import parse_args, report, share


def wait(ops, seconds):
    for _ in range(ops):
        time.sleep(seconds)


def main():
    workers, ops, seconds = parse_args("OPS")
    ctx = mp.get_context("fork")    # as amdahl's process backend (see cpu_processes.py)
    start = time.perf_counter()
    procs = [ctx.Process(target=wait, args=(share(ops, workers, i), seconds))
             for i in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    failed = [p.exitcode for p in procs if p.exitcode != 0]
    if failed:
        raise SystemExit(f"io_processes: a worker failed (exit codes {failed})")
    report("io_processes", workers, "processes", ops, "waits",
           time.perf_counter() - start)


if __name__ == "__main__":
    main()
