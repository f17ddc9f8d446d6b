/*
 * Tests of the thread, process and openmp backends (src/backends/) through
 * backend_find, with a counting workload defined here: every worker must run
 * once per phase with exactly its job_share of the units, the serial part
 * must be exact, and the phases must be ordered (a serial section runs only
 * once every worker has finished the previous parallel section). The counters
 * live in job_shared_alloc memory so that fork()ed workers report too. Also
 * the calibration of the spin workload (src/engine/calibrate.c), and the
 * per-worker records every backend fills (src/runtime/workrec.c).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "../src/api/backend.h"
#include "../src/engine/calibrate.h"
#include "../src/base/clock.h"
#include "../src/runtime/workrec.h"

#define MAX_WORKERS 64
#define MAX_PHASES 3

struct count_slot {
	int calls;				/* parallel() calls of this worker */
	int wrong_n;				/* calls whose nworkers was not the job's N */
	pid_t pid;				/* the process that ran the last call */
	uint64_t units[MAX_PHASES];		/* units of each call, in call order */
	int serial_before[MAX_PHASES];		/* serial sections done when call k started */
};

struct count_state {
	int serial_calls;
	uint64_t serial_units[MAX_PHASES];
	int par_started_before[MAX_PHASES];	/* parallel calls started/done when serial k ran */
	int par_done_before[MAX_PHASES];
	int par_started, par_done, bad_worker;
	int die_worker;				/* worker that _exit(3)s (process backend), or -1 */
	struct count_slot slot[MAX_WORKERS];
};

static int count_setup(struct job *job)
{
	struct count_state *s = job_shared_alloc(sizeof(*s));

	if (!s)
		return job_fail(job, "cannot map the counters");
	s->die_worker = -1;
	job->state = s;
	return 0;
}

static void count_serial(struct job *job, uint64_t units)
{
	struct count_state *s = job->state;
	int k = __atomic_fetch_add(&s->serial_calls, 1, __ATOMIC_SEQ_CST);

	if (k < MAX_PHASES) {
		s->serial_units[k] = units;
		s->par_started_before[k] = __atomic_load_n(&s->par_started, __ATOMIC_SEQ_CST);
		s->par_done_before[k] = __atomic_load_n(&s->par_done, __ATOMIC_SEQ_CST);
	}
}

static void count_parallel(struct job *job, int worker, int nworkers, uint64_t units)
{
	struct count_state *s = job->state;
	struct count_slot *sl;
	int k;

	__atomic_fetch_add(&s->par_started, 1, __ATOMIC_SEQ_CST);
	if (worker < 0 || worker >= MAX_WORKERS) {
		__atomic_fetch_add(&s->bad_worker, 1, __ATOMIC_SEQ_CST);
		return;
	}
	sl = &s->slot[worker];
	k = __atomic_fetch_add(&sl->calls, 1, __ATOMIC_SEQ_CST);
	if (nworkers != job->nworkers)
		__atomic_fetch_add(&sl->wrong_n, 1, __ATOMIC_SEQ_CST);
	sl->pid = getpid();
	if (k < MAX_PHASES) {
		sl->units[k] = units;
		sl->serial_before[k] = __atomic_load_n(&s->serial_calls, __ATOMIC_SEQ_CST);
	}
	if (worker == s->die_worker)
		_exit(3);
	__atomic_fetch_add(&s->par_done, 1, __ATOMIC_SEQ_CST);
}

static void count_teardown(struct job *job)
{
	job_shared_free(job->state, sizeof(struct count_state));
	job->state = NULL;
}

static const struct workload count_workload = {
	.name = "count",
	.summary = "counts the units each worker runs",
	.setup = count_setup,
	.serial = count_serial,
	.parallel = count_parallel,
	.teardown = count_teardown,
};

static void job_for(struct job *job, double p, uint64_t units, int phases, enum scaling sc, int n)
{
	job_init(job, &count_workload, NULL, p, phases, sc, units, n);
	cr_assert_eq(count_workload.setup(job), 0);
}

