#!/usr/bin/env python3
"""B5, Buy Beer Brought By Bicycle: the talk's delivery pipeline on queues.

    python3 b5.py MESSENGERS ORDERS [--pickers 3] [--bikes 15] [--pick-ms 5] [--deliver-ms 10]

A dispatcher puts ORDERS in the order queue. An order picker takes an order and
an empty bike, loads it (pick-ms) and puts the loaded bike in the loaded queue.
A messenger takes a loaded bike, delivers it (deliver-ms), parks the bike back
in the empty queue and marks the order done; the dispatcher's join() on the
order queue returns when every order is done.

    dispatcher -> [orders] -> pickers -> [loaded bikes] -> messengers
                                 ^                             |
                                 +------- [empty bikes] <------+

This is the talk's code made right: each picker loads one bike per order (the
talk's picker looped on the same order forever), and when the work is done the
dispatcher sends every worker a "go home" item (None) instead of leaving daemon
threads in `while True` loops. queue.Queue does all the locking. The program
checks that every order was delivered exactly once (exit 1 if not) and prints
the throughput beside the pipeline's law, amdahl's docs/b5.md:

    bound = min(pickers/pick, messengers/deliver, bikes/(pick + deliver))

    b5: 30 orders delivered exactly once by 10 messengers, 3 pickers, 15 bikes in 0.061 s: 490 orders/s (law 600/s steady, 500/s for 30 orders)
"""
import argparse
import collections
import math
import queue
import threading
import time

GO_HOME = None      # the item that tells a worker the day is over


def order_picker(orders, empty_bikes, loaded_bikes, pick_s):
    while (order := orders.get()) is not GO_HOME:
        bike = empty_bikes.get()            # blocks until a bike is back
        time.sleep(pick_s)                  # load the crates (the GIL is free meanwhile)
        loaded_bikes.put((bike, order))


def messenger(orders, empty_bikes, loaded_bikes, deliver_s, delivered, lock):
    while (item := loaded_bikes.get()) is not GO_HOME:
        bike, order = item
        time.sleep(deliver_s)               # ride there, take the money, ride back
        with lock:                          # the count is shared: guard it
            delivered[order] += 1
        empty_bikes.put(bike)
        orders.task_done()                  # one order fewer for join() to wait on


def law(a, p, d):
    """The pipeline's law (docs/b5.md): the steady-state bound, and the best a
    finite run of n orders can do once the pipeline's fill and drain count."""
    def per_s(workers, seconds):
        return workers / seconds if seconds > 0 else math.inf
    bound = min(per_s(a.pickers, p), per_s(a.messengers, d), per_s(a.bikes, p + d))
    n = a.orders
    wall_min = max(math.ceil(n / a.pickers) * p + d, p + math.ceil(n / a.messengers) * d,
                   math.ceil(n / a.bikes) * (p + d))
    if bound == math.inf or wall_min == 0:
        return "law: no bound without pick and delivery times"
    return f"law {bound:.0f}/s steady, {n / wall_min:.0f}/s for {n} orders"


def parse():
    ap = argparse.ArgumentParser(description="The talk's B5 pipeline on threads and queues.")
    ap.add_argument("messengers", type=int)
    ap.add_argument("orders", type=int)
    ap.add_argument("--pickers", type=int, default=3)
    ap.add_argument("--bikes", type=int, default=15)
    ap.add_argument("--pick-ms", type=float, default=5.0)
    ap.add_argument("--deliver-ms", type=float, default=10.0)
    a = ap.parse_args()
    if min(a.messengers, a.pickers, a.bikes) < 1 or a.orders < 0 or min(a.pick_ms, a.deliver_ms) < 0:
        ap.error("messengers, pickers and bikes must be >= 1; orders and times >= 0")
    return a


def main():
    a = parse()
    pick_s, deliver_s = a.pick_ms / 1000, a.deliver_ms / 1000
    orders, loaded_bikes, empty_bikes = queue.Queue(), queue.Queue(), queue.Queue()
    for b in range(a.bikes):
        empty_bikes.put(f"bike {b}")
    delivered, lock = collections.Counter(), threading.Lock()

    workers = [threading.Thread(target=order_picker,
                                args=(orders, empty_bikes, loaded_bikes, pick_s))
               for _ in range(a.pickers)]
    workers += [threading.Thread(target=messenger,
                                 args=(orders, empty_bikes, loaded_bikes, deliver_s,
                                       delivered, lock))
                for _ in range(a.messengers)]
    for w in workers:
        w.start()

    start = time.perf_counter()
    for o in range(a.orders):               # the dispatcher takes the calls
        orders.put(o)
    orders.join()                           # until every order is marked done
    wall = time.perf_counter() - start

    for _ in range(a.pickers):              # then everybody goes home
        orders.put(GO_HOME)
    for _ in range(a.messengers):
        loaded_bikes.put(GO_HOME)
    for w in workers:
        w.join()

    exact = all(delivered[o] == 1 for o in range(a.orders)) and len(delivered) == a.orders
    rate = a.orders / wall if wall > 0 else float("inf")
    print(f"b5: {a.orders} orders delivered {'exactly once' if exact else 'WRONGLY'}"
          f" by {a.messengers} messengers, {a.pickers} pickers, {a.bikes} bikes"
          f" in {wall:.3f} s: {rate:.0f} orders/s ({law(a, pick_s, deliver_s)})")
    if not exact:
        lost = sum(1 for o in range(a.orders) if delivered[o] == 0)
        extra = sum(max(0, c - 1) for c in delivered.values())
        raise SystemExit(f"b5: {lost} orders lost, {extra} delivered twice")


if __name__ == "__main__":
    main()
