/*
 * Tests of the topology module (src/base/topology.c) and of pinning: the
 * compact and spread orders, counts and the CPU -> NUMA table on synthetic
 * hwloc XML topologies in tests/data (so they do not depend on this machine:
 * 2 packages x 2 NUMA nodes x 4 cores x 2 hardware threads numbered in
 * order; 2 packages x 4 cores x 2 threads numbered as Intel does, siblings
 * i and i+8; 4 cores with no package; 2 NUMA nodes of one CPU each); the
 * cpus column's format; bandwidth per NUMA node; and, through
 * the binary, that --pin really moves workers and the cpus column says so.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "../src/results/csv.h"
#include "../src/api/job.h"
#include "../src/api/timing.h"
#include "../src/base/topology.h"

#define XML_2P2N "topo-2pack-2numa-4core-2pu.xml"
#define XML_HT "topo-2pack-4core-ht.xml"
#define XML_FLAT "topo-4core-flat.xml"
#define XML_2NUMA "topo-2numa-1core.xml"

static struct topology *load(const char *name)
{
	char path[4096], err[256];
	struct topology *t;

	snprintf(path, sizeof(path), "%s/tests/data/%s", cli_root(), name);
	t = topology_load_xml(path, err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	return t;
}

static void assert_order(const int *got, int n, const int *want, int nwant, const char *what)
{
	cr_assert_eq(n, nwant, "%s: %d CPUs, want %d", what, n, nwant);
	for (int i = 0; i < n; i++)
		cr_assert_eq(got[i], want[i], "%s: worker %d on CPU %d, want %d", what, i, got[i], want[i]);
}

Test(topology, pin_names_parse_and_print)
{
	enum topology_pin p;

	cr_assert_eq(topology_pin_parse("none", &p), 0);
	cr_assert_eq(p, TOPOLOGY_PIN_NONE);
	cr_assert_eq(topology_pin_parse("compact", &p), 0);
	cr_assert_eq(p, TOPOLOGY_PIN_COMPACT);
	cr_assert_eq(topology_pin_parse("spread", &p), 0);
	cr_assert_eq(p, TOPOLOGY_PIN_SPREAD);
	cr_assert_str_eq(topology_pin_name(TOPOLOGY_PIN_SPREAD), "spread");
	cr_assert_eq(topology_pin_parse("Compact", &p), -1);
	cr_assert_eq(topology_pin_parse("", &p), -1);
	cr_assert_eq(topology_pin_parse("scatter", &p), -1);
}

Test(topology, counts_packages_numa_cores_threads)
{
	struct topology *t = load(XML_2P2N);
	struct topology_counts c;
	const int one_core[] = { 6, 7 }, two_nodes[] = { 0, 8 }, foreign[] = { 1, 99, -5 };

	topology_count(t, NULL, 0, &c);
	cr_assert_eq(c.packages, 2);
	cr_assert_eq(c.numa_nodes, 4);
	cr_assert_eq(c.cores, 16);
	cr_assert_eq(c.hw_threads, 32);
	topology_count(t, one_core, 2, &c);
	cr_assert(c.packages == 1 && c.numa_nodes == 1 && c.cores == 1 && c.hw_threads == 2,
		  "%d %d %d %d", c.packages, c.numa_nodes, c.cores, c.hw_threads);
	topology_count(t, two_nodes, 2, &c);
	cr_assert(c.packages == 1 && c.numa_nodes == 2 && c.cores == 2 && c.hw_threads == 2);
	/* CPUs the topology does not have are not counted. */
	topology_count(t, foreign, 3, &c);
	cr_assert(c.cores == 1 && c.hw_threads == 1);
	topology_free(t);
}

Test(topology, counts_without_packages_or_smt)
{
	struct topology *t = load(XML_FLAT);
	struct topology_counts c;

	topology_count(t, NULL, 0, &c);
	cr_assert(c.packages == 0 && c.numa_nodes == 1 && c.cores == 4 && c.hw_threads == 4,
		  "%d %d %d %d", c.packages, c.numa_nodes, c.cores, c.hw_threads);
	topology_free(t);
}

