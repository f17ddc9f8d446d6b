/*
 * Tests of B5 (src/b5/): the pipeline's law (b5_bound), the exactly-once
 * accounting on hand-made counts, the check of a configuration, the CSV row,
 * and every backend running the pipeline in this process: each order
 * delivered exactly once in both wait modes, and an injected loss or
 * duplicate counted, never hidden.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/b5/b5.h"
#include "../src/results/b5_csv.h"
#include "../src/b5/pipeline.h"

/* The columns the issue asks for, first and in this order. */
#define B5_PREFIX "backend,messengers,pickers,bikes,orders,delivered,lost,duplicated,wall_s,cpu_s,throughput,bound,"

static const char *const all_backends[] = { "thread", "gil", "green", "process" };

static struct b5_config talk(int messengers)
{
	return (struct b5_config){
		.messengers = messengers, .pickers = 3, .bikes = 15, .orders = 30,
		.pick_s = 0.005, .deliver_s = 0.010, .wait = B5_WAIT_COND, .poll_s = 0.001,
	};
}

Test(b5, bound_is_the_slowest_stage)
{
	struct b5_config c = talk(1);
	struct b5_bound b;

	/* M = 1: one messenger delivers 100 orders/s; pickers 600, bikes 1000. */
	b5_bound(&c, &b);
	cr_expect_float_eq(b.rate, 100.0, 1e-9);
	cr_expect_str_eq(b.bottleneck, "messengers");
	cr_expect_float_eq(b.wall_min_s, 0.005 + 30 * 0.010, 1e-12);
	/* M = 16: the three pickers are the bottleneck at 3/0.005 = 600/s. */
	c = talk(16);
	b5_bound(&c, &b);
	cr_expect_float_eq(b.rate, 600.0, 1e-9);
	cr_expect_str_eq(b.bottleneck, "pickers");
	cr_expect_float_eq(b.wall_min_s, 10 * 0.005 + 0.010, 1e-12);
	/* Few bikes: each is out for a pick and a delivery, 15 ms a round trip. */
	c = talk(16);
	c.bikes = 3;
	b5_bound(&c, &b);
	cr_expect_float_eq(b.rate, 3 / 0.015, 1e-9);
	cr_expect_str_eq(b.bottleneck, "bikes");
	cr_expect_float_eq(b.wall_min_s, 10 * 0.015, 1e-12);
}

Test(b5, bound_wall_covers_fill_and_drain)
{
	struct b5_config c = talk(16);
	struct b5_bound b;

	/* One order: nothing to overlap, a pick then a delivery. */
	c.orders = 1;
	b5_bound(&c, &b);
	cr_expect_float_eq(b.wall_min_s, 0.015, 1e-12);
	/* The steady state alone would say orders/rate; the whole run needs more,
	 * and never more than orders/rate + p + d. */
	for (int n = 1; n <= 200; n += 7) {
		for (int m = 1; m <= 32; m *= 2) {
			c = talk(m);
			c.orders = n;
			b5_bound(&c, &b);
			cr_expect_geq(b.wall_min_s, n / b.rate - 1e-12, "n=%d m=%d", n, m);
			cr_expect_leq(b.wall_min_s, n / b.rate + c.pick_s + c.deliver_s + 1e-12, "n=%d m=%d", n, m);
		}
	}
}

Test(b5, bound_of_free_stages_is_infinite)
{
	struct b5_config c = talk(4);
	struct b5_bound b;

	c.pick_s = c.deliver_s = 0;
	b5_bound(&c, &b);
	cr_expect(isinf(b.rate));
	cr_expect_str_eq(b.bottleneck, "none");
	cr_expect_float_eq(b.wall_min_s, 0, 1e-12);
	/* Free picking: messengers and bikes still limit. */
	c = talk(4);
	c.pick_s = 0;
	b5_bound(&c, &b);
	cr_expect_float_eq(b.rate, 400.0, 1e-9);
	cr_expect_str_eq(b.bottleneck, "messengers");
}

Test(b5, accounting_counts_lost_duplicated_and_misrouted)
{
	struct b5_config c = talk(2);
	struct b5_shared *sh;
	struct b5_result r;

	c.orders = 6;
	c.bikes = 3;
	sh = calloc(1, b5_shared_bytes(&c));
	cr_assert(sh);
	b5_shared_init(sh, &c);
	/* Orders 0..5 delivered 1, 0, 2, 3, 1, 0 times; bike 1 never came back. */
	sh->counts[0] = 1;
	sh->counts[2] = 2;
	sh->counts[3] = 3;
	sh->counts[4] = 1;
	sh->counts[c.orders + 1] = 1;
	sh->misrouted = 2;
	memset(&r, 0, sizeof(r));
	r.ok = 1;
	b5_account(sh, &r);
	cr_expect_eq(r.delivered, 4);
	cr_expect_eq(r.lost, 2);
	cr_expect_eq(r.duplicated, 3);
	cr_expect_eq(r.misrouted, 3);
	cr_expect_not(b5_result_exact(&r));
	/* Exactly once everywhere, every bike home. */
	b5_shared_init(sh, &c);
	for (int o = 0; o < c.orders; o++)
		sh->counts[o] = 1;
	b5_account(sh, &r);
	cr_expect_eq(r.delivered, 6);
	cr_expect_eq(r.lost + r.duplicated + r.misrouted, 0);
	cr_expect(b5_result_exact(&r));
	r.ok = 0;
	cr_expect_not(b5_result_exact(&r), "a run that did not finish is never exact");
	free(sh);
}

