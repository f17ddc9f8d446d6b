#!/usr/bin/env python3
"""I/O-bound work on asyncio tasks: `await` is where a task lets the others run.

    python3 io_asyncio.py WORKERS OPS [SLEEP_MS]    e.g.  python3 io_asyncio.py 16 500

Each `await asyncio.sleep()` hands the loop back; the loop runs whichever task
is ready and sleeps in epoll until the next timer is due. N tasks wait at once
on one thread: the same picture as gevent, with the switch points written out.
"""
import asyncio
import time

from work import parse_args, report, share


async def wait(ops, seconds):
    for _ in range(ops):
        await asyncio.sleep(seconds)


async def run(workers, ops, seconds):
    await asyncio.gather(*(wait(share(ops, workers, i), seconds) for i in range(workers)))


def main():
    workers, ops, seconds = parse_args("OPS")
    start = time.perf_counter()
    asyncio.run(run(workers, ops, seconds))
    report("io_asyncio", workers, "tasks", ops, "waits", time.perf_counter() - start)


if __name__ == "__main__":
    main()
