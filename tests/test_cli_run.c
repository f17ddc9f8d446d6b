/*
 * Tests of `amdahl run` (and its siblings) as a process: every bad input
 * exits 2 with one line naming the value and writes nothing; a good run
 * writes the contract header, one row per repetition and a parseable
 * meta.json; a worker that crashes, hangs or exits ends its point with exit
 * status 1 and leaves no process behind; SIGINT keeps whole rows and exits
 * 130; the cores column follows the affinity mask.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../src/results/csv.h"
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

TestSuite(cli_run, .init = setup, .fini = teardown);

static const char *in_dir(const char *name)
{
	static char buf[8][4096];
	static int k;

	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static int dir_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static int count_char(const char *s, char c)
{
	int n = 0;

	for (; s && *s; s++)
		n += *s == c;
	return n;
}

/* ---- bad input: exit 2, one line naming the value, nothing written ---- */

struct bad_case {
	const char *what;
	const char *args[8];
	const char *needle;	/* the value the message must name */
};

static void expect_usage_error(const struct bad_case *c)
{
	struct cli_result r;
	const char *args[16];
	int n = 0, has_out = 0;

	for (int i = 0; c->args[i]; i++) {
		has_out |= strcmp(c->args[i], "-o") == 0;
		args[n++] = c->args[i];
	}
	/* Every run case would write here if it got that far. */
	if (strcmp(c->args[0], "run") == 0 && !has_out) {
		args[n++] = "-o";
		args[n++] = in_dir("x.csv");
	}
	args[n] = NULL;
	cr_assert_eq(cli_run(&r, 30, args), 0);
	cr_expect_eq(r.status, 2, "%s: exit status %d, want 2 (stderr: %s)", c->what, r.status, r.err);
	cr_expect_eq(count_char(r.err, '\n'), 1, "%s: not one line on stderr: '%s'", c->what, r.err);
	cr_expect(r.err && strncmp(r.err, "amdahl: ", 8) == 0, "%s: message '%s'", c->what, r.err);
	cr_expect(r.err && strstr(r.err, c->needle), "%s: message '%s' does not name '%s'", c->what, r.err,
		  c->needle);
	cr_expect(r.out && r.out[0] == '\0', "%s: wrote to stdout: '%s'", c->what, r.out);
	cr_expect_eq(dir_entries(dir), 0, "%s: a file was created", c->what);
	cli_free(&r);
}

