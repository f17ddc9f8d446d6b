/*
 * Stress of B5 (src/b5/): many small orders with no pick or delivery time, so
 * the queues, the bike hand-offs and the accounting are hit as hard as they
 * can be, on every backend and in both wait modes, with plenty of workers
 * and scarce bikes, and with one of each. Every order must arrive exactly
 * once. Meant to pass under ThreadSanitizer as well (make test-tsan, or the
 * b5 suites alone in a build folder of their own; docs/readme/b5.md).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "cli.h"
#include "../src/b5/b5.h"

#define STRESS_ORDERS 3000

static void stress(const char *name, enum b5_wait wait, int pickers, int messengers, int bikes)
{
	const struct b5_backend *b = b5_backend_find(name);
	struct b5_config c = {
		.messengers = messengers, .pickers = pickers, .bikes = bikes, .orders = STRESS_ORDERS,
		.pick_s = 0, .deliver_s = 0, .wait = wait, .poll_s = 0,
	};
	struct b5_result r;
	char err[256];

	cr_assert(b, "%s", name);
	cr_assert_eq(b5_run(b, &c, &r, err, sizeof(err)), 0, "%s: %s", name, err);
	cr_expect_eq(r.delivered, STRESS_ORDERS, "%s P=%d M=%d B=%d: delivered %d", name, pickers, messengers,
		     bikes, r.delivered);
	cr_expect_eq(r.lost, 0, "%s", name);
	cr_expect_eq(r.duplicated, 0, "%s", name);
	cr_expect_eq(r.misrouted, 0, "%s", name);
}

static void stress_all(const char *name)
{
	stress(name, B5_WAIT_COND, 4, 8, 3);
	stress(name, B5_WAIT_COND, 1, 1, 1);
	stress(name, B5_WAIT_POLL, 3, 5, 2);
}

Test(b5_stress, thread_many_small_orders, .timeout = 60)
{
	stress_all("thread");
}

Test(b5_stress, gil_many_small_orders, .timeout = 60)
{
	stress_all("gil");
}

Test(b5_stress, green_many_small_orders, .timeout = 60)
{
	stress_all("green");
}

Test(b5_stress, process_many_small_orders, .timeout = 60)
{
	stress_all("process");
}

/* The same through the binary, which runs each pipeline in a forked child:
 * in a sanitizer build, its reports would land on stderr. */
Test(b5_stress, through_the_binary_with_no_sanitizer_report, .timeout = 60)
{
	struct cli_result r;
	const char *args[] = { "b5", "-b", "thread,gil,green,process", "--wait", "cond,poll", "--poll-ms", "0",
			       "--orders", "2000", "--pick-ms", "0", "--deliver-ms", "0", "-m", "8",
			       "--pickers", "4", "--bikes", "3", "--reps", "1", "-q", NULL };

	cli_run(&r, 55, args);
	cr_expect_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_expect_null(strstr(r.err, "Sanitizer"), "%s", r.err);
	cr_assert(r.out);
	{
		int rows = 0;
		for (const char *line = strchr(r.out, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
			rows++;
			cr_expect(strstr(line, ",2000,2000,0,0,"), "%.80s", line + 1);
		}
		cr_expect_eq(rows, 8);
	}
	cli_free(&r);
}
