/*
 * amdahl-mpi-rank: the ranks' binary, which mpirun starts N times for the
 * mpi backend (src/backends/mpi.c starts mpirun; the protocol between them is
 * in src/backends/mpi.h). It is the only code in amdahl that calls MPI, and
 * only these processes ever initialise it.
 *
 * Rank r is worker r of N. Rank 0 also runs the serial sections, while the
 * others wait at a barrier, exactly as the work model splits the units. The
 * clock runs inside the ranks, from a barrier after start-up to a reduction
 * at the end: the slowest rank's time is the wall time (MPI_MAX), and the
 * ranks' CPU times are summed (MPI_SUM). The message workload's channel is
 * MPI point-to-point: each transfer is a send to the next rank, which
 * receives it whenever it waits for a send of its own or at a barrier.
 */
#define _GNU_SOURCE
#include "cmd.h"
#include "../backends/mpi.h"
#include "../base/clock.h"
#include "../api/job.h"
#include "../api/params.h"
#include "../api/timing.h"
#include "../base/options.h"
#include "../base/util.h"
#include "../api/workload.h"

#include <stdio.h>
#include <string.h>

#ifdef AMDAHL_HAVE_MPI

#include <limits.h>
#include <math.h>
#include <mpi.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define CHANNEL_TAG 8101

struct rank_args {
	const struct workload *w;
	double p;
	uint64_t units, seed;
	int phases;
	enum scaling scaling;
	struct params params;
};

/* One rank's end of the message workload's channel, and how it waits. */
struct rank_channel {
	int rank, size;
	int channel;		/* the workload sends payloads: receive while waiting */
	int passive;		/* --mpi-wait passive: sleep between polls */
	void *buf;		/* where received payloads land */
	size_t cap;
};

/* Whether the launcher (mpirun or orted) is gone already: this rank was
 * re-parented to PID 1 or to amdahl, the subreaper (AMDAHL_REAPER_PID). */
static int parent_gone(void)
{
	const char *reaper = getenv("AMDAHL_REAPER_PID");
	pid_t pp = getppid();

	return pp == 1 || (reaper && strtol(reaper, NULL, 10) == (long)pp);
}

/* Tell the launcher why this rank cannot go on, and end the whole job. */
static int rank_fail(int rank, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int rank_fail(int rank, const char *fmt, ...)
{
	va_list ap;

	printf("%s rank %d: ", AMDAHL_MPI_ERROR, rank);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	MPI_Abort(MPI_COMM_WORLD, EXIT_USAGE);
	return EXIT_USAGE;
}

/* What the launcher passes (src/backends/mpi.c, build_argv), before it is resolved. */
struct rank_opts {
	const char *workload;
	double p;
	uint64_t units, seed;
	int phases, scaling;	/* enum scaling */
	struct option_list params;	/* NAME=VALUE */
};

static const char *const rank_scalings[] = { [SCALING_STRONG] = "strong", [SCALING_WEAK] = "weak", NULL };

#define RANK_AT(field) OPTION_AT(struct rank_opts, field)

static const struct option_spec rank_specs[] = {
	{ .name = "workload", .kind = OPTION_STRING, RANK_AT(workload) },
	{ .name = "p", .kind = OPTION_DECIMAL, .min = 0, .max = 1, RANK_AT(p) },
	{ .name = "units", .kind = OPTION_INT, .min = 1, .max = 18446744073709551615.0, RANK_AT(units) },
	{ .name = "phases", .kind = OPTION_INT, .min = 1, .max = 100000, .def = "1", RANK_AT(phases) },
	{ .name = "scaling", .kind = OPTION_CHOICE, .choices = rank_scalings, .def = "strong", RANK_AT(scaling) },
	{ .name = "seed", .kind = OPTION_INT, .min = 0, .max = 18446744073709551615.0, RANK_AT(seed) },
	{ .name = "param", .kind = OPTION_LIST, .max = PARAMS_MAX, RANK_AT(params) },
	{ .name = NULL },
};

/* The launcher wrote these arguments; still, every value is checked, by the one option parser. */
static int parse_rank_args(int argc, char **argv, struct rank_args *a, char *err, size_t errlen)
{
	struct rank_opts o = { .p = -1 };
	struct option_group g = { .specs = rank_specs, .base = &o };
	int argi;

	memset(a, 0, sizeof(*a));
	if (options_parse(&g, 1, argc, argv, &argi, err, errlen) != OPTIONS_OK)
		return -1;
	if (argi < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[argi]);
		return -1;
	}
	if (!o.workload || o.p < 0 || o.units == 0) {
		snprintf(err, errlen, "--workload, --p and --units are required");
		return -1;
	}
	if (!(a->w = workload_find(o.workload))) {
		snprintf(err, errlen, "unknown workload '%s'", o.workload);
		return -1;
	}
	a->p = o.p;
	a->units = o.units;
	a->seed = o.seed;
	a->phases = o.phases;
	a->scaling = (enum scaling)o.scaling;
	for (size_t i = 0; i < o.params.len; i++) {
		/* NAME=VALUE, split in place: argv outlives the job. */
		char *eq = strchr(o.params.v[i], '=');
		if (!eq || eq == o.params.v[i]) {
			snprintf(err, errlen, "bad --param '%s'", o.params.v[i]);
			return -1;
		}
		*eq = '\0';
		params_set(&a->params, o.params.v[i], eq + 1);
	}
	return 0;
}

