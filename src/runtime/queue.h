/*
 * Bounded FIFO of fixed-size items, as Python's queue.Queue: put blocks while
 * the queue is full, get while it is empty, and task_done/join let a producer
 * wait until every item it put has been processed, not just taken.
 *
 * The queue lives in memory the caller provides (sync_queue_bytes tells how
 * much, aligned as malloc or mmap align), so with pshared it can sit in
 * MAP_SHARED memory and connect processes across fork(). Items are copied in
 * and out by value.
 */
#ifndef AMDAHL_SYNC_QUEUE_H
#define AMDAHL_SYNC_QUEUE_H

#include <stddef.h>

struct sync_queue;

/* Bytes needed for a queue of capacity items of item_size bytes each;
 * 0 when either is 0 or the size overflows. */
size_t sync_queue_bytes(size_t capacity, size_t item_size);
/* Build a queue in mem (at least sync_queue_bytes bytes, aligned for any
 * type). NULL on bad arguments or when pthreads refuses. */
struct sync_queue *sync_queue_init(void *mem, size_t capacity, size_t item_size, int pshared);
/* Release the pthreads objects; the memory stays the caller's. */
void sync_queue_destroy(struct sync_queue *q);
/* Copy item in. timeout_s < 0: forever, 0: just try. 0, -1 timed out (full). */
int  sync_queue_put(struct sync_queue *q, const void *item, double timeout_s);
/* Copy the oldest item out. 0, -1 timed out (empty). */
int  sync_queue_get(struct sync_queue *q, void *item, double timeout_s);
/* One item taken by get is fully processed. -1 when called more times than
 * items were put, or than were taken by get so far (nothing changes). */
int  sync_queue_task_done(struct sync_queue *q);
/* Wait until every item put so far is done. 0, -1 timed out. */
int  sync_queue_join(struct sync_queue *q, double timeout_s);
/* Items in the queue now (a snapshot). */
size_t sync_queue_len(struct sync_queue *q);
size_t sync_queue_capacity(struct sync_queue *q);

#endif
