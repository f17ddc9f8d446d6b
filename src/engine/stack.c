/*
 * The speedup stack in the measuring child (stack.h): the workers' records
 * (src/runtime/workrec.h) read into the accounting's terms
 * (src/models/explain.h), as each backend's threads allow.
 */
#include "stack.h"
#include "../runtime/workrec.h"

#include <math.h>
#include <stdlib.h>

int stack_open(struct job *job)
{
	job->records = workrec_map(job->max_workers);
	if (!job->records)
		return job_fail(job, "cannot map the records of %d workers", job->max_workers);
	job->on_serial = workrec_on_serial;
	job->on_spawn = workrec_on_spawn;
	return 0;
}

void stack_close(struct job *job)
{
	workrec_close_caller(job->records);
	workrec_unmap(job->records, job->max_workers);
	job->records = NULL;
	job->on_serial = NULL;
	job->on_spawn = NULL;
}

void stack_begin(struct job *job)
{
	workrec_close_caller(job->records);	/* a repetition whose workers were not all made */
	workrec_reset(job->records, job->max_workers);
}

static double ns(uint64_t v)
{
	return (double)v * 1e-9;
}

/* The units of the whole job at n workers (weak scaling grows them). */
static double job_units(const struct job *job, int n)
{
	double u = 0;

	for (int k = 0; k < job->phases; k++)
		u += (double)(job_serial_units(job, k) + job_parallel_units(job, k, n));
	return u;
}

static void worker_of(const struct worker_record *r, enum backend_threads threads, struct explain_worker *w)
{
	*w = (struct explain_worker){
		.start_s = r->start_s, .end_s = r->end_s,
		.run_s = ns(r->end.run_ns - r->start.run_ns), .wait_s = ns(r->end.wait_ns - r->start.wait_ns),
		/* A new thread's schedstat starts at zero when it is made. */
		.wait0_s = threads == BACKEND_THREADS_EACH ? ns(r->start.wait_ns) : 0,
		.made_wait_s = ns(r->made_wait_ns),
		.gap_s = r->sect_s, .gap_run_s = ns(r->sect.run_ns), .gap_wait_s = ns(r->sect.wait_ns),
		.gil_s = r->gil_wait_s,
	};
}

/* One OS thread: its clocks from the first greenlet's start to the last one's end. */
static void one_thread(const struct job *job, int n, struct explain_rep *in)
{
	const struct worker_record *first = &job->records[1], *last = &job->records[1];

	for (int i = 1; i < n; i++) {
		const struct worker_record *r = &job->records[1 + i];
		if (r->start_s < first->start_s)
			first = r;
		if (r->end_s > last->end_s)
			last = r;
	}
	in->thread_run_s = ns(last->end.run_ns - first->start.run_ns);
	in->thread_wait_s = ns(last->end.wait_ns - first->start.wait_ns);
}

static void program(const struct job *job, const struct timing *t, double *parts)
{
	const struct worker_record *r = &job->records[0];

	explain_program(job->nworkers, t->wall_s, t->cpu_s, r->end_s > 0 ? ns(r->end.wait_ns) : NAN, parts);
}

static void parts_of(const struct job *job, const struct backend *b, const struct calibration *cal, double t0,
		     double t1, const struct timing *t, double *parts)
{
	const struct worker_record *c;
	struct explain_worker *w;
	struct explain_rep in;
	int n = job->nworkers;

	if (!cal) {
		program(job, t, parts);
		return;
	}
	c = &job->records[0];
	w = n <= job->max_workers ? calloc((size_t)n, sizeof(*w)) : NULL;
	in = (struct explain_rep){
		.n = n, .t0_s = t0, .t1_s = t1, .w = w,
		.threads = b->threads == BACKEND_THREADS_ONE ? EXPLAIN_ONE_THREAD : EXPLAIN_OWN_THREADS,
		.serial_s = c->sect_s, .serial_run_s = ns(c->sect.run_ns), .serial_wait_s = ns(c->sect.wait_ns),
		.serial0_s = c->sect0_s, .serial0_run_s = ns(c->sect0.run_ns), .serial0_wait_s = ns(c->sect0.wait_ns),
		.work_cpu_s = cal->cpu_s * job_units(job, n), .work_off_s = cal->off_s * job_units(job, n),
	};
	for (int i = 0; w && i < n; i++)
		worker_of(&job->records[1 + i], b->threads, &w[i]);
	if (w && in.threads == EXPLAIN_ONE_THREAD)
		one_thread(job, n, &in);
	if (!w || explain_rep(&in, parts) < 0)
		for (int i = 0; i < EXPLAIN_PARTS; i++)
			parts[i] = NAN;
	free(w);
}

void stack_end(const struct job *job, const struct backend *b, const struct calibration *cal, double t0, double t1,
	       struct timing *t)
{
	double parts[EXPLAIN_PARTS];

	parts_of(job, b, cal, t0, t1, t, parts);
	for (int i = 0; i < EXPLAIN_PARTS; i++)
		timing_set(t, explain_column(i), parts[i]);
}