Test(topology, compact_fills_a_core_then_a_package)
{
	struct topology *t = load(XML_2P2N), *ht = load(XML_HT);
	int want[32], *got, n;

	for (int i = 0; i < 32; i++)
		want[i] = i;
	n = topology_pin_order(t, TOPOLOGY_PIN_COMPACT, NULL, 0, &got);
	assert_order(got, n, want, 32, "compact 2p2n");
	free(got);
	/* Intel numbering: a core's threads are i and i+8, so compact goes 0,8,1,9,.. */
	for (int i = 0; i < 16; i++)
		want[i] = i / 2 + (i % 2) * 8;
	n = topology_pin_order(ht, TOPOLOGY_PIN_COMPACT, NULL, 0, &got);
	assert_order(got, n, want, 16, "compact ht");
	free(got);
	topology_free(t);
	topology_free(ht);
}

Test(topology, spread_is_the_mixed_radix_reversal)
{
	struct topology *t = load(XML_2P2N);
	int want[32], *got, n;

	/* Worker w: package w%2, NUMA node (w/2)%2, core (w/4)%4, thread w/16. */
	for (int w = 0; w < 32; w++)
		want[w] = (w % 2) * 16 + ((w / 2) % 2) * 8 + ((w / 4) % 4) * 2 + w / 16;
	n = topology_pin_order(t, TOPOLOGY_PIN_SPREAD, NULL, 0, &got);
	assert_order(got, n, want, 32, "spread 2p2n");
	/* So: 2 workers on 2 packages, 4 on 4 NUMA nodes, 16 on 16 distinct cores. */
	for (int w = 0; w < 16; w++) {
		cr_assert_eq(topology_numa_of_cpu(t, got[w]) / 2, w % 2, "worker %d", w);
		if (w < 4)
			cr_assert_eq(topology_numa_of_cpu(t, got[w]), (w % 2) * 2 + (w / 2) % 2);
		for (int v = 0; v < w; v++)
			cr_assert_neq(got[v] / 2, got[w] / 2, "workers %d and %d share a core", v, w);
	}
	free(got);
	topology_free(t);
}

Test(topology, spread_uses_every_core_before_a_sibling)
{
	struct topology *t = load(XML_HT);
	int want[16], *got, n;

	/* Package w%2, core (w/2)%4, thread w/8; CPU = thread*8 + package*4 + core. */
	for (int w = 0; w < 16; w++)
		want[w] = (w / 8) * 8 + (w % 2) * 4 + (w / 2) % 4;
	n = topology_pin_order(t, TOPOLOGY_PIN_SPREAD, NULL, 0, &got);
	assert_order(got, n, want, 16, "spread ht");
	free(got);
	topology_free(t);
}

