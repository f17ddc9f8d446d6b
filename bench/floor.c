/*
 * bench/floor: what the harness costs beside the bare floor of each backend.
 * It measures, at N = 1, 2, 4, ..., 256, 320,
 *   - pthread_create + pthread_join of N threads that do nothing,
 *   - fork + _exit + waitpid of N children,
 *   - an empty OpenMP region with num_threads(N), warmed by one before it,
 * and `amdahl run -b thread,process,openmp -w spin -P 1` with almost no work
 * (--work 0.001) over the same N, in rounds: each round measures the floors,
 * runs amdahl, and measures the floors again. A busy machine moves every
 * floor by tens of percent from one minute to the next, so amdahl is set
 * beside the floors of its own round only: per backend and N it prints the
 * ratio of amdahl's wall time to the floor (plus the work) paired by round,
 * with its 95% interval (interval_paired_ratio) and the range of the rounds'
 * ratios, and the floor against itself (the second measurement of a round
 * over the first), whose range is the scatter that no harness can remove.
 * Each floor is measured in a fresh forked child after one untimed
 * repetition, as amdahl measures each point. Not a test: `make bench-floor`.
 */
#define _GNU_SOURCE
#include "../src/results/csv.h"
#include "../src/base/list.h"
#include "../src/models/interval.h"
#include "../src/models/stats.h"
#include "../src/base/util.h"

#include <jansson.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { B_THREAD, B_PROCESS, B_OPENMP, B_COUNT };
static const char *const backend_names[B_COUNT] = { "thread", "process", "openmp" };

struct floor_opts {
	const char *amdahl, *nlist, *keep;
	int reps, rounds;
	double work_s;
	const char *explain;	/* amdahl's --explain: on or off */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * The work: amdahl's spin, the same chain of dependent multiply-adds (1000
 * steps a unit), as many units as amdahl's calibration of the round gave
 * (its meta.json), split over the workers as amdahl splits P = 1. Each
 * worker writes its own cache line.
 */
#define SPIN_STEPS_PER_UNIT 1000
struct spin_slot {
	volatile uint64_t sink;
	char pad[56];
};
static struct spin_slot *slots;	/* MAP_SHARED: the process floor's children write theirs too */

static void spin(int worker, uint64_t steps)
{
	uint64_t x = slots[worker].sink + (uint64_t)worker + 1;

	for (uint64_t i = 0; i < steps; i++)
		x = x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	slots[worker].sink = x;
}

struct thread_arg {
	int worker;
	uint64_t steps;
};

static void *thread_body(void *p)
{
	const struct thread_arg *a = p;

	spin(a->worker, a->steps);
	return NULL;
}

/* pthread_create + join of n threads that spin; -1 when a thread cannot be made. */
static double floor_thread(int n, pthread_t *tids, uint64_t steps)
{
	struct thread_arg *args = xcalloc((size_t)n, sizeof(*args));
	double t0 = now(), t;

	for (int i = 0; i < n; i++) {
		args[i] = (struct thread_arg){ i, steps };
		if (pthread_create(&tids[i], NULL, thread_body, &args[i]) != 0)
			return -1;
	}
	for (int i = 0; i < n; i++)
		pthread_join(tids[i], NULL);
	t = now() - t0;
	free(args);
	return t;
}

/* fork + spin + _exit + waitpid of n children. */
static double floor_process(int n, pid_t *pids, uint64_t steps)
{
	double t0 = now();

	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			return -1;
		if (pids[i] == 0) {
			spin(i, steps);
			_exit(0);
		}
	}
	for (int i = 0; i < n; i++)
		while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
			;
	return now() - t0;
}

/* A region with num_threads(n) whose threads spin, after an untimed empty one that warms the team. */
static double floor_openmp(int n, uint64_t steps)
{
	double t0;

#pragma omp parallel num_threads(n)
	{
		/* warm-up; not empty, or GCC drops the region */
		__asm__ volatile("" ::: "memory");
	}
	t0 = now();
#pragma omp parallel num_threads(n)
	spin(omp_get_thread_num(), steps);
	return now() - t0;
}

