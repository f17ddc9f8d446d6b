/*
 * Tests of the speedup stack's accounting (src/models/explain.c) on records
 * made by hand: each part lands where docs/explain.md says, the parts of any
 * record add up to N*T (the books close by construction of the slots, so a
 * random record tests the formulas' algebra), and a missing record or a
 * program seen from outside leaves unknown parts NaN.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "../src/api/column.h"
#include "../src/models/explain.h"

static double sum_parts(const double *p)
{
	return explain_total(p);
}

/* N = 2 threads, P = 0.9 of 1 s of spin: 0.1 s serial, then 0.45 s each;
 * worker 1 starts 0.1 ms after worker 0 and runs 10 ms longer. */
static void two_workers(struct explain_rep *in, struct explain_worker *w)
{
	*in = (struct explain_rep){ .n = 2, .t0_s = 10.0, .t1_s = 10.5603, .serial_s = 0.1, .serial_run_s = 0.1,
				    .serial0_s = 0.1, .serial0_run_s = 0.1, .work_cpu_s = 1.0, .w = w };
	w[0] = (struct explain_worker){ .start_s = 10.1001, .end_s = 10.5501, .run_s = 0.45, .gil_s = NAN };
	w[1] = (struct explain_worker){ .start_s = 10.1002, .end_s = 10.5602, .run_s = 0.455, .wait_s = 0.005,
					.gil_s = NAN };
}

Test(explain, two_threads_land_where_they_should)
{
	struct explain_worker w[2];
	struct explain_rep in;
	double p[EXPLAIN_PARTS];

	two_workers(&in, w);
	cr_assert_eq(explain_rep(&in, p), 0);
	cr_assert_float_eq(p[EXPLAIN_USEFUL], 1.0, 1e-12);
	cr_assert_float_eq(p[EXPLAIN_SERIAL], 0.1, 1e-12, "one worker idle while the serial part runs");
	cr_assert_float_eq(p[EXPLAIN_SPAWN], 0.0001 + 0.0002 + 0.0001, 1e-9, "worker 0 also waits for worker 1's later start");
	cr_assert_float_eq(p[EXPLAIN_JOIN], 2 * 0.0001, 1e-9);
	/* Worker 1's span is 10 ms longer: 5 ms more CPU, 5 ms waiting for one. */
	cr_assert_float_eq(p[EXPLAIN_IMBALANCE], 0.005, 1e-9, "worker 0 waits 5 ms for worker 1's longer need");
	cr_assert_float_eq(p[EXPLAIN_STARVED], 0.005 + 0.005, 1e-9, "worker 1's wait, and worker 0's for it");
	cr_assert_float_eq(p[EXPLAIN_EXTRA], 0.005, 1e-9);
	cr_assert_float_eq(p[EXPLAIN_BLOCKED], 0.0, 1e-9);
	cr_assert(isnan(p[EXPLAIN_GIL]), "no GIL, no number");
	cr_assert(isnan(p[EXPLAIN_IDLE]), "idle is a program's part only");
	cr_assert_float_eq(sum_parts(p), 2 * 0.5603, 1e-9);
}

/* A fresh thread's wait before its first instruction is starvation, not spawning. */
Test(explain, a_fresh_threads_first_wait_is_starvation)
{
	struct explain_worker w[2];
	struct explain_rep in;
	double p[EXPLAIN_PARTS], spawn;

	two_workers(&in, w);
	explain_rep(&in, p);
	spawn = p[EXPLAIN_SPAWN];
	for (int i = 0; i < 2; i++) {	/* each waited 50 ms for a CPU before it ran */
		w[i].start_s += 0.05;
		w[i].end_s += 0.05;
		w[i].wait0_s = 0.05;
	}
	in.t1_s += 0.05;
	explain_rep(&in, p);
	cr_assert_float_eq(p[EXPLAIN_SPAWN], spawn, 1e-9);
	cr_assert_float_eq(p[EXPLAIN_STARVED], 0.11, 1e-9);
}

/* Workers of equal spans started one after another (fork after fork): the
 * first ones wait at the end for the later starts, which is spawning, not
 * imbalance. */