Test(b5, config_check_names_the_bad_value)
{
	struct b5_config c = talk(4);
	char err[256];

	cr_expect_eq(b5_config_check(&c, err, sizeof(err)), 0);
	c.messengers = 0;
	cr_expect_eq(b5_config_check(&c, err, sizeof(err)), -1);
	cr_expect(strstr(err, "messengers"), "%s", err);
	c = talk(4);
	c.bikes = B5_WORKERS_MAX + 1;
	cr_expect_eq(b5_config_check(&c, err, sizeof(err)), -1);
	cr_expect(strstr(err, "bikes"), "%s", err);
	c = talk(4);
	c.pick_s = NAN;
	cr_expect_eq(b5_config_check(&c, err, sizeof(err)), -1);
	c = talk(4);
	c.poll_s = -1;
	cr_expect_eq(b5_config_check(&c, err, sizeof(err)), -1);
}

Test(b5, registry_has_the_four_backends)
{
	for (size_t i = 0; i < sizeof(all_backends) / sizeof(all_backends[0]); i++)
		cr_expect(b5_backend_find(all_backends[i]), "%s", all_backends[i]);
	cr_expect_null(b5_backend_find("openmp"));
}

Test(b5, csv_row_has_the_header_columns)
{
	struct b5_config c = talk(16);
	struct b5_result r = { .ok = 1, .delivered = 30, .wall_s = 0.0625, .cpu_s = 0.001 };
	char *buf = NULL, *line2;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	int commas_h = 0, commas_r = 0;

	cr_assert(fp);
	cr_assert_eq(b5_csv_write_header(fp), 0);
	cr_assert_eq(b5_csv_write_row(fp, "green", 2, &c, &r), 0);
	fclose(fp);
	cr_assert(strncmp(buf, B5_PREFIX, strlen(B5_PREFIX)) == 0, "%s", buf);
	line2 = strchr(buf, '\n') + 1;
	for (char *p = buf; p < line2; p++)
		commas_h += *p == ',';
	for (char *p = line2; *p; p++)
		commas_r += *p == ',';
	cr_expect_eq(commas_r, commas_h);
	/* 30 orders in 62.5 ms: 480 orders/s against a bound of 600; cond has no poll_ms. */
	cr_expect(strstr(line2, "green,16,3,15,30,30,0,0,0.0625,0.001,480,600,cond,2,5,10,,pickers,0.06,0.96,0"),
		  "%s", line2);
	free(buf);
}

/* Run one backend in this process and expect every order exactly once. */
static void expect_exact(const char *name, struct b5_config c)
{
	const struct b5_backend *b = b5_backend_find(name);
	struct b5_result r;
	char err[256];

	cr_assert(b, "%s", name);
	cr_assert_eq(b5_run(b, &c, &r, err, sizeof(err)), 0, "%s: %s", name, err);
	cr_expect(r.ok);
	cr_expect_eq(r.delivered, c.orders, "%s: delivered %d of %d", name, r.delivered, c.orders);
	cr_expect_eq(r.lost, 0, "%s", name);
	cr_expect_eq(r.duplicated, 0, "%s", name);
	cr_expect_eq(r.misrouted, 0, "%s", name);
	cr_expect_gt(r.wall_s, 0, "%s", name);
	cr_expect_geq(r.cpu_s, 0, "%s", name);
}

Test(b5, every_backend_delivers_each_order_once, .timeout = 60)
{
	for (size_t i = 0; i < 4; i++) {
		struct b5_config c = talk(4);
		c.pick_s = 0.001;
		c.deliver_s = 0.002;
		expect_exact(all_backends[i], c);
		c.wait = B5_WAIT_POLL;
		expect_exact(all_backends[i], c);
	}
}

Test(b5, a_wall_never_beats_the_law, .timeout = 60)
{
	/* The least wall is a real lower bound: sleeps only ever last longer. */
	for (size_t i = 0; i < 4; i++) {
		struct b5_config c = talk(2);
		struct b5_result r;
		struct b5_bound b;
		char err[256];

		c.orders = 12;
		b5_bound(&c, &b);
		cr_assert_eq(b5_run(b5_backend_find(all_backends[i]), &c, &r, err, sizeof(err)), 0, "%s", err);
		cr_expect_geq(r.wall_s, b.wall_min_s * 0.999, "%s: %g < %g", all_backends[i], r.wall_s, b.wall_min_s);
	}
}

Test(b5, injected_loss_and_duplicate_are_counted, .timeout = 60)
{
	for (size_t i = 0; i < 4; i++) {
		const struct b5_backend *b = b5_backend_find(all_backends[i]);
		struct b5_config c = talk(4);
		struct b5_result r;
		char err[256];

		c.pick_s = c.deliver_s = 0.0005;
		c.fault = B5_FAULT_LOSE;
		cr_assert_eq(b5_run(b, &c, &r, err, sizeof(err)), 0, "%s", err);
		cr_expect_eq(r.lost, 1, "%s", b->name);
		cr_expect_eq(r.delivered, c.orders - 1, "%s", b->name);
		cr_expect_not(b5_result_exact(&r));
		c.fault = B5_FAULT_DUPLICATE;
		cr_assert_eq(b5_run(b, &c, &r, err, sizeof(err)), 0, "%s", err);
		cr_expect_eq(r.duplicated, 1, "%s", b->name);
		cr_expect_eq(r.lost, 0, "%s", b->name);
		cr_expect_not(b5_result_exact(&r));
	}
}

Test(b5, process_backend_reports_a_dead_worker, .timeout = 30)
{
	struct b5_config c = talk(4);
	struct b5_result r;
	char err[256];

	c.fault = B5_FAULT_CRASH;
	cr_expect_eq(b5_run(b5_backend_find("process"), &c, &r, err, sizeof(err)), -1);
	cr_expect_not(r.ok);
	cr_expect(strstr(err, "worker process") && strstr(err, "status 3"), "%s", err);
}
