/*
 * Per-worker records (workrec.h): the clock and /proc/thread-self/schedstat,
 * read at a worker's start and end.
 */
#include "workrec.h"
#include "../base/clock.h"

#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct worker_record *workrec_map(int max_workers)
{
	struct worker_record *r = job_shared_alloc(((size_t)max_workers + 1) * sizeof(struct worker_record));

	workrec_reset(r, max_workers);
	return r;
}

void workrec_unmap(struct worker_record *r, int max_workers)
{
	job_shared_free(r, ((size_t)max_workers + 1) * sizeof(struct worker_record));
}

void workrec_reset(struct worker_record *r, int max_workers)
{
	if (!r)
		return;
	memset(r, 0, ((size_t)max_workers + 1) * sizeof(*r));
	for (int i = 0; i <= max_workers; i++) {
		r[i].gil_wait_s = NAN;
		r[i].fd = -1;
	}
}

struct worker_record *workrec_of(const struct job *job, int worker)
{
	if (!job->records || worker < -1 || worker >= job->max_workers)
		return NULL;
	return &job->records[worker + 1];
}

/* schedstat has three numbers: on-CPU ns, run-queue wait ns, timeslices
 * (Linux's Documentation/scheduler/sched-stats.rst); one read(2), from the
 * record's open file when it has one (a pread costs a fifth of an open,
 * read and close). */
static void sched_read(int fd, struct workrec_sched *s)
{
	char buf[128];
	int own = fd < 0 ? open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC) : fd;
	ssize_t n = own < 0 ? -1 : pread(own, buf, sizeof(buf) - 1, 0);
	uint64_t run;
	struct timespec ts;

	memset(s, 0, sizeof(*s));
	if (fd < 0 && own >= 0)
		close(own);
	if (n > 0) {
		buf[n] = '\0';
		if (sscanf(buf, "%" SCNu64 " %" SCNu64 " %" SCNu64, &run, &s->wait_ns, &s->slices) != 3)
			s->wait_ns = s->slices = 0;
	}
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
		s->run_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void workrec_sched_now(struct workrec_sched *s)
{
	sched_read(-1, s);
}

/*
 * The clock at the moment of a reading, read on both sides of it. A thread
 * preempted between the clock and the reading would have that wait counted
 * on one side only (in the wait but not the span, or the other way round),
 * so a reading that took longer than WORKREC_SNAP_S is taken again.
 */
static double snap(int fd, struct workrec_sched *s)
{
	double c1 = 0, c2 = 0;

	for (int i = 0; i < 4; i++) {
		c1 = clock_now();
		sched_read(fd, s);
		c2 = clock_now();
		if (c2 - c1 < WORKREC_SNAP_S)
			break;
	}
	return 0.5 * (c1 + c2);
}

void workrec_start(struct worker_record *r)
{
	r->fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
	r->start_s = snap(r->fd, &r->start);
}

void workrec_end(struct worker_record *r)
{
	r->end_s = snap(r->fd, &r->end);
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

void workrec_section_begin(struct worker_record *r)
{
	r->mark_s = snap(r->fd, &r->mark);
}

void workrec_section_end(struct worker_record *r)
{
	struct workrec_sched now;
	double t = snap(r->fd, &now) - r->mark_s;

	now.run_ns -= r->mark.run_ns;
	now.wait_ns -= r->mark.wait_ns;
	now.slices -= r->mark.slices;
	if (r->nsect++ == 0) {
		r->sect0_end_wait_ns = now.wait_ns + r->mark.wait_ns;
		r->sect0_s = t;
		r->sect0 = now;
	}
	r->sect_s += t;
	r->sect.run_ns += now.run_ns;
	r->sect.wait_ns += now.wait_ns;
	r->sect.slices += now.slices;
}

/* A worker's barrier, timed as a section of its record. */
struct timed_sync {
	const struct job_sync *inner;
	struct worker_record *r;
};

static void timed_wait(void *p)
{
	struct timed_sync *ts = p;

	workrec_section_begin(ts->r);
	ts->inner->wait(ts->inner->ctx);
	workrec_section_end(ts->r);
}

void workrec_run_started(struct job *job, int worker, int n, const struct job_sync *sync)
{
	struct worker_record *r = workrec_of(job, worker);
	struct timed_sync ts = { sync, r };
	struct job_sync timed = { timed_wait, &ts };

	if (!r) {
		job_run_worker(job, worker, n, sync);
		return;
	}
	job_run_worker(job, worker, n, &timed);
	workrec_end(r);
}

void workrec_run_worker(struct job *job, int worker, int n, const struct job_sync *sync)
{
	struct worker_record *r = workrec_of(job, worker);

	if (r)
		workrec_start(r);
	workrec_run_started(job, worker, n, sync);
}

void workrec_on_serial(struct job *job, int k, int done)
{
	struct worker_record *r = workrec_of(job, -1);

	(void)k;
	if (!r)
		return;
	if (done)
		workrec_section_end(r);
	else
		workrec_section_begin(r);
}

void workrec_on_spawn(struct job *job, int worker)
{
	struct worker_record *c = workrec_of(job, -1), *r = workrec_of(job, worker);
	struct workrec_sched now;

	if (!c || !r)
		return;
	if (c->fd < 0)
		c->fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
	sched_read(c->fd, &now);
	r->made_wait_ns = c->nsect && now.wait_ns > c->sect0_end_wait_ns ? now.wait_ns - c->sect0_end_wait_ns : 0;
	if (worker + 1 >= job->nworkers)
		workrec_close_caller(job->records);
}

void workrec_close_caller(struct worker_record *records)
{
	if (records && records[0].fd >= 0) {
		close(records[0].fd);
		records[0].fd = -1;
	}
}
