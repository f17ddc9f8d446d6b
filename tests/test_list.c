/*
 * Tests of the N and P list parser (src/base/list.c).
 */
#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

#include "../src/base/list.h"

static struct int_list n_ok(const char *s)
{
	struct int_list l;
	char err[256];

	cr_assert_eq(list_parse_n(s, LIST_N_MAX, &l, err, sizeof(err)), 0, "'%s': %s", s, err);
	return l;
}

static void n_bad(const char *s, const char *needle)
{
	struct int_list l;
	char err[256] = "";

	cr_assert_eq(list_parse_n(s, LIST_N_MAX, &l, err, sizeof(err)), -1, "'%s' accepted", s);
	cr_assert(strstr(err, needle), "'%s': message '%s' lacks '%s'", s, err, needle);
}

Test(list, commas_keep_order_and_drop_duplicates)
{
	struct int_list l = n_ok("4,1,2,4");

	cr_assert_eq(l.len, 3);
	cr_assert_eq(l.v[0], 4);
	cr_assert_eq(l.v[1], 1);
	cr_assert_eq(l.v[2], 2);
	list_free_n(&l);
}

Test(list, range_is_inclusive)
{
	struct int_list l = n_ok("1-8");

	cr_assert_eq(l.len, 8);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(l.v[i], i + 1);
	list_free_n(&l);
}

Test(list, doubling_ends_on_the_upper_bound)
{
	static const int want[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 320 };
	struct int_list l = n_ok("1..320:x2");

	cr_assert_eq(l.len, 10);
	for (int i = 0; i < 10; i++)
		cr_assert_eq(l.v[i], want[i]);
	list_free_n(&l);
}

Test(list, arithmetic_step)
{
	struct int_list l = n_ok("4..16:+4");

	cr_assert_eq(l.len, 4);
	cr_assert_eq(l.v[3], 16);
	list_free_n(&l);
}

Test(list, bad_worker_counts_are_errors)
{
	n_bad("0", "'0'");
	n_bad("1,,x", "''");
	n_bad("8-2", "backwards");
	n_bad("abc", "'abc'");
	n_bad("100000000", "'100000000'");
	n_bad("-3", "'-3'");
	n_bad("1..8:x1", "step");
	n_bad("2.5", "'2.5'");
	n_bad("", "empty");
}

Test(list, limit_is_enforced)
{
	struct int_list l;
	char err[256];

	cr_assert_eq(list_parse_n("64", 32, &l, err, sizeof(err)), -1);
	cr_assert_eq(list_parse_n("32", 32, &l, err, sizeof(err)), 0);
	list_free_n(&l);
}

Test(list, ensure_one_goes_first)
{
	struct int_list l = n_ok("2,4");

	list_ensure_n(&l, 1);
	cr_assert_eq(l.len, 3);
	cr_assert_eq(l.v[0], 1);
	list_ensure_n(&l, 1);
	cr_assert_eq(l.len, 3);
	list_free_n(&l);
}

Test(list, p_values_and_steps)
{
	struct dbl_list l;
	char err[256];

	cr_assert_eq(list_parse_p("0,0.5,1", &l, err, sizeof(err)), 0);
	cr_assert_eq(l.len, 3);
	cr_assert_float_eq(l.v[2], 1.0, 1e-12);
	list_free_p(&l);
	cr_assert_eq(list_parse_p("0.1..0.9:+0.1", &l, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(l.len, 9);
	cr_assert_float_eq(l.v[8], 0.9, 1e-9);
	list_free_p(&l);
}

Test(list, bad_p_values_are_errors)
{
	static const char *const bad[] = { "1.5", "abc", "nan", "-0.1", "inf", "0.5,", "0.9..0.1:+0.1", "" };
	struct dbl_list l;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(list_parse_p(bad[i], &l, err, sizeof(err)), -1, "'%s' accepted", bad[i]);
}

/* Issue 12: a step so small that the list never ends, or that overflows the
 * count into a silent P = 1, is refused at once, naming the limit. */
Test(list, tiny_steps_are_refused_naming_the_limit, .timeout = 10)
{
	static const char *const bad[] = { "0..1:+1e-13", "0..1:+1e-300", "0..1:+1e-9", "0..1:+1e-5" };
	struct dbl_list l;
	struct int_list n;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(list_parse_p(bad[i], &l, err, sizeof(err)), -1, "'%s' accepted (%zu values)", bad[i], l.len);
		cr_assert(strstr(err, "at most 100000"), "'%s': %s", bad[i], err);
	}
	cr_assert_eq(list_parse_n("1..4096:+1,1-4096", LIST_N_MAX, &n, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(n.len, 4096);
	list_free_n(&n);
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Duplicates are dropped by sorting: a list of almost 100000 values takes a
 * few hundredths of a second (the quadratic scan took seconds). */
Test(list, long_lists_are_deduplicated_in_n_log_n, .timeout = 30)
{
	struct dbl_list l;
	char err[256];
	double t0 = seconds(), t;

	cr_assert_eq(list_parse_p("0..1:+1.00002e-5", &l, err, sizeof(err)), 0, "%s", err);
	t = seconds() - t0;
	cr_assert_gt(l.len, 99990);
	cr_assert_lt(t, 1.5, "%zu values took %.2f s", l.len, t);
	list_free_p(&l);
}

Test(list, duplicates_keep_the_first_place)
{
	struct dbl_list p;
	struct int_list n = n_ok("4,1-3,2,4..8:x2");
	char err[256];

	cr_assert_eq(n.len, 5);
	cr_assert_eq(n.v[0], 4);
	cr_assert_eq(n.v[1], 1);
	cr_assert_eq(n.v[3], 3);
	cr_assert_eq(n.v[4], 8);
	list_free_n(&n);
	cr_assert_eq(list_parse_p("0.9,0.5,0.9,0.5..0.7:+0.1,0.6000000000001", &p, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(p.len, 4);
	cr_assert_float_eq(p.v[0], 0.9, 1e-12);
	cr_assert_float_eq(p.v[1], 0.5, 1e-12);
	cr_assert_float_eq(p.v[2], 0.6, 1e-12);
	cr_assert_float_eq(p.v[3], 0.7, 1e-12);
	list_free_p(&p);
}