static const struct bad_case bad_cases[] = {
	{ "-P 1.5", { "run", "-P", "1.5", NULL }, "'1.5'" },
	{ "-P abc", { "run", "-P", "abc", NULL }, "'abc'" },
	{ "-P nan", { "run", "-P", "nan", NULL }, "'nan'" },
	{ "-N 0", { "run", "-N", "0", NULL }, "'0'" },
	{ "-N 100000000", { "run", "-N", "100000000", NULL }, "'100000000'" },
	{ "-N 8-2", { "run", "-N", "8-2", NULL }, "'8-2'" },
	{ "-N 1,,x", { "run", "-N", "1,,x", NULL }, "'1,,x'" },
	{ "unknown backend", { "run", "-b", "thread,nosuch", NULL }, "'nosuch'" },
	{ "unknown workload", { "run", "-w", "nosuch", NULL }, "'nosuch'" },
	{ "unknown option", { "run", "--bogus", NULL }, "'--bogus'" },
	{ "unknown command", { "frobnicate", NULL }, "'frobnicate'" },
	{ "--work -1", { "run", "--work", "-1", NULL }, "'-1'" },
	{ "--work 0", { "run", "--work", "0", NULL }, "--work '0'" },
	{ "unwritable --out", { "run", "--work", "0.01", "-o", "/nonexistent/dir/x.csv", NULL },
	  "'/nonexistent/dir/x.csv'" },
	{ "--reps 0", { "run", "--reps", "0", NULL }, "--reps '0'" },
	{ "--phases 0", { "run", "--phases", "0", NULL }, "--phases '0'" },
	{ "--order foo", { "run", "--order", "foo", NULL }, "'foo'" },
	{ "--fault foo", { "run", "-w", "fault", "--fault", "foo", NULL }, "'foo'" },
	{ "--timeout abc", { "run", "--timeout", "abc", NULL }, "'abc'" },
	{ "--scaling foo", { "run", "--scaling", "foo", NULL }, "'foo'" },
	{ "--warmup x", { "run", "--warmup", "x", NULL }, "'x'" },
	{ "--reps 1.5", { "run", "--reps", "1.5", NULL }, "'1.5'" },
	{ "--seed -1", { "run", "--seed", "-1", NULL }, "'-1'" },
	{ "--cv-warn 0", { "run", "--cv-warn", "0", NULL }, "--cv-warn '0'" },
	{ "--fault-n 0", { "run", "-w", "fault", "--fault-n", "0", NULL }, "--fault-n '0'" },
	{ "--timeout 0", { "run", "--timeout", "0", NULL }, "--timeout '0'" },
	{ "-P empty", { "run", "-P", "", NULL }, "empty" },
	{ "-N missing its value", { "run", "-o", "/tmp/amdahl-never-written.csv", "-N", NULL }, "'-N'" },
	{ "stray argument", { "run", "stray", NULL }, "'stray'" },
	{ "theory --format foo", { "theory", "--format", "foo", NULL }, "'foo'" },
	{ "info extra", { "info", "extra", NULL }, "'extra'" },
	/* issue 12: refused at once, naming the limit, not a hang or a silent P = 1 */
	{ "-P step 1e-13", { "run", "-P", "0..1:+1e-13", NULL }, "at most 100000" },
	{ "-P step 1e-300", { "run", "-P", "0..1:+1e-300", NULL }, "at most 100000" },
	{ "-P step 1e-9", { "run", "-P", "0.5..1:+1e-9", NULL }, "at most 100000" },
	{ "--hostfile a folder", { "run", "-b", "mpi", "--hostfile", "/", NULL }, "'/'" },
	{ "--hostfile missing", { "run", "-b", "mpi", "--hostfile", "/nonexistent/hosts", NULL },
	  "'/nonexistent/hosts'" },
	{ "--cmd arithmetic", { "run", "--cmd", "true $((1/0))", NULL }, "arithmetic" },
	{ "--cmd open quote", { "run", "--cmd", "true \"a", NULL }, "unbalanced quotes" },
	{ "--work hex", { "run", "--work", "0x10", NULL }, "'0x10'" },
	{ "--cv-warn blank", { "run", "--cv-warn", " 2", NULL }, "' 2'" },
};

Test(cli_run, bad_inputs_exit_2_with_one_line, .timeout = 120)
{
	size_t n = sizeof(bad_cases) / sizeof(bad_cases[0]);

	cr_assert_geq(n, 20);
	for (size_t i = 0; i < n; i++)
		expect_usage_error(&bad_cases[i]);
}

Test(cli_run, no_command_prints_usage_and_exits_2, .timeout = 30)
{
	struct cli_result r;

	cr_assert_eq(cli_run(&r, 30, NULL), 0);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "usage: amdahl"), "%s", r.err);
	cr_assert_str_eq(r.out, "");
	cli_free(&r);
}

Test(cli_run, cmd_arithmetic_error_is_not_called_unbalanced_quotes, .timeout = 30)
{
	const char *args[] = { "run", "--cmd", "true $((1/0))", "-N", "1", NULL };
	struct cli_result r;

	cr_assert_eq(cli_run(&r, 30, args), 0);
	cr_assert_eq(r.status, 2);
	cr_assert_null(strstr(r.err, "unbalanced"), "%s", r.err);
	cli_free(&r);
}

/* ---- a good run ---- */

static size_t csv_fields(const char *line)
{
	size_t n = 1;

	for (; *line && *line != '\n'; line++)
		n += *line == ',';
	return n;
}

