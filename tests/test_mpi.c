/*
 * Tests of the mpi backend (src/backends/mpi.c and the ranks' entry point
 * src/cmd/mpi_rank.c) with the real mpirun, at small N: the rows it writes,
 * phases and weak scaling when oversubscribed, a hostfile, the message
 * workload's MPI channel, bad options, and the faults: a crashed or exiting
 * rank fails the point with a message, a hung one is ended at --timeout with
 * no mpirun or rank left behind. Built without OpenMPI (make MPI=0), the
 * backend must stay listed as unavailable and refuse with the packages' names.
 * Timing is only checked as wide ratios: the machine may be busy.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../src/api/backend.h"
#include "../src/results/csv.h"
#include "../src/models/stats.h"
#include "../src/api/workload.h"

Test(mpi, registry_entry_is_listed_with_its_options, .timeout = 120)
{
	const struct backend *b = backend_find("mpi");
	int hostfile = 0, args = 0;

	cr_assert_not_null(b, "the mpi backend must stay registered in every build");
	for (const struct option_spec *p = b->params; p && p->name; p++) {
		hostfile |= strcmp(p->name, "hostfile") == 0;
		args |= strcmp(p->name, "mpirun-args") == 0;
	}
	cr_assert(hostfile && args, "--hostfile and --mpirun-args belong to the mpi backend");
#ifdef AMDAHL_HAVE_MPI
	cr_assert_null(b->unavailable, "built with MPI, yet: %s", b->unavailable);
#else
	cr_assert_not_null(b->unavailable);
	cr_assert(strstr(b->unavailable, "libopenmpi-dev") && strstr(b->unavailable, "openmpi-bin"),
		  "%s", b->unavailable);
#endif
}

Test(mpi, rank_entry_point_is_hidden_from_help, .timeout = 120)
{
	const char *args[] = { "--help", NULL };
	struct cli_result r;

	cli_run(&r, 30, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_null(strstr(r.out, "mpi-rank"), "%s", r.out);
	cli_free(&r);
}

#ifndef AMDAHL_HAVE_MPI

Test(mpi, unavailable_backend_is_listed_and_refused, .timeout = 120)
{
	const char *info[] = { "info", NULL };
	const char *run[] = { "run", "-b", "mpi", "-N", "1,2", "--reps", "1", "--work", "0.01", NULL };
	struct cli_result r;

	cli_run(&r, 30, info);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "mpi") && strstr(r.out, "unavailable: OpenMPI not found"), "%s", r.out);
	cli_free(&r);
	cli_run(&r, 30, run);
	cr_assert_eq(r.status, 2, "status %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "libopenmpi-dev openmpi-bin"), "%s", r.err);
	cr_assert_eq(r.out[0], '\0', "nothing written: %s", r.out);
	cli_free(&r);
}

#else

/* The rows of a run CSV, in a table of the test's own (each test runs in a process of its own). */
static struct run_rows rows_table;

static const struct run_row *read_rows(const char *path, size_t *n)
{
	char err[512];

	run_rows_init(&rows_table);
	cr_assert_eq(csv_read_rows(path, &rows_table, err, sizeof(err)), 0, "%s", err);
	*n = rows_table.len;
	return rows_table.v;
}

/* Check every row is an mpi row with its in-rank times and a launch cost. */
static void check_rows(const struct run_row *rows, size_t n, size_t want, const char *workload)
{
	cr_assert_eq(n, want, "%zu rows, want %zu", n, want);
	for (size_t i = 0; i < n; i++) {
		const struct run_row *x = &rows[i];

		cr_assert_str_eq(x->backend, "mpi");
		cr_assert_str_eq(x->workload, workload);
		cr_assert(x->wall_s > 0 && x->wall_s < 30, "row %zu: wall_s %g", i, x->wall_s);
		cr_assert(x->cpu_s > 0, "row %zu: cpu_s %g", i, x->cpu_s);
		cr_assert(isfinite(run_row_col(x, "launch_s")) && run_row_col(x, "launch_s") > 0 && run_row_col(x, "launch_s") < 30,
			  "row %zu: launch_s %g", i, run_row_col(x, "launch_s"));
		cr_assert(x->speedup > 0, "row %zu: speedup %g", i, x->speedup);
	}
}

static void median_speedup(const struct run_row *rows, size_t n, int workers, double *out)
{
	double v[16];
	size_t k = 0;

	for (size_t i = 0; i < n && k < 16; i++)
		if (rows[i].n == workers)
			v[k++] = rows[i].speedup;
	cr_assert(k > 0, "no rows for n=%d", workers);
	*out = stats_median(v, k);
}

