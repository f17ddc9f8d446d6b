/*
 * Tests of Queue (src/runtime/queue.c): producers and consumers on real threads
 * move every item exactly once and in each producer's order, put and get
 * block until their timeouts, task_done/join count the work, and a queue in
 * MAP_SHARED memory connects two processes across fork().
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../src/runtime/queue.h"

#define PRODUCERS 3
#define CONSUMERS 3
#define PER_PRODUCER 20000
#define CAPACITY 16

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct sync_queue *queue_new(size_t capacity, size_t item_size, int pshared)
{
	size_t bytes = sync_queue_bytes(capacity, item_size);
	void *mem;

	cr_assert_gt(bytes, 0);
	if (pshared) {
		mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		cr_assert_neq(mem, MAP_FAILED);
	} else {
		mem = malloc(bytes);
		cr_assert_not_null(mem);
	}
	struct sync_queue *q = sync_queue_init(mem, capacity, item_size, pshared);
	cr_assert_not_null(q);
	return q;
}

struct item {
	int producer;		/* -1: stop */
	int seq;
};

struct traffic {
	struct sync_queue *q;
	int id;
	atomic_int *seen;	/* [PRODUCERS][PER_PRODUCER] delivery counts */
	atomic_int *bad;	/* timeouts and out-of-order deliveries */
};

