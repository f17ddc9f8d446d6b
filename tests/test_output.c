/*
 * Tests of the output lifecycle (src/engine/output.c) through the binary:
 * a killed or failed re-run never destroys the previous result; finished
 * rows still reach the target when a run fails or is interrupted; targets
 * that are not regular files (/dev/null, /dev/stdout, a pipe) work, with no
 * sidecar beside them; --meta puts the sidecar where it is asked.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static char *dir;

static void setup(void)
{
	dir = cli_tmpdir();
	cr_assert_not_null(dir);
}

static void teardown(void)
{
	cli_tmpdir_free(dir);
}

TestSuite(output, .init = setup, .fini = teardown);

static const char *in_dir(const char *name)
{
	static char buf[4][4096];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* amdahl with args, its output to /dev/null, in a session of its own. */
static pid_t start(const char *const *args)
{
	pid_t pid = cli_start(args, NULL);

	cr_assert_geq(pid, 0);
	return pid;
}

static int wait_exit(pid_t pid, double within_s)
{
	double deadline = now_s() + within_s;
	int status = 0;

	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now_s() > deadline) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			cr_assert_fail("amdahl did not end within %.0f s", within_s);
		}
		usleep(5000);
	}
	return status;
}

/* Whether the run has written n lines: to its file in progress, or (as
 * before issue 12) straight into the target, whose old text is before. */
static int progressed(const char *name, long n, const char *before)
{
	char *now;
	int changed;

	if (cli_lines(cli_in_progress(dir, name)) >= n)
		return 1;
	now = cli_slurp(in_dir(name));
	changed = now && strcmp(now, before) != 0 && cli_lines(in_dir(name)) >= n;
	free(now);
	return changed;
}

static void wait_rows(const char *name, long n, const char *before)
{
	double deadline = now_s() + 30;

	while (!progressed(name, n, before) && now_s() < deadline)
		usleep(5000);
	cr_assert(progressed(name, n, before), "no rows in progress within 30 s");
}

static void first_run(const char *out)
{
	const char *args[] = { "run", "-P", "0.5", "-N", "2", "--reps", "2", "--warmup", "0", "--work", "0.01",
			       "-q", "-o", out, NULL };
	struct cli_result r;

	cr_assert_eq(cli_run(&r, 60, args), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cli_free(&r);
}

/* Issue 12: a killed re-run had already truncated the previous result. */
Test(output, killed_rerun_leaves_the_previous_result_whole, .timeout = 90)
{
	const char *out = in_dir("r.csv");
	const char *args[] = { "run", "-P", "0.5", "-N", "1,2", "--reps", "100000", "--warmup", "0", "--work",
			       "0.01", "-q", "-o", out, NULL };
	char *before, *after, *meta_before, *meta_after;
	pid_t pid;

	first_run(out);
	before = cli_slurp(out);
	meta_before = cli_slurp(in_dir("r.csv.meta.json"));
	cr_assert(before && meta_before);
	pid = start(args);
	wait_rows("r.csv", 3, before);
	cr_assert_eq(kill(pid, SIGKILL), 0);
	wait_exit(pid, 15);
	after = cli_slurp(out);
	meta_after = cli_slurp(in_dir("r.csv.meta.json"));
	cr_assert(after && strcmp(before, after) == 0, "the previous CSV was changed by a killed run");
	cr_assert(meta_after && strcmp(meta_before, meta_after) == 0, "the previous meta.json was changed");
	free(before);
	free(after);
	free(meta_before);
	free(meta_after);
	kill(-pid, SIGKILL);
}

/* A run that fails before its first row leaves the previous result as it was. */
Test(output, failed_rerun_without_rows_keeps_the_previous_result, .timeout = 90)
{
	const char *out = in_dir("f.csv");
	const char *args[] = { "run", "--cmd", "false", "-N", "1,2", "--reps", "1", "-q", "-o", out, NULL };
	struct cli_result r;
	char *before, *after;

	first_run(out);
	before = cli_slurp(out);
	cr_assert_eq(cli_run(&r, 60, args), 0);
	cr_assert_eq(r.status, 1, "%s", r.err);
	cli_free(&r);
	after = cli_slurp(out);
	cr_assert(after && strcmp(before, after) == 0, "a failed run without a row replaced the result");
	cr_assert_eq(cli_lines(cli_in_progress(dir, "f.csv")), -1, "the temporary file was left behind");
	free(before);
	free(after);
}

/* Finished rows reach the target when the run fails (exit 1). */
Test(output, failed_run_puts_its_finished_rows_in_place, .timeout = 90)
{
	const char *out = in_dir("c.csv");
	const char *args[] = { "run", "-w", "fault", "-P", "0.9", "-N", "1,2", "--reps", "2", "--warmup", "0",
			       "--work", "0.01", "--order", "points", "-q", "-o", out, NULL };
	struct cli_result r;
	json_t *meta;

	first_run(out);
	cr_assert_eq(cli_run(&r, 60, args), 0);
	cr_assert_eq(r.status, 1, "%s", r.err);
	cli_free(&r);
	cr_assert_eq(cli_lines(out), 1 + 2, "the N=1 rows of the failed run, not the old ones");
	meta = json_load_file(in_dir("c.csv.meta.json"), 0, NULL);
	cr_assert_not_null(meta);
	cr_assert_eq(json_integer_value(json_object_get(meta, "status")), 1);
	cr_assert_eq(json_integer_value(json_object_get(meta, "rows")), 2);
	json_decref(meta);
}

/* Issue 12: -o /dev/null failed after the whole measurement ("cannot write
 * '/dev/null.meta.json'"), and as root made a regular file there. */
Test(output, dev_null_works_without_a_sidecar, .timeout = 60)
{
	const char *args[] = { "run", "-P", "0.5", "-N", "2", "--reps", "1", "--warmup", "0", "--work", "0.01",
			       "-o", "/dev/null", NULL };
	struct cli_result r;
	struct stat st;

	/* A leftover of the old behaviour would hide a new one. */
	if (lstat("/dev/null.meta.json", &st) == 0 && S_ISREG(st.st_mode))
		unlink("/dev/null.meta.json");
	cr_assert_eq(cli_run(&r, 60, args), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.err, "no meta.json"), "no note about the sidecar: %s", r.err);
	cr_assert_neq(lstat("/dev/null.meta.json", &st), 0, "a sidecar was written beside /dev/null");
	cli_free(&r);
}