/* One repetition, as the sweep runs it: prepare (untimed), then run. */
static int run_once(const struct backend *b, struct job *job, int n)
{
	struct timing t;

	timing_init(&t);
	job->nworkers = n;
	if (b->prepare && b->prepare(&count_workload, job, n) < 0)
		return -1;
	return b->run(&count_workload, job, n, &t);
}

static void check_split(const char *name, double p, uint64_t units, int phases, enum scaling sc, int n)
{
	const struct backend *b = backend_find(name);
	struct job job;
	struct count_state *s;
	uint64_t total = 0;
	int serial_sections = 0;

	cr_assert_not_null(b, "no backend '%s'", name);
	job_for(&job, p, units, phases, sc, n);
	s = job.state;
	cr_assert_eq(run_once(b, &job, n), 0, "%s N=%d K=%d: %s", name, n, phases, job.err);
	cr_assert_eq(s->bad_worker, 0, "%s N=%d: a worker id out of range", name, n);
	/* A serial section without units is not called; the ordering checks need
	 * every one, so the cases below give every phase serial work but P=1. */
	for (int k = 0; k < phases; k++)
		serial_sections += job_serial_units(&job, k) > 0;
	cr_assert_eq(s->serial_calls, serial_sections, "%s N=%d K=%d: %d serial sections", name, n, phases,
		     s->serial_calls);
	for (int k = 0; k < phases && serial_sections == phases; k++) {
		cr_assert_eq(s->serial_units[k], job_serial_units(&job, k), "%s N=%d K=%d serial %d: %llu units",
			     name, n, phases, k, (unsigned long long)s->serial_units[k]);
		/* Serial section k runs after all of phase k-1 and before any of phase k. */
		cr_assert_eq(s->par_started_before[k], n * k, "%s N=%d K=%d: serial %d ran beside parallel work",
			     name, n, phases, k);
		cr_assert_eq(s->par_done_before[k], n * k, "%s N=%d K=%d: serial %d ran before phase %d ended",
			     name, n, phases, k, k - 1);
	}
	for (int w = 0; w < MAX_WORKERS; w++) {
		const struct count_slot *sl = &s->slot[w];

		if (w >= n) {
			cr_assert_eq(sl->calls, 0, "%s N=%d: worker %d should not exist", name, n, w);
			continue;
		}
		cr_assert_eq(sl->calls, phases, "%s N=%d K=%d: worker %d ran %d times", name, n, phases, w,
			     sl->calls);
		cr_assert_eq(sl->wrong_n, 0, "%s N=%d: worker %d was told another N", name, n, w);
		for (int k = 0; k < phases; k++) {
			uint64_t want = job_share(job_parallel_units(&job, k, n), w, n);
			cr_assert_eq(sl->units[k], want, "%s N=%d K=%d worker %d phase %d: %llu units, want %llu",
				     name, n, phases, w, k, (unsigned long long)sl->units[k],
				     (unsigned long long)want);
			if (serial_sections == phases)
				cr_assert_eq(sl->serial_before[k], k + 1, "%s N=%d K=%d worker %d: phase %d started "
					     "after %d serial sections", name, n, phases, w, k, sl->serial_before[k]);
			total += sl->units[k];
		}
	}
	{
		uint64_t serial = 0, par_want;

		for (int k = 0; k < phases; k++)
			serial += s->serial_units[k];
		par_want = units - serial;
		if (sc == SCALING_WEAK)
			par_want *= (uint64_t)n;
		cr_assert_eq(total, par_want, "%s N=%d K=%d: the workers ran %llu units, want %llu", name, n,
			     phases, (unsigned long long)total, (unsigned long long)par_want);
	}
	/* Processes: every worker in a child of its own; threads: all in this process. */
	for (int w = 0; w < n; w++) {
		if (strcmp(name, "process") == 0) {
			cr_assert_neq(s->slot[w].pid, getpid(), "process worker %d ran in the parent", w);
			for (int v = 0; v < w; v++)
				cr_assert_neq(s->slot[w].pid, s->slot[v].pid, "workers %d and %d share a process", v, w);
		} else {
			cr_assert_eq(s->slot[w].pid, getpid(), "%s worker %d ran in another process", name, w);
		}
	}
	count_workload.teardown(&job);
}

static const int worker_counts[] = { 1, 2, 7, 64 };

