/*
 * A job: one workload at one parallel fraction, sized in units, as the work
 * model of DESIGN.md describes. W units take one worker --work seconds; the
 * serial part (1-P)W runs on the calling worker, the parallel part PW is split
 * exactly over N workers (the first W mod N take one unit more). With
 * --phases K the job alternates K serial and K parallel sections. With weak
 * scaling the parallel part grows with N (Gustafson).
 *
 * Backends drive a job through job_serial/job_parallel; workloads see the job
 * through struct job and the hooks a backend may install.
 */
#ifndef AMDAHL_JOB_H
#define AMDAHL_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "params.h"

struct workload;
struct job;
struct topology_placement;
struct timing;
struct exec_cmd;
struct worker_record;

enum scaling { SCALING_STRONG, SCALING_WEAK };

/*
 * What a backend offers the workload while it runs. Any hook may be NULL;
 * use the job_tick/job_wait wrappers, which fall back to doing nothing and
 * to nanosleep.
 */
struct job_hooks {
	/* Called between units of CPU work: the gil backend hands its lock over here. */
	void (*tick)(struct job *job, int worker);
	/* Block for ns nanoseconds (I/O): the gil backend releases its lock, green switches. */
	void (*wait)(struct job *job, int worker, uint64_t ns);
	/*
	 * The backend's channel (message workload): carry len bytes from worker
	 * to the other end and have them received there (a queue between
	 * threads, a pipe between processes, MPI point-to-point). 0 or -1 with
	 * job->err set. NULL when the backend has no channel: such a backend
	 * refuses WORKLOAD_NEEDS_CHANNEL workloads.
	 */
	int (*transfer)(struct job *job, int worker, const void *buf, size_t len);
	/* Backend-private context for the hooks. */
	void *ctx;
};

struct job {
	const struct workload *workload;
	const struct params *params;	/* plugin options from the command line */
	double p;			/* parallel fraction, [0, 1] */
	int phases;			/* K >= 1 */
	enum scaling scaling;
	uint64_t units;			/* W */
	int max_workers;		/* the largest N this job will be run with */
	int nworkers;			/* N of the repetition under way */
	uint64_t seed;
	void *state;			/* the workload's, from job_shared_alloc */
	const struct exec_cmd *cmd;	/* the program of a --cmd point (exec workload); NULL */
	struct job_hooks hooks;
	/* --pin (topology.h): worker w on placement->cpus[w % ncpus], the calling
	 * worker on cpus[0]; NULL or no cpus: nobody is pinned. */
	const struct topology_placement *placement;
	/* Shared with forked workers (job_cpus_reset): where the calling worker
	 * (ran_on[0]) and worker w (ran_on[1 + w]) started; -1 = not recorded. */
	int *ran_on;
	long caller_tid;		/* thread of job_worker_start(job, -1) */
	/* Per-worker records (src/runtime/workrec.h): NULL, the default, records
	 * nothing; else max_workers + 1 in MAP_SHARED memory, [1 + w] worker w's,
	 * filled by the backends at each worker's start and end. */
	struct worker_record *records;
	/* Called on the calling worker before (done 0) and after (done 1) each
	 * serial section k when set: the speedup stack times them
	 * (workrec_on_serial); NULL by default. */
	void (*on_serial)(struct job *job, int k, int done);
	/* Called on the calling worker just before it makes worker w (a thread
	 * or process of its own; job_spawning) when set: the speedup stack
	 * notes how long the maker had waited for a CPU by then
	 * (workrec_on_spawn); NULL by default. */
	void (*on_spawn)(struct job *job, int worker);
	char err[256];			/* why setup/run refused or failed */
};

/*
 * A job with everything but these zeroed (no state, no hooks, no placement):
 * workers sets both max_workers and nworkers.
 */
void job_init(struct job *job, const struct workload *w, const struct params *params, double p,
	      int phases, enum scaling scaling, uint64_t units, int workers);

/* Units of the serial section of phase k and of the parallel section (all workers). */
uint64_t job_serial_units(const struct job *job, int k);
uint64_t job_parallel_units(const struct job *job, int k, int nworkers);
/* The exact share of `units` that worker w of n takes. */
uint64_t job_share(uint64_t units, int worker, int n);

/* Run phase k's serial section on the calling worker. */
void job_serial(struct job *job, int k);
/* On the calling worker, just before it makes worker w: job->on_spawn. */
void job_spawning(struct job *job, int worker);
/* Run worker w's share of phase k's parallel section. */
void job_parallel(struct job *job, int k, int worker, int nworkers);

/*
 * The phase protocol every backend with long-lived workers follows. `sync`
 * waits at a barrier of all n workers plus the calling worker. A worker runs
 * its share of each phase, meeting the others at the barrier twice between
 * phases; the calling worker, between spawning and joining, runs the serial
 * sections of phases 1..K-1 between those two barriers. (Phase 0's serial
 * section runs before the workers are spawned.)
 */
struct job_sync {
	void (*wait)(void *ctx);
	void *ctx;
};
void job_run_worker(struct job *job, int worker, int n, const struct job_sync *sync);
void job_run_between(struct job *job, const struct job_sync *sync);

/*
 * Call at the start of every worker (w = -1 for the calling worker that runs
 * the serial part, before phase 0): pins the thread as job->placement says
 * and records sched_getcpu() in job->ran_on. A worker that runs on the
 * calling worker's own thread (OpenMP's thread 0, green threads) keeps the
 * calling worker's CPU rather than moving the whole thread.
 */
void job_worker_start(struct job *job, int worker);
/* Before a repetition: mark every worker's CPU unknown (maps job->ran_on,
 * max_workers + 1 entries, on first use). */
void job_cpus_reset(struct job *job);
/* After it: the `cpus` column (topology_cpus_format) for job->nworkers, into
 * buf unless the backend filled it already or nothing was recorded. */
void job_cpus_format(const struct job *job, char *buf, size_t len);
/*
 * For a workload whose every unit moves unit_bytes (memory), in its report:
 * the bandwidth of the workers on each NUMA node, "node:GB/s;..." over every
 * node of the topology, into t->numa_gbps. Units are charged to the node of
 * the CPU their worker started on (job->ran_on: the serial sections to the
 * calling worker's); nothing when the machine has one NUMA node or no
 * topology was loaded.
 */
void job_numa_gbps(const struct job *job, double unit_bytes, struct timing *t);

/* Hook wrappers for workloads. */
static inline void job_tick(struct job *job, int worker)
{
	if (job->hooks.tick)
		job->hooks.tick(job, worker);
}
void job_wait(struct job *job, int worker, uint64_t ns);

/*
 * Memory that stays shared with forked workers (MAP_SHARED | MAP_ANONYMOUS),
 * zeroed, so a workload's state works under every backend. NULL on failure.
 */
void *job_shared_alloc(size_t size);
void job_shared_free(void *p, size_t size);

/* printf into job->err; returns -1 for `return job_fail(...)`. */
int job_fail(struct job *job, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