Test(explain, a_later_start_is_spawning_not_imbalance)
{
	struct explain_worker w[3];
	struct explain_rep in = { .n = 3, .t0_s = 0, .t1_s = 0.0301, .work_cpu_s = 0.03, .w = w };
	double p[EXPLAIN_PARTS];

	for (int i = 0; i < 3; i++)
		w[i] = (struct explain_worker){ .start_s = 0.01 * (i + 1), .end_s = 0.01 * (i + 2), .run_s = 0.01,
						.gil_s = NAN };
	cr_assert_eq(explain_rep(&in, p), 0);
	cr_assert_float_eq(p[EXPLAIN_IMBALANCE], 0.0, 1e-12);
	cr_assert_float_eq(p[EXPLAIN_SPAWN], (0.01 + 0.02 + 0.03) + (0.02 + 0.01), 1e-9);
	cr_assert_float_eq(sum_parts(p), 3 * 0.0301, 1e-9);
}

/* Four workers on two CPUs in two waves: each spins 10 ms, the first two
 * start 1 ms in, the last two 10 ms later; the record of the wave's delay
 * is left to the caller. */
static void two_waves(struct explain_rep *in, struct explain_worker *w)
{
	*in = (struct explain_rep){ .n = 4, .t0_s = 0, .t1_s = 0.0211, .work_cpu_s = 0.04, .w = w };
	for (int i = 0; i < 4; i++) {
		double late = i < 2 ? 0 : 0.01;

		w[i] = (struct explain_worker){ .start_s = 0.001 + late, .end_s = 0.011 + late, .run_s = 0.01,
						.gil_s = NAN };
	}
}

/* Run-to-completion scheduling (SCHED_FIFO, or a scheduler that lets a
 * running thread finish its slice): the first two run while the last two
 * wait for a CPU, then run. The first two wait at the end for the later
 * starts; the later starts were waits for a CPU, so that wait is
 * starvation too, not spawning. */
Test(explain, a_later_start_that_waited_for_a_cpu_is_starvation)
{
	struct explain_worker w[4];
	struct explain_rep in;
	double p[EXPLAIN_PARTS];

	two_waves(&in, w);
	w[2].wait0_s = w[3].wait0_s = 0.01;
	cr_assert_eq(explain_rep(&in, p), 0);
	cr_assert_float_eq(p[EXPLAIN_STARVED], 2 * 0.01 + 2 * 0.01, 1e-9, "the late two waited, the first two for them");
	cr_assert_float_eq(p[EXPLAIN_SPAWN], 4 * 0.001, 1e-9, "what is left of the starts is making the threads");
	cr_assert_float_eq(p[EXPLAIN_IMBALANCE], 0.0, 1e-9, "equal spans");
	cr_assert_float_eq(sum_parts(p), 4 * 0.0211, 1e-9);
	/* A later start that did not wait for a CPU stays spawning. */
	w[2].wait0_s = w[3].wait0_s = 0;
	cr_assert_eq(explain_rep(&in, p), 0);
	cr_assert_float_eq(p[EXPLAIN_STARVED], 0.0, 1e-9);
	cr_assert_float_eq(p[EXPLAIN_SPAWN], 4 * 0.001 + 2 * 0.01 + 2 * 0.01, 1e-9);
}

/* The maker waited for a CPU before it made the last two (the first two
 * spin on both CPUs): their later start, and the first two's wait at the
 * end for them, is starvation; a maker's wait longer than the delay it could
 * cause counts only as far as the delay. */
Test(explain, the_makers_wait_for_a_cpu_is_starvation)
{
	struct explain_worker w[4];
	struct explain_rep in;
	double p[EXPLAIN_PARTS];

	two_waves(&in, w);
	w[2].made_wait_s = w[3].made_wait_s = 0.01;
	cr_assert_eq(explain_rep(&in, p), 0);
	cr_assert_float_eq(p[EXPLAIN_STARVED], 2 * 0.01 + 2 * 0.01, 1e-9);
	cr_assert_float_eq(p[EXPLAIN_SPAWN], 4 * 0.001, 1e-9);
	cr_assert_float_eq(sum_parts(p), 4 * 0.0211, 1e-9);
	w[3].made_wait_s = 0.5;	/* read apart from the worker's clock: at most its delay, 11 ms */
	cr_assert_eq(explain_rep(&in, p), 0);
	cr_assert_float_eq(p[EXPLAIN_STARVED], 0.01 + 0.011 + 2 * 0.01, 1e-9);
	cr_assert_float_eq(p[EXPLAIN_SPAWN], 3 * 0.001, 1e-9);
	cr_assert_float_eq(sum_parts(p), 4 * 0.0211, 1e-9);
}

/* Off-CPU time of a worker beyond the work's own waits is blocked; the
 * GIL's wait is its own part, at most the worker's off-CPU time. */