/* W=1000 at P=0.9: every phase has serial and parallel work, uneven shares.
 * W=50 at P=0.5: with N=64 most workers get no unit at all, and still run once. */
static void check_backend(const char *name)
{
	for (size_t i = 0; i < sizeof(worker_counts) / sizeof(worker_counts[0]); i++)
		for (int phases = 1; phases <= 3; phases += 2) {
			check_split(name, 0.9, 1000, phases, SCALING_STRONG, worker_counts[i]);
			check_split(name, 0.5, 50, phases, SCALING_STRONG, worker_counts[i]);
		}
	check_split(name, 0.8, 1000, 3, SCALING_WEAK, 7);
	check_split(name, 1.0, 1001, 1, SCALING_STRONG, 7);
}

Test(backends, registry_finds_the_core_backends)
{
	static const char *const names[] = { "thread", "process", "openmp" };

	for (size_t i = 0; i < 3; i++) {
		const struct backend *b = backend_find(names[i]);
		cr_assert_not_null(b, "%s", names[i]);
		cr_assert_str_eq(b->name, names[i]);
		cr_assert_null(b->unavailable, "%s: %s", names[i], b->unavailable);
	}
	cr_assert_null(backend_find("nosuch"));
	cr_assert_null(backend_find(""));
}

Test(backends, thread_splits_units_exactly, .timeout = 60)
{
	check_backend("thread");
}

Test(backends, process_splits_units_exactly, .timeout = 60)
{
	check_backend("process");
}

Test(backends, openmp_splits_units_exactly, .timeout = 60)
{
	check_backend("openmp");
}

Test(backends, repeated_runs_reuse_one_job, .timeout = 60)
{
	static const char *const names[] = { "thread", "process", "openmp" };

	for (size_t i = 0; i < 3; i++) {
		const struct backend *b = backend_find(names[i]);
		struct job job;
		struct count_state *s;

		job_for(&job, 0.9, 1000, 3, SCALING_STRONG, 7);
		s = job.state;
		for (int rep = 0; rep < 5; rep++)
			cr_assert_eq(run_once(b, &job, 7), 0, "%s rep %d: %s", names[i], rep, job.err);
		for (int w = 0; w < 7; w++)
			cr_assert_eq(s->slot[w].calls, 5 * 3, "%s worker %d: %d calls", names[i], w, s->slot[w].calls);
		cr_assert_eq(s->serial_calls, 5 * 3);
		count_workload.teardown(&job);
	}
}

Test(backends, process_reports_a_worker_that_exits, .timeout = 30)
{
	const struct backend *b = backend_find("process");
	struct job job;

	job_for(&job, 0.9, 1000, 3, SCALING_STRONG, 4);
	((struct count_state *)job.state)->die_worker = 2;
	cr_assert_eq(run_once(b, &job, 4), -1, "a dead worker went unnoticed");
	cr_assert(strstr(job.err, "worker process 2") && strstr(job.err, "exited with status 3"),
		  "message: '%s'", job.err);
	count_workload.teardown(&job);
}

/* ---- calibration ---- */

static void spin_job(struct job *job)
{
	job_init(job, workload_find("spin"), NULL, 1.0, 1, SCALING_STRONG, 1, 1);
	cr_assert_not_null(job->workload);
	cr_assert_eq(job->workload->setup(job), 0, "%s", job->err);
}

Test(calibrate, spin_rate_gives_the_asked_time, .timeout = 60)
{
	struct job job;
	double rate = 0, best = INFINITY;
	uint64_t w = 0;

	spin_job(&job);
	/* A busy machine can disturb one calibration: three tries, each checked in
	 * full; a calibration that is simply wrong fails all three. */
	for (int attempt = 0; attempt < 3; attempt++) {
		cr_assert_eq(calibrate_rate(&job, &rate), 0, "%s", job.err);
		cr_assert(rate > 0 && isfinite(rate), "rate %g", rate);
		w = calibrate_units(rate, 0.05);
		cr_assert_geq(w, 1);
		/* The fastest of three is the one the rest of the machine disturbed least. */
		best = INFINITY;
		for (int i = 0; i < 3; i++) {
			double t0 = clock_now();
			job.workload->parallel(&job, 0, 1, w);
			best = fmin(best, clock_now() - t0);
		}
		if (best > 0.3 * 0.05 && best < 3 * 0.05)
			break;
	}
	cr_assert(best > 0.3 * 0.05 && best < 3 * 0.05,
		  "%llu units at %.0f units/s took %.4f s, asked for 0.05 s", (unsigned long long)w, rate, best);
	job.workload->teardown(&job);
}

