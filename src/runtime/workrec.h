/*
 * Per-worker records: what each worker notes about itself, outside its work
 * loop, for the speedup stack of issue 15 (DESIGN.md, "The speedup stack"):
 * its clock and its thread's scheduler accounting (/proc/thread-self/schedstat:
 * on-CPU time, run-queue wait, timeslices) when it starts and when it ends,
 * and, under the gil backend, how long it waited for the GIL.
 *
 * The records live in MAP_SHARED memory (workrec_map), so a forked worker of
 * the process backend hands its record back through the map. A backend runs
 * each worker through workrec_run_worker, which records around
 * job_run_worker whenever job->records is set; with job->records NULL (the
 * default) nothing is read and nothing costs.
 *
 * Green threads share one OS thread: their schedstat figures are that
 * thread's, the same for every greenlet, and only the clock is their own.
 */
#ifndef AMDAHL_RUNTIME_WORKREC_H
#define AMDAHL_RUNTIME_WORKREC_H

#include <stdint.h>

#include "../api/job.h"

/*
 * A thread's scheduler accounting at one moment. run_ns comes from
 * CLOCK_THREAD_CPUTIME_ID, which counts the slice under way too (schedstat's
 * own first field lags by up to a tick); wait_ns and slices from schedstat
 * (0 where it cannot be read), exact for a running thread: its wait is added
 * when it gets a CPU.
 */
struct workrec_sched {
	uint64_t run_ns;	/* on a CPU */
	uint64_t wait_ns;	/* runnable, waiting for a CPU */
	uint64_t slices;	/* timeslices run */
};

struct worker_record {
	double start_s, end_s;			/* CLOCK_MONOTONIC; 0: not recorded */
	struct workrec_sched start, end;
	double gil_wait_s;			/* gil backend: in gil_take, waiting; NaN: no GIL */
	/* A worker: its waits at the barriers between phases (openmp: between
	 * its regions), wall time and the scheduler's share of it, summed. The
	 * calling worker: its serial sections, all (sect) and the first (sect0). */
	double sect_s, sect0_s;
	unsigned nsect;
	struct workrec_sched sect, sect0;
	/* A worker made for the repetition: its maker's run-queue wait from the
	 * end of the maker's first serial section until just before it made
	 * this one (workrec_on_spawn). The calling worker: its run-queue wait
	 * as read at the end of its first serial section. */
	uint64_t made_wait_ns, sect0_end_wait_ns;
	double mark_s;				/* where the section under way began */
	struct workrec_sched mark;
	int fd;					/* the worker's schedstat, open from start to end; -1 */
};

/* A reading of the clock and the scheduler that took longer than this was
 * preempted: it is taken again (see snap in workrec.c). */
#define WORKREC_SNAP_S 50e-6

/* Records for max_workers + 1 workers ([1 + w] worker w; [0] the calling
 * worker: its serial sections, and under gil its wait for the GIL; under
 * cmd, the program as a whole: start and end at spawn and exit, end.run_ns
 * its process tree's CPU time, end.wait_ns its threads' run-queue wait as
 * sampled), zeroed, in MAP_SHARED memory. NULL on failure. */
struct worker_record *workrec_map(int max_workers);
void workrec_unmap(struct worker_record *r, int max_workers);
/* Zero the records of a job before a repetition (gil_wait_s NaN: a
 * backend without a GIL leaves it so; workrec_map's are reset too). */
void workrec_reset(struct worker_record *r, int max_workers);

/* The record of worker w (-1: the calling worker), or NULL when the job
 * records nothing or w is out of range. */
struct worker_record *workrec_of(const struct job *job, int worker);
/* Note the clock and this thread's schedstat: at the start, at the end. */
void workrec_start(struct worker_record *r);
void workrec_end(struct worker_record *r);

/* A section of time inside a record: a worker's wait at a barrier (between
 * openmp regions), or a serial section of the calling worker; summed into
 * sect (and sect0 when it is the record's first). */
void workrec_section_begin(struct worker_record *r);
void workrec_section_end(struct worker_record *r);
/* The calling thread's accounting now. */
void workrec_sched_now(struct workrec_sched *s);

/* job_run_worker, recorded in job->records when the job has them (its waits
 * at the barriers as sections). */
void workrec_run_worker(struct job *job, int worker, int n, const struct job_sync *sync);
/* The same for a worker whose record it started itself (workrec_start), to
 * count in its span what it did first: gil's workers take the GIL. */
void workrec_run_started(struct job *job, int worker, int n, const struct job_sync *sync);
/* For job->on_serial: the calling worker's serial sections as sections of records[0]. */
void workrec_on_serial(struct job *job, int k, int done);
/* For job->on_spawn: the calling worker's run-queue wait so far (since its
 * first serial section), into worker w's record. Its schedstat stays open
 * from worker 0 to worker nworkers - 1 (workrec_close_caller(job->records)
 * closes it when the making stopped short). */
void workrec_on_spawn(struct job *job, int worker);
void workrec_close_caller(struct worker_record *records);

#endif