static void *producer(void *arg)
{
	struct traffic *t = arg;

	for (int i = 0; i < PER_PRODUCER; i++) {
		struct item it = { t->id, i };
		if (sync_queue_put(t->q, &it, 20) != 0)
			atomic_fetch_add(t->bad, 1);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	struct traffic *t = arg;
	int last[PRODUCERS];

	for (int p = 0; p < PRODUCERS; p++)
		last[p] = -1;
	for (;;) {
		struct item it;
		if (sync_queue_get(t->q, &it, 20) != 0) {
			atomic_fetch_add(t->bad, 1);
			return NULL;
		}
		if (it.producer < 0)
			break;
		/* A FIFO queue hands each consumer a producer's items in order. */
		if (it.seq <= last[it.producer])
			atomic_fetch_add(t->bad, 1);
		last[it.producer] = it.seq;
		atomic_fetch_add(&t->seen[it.producer * PER_PRODUCER + it.seq], 1);
		sync_queue_task_done(t->q);
	}
	sync_queue_task_done(t->q);
	return NULL;
}

static void run_traffic(int consumers)
{
	struct sync_queue *q = queue_new(CAPACITY, sizeof(struct item), 0);
	atomic_int *seen = calloc(PRODUCERS * PER_PRODUCER, sizeof(*seen));
	atomic_int bad;
	struct traffic pt[PRODUCERS], ct[CONSUMERS];
	pthread_t pth[PRODUCERS], cth[CONSUMERS];

	cr_assert_not_null(seen);
	atomic_init(&bad, 0);
	for (int i = 0; i < consumers; i++) {
		ct[i] = (struct traffic){ q, i, seen, &bad };
		cr_assert_eq(pthread_create(&cth[i], NULL, consumer, &ct[i]), 0);
	}
	for (int i = 0; i < PRODUCERS; i++) {
		pt[i] = (struct traffic){ q, i, seen, &bad };
		cr_assert_eq(pthread_create(&pth[i], NULL, producer, &pt[i]), 0);
	}
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(pth[i], NULL);
	cr_assert_eq(sync_queue_join(q, 20), 0, "items put but never done");
	for (int i = 0; i < consumers; i++) {
		struct item stop = { -1, 0 };
		cr_assert_eq(sync_queue_put(q, &stop, 20), 0);
	}
	for (int i = 0; i < consumers; i++)
		pthread_join(cth[i], NULL);
	cr_assert_eq(atomic_load(&bad), 0, "timeouts or items out of order");
	for (int i = 0; i < PRODUCERS * PER_PRODUCER; i++)
		cr_assert_eq(atomic_load(&seen[i]), 1, "item %d/%d delivered %d times",
			     i / PER_PRODUCER, i % PER_PRODUCER, atomic_load(&seen[i]));
	cr_assert_eq(sync_queue_len(q), 0);
	cr_assert_eq(sync_queue_join(q, 0), 0);
	sync_queue_destroy(q);
	free(q);
	free(seen);
}

Test(sync_queue, every_item_exactly_once_one_consumer, .timeout = 30)
{
	run_traffic(1);
}

Test(sync_queue, every_item_exactly_once_many_consumers, .timeout = 30)
{
	run_traffic(CONSUMERS);
}

Test(sync_queue, put_blocks_when_full_get_when_empty, .timeout = 30)
{
	struct sync_queue *q = queue_new(2, 3, 0);	/* odd item size: no alignment luck */
	char out[3];

	cr_assert_eq(sync_queue_capacity(q), 2);
	double t0 = now_s();
	cr_assert_eq(sync_queue_get(q, out, 0.15), -1);
	double dt = now_s() - t0;
	cr_assert(dt >= 0.14 && dt < 5, "get timed out after %.3f s", dt);

	cr_assert_eq(sync_queue_put(q, "ab", 0), 0);
	cr_assert_eq(sync_queue_put(q, "cd", -1), 0);
	cr_assert_eq(sync_queue_len(q), 2);
	t0 = now_s();
	cr_assert_eq(sync_queue_put(q, "ef", 0.15), -1);
	dt = now_s() - t0;
	cr_assert(dt >= 0.14 && dt < 5, "put timed out after %.3f s", dt);
	cr_assert_eq(sync_queue_put(q, "ef", 0), -1);
	cr_assert_eq(sync_queue_len(q), 2);

	/* Round the ring a few times. */
	const char *want[] = { "ab", "cd", "ef", "gh", "ij", "kl" };
	for (int i = 0; i < 6; i++) {
		cr_assert_eq(sync_queue_get(q, out, 0), 0);
		cr_assert_str_eq(out, want[i]);
		if (i + 2 < 6)
			cr_assert_eq(sync_queue_put(q, want[i + 2], 0), 0);
	}
	cr_assert_eq(sync_queue_len(q), 0);
	sync_queue_destroy(q);
	free(q);
}

struct worker {
	struct sync_queue *q;
	int done_rc;
};

static void *task_worker(void *arg)
{
	struct worker *w = arg;
	int v;

	for (int i = 0; i < 3; i++) {
		if (sync_queue_get(w->q, &v, 20) != 0 || sync_queue_task_done(w->q) != 0)
			w->done_rc = -1;
	}
	return NULL;
}

Test(sync_queue, task_done_and_join, .timeout = 30)
{
	struct sync_queue *q = queue_new(4, sizeof(int), 0);
	struct worker w = { q, 0 };
	pthread_t t;

	cr_assert_eq(sync_queue_join(q, 0), 0, "nothing put: nothing to wait for");
	cr_assert_eq(sync_queue_task_done(q), -1);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(sync_queue_put(q, &i, 0), 0);
	cr_assert_eq(sync_queue_task_done(q), -1, "done before anything was taken");
	double t0 = now_s();
	cr_assert_eq(sync_queue_join(q, 0.15), -1);
	double dt = now_s() - t0;
	cr_assert(dt >= 0.14 && dt < 5, "join timed out after %.3f s", dt);

	cr_assert_eq(pthread_create(&t, NULL, task_worker, &w), 0);
	cr_assert_eq(sync_queue_join(q, 20), 0);
	pthread_join(t, NULL);
	cr_assert_eq(w.done_rc, 0);
	cr_assert_eq(sync_queue_task_done(q), -1, "more task_done than items");
	sync_queue_destroy(q);
	free(q);
}

Test(sync_queue, bad_arguments, .timeout = 30)
{
	char mem[1024];

	cr_assert_eq(sync_queue_bytes(0, 8), 0);
	cr_assert_eq(sync_queue_bytes(8, 0), 0);
	cr_assert_eq(sync_queue_bytes((size_t)-1 / 2, 4), 0);
	cr_assert_null(sync_queue_init(NULL, 4, 4, 0));
	cr_assert_null(sync_queue_init(mem, 0, 4, 0));
}

#define FORKED_ITEMS 50000

Test(sync_queue, pshared_across_fork, .timeout = 30)
{
	size_t bytes = sync_queue_bytes(8, sizeof(long));
	struct sync_queue *q = queue_new(8, sizeof(long), 1);

	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		/* Child: produce, then wait until the parent has done every item. */
		for (long i = 0; i < FORKED_ITEMS; i++)
			if (sync_queue_put(q, &i, 20) != 0)
				_exit(3);
		_exit(sync_queue_join(q, 20) == 0 ? 0 : 4);
	}
	for (long i = 0; i < FORKED_ITEMS; i++) {
		long v;
		cr_assert_eq(sync_queue_get(q, &v, 20), 0, "item %ld never came", i);
		cr_assert_eq(v, i, "got %ld, want %ld", v, i);
		cr_assert_eq(sync_queue_task_done(q), 0);
	}
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
	cr_assert_eq(sync_queue_len(q), 0);
	sync_queue_destroy(q);
	munmap(q, bytes);
}