Test(topology, orders_keep_to_the_mask)
{
	struct topology *t = load(XML_2P2N), *ht = load(XML_HT);
	const int only1[] = { 1 }, first4[] = { 3, 2, 1, 0 }, uneven[] = { 16, 5, 4, 3, 2, 1, 0 };
	const int noht[] = { 0, 1, 2, 3, 4, 5, 6, 7 }, junk[] = { 99, -1, 2 };
	const int w_c4[] = { 0, 1, 2, 3 }, w_s4[] = { 0, 2, 1, 3 }, w_un[] = { 0, 16, 2, 4, 1, 3, 5 };
	const int w_noht[] = { 0, 4, 1, 5, 2, 6, 3, 7 }, w_junk[] = { 2 };
	int *got, n;

	for (enum topology_pin p = TOPOLOGY_PIN_COMPACT; p <= TOPOLOGY_PIN_SPREAD; p++) {
		n = topology_pin_order(t, p, only1, 1, &got);
		assert_order(got, n, only1, 1, "only CPU 1");
		free(got);
		n = topology_pin_order(t, p, junk, 3, &got);
		assert_order(got, n, w_junk, 1, "CPUs the topology lacks");
		free(got);
		n = topology_pin_order(t, p, only1, 0, &got);
		cr_assert(n == 0 && got == NULL, "an empty mask gives no CPU");
	}
	n = topology_pin_order(t, TOPOLOGY_PIN_COMPACT, first4, 4, &got);
	assert_order(got, n, w_c4, 4, "compact 0-3");
	free(got);
	n = topology_pin_order(t, TOPOLOGY_PIN_SPREAD, first4, 4, &got);
	assert_order(got, n, w_s4, 4, "spread 0-3: cores first");
	free(got);
	/* One package holds 6 of the 7 CPUs: alternate while both have some. */
	n = topology_pin_order(t, TOPOLOGY_PIN_SPREAD, uneven, 7, &got);
	assert_order(got, n, w_un, 7, "spread uneven");
	free(got);
	/* Hyper-threads off (CPUs 0-7): spread alternates packages, compact counts up. */
	n = topology_pin_order(ht, TOPOLOGY_PIN_SPREAD, noht, 8, &got);
	assert_order(got, n, w_noht, 8, "spread ht 0-7");
	free(got);
	n = topology_pin_order(ht, TOPOLOGY_PIN_COMPACT, noht, 8, &got);
	assert_order(got, n, noht, 8, "compact ht 0-7");
	free(got);
	n = topology_pin_order(t, TOPOLOGY_PIN_NONE, NULL, 0, &got);
	cr_assert(n == 0 && got == NULL);
	topology_free(t);
	topology_free(ht);
}

Test(topology, numa_of_cpu)
{
	struct topology *t = load(XML_2P2N), *ht = load(XML_HT), *flat = load(XML_FLAT);

	cr_assert_eq(topology_numa_count(t), 4);
	for (int cpu = 0; cpu < 32; cpu++)
		cr_assert_eq(topology_numa_of_cpu(t, cpu), cpu / 8, "CPU %d", cpu);
	cr_assert_eq(topology_numa_of_cpu(t, 32), -1);
	cr_assert_eq(topology_numa_of_cpu(t, -1), -1);
	cr_assert_eq(topology_numa_of_cpu(NULL, 0), -1);
	cr_assert_eq(topology_numa_count(ht), 1);
	cr_assert_eq(topology_numa_of_cpu(ht, 15), 0);
	cr_assert_eq(topology_numa_count(flat), 1);
	cr_assert_eq(topology_numa_of_cpu(flat, 3), 0);
	topology_free(t);
	topology_free(ht);
	topology_free(flat);
}

Test(topology, bad_xml_is_refused_with_a_reason)
{
	char err[256] = "";

	cr_assert_null(topology_load_xml("/nonexistent/amdahl-topo.xml", err, sizeof(err)));
	cr_assert(strstr(err, "/nonexistent/amdahl-topo.xml"), "%s", err);
	err[0] = '\0';
	cr_assert_null(topology_load_xmlbuffer("<topology version=\"2.0\"><object", err, sizeof(err)));
	cr_assert(err[0]);
}

Test(topology, this_machine_loads)
{
	char err[256];
	struct topology *t = topology_load(err, sizeof(err));
	struct topology_counts c;
	int *mask, n = topology_affinity(&mask);

	cr_assert_not_null(t, "%s", err);
	cr_assert_gt(n, 0);
	topology_count(t, mask, n, &c);
	cr_assert_eq(c.hw_threads, n, "every CPU of the mask is in the topology");
	cr_assert(c.cores >= 1 && c.cores <= c.hw_threads);
	cr_assert_geq(topology_numa_of_cpu(t, topology_current_cpu()), 0);
	free(mask);
	topology_free(t);
}

