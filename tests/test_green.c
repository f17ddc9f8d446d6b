/*
 * Tests of the green backend (src/backends/green.c): through the backend
 * directly, every unit runs exactly once and on the calling OS thread,
 * waits overlap (hundreds of greenlets sleep at once), a stack overflow hits
 * the guard page instead of another greenlet's stack, and the message
 * channel delivers every byte. Then the binary: spin gets no speedup and
 * sleep does.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "count.h"
#include "../src/api/backend.h"
#include "../src/api/params.h"

extern const struct backend backend_green;

/* Under a sanitizer every greenlet is also a fiber of its own (its shadow
 * state made, every switch announced): only "the waits overlap" is left. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define WAIT_400_MAX_S 1.5
#define SLEEP_S16_MIN 1.2
#else
#define WAIT_400_MAX_S 0.5
#define SLEEP_S16_MIN 5.0
#endif

struct count_state {
	struct count_core core;
	pid_t tid;			/* the thread that called run */
	int other_thread;		/* units seen on another thread */
	int wait_every;			/* every k-th unit waits wait_ns */
	uint64_t wait_ns;
	int recurse;			/* > 0: blow the stack */
};

static int deep(int depth)
{
	volatile char frame[1024];

	frame[0] = (char)depth;
	frame[1023] = frame[0];
	return depth > 0 ? deep(depth - 1) + frame[1023] : frame[0];
}

static void green_start(struct job *job, int worker)
{
	struct count_state *s = job->state;

	(void)worker;
	if (s->recurse)
		deep(s->recurse);
}

static void green_unit(struct job *job, int worker, uint64_t u)
{
	struct count_state *s = job->state;

	if (gettid() != s->tid)
		s->other_thread++;
	if (s->wait_every && (u + 1) % (uint64_t)s->wait_every == 0)
		job_wait(job, worker, s->wait_ns);
	job_tick(job, worker);
}

static struct count_state *state_new(void)
{
	struct count_state *s = calloc(1, sizeof(*s));

	s->core.start = green_start;
	s->core.unit = green_unit;
	s->tid = gettid();
	return s;
}

Test(green, exact_units_on_one_thread, .timeout = 60)
{
	struct count_state *s = state_new();
	struct params ps = { 0 };
	struct timing t;
	struct job job;
	int n = 7;

	s->wait_every = 97;
	s->wait_ns = 20000;
	count_job(&job, &count_workload, &ps, s, 0.8, 100003, n, 4);
	timing_init(&t);
	cr_assert_eq(backend_green.run(&count_workload, &job, n, &t), 0, "%s", job.err);
	count_check_exact(&job, &s->core, n);
	cr_assert_eq(s->other_thread, 0, "%d units ran on another OS thread", s->other_thread);
	cr_assert_null(job.hooks.wait, "hooks left installed after the run");
	/* A second run on the same job starts from a clean hub. */
	memset(s->core.units, 0, sizeof(s->core.units));
	cr_assert_eq(backend_green.run(&count_workload, &job, n, &t), 0, "%s", job.err);
	count_check_exact(&job, &s->core, n);
	free(s);
}

Test(green, hundreds_of_greenlets_wait_at_once, .timeout = 60)
{
	struct count_state *s = state_new();
	struct params ps = { 0 };
	struct timing t;
	struct job job;
	int n = 400;
	double t0, wall;

	s->wait_every = 1;
	s->wait_ns = 2000000;	/* 2 ms each: 400 x 3 units = 2.4 s one after another */
	count_job(&job, &count_workload, &ps, s, 1.0, 3 * (uint64_t)n, n, 1);
	timing_init(&t);
	t0 = count_now();
	cr_assert_eq(backend_green.run(&count_workload, &job, n, &t), 0, "%s", job.err);
	wall = count_now() - t0;
	count_check_exact(&job, &s->core, n);
	cr_assert_eq(s->other_thread, 0);
	/* All sleep together: about 6 ms; 0.5 s is a very wide bound (one after
	 * another they would take 2.4 s). */
	cr_assert_lt(wall, WAIT_400_MAX_S, "400 greenlets took %.3f s to wait 3 x 2 ms each", wall);
	free(s);
}

Test(green, stack_overflow_hits_the_guard_page, .timeout = 60)
{
	pid_t pid = fork();
	int status;

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct count_state *s = state_new();
		struct params ps = { 0 };
		struct timing t;
		struct job job;

		s->recurse = 4096;	/* 4 MiB of frames on a 256 KiB stack */
		count_job(&job, &count_workload, &ps, s, 1.0, 2, 2, 1);
		timing_init(&t);
		signal(SIGSEGV, SIG_DFL);
		backend_green.run(&count_workload, &job, 2, &t);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
		  "an overflowing greenlet did not die of SIGSEGV (status 0x%x)", status);
}

Test(green, message_channel_delivers_every_byte, .timeout = 60)
{
	static const char *const sizes[] = { "1", "4096", "4097", "100000" };
	const struct workload *w = workload_find("message");

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct params ps = { 0 };
		struct timing t;
		struct job job;

		params_set(&ps, "bytes", sizes[i]);
		count_job(&job, w, &ps, NULL, 0.7, 500, 5, 2);
		cr_assert_eq(w->setup(&job), 0, "%s", job.err);
		timing_init(&t);
		cr_assert_eq(backend_green.run(w, &job, 5, &t), 0, "--bytes %s: %s", sizes[i], job.err);
		t.wall_s = 1.0;	/* the sweep's clock: the gbps column is bytes per second of it */
		w->report(&job, &t);
		cr_assert_float_eq(timing_get(&t, "gbps") * 1e9, 500.0 * strtod(sizes[i], NULL), 0.5);
		w->teardown(&job);
	}
}

Test(green, refuses_only_what_it_cannot_run)
{
	const struct workload external = { .name = "x", .needs = WORKLOAD_EXTERNAL };

	cr_assert_null(backend_green.refuse(workload_find("message")));
	cr_assert_null(backend_green.refuse(workload_find("sleep")));
	cr_assert_not_null(backend_green.refuse(&external));
}

Test(green, cli_spin_no_speedup_sleep_scales, .timeout = 60)
{
	const char *spin[] = { "run", "-b", "green", "-w", "spin", "-P", "1", "-N", "1,2", "--reps", "3",
			       "--work", "0.1", "-q", NULL };
	const char *sleep[] = { "run", "-b", "green", "-w", "sleep", "-P", "1", "-N", "1,16", "--reps", "3",
				"--work", "0.2", "-q", NULL };
	struct cli_result r;
	double s;

	cli_run(&r, 50, spin);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	s = cli_median_speedup(r.out, "green", "spin", 2);
	cr_assert_lt(s, 1.3, "green spin S(2) = %.2f: greenlets computed in parallel?", s);
	cli_free(&r);
	cli_run(&r, 50, sleep);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	s = cli_median_speedup(r.out, "green", "sleep", 16);
	cr_assert_gt(s, SLEEP_S16_MIN, "green sleep S(16) = %.2f: greenlets did not wait together", s);
	cli_free(&r);
}
