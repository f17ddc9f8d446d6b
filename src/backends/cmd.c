/*
 * cmd backend: runs the external program of a `--cmd` point once per
 * repetition, N substituted, and times it from spawn to wait (src/runtime/exec.c).
 * --prepare runs before each repetition, untimed. It runs the exec workload
 * and nothing else; every other backend refuses exec.
 */
#include "../api/backend.h"
#include "../base/clock.h"
#include "../runtime/exec.h"
#include "../runtime/workrec.h"

#include <stdint.h>

static const char *cmd_refuse(const struct workload *w)
{
	if (!(w->needs & WORKLOAD_EXTERNAL))
		return "the cmd backend runs only programs given with --cmd";
	return NULL;
}

static int cmd_prepare(const struct workload *w, struct job *job, int n)
{
	(void)w;
	if (!job->cmd)
		return job_fail(job, "no --cmd to run");
	if (job->cmd->prepare)
		return exec_helper("--prepare", job->cmd->prepare, n, job->cmd->show_output, job->err,
				   sizeof(job->err));
	return 0;
}

/* With records (the speedup stack), the program is the calling worker's
 * record: its clock, its tree's CPU time, its threads' sampled run-queue wait. */
static int cmd_run(const struct workload *w, struct job *job, int n, struct timing *out)
{
	struct worker_record *r = workrec_of(job, -1);
	uint64_t wait = 0;
	int rc;

	(void)w;
	if (!job->cmd)
		return job_fail(job, "no --cmd to run");
	rc = exec_measure(job->cmd, n, out, r ? &wait : NULL, job->err, sizeof(job->err));
	if (rc == 0 && r && wait != UINT64_MAX) {
		r->end_s = clock_now();
		r->start_s = r->end_s - out->wall_s;
		r->end.run_ns = (uint64_t)(out->cpu_s * 1e9);
		r->end.wait_ns = wait;
	}
	return rc;
}

/* exec_measure fills it from the program's rusage. */
static const struct column cmd_columns[] = {
	{ .name = "rss_kb", .unit = "KiB", .agg = COLUMN_MAX,
	  .help = "peak resident set of the measured program (its largest process)" },
	{ 0 },
};

const struct backend backend_cmd = {
	.name = "cmd",
	.summary = "an external program per repetition (--cmd), timed from spawn to wait",
	.columns = cmd_columns,
	.refuse = cmd_refuse,
	.prepare = cmd_prepare,
	.run = cmd_run,
};
