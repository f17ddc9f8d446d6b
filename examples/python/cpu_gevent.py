#!/usr/bin/env python3
"""CPU-bound work on gevent greenlets: concurrency without parallelism.

    python3 cpu_gevent.py WORKERS UNITS       e.g.  python3 cpu_gevent.py 2 4000000

Greenlets are user-space threads that all live on one OS thread. The hub
switches between them only when one blocks (a gevent sleep, a socket, a queue);
spin() never blocks, so each greenlet runs its share to the end before the next
one starts. One core's worth of work, S(N) = 1, whatever the cores. amdahl's
`green` backend is the same design in C (ucontext greenlets, an epoll hub).
"""
import time

import gevent

from work import parse_args, report, share, spin


def main():
    workers, units, _ = parse_args("UNITS")
    start = time.perf_counter()
    greenlets = [gevent.spawn(spin, share(units, workers, i)) for i in range(workers)]
    gevent.joinall(greenlets, raise_error=True)
    report("cpu_gevent", workers, "greenlets", units, "units",
           time.perf_counter() - start)


if __name__ == "__main__":
    main()
