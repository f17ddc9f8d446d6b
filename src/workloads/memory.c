/*
 * memory workload: bandwidth-bound, a STREAM-like triad a[i] = b[i] + s*c[i]
 * over three arrays of --array-mb MiB each (auto: four times the last-level
 * cache, read from /sys, at least 64 MiB), so that every pass comes from
 * DRAM. One unit is one pass over a chunk of 8192 elements of each array
 * (192 KiB moved, counted as STREAM counts: two reads and a write).
 *
 * Workers take disjoint slices, as STREAM's OpenMP loops do: worker w of n
 * owns the w-th n-th of the chunks and cycles through them, so no two ever
 * write the same element (only when N exceeds the chunk count do some share
 * one). `report` sets the bytes moved, and the CSV's gbps column divides them
 * by the wall time: a memory-bound job stops scaling when that column stops
 * growing, whatever the core count. A slice smaller than the last-level
 * cache (N > 3 x array / LLC, 12 with the auto size) may be served from it
 * when N threads take turns on fewer cores: read gbps there with care.
 */
#include "../api/workload.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MEMORY_CHUNK 8192			/* elements of each array per unit */
#define MEMORY_UNIT_BYTES (3.0 * MEMORY_CHUNK * sizeof(double))
#define MEMORY_MIN_MB 64
#define MEMORY_MAX_MB 65536

static const struct option_spec memory_params[] = {
	{ .name = "array-mb", .kind = OPTION_INT, .metavar = "MIB|auto", .word0 = "auto", .def = "auto",
	  .min = 1, .max = MEMORY_MAX_MB,
	  .help = "memory workload: size of each of the 3 arrays (auto: 4 x last-level cache, >= 64)" },
	{ .name = NULL },
};

struct memory_state {
	size_t len;		/* elements per array, a multiple of MEMORY_CHUNK */
	size_t map_bytes;
	double *a, *b, *c;
	double scalar;
};

/* The largest cache's size in bytes from sysfs, 0 when unknown. */
static uint64_t llc_bytes(void)
{
	uint64_t best = 0;

	for (int i = 0; i < 16; i++) {
		char path[96], buf[32];
		FILE *fp;
		char *end;
		unsigned long long v;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
		fp = fopen(path, "r");
		if (!fp)
			break;
		if (!fgets(buf, sizeof(buf), fp)) {
			fclose(fp);
			continue;
		}
		fclose(fp);
		v = strtoull(buf, &end, 10);
		if (toupper((unsigned char)*end) == 'K')
			v <<= 10;
		else if (toupper((unsigned char)*end) == 'M')
			v <<= 20;
		if (v > best)
			best = v;
	}
	return best;
}

/* --array-mb in MiB; auto (0) is 4 x the last-level cache, within the bounds. */
static uint64_t array_mb(const struct job *job)
{
	uint64_t v = params_uint(job->params, memory_params, "array-mb");

	if (v > 0)
		return v;
	v = llc_bytes() * 4 >> 20;
	return v < MEMORY_MIN_MB ? MEMORY_MIN_MB : v > MEMORY_MAX_MB ? MEMORY_MAX_MB : v;
}

static int memory_setup(struct job *job)
{
	struct memory_state *s = job_shared_alloc(sizeof(*s));
	uint64_t mb = array_mb(job);
	size_t bytes;
	char *base;

	if (!s)
		return job_fail(job, "memory: cannot map state");
	s->len = (size_t)(mb << 20) / sizeof(double) / MEMORY_CHUNK * MEMORY_CHUNK;
	if (s->len == 0)
		s->len = MEMORY_CHUNK;
	bytes = s->len * sizeof(double);
	s->map_bytes = 3 * bytes;
	/* Shared, so forked workers stream the same arrays the threads would. */
	base = job_shared_alloc(s->map_bytes);
	if (!base) {
		job_shared_free(s, sizeof(*s));
		return job_fail(job, "memory: cannot map 3 arrays of %llu MiB", (unsigned long long)mb);
	}
	s->a = (double *)base;
	s->b = (double *)(base + bytes);
	s->c = (double *)(base + 2 * bytes);
	s->scalar = 3.0;
	/* Touch every page now, so no repetition pays for the page faults: in one
	 * call where the kernel can (Linux 5.14), else page by page below. */
#ifdef MADV_POPULATE_WRITE
	madvise(base, s->map_bytes, MADV_POPULATE_WRITE);
#endif
	for (size_t i = 0; i < s->len; i++) {
		s->a[i] = 0.0;
		s->b[i] = 1.0;
		s->c[i] = 2.0;
	}
	job->state = s;
	return 0;
}

static void memory_units(struct job *job, int worker, int nworkers, uint64_t units)
{
	struct memory_state *s = job->state;
	size_t nchunks = s->len / MEMORY_CHUNK, first = 0, span = nchunks, k = 0;
	double *restrict a = s->a;
	const double *restrict b = s->b, *restrict c = s->c;
	const double q = s->scalar;

	if (worker >= 0) {	/* the serial part (worker -1) has all of them */
		size_t w = (size_t)worker, n = (size_t)nworkers;
		first = w * nchunks / n;
		span = (w + 1) * nchunks / n - first;
		if (span == 0) {
			first = w % nchunks;
			span = 1;
		}
	}
	for (uint64_t u = 0; u < units; u++) {
		size_t lo = (first + k) * MEMORY_CHUNK;

		for (size_t i = lo; i < lo + MEMORY_CHUNK; i++)
			a[i] = b[i] + q * c[i];
		if (++k == span)
			k = 0;
		job_tick(job, worker);
	}
}

static void memory_serial(struct job *job, uint64_t units)
{
	memory_units(job, -1, 1, units);
}

static void memory_parallel(struct job *job, int worker, int nworkers, uint64_t units)
{
	memory_units(job, worker, nworkers, units);
}

static void memory_report(struct job *job, struct timing *t)
{
	uint64_t units = 0;

	for (int k = 0; k < job->phases; k++)
		units += job_serial_units(job, k) + job_parallel_units(job, k, job->nworkers);
	if (t->wall_s > 0)
		timing_set(t, "gbps", (double)units * MEMORY_UNIT_BYTES / t->wall_s / 1e9);
	job_numa_gbps(job, MEMORY_UNIT_BYTES, t);	/* per NUMA node, when there are several */
}

static void memory_teardown(struct job *job)
{
	struct memory_state *s = job->state;

	job_shared_free(s->a, s->map_bytes);
	job_shared_free(s, sizeof(*s));
	job->state = NULL;
}

static const struct column memory_columns[] = {
	{ .name = "gbps", .unit = "GB/s", .agg = COLUMN_MEDIAN,
	  .help = "bytes the workload moved per second of wall time" },
	{ 0 },
};

const struct workload workload_memory = {
	.name = "memory",
	.summary = "bandwidth-bound: a STREAM triad over arrays 4x the last-level cache (gbps column)",
	.params = memory_params,
	.columns = memory_columns,
	.bound = WORKLOAD_BOUND_BANDWIDTH,
	.setup = memory_setup,
	.serial = memory_serial,
	.parallel = memory_parallel,
	.report = memory_report,
	.teardown = memory_teardown,
};
