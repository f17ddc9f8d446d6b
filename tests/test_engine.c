/*
 * Tests of the measurement engine (src/engine/engine.c) with a plan of its
 * own, no backend or workload: the order of visits (base points first, then
 * rounds shuffled by the seed, or points back to back), a failed base
 * skipping its dependants, the kinds of failure (an error, a death, a
 * timeout) told to the reporter, a reporter's failed row, an interrupt,
 * and rounds chosen by the client one at a time (run --precision).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/engine/engine.h"
#include "../src/base/stop.h"

enum behaviour { OK, ERROR, DIE, HANG };

struct fake {
	size_t npoints;
	size_t bases[8];
	enum behaviour act[8];
	/* what the reporter saw, in order */
	size_t seen_point[64];
	int seen_rep[64];
	size_t nseen;
	enum engine_failure_kind fail_kind[8];
	int failed[8], visit_ends, summaries, bad_rows;
	size_t bad_point;	/* its repetition 0 is a failed row */
	/* next_round: the point wanted after each round, until stop_after rounds */
	size_t next_point;
	int stop_after, asked, left[8];
	double first_cost[8];
};

static int fake_visit(void *ctx, size_t point, int first, int n, struct engine_child *ch)
{
	const struct fake *f = ctx;

	switch (f->act[point]) {
	case ERROR:
		return engine_child_error(ch, "told to fail");
	case DIE:
		_exit(7);
	case HANG:
		pause();
		return 1;
	case OK:
		break;
	}
	if (engine_child_warmup(ch) < 0)
		return 1;
	for (int r = first; r < first + n; r++) {
		double v = (double)(point * 100 + (size_t)r);
		if (engine_child_rep(ch, r, &v) < 0)
			return 1;
	}
	return 0;
}

static int fake_warmups(void *ctx, size_t point, int first)
{
	const struct fake *f = ctx;

	(void)first;
	return f->act[point] == OK;
}

static size_t fake_base(void *ctx, size_t point)
{
	return ((const struct fake *)ctx)->bases[point];
}

static double fake_timeout(void *ctx, size_t point)
{
	(void)ctx;
	(void)point;
	return 0.5;
}

static void fake_name(void *ctx, size_t point, char *buf, size_t len)
{
	(void)ctx;
	snprintf(buf, len, "point %zu", point);
}

static int fake_row(void *ctx, size_t point, int rep, const void *data)
{
	struct fake *f = ctx;
	double v;

	memcpy(&v, data, sizeof(v));
	cr_assert_float_eq(v, (double)(point * 100 + (size_t)rep), 1e-9, "the data crossed the pipe");
	f->seen_point[f->nseen] = point;
	f->seen_rep[f->nseen++] = rep;
	return point == f->bad_point && rep == 0 ? (f->bad_rows++, -1) : 0;
}

static void fake_visit_end(void *ctx, size_t point)
{
	(void)point;
	((struct fake *)ctx)->visit_ends++;
}

static void fake_failure(void *ctx, size_t point, const struct engine_failure *fl)
{
	struct fake *f = ctx;

	cr_assert(fl->why && fl->why[0]);
	f->failed[point] = 1;
	f->fail_kind[point] = fl->kind;
}

static void fake_summary(void *ctx, const struct engine_outcome *o)
{
	(void)o;
	((struct fake *)ctx)->summaries++;
}

static size_t fake_next(void *ctx, int round, int rounds_left, const double *visit_s, unsigned char *want)
{
	struct fake *f = ctx;

	cr_assert_eq(round, f->asked, "asked after every round, in order");
	f->left[f->asked++] = rounds_left;
	if (round == 0)
		memcpy(f->first_cost, visit_s, f->npoints * sizeof(*visit_s));
	for (size_t i = 0; i < f->npoints; i++)
		cr_assert_eq(want[i], 0, "want[] comes zeroed");
	if (round + 1 >= f->stop_after)
		return 0;
	want[f->next_point] = 1;
	return 1;
}

static int run_fake(struct fake *f, enum engine_order order, int reps, int one, struct engine_outcome *o)
{
	struct engine_plan plan = {
		.ctx = f, .npoints = f->npoints, .reps = reps, .order = order, .seed = 3, .one_rep_a_visit = one,
		.data_size = sizeof(double), .visit = fake_visit, .warmups = fake_warmups, .base = fake_base,
		.timeout = fake_timeout, .name = fake_name, .next_round = f->stop_after ? fake_next : NULL,
	};
	struct engine_reporter rep = {
		.ctx = f, .row = fake_row, .visit_end = fake_visit_end, .failure = fake_failure,
		.summary = fake_summary,
	};

	return engine_run(&plan, &rep, 0, o);
}

/* Points 0 and 1 are bases; 2 depends on 0, 3 on 1. */
static void two_groups(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->npoints = 4;
	f->bases[0] = 0;
	f->bases[1] = 1;
	f->bases[2] = 0;
	f->bases[3] = 1;
	f->bad_point = 3;
}

Test(engine, rounds_visit_bases_first_in_every_round)
{
	struct fake f;
	struct engine_outcome o;

	two_groups(&f);
	f.bad_point = 99;
	cr_assert_eq(run_fake(&f, ENGINE_ROUNDS, 3, 0, &o), 0);
	cr_assert_eq(o.done, 12);
	cr_assert_eq(f.nseen, 12);
	cr_assert_eq(f.visit_ends, 12, "a rounds visit is one repetition");
	cr_assert_eq(f.summaries, 1);
	for (size_t i = 0; i < 12; i++) {
		cr_assert_eq(f.seen_rep[i], (int)(i / 4), "round %zu out of order", i / 4);
		cr_assert_eq(f.seen_point[i] < 2, i % 4 < 2, "round %zu: point %zu at place %zu", i / 4,
			     f.seen_point[i], i % 4);
	}
}

