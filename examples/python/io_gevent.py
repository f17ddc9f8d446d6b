#!/usr/bin/env python3
"""I/O-bound work on gevent greenlets: one thread, many waits at once.

    python3 io_gevent.py WORKERS OPS [SLEEP_MS]     e.g.  python3 io_gevent.py 16 500

gevent.sleep() parks the greenlet in the hub's timer list and switches to the
next greenlet that is ready; when none is, the hub sleeps in its event loop
(libev/libuv) until the first timer is due. So N greenlets wait at the same time
on one OS thread, without a GIL handover: the talk's "green threads" slide.
(A program that uses time.sleep or plain sockets gets the same by calling
gevent.monkey.patch_all() first.)
"""
import time

import gevent

from work import parse_args, report, share


def wait(ops, seconds):
    for _ in range(ops):
        gevent.sleep(seconds)   # yields to the hub: the other greenlets run


def main():
    workers, ops, seconds = parse_args("OPS")
    start = time.perf_counter()
    greenlets = [gevent.spawn(wait, share(ops, workers, i), seconds)
                 for i in range(workers)]
    gevent.joinall(greenlets, raise_error=True)
    report("io_gevent", workers, "greenlets", ops, "waits", time.perf_counter() - start)


if __name__ == "__main__":
    main()
