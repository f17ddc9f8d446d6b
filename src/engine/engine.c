/*
 * The engine's parent side only plans, reads pipes and tells the reporter:
 * it never runs what it measures. Every visit is a forked child (isolate.c)
 * that sends one fixed-size message per warm-up and repetition; a crash,
 * early exit or hang of that child ends the point, not the run.
 *
 * Orders: "points" visits the base points first (run: every N = 1), then
 * each point's repetitions back to back; "rounds" visits every point once a
 * round, the base points first, the rest shuffled with the seed, so that a
 * drift of the machine lands on every point alike. With a next_round
 * question (run --precision) the client chooses after each round which
 * points the next one visits; their bases always come along, so every
 * repetition stays paired with its round's base.
 */
#define _GNU_SOURCE
#include "engine.h"
#include "isolate.h"
#include "../runtime/reap.h"
#include "../base/stop.h"
#include "../base/clock.h"
#include "../base/util.h"

#include <errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum engine_msg_kind { MSG_REP = 1, MSG_WARMUP, MSG_ERROR };

/* One pipe message; no larger than PIPE_BUF, so each write is whole. */
struct engine_msg {
	int kind;
	int rep;
	char text[ENGINE_TEXT_MAX];
	unsigned char data[ENGINE_DATA_MAX];
};
_Static_assert(sizeof(struct engine_msg) <= 4096, "a message must fit PIPE_BUF");

struct engine_child {
	int fd;
	size_t data_size;
};

/* Only the bytes in use cross the pipe: the header, the text, then the data. */
static size_t msg_size(size_t data_size)
{
	return offsetof(struct engine_msg, data) + data_size;
}

static int child_send(struct engine_child *ch, int kind, int rep, const char *text, const void *data)
{
	struct engine_msg m;

	memset(&m, 0, msg_size(ch->data_size));
	m.kind = kind;
	m.rep = rep;
	if (text)
		snprintf(m.text, sizeof(m.text), "%s", text[0] ? text : "failed");
	if (data)
		memcpy(m.data, data, ch->data_size);
	return isolate_send(ch->fd, &m, msg_size(ch->data_size));
}

int engine_child_rep(struct engine_child *ch, int rep, const void *data)
{
	return child_send(ch, MSG_REP, rep, NULL, data);
}

int engine_child_warmup(struct engine_child *ch)
{
	return child_send(ch, MSG_WARMUP, 0, NULL, NULL);
}

int engine_child_error(struct engine_child *ch, const char *why)
{
	child_send(ch, MSG_ERROR, 0, why, NULL);
	return 1;
}

/* ---- the parent ---- */

struct engine {
	const struct engine_plan *plan;
	const struct engine_reporter *rep;
	struct engine_outcome *out;
	unsigned char *have;	/* have[point * reps + rep]: measured */
	unsigned char *failed;	/* failed[point] */
	double *visit_s;	/* visit_s[point]: seconds of its visits, summed */
	int *visits;		/* visits[point]: how many */
	size_t total;		/* repetitions planned */
	int round;		/* the round under way (rounds order) */
	double t_start;
	int progress, drawn;
};

static size_t base_of(const struct engine *e, size_t point)
{
	return e->plan->base ? e->plan->base(e->plan->ctx, point) : point;
}

static void progress_clear(struct engine *e)
{
	if (e->drawn) {
		fputs("\r\033[K", stderr);
		e->drawn = 0;
	}
}