Test(explain, blocked_and_the_gil)
{
	struct explain_worker w[2];
	struct explain_rep in;
	double p[EXPLAIN_PARTS];

	two_workers(&in, w);
	w[0].gil_s = w[1].gil_s = 0;
	w[0].run_s = 0.25;	/* 0.2 s of worker 0's span off a CPU */
	cr_assert_eq(explain_rep(&in, p), 0);
	cr_assert_float_eq(p[EXPLAIN_BLOCKED], 0.2, 1e-9);
	cr_assert_float_eq(p[EXPLAIN_GIL], 0.0, 1e-12);
	cr_assert_float_eq(p[EXPLAIN_EXTRA], 0.005 - 0.2, 1e-9, "less CPU than the work: negative extra");
	w[0].gil_s = 0.15;
	explain_rep(&in, p);
	cr_assert_float_eq(p[EXPLAIN_GIL], 0.15, 1e-9);
	cr_assert_float_eq(p[EXPLAIN_BLOCKED], 0.05, 1e-9);
	w[0].gil_s = 0.3;	/* longer than it was off a CPU: the rest was spent runnable or on one */
	explain_rep(&in, p);
	cr_assert_float_eq(p[EXPLAIN_GIL], 0.2, 1e-9);
	cr_assert_float_eq(p[EXPLAIN_BLOCKED], 0.0, 1e-9);
	in.work_off_s = 0.2;	/* the work itself waits 0.2 s (sleep): not a loss */
	in.work_cpu_s = 0.8;
	w[0].gil_s = NAN;
	w[1].gil_s = NAN;
	explain_rep(&in, p);
	cr_assert_float_eq(p[EXPLAIN_BLOCKED], 0.0, 1e-9);
	cr_assert_float_eq(p[EXPLAIN_USEFUL], 1.0, 1e-12);
}

/* With phases, the barriers hold every worker through the later serial
 * sections (serial) and while the slowest finishes a phase (imbalance). */
Test(explain, barriers_between_phases)
{
	struct explain_worker w[2];
	struct explain_rep in;
	double p[EXPLAIN_PARTS];

	two_workers(&in, w);
	in.serial_s = 0.1;	/* two sections of 0.05 s, the second between the phases */
	in.serial0_s = in.serial0_run_s = 0.05;
	w[0].start_s -= 0.05;
	w[1].start_s -= 0.05;
	w[0].gap_s = 0.05 + 0.004;	/* through the serial section, and 4 ms for worker 1 */
	w[1].gap_s = 0.05;
	cr_assert_eq(explain_rep(&in, p), 0);
	cr_assert_float_eq(p[EXPLAIN_SERIAL], 0.1, 1e-12);
	/* At the end: the 5 ms worker 1 needed longer (its other 5 ms were a wait for a CPU). */
	cr_assert_float_eq(p[EXPLAIN_IMBALANCE], 0.005 + 0.004, 1e-9);
	cr_assert_float_eq(sum_parts(p), 2 * (in.t1_s - in.t0_s), 1e-9);
}

static double uniform(unsigned *seed, double lo, double hi)
{
	return lo + (hi - lo) * rand_r(seed) / (double)RAND_MAX;
}

/* Whatever the records say, the parts tile N*T: a property of the formulas. */
Test(explain, the_books_close_for_any_record)
{
	unsigned seed = 15;

	for (int trial = 0; trial < 2000; trial++) {
		int n = 1 + rand_r(&seed) % 64;
		struct explain_worker *w = calloc((size_t)n, sizeof(*w));
		struct explain_rep in = { .n = n, .t0_s = 100, .w = w };
		double p[EXPLAIN_PARTS];

		in.threads = trial % 3 == 0 ? EXPLAIN_ONE_THREAD : EXPLAIN_OWN_THREADS;
		in.serial0_s = uniform(&seed, 0, 0.1);
		in.serial_s = in.serial0_s + uniform(&seed, 0, 0.1);
		in.serial_run_s = uniform(&seed, 0, in.serial_s);
		in.serial_wait_s = uniform(&seed, 0, in.serial_s - in.serial_run_s);
		in.serial0_run_s = uniform(&seed, 0, in.serial0_s);
		in.work_cpu_s = uniform(&seed, 0, 2);
		in.work_off_s = uniform(&seed, 0, 1);
		in.thread_run_s = uniform(&seed, 0, 1);
		in.thread_wait_s = uniform(&seed, 0, 1);
		in.t1_s = 100 + in.serial_s + uniform(&seed, 0.01, 2);
		for (int i = 0; i < n; i++) {
			w[i].start_s = uniform(&seed, 100 + in.serial0_s, in.t1_s);
			w[i].end_s = uniform(&seed, w[i].start_s, in.t1_s);
			w[i].gap_s = uniform(&seed, 0, w[i].end_s - w[i].start_s);
			w[i].run_s = uniform(&seed, 0, w[i].end_s - w[i].start_s);
			w[i].wait_s = uniform(&seed, 0, w[i].end_s - w[i].start_s - w[i].run_s);
			w[i].gap_run_s = uniform(&seed, 0, fmin(w[i].gap_s, w[i].run_s));
			w[i].wait0_s = uniform(&seed, 0, w[i].start_s - 100 - in.serial0_s);
			w[i].made_wait_s = uniform(&seed, 0, 1);
			w[i].gil_s = trial % 2 ? NAN : uniform(&seed, 0, 1);
		}
		cr_assert_eq(explain_rep(&in, p), 0);
		cr_assert_float_eq(sum_parts(p), n * (in.t1_s - in.t0_s), 1e-9 * n, "trial %d, n %d", trial, n);
		free(w);
	}
}

