"""The work every example shares, so that each example shows only how it runs it.

The examples are the talk's programs in Python 3. Each takes two numbers on its
command line, the worker count N and a fixed TOTAL amount of work, splits the
work over the N workers and prints one line, so that amdahl can sweep N:

    amdahl run --cmd 'python3 examples/python/cpu_threads.py {N} 4000000' -N 1,2,4

Two kinds of work:

- CPU-bound: `spin(units)`, a pure-Python loop (one unit is one step of a
  linear congruential generator). It never waits, so under the GIL it holds the
  interpreter until it is made to let go.
- I/O-bound: `ops` blocking waits of SLEEP_MS milliseconds each (time.sleep,
  gevent.sleep or asyncio.sleep). A thread that waits releases the GIL.

The split is amdahl's (src/api/job.c): the first TOTAL mod N workers take one
unit more, so the N shares always add up to TOTAL exactly.
"""
import sys

# One blocking operation of the I/O-bound examples: 1 ms, as `--sleep-us 1000`
# in amdahl's sleep workload. An optional third argument changes it.
SLEEP_MS = 1.0


def usage(prog, what):
    """Print the usage line on stderr and exit 2, as amdahl does on bad input."""
    print(f"usage: {prog} WORKERS {what} [SLEEP_MS]", file=sys.stderr)
    sys.exit(2)


def parse_args(what):
    """Read WORKERS and TOTAL (and an optional SLEEP_MS) from the command line.

    Returns (workers, total, sleep_s). A bad number is exit 2 with one line on
    stderr naming it, never a silent 0.
    """
    prog = sys.argv[0].rsplit("/", 1)[-1]
    if len(sys.argv) not in (3, 4):
        usage(prog, what)
    try:
        workers, total = int(sys.argv[1]), int(sys.argv[2])
        sleep_ms = float(sys.argv[3]) if len(sys.argv) == 4 else SLEEP_MS
    except ValueError as e:
        print(f"{prog}: {e}", file=sys.stderr)
        sys.exit(2)
    if not 1 <= workers <= 4096 or total < 0 or not 0 <= sleep_ms <= 1000:
        print(f"{prog}: WORKERS must be 1..4096, {what} >= 0, SLEEP_MS 0..1000",
              file=sys.stderr)
        sys.exit(2)
    return workers, total, sleep_ms / 1000.0


def share(total, workers, i):
    """Worker i's part of TOTAL: the first TOTAL mod N workers take one more."""
    return total // workers + (1 if i < total % workers else 0)


def spin(units):
    """CPU-bound work: `units` steps of a linear congruential generator.

    Every step depends on the one before, so nothing can be skipped, and the
    result is returned so the loop cannot be optimised away.
    """
    x = 1
    for _ in range(units):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
    return x


def report(name, workers, kind, total, unit, seconds):
    """The one-line result every example prints on stdout."""
    print(f"{name}: {workers} {kind}, {total} {unit} in {seconds:.3f} s")