static void progress_draw(struct engine *e, size_t point, int rep)
{
	char name[256], eta[32] = "ETA --";

	if (!e->progress)
		return;
	e->plan->name(e->plan->ctx, point, name, sizeof(name));
	if (e->plan->next_round) {
		/* How many rounds a stopping rule will want is not known in advance. */
		fprintf(stderr, "\r\033[K[%zu] round %d: %s", e->out->done, e->round + 1, name);
	} else {
		if (e->out->done > 0) {
			double elapsed = clock_now() - e->t_start;
			double left = elapsed / (double)e->out->done * (double)(e->total - e->out->done);
			snprintf(eta, sizeof(eta), "ETA %dm%02ds", (int)(left / 60), (int)fmod(left, 60));
		}
		fprintf(stderr, "\r\033[K[%zu/%zu] %s rep %d  %s", e->out->done, e->total, name, rep + 1, eta);
	}
	fflush(stderr);
	e->drawn = 1;
}

/* The child side of a visit: the plan's body, with the child's end of the pipe. */
struct visit_args {
	const struct engine_plan *plan;
	size_t point;
	int first, n;
};

static int visit_child(void *arg, int fd)
{
	const struct visit_args *va = arg;
	struct engine_child ch = { fd, va->plan->data_size };

	return va->plan->visit(va->plan->ctx, va->point, va->first, va->n, &ch);
}

static void fail(struct engine *e, size_t point, const struct engine_failure *f)
{
	progress_clear(e);
	e->failed[point] = 1;
	e->out->failures++;
	e->rep->failure(e->rep->ctx, point, f);
}

static void on_rep(struct engine *e, size_t point, const struct engine_msg *m)
{
	const struct engine_plan *pl = e->plan;

	if (m->rep < 0 || m->rep >= pl->reps || e->have[point * (size_t)pl->reps + (size_t)m->rep])
		return;
	e->have[point * (size_t)pl->reps + (size_t)m->rep] = 1;
	e->out->done++;
	if (e->rep->row(e->rep->ctx, point, m->rep, m->data) < 0)
		e->out->failures++;
}

/* What ended a visit early, as the reporter hears it. */
struct visit_end {
	struct engine_failure f;
	char why[ENGINE_TEXT_MAX + 256], ended[128];
	int stop, failed;
};

static void sort_end(struct visit_end *ve, enum isolate_read rc, const struct engine_msg *m, struct isolate *iso,
		     double timeout_s)
{
	char how[64];

	if (rc == ISOLATE_INTERRUPTED) {
		ve->stop = 1;
		return;
	}
	ve->failed = 1;
	ve->f.timeout_s = timeout_s;
	if (rc == ISOLATE_MSG) {
		ve->f.kind = ENGINE_FAIL_ERROR;
		snprintf(ve->why, sizeof(ve->why), "%s", m->text);
	} else if (rc == ISOLATE_TIMEOUT) {
		ve->f.kind = ENGINE_FAIL_TIMEOUT;
		isolate_end(iso, ve->ended, sizeof(ve->ended));
		snprintf(ve->why, sizeof(ve->why), "no result within --timeout %gs; %s", timeout_s, ve->ended);
	} else {
		ve->f.kind = ENGINE_FAIL_DIED;
		describe_wait_status(isolate_finish(iso), how, sizeof(how));
		snprintf(ve->why, sizeof(ve->why), "the measuring process %s before its results were in "
			 "(a worker crashed or exited)", how);
	}
}

