/*
 * Tests of the sleep, lock, memory and message workloads on every backend
 * they run on: run through the backends directly, the lock counter loses
 * updates only where get-update-store can overlap (never with a lock, never
 * under green), memory and message report the bytes they moved, every
 * channel delivers every byte; through the binary, sleep scales past the
 * cores, bigger messages mean fewer messages a second, and bad options exit 2.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../src/base/clock.h"
#include "../src/api/backend.h"
#include "../src/api/params.h"

static const char *const local_backends[] = { "thread", "process", "openmp", "gil", "green" };

static void job_make(struct job *job, const struct workload *w, const struct params *ps, double p,
		     uint64_t units, int n, int phases)
{
	job_init(job, w, ps, p, phases, SCALING_STRONG, units, n);
}

/* One repetition as the sweep runs it (setup, begin, run, report, teardown). */
static struct timing run_once(const char *backend, const char *workload, const struct params *ps, double p,
			      uint64_t units, int n, int phases)
{
	const struct backend *b = backend_find(backend);
	const struct workload *w = workload_find(workload);
	struct timing t;
	struct job job;
	double t0;

	cr_assert_not_null(b, "no backend %s", backend);
	cr_assert_not_null(w, "no workload %s", workload);
	job_make(&job, w, ps, p, units, n, phases);
	cr_assert_eq(w->setup ? w->setup(&job) : 0, 0, "%s", job.err);
	timing_init(&t);
	if (w->begin)
		w->begin(&job);
	if (b->prepare)
		cr_assert_eq(b->prepare(w, &job, n), 0, "%s", job.err);
	t0 = clock_now();
	cr_assert_eq(b->run(w, &job, n, &t), 0, "%s/%s n=%d: %s", backend, workload, n, job.err);
	if (t.wall_s == 0)
		t.wall_s = clock_now() - t0;	/* as the sweep times it: the gbps column divides by it */
	if (w->report)
		w->report(&job, &t);
	if (w->teardown)
		w->teardown(&job);
	return t;
}

/* The bytes a repetition moved: its gbps column times the wall time it was divided by. */
static double bytes_of(const struct timing *t)
{
	return timing_get(t, "gbps") * t->wall_s * 1e9;
}

/* ---- reading the binary's CSV ---- */

/* Field col of a CSV line (no quoting in amdahl's numeric rows), into buf. */
static void field(const char *line, int col, char *buf, size_t len)
{
	const char *p = line, *end;

	for (int i = 0; i < col && p; i++) {
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	buf[0] = '\0';
	if (!p)
		return;
	end = strchr(p, ',');
	if (!end)
		end = p + strlen(p);
	snprintf(buf, len, "%.*s", (int)(end - p), p);
}

/* The column of a header name, -1 when absent. */
static int column(const char *header, const char *name)
{
	char buf[64];

	for (int i = 0; i < 64; i++) {
		field(header, i, buf, sizeof(buf));
		if (strcmp(buf, name) == 0)
			return i;
	}
	return -1;
}

/* Every data row's value of a column, into v; how many. */
static int values(const char *csv, const char *name, double *v, int max)
{
	char *copy = strdup(csv), *save = NULL, buf[64];
	int col = -1, k = 0;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (col < 0) {
			col = column(line, name);
			continue;
		}
		field(line, col, buf, sizeof(buf));
		if (k < max)
			v[k++] = buf[0] ? strtod(buf, NULL) : NAN;
	}
	free(copy);
	return k;
}

/* ---- lock ---- */

Test(workloads, lock_with_a_lock_loses_nothing, .timeout = 60)
{
	static const char *const modes[] = { "mutex", "spin", "atomic" };

	for (size_t m = 0; m < 3; m++)
		for (size_t b = 0; b < 5; b++) {
			struct params ps = { 0 };
			struct timing t;

			params_set(&ps, "lock", modes[m]);
			t = run_once(local_backends[b], "lock", &ps, 0.9, 30000, 3, 2);
			cr_assert_eq(timing_get(&t, "lost"), 0, "--lock %s on %s lost %g updates", modes[m],
				     local_backends[b], timing_get(&t, "lost"));
		}
}