/*
 * Per round, backend and N: the median of the floor's repetitions before
 * amdahl (a) and after it (b), and of amdahl's (am). at(s->a, b, i, r).
 */
struct samples {
	size_t nn;
	int rounds;
	double *a, *b, *am;	/* B_COUNT * nn * rounds each */
};

static double *at(const struct samples *s, double *v, int b, size_t i, int r)
{
	return v + ((size_t)b * s->nn + i) * (size_t)s->rounds + (size_t)r;
}

/*
 * Each backend and N in a fresh forked child, as amdahl measures each point:
 * an idle OpenMP team of 320 threads left over in this process would make
 * every later fork copy 320 thread stacks and every thread compete with it.
 * One untimed repetition first (amdahl runs with --warmup 1); the median of
 * the rest goes to *out, in MAP_SHARED memory.
 */
static void measure_point(int b, int n, int reps, uint64_t steps, double *out)
{
	pthread_t *tids = xcalloc((size_t)n, sizeof(*tids));
	pid_t *pids = xcalloc((size_t)n, sizeof(*pids));
	double *v = xcalloc((size_t)reps + 1, sizeof(*v));

	for (int r = 0; r <= reps; r++) {
		double t = b == B_THREAD ? floor_thread(n, tids, steps) : b == B_PROCESS ?
			floor_process(n, pids, steps) : floor_openmp(n, steps);
		if (t < 0)
			_exit(1);
		v[r] = t;
	}
	*out = stats_median(v + 1, (size_t)reps);
	_exit(0);
}

/* The floors of one round, into v (s->a or s->b), in shared memory. */
static int measure_floors(const struct int_list *ns, int reps, uint64_t units, const struct samples *s, double *v,
			  int round)
{
	for (size_t i = 0; i < ns->len; i++)
		for (int b = 0; b < B_COUNT; b++) {
			int status = 0;
			pid_t pid;

			fflush(NULL);
			pid = fork();
			if (pid < 0) {
				errorf("cannot fork: %s", strerror(errno));
				return -1;
			}
			if (pid == 0)
				measure_point(b, ns->v[i], reps, units * SPIN_STEPS_PER_UNIT / (uint64_t)ns->v[i],
					      at(s, v, b, i, round));
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				errorf("cannot start %d %s", ns->v[i], b == B_PROCESS ? "processes" : "threads");
				return -1;
			}
		}
	return 0;
}

