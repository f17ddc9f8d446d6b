/*
 * The channel of the thread-based backends (thread, gil, openmp) for the
 * message workload: a bounded sync_queue of chunks between the workers and
 * one consumer thread, Python's queue.Queue with a reader on the other end.
 *
 * A message is cut into chunks of up to CHANNEL_CHUNK bytes. Each chunk is
 * framed into an item (a copy: the "pickling"), put into the queue (a copy),
 * and got out by the consumer (a copy: the "unpickling"), which then reads
 * every byte into a checksum. The channel counts the bytes sent and received;
 * channel_close fails the job when they differ.
 *
 * Under the gil backend the blocking calls release the interpreter lock, as
 * CPython's do: a producer holds it unless the queue is full, the consumer
 * holds it while it has items to read and gives it up at the switch interval.
 */
#ifndef AMDAHL_BACKENDS_CHANNEL_H
#define AMDAHL_BACKENDS_CHANNEL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "../api/job.h"

#define CHANNEL_CHUNK 4096
#define CHANNEL_CAPACITY 64	/* chunks in flight */

/* A global interpreter lock the channel's threads must hold to compute. */
struct channel_gil {
	void (*release)(void *ctx);
	void (*acquire)(void *ctx);
	void (*tick)(void *ctx);	/* between items: give the lock up if asked */
	void *ctx;
};

struct channel {
	struct sync_queue *q;
	void *mem;
	size_t mem_bytes;
	void *rx;			/* the consumer's chunk */
	pthread_t consumer;
	int running;
	const struct channel_gil *gil;	/* NULL: plain threads */
	_Atomic uint64_t sent;		/* bytes */
	uint64_t received;		/* bytes, by the consumer only */
	uint64_t checksum;
};

/* Make the queue and start the consumer. 0, or -1 with job->err set. */
int channel_open(struct channel *ch, const struct channel_gil *gil, struct job *job);
/* Send len bytes (any length; cut into chunks). 0, or -1 with job->err set. */
int channel_send(struct channel *ch, struct job *job, const void *buf, size_t len);
/* Stop the consumer once it has read everything, join it and free the queue.
 * Call without the interpreter lock. 0, or -1 with job->err set when the
 * bytes received differ from the bytes sent. */
int channel_close(struct channel *ch, struct job *job);
/* A job_hooks.transfer for backends whose hooks.ctx is the channel itself. */
int channel_transfer(struct job *job, int worker, const void *buf, size_t len);

#endif
