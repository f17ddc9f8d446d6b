/*
 * The speedup stack (DESIGN.md, "The speedup stack"; docs/explain.md): where
 * the capacity of N workers went in one repetition. N workers over a wall
 * time T have N*T worker-seconds; they are split into the work one worker
 * needed for the same job (useful) and the losses: the serial part, spawning,
 * joining, imbalance, waiting for a CPU (starved), blocking (off-CPU and not
 * runnable), the GIL, and on-CPU time beyond the work's own (extra). Divided
 * by T, the parts are in speedup units and add up to N.
 *
 * Pure arithmetic on what was measured: the engine turns the workers' records
 * (src/runtime/workrec.h) and the calibration into a struct explain_rep, and
 * a --cmd program's rusage and sampled schedstat into explain_program's
 * arguments. Nothing here reads a clock.
 */
#ifndef AMDAHL_EXPLAIN_H
#define AMDAHL_EXPLAIN_H

#include <stddef.h>

enum explain_part {
	EXPLAIN_USEFUL,		/* T_1's work: what one worker needed for the same job */
	EXPLAIN_SERIAL,		/* N - 1 workers idle while the serial part runs */
	EXPLAIN_SPAWN,		/* before each worker's first instruction */
	EXPLAIN_JOIN,		/* after the last worker's last instruction */
	EXPLAIN_IMBALANCE,	/* workers done, waiting for the last one */
	EXPLAIN_STARVED,	/* runnable, waiting for a CPU */
	EXPLAIN_BLOCKED,	/* off-CPU and not runnable beyond the work's own waits */
	EXPLAIN_GIL,		/* waiting for the GIL (gil) or the one OS thread (green) */
	EXPLAIN_EXTRA,		/* on-CPU beyond the work's own */
	EXPLAIN_IDLE,		/* a program's threads neither on a CPU nor waiting for one */
	EXPLAIN_PARTS
};

/* How a part is named in tables (name) and in figures (label); its CSV
 * column, with its help, is column_stack[part] (src/api/column.h). */
struct explain_part_info {
	const char *name;	/* "serial" */
	const char *label;	/* a figure's legend: "serial part" */
};

extern const struct explain_part_info explain_parts[EXPLAIN_PARTS];
/* The part's CSV column: "serial_s". */
const char *explain_column(int part);

/* One worker's record, in seconds (CLOCK_MONOTONIC for the times). */
struct explain_worker {
	double start_s, end_s;		/* its first instruction and its last */
	double run_s, wait_s;		/* on a CPU, and runnable waiting for one, between them */
	double wait0_s;			/* waiting for a CPU before start_s (a fresh thread: since it was made) */
	double made_wait_s;		/* its maker waiting for a CPU, after the first serial section, before it made this one */
	double gap_s;			/* at barriers between phases, between start_s and end_s */
	double gap_run_s, gap_wait_s;	/* of which on a CPU, and waiting for one */
	double gil_s;			/* waiting for the GIL; NaN where there is none */
};

/* How the workers map to OS threads. */
enum explain_threads {
	EXPLAIN_OWN_THREADS,		/* a thread (or process) each: their records are their own */
	EXPLAIN_ONE_THREAD,		/* green: one OS thread runs them all, one at a time */
};

/* One repetition as measured. */
struct explain_rep {
	int n;				/* workers */
	double t0_s, t1_s;		/* the repetition's clock: T_N = t1 - t0 */
	enum explain_threads threads;
	/* The calling worker's serial sections: their wall time, all and the
	 * first (before any worker starts), and its CPU and run-queue wait then. */
	double serial_s, serial_run_s, serial_wait_s;
	double serial0_s, serial0_run_s, serial0_wait_s;
	/* T_1's work: on-CPU and off-CPU (the workload's own waits, as sleep's). */
	double work_cpu_s, work_off_s;
	/* One thread (green): that thread's CPU and run-queue wait from the
	 * first worker's start to the last one's end. */
	double thread_run_s, thread_wait_s;
	const struct explain_worker *w;	/* n of them */
};

/*
 * The parts of one repetition, in seconds, into parts[EXPLAIN_PARTS]; NaN
 * where not known. Returns -1 (every part NaN) when a worker has no record.
 */
int explain_rep(const struct explain_rep *in, double *parts);

/*
 * The parts of a program (--cmd) seen from outside: N*T = on-CPU time of its
 * process tree (cpu_s) + its threads' run-queue wait (wait_s) + idle. Only
 * starved and idle are known from one run; useful and extra need the N = 1
 * run's CPU time (explain_program_work); the rest stays NaN.
 */
void explain_program(int n, double wall_s, double cpu_s, double wait_s, double *parts);
/* A program's useful and extra CPU, given the CPU time its N = 1 runs took (median). */
void explain_program_work(double cpu_s, double cpu1_s, double *parts);

/* The sum of the known parts (NaN when none is). */
double explain_total(const double *parts);
/* The part with this column name, or -1. */
int explain_part_by_column(const char *column);

#endif
