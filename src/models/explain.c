/*
 * The speedup stack's accounting (explain.h): each part from the clocks that
 * measure it, per worker slot. docs/explain.md has the formulas and why each
 * one is what it is; the comments below say which clock a part comes from.
 */
#include "explain.h"
#include "../api/column.h"

#include <math.h>
#include <string.h>

const struct explain_part_info explain_parts[EXPLAIN_PARTS] = {
	[EXPLAIN_USEFUL] = { "useful", "useful work" },
	[EXPLAIN_SERIAL] = { "serial", "serial part" },
	[EXPLAIN_SPAWN] = { "spawn", "spawn" },
	[EXPLAIN_JOIN] = { "join", "join" },
	[EXPLAIN_IMBALANCE] = { "imbalance", "imbalance" },
	[EXPLAIN_STARVED] = { "starved", "waiting for a CPU" },
	[EXPLAIN_BLOCKED] = { "blocked", "blocked" },
	[EXPLAIN_GIL] = { "gil", "GIL / one thread" },
	[EXPLAIN_EXTRA] = { "extra_cpu", "extra CPU" },
	[EXPLAIN_IDLE] = { "idle", "idle (program)" },
};

const char *explain_column(int part)
{
	return column_stack[part].name;
}

static void all_nan(double *parts)
{
	for (int i = 0; i < EXPLAIN_PARTS; i++)
		parts[i] = NAN;
}

