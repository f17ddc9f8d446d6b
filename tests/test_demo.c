/*
 * Tests of `amdahl demo` (src/cmd/demo.c, src/demo/), run as a process: the
 * race loses deposits without a lock and none with any lock, the deadlock is
 * found with its cycle and the command returns in time, the locked print is
 * the sentence, and the convoy costs an I/O-bound thread about a switch
 * interval per operation under the GIL and next to nothing on plain threads. The race uses relaxed atomics for its racy get-update-store, so
 * it loses updates by design yet has no data race in C's sense: ThreadSanitizer
 * builds run it too.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The CSV row that starts with "name,", or NULL. */
static const char *row(const char *csv, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = csv; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, name, len) == 0 && p[len] == ',')
			return p;
	return NULL;
}

Test(demo, race_loses_deposits_only_without_a_lock, .timeout = 30)
{
	static const char *const locked[] = { "sync", "mutex", "spin", "atomic" };
	const char *args[] = { "demo", "race", "--format", "csv", NULL };
	struct cli_result r;

	cli_run(&r, 25, args);
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_assert(strncmp(r.out, "lock,threads,expected,actual,lost\n", 34) == 0, "%s", r.out);

	const char *none = row(r.out, "none");
	long expected, actual, lost;
	int threads;
	cr_assert_not_null(none, "%s", r.out);
	cr_assert_eq(sscanf(none, "none,%d,%ld,%ld,%ld", &threads, &expected, &actual, &lost), 4, "%s", none);
	cr_assert_eq(threads, 4);
	cr_assert_eq(expected, 4L * 200000);
	cr_assert_eq(actual + lost, expected);
	cr_assert_gt(lost, 0, "no deposit lost without a lock: %s", r.out);

	for (size_t i = 0; i < sizeof(locked) / sizeof(locked[0]); i++) {
		const char *p = row(r.out, locked[i]);
		char fmt[64];
		cr_assert_not_null(p, "no %s row: %s", locked[i], r.out);
		snprintf(fmt, sizeof(fmt), "%s,%%d,%%ld,%%ld,%%ld", locked[i]);
		cr_assert_eq(sscanf(p, fmt, &threads, &expected, &actual, &lost), 4, "%s", p);
		cr_assert_eq(lost, 0, "%s lost %ld deposits", locked[i], lost);
		cr_assert_eq(actual, expected);
	}
	cli_free(&r);
}

Test(demo, race_table_and_options, .timeout = 30)
{
	const char *args[] = { "demo", "race", "--threads", "2", "--iterations", "1000", NULL };
	struct cli_result r;

	cli_run(&r, 25, args);
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_assert(strstr(r.out, "lock "), "%s", r.out);
	/* Every locked variant: 2 x 1000 deposits, all there. */
	cr_assert(strstr(r.out, "mutex         2         2000         2000            0"), "%s", r.out);
	cr_assert_eq(r.err[0], '\0', "%s", r.err);
	cli_free(&r);
}

Test(demo, deadlock_is_found_with_its_cycle_and_fixed, .timeout = 30)
{
	const char *args[] = { "demo", "deadlock", NULL };
	struct cli_result r;

	cli_run(&r, 20, args);
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_assert(r.seconds <= 10, "took %.1f s", r.seconds);
	cr_assert(strstr(r.out, "deadlock: thread "), "%s", r.out);
	/* The cycle may be told from either thread: both edges must be there. */
	cr_assert(strstr(r.out, "thread 1 holds lock A and waits for lock B"), "%s", r.out);
	cr_assert(strstr(r.out, "thread 2 holds lock B and waits for lock A"), "%s", r.out);
	cr_assert(strstr(r.out, "fixed: one global lock order (A<B)"), "%s", r.out);
	cr_assert(strstr(r.out, "no deadlock\n"), "%s", r.out);
	cli_free(&r);
}