Test(calibrate, units_round_and_never_drop_to_zero)
{
	cr_assert_eq(calibrate_units(1000.0, 0.3), 300);
	cr_assert_eq(calibrate_units(1000.0, 0.0005), 1, "half a unit rounds to one, not zero");
	cr_assert_eq(calibrate_units(1e-9, 1.0), 1);
	cr_assert_eq(calibrate_units(3.0, 0.5), 2);
}

static void nothing_serial(struct job *job, uint64_t units)
{
	(void)job;
	(void)units;
}

static void nothing_parallel(struct job *job, int worker, int nworkers, uint64_t units)
{
	(void)job;
	(void)worker;
	(void)nworkers;
	(void)units;
}

static const struct workload nothing_workload = {
	.name = "nothing",
	.serial = nothing_serial,
	.parallel = nothing_parallel,
};

Test(calibrate, a_workload_without_work_is_refused, .timeout = 30)
{
	struct job job;
	double rate = -1;

	job_init(&job, &nothing_workload, NULL, 1.0, 1, SCALING_STRONG, 0, 1);
	cr_assert_eq(calibrate_rate(&job, &rate), -1, "rate %g for no work", rate);
	cr_assert(strstr(job.err, "'nothing'") && strstr(job.err, "no measurable work"), "%s", job.err);
}

/* ---- per-worker records (src/runtime/workrec.c) ---- */

/*
 * Every backend that runs workers of its own records each one's clock and
 * schedstat at its start and end, outside its work, when the job asks for
 * records: also the forked workers of the process backend, whose records come
 * back through the shared map. Under gil, threads that compute at the same
 * time must have waited for the GIL.
 */
Test(backends, every_worker_records_its_start_and_end, .timeout = 60)
{
	static const char *const names[] = { "thread", "process", "openmp", "gil", "green" };
	const int n = 3;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct backend *b = backend_find(names[i]);
		struct job job;
		struct timing t;
		double t0, t1, gil_wait = 0;

		cr_assert_not_null(b, "%s", names[i]);
		/* About 10 ms of spinning for each worker in each of two phases: the
		 * workers overlap, so under gil some must wait for the GIL. */
		job_init(&job, workload_find("spin"), NULL, 0.9, 2, SCALING_STRONG, 60000, n);
		cr_assert_eq(job.workload->setup(&job), 0, "%s", job.err);
		job.records = workrec_map(n);
		cr_assert_not_null(job.records);
		timing_init(&t);
		if (b->prepare)
			cr_assert_eq(b->prepare(job.workload, &job, n), 0);
		t0 = clock_now();
		cr_assert_eq(b->run(job.workload, &job, n, &t), 0, "%s: %s", names[i], job.err);
		t1 = clock_now();
		for (int w = 0; w < n; w++) {
			const struct worker_record *r = &job.records[w + 1];

			cr_assert(r->start_s >= t0 && r->start_s <= r->end_s && r->end_s <= t1,
				  "%s worker %d: start %.6f end %.6f, run %.6f .. %.6f", names[i], w, r->start_s,
				  r->end_s, t0, t1);
			cr_assert_gt(r->end.run_ns, r->start.run_ns, "%s worker %d: no CPU time between its records",
				     names[i], w);
			cr_assert_geq(r->end.wait_ns, r->start.wait_ns);
			gil_wait += r->gil_wait_s;
		}
		gil_wait += job.records[0].gil_wait_s;	/* the calling worker's */
		if (strcmp(names[i], "gil") == 0)
			cr_assert_gt(gil_wait, 0, "gil: no worker waited for the GIL");
		else
			cr_assert(isnan(gil_wait), "%s: a GIL wait without a GIL: %g", names[i], gil_wait);
		workrec_unmap(job.records, n);
		job.workload->teardown(&job);
	}
}
