/*
 * amdahl demo print: the talk's "threads it tricky Why use is to". Two threads
 * write a sentence word by word, without and with a lock: the garbled line
 * and the clean one.
 */
#include "demo.h"
#include "../base/util.h"
#include "../runtime/event.h"
#include "../runtime/lock.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PRINT_SENTENCE "Why it is tricky to use threads"

static const char *const print_halves[2][5] = {
	{ "Why", "it", "is", "tricky", NULL },
	{ "to", "use", "threads", NULL, NULL },
};

struct print_ctx {
	int fd;			/* the pipe both threads write to */
	int locked;
	struct sync_lock lock;
	struct sync_event first_started;
};

struct print_thread {
	struct print_ctx *c;
	int half;
};

/* Write our half word by word, one write(2) each, pausing between words so
 * the other thread gets in whenever nothing stops it. */
static void *print_speaker(void *arg)
{
	struct print_thread *p = arg;
	struct print_ctx *c = p->c;
	const struct timespec pause = { 0, 200000 };	/* 0.2 ms */

	/* Thread 1 starts first, thread 2 once thread 1 is under way (holding
	 * the lock, when there is one): the order is fixed, only the lock
	 * decides whether the halves interleave. */
	if (p->half == 1)
		sync_event_wait(&c->first_started, -1);
	if (c->locked)
		sync_lock_acquire(&c->lock);
	if (p->half == 0)
		sync_event_set(&c->first_started);
	for (int i = 0; print_halves[p->half][i]; i++) {
		char word[32];
		int len = snprintf(word, sizeof(word), " %s", print_halves[p->half][i]);
		if (write(c->fd, word, (size_t)len) != len)
			break;
		sched_yield();
		nanosleep(&pause, NULL);
	}
	if (c->locked)
		sync_lock_release(&c->lock);
	return NULL;
}

static void print_release(void *arg)
{
	struct print_ctx *c = arg;

	sync_event_set(&c->first_started);
}

/* One line from the two threads, read back from the pipe into line. */
static int print_once(int locked, char *line, size_t size)
{
	struct print_ctx c = { .locked = locked };
	struct print_thread p[2] = { { &c, 0 }, { &c, 1 } };
	pthread_t t[2];
	int fds[2], rc = -1;

	if (pipe(fds) < 0) {
		errorf("print: cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	c.fd = fds[1];
	if (sync_lock_init(&c.lock, 0) < 0 || sync_event_init(&c.first_started, 0) < 0) {
		errorf("print: cannot set up: %s", strerror(errno));
		goto out;
	}
	if (demo_spawn(t, 2, print_speaker, p, sizeof(p[0]), print_release, &c) == 0) {
		pthread_join(t[0], NULL);
		pthread_join(t[1], NULL);
		rc = 0;
	}
	sync_event_destroy(&c.first_started);
	sync_lock_destroy(&c.lock);
out:
	close(fds[1]);
	if (rc == 0) {
		size_t used = 0;
		ssize_t got;
		while (used + 1 < size && (got = read(fds[0], line + used, size - 1 - used)) > 0)
			used += (size_t)got;
		line[used] = '\0';
		/* Every word came with a space in front of it. */
		if (line[0] == ' ')
			memmove(line, line + 1, used);
	}
	close(fds[0]);
	return rc;
}

static int print_demo(const struct demo_opts *o)
{
	uint64_t reps = o->iterations ? o->iterations : 1;
	int failed = 0;

	if (o->threads && o->threads != 2) {
		usagef("demo", "bad --threads '%d' for print: the sentence has two halves, two threads",
		       o->threads);
		return EXIT_USAGE;
	}
	if (o->csv)
		puts("lock,rep,intact,line");
	else
		printf("%-5s %s\n", "lock", "line (thread 1: \"Why it is tricky\", thread 2: \"to use threads\")");
	for (int locked = 0; locked < 2; locked++)
		for (uint64_t r = 0; r < reps; r++) {
			char line[256];
			if (print_once(locked, line, sizeof(line)) < 0)
				return EXIT_FAILED;
			int intact = strcmp(line, PRINT_SENTENCE) == 0;
			if (o->csv)
				printf("%s,%llu,%d,%s\n", locked ? "sync" : "none", (unsigned long long)r + 1,
				       intact, line);
			else
				printf("%-5s %s\n", locked ? "sync" : "none", line);
			if (locked && !intact) {
				errorf("print: the locked line came out garbled");
				failed = 1;
			}
		}
	if (finish_stdout() < 0)
		return EXIT_FAILED;
	return failed ? EXIT_FAILED : EXIT_OK;
}

const struct demo demo_print = {
	.name = "print",
	.summary = "two threads printing words, without and with a lock",
	.run = print_demo,
};