/* Run one visit of a point; -1 when the run must stop (interrupt). */
static int visit(struct engine *e, size_t point, int first, int n)
{
	const struct engine_plan *pl = e->plan;
	struct visit_args va = { pl, point, first, n };
	int expected = (pl->warmups ? pl->warmups(pl->ctx, point, first) : 0) + n, got = 0;
	double timeout = pl->timeout(pl->ctx, point), t0 = clock_now();
	struct visit_end ve;
	struct isolate iso;
	struct engine_msg m;

	memset(&ve, 0, sizeof(ve));
	ve.f.why = ve.why;
	ve.f.ended = ve.ended;
	if (isolate_start(&iso, visit_child, &va) < 0) {
		snprintf(ve.why, sizeof(ve.why), "cannot fork: %s", strerror(errno));
		ve.f.kind = ENGINE_FAIL_FORK;
		fail(e, point, &ve.f);
		return 0;
	}
	progress_draw(e, point, first);
	while (got < expected) {
		enum isolate_read rc = isolate_read(&iso, &m, msg_size(pl->data_size), timeout, &stop_flag);

		if (rc != ISOLATE_MSG || m.kind == MSG_ERROR) {
			sort_end(&ve, rc, &m, &iso, timeout);
			break;
		}
		got++;
		if (m.kind == MSG_REP)
			on_rep(e, point, &m);
		/* The visit's last repetition is done: the next visit draws the line. */
		if (m.kind != MSG_REP || m.rep + 1 < first + n)
			progress_draw(e, point, m.kind == MSG_REP ? m.rep + 1 : first);
	}
	if (iso.pid > 0)
		isolate_finish(&iso);
	e->visit_s[point] += clock_now() - t0;
	e->visits[point]++;
	if (e->rep->visit_end)
		e->rep->visit_end(e->rep->ctx, point);
	if (ve.failed && !ve.stop)
		fail(e, point, &ve.f);
	if (ve.stop) {
		progress_clear(e);
		e->out->interrupted = 1;
		return -1;
	}
	return 0;
}

/* A visit is skipped when its point failed, or its base's repetition is missing. */
static int can_visit(const struct engine *e, size_t point, int rep)
{
	size_t b = base_of(e, point), reps = (size_t)e->plan->reps;

	if (e->failed[point] || (e->plan->skip && e->plan->skip(e->plan->ctx, point)))
		return 0;
	if (b == point)
		return 1;
	if (e->failed[b])
		return 0;
	if (e->plan->order == ENGINE_ROUNDS)
		return e->have[b * reps + (size_t)rep];
	for (size_t i = 0; i < reps; i++)
		if (e->have[b * reps + i])
			return 1;
	return 0;
}

