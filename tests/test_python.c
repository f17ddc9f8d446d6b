/*
 * Tests of the talk's Python programs (examples/python), run the way a reader
 * runs them: through `amdahl run --cmd` where they are swept over N, directly
 * otherwise. They check what each program is there to teach: CPU-bound threads
 * get no speedup under the GIL and processes do, I/O-bound threads, greenlets and
 * tasks overlap their waits, the bank account loses deposits without a lock and
 * none with one, B5 delivers every order exactly once, and a CPU-bound thread
 * delays an I/O-bound one by a switch interval per operation (the convoy).
 *
 * The interpreter is $PYTHON (make passes it; default /usr/bin/python3, Debian's,
 * which has python3-gevent). Without it, or without gevent for the gevent
 * programs, a test is skipped with a message naming what to install. Work is
 * small and bounds are wide ratios: the whole file takes about 10 s.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* The interpreter the tests run. */
static const char *python(void)
{
	const char *p = getenv("PYTHON");

	return p && *p ? p : "/usr/bin/python3";
}

/* Skip the test unless the interpreter is there (and imports gevent, if asked). */
static void need_python(int gevent)
{
	char script[1024];
	struct cli_result r;

	if (access(python(), X_OK) != 0)
		cr_skip_test("no Python at '%s': apt-get install python3 (make deps-python), or set PYTHON",
			     python());
	if (!gevent)
		return;
	snprintf(script, sizeof(script), "'%s' -c 'import gevent'", python());
	cli_sh(&r, 30, script);
	cli_free(&r);
	if (r.status != 0)
		cr_skip_test("'%s' cannot import gevent: apt-get install python3-gevent (make deps-python)",
			     python());
}

/*
 * The median S(n) of `python examples/python/PROG ARGS` run by amdahl over
 * N = 1,n (ARGS holds {N}); the run must succeed.
 */
static double speedup_of(const char *prog, const char *args, int n)
{
	char cmd[2048], nlist[32];
	struct cli_result r;
	double s;

	snprintf(cmd, sizeof(cmd), "'%s' '%s/examples/python/%s' %s", python(), cli_root(), prog, args);
	snprintf(nlist, sizeof(nlist), "1,%d", n);
	const char *argv[] = { "run", "--cmd", cmd, "-N", nlist, "--reps", "3", "-q", NULL };
	cli_run(&r, 60, argv);
	cr_assert_eq(r.status, 0, "%s: exit %d: %s", prog, r.status, r.err);
	s = cli_median_speedup(r.out, "cmd", NULL, n);
	cli_free(&r);
	cr_assert(!isnan(s), "%s: no speedup at N = %d", prog, n);
	return s;
}

/*
 * speedup_of, measured once more when S(n) misses the bound (above: a floor,
 * else a ceiling): on a shared box one disturbed N = 1 or N = n run can move
 * a median of three either way.
 */
static double speedup_near(const char *prog, const char *args, int n, double bound, int above)
{
	double s = speedup_of(prog, args, n);

	if (above ? !(s > bound) : !(s < bound))
		s = speedup_of(prog, args, n);
	return s;
}

/* Run `python examples/python/PROG ARGS` directly; r holds its output. */
static void run_example(struct cli_result *r, const char *prog, const char *args)
{
	char script[2048];

	snprintf(script, sizeof(script), "'%s' '%s/examples/python/%s' %s", python(), cli_root(), prog, args);
	cli_sh(r, 60, script);
}

Test(python, cpu_threads_share_one_gil, .timeout = 120)
{
	double s;

	need_python(0);
	s = speedup_near("cpu_threads.py", "{N} 3000000", 2, 1.3, 0);
	cr_assert_lt(s, 1.3, "CPU-bound threads S(2) = %.2f: two threads computed at once under the GIL", s);
}

Test(python, cpu_processes_use_both_cores, .timeout = 120)
{
	double s;

	need_python(0);
	if (cli_usable_cpus() < 2)
		cr_skip_test("one usable CPU: processes have no second core to use");
	s = speedup_near("cpu_processes.py", "{N} 3000000", 2, 1.5, 1);
	if (!(s > 1.5) && cli_busy_machine())
		cr_skip_test("processes S(2) = %.2f, but the load average says two cores were not free", s);
	cr_assert_gt(s, 1.5, "CPU-bound processes S(2) = %.2f", s);
}

Test(python, cpu_asyncio_tasks_run_one_at_a_time, .timeout = 120)
{
	double s;

	need_python(0);
	s = speedup_near("cpu_asyncio.py", "{N} 1500000", 2, 1.3, 0);
	cr_assert_lt(s, 1.3, "CPU-bound asyncio tasks S(2) = %.2f", s);
}

Test(python, cpu_greenlets_run_one_at_a_time, .timeout = 120)
{
	double s;

	need_python(1);
	s = speedup_near("cpu_gevent.py", "{N} 1500000", 2, 1.3, 0);
	cr_assert_lt(s, 1.3, "CPU-bound greenlets S(2) = %.2f", s);
}