Test(topology, placement_within_the_mask)
{
	char err[256];
	struct topology_placement pl;
	int *mask, n = topology_affinity(&mask);

	cr_assert_eq(topology_placement_init(&pl, TOPOLOGY_PIN_NONE, err, sizeof(err)), 0, "%s", err);
	cr_assert(pl.cpus == NULL && pl.ncpus == 0 && pl.hw_threads == n && pl.topo);
	topology_placement_free(&pl);
	cr_assert_eq(topology_placement_init(&pl, TOPOLOGY_PIN_SPREAD, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(pl.ncpus, n);
	for (int i = 0; i < pl.ncpus; i++) {
		int in = 0;
		for (int j = 0; j < n; j++)
			in |= mask[j] == pl.cpus[i];
		cr_assert(in, "CPU %d is not in the mask", pl.cpus[i]);
	}
	topology_placement_free(&pl);
	free(mask);
}

/* ---- the cpus column ---- */

/* Expand a cpus cell back into numbers (-1 for '?'); returns the count, or -1 when truncated. */
static int expand(const char *s, int *out, int max)
{
	int n = 0;

	while (*s) {
		char *end;
		long a, b, k = 1;

		if (strcmp(s, "...") == 0)
			return -1;
		if (*s == '?') {
			a = b = -1;
			end = (char *)s + 1;
		} else {
			a = b = strtol(s, &end, 10);
		}
		if (*end == '-') {
			b = strtol(end + 1, &end, 10);
		} else if (*end == '*') {
			k = strtol(end + 1, &end, 10);
		}
		for (long c = a; c <= b; c++)
			for (long i = 0; i < k; i++) {
				cr_assert_lt(n, max);
				out[n++] = (int)c;
			}
		cr_assert(*end == ';' || *end == '\0', "junk at '%s'", end);
		s = *end ? end + 1 : end;
	}
	return n;
}

Test(topology, cpus_format_plain)
{
	const int v[] = { 3, 0, 1, -1, 12 };
	char buf[64];

	topology_cpus_format(v, 5, buf, sizeof(buf));
	cr_assert_str_eq(buf, "3;0;1;?;12");
	topology_cpus_format(v, 1, buf, sizeof(buf));
	cr_assert_str_eq(buf, "3");
	topology_cpus_format(v, 0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "");
}

Test(topology, cpus_format_shortens_what_does_not_fit)
{
	static int v[4097], back[4097];
	static char buf[TIMING_CPUS_MAX];
	int n;

	/* N = 4096 on one CPU: "1*4097". */
	for (int i = 0; i < 4097; i++)
		v[i] = 1;
	topology_cpus_format(v, 4097, buf, sizeof(buf));
	cr_assert_str_eq(buf, "1*4097");
	/* Compact on 320 CPUs, N = 4096: the serial part on 0, then 0..319 over and over. */
	v[0] = 0;
	for (int w = 0; w < 4096; w++)
		v[w + 1] = w % 320;
	topology_cpus_format(v, 4097, buf, sizeof(buf));
	cr_assert_lt(strlen(buf), sizeof(buf));
	n = expand(buf, back, 4097);
	cr_assert_eq(n, 4097, "%s", buf);
	cr_assert_arr_eq(back, v, sizeof(v));
	/* N = 320 with 4-digit CPU numbers fits plain. */
	for (int i = 0; i < 321; i++)
		v[i] = 1000 + (i * 7) % 320;
	topology_cpus_format(v, 321, buf, sizeof(buf));
	cr_assert_null(strchr(buf, '*'));
	cr_assert_eq(expand(buf, back, 4097), 321);
	cr_assert_arr_eq(back, v, 321 * sizeof(int));
}

Test(topology, cpus_format_never_overflows)
{
	static int v[4097];
	char buf[TIMING_CPUS_MAX + 16];
	unsigned seed = 7;

	/* --pin none on 2 CPUs, N = 4096: no runs to shorten; it ends in "...". */
	for (int i = 0; i < 4097; i++) {
		seed = seed * 1103515245u + 12345u;
		v[i] = (int)((seed >> 16) % 2) ? 1000 : 1;
	}
	memset(buf, 'X', sizeof(buf));
	topology_cpus_format(v, 4097, buf, TIMING_CPUS_MAX);
	cr_assert_lt(strlen(buf), (size_t)TIMING_CPUS_MAX);
	cr_assert_eq(buf[TIMING_CPUS_MAX], 'X');
	cr_assert_str_eq(buf + strlen(buf) - 4, ";...", "%s", buf + strlen(buf) - 10);
	/* Tiny buffers: never a byte past len, always terminated. */
	for (size_t len = 1; len < 12; len++) {
		memset(buf, 'X', sizeof(buf));
		topology_cpus_format(v, 4097, buf, len);
		cr_assert_lt(strlen(buf), len);
		cr_assert_eq(buf[len], 'X', "len %zu", len);
	}
}

/* ---- pinning through job_worker_start ---- */

struct pin_thread {
	struct job *job;
	int worker;
};

static void *pin_thread_main(void *p)
{
	struct pin_thread *a = p;

	job_worker_start(a->job, a->worker);
	return NULL;
}

Test(topology, job_worker_start_pins_and_records)
{
	struct topology_placement pl = { .pin = TOPOLOGY_PIN_COMPACT };
	struct job job = { .max_workers = 3, .nworkers = 3 };
	int *mask, n = topology_affinity(&mask), a, b;
	struct pin_thread arg = { &job, 1 };
	pthread_t th;
	pid_t pid;
	char cpus[64] = "", want[64];

	cr_assert_gt(n, 0);
	a = mask[n - 1];
	b = mask[0];
	pl.cpus = (int[]){ a, b };
	pl.ncpus = 2;
	job.placement = &pl;
	job_cpus_reset(&job);
	cr_assert_not_null(job.ran_on);
	job_worker_start(&job, -1);			/* the calling worker: cpus[0] */
	cr_assert_eq(job.ran_on[0], a);
	job_worker_start(&job, 0);			/* OpenMP's thread 0: stays */
	cr_assert_eq(job.ran_on[1], a);
	pthread_create(&th, NULL, pin_thread_main, &arg);	/* worker 1: cpus[1] */
	pthread_join(th, NULL);
	cr_assert_eq(job.ran_on[2], b);
	pid = fork();					/* a process worker 2: cpus[0] */
	if (pid == 0) {
		job_worker_start(&job, 2);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	cr_assert_eq(job.ran_on[3], a, "a forked worker records in shared memory");
	job_cpus_format(&job, cpus, sizeof(cpus));
	snprintf(want, sizeof(want), "%d;%d;%d;%d", a, a, b, a);
	cr_assert_str_eq(cpus, want);
	job_cpus_reset(&job);
	cpus[0] = '\0';
	job_cpus_format(&job, cpus, sizeof(cpus));
	cr_assert_str_eq(cpus, "", "nothing recorded, nothing written");
	job_shared_free(job.ran_on, 4 * sizeof(int));
	free(mask);
}

Test(topology, numa_gbps_charges_units_to_the_workers_nodes)
{
	struct topology_placement pl = { .pin = TOPOLOGY_PIN_NONE };
	struct job job = { .p = 0.5, .units = 1000, .phases = 1, .max_workers = 4, .nworkers = 4 };
	struct timing t;

	pl.topo = load(XML_2P2N);
	job.placement = &pl;
	job_cpus_reset(&job);
	cr_assert_not_null(job.ran_on);
	/* The serial part (500 units) and worker 0 on node 0, workers 1-3 on nodes 1-3. */
	memcpy(job.ran_on, (int[]){ 0, 1, 8, 16, 31 }, 5 * sizeof(int));
	timing_init(&t);
	t.wall_s = 1.0;
	job_numa_gbps(&job, 1e6, &t);
	cr_assert_str_eq(t.numa_gbps, "0:0.625;1:0.125;2:0.125;3:0.125");
	/* Two phases of 250 parallel units: workers 0 and 1 take 63 twice, 2 and 3 take 62. */
	job.phases = 2;
	job_numa_gbps(&job, 1e6, &t);
	cr_assert_str_eq(t.numa_gbps, "0:0.626;1:0.126;2:0.124;3:0.124");
	/* One NUMA node: nothing to report. */
	topology_free(pl.topo);
	pl.topo = load(XML_HT);
	timing_init(&t);
	t.wall_s = 1.0;
	job_numa_gbps(&job, 1e6, &t);
	cr_assert_str_eq(t.numa_gbps, "");
	topology_free(pl.topo);
	job_shared_free(job.ran_on, 5 * sizeof(int));
}

/* ---- through the binary ---- */

static int sh_ok(const char *script)
{
	struct cli_result r;
	int ok;

	cli_sh(&r, 10, script);
	ok = r.status == 0;
	cli_free(&r);
	return ok;
}

/* Every row's cpus cell, expanded; calls check(n, cpus, count, ctx) for each. */
static void each_row(const char *csv, void (*check)(const char *backend, int n, const int *cpus, int count,
						   void *ctx), void *ctx)
{
	struct csv_table t;
	char err[256];
	int cb, cn, cc, v[512];

	cr_assert_eq(csv_table_read(csv, &t, err, sizeof(err)), 0, "%s", err);
	cb = csv_table_col(&t, "backend");
	cn = csv_table_col(&t, "n");
	cc = csv_table_col(&t, "cpus");
	cr_assert(cn >= 0 && cc >= 0);
	cr_assert_gt(t.nrows, 0);
	for (size_t r = 0; r < t.nrows; r++) {
		int n = (int)strtol(t.cells[r][cn], NULL, 10), k = expand(t.cells[r][cc], v, 512);

		cr_assert_eq(k, n + 1, "row %zu: cpus '%s' for n=%d", r, t.cells[r][cc], n);
		check(t.cells[r][cb], n, v, k, ctx);
	}
	csv_table_free(&t);
}

static void all_on_cpu1(const char *backend, int n, const int *cpus, int count, void *ctx)
{
	(void)ctx;
	for (int i = 0; i < count; i++)
		cr_assert_eq(cpus[i], 1, "%s n=%d: entry %d ran on CPU %d", backend, n, i, cpus[i]);
}

Test(topology_cli, compact_under_taskset_runs_everything_on_cpu_1, .timeout = 60)
{
	char *dir = cli_tmpdir(), script[1024], csv[256];
	struct cli_result r;

	if (!sh_ok("taskset -c 1 true"))
		cr_skip_test("this machine has no CPU 1 to taskset to");
	snprintf(csv, sizeof(csv), "%s/c.csv", dir);
	snprintf(script, sizeof(script),
		 "taskset -c 1 \"$AMDAHL\" run -b thread,process,openmp --pin compact -N 1,2 -r 2 "
		 "--work 0.02 -q -o %s", csv);
	cli_sh(&r, 50, script);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	each_row(csv, all_on_cpu1, NULL);
	cli_free(&r);
	cli_tmpdir_free(dir);
}

struct spread_want {
	int a, b;
};

static void workers_on_a_and_b(const char *backend, int n, const int *cpus, int count, void *ctx)
{
	const struct spread_want *w = ctx;

	(void)count;
	cr_assert_eq(cpus[0], w->a, "%s n=%d: the serial part on %d", backend, n, cpus[0]);
	if (n == 2)
		cr_assert(cpus[1] == w->a && cpus[2] == w->b, "%s: workers on %d and %d, want %d and %d",
			  backend, cpus[1], cpus[2], w->a, w->b);
}

Test(topology_cli, spread_puts_two_workers_apart, .timeout = 60)
{
	char *dir = cli_tmpdir(), script[1024], csv[256], err[256];
	struct topology *t = topology_load(err, sizeof(err));
	int *mask, nmask = topology_affinity(&mask), *order, n;
	struct spread_want want;
	struct cli_result r;

	cr_assert_not_null(t, "%s", err);
	if (nmask < 2)
		cr_skip_test("one CPU: nothing to spread over");
	/* The expected pair, from the same topology and mask the binary sees; on a
	 * 2-CPU box with no mask, CPUs 0 and 1. */
	n = topology_pin_order(t, TOPOLOGY_PIN_SPREAD, mask, nmask, &order);
	cr_assert_geq(n, 2);
	want.a = order[0];
	want.b = order[1];
	cr_assert_neq(want.a, want.b);
	if (nmask == 2 && mask[0] == 0 && mask[1] == 1)
		cr_assert(want.a == 0 && want.b == 1);
	snprintf(csv, sizeof(csv), "%s/s.csv", dir);
	snprintf(script, sizeof(script),
		 "\"$AMDAHL\" run -b thread,process,openmp --pin spread -N 2 -r 2 --work 0.02 -q -o %s", csv);
	cli_sh(&r, 50, script);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	each_row(csv, workers_on_a_and_b, &want);
	free(order);
	free(mask);
	topology_free(t);
	cli_free(&r);
	cli_tmpdir_free(dir);
}

static void recorded(const char *backend, int n, const int *cpus, int count, void *ctx)
{
	(void)ctx;
	for (int i = 0; i < count; i++)
		cr_assert_geq(cpus[i], 0, "%s n=%d: entry %d not recorded", backend, n, i);
}

Test(topology_cli, pin_none_still_records_where_workers_ran, .timeout = 60)
{
	char *dir = cli_tmpdir(), script[1024], csv[256], *meta;
	struct cli_result r;

	snprintf(csv, sizeof(csv), "%s/n.csv", dir);
	snprintf(script, sizeof(script),
		 "\"$AMDAHL\" run -b thread,process,openmp -N 1,3 -r 2 --work 0.02 -q -o %s", csv);
	cli_sh(&r, 50, script);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	each_row(csv, recorded, NULL);
	strcat(csv, ".meta.json");
	meta = cli_slurp(csv);
	cr_assert(meta && strstr(meta, "\"pin\": \"none\"") && strstr(meta, "\"physical_cores\"") &&
		  strstr(meta, "\"hardware_threads\"") && strstr(meta, "\"topology\": {"), "%s", meta);
	free(meta);
	cli_free(&r);
	cli_tmpdir_free(dir);
}

Test(topology_cli, bad_pin_is_exit_2_naming_it, .timeout = 30)
{
	const char *args[] = { "run", "--pin", "scatter", "-N", "1", NULL };
	struct cli_result r;

	cli_run(&r, 20, args);
	cr_assert_eq(r.status, 2, "status %d", r.status);
	cr_assert(strstr(r.err, "'scatter'"), "%s", r.err);
	cr_assert_str_eq(r.out, "");
	cli_free(&r);
}

Test(topology_cli, smt_marks_both_n_in_summary_and_meta, .timeout = 60)
{
	char *dir = cli_tmpdir(), script[1024], csv[256];
	struct cli_result r;
	json_t *meta;
	json_error_t je;

	if (!sh_ok("taskset -c 0,1 true"))
		cr_skip_test("this machine has no CPUs 0 and 1 to taskset to");
	/* hwloc reads the synthetic topology instead: CPUs 0 and 1 are one core's threads. */
	snprintf(csv, sizeof(csv), "%s/m.csv", dir);
	snprintf(script, sizeof(script),
		 "HWLOC_XMLFILE='%s/tests/data/" XML_2P2N "' taskset -c 0,1 \"$AMDAHL\" run --pin compact "
		 "-N 1,2 -r 2 --work 0.02 -o %s", cli_root(), csv);
	cli_sh(&r, 50, script);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_assert(strstr(r.err, "  <- N = physical cores"), "%s", r.err);
	cr_assert(strstr(r.err, "  <- N = hardware threads"), "%s", r.err);
	cr_assert(strstr(r.err, "SMT: N = 1 physical cores, N = 2 hardware threads"), "%s", r.err);
	strcat(csv, ".meta.json");
	meta = json_load_file(csv, 0, &je);
	cr_assert_not_null(meta, "%s", je.text);
	cr_assert_eq(json_integer_value(json_object_get(meta, "physical_cores")), 1);
	cr_assert_eq(json_integer_value(json_object_get(meta, "hardware_threads")), 2);
	cr_assert_str_eq(json_string_value(json_object_get(meta, "pin")), "compact");
	cr_assert_str_eq(json_string_value(json_object_get(meta, "pin_cpus")), "0;1");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(meta, "topology"), "numa_nodes")), 4);
	json_decref(meta);
	cli_free(&r);
	cli_tmpdir_free(dir);
}