Test(output, dev_stdout_and_a_pipe_take_the_rows, .timeout = 60)
{
	const char *args[] = { "run", "-P", "0.5", "-N", "2", "--reps", "1", "--warmup", "0", "--work", "0.01",
			       "-q", "-o", "/dev/stdout", NULL };
	struct cli_result r;
	char script[4400];

	cr_assert_eq(cli_run(&r, 60, args), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strncmp(r.out, "backend,workload,p,n,", 21) == 0, "%s", r.out);
	cli_free(&r);
	snprintf(script, sizeof(script), "cd '%s' && mkfifo pipe && { cat pipe > got & } && \"$AMDAHL\" run -P 0.5 "
		 "-N 2 --reps 1 --warmup 0 --work 0.01 -q -o pipe && wait && wc -l < got && ls -A", dir);
	cr_assert_eq(cli_sh(&r, 60, script), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strncmp(r.out, "3\n", 2) == 0, "rows through the pipe: %s", r.out);
	cr_assert_null(strstr(r.out, "meta.json"), "a sidecar beside the pipe: %s", r.out);
	cli_free(&r);
}

Test(output, meta_goes_where_it_is_asked, .timeout = 60)
{
	const char *meta = in_dir("elsewhere.json");
	const char *args[] = { "run", "-P", "0.5", "-N", "2", "--reps", "1", "--warmup", "0", "--work", "0.01",
			       "-q", "--meta", meta, NULL };
	struct cli_result r;
	json_t *m;

	cr_assert_eq(cli_run(&r, 60, args), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cli_free(&r);
	m = json_load_file(meta, 0, NULL);
	cr_assert_not_null(m, "no sidecar at --meta");
	cr_assert_eq(json_integer_value(json_object_get(m, "rows")), 2);
	json_decref(m);
}

/* B5 goes through the same lifecycle. */
Test(output, b5_killed_rerun_leaves_the_previous_result_whole, .timeout = 90)
{
	const char *out = in_dir("b5.csv");
	const char *quick[] = { "b5", "--messengers", "2", "--orders", "4", "--pick-ms", "0", "--deliver-ms", "1",
				"--reps", "1", "-q", "-o", out, NULL };
	const char *slow[] = { "b5", "--messengers", "1,2", "--orders", "4", "--pick-ms", "0", "--deliver-ms", "1",
			       "--reps", "100000", "-q", "-o", out, NULL };
	struct cli_result r;
	char *before, *after;
	pid_t pid;

	cr_assert_eq(cli_run(&r, 60, quick), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cli_free(&r);
	before = cli_slurp(out);
	pid = start(slow);
	wait_rows("b5.csv", 3, before);
	kill(pid, SIGKILL);
	wait_exit(pid, 15);
	after = cli_slurp(out);
	cr_assert(after && strcmp(before, after) == 0, "the previous B5 CSV was changed by a killed run");
	free(before);
	free(after);
	kill(-pid, SIGKILL);
}
