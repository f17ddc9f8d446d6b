#!/usr/bin/env python3
"""CPU-bound work on asyncio tasks: an event loop runs one task at a time.

    python3 cpu_asyncio.py WORKERS UNITS      e.g.  python3 cpu_asyncio.py 2 4000000

Like greenlets, asyncio tasks share one thread and switch only at an `await`.
A task that computes without awaiting keeps the loop to itself, so N tasks take
as long as one doing all the work, S(N) = 1. (And while it computes, no other
task can even answer a socket: the reason CPU work goes to a process pool,
loop.run_in_executor, in real asyncio programs.)
"""
import asyncio
import time

from work import parse_args, report, share, spin


async def worker(units):
    return spin(units)          # no await inside: nothing else runs meanwhile


async def run(workers, units):
    await asyncio.gather(*(worker(share(units, workers, i)) for i in range(workers)))


def main():
    workers, units, _ = parse_args("UNITS")
    start = time.perf_counter()
    asyncio.run(run(workers, units))
    report("cpu_asyncio", workers, "tasks", units, "units", time.perf_counter() - start)


if __name__ == "__main__":
    main()