Test(cli_run, good_run_writes_contract_rows_and_meta, .timeout = 60)
{
	static const char contract[] = "backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores,cpu_s,ceiling,";
	const char *out = in_dir("r.csv");
	const char *args[] = { "run", "-b", "thread,process", "-P", "0.5", "-N", "2", "--reps", "3", "--warmup", "0",
			       "--work", "0.01", "-q", "-o", out, NULL };
	struct cli_result r;
	struct run_rows rows;
	size_t per_n[3] = { 0, 0, 0 };
	char err[512] = "", *text, *line;
	json_t *meta;
	json_error_t jerr;

	cr_assert_eq(cli_run(&r, 60, args), 0);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_assert_str_eq(r.out, "", "stdout carries data only when there is no -o");
	cli_free(&r);
	text = cli_slurp(out);
	cr_assert_not_null(text);
	cr_assert(strncmp(text, contract, sizeof(contract) - 1) == 0, "header: %.200s", text);
	/* One whole row per repetition: N=1 is added, 2 backends x 2 N x 3 reps. */
	cr_assert_eq(count_char(text, '\n'), 1 + 12, "%s", text);
	for (line = strchr(text, '\n') + 1; *line; line = strchr(line, '\n') + 1)
		cr_assert_eq(csv_fields(line), csv_fields(text), "ragged row: %.200s", line);
	free(text);
	run_rows_init(&rows);
	cr_assert_eq(csv_read_rows(out, &rows, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(rows.len, 12);
	for (size_t i = 0; i < rows.len; i++) {
		cr_assert(rows.v[i].n == 1 || rows.v[i].n == 2);
		cr_assert(rows.v[i].rep >= 0 && rows.v[i].rep < 3);
		per_n[rows.v[i].n]++;
		cr_assert(rows.v[i].wall_s > 0);
		cr_assert_float_eq(rows.v[i].amdahl, rows.v[i].n == 1 ? 1.0 : 1.0 / 0.75, 1e-6);
		cr_assert_float_eq(rows.v[i].efficiency, rows.v[i].speedup / rows.v[i].n, 1e-6);
		if (rows.v[i].n == 1 && strcmp(rows.v[i].backend, "thread") == 0)
			cr_assert_float_eq(rows.v[i].speedup, 1.0, 1e-9, "rounds order pairs N=1 with itself");
	}
	cr_assert_eq(per_n[1], 6);
	cr_assert_eq(per_n[2], 6);
	run_rows_free(&rows);

	meta = json_load_file(in_dir("r.csv.meta.json"), 0, &jerr);
	cr_assert_not_null(meta, "meta.json: %s (line %d)", jerr.text, jerr.line);
	{
		static const char *const strings[] = { "host", "cpu_model", "compiler", "openmp", "date", "git_commit" };
		json_t *cl = json_object_get(meta, "command_line");
		int has_p = 0;

		for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
			json_t *v = json_object_get(meta, strings[i]);
			cr_assert(json_is_string(v) && json_string_length(v) > 0, "meta.json: no '%s'", strings[i]);
		}
		cr_assert(json_is_number(json_object_get(meta, "cores")));
		cr_assert_gt(json_number_value(json_object_get(meta, "cores")), 0);
		cr_assert(json_is_array(cl) && json_array_size(cl) == sizeof(args) / sizeof(args[0]),
			  "command_line has %zu words", json_array_size(cl));
		for (size_t i = 0; i < json_array_size(cl); i++)
			has_p |= strcmp(json_string_value(json_array_get(cl, i)), "-P") == 0;
		cr_assert(has_p, "the command line lacks -P");
		cr_assert_eq(strlen(json_string_value(json_object_get(meta, "date"))), 20, "date not ISO 8601 UTC");
	}
	json_decref(meta);
}

Test(cli_run, stdout_without_out_is_the_csv, .timeout = 60)
{
	const char *args[] = { "run", "-P", "1", "-N", "1", "--reps", "2", "--warmup", "0", "--work", "0.01",
			       "-q", NULL };
	struct cli_result r;

	cr_assert_eq(cli_run(&r, 60, args), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strncmp(r.out, "backend,workload,p,n,rep,wall_s,", 32) == 0, "%s", r.out);
	cr_assert_eq(count_char(r.out, '\n'), 3);
	cr_assert_str_eq(r.err, "", "-q prints nothing on stderr");
	cli_free(&r);
}

/* -b thread,thread (and a workload, P or N named twice) is measured once, not twice. */
Test(cli_run, duplicate_plugins_and_values_are_measured_once, .timeout = 60)
{
	const char *args[] = { "run", "-b", "thread,thread", "-w", "spin,spin", "-P", "0.5,0.5", "-N", "2,2,1",
			       "--reps", "1", "--warmup", "0", "--work", "0.01", "-q", NULL };
	struct cli_result r;

	cr_assert_eq(cli_run(&r, 60, args), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(count_char(r.out, '\n'), 1 + 2, "one row per N, once: %s", r.out);
	cli_free(&r);
}

Test(cli_run, points_order_divides_by_the_median_n1_wall, .timeout = 60)
{
	const char *out = in_dir("pts.csv");
	const char *args[] = { "run", "-b", "thread", "-P", "0.9", "-N", "2", "--reps", "3", "--warmup", "0",
			       "--work", "0.01", "--order", "points", "-q", "-o", out, NULL };
	struct cli_result r;
	struct run_rows rows;
	size_t n, n1 = 0;
	double w1[3], median;
	char err[512] = "";

	cr_assert_eq(cli_run(&r, 60, args), 0);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cli_free(&r);
	/* Every row whole and valid: wall_s > 0, speedup known (the N=1 rows too). */
	run_rows_init(&rows);
	cr_assert_eq(csv_read_rows(out, &rows, err, sizeof(err)), 0, "%s", err);
	n = rows.len;
	cr_assert_eq(n, 6);
	for (size_t i = 0; i < n; i++)
		if (rows.v[i].n == 1 && n1 < 3)
			w1[n1++] = rows.v[i].wall_s;
	cr_assert_eq(n1, 3);
	/* The median of three by hand: the one that is neither the least nor the most. */
	median = fmax(fmin(w1[0], w1[1]), fmin(fmax(w1[0], w1[1]), w1[2]));
	for (size_t i = 0; i < n; i++) {
		double b = rows.v[i].speedup * rows.v[i].wall_s;

		cr_assert(rows.v[i].wall_s > 0 && rows.v[i].speedup > 0, "row %zu: wall %g speedup %g", i,
			  rows.v[i].wall_s, rows.v[i].speedup);
		/* speedup = base / wall with one base, the N=1 median, for every row
		 * (the CSV keeps 9 significant digits of each). */
		cr_assert_float_eq(b, median, 1e-7 * median, "row %zu: base %.9g, not the N=1 median %.9g", i,
				   b, median);
	}
	run_rows_free(&rows);
}

/* ---- faults ---- */

/* Processes (not zombies) whose command line mentions our temporary folder:
 * the harness, its measurement children and their workers all do. */
static int processes_mentioning(const char *needle)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d))) {
		char path[300], buf[8192];
		ssize_t len;
		int fd;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len <= 0)
			continue;
		for (ssize_t i = 0; i < len; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		buf[len] = '\0';
		n += strstr(buf, needle) != NULL;
	}
	closedir(d);
	return n;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Poll until no process mentions dir, for at most within_s: SIGKILL is delivered
 * asynchronously, so the last worker may take a moment to go. */