Test(topology_cli, info_lists_the_topology, .timeout = 30)
{
	char script[1024];
	struct cli_result r;
	const char *args[] = { "info", NULL };

	cli_run(&r, 20, args);
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "\ntopology:    ") && strstr(r.out, "hardware thread") &&
		  strstr(r.out, "\npin compact: ") && strstr(r.out, "\npin spread:  "), "%s", r.out);
	cli_free(&r);
	snprintf(script, sizeof(script), "HWLOC_XMLFILE='%s/tests/data/" XML_2P2N "' \"$AMDAHL\" info",
		 cli_root());
	cli_sh(&r, 20, script);
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "topology:    2 packages, 4 NUMA nodes, 16 cores, 32 hardware threads"), "%s",
		  r.out);
	cr_assert(strstr(r.out, "numa node 3: cpus 24-31, memory 1 GiB"), "%s", r.out);
	cr_assert(strstr(r.out, "caches:      L1d 48 KiB x16, L2 1 MiB x16, L3 16 MiB x4"), "%s", r.out);
	cli_free(&r);
}

Test(topology_cli, memory_reports_bandwidth_per_numa_node, .timeout = 60)
{
	char *dir = cli_tmpdir(), script[1024], csv[256];
	const char *at;
	struct cli_result r;
	int lines = 0;

	if (!sh_ok("taskset -c 0,1 true"))
		cr_skip_test("this machine has no CPUs 0 and 1 to taskset to");
	/* hwloc reads a topology where CPUs 0 and 1 are NUMA nodes 0 and 1. */
	snprintf(csv, sizeof(csv), "%s/m.csv", dir);
	snprintf(script, sizeof(script),
		 "HWLOC_XMLFILE='%s/tests/data/" XML_2NUMA "' taskset -c 0,1 \"$AMDAHL\" run -w memory "
		 "--array-mb 8 --pin spread -N 1,2 -r 2 --work 0.02 -o %s", cli_root(), csv);
	cli_sh(&r, 50, script);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	/* The summary: N=1 first (node 0 only), then N=2 (spread over both nodes). */
	for (at = r.err; (at = strstr(at, "GB/s per NUMA node (last repetition): ")); lines++) {
		double g0, g1;

		at += strlen("GB/s per NUMA node (last repetition): ");
		cr_assert_eq(sscanf(at, "0:%lf;1:%lf", &g0, &g1), 2, "%s", r.err);
		cr_assert_gt(g0, 0);
		if (lines == 0)
			cr_assert_eq(g1, 0, "N=1 ran on node 0 only: %s", r.err);
		else
			cr_assert_gt(g1, 0, "N=2 spread over both nodes: %s", r.err);
	}
	cr_assert_eq(lines, 2, "%s", r.err);
	cli_free(&r);
	cli_tmpdir_free(dir);
}