/* 400 waits of 1 ms over 8 workers overlap: S(8) > 3 (5 to 7 with the interpreter's
 * start-up, which asyncio and gevent make 30-100 ms). */
Test(python, io_waits_overlap_on_threads_and_tasks, .timeout = 120)
{
	double s;

	need_python(0);
	s = speedup_near("io_threads.py", "{N} 400 1", 8, 3, 1);
	cr_assert_gt(s, 3, "I/O-bound threads S(8) = %.2f", s);
	s = speedup_near("io_asyncio.py", "{N} 400 1", 8, 3, 1);
	cr_assert_gt(s, 3, "I/O-bound asyncio tasks S(8) = %.2f", s);
}

Test(python, io_waits_overlap_on_greenlets, .timeout = 120)
{
	double s;

	need_python(1);
	s = speedup_near("io_gevent.py", "{N} 400 1", 8, 3, 1);
	cr_assert_gt(s, 3, "I/O-bound greenlets S(8) = %.2f", s);
}

Test(python, race_loses_deposits_only_without_a_lock, .timeout = 60)
{
	long total, nolock, lost, locked, locked_lost, lost_any = 0;
	struct cli_result r;

	need_python(0);
	/* Where the switch lands is up to the interpreter: three tries to lose one. */
	for (int attempt = 0; attempt < 3 && !lost_any; attempt++) {
		run_example(&r, "race.py", "4 80000");
		cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
		cr_assert_eq(sscanf(r.out, "race: 4 tellers, %ld deposits: no lock %*d -> %ld (%ld lost) in %*f s; Lock %*d -> %ld (%ld lost)",
				    &total, &nolock, &lost, &locked, &locked_lost), 5, "%s", r.out);
		cli_free(&r);
		cr_assert_eq(total, 80000);
		cr_assert_eq(nolock + lost, total, "the no-lock line does not add up");
		cr_assert_eq(locked, total, "deposits lost under a Lock: %ld", locked_lost);
		cr_assert_eq(locked_lost, 0);
		lost_any = lost;
	}
	cr_assert_gt(lost_any, 0, "three runs without a lock lost no deposit");
}

Test(python, b5_delivers_every_order_exactly_once, .timeout = 60)
{
	struct cli_result r;

	need_python(0);
	run_example(&r, "b5.py", "4 60 --pickers 2 --bikes 3 --pick-ms 1 --deliver-ms 2");
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.out, "b5: 60 orders delivered exactly once by 4 messengers, 2 pickers, 3 bikes"),
		  "%s", r.out);
	cli_free(&r);
	run_example(&r, "b5.py", "16 200 --pick-ms 0 --deliver-ms 0");
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.out, "200 orders delivered exactly once"), "%s", r.out);
	cli_free(&r);
}

/* Each short operation beside a CPU-bound thread waits for the GIL about one
 * switch interval (5 ms): far longer than it takes alone. On a busy box some
 * operations find the GIL free (the CPU-bound thread was not running when the
 * I/O thread came back), so the mean can fall; the bound is then skipped, as
 * the model's convoy test does. */
Test(python, convoy_costs_a_switch_interval_per_operation, .timeout = 60)
{
	double per_op[2] = { NAN, NAN }, slowdown = NAN;
	struct cli_result r;
	char *line, *save = NULL;
	int k, ops;

	need_python(0);
	run_example(&r, "convoy.py", "--ops 40 --io-us 100 --cpu-threads 1");
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_assert(strncmp(r.out, "mode,cpu_threads,io_ops,total_s,per_op_us,slowdown\n", 51) == 0, "%s", r.out);
	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		double total, us, slow;

		if (sscanf(line, "cpython-threads,%d,%d,%lf,%lf,%lf", &k, &ops, &total, &us, &slow) == 5) {
			cr_assert_eq(ops, 40);
			per_op[k ? 1 : 0] = us;
			if (k)
				slowdown = slow;
		}
	}
	cli_free(&r);
	cr_assert(per_op[0] >= 100 && per_op[0] < 3000, "alone: %.0f us an operation", per_op[0]);
	if (!(per_op[1] > 2500) && cli_busy_machine())
		cr_skip_test("beside a CPU-bound thread %.0f us an operation, but the load average says "
			     "the CPU-bound thread did not always run", per_op[1]);
	cr_assert_gt(per_op[1], 2500, "beside a CPU-bound thread: %.0f us an operation", per_op[1]);
	cr_assert_gt(slowdown, 3, "slowdown %.2f", slowdown);
}

Test(python, bad_arguments_exit_2_with_one_line, .timeout = 30)
{
	struct cli_result r;

	need_python(0);
	run_example(&r, "cpu_threads.py", "two 1000");
	cr_assert_eq(r.status, 2, "exit %d", r.status);
	cr_assert_eq(r.out[0], '\0', "output written: %s", r.out);
	cr_assert(strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "not one line: %s", r.err);
	cli_free(&r);
	run_example(&r, "io_threads.py", "0 10");
	cr_assert_eq(r.status, 2, "exit %d", r.status);
	cli_free(&r);
}
