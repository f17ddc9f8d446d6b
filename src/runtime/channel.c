/*
 * The thread backends' channel (channel.h): a sync_queue of framed chunks and
 * a consumer thread that reads them into a checksum until it gets the stop
 * item that channel_close puts last.
 */
#include "channel.h"
#include "queue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

uint64_t channel_chunk_sum(const struct channel_chunk *c)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < c->len; i++)
		sum += c->data[i];
	return sum;
}

/* A blocking put or get: only try while holding the GIL; block without it. */
static int gil_put(struct channel *ch, struct gil_thread *me, const struct channel_chunk *c)
{
	if (!me)
		return sync_queue_put(ch->q, c, -1);
	if (sync_queue_put(ch->q, c, 0) == 0)
		return 0;
	gil_drop(me);
	sync_queue_put(ch->q, c, -1);
	gil_take(me);
	return 0;
}

static void *consumer_main(void *p)
{
	struct channel *ch = p;
	struct gil_thread *me = ch->gil ? &ch->consumer_gil : NULL;
	struct channel_chunk *c = ch->rx;
	uint64_t got = 0, sum = 0;
	int holding = 0;

	for (;;) {
		if (!holding || sync_queue_get(ch->q, c, 0) < 0) {
			if (holding)
				gil_drop(me);
			sync_queue_get(ch->q, c, -1);
			if (me)
				gil_take(me);
			holding = me != NULL;
		}
		if (c->stop)
			break;
		sum += channel_chunk_sum(c);
		got += c->len;
		if (holding)
			gil_tick(me);
	}
	if (holding)
		gil_exit(me);
	ch->received = got;
	ch->checksum = sum;
	return NULL;
}

int channel_open(struct channel *ch, struct gil *gil, struct job *job)
{
	int err;

	memset(ch, 0, sizeof(*ch));
	ch->gil = gil;
	if (gil)
		gil_thread_init(&ch->consumer_gil, gil);
	ch->mem_bytes = sync_queue_bytes(CHANNEL_CAPACITY, sizeof(struct channel_chunk));
	ch->mem = malloc(ch->mem_bytes);
	ch->rx = malloc(sizeof(struct channel_chunk));
	if (!ch->mem || !ch->rx) {
		free(ch->mem);
		free(ch->rx);
		return job_fail(job, "channel: out of memory for the queue");
	}
	ch->q = sync_queue_init(ch->mem, CHANNEL_CAPACITY, sizeof(struct channel_chunk), 0);
	if (!ch->q) {
		free(ch->mem);
		free(ch->rx);
		return job_fail(job, "channel: cannot make the queue: %s", strerror(errno));
	}
	err = pthread_create(&ch->consumer, NULL, consumer_main, ch);
	if (err) {
		sync_queue_destroy(ch->q);
		free(ch->mem);
		free(ch->rx);
		return job_fail(job, "channel: cannot start the consumer: %s", strerror(err));
	}
	ch->running = 1;
	return 0;
}

void channel_frame(const void *buf, size_t len, void (*put)(void *ctx, const struct channel_chunk *c), void *ctx)
{
	const unsigned char *p = buf;
	struct channel_chunk c;

	c.stop = 0;
	do {
		size_t n = len < CHANNEL_CHUNK ? len : CHANNEL_CHUNK;

		c.len = (uint32_t)n;
		memcpy(c.data, p, n);
		put(ctx, &c);
		p += n;
		len -= n;
	} while (len > 0);
}

struct sender {
	struct channel *ch;
	struct gil_thread *me;
};

static void send_chunk(void *p, const struct channel_chunk *c)
{
	struct sender *s = p;

	gil_put(s->ch, s->me, c);
	atomic_fetch_add_explicit(&s->ch->sent, c->len, memory_order_relaxed);
}

int channel_send(struct channel *ch, struct job *job, struct gil_thread *me, const void *buf, size_t len)
{
	struct sender s = { ch, me };

	(void)job;
	channel_frame(buf, len, send_chunk, &s);
	return 0;
}

int channel_close(struct channel *ch, struct job *job)
{
	struct channel_chunk stop;
	uint64_t sent = atomic_load(&ch->sent);
	int rc = 0;

	if (!ch->running)
		return 0;
	memset(&stop, 0, sizeof(stop));
	stop.stop = 1;
	sync_queue_put(ch->q, &stop, -1);
	pthread_join(ch->consumer, NULL);
	ch->running = 0;
	if (ch->received != sent)
		rc = job_fail(job, "channel: %llu bytes sent but %llu received", (unsigned long long)sent,
			      (unsigned long long)ch->received);
	sync_queue_destroy(ch->q);
	free(ch->mem);
	free(ch->rx);
	return rc;
}

int channel_transfer(struct job *job, int worker, const void *buf, size_t len)
{
	(void)worker;
	return channel_send(job->hooks.ctx, job, NULL, buf, len);
}
