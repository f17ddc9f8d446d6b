/*
 * amdahl demo convoy: the convoy effect of CPython's new GIL (D. Beazley,
 * "Understanding the Python GIL", PyCon 2010; bugs.python.org issue 7946),
 * on src/runtime's GIL, the one the gil backend uses.
 *
 * One I/O-bound thread does R short blocking operations (each a sleep of
 * --io-us microseconds with the GIL released, then a little work with it
 * held), first alone, then beside K CPU-bound threads. After every operation
 * it must take the GIL back, and a CPU-bound thread holds it and never lets
 * go on its own: the I/O thread waits one switch interval, sets the drop
 * request, and only then gets the GIL. So every operation costs a switch
 * interval more, however short it was. On plain threads (no GIL) the same
 * I/O thread runs as fast beside the CPU-bound threads as alone, given a
 * free core.
 *
 * stdout: mode,cpu_threads,io_ops,total_s,per_op_us,slowdown — the columns
 * of examples/python/convoy.py, which measures CPython the same way — and
 * two that only the model can count: gil_waits, the operations after which
 * the GIL was held by another thread, and gil_wait_us, how long each of them
 * waited for it (at least one switch interval beside one CPU-bound thread:
 * only the I/O thread asks it to drop the GIL). Operations that found the
 * GIL free (a CPU-bound thread not yet running again, on a busy machine)
 * waited for nothing; per_op_us averages over both kinds.
 */
#include "demo.h"
#include "../base/clock.h"
#include "../base/util.h"
#include "../runtime/gil.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct convoy;

struct cpu_thread {
	pthread_t tid;
	struct gil_thread ts;
	struct convoy *c;
};

struct convoy {
	struct gil *gil;		/* NULL: plain threads */
	uint64_t ops, io_ns;
	_Atomic int stop, running;	/* CPU-bound threads told to stop; started */
};

/* The GIL calls, for both modes: without a GIL they do nothing. */
static void convoy_take(const struct convoy *c, struct gil_thread *t)
{
	if (c->gil)
		gil_take(t);
}

static void convoy_drop(const struct convoy *c, struct gil_thread *t)
{
	if (c->gil)
		gil_drop(t);
}

/* Work with the GIL held, checking for a drop request as the eval loop does. */
static void convoy_work(const struct convoy *c, struct gil_thread *t, int steps)
{
	volatile uint64_t x = 1;

	for (int i = 0; i < steps; i++)
		x = x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	if (c->gil)
		gil_tick(t);
}

static void *cpu_main(void *p)
{
	struct cpu_thread *me = p;
	struct convoy *c = me->c;

	convoy_take(c, &me->ts);
	atomic_fetch_add(&c->running, 1);
	while (!atomic_load_explicit(&c->stop, memory_order_relaxed))
		convoy_work(c, &me->ts, 1000);	/* about a microsecond between checks */
	if (c->gil)
		gil_exit(&me->ts);
	return NULL;
}

/* What one row measured. */
struct convoy_row {
	double total_s;			/* the I/O thread's R operations */
	unsigned long gil_waits;	/* takes of the GIL that found it held */
	double gil_wait_s;		/* time in them */
};

/* The I/O-bound thread's loop: R blocking operations, timed. */
static double io_loop(struct convoy *c, struct gil_thread *io)
{
	struct timespec wait = { (time_t)(c->io_ns / 1000000000u), (long)(c->io_ns % 1000000000u) };
	double t0 = clock_now();

	for (uint64_t i = 0; i < c->ops; i++) {
		struct timespec left = wait;

		convoy_drop(c, io);	/* a blocking call releases the GIL */
		while (nanosleep(&left, &left) < 0 && errno == EINTR)
			;
		convoy_take(c, io);	/* and must take it back */
		convoy_work(c, io, 100);
	}
	return clock_now() - t0;
}

/* Start k CPU-bound threads. The number started; they are running (each has
 * had the GIL) once all k are. */
static int start_cpu(struct convoy *c, struct cpu_thread *cpu, int k)
{
	int i;

	for (i = 0; i < k; i++) {
		cpu[i].c = c;
		if (c->gil)
			gil_thread_init(&cpu[i].ts, c->gil);
		if (pthread_create(&cpu[i].tid, NULL, cpu_main, &cpu[i]) != 0)
			break;
	}
	if (i < k)
		errorf("convoy: cannot start CPU-bound thread %d of %d", i + 1, k);
	return i;
}