static int none_left(double within_s)
{
	double deadline = now_s() + within_s;

	while (processes_mentioning(dir) > 0) {
		if (now_s() > deadline)
			return 0;
		usleep(10000);
	}
	return 1;
}

static void run_fault(const char *backend, const char *fault, const char *extra, struct cli_result *r,
		      double limit)
{
	const char *args[] = { "run", "-b", backend, "-w", "fault", "--fault", fault, "-P", "0.9", "-N", "1,2",
			       "--reps", "2", "--warmup", "0", "--work", "0.02", "-q", "-o", in_dir("f.csv"),
			       extra, extra ? "2" : NULL, NULL };

	cr_assert_eq(cli_run(r, limit, args), 0);
}

static void expect_n1_rows_kept(const char *backend)
{
	struct run_rows rows;
	size_t n;
	char err[512] = "";

	run_rows_init(&rows);
	cr_assert_eq(csv_read_rows(in_dir("f.csv"), &rows, err, sizeof(err)), 0, "%s", err);
	n = rows.len;
	cr_assert_eq(n, 2, "%s: %zu rows kept, want the 2 of N=1", backend, n);
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(rows.v[i].n, 1);
		cr_assert_str_eq(rows.v[i].backend, backend);
	}
	run_rows_free(&rows);
}