/* Receive one payload sent to this rank, if one is waiting; 1 if one was. */
static int channel_poll(struct rank_channel *ch)
{
	MPI_Status st;
	int flag = 0, count = 0;

	MPI_Iprobe(MPI_ANY_SOURCE, CHANNEL_TAG, MPI_COMM_WORLD, &flag, &st);
	if (!flag)
		return 0;
	MPI_Get_count(&st, MPI_BYTE, &count);
	if ((size_t)count > ch->cap) {
		ch->cap = (size_t)count;
		ch->buf = xrealloc(ch->buf, ch->cap);
	}
	MPI_Recv(ch->buf, count, MPI_BYTE, st.MPI_SOURCE, CHANNEL_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	return 1;
}

/*
 * The job's transfer hook: a send to the next rank (to itself when alone).
 * A small payload goes eagerly into the receiver's queue, as a pipe's write
 * does; a large one waits until the receiver takes it. While it waits, this
 * rank takes what its own predecessor sends, so a ring of ranks that all
 * send at once cannot deadlock, whatever their counts. Everything sent is
 * received before the clock stops (rank_barrier). A sender is busy: it
 * polls without sleeping.
 */
static int channel_transfer(struct job *job, int worker, const void *buf, size_t len)
{
	struct rank_channel *ch = job->hooks.ctx;
	MPI_Request req;
	int done = 0;

	(void)worker;
	if (len > INT_MAX)
		return job_fail(job, "mpi: a message of %zu bytes is too long for one send", len);
	MPI_Isend(buf, (int)len, MPI_BYTE, (ch->rank + 1) % ch->size, CHANNEL_TAG, MPI_COMM_WORLD, &req);
	for (;;) {
		MPI_Test(&req, &done, MPI_STATUS_IGNORE);
		if (done)
			return 0;
		channel_poll(ch);
	}
}

/*
 * A barrier of all ranks. Active: MPI's own, which polls (and yields, with
 * mpi_yield_when_idle) until the last rank arrives. Passive, as
 * OMP_WAIT_POLICY=passive: a nonblocking barrier tested a hundred times,
 * then every WAIT_SLEEP_NS, so that ranks waiting for rank 0's serial
 * section, or for the slowest rank at the end, leave the cores to the ranks
 * that work (oversubscribed, or on a busy machine); the price is up to
 * about a sleep per round of the barrier. A channel workload's ranks keep
 * taking payloads while they wait.
 */
#define WAIT_SPINS 100
#define WAIT_SLEEP_NS 50000

static void rank_barrier(struct rank_channel *ch)
{
	const struct timespec nap = { 0, WAIT_SLEEP_NS };
	MPI_Request req;
	int done = 0, idle = 0;

	if (!ch->passive && !ch->channel) {
		MPI_Barrier(MPI_COMM_WORLD);
		return;
	}
	MPI_Ibarrier(MPI_COMM_WORLD, &req);
	for (;;) {
		if (ch->channel && channel_poll(ch))
			idle = 0;
		MPI_Test(&req, &done, MPI_STATUS_IGNORE);
		if (done)
			return;
		if (ch->passive && ++idle > WAIT_SPINS)
			nanosleep(&nap, NULL);
	}
}

static void read_boot_id(char *buf, size_t len)
{
	FILE *fp = fopen(AMDAHL_MPI_BOOT_ID, "r");

	if (!fp || !fgets(buf, (int)len, fp))
		snprintf(buf, len, "unknown");
	if (fp)
		fclose(fp);
	buf[strcspn(buf, "\n")] = '\0';
}

static void print_result(struct job *job, double wall, double cpu, double ready, double setup)
{
	struct timing t;
	char boot[64];

	timing_init(&t);
	t.wall_s = wall;
	t.cpu_s = cpu;
	if (job->workload->report)
		job->workload->report(job, &t);
	read_boot_id(boot, sizeof(boot));
	printf("%s wall=%.9f cpu=%.9f ready=%.9f setup=%.9f boot=%s", AMDAHL_MPI_RESULT, wall, cpu, ready,
	       setup, boot);
	/* The plugin columns by name: the parent's parse_result sets them by name. */
	for (size_t id = 0; id < column_count(); id++)
		if (isfinite(t.col[id]))
			printf(" %s=%.17g", column_at(id)->name, t.col[id]);
	putchar('\n');
	fflush(stdout);
}

int cmd_mpi_rank(int argc, char **argv)
{
	struct rank_args a;
	struct rank_channel ch = { 0 };
	struct job job;
	double ready, t0, t1, c0, c1, wall, cpu, wall_max = 0, cpu_sum = 0;
	const char *wait;
	char err[256];
	int rank, size;

	/* mpirun gives each rank a process group of its own, out of reach of the
	 * sweep's kill: die with the parent (mpirun or orted), and do not start
	 * at all if it is gone already. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (parent_gone())
		return EXIT_FAILED;
	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	if (parse_rank_args(argc, argv, &a, err, sizeof(err)) < 0)
		return rank_fail(rank, "%s", err);
	ch.rank = rank;
	ch.size = size;
	ch.channel = (a.w->needs & WORKLOAD_NEEDS_CHANNEL) != 0;
	wait = params_find(&a.params, AMDAHL_MPI_WAIT_PARAM);
	ch.passive = strcmp(wait ? wait : AMDAHL_MPI_WAIT_DEFAULT, "passive") == 0;
	/* Every rank is up: the launch ends here, before the workload's setup,
	 * which no backend times. */
	rank_barrier(&ch);
	ready = clock_now();
	job_init(&job, a.w, &a.params, a.p, a.phases, a.scaling, a.units, size);
	job.seed = a.seed;
	job.hooks.transfer = channel_transfer;
	job.hooks.ctx = &ch;
	if (a.w->setup && a.w->setup(&job) < 0)
		return rank_fail(rank, "%s", job.err[0] ? job.err : "workload setup failed");
	if (a.w->begin)
		a.w->begin(&job);
	job_worker_start(&job, rank);

	rank_barrier(&ch);
	t0 = clock_now();
	c0 = clock_cpu(0);
	for (int k = 0; k < job.phases; k++) {
		if (rank == 0)
			job_serial(&job, k);
		rank_barrier(&ch);		/* the others waited for the serial section */
		job_parallel(&job, k, rank, size);
		if (k + 1 < job.phases)
			rank_barrier(&ch);	/* everyone's share is done */
	}
	if (ch.channel)
		rank_barrier(&ch);	/* take the payloads still on their way here */
	t1 = clock_now();
	c1 = clock_cpu(0);
	wall = t1 - t0;
	cpu = c1 - c0;
	/* Ranks that finished first wait here, not in the reduction. */
	rank_barrier(&ch);
	MPI_Reduce(&wall, &wall_max, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
	MPI_Reduce(&cpu, &cpu_sum, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
	if (rank == 0)
		print_result(&job, wall_max, cpu_sum, ready, t0 - ready);
	if (a.w->teardown)
		a.w->teardown(&job);
	free(ch.buf);
	MPI_Finalize();
	return EXIT_OK;
}

#else

int cmd_mpi_rank(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("%s this amdahl was built without MPI\n", AMDAHL_MPI_ERROR);
	errorf("this amdahl was built without MPI: apt-get install libopenmpi-dev openmpi-bin, then rebuild");
	return EXIT_USAGE;
}

#endif
