/*
 * message workload: the cost of moving data between workers, which the talk
 * blames on pickling and IPC. Each unit sends a payload of --bytes through
 * the backend's channel, job->hooks.transfer: a sync_queue to a consumer
 * thread (thread, gil, openmp), a queue to a consumer greenlet (green), a pipe
 * to a consumer process (process). The receiver reads every byte.
 *
 * Calibration runs without a backend, so there is no channel: a unit then
 * sends the payload through a pipe to itself — written, read back into a
 * buffer, read into a checksum — the cheapest IPC there is, with nobody else
 * to wake. A plain local copy would be the other choice, but for small
 * messages it is a hundred times cheaper than any channel (1 byte: ~10 ns
 * against ~1.5 us for a pipe write), so --work would no longer say how long a
 * run takes. At N=1 a backend's wall time over --work is its channel's cost
 * against that round trip: context switches and wake-ups of a consumer,
 * queue locking, extra copies. `report` sets the payload bytes sent (the gbps
 * column); messages per second are units / wall_s.
 */
#include "../api/workload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MESSAGE_MAX_BYTES (64u << 20)
#define MESSAGE_PIPE_CHUNK 32768	/* fits an empty pipe: write, then read back */

static const struct option_spec message_params[] = {
	{ .name = "bytes", .kind = OPTION_INT, .metavar = "BYTES", .def = "4096", .min = 1, .max = MESSAGE_MAX_BYTES,
	  .help = "message workload: payload of one message (1 to 67108864)" },
	{ .name = NULL },
};

struct message_state {
	size_t bytes;
	size_t map_bytes;
	unsigned char *payload;		/* what every unit sends */
	unsigned char *local;		/* calibration: what is read back */
	int fds[2];			/* calibration: the pipe to itself */
	volatile uint64_t sink;
};

static int message_setup(struct job *job)
{
	struct message_state *s = job_shared_alloc(sizeof(*s));
	size_t bytes = (size_t)params_uint(job->params, message_params, "bytes");

	if (!s)
		return job_fail(job, "message: cannot map state");
	s->bytes = bytes;
	s->map_bytes = 2 * bytes;
	s->payload = job_shared_alloc(s->map_bytes);
	if (!s->payload) {
		job_shared_free(s, sizeof(*s));
		return job_fail(job, "message: cannot map a payload of %zu bytes", bytes);
	}
	s->local = s->payload + bytes;
	if (pipe(s->fds) < 0) {
		int e = errno;
		job_shared_free(s->payload, s->map_bytes);
		job_shared_free(s, sizeof(*s));
		return job_fail(job, "message: cannot make a pipe: %s", strerror(e));
	}
	for (size_t i = 0; i < bytes; i++)
		s->payload[i] = (unsigned char)(i * 131 + 7);
	job->state = s;
	return 0;
}

/* No channel (calibration): through the pipe to itself, chunk by chunk. */
static int pipe_round_trip(struct message_state *s)
{
	uint64_t sum = 0;

	for (size_t off = 0; off < s->bytes; off += MESSAGE_PIPE_CHUNK) {
		size_t len = s->bytes - off < MESSAGE_PIPE_CHUNK ? s->bytes - off : MESSAGE_PIPE_CHUNK;
		size_t done = 0;
		ssize_t k;

		while (done < len) {
			k = write(s->fds[1], s->payload + off + done, len - done);
			if (k < 0 && errno != EINTR)
				return -1;
			done += k > 0 ? (size_t)k : 0;
		}
		for (done = 0; done < len;) {
			k = read(s->fds[0], s->local + off + done, len - done);
			if (k == 0 || (k < 0 && errno != EINTR))
				return -1;
			done += k > 0 ? (size_t)k : 0;
		}
	}
	for (size_t i = 0; i < s->bytes; i++)
		sum += s->local[i];
	s->sink += sum;
	return 0;
}

static void message_units(struct job *job, int worker, uint64_t units)
{
	struct message_state *s = job->state;

	for (uint64_t u = 0; u < units; u++) {
		if (!job->hooks.transfer) {
			if (pipe_round_trip(s) < 0)
				return;	/* cannot happen: the pipe is ours and empty */
		} else if (job->hooks.transfer(job, worker, s->payload, s->bytes) < 0)
			return;		/* the backend has set job->err and fails the run */
		job_tick(job, worker);
	}
}

static void message_serial(struct job *job, uint64_t units)
{
	message_units(job, -1, units);
}

static void message_parallel(struct job *job, int worker, int nworkers, uint64_t units)
{
	(void)nworkers;
	message_units(job, worker, units);
}

static void message_report(struct job *job, struct timing *t)
{
	struct message_state *s = job->state;
	uint64_t units = 0;

	for (int k = 0; k < job->phases; k++)
		units += job_serial_units(job, k) + job_parallel_units(job, k, job->nworkers);
	if (t->wall_s > 0)
		timing_set(t, "gbps", (double)units * (double)s->bytes / t->wall_s / 1e9);
}

static void message_teardown(struct job *job)
{
	struct message_state *s = job->state;

	close(s->fds[0]);
	close(s->fds[1]);
	job_shared_free(s->payload, s->map_bytes);
	job_shared_free(s, sizeof(*s));
	job->state = NULL;
}

static const struct column message_columns[] = {
	{ .name = "gbps", .unit = "GB/s", .agg = COLUMN_MEDIAN,
	  .help = "payload bytes sent per second of wall time" },
	{ 0 },
};

const struct workload workload_message = {
	.name = "message",
	.summary = "IPC: each unit sends --bytes through the backend's channel (queue or pipe)",
	.params = message_params,
	.columns = message_columns,
	.bound = WORKLOAD_BOUND_CHANNEL,
	.needs = WORKLOAD_NEEDS_CHANNEL,
	.setup = message_setup,
	.serial = message_serial,
	.parallel = message_parallel,
	.report = message_report,
	.teardown = message_teardown,
};