Test(demo, deadlock_ring_of_three_as_csv, .timeout = 30)
{
	const char *args[] = { "demo", "deadlock", "--threads", "3", "--timeout", "0.3",
			       "--format", "csv", NULL };
	struct cli_result r;
	int threads, deadlocked, victim, completed;
	double secs;

	cli_run(&r, 20, args);
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_assert(r.seconds <= 10, "took %.1f s", r.seconds);
	cr_assert(strncmp(r.out, "order,threads,deadlocked,seconds,victim,completed,cycle\n", 56) == 0, "%s", r.out);
	const char *ring = row(r.out, "ring"), *global = row(r.out, "global");
	cr_assert(ring && global, "%s", r.out);
	cr_assert_eq(sscanf(ring, "ring,%d,%d,%lf,%d,%d,", &threads, &deadlocked, &secs, &victim, &completed), 5);
	cr_assert_eq(threads, 3);
	cr_assert_eq(deadlocked, 1);
	cr_assert(secs >= 0.29 && secs < 10, "found after %g s", secs);
	cr_assert(victim >= 1 && victim <= 3);
	cr_assert_eq(completed, 2, "the victim backs off, the other two finish");
	cr_assert(strstr(ring, "thread 1 holds lock A and waits for lock B"), "%s", ring);
	cr_assert(strstr(ring, "thread 2 holds lock B and waits for lock C"), "%s", ring);
	cr_assert(strstr(ring, "thread 3 holds lock C and waits for lock A"), "%s", ring);
	cr_assert_eq(sscanf(global, "global,%d,%d,%lf,%d,%d,", &threads, &deadlocked, &secs, &victim, &completed), 5);
	cr_assert_eq(deadlocked, 0);
	cr_assert_eq(completed, 3);
	cli_free(&r);
}

/* Sorted words of a line, so two lines can be compared as bags of words. */
static void sorted_words(const char *line, char *out, size_t size)
{
	char copy[256], *words[16], *save = NULL;
	int n = 0;

	snprintf(copy, sizeof(copy), "%s", line);
	for (char *w = strtok_r(copy, " \n", &save); w && n < 16; w = strtok_r(NULL, " \n", &save))
		words[n++] = w;
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && strcmp(words[j - 1], words[j]) > 0; j--) {
			char *t = words[j];
			words[j] = words[j - 1];
			words[j - 1] = t;
		}
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		snprintf(out + strlen(out), size - strlen(out), "%s ", words[i]);
}

Test(demo, print_locked_line_is_the_sentence, .timeout = 30)
{
	const char *args[] = { "demo", "print", "--iterations", "3", "--format", "csv", NULL };
	struct cli_result r;
	char want[256], got[256];

	cli_run(&r, 20, args);
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_assert(strstr(r.out, "sync,1,1,Why it is tricky to use threads\n"), "%s", r.out);
	cr_assert(strstr(r.out, "sync,2,1,Why it is tricky to use threads\n"), "%s", r.out);
	cr_assert(strstr(r.out, "sync,3,1,Why it is tricky to use threads\n"), "%s", r.out);
	/* Without the lock the words may come in any order, but each comes once. */
	sorted_words("Why it is tricky to use threads", want, sizeof(want));
	for (const char *p = r.out; (p = strstr(p, "\nnone,")); p++) {
		const char *line = strchr(p + 6, ',');
		line = line ? strchr(line + 1, ',') : NULL;
		cr_assert_not_null(line, "%s", r.out);
		char text[256];
		snprintf(text, sizeof(text), "%.*s", (int)strcspn(line + 1, "\n"), line + 1);
		sorted_words(text, got, sizeof(got));
		cr_assert_str_eq(got, want, "words lost or doubled: '%s'", text);
	}

	const char *table[] = { "demo", "print", NULL };
	struct cli_result t;
	cli_run(&t, 20, table);
	cr_assert_eq(t.status, 0);
	cr_assert(strstr(t.out, "\nsync  Why it is tricky to use threads\n"), "%s", t.out);
	cli_free(&t);
	cli_free(&r);
}

static void usage_error(const char *const *args, const char *needle)
{
	struct cli_result r;

	cli_run(&r, 10, args);
	cr_assert_eq(r.status, 2, "%s: status %d", args[1] ? args[1] : "(none)", r.status);
	cr_assert(strstr(r.err, needle), "'%s' not in: %s", needle, r.err);
	cr_assert_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1, "more than one line: %s", r.err);
	cr_assert_eq(r.out[0], '\0', "wrote to stdout: %s", r.out);
	cli_free(&r);
}

/* A convoy row: mode at cpu_threads k, with io_ops = ops. */
struct convoy_row {
	double per_op_us, slowdown, gil_wait_us;
	int gil_waits;		/* -1: empty (no GIL) */
};

static struct convoy_row convoy_row(const char *csv, const char *mode, int k, int ops)
{
	for (const char *p = row(csv, mode); p; p = row(strchr(p, '\n') + 1, mode)) {
		struct convoy_row r = { .gil_waits = -1 };
		int kk, n, got;
		double total;

		got = sscanf(p + strlen(mode), ",%d,%d,%lf,%lf,%lf,%d,%lf", &kk, &n, &total, &r.per_op_us, &r.slowdown,
			     &r.gil_waits, &r.gil_wait_us);
		cr_assert(got == 5 || got == 7, "%s", p);
		if (kk == k) {
			cr_assert_eq(n, ops, "%s", p);
			return r;
		}
	}
	cr_assert_fail("no %s row at cpu_threads %d: %s", mode, k, csv);
	return (struct convoy_row){ 0 };
}