Test(workloads, lock_none_loses_nothing_under_green, .timeout = 60)
{
	struct params ps = { 0 };
	struct timing t;

	params_set(&ps, "lock", "none");
	t = run_once("green", "lock", &ps, 0.9, 300000, 4, 2);
	cr_assert_eq(timing_get(&t, "lost"), 0, "greenlets lost %g updates, yet never run at once",
		     timing_get(&t, "lost"));
	t = run_once("thread", "lock", &ps, 0.9, 300000, 1, 1);
	cr_assert_eq(timing_get(&t, "lost"), 0, "one thread lost %g updates", timing_get(&t, "lost"));
}

Test(workloads, lock_none_loses_updates_under_gil, .timeout = 60)
{
	struct params ps = { 0 };
	struct timing t;

	/* Every forced switch falls between a worker's get and its store, and
	 * 2 workers with ~30 ms of units and a 1 ms interval switch many times. */
	params_set(&ps, "lock", "none");
	params_set(&ps, "switch-interval", "1ms");
	t = run_once("gil", "lock", &ps, 1.0, 200000, 2, 1);
	cr_assert_gt(timing_get(&t, "lost"), 0, "no update lost under gil: the GIL made get-update-store "
		     "atomic?");
	cr_assert_lt(timing_get(&t, "lost"), 200000);
}

Test(workloads, lock_none_loses_updates_on_threads, .timeout = 60)
{
	struct params ps = { 0 };
	double lost = 0;

	/* Two threads on two cores overlap their get-update-store many times in
	 * ~0.1 s; on a box so busy that they never run at once, preemption
	 * between get and store still loses some. A few tries absorb bad luck. */
	params_set(&ps, "lock", "none");
	for (int attempt = 0; attempt < 5 && lost == 0; attempt++) {
		struct timing t = run_once("thread", "lock", &ps, 1.0, 2000000, 2, 1);
		lost = timing_get(&t, "lost");
	}
	cr_assert_gt(lost, 0, "no update lost by 2 threads in 5 tries of 2M units");
}

Test(workloads, lock_rejects_unknown_modes, .timeout = 60)
{
	const char *args[] = { "run", "-w", "lock", "--lock", "bogus", NULL };
	struct cli_result r;

	cli_run(&r, 30, args);
	cr_assert_eq(r.status, 2, "exit %d", r.status);
	cr_assert(strstr(r.err, "--lock"), "%s", r.err);
	cli_free(&r);
}

/* ---- memory ---- */

Test(workloads, memory_reports_the_bytes_it_moved, .timeout = 60)
{
	struct params ps = { 0 };
	struct timing t;

	params_set(&ps, "array-mb", "4");
	for (size_t b = 0; b < 5; b++) {
		t = run_once(local_backends[b], "memory", &ps, 0.75, 400, 3, 2);
		cr_assert_float_eq(bytes_of(&t), 400.0 * 3 * 8192 * 8, 1e-3, "%s: %g bytes", local_backends[b],
				   bytes_of(&t));
	}
}

Test(workloads, memory_cli_gbps_in_range, .timeout = 60)
{
	const char *args[] = { "run", "-b", "thread", "-w", "memory", "--array-mb", "64", "-P", "1", "-N", "1,2",
			       "--reps", "2", "--work", "0.1", "-q", NULL };
	struct cli_result r;
	double g[16];
	int k;

	cli_run(&r, 50, args);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	k = values(r.out, "gbps", g, 16);
	cr_assert_eq(k, 4, "%d rows", k);
	for (int i = 0; i < k; i++)
		cr_assert(g[i] > 0.05 && g[i] < 2000, "gbps %g is not a memory bandwidth", g[i]);
	cli_free(&r);
}

Test(workloads, memory_rejects_bad_sizes, .timeout = 60)
{
	static const char *const bad[] = { "0", "x", "-3", "65537", "" };
	const struct workload *w = workload_find("memory");
	struct params ps = { 0 };
	char err[256];

	cr_assert_eq(params_check(&ps, w->params, err, sizeof(err)), 0, "auto refused: %s", err);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		params_set(&ps, "array-mb", bad[i]);
		cr_assert_eq(params_check(&ps, w->params, err, sizeof(err)), -1, "'%s' accepted", bad[i]);
	}
}

/* ---- message ---- */