static int run_points(struct engine *e)
{
	const struct engine_plan *pl = e->plan;
	int step = pl->one_rep_a_visit ? 1 : pl->reps;

	/* Base points first, so every later row's divisor is known when it is written. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < pl->npoints; i++) {
			if ((base_of(e, i) == i) != (pass == 0))
				continue;
			for (int r = 0; r < pl->reps && can_visit(e, i, 0); r += step)
				if (visit(e, i, r, step) < 0)
					return -1;
		}
	return 0;
}

/*
 * The next round's points (run --precision): what the client wants, and the
 * base of each; 0 when it wants none. After the last round the client is
 * still asked, with no rounds left, so that it can close its books.
 */
static size_t plan_round(struct engine *e, int r, unsigned char *want)
{
	const struct engine_plan *pl = e->plan;
	double *mean = xmalloc((pl->npoints ? pl->npoints : 1) * sizeof(*mean));
	size_t n;

	for (size_t i = 0; i < pl->npoints; i++)
		mean[i] = e->visits[i] ? e->visit_s[i] / e->visits[i] : NAN;
	memset(want, 0, pl->npoints);
	n = pl->next_round(pl->ctx, r, pl->reps - r - 1, mean, want);
	free(mean);
	if (r + 1 >= pl->reps || n == 0)
		return 0;
	for (size_t i = 0; i < pl->npoints; i++)
		if (want[i])
			want[base_of(e, i)] = 1;
	n = 0;
	for (size_t i = 0; i < pl->npoints; i++)
		n += want[i];
	e->total += n;
	return n;
}

static int run_rounds(struct engine *e)
{
	const struct engine_plan *pl = e->plan;
	size_t *order = xmalloc((pl->npoints ? pl->npoints : 1) * sizeof(*order)), nbase = 0;
	unsigned char *want = xmalloc(pl->npoints + 1);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	int rc = 0;

	gsl_rng_set(rng, (unsigned long)pl->seed);
	memset(want, 1, pl->npoints + 1);
	for (size_t i = 0; i < pl->npoints; i++)
		if (base_of(e, i) == i)
			order[nbase++] = i;
	for (size_t i = 0, k = nbase; i < pl->npoints; i++)
		if (base_of(e, i) != i)
			order[k++] = i;
	for (int r = 0; r < pl->reps && rc == 0; r++) {
		e->round = r;
		if (nbase > 1)
			gsl_ran_shuffle(rng, order, nbase, sizeof(*order));
		if (pl->npoints - nbase > 1)
			gsl_ran_shuffle(rng, order + nbase, pl->npoints - nbase, sizeof(*order));
		for (size_t i = 0; i < pl->npoints && rc == 0; i++)
			if (want[order[i]] && can_visit(e, order[i], r))
				rc = visit(e, order[i], r, 1);
		if (rc == 0 && pl->next_round && plan_round(e, r, want) == 0)
			break;
	}
	gsl_rng_free(rng);
	free(want);
	free(order);
	return rc;
}

void engine_open(void)
{
	stop_install();
	reap_init();
}

void engine_close(void)
{
	reap_finish();
}

int engine_run(const struct engine_plan *plan, const struct engine_reporter *rep, int progress,
	       struct engine_outcome *out)
{
	struct engine e = { .plan = plan, .rep = rep, .out = out, .progress = progress };
	int rc;

	memset(out, 0, sizeof(*out));
	e.have = xcalloc(plan->npoints * (size_t)plan->reps + 1, 1);
	e.failed = xcalloc(plan->npoints + 1, 1);
	e.visit_s = xcalloc(plan->npoints + 1, sizeof(*e.visit_s));
	e.visits = xcalloc(plan->npoints + 1, sizeof(*e.visits));
	/* With a stopping rule, each round adds what it plans (the first: every point). */
	e.total = plan->npoints * (plan->next_round && plan->order == ENGINE_ROUNDS ? 1 : (size_t)plan->reps);
	e.t_start = clock_now();
	rc = plan->order == ENGINE_POINTS ? run_points(&e) : run_rounds(&e);
	progress_clear(&e);
	out->elapsed_s = clock_now() - e.t_start;
	if (!out->interrupted && rep->summary)
		rep->summary(rep->ctx, out);
	free(e.have);
	free(e.failed);
	free(e.visit_s);
	free(e.visits);
	return rc < 0 || out->failures || out->done < e.total ? -1 : 0;
}

struct once_args {
	int (*fn)(void *arg, struct engine_child *ch);
	void *arg;
	size_t size;
};

static int once_child(void *arg, int fd)
{
	const struct once_args *oa = arg;
	struct engine_child ch = { fd, oa->size };

	return oa->fn(oa->arg, &ch);
}

enum engine_once_status engine_once(int (*fn)(void *arg, struct engine_child *ch), void *arg, size_t size,
				    void *data, double timeout_s, char *why, size_t whylen)
{
	struct once_args oa = { fn, arg, size };
	struct visit_end ve;
	struct isolate iso;
	struct engine_msg m;
	enum isolate_read rc;

	if (isolate_start(&iso, once_child, &oa) < 0) {
		snprintf(why, whylen, "cannot fork: %s", strerror(errno));
		return ENGINE_ONCE_FAILED;
	}
	rc = isolate_read(&iso, &m, msg_size(size), timeout_s, &stop_flag);
	if (rc == ISOLATE_MSG && m.kind == MSG_REP) {
		memcpy(data, m.data, size);
		isolate_finish(&iso);
		return ENGINE_ONCE_OK;
	}
	memset(&ve, 0, sizeof(ve));
	sort_end(&ve, rc, &m, &iso, timeout_s);
	if (iso.pid > 0)
		isolate_finish(&iso);
	if (ve.stop)
		return ENGINE_ONCE_INTERRUPTED;
	snprintf(why, whylen, "%s", ve.why);
	return ENGINE_ONCE_FAILED;
}
