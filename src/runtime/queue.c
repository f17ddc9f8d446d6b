/*
 * Queue (queue.h): a ring buffer of fixed-size items that follows its header
 * in the caller's memory, one mutex and three condition variables (not empty,
 * not full, all done). Nothing in it is a pointer, so the same bytes work in
 * every process that maps them.
 */
#include "queue.h"
#include "deadline.h"

#include <stdalign.h>
#include <stdint.h>
#include <string.h>

struct sync_queue {
	pthread_mutex_t m;
	pthread_cond_t not_empty, not_full, all_done;
	size_t capacity, item_size;
	size_t head, count;	/* oldest item's slot; items stored */
	size_t unfinished;	/* put and not yet task_done */
	alignas(max_align_t) unsigned char items[];
};

size_t sync_queue_bytes(size_t capacity, size_t item_size)
{
	if (capacity == 0 || item_size == 0 || capacity > (SIZE_MAX - sizeof(struct sync_queue)) / item_size)
		return 0;
	return sizeof(struct sync_queue) + capacity * item_size;
}

struct sync_queue *sync_queue_init(void *mem, size_t capacity, size_t item_size, int pshared)
{
	struct sync_queue *q = mem;

	if (!mem || sync_queue_bytes(capacity, item_size) == 0) {
		errno = EINVAL;
		return NULL;
	}
	if (sync_mutex_init(&q->m, pshared) < 0)
		return NULL;
	if (sync_condvar_init(&q->not_empty, pshared) < 0)
		goto fail_empty;
	if (sync_condvar_init(&q->not_full, pshared) < 0)
		goto fail_full;
	if (sync_condvar_init(&q->all_done, pshared) < 0)
		goto fail_done;
	q->capacity = capacity;
	q->item_size = item_size;
	q->head = q->count = q->unfinished = 0;
	return q;
fail_done:
	pthread_cond_destroy(&q->not_full);
fail_full:
	pthread_cond_destroy(&q->not_empty);
fail_empty:
	pthread_mutex_destroy(&q->m);
	return NULL;
}

void sync_queue_destroy(struct sync_queue *q)
{
	pthread_cond_destroy(&q->all_done);
	pthread_cond_destroy(&q->not_full);
	pthread_cond_destroy(&q->not_empty);
	pthread_mutex_destroy(&q->m);
}

int sync_queue_put(struct sync_queue *q, const void *item, double timeout_s)
{
	struct sync_deadline d = sync_deadline_in(timeout_s);
	int rc = 0;

	pthread_mutex_lock(&q->m);
	while (q->count == q->capacity && rc == 0)
		rc = sync_deadline_wait(&q->not_full, &q->m, &d);
	if (q->count == q->capacity) {
		pthread_mutex_unlock(&q->m);
		return -1;
	}
	size_t tail = (q->head + q->count) % q->capacity;
	memcpy(q->items + tail * q->item_size, item, q->item_size);
	q->count++;
	q->unfinished++;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->m);
	return 0;
}

int sync_queue_get(struct sync_queue *q, void *item, double timeout_s)
{
	struct sync_deadline d = sync_deadline_in(timeout_s);
	int rc = 0;

	pthread_mutex_lock(&q->m);
	while (q->count == 0 && rc == 0)
		rc = sync_deadline_wait(&q->not_empty, &q->m, &d);
	if (q->count == 0) {
		pthread_mutex_unlock(&q->m);
		return -1;
	}
	memcpy(item, q->items + q->head * q->item_size, q->item_size);
	q->head = (q->head + 1) % q->capacity;
	q->count--;
	pthread_cond_signal(&q->not_full);
	pthread_mutex_unlock(&q->m);
	return 0;
}

int sync_queue_task_done(struct sync_queue *q)
{
	pthread_mutex_lock(&q->m);
	/* Items still queued have not been taken, so they cannot be done yet. */
	if (q->unfinished <= q->count) {
		pthread_mutex_unlock(&q->m);
		return -1;
	}
	if (--q->unfinished == 0)
		pthread_cond_broadcast(&q->all_done);
	pthread_mutex_unlock(&q->m);
	return 0;
}

int sync_queue_join(struct sync_queue *q, double timeout_s)
{
	struct sync_deadline d = sync_deadline_in(timeout_s);
	int rc = 0, done;

	pthread_mutex_lock(&q->m);
	while (q->unfinished > 0 && rc == 0)
		rc = sync_deadline_wait(&q->all_done, &q->m, &d);
	done = q->unfinished == 0;
	pthread_mutex_unlock(&q->m);
	return done ? 0 : -1;
}

size_t sync_queue_len(struct sync_queue *q)
{
	pthread_mutex_lock(&q->m);
	size_t n = q->count;
	pthread_mutex_unlock(&q->m);
	return n;
}

size_t sync_queue_capacity(struct sync_queue *q)
{
	return q->capacity;
}