static void check_crash(const char *backend)
{
	struct cli_result r;
	char point[128];

	run_fault(backend, "crash", NULL, &r, 60);
	snprintf(point, sizeof(point), "%s/fault p=0.9 n=2", backend);
	cr_assert_eq(r.status, 1, "%s crash: exit %d: %s", backend, r.status, r.err);
	cr_assert(strstr(r.err, point), "%s crash: stderr does not name the point: %s", backend, r.err);
	cr_assert(strstr(r.err, "SIGSEGV"), "%s crash: stderr does not say how: %s", backend, r.err);
	cli_free(&r);
	expect_n1_rows_kept(backend);
	cr_assert(none_left(5), "%s crash: processes left behind", backend);
}

Test(cli_run, crash_in_thread_worker_exits_1_and_keeps_rows, .timeout = 60)
{
	check_crash("thread");
}

Test(cli_run, crash_in_process_worker_exits_1_and_keeps_rows, .timeout = 60)
{
	check_crash("process");
}

static void check_hang(const char *backend)
{
	struct cli_result r;

	run_fault(backend, "hang", "--timeout", &r, 30);
	cr_assert_eq(r.status, 1, "%s hang: exit %d: %s", backend, r.status, r.err);
	cr_assert(r.seconds < 2 + 8, "%s hang: took %.1f s with --timeout 2", backend, r.seconds);
	cr_assert(strstr(r.err, "--timeout"), "%s hang: %s", backend, r.err);
	cli_free(&r);
	expect_n1_rows_kept(backend);
	cr_assert(none_left(5), "%s hang: processes left behind", backend);
}

Test(cli_run, hang_in_thread_worker_times_out, .timeout = 60)
{
	check_hang("thread");
}

Test(cli_run, hang_in_process_worker_times_out_and_leaves_nothing, .timeout = 60)
{
	check_hang("process");
}

Test(cli_run, worker_exit_is_a_failed_point, .timeout = 60)
{
	static const char *const backends[] = { "thread", "process" };

	for (size_t i = 0; i < 2; i++) {
		struct cli_result r;

		run_fault(backends[i], "exit", NULL, &r, 60);
		cr_assert_eq(r.status, 1, "%s exit: exit %d: %s", backends[i], r.status, r.err);
		cr_assert(strstr(r.err, "status 3"), "%s exit: %s", backends[i], r.err);
		cli_free(&r);
		expect_n1_rows_kept(backends[i]);
	}
}

Test(cli_run, process_worker_dying_between_phases_fails_fast, .timeout = 60)
{
	struct cli_result r;

	/* The other workers wait for the dead one at the barrier: the point must
	 * fail at once, not at the (default 60 s) timeout. */
	run_fault("process", "exit", "--phases", &r, 50);
	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "worker process 1 exited with status 3"), "%s", r.err);
	cr_assert(r.seconds < 30, "took %.1f s", r.seconds);
	cli_free(&r);
	cr_assert(none_left(5), "processes left behind");
}

/* ---- SIGINT ---- */