Test(mpi, spin_rows_are_timed_inside_the_ranks, .timeout = 120)
{
	char *dir = cli_tmpdir(), out[256];
	const char *args[] = { "run", "-b", "mpi", "-w", "spin", "-P", "0.9", "-N", "1,2", "--reps", "3",
			       "--warmup", "0", "--work", "0.25", "-q", "-o", out, NULL };
	struct cli_result r;
	const struct run_row *rows;
	double s2;
	size_t n;

	snprintf(out, sizeof(out), "%s/m.csv", dir);
	cli_run(&r, 110, args);
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	rows = read_rows(out, &n);
	check_rows(rows, n, 6, "spin");
	for (size_t i = 0; i < n; i++)
		if (rows[i].n == 1)
			/* --work is what one worker needs: the in-rank time, without the
			 * launch (a busy machine stretches it, never shrinks it much). */
			cr_assert(rows[i].wall_s > 0.06 && rows[i].wall_s < 20, "n=1 wall %g", rows[i].wall_s);
	median_speedup(rows, n, 2, &s2);
	/* Amdahl says 1.82; a busy machine may give less, 2 cores never much more. */
	cr_assert(s2 > 0.4 && s2 < 2.6, "S(2) = %g", s2);
	run_rows_free(&rows_table);
	cli_free(&r);
	cli_tmpdir_free(dir);
}

Test(mpi, phases_and_weak_scaling_when_oversubscribed, .timeout = 120)
{
	char *dir = cli_tmpdir(), out[256];
	/* N = 3 is more ranks than this machine has slots (2 cores in CI): --oversubscribe.
	 * The barriers between the phases are MPI's own here (--mpi-wait active). */
	const char *args[] = { "run", "-b", "mpi", "-P", "0.8", "-N", "1,3", "--reps", "1", "--warmup", "0",
			       "--work", "0.1", "--phases", "3", "--scaling", "weak", "--mpi-wait", "active",
			       "-q", "-o", out, NULL };
	struct cli_result r;
	const struct run_row *rows;
	size_t n;

	snprintf(out, sizeof(out), "%s/w.csv", dir);
	cli_run(&r, 110, args);
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	rows = read_rows(out, &n);
	check_rows(rows, n, 2, "spin");
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(rows[i].phases, 3);
		cr_assert(rows[i].weak);
	}
	run_rows_free(&rows_table);
	cli_free(&r);
	cli_tmpdir_free(dir);
}

Test(mpi, hostfile_and_mpirun_args_pass_through, .timeout = 120)
{
	char *dir = cli_tmpdir(), out[256], hosts[256];
	/* One slot on localhost: N = 2 needs --oversubscribe, found from the hostfile. */
	const char *args[] = { "run", "-b", "mpi", "--hostfile", hosts, "--mpirun-args",
			       "--mca btl self,vader,tcp --mca pml ob1", "-N", "1,2", "--reps", "1",
			       "--warmup", "0", "--work", "0.05", "-q", "-o", out, NULL };
	struct cli_result r;
	const struct run_row *rows;
	FILE *fp;
	size_t n;

	snprintf(out, sizeof(out), "%s/h.csv", dir);
	snprintf(hosts, sizeof(hosts), "%s/hosts", dir);
	fp = fopen(hosts, "w");
	cr_assert_not_null(fp);
	fputs("# this machine, one slot\nlocalhost slots=1\n", fp);
	fclose(fp);
	cli_run(&r, 110, args);
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	rows = read_rows(out, &n);
	check_rows(rows, n, 2, "spin");
	run_rows_free(&rows_table);
	cli_free(&r);
	cli_tmpdir_free(dir);
}

Test(mpi, message_workload_uses_mpi_point_to_point, .timeout = 120)
{
	char *dir = cli_tmpdir(), out[256];
	const char *args[] = { "run", "-b", "mpi", "-w", "message", "--bytes", "1024", "-P", "0.9", "-N", "1,2",
			       "--reps", "1", "--warmup", "0", "--work", "0.02", "-q", "-o", out, NULL };
	struct cli_result r;
	const struct run_row *rows;
	size_t n;

	if (!workload_find("message"))
		cr_skip_test("no message workload in this build");
	snprintf(out, sizeof(out), "%s/msg.csv", dir);
	cli_run(&r, 110, args);
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	rows = read_rows(out, &n);
	check_rows(rows, n, 2, "message");
	for (size_t i = 0; i < n; i++)
		cr_assert(isfinite(run_row_col(&rows[i], "gbps")) && run_row_col(&rows[i], "gbps") > 0, "row %zu: gbps %g", i, run_row_col(&rows[i], "gbps"));
	run_rows_free(&rows_table);
	cli_free(&r);
	cli_tmpdir_free(dir);
}