/* Run amdahl as asked, its stderr into errpath; its exit status, or -1. */
static int run_amdahl(const struct floor_opts *o, const char *csv, const char *errpath)
{
	char work[32], reps[32];
	const char *argv[32];
	int k = 0, status = 0;
	pid_t pid;

	snprintf(work, sizeof(work), "%g", o->work_s);
	snprintf(reps, sizeof(reps), "%d", o->reps);
	argv[k++] = o->amdahl;
	argv[k++] = "run";
	argv[k++] = "-b";
	argv[k++] = "thread,process,openmp";
	argv[k++] = "-w";
	argv[k++] = "spin";
	argv[k++] = "-P";
	argv[k++] = "1";
	argv[k++] = "-N";
	argv[k++] = o->nlist;
	argv[k++] = "--work";
	argv[k++] = work;
	argv[k++] = "--reps";
	argv[k++] = reps;
	argv[k++] = "--warmup";
	argv[k++] = "1";
	argv[k++] = "--order";
	argv[k++] = "points";
	argv[k++] = "--explain";
	argv[k++] = o->explain;
	argv[k++] = "-q";
	argv[k++] = "-o";
	argv[k++] = csv;
	argv[k] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0)
			dup2(fd, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Median wall_s of amdahl's rows for backend b at n; NaN when none. */
static double amdahl_median(const struct csv_table *t, const char *backend, int n)
{
	int cb = csv_table_col(t, "backend"), cn = csv_table_col(t, "n"), cw = csv_table_col(t, "wall_s");
	double *v = xmalloc((t->nrows + 1) * sizeof(*v)), m;
	size_t k = 0;

	for (size_t r = 0; r < t->nrows; r++) {
		double nn, w;
		if (strcmp(t->cells[r][cb], backend) != 0 || parse_double(t->cells[r][cn], &nn) < 0 ||
		    (int)nn != n || parse_double(t->cells[r][cw], &w) < 0)
			continue;
		v[k++] = w;
	}
	m = stats_median(v, k);
	free(v);
	return m;
}

/* Memory areas of this process: what a fork copies, and so much of its cost. */
static int count_maps(void)
{
	FILE *fp = fopen("/proc/self/maps", "r");
	int n = 0, c;

	if (!fp)
		return -1;
	while ((c = getc(fp)) != EOF)
		n += c == '\n';
	fclose(fp);
	return n;
}

static void usage(FILE *fp)
{
	fputs("usage: floor [-a AMDAHL] [-N LIST] [-r REPS] [-k ROUNDS] [--work SECONDS] [--explain on|off] [--keep FILE.csv]\n\n"
	      "Measure the bare floors of the thread, process and openmp backends and amdahl's\n"
	      "wall time for P=1 with almost no work beside them, in rounds; print the ratios.\n\n"
	      "  -a, --amdahl PATH   the binary (default build/amdahl, or $AMDAHL)\n"
	      "  -N LIST             worker counts (default 1..320:x2)\n"
	      "  -r, --reps R        repetitions of each floor and of amdahl a round (default 5)\n"
	      "  -k, --rounds K      rounds of floors, amdahl, floors (default 8, at least 6)\n"
	      "      --work SECONDS  amdahl's --work (default 0.001)\n"
	      "      --explain on|off  amdahl's --explain: the speedup stack's records (default on)\n"
	      "      --keep FILE     keep the last round's amdahl CSV there (default: a temporary file)\n", fp);
}

static void bad_usage(const char *fmt, const char *value)
{
	fputs("floor: ", stderr);
	fprintf(stderr, fmt, value);
	fputs("; try 'floor --help'\n", stderr);
}

/* An integer option in [lo, hi]; -1 with the message said. */
static int int_opt(const char *name, const char *text, int lo, int hi, int *out)
{
	char fmt[128];
	uint64_t u;

	if (parse_u64(text, &u) < 0 || u < (uint64_t)lo || u > (uint64_t)hi) {
		snprintf(fmt, sizeof(fmt), "bad %s '%%s': expected an integer from %d to %d", name, lo, hi);
		bad_usage(fmt, text);
		return -1;
	}
	*out = (int)u;
	return 0;
}

static int parse_opts(int argc, char **argv, struct floor_opts *o)
{
	static const struct option opts[] = {
		{ "amdahl", required_argument, NULL, 'a' },
		{ "explain", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ "keep", required_argument, NULL, 'K' },
		{ "reps", required_argument, NULL, 'r' },
		{ "rounds", required_argument, NULL, 'k' },
		{ "work", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":a:N:r:k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a': o->amdahl = optarg; break;
		case 'N': o->nlist = optarg; break;
		case 'K': o->keep = optarg; break;
		case 'e':
			if (strcmp(optarg, "on") != 0 && strcmp(optarg, "off") != 0) {
				bad_usage("bad --explain '%s': expected on or off", optarg);
				return -1;
			}
			o->explain = optarg;
			break;
		case 'h': usage(stdout); return 1;
		case 'r':
			if (int_opt("--reps", optarg, 1, 10000, &o->reps) < 0)
				return -1;
			break;
		case 'k':
			/* the paired interval needs 6 rounds for 95% */
			if (int_opt("--rounds", optarg, 6, 10000, &o->rounds) < 0)
				return -1;
			break;
		case 'w':
			if (parse_seconds(optarg, &o->work_s) < 0) {
				bad_usage("bad --work '%s': expected seconds", optarg);
				return -1;
			}
			break;
		default:
			bad_usage("bad option '%s'", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		bad_usage("unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return 0;
}

/* The paired ratio y/x over the rounds, "1.03 [0.98, 1.09] 0.91-1.22": estimate, interval, range. */
static void ratio_cell(const double *x, const double *y, int rounds, char *buf, size_t len)
{
	double *r = xcalloc((size_t)rounds, sizeof(*r)), lo = INFINITY, hi = -INFINITY;
	struct interval ci;

	for (int k = 0; k < rounds; k++) {
		r[k] = y[k] / x[k];
		lo = r[k] < lo ? r[k] : lo;
		hi = r[k] > hi ? r[k] : hi;
	}
	interval_paired_ratio(x, y, (size_t)rounds, 0.95, &ci);
	snprintf(buf, len, "%5.2f [%4.2f, %4.2f] %4.2f-%4.2f", ci.est, ci.lo, ci.hi, lo, hi);
	free(r);
}

static void print_table(const struct floor_opts *o, const struct int_list *ns, const struct samples *s,
			uint64_t units)
{
	double *f = xcalloc((size_t)s->rounds, sizeof(*f));

	printf("# %d rounds of: floors, amdahl, floors; each a median of %d repetitions after one untimed\n",
	       s->rounds, o->reps);
	printf("# floor: the bare program doing amdahl's work (its calibration's spin units for --work %g,\n"
	       "#   %llu in the last round, split over N),\n", o->work_s, (unsigned long long)units);
	printf("#   the median over rounds of the round's floor (geometric mean of its two)\n");
	printf("# x_floor: amdahl / floor paired by round: the Hodges-Lehmann ratio, its 95%% interval\n");
	printf("#   (signed rank) and the range of the rounds' ratios\n");
	printf("# x_self: the round's second floor over its first, the same way: the floor's own scatter\n");
	printf("# the fork floor forks a process of %d memory areas (linked with amdahl's libraries)\n",
	       count_maps());
	printf("# amdahl ran with --explain %s%s\n", o->explain,
	       strcmp(o->explain, "on") == 0 ? ": the speedup stack's records, a /proc read in every fresh worker "
	       "(docs/explain.md);\n#   --explain off measures the harness alone" : ": the harness alone, no records");
	printf("%-8s %5s %9s %9s  %-30s %s\n", "backend", "N", "floor_ms", "amdahl_ms", "x_floor [95%] range",
	       "x_self [95%] range");
	for (int b = 0; b < B_COUNT; b++)
		for (size_t i = 0; i < ns->len; i++) {
			char cf[64], cs[64];

			for (int r = 0; r < s->rounds; r++)
				f[r] = sqrt(*at(s, s->a, b, i, r) * *at(s, s->b, b, i, r));
			ratio_cell(f, at(s, s->am, b, i, 0), s->rounds, cf, sizeof(cf));
			ratio_cell(at(s, s->a, b, i, 0), at(s, s->b, b, i, 0), s->rounds, cs, sizeof(cs));
			printf("%-8s %5d %9.3f %9.3f  %-30s %s\n", backend_names[b], ns->v[i],
			       1e3 * stats_median(f, (size_t)s->rounds),
			       1e3 * stats_median(at(s, s->am, b, i, 0), (size_t)s->rounds), cf, cs);
		}
	free(f);
}

/* Run amdahl once and take each backend's and N's median wall time into round r of s->am. */
/* The spin units amdahl's calibration gave, from the run's meta.json; 0 when unknown. */
static uint64_t amdahl_units(const char *csv)
{
	char path[4300];
	json_error_t e;
	json_t *m;
	uint64_t units = 0;

	snprintf(path, sizeof(path), "%s.meta.json", csv);
	m = json_load_file(path, 0, &e);
	if (m) {
		json_int_t u = json_integer_value(json_object_get(json_object_get(json_object_get(m, "calibration"),
									    "spin"), "units"));
		units = u > 0 ? (uint64_t)u : 0;
		json_decref(m);
	}
	return units;
}

static int amdahl_round(const struct floor_opts *o, const struct int_list *ns, const struct samples *s, int r,
			const char *csv, const char *errpath, uint64_t *units)
{
	char err[512];
	struct csv_table t;
	int rc = run_amdahl(o, csv, errpath);

	if (rc != 0) {
		char *text = NULL;
		FILE *fp = fopen(errpath, "r");
		if (fp) {
			size_t len = 0;
			if (getdelim(&text, &len, '\0', fp) < 0 && text)
				text[0] = '\0';
			fclose(fp);
		}
		errorf("amdahl exited with status %d:\n%s", rc, text ? text : "");
		free(text);
		return -1;
	}
	if (!(*units = amdahl_units(csv))) {
		errorf("no spin calibration in %s.meta.json", csv);
		return -1;
	}
	if (r < 0)
		return 0;	/* a run for its calibration only */
	if (csv_table_read(csv, &t, err, sizeof(err)) < 0) {
		errorf("%s", err);
		return -1;
	}
	for (int b = 0; b < B_COUNT; b++)
		for (size_t i = 0; i < ns->len; i++)
			*at(s, s->am, b, i, r) = amdahl_median(&t, backend_names[b], ns->v[i]);
	csv_table_free(&t);
	return 0;
}

static double *shared_doubles(size_t n)
{
	void *p = mmap(NULL, n * sizeof(double), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

int main(int argc, char **argv)
{
	struct floor_opts o = { getenv("AMDAHL") ? getenv("AMDAHL") : "build/amdahl", "1..320:x2", NULL, 5, 8, 0.001, "on" };
	char tmpl[] = "/tmp/amdahl-floor-XXXXXX", csv[4200], errpath[4200], err[512];
	struct int_list ns;
	struct samples s;
	size_t cells;
	int rc = 0, nmax = 1;
	uint64_t units = 0;

	rc = parse_opts(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (list_parse_n(o.nlist, LIST_N_MAX, &ns, err, sizeof(err)) < 0) {
		bad_usage("%s", err);
		return 2;
	}
	if (access(o.amdahl, X_OK) != 0) {
		errorf("cannot run '%s': %s (build it, or give -a)", o.amdahl, strerror(errno));
		return 2;
	}
	if (!mkdtemp(tmpl)) {
		errorf("cannot make a temporary folder: %s", strerror(errno));
		return 1;
	}
	snprintf(csv, sizeof(csv), "%s", o.keep ? o.keep : "");
	if (!o.keep)
		snprintf(csv, sizeof(csv), "%s/floor.csv", tmpl);
	snprintf(errpath, sizeof(errpath), "%s/amdahl.err", tmpl);
	s = (struct samples){ .nn = ns.len, .rounds = o.rounds };
	cells = B_COUNT * ns.len * (size_t)o.rounds;
	s.a = shared_doubles(cells);
	s.b = shared_doubles(cells);
	s.am = shared_doubles(cells);
	if (!s.a || !s.b || !s.am) {
		errorf("cannot map the samples: %s", strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < ns.len; i++)
		nmax = ns.v[i] > nmax ? ns.v[i] : nmax;
	slots = mmap(NULL, (size_t)nmax * sizeof(*slots), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED) {
		errorf("cannot map the workers' slots: %s", strerror(errno));
		return 1;
	}
	omp_set_dynamic(0);
	/* The first round's first floors need a calibration before it: one run of amdahl for it. */
	fprintf(stderr, "floor: a first run of amdahl for its calibration\n");
	if (amdahl_round(&o, &ns, &s, -1, csv, errpath, &units) < 0)
		rc = 1;
	for (int r = 0; r < o.rounds && rc == 0; r++) {
		fprintf(stderr, "floor: round %d of %d: floors, amdahl -b thread,process,openmp -w spin -P 1 -N %s "
			"--work %g --reps %d --order points, floors\n", r + 1, o.rounds, o.nlist, o.work_s, o.reps);
		/* the floors before amdahl with the last calibration, after it with its own */
		if (measure_floors(&ns, o.reps, units, &s, s.a, r) < 0 ||
		    amdahl_round(&o, &ns, &s, r, csv, errpath, &units) < 0 ||
		    measure_floors(&ns, o.reps, units, &s, s.b, r) < 0)
			rc = 1;
	}
	if (rc == 0)
		print_table(&o, &ns, &s, units);
	unlink(errpath);
	if (!o.keep) {
		unlink(csv);
		snprintf(errpath, sizeof(errpath), "%s/floor.csv.meta.json", tmpl);
		unlink(errpath);
	}
	rmdir(tmpl);
	munmap(s.a, cells * sizeof(double));
	munmap(s.b, cells * sizeof(double));
	munmap(s.am, cells * sizeof(double));
	munmap(slots, (size_t)nmax * sizeof(*slots));
	list_free_n(&ns);
	if (finish_stdout() < 0)
		return 1;
	return rc;
}