Test(cli_run, sigint_keeps_whole_rows_and_exits_130, .timeout = 60)
{
	const char *out = in_dir("int.csv");
	const char *argv[] = { cli_bin(), "run", "-b", "thread", "-P", "0.9", "-N", "1,2", "--reps", "100000",
			       "--warmup", "0", "--work", "0.01", "-q", "-o", out, NULL };
	struct csv_table t;
	char err[512] = "", *text;
	double deadline;
	int status = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	/* Wait until some rows are in the file being written (a temporary file
	 * beside the target, renamed at the end), then interrupt mid-sweep. */
	deadline = now_s() + 30;
	while (cli_lines(cli_in_progress(dir, "int.csv")) < 4 && now_s() < deadline)
		usleep(5000);
	cr_assert_geq(cli_lines(cli_in_progress(dir, "int.csv")), 4, "no rows within 30 s");
	cr_assert_eq(kill(pid, SIGINT), 0);
	deadline = now_s() + 15;
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now_s() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			cr_assert_fail("SIGINT did not stop the run within 15 s");
		}
		usleep(5000);
	}
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 130, "status %#x", status);
	text = cli_slurp(out);
	cr_assert(text && text[strlen(text) - 1] == '\n', "the last row is cut");
	free(text);
	/* csv_table_read refuses rows whose field count differs from the header's. */
	cr_assert_eq(csv_table_read(out, &t, err, sizeof(err)), 0, "%s", err);
	cr_assert_geq(t.nrows, 3);
	csv_table_free(&t);
	{
		json_t *meta = json_load_file(in_dir("int.csv.meta.json"), 0, NULL);
		cr_assert_not_null(meta, "no meta.json after an interrupt");
		cr_assert_eq(json_integer_value(json_object_get(meta, "status")), 130);
		json_decref(meta);
	}
	cr_assert(none_left(5), "processes left behind");
}

/* ---- cores, theory, help ---- */

Test(cli_run, cores_column_follows_the_affinity_mask, .timeout = 60)
{
	struct cli_result r;
	char *row, *cell;
	int col = 0;

	cr_assert_eq(cli_sh(&r, 60, "taskset -c 0 \"$AMDAHL\" run -P 1 -N 1,2 --reps 1 --warmup 0 --work 0.01 -q"),
		     0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	row = strchr(r.out, '\n');
	cr_assert_not_null(row);
	row++;
	/* The 10th field: cores. */
	for (cell = row; col < 9; cell++)
		if (*cell == ',')
			col++;
	cr_assert(strncmp(cell, "1,", 2) == 0, "cores is not 1: %.120s", row);
	cli_free(&r);
}

Test(cli_run, theory_prints_the_law, .timeout = 30)
{
	const char *args[] = { "theory", "-P", "0.8", "-N", "2,320", "--format", "csv", NULL };
	struct cli_result r;

	cr_assert_eq(cli_run(&r, 30, args), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strncmp(r.out, "p,n,amdahl,", 11) == 0, "%s", r.out);
	cr_assert(strstr(r.out, "\n0.8,2,1.666667,"), "%s", r.out);
	cr_assert(strstr(r.out, "\n0.8,320,4.938272,"), "%s", r.out);
	cr_assert_eq(count_char(r.out, '\n'), 3);
	cli_free(&r);
}

Test(cli_run, help_and_info_exit_0, .timeout = 30)
{
	static const char *const cmds[][3] = { { "--help", NULL, NULL }, { "run", "--help", NULL },
					       { "theory", "--help", NULL }, { "info", NULL, NULL } };
	static const char *const want[] = { "usage: amdahl", "usage: amdahl run", "usage: amdahl theory", "backends:" };

	for (size_t i = 0; i < 4; i++) {
		struct cli_result r;

		cr_assert_eq(cli_run(&r, 30, cmds[i]), 0);
		cr_assert_eq(r.status, 0, "%s: exit %d", cmds[i][0], r.status);
		cr_assert(strstr(r.out, want[i]), "%s %s: %.200s", cmds[i][0], cmds[i][1] ? cmds[i][1] : "", r.out);
		cr_assert_str_eq(r.err, "", "%s: stderr '%s'", cmds[i][0], r.err);
		cli_free(&r);
	}
}