Test(mpi, bad_options_exit_2_before_anything_runs, .timeout = 120)
{
	const char *quote[] = { "run", "-b", "mpi", "--mpirun-args", "--mca 'btl self", "-N", "1", NULL };
	const char *hostfile[] = { "run", "-b", "mpi", "--hostfile", "/nonexistent/amdahl-hosts", "-N", "1", NULL };
	const char *wait[] = { "run", "-b", "mpi", "--mpi-wait", "lazy", "-N", "1", NULL };
	const char *lock[] = { "run", "-b", "mpi", "-w", "lock", "-N", "1", NULL };
	struct cli_result r;

	cli_run(&r, 30, quote);
	cr_assert_eq(r.status, 2, "status %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "--mpirun-args"), "%s", r.err);
	cr_assert_eq(r.out[0], '\0', "%s", r.out);
	cli_free(&r);
	cli_run(&r, 30, hostfile);
	cr_assert_eq(r.status, 2, "status %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "/nonexistent/amdahl-hosts"), "%s", r.err);
	cli_free(&r);
	cli_run(&r, 30, wait);
	cr_assert_eq(r.status, 2, "status %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "--mpi-wait 'lazy'"), "%s", r.err);
	cli_free(&r);
	if (workload_find("lock")) {
		/* Ranks share no memory: the lock workload's counter would not be shared. */
		cli_run(&r, 30, lock);
		cr_assert_eq(r.status, 2, "status %d: %s", r.status, r.err);
		cr_assert(strstr(r.err, "share no memory"), "%s", r.err);
		cli_free(&r);
	}
	cli_sh(&r, 30, "PATH=/nonexistent \"$AMDAHL\" run -b mpi -N 1 --reps 1 --work 0.01");
	cr_assert_eq(r.status, 2, "status %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "mpirun not found") && strstr(r.err, "openmpi-bin"), "%s", r.err);
	cli_free(&r);
}

/* Live (not zombie) mpirun or rank processes whose command line holds `marker`. */
static int count_left(const char *marker)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int left = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d))) {
		char path[300], buf[8192], stat[512];
		size_t len;
		FILE *fp;
		int has_rank = 0, has_marker = 0;
		char *paren;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		fp = fopen(path, "r");
		if (!fp)
			continue;
		len = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
		buf[len] = '\0';
		for (size_t i = 0; i < len; i += strlen(buf + i) + 1) {
			has_rank |= strstr(buf + i, "amdahl-mpi-rank") != NULL;
			has_marker |= strcmp(buf + i, marker) == 0;
		}
		if (!has_rank || !has_marker)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		fp = fopen(path, "r");
		if (!fp)
			continue;
		len = fread(stat, 1, sizeof(stat) - 1, fp);
		fclose(fp);
		stat[len] = '\0';
		paren = strrchr(stat, ')');
		if (paren && paren[1] == ' ' && paren[2] != 'Z')
			left++;
	}
	closedir(d);
	return left;
}

/*
 * Run the fault workload under mpi. The seed is unique to this test process
 * and reaches every rank's command line: count_left looks for it there, and
 * does not mistake another suite's ranks, running at the same time, for ours.
 */
static void run_fault(const char *kind, char *seed, size_t seedlen, const char *timeout,
		      struct cli_result *r)
{
	const char *args[] = { "run", "-b", "mpi", "-w", "fault", "--fault", kind, "-P", "0.9", "-N", "1,2",
			       "--reps", "1", "--warmup", "0", "--work", "0.05", "--seed", seed,
			       "--timeout", timeout, "-q", NULL };

	snprintf(seed, seedlen, "%ld%03d", (long)getpid(), (int)(strlen(kind) * 7 + kind[0]) % 1000);
	cli_run(r, 110, args);
}

Test(mpi, crashed_rank_fails_the_point_with_a_message, .timeout = 120)
{
	struct cli_result r;
	char seed[32];

	run_fault("crash", seed, sizeof(seed), "60", &r);
	cr_assert_eq(r.status, 1, "status %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "mpi/fault p=0.9 n=2 failed") && strstr(r.err, "rank 1") &&
		  strstr(r.err, "signal 11"), "%s", r.err);
	/* The N = 1 row was measured before the fault and is kept. */
	cr_assert(strstr(r.out, "\nmpi,fault,0.9,1,0,"), "%s", r.out);
	cli_free(&r);
	cr_assert_eq(count_left(seed), 0, "ranks left behind");
}

Test(mpi, exiting_rank_fails_the_point_with_its_status, .timeout = 120)
{
	struct cli_result r;
	char seed[32];

	run_fault("exit", seed, sizeof(seed), "60", &r);
	cr_assert_eq(r.status, 1, "status %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "rank 1 exited with status 3"), "%s", r.err);
	cli_free(&r);
	cr_assert_eq(count_left(seed), 0, "ranks left behind");
}

Test(mpi, hung_rank_is_ended_at_the_timeout_with_nothing_left, .timeout = 120)
{
	struct cli_result r;
	char seed[32];
	int left = -1;

	run_fault("hang", seed, sizeof(seed), "5", &r);
	cr_assert_eq(r.status, 1, "status %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "--timeout 5s"), "%s", r.err);
	/* Calibration, the N = 1 point and the hung one's 5 s, with room for a busy machine. */
	cr_assert(r.seconds < 5 + 6, "took %.1f s", r.seconds);
	cli_free(&r);
	/* The ranks die with mpirun (PR_SET_PDEATHSIG); give the kernel a moment. */
	for (int i = 0; i < 40 && left != 0; i++) {
		left = count_left(seed);
		if (left)
			usleep(50000);
	}
	cr_assert_eq(left, 0, "%d mpirun or rank processes left behind", left);
}

#endif