/* One row: the I/O thread beside k CPU-bound threads; its time into total_s.
 * The calling thread is the I/O thread, the interpreter's main thread. */
static int convoy_once(struct convoy *c, int k, struct convoy_row *row)
{
	struct cpu_thread *cpu = calloc((size_t)k + 1, sizeof(*cpu));
	struct gil_thread io;
	int started;

	memset(&io, 0, sizeof(io));

	if (!cpu) {
		errorf("convoy: out of memory for %d threads", k);
		return -1;
	}
	atomic_store(&c->stop, 0);
	atomic_store(&c->running, 0);
	if (c->gil)
		gil_thread_init(&io, c->gil);
	started = start_cpu(c, cpu, k);
	if (started == k) {
		/* Every CPU-bound thread has run; then a few intervals more. */
		while (atomic_load(&c->running) < k)
			clock_sleep(100e-6);
		clock_sleep(0.02);
		convoy_take(c, &io);
		row->gil_waits = io.waits;
		row->gil_wait_s = io.wait_s;
		row->total_s = io_loop(c, &io);
		row->gil_waits = io.waits - row->gil_waits;
		row->gil_wait_s = io.wait_s - row->gil_wait_s;
		if (c->gil)
			gil_exit(&io);
	}
	atomic_store(&c->stop, 1);
	for (int i = 0; i < started; i++)
		pthread_join(cpu[i].tid, NULL);
	free(cpu);
	return started == k ? 0 : -1;
}

static void print_row(const struct demo_opts *o, const char *mode, int k, uint64_t ops, const struct convoy_row *r,
		      double alone_us, int with_gil)
{
	double us = r->total_s / (double)ops * 1e6;
	double wait_us = r->gil_waits ? r->gil_wait_s / (double)r->gil_waits * 1e6 : 0;

	printf(o->csv ? "%s,%d,%llu,%.6f,%.1f,%.2f," : "%-6s %11d %6llu %9.4f %10.1f %8.2f ", mode, k,
	       (unsigned long long)ops, r->total_s, us, us / alone_us);
	if (!with_gil)
		puts(o->csv ? "," : "         -           -");
	else
		printf(o->csv ? "%lu,%.1f\n" : "%10lu %11.1f\n", r->gil_waits, wait_us);
}

/* Both rows of one mode; 0, or -1 after a message. */
static int convoy_mode(const char *mode, struct gil *gil, const struct demo_opts *o, int k, uint64_t ops,
		       double io_s)
{
	struct convoy c = { .gil = gil, .ops = ops, .io_ns = (uint64_t)(io_s * 1e9) };
	struct convoy_row rows[2];
	struct gil_stats st;

	if (convoy_once(&c, 0, &rows[0]) < 0 || convoy_once(&c, k, &rows[1]) < 0)
		return -1;
	for (int i = 0; i < 2; i++)
		print_row(o, mode, i ? k : 0, ops, &rows[i], rows[0].total_s / (double)ops * 1e6, gil != NULL);
	fflush(stdout);
	if (!gil)
		return 0;
	gil_stats(gil, &st);
	if (st.max_computing > 1 || st.violations) {
		errorf("convoy: the GIL let %d threads compute at once", st.max_computing);
		return -1;
	}
	return 0;
}

static int convoy_demo(const struct demo_opts *o)
{
	int k = o->threads ? o->threads : 1, rc;
	uint64_t ops = o->iterations ? o->iterations : 200;
	struct gil gil;

	if (gil_init(&gil, o->switch_interval) < 0) {
		errorf("convoy: cannot make the GIL: %s", strerror(errno));
		return EXIT_FAILED;
	}
	if (o->csv)
		puts("mode,cpu_threads,io_ops,total_s,per_op_us,slowdown,gil_waits,gil_wait_us");
	else
		printf("%-6s %11s %6s %9s %10s %8s %10s %11s\n", "mode", "cpu_threads", "io_ops", "total_s",
		       "per_op_us", "slowdown", "gil_waits", "gil_wait_us");
	rc = convoy_mode("gil", &gil, o, k, ops, (double)o->io_us * 1e-6);
	if (rc == 0)
		rc = convoy_mode("thread", NULL, o, k, ops, (double)o->io_us * 1e-6);
	gil_destroy(&gil);
	if (finish_stdout() < 0 || rc < 0)
		return EXIT_FAILED;
	return EXIT_OK;
}

const struct demo demo_convoy = {
	.name = "convoy",
	.summary = "an I/O-bound thread beside CPU-bound ones: under the GIL each operation waits an interval",
	.run = convoy_demo,
};
