/*
 * bench/floor: what the harness costs beside the bare floor of each backend.
 * In one run it measures, at N = 1, 2, 4, ..., 256, 320, the medians of
 *   - pthread_create + pthread_join of N threads that do nothing,
 *   - fork + _exit + waitpid of N children,
 *   - an empty OpenMP region with num_threads(N), warmed by one before it,
 * then runs `amdahl run -b thread,process,openmp -w spin -P 1` with almost no
 * work (--work 0.001) over the same N, reads the wall times back from its CSV,
 * and prints, per backend and N, amdahl's median wall time over the floor.
 * Each floor is measured in a fresh forked child, as amdahl measures each
 * point. Half of the floor repetitions run before amdahl and half after, so a
 * drift of a busy machine falls on both sides. Not a test: `make bench-floor`.
 */
#define _GNU_SOURCE
#include "../src/results/csv.h"
#include "../src/base/list.h"
#include "../src/models/stats.h"
#include "../src/base/util.h"

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
	int reps;
	double work_s;
	const char *explain;	/* amdahl's --explain: on or off */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *nothing(void *arg)
{
	return arg;
}

/* pthread_create + join of n threads; -1 when a thread cannot be made. */
static double floor_thread(int n, pthread_t *tids)
{
	double t0 = now();

	for (int i = 0; i < n; i++)
		if (pthread_create(&tids[i], NULL, nothing, NULL) != 0)
			return -1;
	for (int i = 0; i < n; i++)
		pthread_join(tids[i], NULL);
	return now() - t0;
}

/* fork + _exit + waitpid of n children. */
static double floor_process(int n, pid_t *pids)
{
	double t0 = now();

	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			return -1;
		if (pids[i] == 0)
			_exit(0);
	}
	for (int i = 0; i < n; i++)
		while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
			;
	return now() - t0;
}

/* An empty region with num_threads(n), after an untimed one that warms the team. */
static double floor_openmp(int n)
{
	double t0;

#pragma omp parallel num_threads(n)
	{
		/* warm-up; not empty, or GCC drops the region */
		__asm__ volatile("" ::: "memory");
	}
	t0 = now();
#pragma omp parallel num_threads(n)
	{
		/* timed */
		__asm__ volatile("" ::: "memory");
	}
	return now() - t0;
}

/* Floor samples: samples[b][i][r] for N = ns[i]. */
struct samples {
	size_t nn;
	int cap, len;
	double *v[B_COUNT];	/* nn * cap each */
};

static double *slot(struct samples *s, int b, size_t i)
{
	return s->v[b] + i * (size_t)s->cap;
}

/*
 * Each backend and N in a fresh forked child, as amdahl measures each point:
 * an idle OpenMP team of 320 threads left over in this process would make
 * every later fork copy 320 thread stacks and every thread compete with it.
 * The samples go to MAP_SHARED memory.
 */
static void measure_point(int b, int n, int reps, double *out)
{
	pthread_t *tids = xcalloc((size_t)n, sizeof(*tids));
	pid_t *pids = xcalloc((size_t)n, sizeof(*pids));

	for (int r = 0; r < reps; r++) {
		double t = b == B_THREAD ? floor_thread(n, tids) : b == B_PROCESS ? floor_process(n, pids) :
			floor_openmp(n);
		if (t < 0)
			_exit(1);
		out[r] = t;
	}
	_exit(0);
}

static int measure_floors(const struct int_list *ns, int reps, struct samples *s)
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
				measure_point(b, ns->v[i], reps, slot(s, b, i) + s->len);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				errorf("cannot start %d %s", ns->v[i], b == B_PROCESS ? "processes" : "threads");
				return -1;
			}
		}
	s->len += reps;
	return 0;
}

