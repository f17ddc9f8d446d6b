#!/usr/bin/env python3
"""The bank-account race: deposits lost without a lock, none with one.

    python3 race.py TELLERS DEPOSITS          e.g.  python3 race.py 4 80000

TELLERS threads share the DEPOSITS between them; each deposit reads the
balance, works out the new one and stores it back (the talk's get-update-store).
The GIL does not make that atomic: CPython may switch threads between any two
bytecodes where it checks for a pending switch, and a call is such a point. If
it switches between the get and the store, the other tellers' deposits made
meanwhile are overwritten by a stale balance: lost. With a threading.Lock
around the three steps nothing is lost. The program runs both and prints

    race: 4 tellers, 80000 deposits: no lock 80000 -> 34095 (45905 lost) in 0.405 s; Lock 80000 -> 80000 (0 lost) in 0.457 s

It exits 0 either way; the lost count is the lesson (amdahl demo race is the
same account in C).
"""
import threading
import time

from work import parse_args, share, spin


class Account:
    def __init__(self):
        self.balance = 0


def new_balance(balance, amount):
    """The "update" step. A real bank works out fees and interest here, which
    takes a while (spin(20) stands for it, as amdahl's lock workload does); the
    loop and the calls in it are points where CPython may hand the GIL over."""
    spin(20)
    return balance + amount


def teller(account, deposits, lock):
    for _ in range(deposits):
        if lock is None:
            balance = account.balance                   # get
            account.balance = new_balance(balance, 1)   # update, store
        else:
            with lock:                                  # the three steps as one
                balance = account.balance
                account.balance = new_balance(balance, 1)


def run(tellers, deposits, lock):
    """Make every deposit once on a fresh account; return the final balance."""
    account = Account()
    threads = [threading.Thread(target=teller,
                                args=(account, share(deposits, tellers, i), lock))
               for i in range(tellers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return account.balance


def main():
    tellers, deposits, _ = parse_args("DEPOSITS")
    parts = []
    for name, lock in (("no lock", None), ("Lock", threading.Lock())):
        start = time.perf_counter()
        balance = run(tellers, deposits, lock)
        parts.append(f"{name} {deposits} -> {balance} ({deposits - balance} lost)"
                     f" in {time.perf_counter() - start:.3f} s")
    print(f"race: {tellers} tellers, {deposits} deposits: {'; '.join(parts)}")


if __name__ == "__main__":
    main()