static double clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The time line every backend shares: serial, spawn, join, imbalance and the
 * slot time while the workers work (their spans less their barrier gaps, plus
 * the calling worker's serial sections). */
struct slots {
	double first, last;	/* the first worker's start, the last one's end */
	double before, after;	/* sum over workers of (start - t0), (last - end) */
	/* after, split (see slots_of): waiting for one that needed longer, for
	 * one that waited longer for a CPU, for one that started later. */
	double uneven, late_wait, late;
	double gaps;		/* sum of the workers' barrier gaps */
	double working;		/* sum of (end - start - gap), plus the serial sections */
};

/* What its maker waited for a CPU before making worker w: at most what
 * delayed its start beyond its own wait (the maker's clock and the worker's
 * are read apart). */
static double made_wait(const struct explain_rep *in, const struct explain_worker *w)
{
	return clamp(w->made_wait_s, 0, fmax(w->start_s - in->t0_s - in->serial0_s - w->wait0_s, 0));
}

/* A worker's run-queue wait before its start (its maker's before making it,
 * its own since), up to its end (and in its span outside the barriers), and
 * its span without the latter. */
static double queued_before(const struct explain_rep *in, const struct explain_worker *w)
{
	return made_wait(in, w) + w->wait0_s;
}

static double queued(const struct explain_rep *in, const struct explain_worker *w)
{
	return queued_before(in, w) + w->wait_s - w->gap_wait_s;
}

static double needed(const struct explain_worker *w)
{
	return w->end_s - w->start_s - (w->wait_s - w->gap_wait_s);
}

static int slots_of(const struct explain_rep *in, struct slots *s)
{
	double longest = -INFINITY, last_queued;
	int k = 0;	/* the worker that ends last */

	memset(s, 0, sizeof(*s));
	s->first = INFINITY;
	s->last = -INFINITY;
	for (int i = 0; i < in->n; i++) {
		const struct explain_worker *w = &in->w[i];

		if (!(w->start_s > 0) || !(w->end_s >= w->start_s))
			return -1;
		s->first = fmin(s->first, w->start_s);
		if (w->end_s > s->last)
			k = i;
		s->last = fmax(s->last, w->end_s);
		longest = fmax(longest, needed(w));
	}
	last_queued = queued(in, &in->w[k]);
	for (int i = 0; i < in->n; i++) {
		const struct explain_worker *w = &in->w[i];
		double after = s->last - w->end_s, uneven, wait;

		s->before += w->start_s - in->t0_s;
		s->after += after;
		/* A worker done waits for the last one. As far as some worker's
		 * span, less its waits for a CPU, is longer than its own, that is
		 * imbalance; as far as the last one waited longer for a CPU
		 * (its maker before making it, itself before its start or in its
		 * span: a scheduler that runs some workers to the end first),
		 * starvation; the rest, the later start, spawning. */
		uneven = clamp(longest - needed(w), 0, after);
		wait = clamp(last_queued - queued(in, w), 0, after - uneven);
		s->uneven += uneven;
		s->late_wait += wait;
		s->late += after - uneven - wait;
		s->gaps += w->gap_s;
		s->working += w->end_s - w->start_s - w->gap_s;
	}
	s->working += in->serial_s;
	return 0;
}

int explain_rep(const struct explain_rep *in, double *parts)
{
	double n = in->n, later = in->serial_s - in->serial0_s, cpu, wait, off, waited_before = 0;
	struct slots s;

	all_nan(parts);
	if (in->n < 1 || !in->w || slots_of(in, &s) < 0)
		return -1;
	parts[EXPLAIN_USEFUL] = in->work_cpu_s + in->work_off_s;
	parts[EXPLAIN_SERIAL] = (n - 1) * in->serial_s;
	parts[EXPLAIN_JOIN] = n * (in->t1_s - s.last);
	if (in->threads == EXPLAIN_ONE_THREAD) {
		/* One OS thread: every greenlet exists once the first one runs (the
		 * main greenlet spawns them all before it yields); after that, a
		 * greenlet not running waits for its turn on the thread, or sleeps,
		 * or is done while others still run, and one thread's clocks cannot
		 * tell these apart: all of it beyond the work's own waits is the
		 * one thread's cost. */
		cpu = in->thread_run_s + in->serial0_run_s;
		wait = in->thread_wait_s + in->serial0_wait_s;
		off = s.working - cpu - wait;
		parts[EXPLAIN_SPAWN] = n * (s.first - in->t0_s - in->serial0_s);
		parts[EXPLAIN_GIL] = (s.before - n * (s.first - in->t0_s)) + s.after + (s.gaps - n * later) + off -
				     in->work_off_s;
		parts[EXPLAIN_STARVED] = wait;
		parts[EXPLAIN_EXTRA] = cpu - in->work_cpu_s;
		return 0;
	}
	/* Own threads: each worker's CPU clock and schedstat say how its span
	 * (less its barrier gaps) went: on a CPU, waiting for one, or neither. */
	cpu = in->serial_run_s;
	wait = in->serial_wait_s;
	off = in->serial_s - in->serial_run_s - in->serial_wait_s;
	parts[EXPLAIN_GIL] = 0;
	for (int i = 0; i < in->n; i++) {
		const struct explain_worker *w = &in->w[i];
		double r = w->run_s - w->gap_run_s, q = w->wait_s - w->gap_wait_s;
		double o = w->end_s - w->start_s - w->gap_s - r - q;
		double g = isnan(w->gil_s) ? 0 : clamp(w->gil_s, 0, fmax(o, 0));

		cpu += r;
		wait += queued(in, w);
		waited_before += queued_before(in, w);
		off += o - g;
		parts[EXPLAIN_GIL] += g;
		if (isnan(w->gil_s))
			parts[EXPLAIN_GIL] = NAN;
	}
	/* A fresh thread waits in the run queue before its first instruction,
	 * and its maker may have waited for a CPU before making it: those
	 * waits are starvation, not the cost of making it; a worker that
	 * waits at the end for one started later waits for its spawning (as
	 * far as that one's later end is not its longer need or wait). */
	parts[EXPLAIN_SPAWN] = s.before - waited_before - n * in->serial0_s + s.late;
	/* The barriers between phases hold every worker through each later
	 * serial section (counted in serial) and while the slowest finishes. */
	parts[EXPLAIN_IMBALANCE] = s.uneven + s.gaps - n * later;
	parts[EXPLAIN_STARVED] = wait + s.late_wait;
	parts[EXPLAIN_BLOCKED] = off - in->work_off_s;
	parts[EXPLAIN_EXTRA] = cpu - in->work_cpu_s;
	return 0;
}

void explain_program(int n, double wall_s, double cpu_s, double wait_s, double *parts)
{
	all_nan(parts);
	parts[EXPLAIN_STARVED] = wait_s;
	parts[EXPLAIN_IDLE] = n * wall_s - cpu_s - wait_s;
}

void explain_program_work(double cpu_s, double cpu1_s, double *parts)
{
	parts[EXPLAIN_USEFUL] = cpu1_s;
	parts[EXPLAIN_EXTRA] = cpu_s - cpu1_s;
}

double explain_total(const double *parts)
{
	double sum = 0;
	int any = 0;

	for (int i = 0; i < EXPLAIN_PARTS; i++)
		if (!isnan(parts[i])) {
			sum += parts[i];
			any = 1;
		}
	return any ? sum : NAN;
}

int explain_part_by_column(const char *column)
{
	for (int i = 0; i < EXPLAIN_PARTS; i++)
		if (strcmp(explain_column(i), column) == 0)
			return i;
	return -1;
}