Test(workloads, message_every_channel_delivers_every_byte, .timeout = 60)
{
	static const char *const sizes[] = { "1", "4097", "100000" };

	for (size_t b = 0; b < 5; b++)
		for (size_t i = 0; i < 3; i++) {
			struct params ps = { 0 };
			struct timing t;

			params_set(&ps, "bytes", sizes[i]);
			/* The channels compare bytes sent and received and fail the run otherwise. */
			t = run_once(local_backends[b], "message", &ps, 0.8, 300, 3, 2);
			cr_assert_float_eq(bytes_of(&t), 300.0 * strtod(sizes[i], NULL), 1e-3);
		}
}

Test(workloads, message_without_channel_copies_locally, .timeout = 60)
{
	const struct workload *w = workload_find("message");
	struct params ps = { 0 };
	struct job job;

	cr_assert(w->needs & WORKLOAD_NEEDS_CHANNEL);
	params_set(&ps, "bytes", "100000");
	job_make(&job, w, &ps, 1.0, 1, 1, 1);
	cr_assert_eq(w->setup(&job), 0, "%s", job.err);
	w->parallel(&job, 0, 1, 50);	/* as calibration does: no hooks */
	w->teardown(&job);
}

/* The best messages a second of a run: units / wall_s. */
static double msgs_per_s(const char *csv)
{
	double units[16], wall[16], best = 0;
	int k = values(csv, "units", units, 16);

	cr_assert_eq(values(csv, "wall_s", wall, 16), k);
	for (int i = 0; i < k; i++)
		if (wall[i] > 0 && units[i] / wall[i] > best)
			best = units[i] / wall[i];
	return best;
}

Test(workloads, message_bigger_payloads_fewer_messages, .timeout = 60)
{
	const char *small[] = { "run", "-b", "thread", "-w", "message", "--bytes", "64", "-P", "1", "-N", "1",
				"--reps", "2", "--work", "0.05", "-q", NULL };
	const char *big[] = { "run", "-b", "thread", "-w", "message", "--bytes", "1048576", "-P", "1", "-N", "1",
			      "--reps", "2", "--work", "0.05", "-q", NULL };
	struct cli_result r;
	double m_small, m_big;

	cli_run(&r, 50, small);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	m_small = msgs_per_s(r.out);
	cli_free(&r);
	cli_run(&r, 50, big);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	m_big = msgs_per_s(r.out);
	cli_free(&r);
	cr_assert_gt(m_small, 10 * m_big, "64 B: %.0f msg/s, 1 MiB: %.0f msg/s", m_small, m_big);
}

Test(workloads, message_rejects_bad_sizes, .timeout = 60)
{
	const char *a1[] = { "run", "-w", "message", "--bytes", "0", NULL };
	const char *a2[] = { "run", "-w", "message", "--bytes", "99999999999", NULL };
	struct cli_result r;

	cli_run(&r, 30, a1);
	cr_assert_eq(r.status, 2, "exit %d", r.status);
	cr_assert(strstr(r.err, "--bytes"), "%s", r.err);
	cli_free(&r);
	cli_run(&r, 30, a2);
	cr_assert_eq(r.status, 2, "exit %d", r.status);
	cli_free(&r);
}

/* ---- sleep ---- */

/* Sanitizers make fork and pthread_create 10 to 40 times dearer (16 forks
 * then cost a good part of a 0.5 s job), and the CPU part of every wait too,
 * which the gil backend serialises: only "the waits overlap" is left. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SLEEP_S16_MIN 1.2
#else
#define SLEEP_S16_MIN 5.0
#endif

Test(workloads, sleep_scales_past_the_cores_on_every_backend, .timeout = 60)
{
	const char *args[] = { "run", "-b", "thread,gil,green,process,openmp", "-w", "sleep", "-P", "1", "-N",
			       "1,16", "--reps", "3", "--warmup", "0", "--work", "0.5", "-q", NULL };
	struct cli_result r;

	cli_run(&r, 55, args);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	for (size_t b = 0; b < 5; b++) {
		double s = cli_median_speedup(r.out, local_backends[b], NULL, 16);
		cr_expect_gt(s, SLEEP_S16_MIN, "%s sleep S(16) = %.2f", local_backends[b], s);
	}
	cli_free(&r);
}

Test(workloads, sleep_rejects_bad_units, .timeout = 60)
{
	const char *args[] = { "run", "-w", "sleep", "--sleep-us", "0", NULL };
	struct cli_result r;

	cli_run(&r, 30, args);
	cr_assert_eq(r.status, 2, "exit %d", r.status);
	cr_assert(strstr(r.err, "--sleep-us"), "%s", r.err);
	cli_free(&r);
}