/* Run amdahl as asked, its stderr into errpath; its exit status, or -1. */
static int run_amdahl(const struct floor_opts *o, const char *csv, const char *errpath)
{
	char work[32];
	const char *argv[32];
	int k = 0, status = 0;
	pid_t pid;

	snprintf(work, sizeof(work), "%g", o->work_s);
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
	argv[k++] = "5";
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
	fprintf(stderr, "floor: running");
	for (int i = 0; i < k; i++)
		fprintf(stderr, " %s", argv[i]);
	fputc('\n', stderr);
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

static int usable_cores(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return (int)sysconf(_SC_NPROCESSORS_ONLN);
	return CPU_COUNT(&set);
}

static void usage(FILE *fp)
{
	fputs("usage: floor [-a AMDAHL] [-N LIST] [-r REPS] [--work SECONDS] [--explain on|off] [--keep FILE.csv]\n\n"
	      "Measure the bare floors of the thread, process and openmp backends and amdahl's\n"
	      "wall time for P=1 with almost no work beside them; print the ratios.\n\n"
	      "  -a, --amdahl PATH   the binary (default build/amdahl, or $AMDAHL)\n"
	      "  -N LIST             worker counts (default 1..320:x2)\n"
	      "  -r, --reps R        floor repetitions, half before amdahl and half after (default 20)\n"
	      "      --work SECONDS  amdahl's --work (default 0.001)\n"
	      "      --explain on|off  amdahl's --explain: the speedup stack's records (default on)\n"
	      "      --keep FILE     keep amdahl's CSV there (default: a temporary file)\n", fp);
}

static void bad_usage(const char *fmt, const char *value)
{
	fputs("floor: ", stderr);
	fprintf(stderr, fmt, value);
	fputs("; try 'floor --help'\n", stderr);
}

static int parse_opts(int argc, char **argv, struct floor_opts *o)
{
	static const struct option opts[] = {
		{ "amdahl", required_argument, NULL, 'a' },
		{ "explain", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ "keep", required_argument, NULL, 'k' },
		{ "reps", required_argument, NULL, 'r' },
		{ "work", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t u;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":a:N:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a': o->amdahl = optarg; break;
		case 'N': o->nlist = optarg; break;
		case 'k': o->keep = optarg; break;
		case 'e':
			if (strcmp(optarg, "on") != 0 && strcmp(optarg, "off") != 0) {
				bad_usage("bad --explain '%s': expected on or off", optarg);
				return -1;
			}
			o->explain = optarg;
			break;
		case 'h': usage(stdout); return 1;
		case 'r':
			if (parse_u64(optarg, &u) < 0 || u < 2 || u > 10000) {
				bad_usage("bad --reps '%s': expected an integer from 2 to 10000", optarg);
				return -1;
			}
			o->reps = (int)u;
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

static void print_table(const struct floor_opts *o, const struct int_list *ns, struct samples *s,
			const struct csv_table *t, int cores)
{
	printf("# floors: medians of %d repetitions (ms); amdahl: median wall_s of 5 (ms), P=1, --work %g\n",
	       s->len, o->work_s);
	printf("# x_floor = amdahl / floor; x_fw = amdahl / (floor + work/min(N,%d cores))\n", cores);
	printf("# the fork floor forks a process of %d memory areas; fork's cost grows with them\n",
	       count_maps());
	printf("%5s %8s", "N", "work");
	for (int b = 0; b < B_COUNT; b++)
		printf(" | %7s_floor %7s_amdahl %7s %7s", backend_names[b], backend_names[b], "x_floor", "x_fw");
	putchar('\n');
	for (size_t i = 0; i < ns->len; i++) {
		int n = ns->v[i];
		double work = o->work_s / (n < cores ? n : cores);

		printf("%5d %8.3f", n, work * 1e3);
		for (int b = 0; b < B_COUNT; b++) {
			double f = stats_median(slot(s, b, i), (size_t)s->len);
			double a = t ? amdahl_median(t, backend_names[b], n) : NAN;

			printf(" | %13.3f %14.3f %7.2f %7.2f", f * 1e3, a * 1e3, a / f, a / (f + work));
		}
		putchar('\n');
	}
}

int main(int argc, char **argv)
{
	struct floor_opts o = { getenv("AMDAHL") ? getenv("AMDAHL") : "build/amdahl", "1..320:x2", NULL, 20, 0.001, "on" };
	char tmpl[] = "/tmp/amdahl-floor-XXXXXX", csv[4200], errpath[4200], err[512];
	struct int_list ns;
	struct samples s;
	struct csv_table t;
	int rc, have_table = 0, cores = usable_cores();

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
	memset(&s, 0, sizeof(s));
	s.nn = ns.len;
	s.cap = o.reps;
	for (int b = 0; b < B_COUNT; b++) {
		s.v[b] = mmap(NULL, ns.len * (size_t)o.reps * sizeof(double), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (s.v[b] == MAP_FAILED) {
			errorf("cannot map the samples: %s", strerror(errno));
			return 1;
		}
	}
	omp_set_dynamic(0);
	fprintf(stderr, "floor: %d repetitions of the floors before amdahl\n", o.reps / 2);
	if (measure_floors(&ns, o.reps / 2, &s) < 0)
		return 1;
	rc = run_amdahl(&o, csv, errpath);
	if (rc != 0) {
		char *text = NULL;
		FILE *fp = fopen(errpath, "r");
		if (fp) {
			size_t len = 0;
			getdelim(&text, &len, '\0', fp);
			fclose(fp);
		}
		errorf("amdahl exited with status %d:\n%s", rc, text ? text : "");
		free(text);
	} else if (csv_table_read(csv, &t, err, sizeof(err)) < 0) {
		errorf("%s", err);
		rc = 1;
	} else {
		have_table = 1;
	}
	fprintf(stderr, "floor: %d repetitions of the floors after amdahl\n", o.reps - o.reps / 2);
	if (measure_floors(&ns, o.reps - o.reps / 2, &s) < 0)
		return 1;
	print_table(&o, &ns, &s, have_table ? &t : NULL, cores);
	if (have_table)
		csv_table_free(&t);
	unlink(errpath);
	if (!o.keep) {
		unlink(csv);
		snprintf(errpath, sizeof(errpath), "%s/floor.csv.meta.json", tmpl);
		unlink(errpath);
	}
	rmdir(tmpl);
	for (int b = 0; b < B_COUNT; b++)
		munmap(s.v[b], ns.len * (size_t)o.reps * sizeof(double));
	list_free_n(&ns);
	if (finish_stdout() < 0)
		return 1;
	return rc == 0 ? 0 : 1;
}
