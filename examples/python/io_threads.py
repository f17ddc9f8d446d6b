#!/usr/bin/env python3
"""I/O-bound work on `threading` threads: waiting needs no GIL.

    python3 io_threads.py WORKERS OPS [SLEEP_MS]    e.g.  python3 io_threads.py 16 500

OPS blocking operations of SLEEP_MS milliseconds (default 1) are split over
WORKERS threads. time.sleep() releases the GIL while it waits, as every blocking
call does (a read, a recv, a lock acquire), so the waits overlap: 16 threads
finish close to 16 times sooner, even on 2 cores. Each thread needs the GIL
only for the moment between two waits.
"""
import threading
import time

from work import parse_args, report, share


def wait(ops, seconds):
    for _ in range(ops):
        time.sleep(seconds)     # the GIL is released for the whole wait


def main():
    workers, ops, seconds = parse_args("OPS")
    start = time.perf_counter()
    threads = [threading.Thread(target=wait, args=(share(ops, workers, i), seconds))
               for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report("io_threads", workers, "threads", ops, "waits", time.perf_counter() - start)


if __name__ == "__main__":
    main()
