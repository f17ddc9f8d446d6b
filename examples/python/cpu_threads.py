#!/usr/bin/env python3
"""CPU-bound work on `threading` threads: the GIL holds us back.

    python3 cpu_threads.py WORKERS UNITS      e.g.  python3 cpu_threads.py 2 4000000

The UNITS of spin() are split over WORKERS threads. Each thread is a real OS
thread and the OS would gladly run two of them on two cores, but a thread must
hold CPython's global interpreter lock (GIL) to run Python code. The holder is
asked to let go every switch interval (sys.getswitchinterval(), 5 ms), so the
threads take turns: the wall time stays that of one thread, S(N) = 1. amdahl's
`gil` backend models exactly this.
"""
import threading
import time

from work import parse_args, report, share, spin


def main():
    workers, units, _ = parse_args("UNITS")
    start = time.perf_counter()
    threads = [threading.Thread(target=spin, args=(share(units, workers, i),))
               for i in range(workers)]
    for t in threads:
        t.start()       # the thread runs spin() as soon as it gets the GIL
    for t in threads:
        t.join()        # wait until every share is done
    report("cpu_threads", workers, "threads", units, "units",
           time.perf_counter() - start)


if __name__ == "__main__":
    main()