/* Two groups whose client wants `next` after every round, until stop_after rounds. */
static void chooser(struct fake *f, size_t next, int stop_after)
{
	two_groups(f);
	f->bad_point = 99;
	f->next_point = next;
	f->stop_after = stop_after;
}

Test(engine, the_client_chooses_each_next_round_and_bases_come_along)
{
	struct fake f;
	struct engine_outcome o;

	chooser(&f, 3, 3);
	cr_assert_eq(run_fake(&f, ENGINE_ROUNDS, 10, 0, &o), 0, "every planned visit was made");
	cr_assert_eq(f.asked, 3);
	cr_assert_eq(f.left[0], 9);
	cr_assert_eq(f.left[2], 7);
	cr_assert_eq(o.done, 4 + 2 + 2, "round 0 whole, then point 3 and its base");
	for (size_t i = 4; i < 8; i++) {
		cr_assert(f.seen_point[i] == 1 || f.seen_point[i] == 3, "visit %zu: point %zu", i, f.seen_point[i]);
		cr_assert_eq(f.seen_rep[i], (int)(i / 2) - 1, "a repetition is its round");
	}
	cr_assert_eq(f.seen_point[4], 1, "the base first");
	for (size_t i = 0; i < 4; i++)
		cr_assert(f.first_cost[i] > 0 && isfinite(f.first_cost[i]), "the seconds of a visit");
	cr_assert_eq(f.summaries, 1);
}

Test(engine, the_client_is_asked_after_the_last_round_too)
{
	struct fake f;
	struct engine_outcome o;

	chooser(&f, 2, 100);
	cr_assert_eq(run_fake(&f, ENGINE_ROUNDS, 2, 0, &o), 0);
	cr_assert_eq(f.asked, 2);
	cr_assert_eq(f.left[1], 0, "no rounds left: the client closes its books");
	cr_assert_eq(o.done, 4 + 2);
}

Test(engine, points_visit_bases_first_then_back_to_back)
{
	static const size_t want[] = { 0, 0, 1, 1, 2, 2, 3, 3 };
	struct fake f;
	struct engine_outcome o;

	two_groups(&f);
	cr_assert_eq(run_fake(&f, ENGINE_POINTS, 2, 0, &o), -1, "point 3's failed row fails the run");
	cr_assert_eq(f.bad_rows, 1);
	cr_assert_eq(o.failures, 1);
	cr_assert_eq(f.nseen, 8);
	for (size_t i = 0; i < 8; i++)
		cr_assert_eq(f.seen_point[i], want[i], "visit %zu: point %zu", i, f.seen_point[i]);
	cr_assert_eq(f.visit_ends, 4);
	memset(f.seen_point, 0, sizeof(f.seen_point));
	f.nseen = f.visit_ends = 0;
	run_fake(&f, ENGINE_POINTS, 2, 1, &o);
	cr_assert_eq(f.visit_ends, 8, "a fresh child for every repetition");
}

Test(engine, failures_are_sorted_and_dependants_skipped, .timeout = 30)
{
	struct fake f;
	struct engine_outcome o;

	two_groups(&f);
	f.npoints = 6;
	f.act[0] = ERROR;
	f.act[1] = DIE;
	f.act[4] = HANG;
	f.bases[4] = 4;
	f.bases[5] = 5;
	cr_assert_eq(run_fake(&f, ENGINE_ROUNDS, 2, 0, &o), -1);
	cr_assert(f.failed[0] && f.fail_kind[0] == ENGINE_FAIL_ERROR);
	cr_assert(f.failed[1] && f.fail_kind[1] == ENGINE_FAIL_DIED);
	cr_assert(f.failed[4] && f.fail_kind[4] == ENGINE_FAIL_TIMEOUT);
	cr_assert(!f.failed[2] && !f.failed[3], "dependants of a failed base are skipped, not failed");
	cr_assert_eq(o.failures, 3);
	cr_assert_eq(o.done, 2, "only point 5 was measured: %zu", o.done);
	for (size_t i = 0; i < f.nseen; i++)
		cr_assert_eq(f.seen_point[i], 5);
}

Test(engine, an_interrupt_ends_the_run_without_a_summary, .timeout = 30)
{
	struct fake f;
	struct engine_outcome o;

	two_groups(&f);
	stop_flag = SIGTERM;
	cr_assert_eq(run_fake(&f, ENGINE_ROUNDS, 2, 0, &o), -1);
	stop_flag = 0;
	cr_assert(o.interrupted);
	cr_assert_eq(f.summaries, 0);
	cr_assert_eq(o.failures, 0, "an interrupt is not a failure");
}

static int once_fn(void *arg, struct engine_child *ch)
{
	double v = *(double *)arg;

	if (v < 0)
		return engine_child_error(ch, "negative");
	return engine_child_rep(ch, 0, &v) < 0;
}

Test(engine, once_returns_one_value_or_why_not)
{
	double in = 2.5, out = 0;
	char why[256] = "";

	cr_assert_eq(engine_once(once_fn, &in, sizeof(out), &out, 5, why, sizeof(why)), ENGINE_ONCE_OK);
	cr_assert_float_eq(out, 2.5, 1e-12);
	in = -1;
	cr_assert_eq(engine_once(once_fn, &in, sizeof(out), &out, 5, why, sizeof(why)), ENGINE_ONCE_FAILED);
	cr_assert_str_eq(why, "negative");
}
