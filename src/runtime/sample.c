/*
 * Sampling a program's threads' run-queue wait (sample.h): a thread that
 * walks the process tree (reap_tree_pids) and every task of each process,
 * keeping the last schedstat of each thread it has seen, until it is told
 * to stop.
 */
#define _GNU_SOURCE
#include "sample.h"
#include "reap.h"
#include "../base/clock.h"
#include "../base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* More threads than this in one program: the rest are not counted. */
#define SAMPLE_THREADS_MAX 16384

struct seen {
	pid_t tid;
	uint64_t wait_ns;
};

struct sampler {
	pid_t root;
	pthread_t thread;
	pthread_mutex_t m;
	pthread_cond_t cv;
	int stop;
	struct seen *v;
	size_t len, cap;
};

static void note(struct sampler *s, pid_t tid, uint64_t wait_ns)
{
	size_t i = 0;

	while (i < s->len && s->v[i].tid != tid)
		i++;
	if (i == s->len) {
		if (s->len >= SAMPLE_THREADS_MAX)
			return;
		if (s->len == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 64;
			s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
		}
		s->v[s->len++] = (struct seen){ tid, 0 };
	}
	s->v[i].wait_ns = wait_ns;
}

/* Every task of one process. */
static void sample_process(struct sampler *s, pid_t pid)
{
	char path[320], buf[128];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%ld/task", (long)pid);
	if (!(d = opendir(path)))
		return;
	while ((e = readdir(d))) {
		uint64_t run, wait;
		ssize_t n;
		int fd;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/task/%s/schedstat", (long)pid, e->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		if (sscanf(buf, "%" SCNu64 " %" SCNu64, &run, &wait) == 2)
			note(s, (pid_t)strtol(e->d_name, NULL, 10), wait);
	}
	closedir(d);
}

static void sample_tree(struct sampler *s)
{
	pid_t *pids = NULL;
	size_t n = reap_tree_pids(s->root, &pids);

	for (size_t i = 0; i < n; i++)
		sample_process(s, pids[i]);
	free(pids);
}

static void *sampler_main(void *p)
{
	struct sampler *s = p;
	struct timespec at;

	pthread_mutex_lock(&s->m);
	clock_gettime(CLOCK_MONOTONIC, &at);
	while (!s->stop) {
		pthread_mutex_unlock(&s->m);
		sample_tree(s);
		pthread_mutex_lock(&s->m);
		at.tv_nsec += (long)(SAMPLE_INTERVAL_S * 1e9);
		if (at.tv_nsec >= 1000000000L) {
			at.tv_sec++;
			at.tv_nsec -= 1000000000L;
		}
		while (!s->stop && pthread_cond_timedwait(&s->cv, &s->m, &at) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&s->m);
	return NULL;
}

struct sampler *sampler_start(pid_t pid)
{
	struct sampler *s = xcalloc(1, sizeof(*s));
	pthread_condattr_t ca;

	s->root = pid;
	pthread_mutex_init(&s->m, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&s->thread, NULL, sampler_main, s) != 0) {
		pthread_cond_destroy(&s->cv);
		pthread_mutex_destroy(&s->m);
		free(s);
		return NULL;
	}
	return s;
}

uint64_t sampler_stop(struct sampler *s, int *threads)
{
	uint64_t sum = 0;

	pthread_mutex_lock(&s->m);
	s->stop = 1;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->m);
	pthread_join(s->thread, NULL);
	sample_tree(s);		/* the ended program's main thread, before it is reaped */
	for (size_t i = 0; i < s->len; i++)
		sum += s->v[i].wait_ns;
	if (threads)
		*threads = (int)s->len;
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->m);
	free(s->v);
	free(s);
	return sum;
}