/*
 * The convoy effect of the new GIL (Beazley, PyCon 2010). A property of the
 * model first: beside one CPU-bound thread, which never drops the GIL unless
 * asked, and with the I/O thread the only one to ask, every operation that
 * found the GIL held waited at least one full switch interval for it. Then
 * the timing that follows: with a core for each thread, nearly every
 * operation finds the GIL held, so an operation lasts about an interval (the
 * bound is half of one); on plain threads the I/O thread waits for nobody.
 * Twice, at 5 and 20 ms: the cost follows the interval. On a busy machine a
 * CPU-bound thread that is not running lets operations find the GIL free:
 * the timing is then skipped, the property still holds.
 */
Test(demo, convoy_costs_an_interval_per_operation_under_the_gil, .timeout = 60)
{
	static const char *const intervals[] = { "5ms", "20ms" };
	int busy = 0;

	if (cli_usable_cpus() < 2)
		cr_skip_test("one usable CPU: the plain threads would share it");
	for (int i = 0; i < 2; i++) {
		const char *args[] = { "demo", "convoy", "--format", "csv", "--iterations", "20",
				       "--switch-interval", intervals[i], NULL };
		double interval_us = i ? 20000 : 5000;
		struct convoy_row alone, beside, plain;
		struct cli_result r;

		cli_run(&r, 50, args);
		cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
		cr_assert(strncmp(r.out, "mode,cpu_threads,io_ops,total_s,per_op_us,slowdown,", 51) == 0, "%s", r.out);
		alone = convoy_row(r.out, "gil", 0, 20);
		beside = convoy_row(r.out, "gil", 1, 20);
		cr_assert_geq(alone.per_op_us, 100, "an operation of 100 us took %.1f us", alone.per_op_us);
		cr_assert_eq(alone.gil_waits, 0, "alone, the I/O thread waited for the GIL");
		cr_assert_geq(beside.gil_waits, 1, "beside a CPU-bound thread, no operation found the GIL held");
		cr_assert_geq(beside.gil_wait_us, interval_us, "a wait for the GIL of %.1f us, interval %s",
			      beside.gil_wait_us, intervals[i]);
		plain = convoy_row(r.out, "thread", 1, 20);
		cr_assert_eq(plain.gil_waits, -1, "plain threads have no GIL to wait for");
		if (beside.per_op_us < 0.5 * interval_us || plain.slowdown >= 3)
			busy |= cli_busy_machine();
		if (!busy) {
			cr_assert_geq(beside.per_op_us, 0.5 * interval_us, "beside a CPU-bound thread: %.1f us an "
				      "operation, interval %s", beside.per_op_us, intervals[i]);
			cr_assert_lt(plain.slowdown, 3, "plain threads: slowdown %.2f", plain.slowdown);
		}
		cli_free(&r);
	}
	if (busy)
		cr_skip_test("the model's waits held; the timings were skipped: the load average says the CPUs "
			     "were not free");
}

Test(demo, bad_usage_is_exit_2_naming_the_value, .timeout = 30)
{
	usage_error((const char *[]){ "demo", NULL }, "which demo");
	usage_error((const char *[]){ "demo", "bogus", NULL }, "'bogus'");
	usage_error((const char *[]){ "demo", "race", "--threads", "0", NULL }, "'0'");
	usage_error((const char *[]){ "demo", "race", "--iterations", "1e3x", NULL }, "'1e3x'");
	usage_error((const char *[]){ "demo", "race", "--format", "json", NULL }, "'json'");
	usage_error((const char *[]){ "demo", "deadlock", "--timeout", "-1", NULL }, "'-1'");
	usage_error((const char *[]){ "demo", "deadlock", "--threads", "27", NULL }, "'27'");
	usage_error((const char *[]){ "demo", "print", "--threads", "3", NULL }, "'3'");
	usage_error((const char *[]){ "demo", "race", "extra", NULL }, "'extra'");
	usage_error((const char *[]){ "demo", "convoy", "--io-us", "0", NULL }, "'0'");
	usage_error((const char *[]){ "demo", "convoy", "--switch-interval", "0", NULL }, "'0'");
}

Test(demo, help_goes_to_stdout, .timeout = 30)
{
	const char *args[] = { "demo", "--help", NULL };
	struct cli_result r;

	cli_run(&r, 10, args);
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "usage: amdahl demo race|deadlock|print"), "%s", r.out);
	cli_free(&r);
}