/* Green: N greenlets of spin run one after another on one OS thread; what
 * they lose is the one thread, and imbalance and blocked are not known. */
Test(explain, one_thread_loses_to_the_thread)
{
	struct explain_worker w[4];
	struct explain_rep in = { .n = 4, .t0_s = 0, .t1_s = 1.0, .threads = EXPLAIN_ONE_THREAD,
				  .work_cpu_s = 1.0, .thread_run_s = 1.0, .w = w };
	double p[EXPLAIN_PARTS];

	for (int i = 0; i < 4; i++)
		w[i] = (struct explain_worker){ .start_s = 0.25 * i + 1e-9, .end_s = 0.25 * (i + 1),
						.run_s = 0.25, .gil_s = NAN };
	cr_assert_eq(explain_rep(&in, p), 0);
	cr_assert_float_eq(p[EXPLAIN_GIL], 3.0, 1e-6, "three of the four slots wait for the thread");
	cr_assert_float_eq(p[EXPLAIN_USEFUL], 1.0, 1e-12);
	cr_assert(isnan(p[EXPLAIN_IMBALANCE]) && isnan(p[EXPLAIN_BLOCKED]));
	cr_assert_float_eq(sum_parts(p), 4.0, 1e-9);
}

Test(explain, a_missing_record_is_unknown)
{
	struct explain_worker w[2];
	struct explain_rep in;
	double p[EXPLAIN_PARTS];

	two_workers(&in, w);
	w[1].start_s = 0;	/* never recorded */
	cr_assert_eq(explain_rep(&in, p), -1);
	for (int i = 0; i < EXPLAIN_PARTS; i++)
		cr_assert(isnan(p[i]), "part %s", explain_parts[i].name);
	cr_assert(isnan(sum_parts(p)));
}

/* From outside: on-CPU, the sampled run-queue wait, and idle close the books. */
Test(explain, a_program_from_outside)
{
	double p[EXPLAIN_PARTS];

	explain_program(4, 0.5, 1.2, 0.3, p);
	cr_assert_float_eq(p[EXPLAIN_STARVED], 0.3, 1e-12);
	cr_assert_float_eq(p[EXPLAIN_IDLE], 0.5, 1e-12);
	cr_assert(isnan(p[EXPLAIN_SERIAL]) && isnan(p[EXPLAIN_BLOCKED]) && isnan(p[EXPLAIN_USEFUL]));
	explain_program_work(1.2, 1.0, p);
	cr_assert_float_eq(p[EXPLAIN_USEFUL], 1.0, 1e-12);
	cr_assert_float_eq(p[EXPLAIN_EXTRA], 0.2, 1e-12);
	cr_assert_float_eq(sum_parts(p), 2.0, 1e-12);
}

Test(explain, parts_by_column)
{
	cr_assert_eq(explain_part_by_column("starved_s"), EXPLAIN_STARVED);
	cr_assert_eq(explain_part_by_column("useful_s"), EXPLAIN_USEFUL);
	cr_assert_eq(explain_part_by_column("starved"), -1);
	for (int i = 0; i < EXPLAIN_PARTS; i++) {
		cr_assert_eq(explain_part_by_column(explain_column(i)), i);
		cr_assert(column_id(explain_column(i)) >= 0, "%s is a column of every row", explain_column(i));
	}
	cr_assert_null(column_stack[EXPLAIN_PARTS].name, "one column a part, in the parts' order");
}
