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
 * Under the gil backend (src/runtime/gil.h) the blocking calls release the
 * interpreter lock, as CPython's do: a producer holds it unless the queue is full, the consumer
 * holds it while it has items to read and gives it up at the switch interval.
 */
#ifndef AMDAHL_BACKENDS_CHANNEL_H
#define AMDAHL_BACKENDS_CHANNEL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "../api/job.h"
#include "gil.h"

#define CHANNEL_CHUNK 4096
#define CHANNEL_CAPACITY 64	/* chunks in flight */

/* One item of a channel's queue: a framed chunk of a message, or the stop. */
struct channel_chunk {
	uint32_t len;		/* payload bytes in data */
	uint32_t stop;		/* 1: the last item, the consumer ends */
	unsigned char data[CHANNEL_CHUNK];
};

/* The framing every channel shares (the green backend's too): cut len bytes
 * into chunks, a copy each, and hand them to put(ctx, chunk) in order. */
void channel_frame(const void *buf, size_t len, void (*put)(void *ctx, const struct channel_chunk *c), void *ctx);
/* The consumer's reading of a chunk: the sum of its bytes. */
uint64_t channel_chunk_sum(const struct channel_chunk *c);

struct channel {
	struct sync_queue *q;
	void *mem;
	size_t mem_bytes;
	void *rx;			/* the consumer's chunk */
	pthread_t consumer;
	int running;
	struct gil *gil;		/* NULL: plain threads */
	struct gil_thread consumer_gil;	/* the consumer's state for gil */
	_Atomic uint64_t sent;		/* bytes */
	uint64_t received;		/* bytes, by the consumer only */
	uint64_t checksum;
};

/* Make the queue and start the consumer, which takes gil (NULL: none) to
 * read. 0, or -1 with job->err set. */
int channel_open(struct channel *ch, struct gil *gil, struct job *job);
/* Send len bytes (any length; cut into chunks) from a thread whose state for
 * the GIL is me (NULL without a GIL). 0, or -1 with job->err set. */
int channel_send(struct channel *ch, struct job *job, struct gil_thread *me, const void *buf, size_t len);
/* Stop the consumer once it has read everything, join it and free the queue.
 * Call without the interpreter lock. 0, or -1 with job->err set when the
 * bytes received differ from the bytes sent. */
int channel_close(struct channel *ch, struct job *job);
/* A job_hooks.transfer for backends whose hooks.ctx is the channel itself. */
int channel_transfer(struct job *job, int worker, const void *buf, size_t len);

#endif
