/*
 * Per-worker records (workrec.h): the clock and /proc/thread-self/schedstat,
 * read at a worker's start and end.
 */
#include "workrec.h"
#include "../base/clock.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct worker_record *workrec_map(int max_workers)
{
	return job_shared_alloc(((size_t)max_workers + 1) * sizeof(struct worker_record));
}

void workrec_unmap(struct worker_record *r, int max_workers)
{
	job_shared_free(r, ((size_t)max_workers + 1) * sizeof(struct worker_record));
}

void workrec_reset(struct worker_record *r, int max_workers)
{
	if (r)
		memset(r, 0, ((size_t)max_workers + 1) * sizeof(*r));
}

struct worker_record *workrec_of(const struct job *job, int worker)
{
	if (!job->records || worker < -1 || worker >= job->max_workers)
		return NULL;
	return &job->records[worker + 1];
}

/* schedstat has three numbers: on-CPU ns, run-queue wait ns, timeslices
 * (Linux's Documentation/scheduler/sched-stats.rst); one read(2). */
static void sched_read(struct workrec_sched *s)
{
	char buf[128];
	int fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	uint64_t run;
	struct timespec ts;

	memset(s, 0, sizeof(*s));
	if (fd >= 0)
		close(fd);
	if (n > 0) {
		buf[n] = '\0';
		if (sscanf(buf, "%" SCNu64 " %" SCNu64 " %" SCNu64, &run, &s->wait_ns, &s->slices) != 3)
			s->wait_ns = s->slices = 0;
	}
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
		s->run_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void workrec_start(struct worker_record *r)
{
	sched_read(&r->start);
	r->start_s = clock_now();
}

void workrec_end(struct worker_record *r)
{
	r->end_s = clock_now();
	sched_read(&r->end);
}

void workrec_run_worker(struct job *job, int worker, int n, const struct job_sync *sync)
{
	struct worker_record *r = workrec_of(job, worker);

	if (r)
		workrec_start(r);
	job_run_worker(job, worker, n, sync);
	if (r)
		workrec_end(r);
}
