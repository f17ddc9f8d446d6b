/*
 * Test helper: the amdahl binary as a process (see cli.h). Not a test file
 * itself; the Makefile links it into the suite.
 */
#define _GNU_SOURCE
#include "cli.h"
#include "../src/results/csv.h"
#include "../src/models/stats.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *cli_bin(void)
{
	const char *b = getenv("AMDAHL_BIN");

	return b ? b : "build/amdahl";
}

const char *cli_root(void)
{
	const char *r = getenv("AMDAHL_ROOT");

	return r ? r : ".";
}

char *cli_tmpdir(void)
{
	char tmpl[] = "/tmp/amdahl-test-XXXXXX";
	char *d = mkdtemp(tmpl);

	return d ? strdup(d) : NULL;
}

void cli_tmpdir_free(char *dir)
{
	char cmd[4200];

	if (!dir)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(dir);
}

char *cli_slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long len;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)len + 1);
	if (buf && fread(buf, 1, (size_t)len, fp) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[len] = '\0';
	fclose(fp);
	return buf;
}

const char *cli_in_progress(const char *dir, const char *name)
{
	static char path[4200];
	char prefix[300];
	DIR *d = opendir(dir);
	struct dirent *e;

	snprintf(path, sizeof(path), "%s/.%s.none", dir, name);
	snprintf(prefix, sizeof(prefix), ".%s.", name);
	while (d && (e = readdir(d)))
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 && !strstr(e->d_name, "meta.json"))
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
	if (d)
		closedir(d);
	return path;
}

long cli_lines(const char *path)
{
	char *s = cli_slurp(path);
	long n = 0;

	if (!s)
		return -1;
	for (char *c = s; *c; c++)
		n += *c == '\n';
	free(s);
	return n;
}

double cli_median_speedup(const char *csv, const char *backend, const char *workload, int n)
{
	char path[] = "/tmp/amdahl-rows-XXXXXX", err[512];
	int fd = mkstemp(path);
	struct run_rows rows;
	size_t k = 0, len = strlen(csv);
	double *v, median;

	if (fd < 0)
		return NAN;
	run_rows_init(&rows);
	if (write(fd, csv, len) != (ssize_t)len || csv_read_rows(path, &rows, err, sizeof(err)) < 0) {
		close(fd);
		unlink(path);
		run_rows_free(&rows);
		return NAN;
	}
	close(fd);
	unlink(path);
	v = calloc(rows.len ? rows.len : 1, sizeof(*v));
	for (size_t i = 0; i < rows.len; i++)
		if (strcmp(rows.v[i].backend, backend) == 0 && rows.v[i].n == n &&
		    (!workload || strcmp(rows.v[i].workload, workload) == 0))
			v[k++] = rows.v[i].speedup;
	median = stats_median(v, k);
	free(v);
	run_rows_free(&rows);
	return median;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int spawn(struct cli_result *r, double limit_s, const char *file, char *const argv[])
{
	char outp[] = "/tmp/amdahl-out-XXXXXX", errp[] = "/tmp/amdahl-err-XXXXXX";
	int ofd = mkstemp(outp), efd = mkstemp(errp), status = 0;
	double t0 = now();
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (ofd < 0 || efd < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		dup2(in, 0);
		dup2(ofd, 1);
		dup2(efd, 2);
		setpgid(0, 0);
		execvp(file, argv);
		_exit(127);
	}
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (now() - t0 > limit_s) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		usleep(2000);
	}
	r->seconds = now() - t0;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	close(ofd);
	close(efd);
	r->out = cli_slurp(outp);
	r->err = cli_slurp(errp);
	unlink(outp);
	unlink(errp);
	return 0;
}

pid_t cli_start(const char *const *args, const char *err_path)
{
	const char *argv[64];
	int n = 0;
	pid_t pid;

	argv[n++] = cli_bin();
	for (; args && *args && n < 63; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		int efd = err_path ? open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644) : null;

		setsid();
		signal(SIGHUP, SIG_DFL);
		dup2(null, 0);
		dup2(null, 1);
		dup2(efd, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

int cli_run(struct cli_result *r, double limit_s, const char *const *args)
{
	const char *argv[64];
	int n = 0;

	argv[n++] = cli_bin();
	for (; args && *args && n < 63; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	return spawn(r, limit_s, cli_bin(), (char *const *)argv);
}

int cli_sh(struct cli_result *r, double limit_s, const char *script)
{
	char *const argv[] = { "sh", "-c", (char *)script, NULL };

	setenv("AMDAHL", cli_bin(), 1);
	return spawn(r, limit_s, "sh", argv);
}

void cli_free(struct cli_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

char *cli_printed_path(const char *out, const char *dir, const char *start, const char *ext)
{
	char want[4096];
	const char *at = out;
	size_t elen = strlen(ext);

	snprintf(want, sizeof(want), "%s/%s", dir, start);
	while ((at = strstr(at, want))) {
		size_t len = strcspn(at, "\n");
		if ((at == out || at[-1] == '\n') && len > elen && strncmp(at + len - elen, ext, elen) == 0) {
			char *p = malloc(len + 1);
			cr_assert_not_null(p);
			memcpy(p, at, len);
			p[len] = '\0';
			return p;
		}
		at += len;
	}
	cr_assert_fail("no %s...%s among the paths plot printed: %s", want, ext, out);
	return NULL;
}

int cli_usable_cpus(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	return sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
}

int cli_busy_machine(void)
{
	FILE *fp = fopen("/proc/loadavg", "r");
	double load = 0;
	int ok;

	if (!fp)
		return 0;
	ok = fscanf(fp, "%lf", &load) == 1;
	fclose(fp);
	return ok && load >= cli_usable_cpus();
}
