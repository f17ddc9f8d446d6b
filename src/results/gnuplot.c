/*
 * The gnuplot runner (gnuplot.h): finding gnuplot and the scripts, the
 * assignments, and one draw from fork to rename.
 */
#define _GNU_SOURCE
#include "gnuplot.h"
#include "../base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Where `make install` puts the scripts; the Makefile passes the real prefix. */
#ifndef AMDAHL_DATADIR
#define AMDAHL_DATADIR "/usr/local/share/amdahl"
#endif

const char gnuplot_datadir[] = AMDAHL_DATADIR;

/* ---- finding gnuplot and the scripts ---- */

/* gnuplot's full path from PATH into buf; -1 when it is not there. */
static int find_exe(char *buf, size_t len)
{
	const char *dir = getenv("PATH");

	while (dir && *dir) {
		const char *colon = strchr(dir, ':');
		int dlen = colon ? (int)(colon - dir) : (int)strlen(dir);

		/* An empty entry means the current folder, as for execvp. */
		snprintf(buf, len, "%.*s/gnuplot", dlen ? dlen : 1, dlen ? dir : ".");
		if (access(buf, X_OK) == 0)
			return 0;
		dir = colon ? colon + 1 : NULL;
	}
	return -1;
}

static int scripts_in(const char *dir, char *out, size_t len)
{
	char probe[PATH_MAX + 32], real[PATH_MAX];

	snprintf(probe, sizeof(probe), "%s/speedup.gp", dir);
	if (access(probe, R_OK) != 0 || !realpath(dir, real) || !gnuplot_path_ok(real))
		return -1;
	snprintf(out, len, "%s", real);
	return 0;
}

/*
 * The scripts folder: $AMDAHL_PLOTS, then beside the binary (installed:
 * <bindir>/../share/amdahl/plots; build tree: <bindir>/../plots), then the
 * compiled-in install prefix. Never the current folder.
 */
static int find_scripts(char *out, size_t len, int *usage)
{
	const char *env = getenv("AMDAHL_PLOTS");
	char exe[PATH_MAX], cand[PATH_MAX + 64];
	ssize_t n;

	if (env && *env) {
		if (scripts_in(env, out, len) < 0) {
			errorf("no gnuplot scripts in AMDAHL_PLOTS '%s' (speedup.gp is missing)", env);
			*usage = 1;
			return -1;
		}
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		snprintf(cand, sizeof(cand), "%s/../share/amdahl/plots", exe);
		if (scripts_in(cand, out, len) == 0)
			return 0;
		snprintf(cand, sizeof(cand), "%s/../plots", exe);
		if (scripts_in(cand, out, len) == 0)
			return 0;
	}
	if (scripts_in(AMDAHL_DATADIR "/plots", out, len) == 0)
		return 0;
	errorf("cannot find the gnuplot scripts (speedup.gp) beside the binary or in '%s/plots'; "
	       "set AMDAHL_PLOTS or run 'make install'", AMDAHL_DATADIR);
	*usage = 1;
	return -1;
}

/* A private folder under $TMPDIR (or /tmp), by its absolute path. */
static int make_tmpdir(struct gnuplot *g)
{
	const char *t = getenv("TMPDIR");
	char tmpl[PATH_MAX];

	snprintf(tmpl, sizeof(tmpl), "%s/amdahl-plot-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmpl)) {
		errorf("cannot create a temporary folder in '%s': %s", t && *t ? t : "/tmp", strerror(errno));
		return -1;
	}
	if (!realpath(tmpl, g->tmpdir) || !gnuplot_path_ok(g->tmpdir)) {
		errorf("the temporary folder '%s' has no path gnuplot may be given", tmpl);
		rmdir(tmpl);
		g->tmpdir[0] = '\0';
		return -1;
	}
	return 0;
}

int gnuplot_init(struct gnuplot *g, const char *format, int *usage)
{
	memset(g, 0, sizeof(*g));
	g->format = format;
	*usage = 0;
	if (find_exe(g->exe, sizeof(g->exe)) < 0) {
		errorf("gnuplot not found in PATH; install it: apt-get install gnuplot-nox");
		*usage = 1;
		return -1;
	}
	if (find_scripts(g->scripts, sizeof(g->scripts), usage) < 0)
		return -1;
	return make_tmpdir(g);
}

void gnuplot_free(struct gnuplot *g)
{
	char path[PATH_MAX + 300];
	struct dirent *e;
	DIR *d;

	if (!g->tmpdir[0])
		return;
	d = opendir(g->tmpdir);
	if (d) {
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				snprintf(path, sizeof(path), "%s/%s", g->tmpdir, e->d_name);
				unlink(path);
			}
		closedir(d);
	}
	rmdir(g->tmpdir);
	g->tmpdir[0] = '\0';
}

/* ---- assignments ---- */

void gnuplot_args_init(struct gnuplot_args *a)
{
	memset(a, 0, sizeof(*a));
	a->text = xstrdup("");
}

void gnuplot_args_free(struct gnuplot_args *a)
{
	free(a->text);
	memset(a, 0, sizeof(*a));
}

static void append(struct gnuplot_args *a, const char *s, size_t n)
{
	a->text = xrealloc(a->text, a->len + n + 1);
	memcpy(a->text + a->len, s, n);
	a->len += n;
	a->text[a->len] = '\0';
}

void gnuplot_str(struct gnuplot_args *a, const char *name, const char *value)
{
	append(a, name, strlen(name));
	append(a, "='", 2);
	for (const char *c = value; *c; c++) {
		if (*c == '\'')
			append(a, "''", 2);
		else if ((unsigned char)*c < ' ' || *c == 0x7f)
			append(a, " ", 1);
		else
			append(a, c, 1);
	}
	append(a, "'; ", 3);
}

int gnuplot_path_ok(const char *path)
{
	if (path[0] != '/')
		return 0;
	for (const char *c = path; *c; c++)
		if ((unsigned char)*c < ' ' || *c == 0x7f)
			return 0;
	return 1;
}

void gnuplot_path(struct gnuplot_args *a, const char *name, const char *path)
{
	if (!gnuplot_path_ok(path) && !a->bad) {
		a->bad = 1;
		snprintf(a->bad_path, sizeof(a->bad_path), "%s", path);
	}
	gnuplot_str(a, name, path);
}

void gnuplot_num(struct gnuplot_args *a, const char *name, double v)
{
	char tmp[96];

	if (isfinite(v))
		snprintf(tmp, sizeof(tmp), "%s=%.10g%s; ", name, v, v == floor(v) && fabs(v) < 1e10 ? ".0" : "");
	else
		snprintf(tmp, sizeof(tmp), "%s=NaN; ", name);
	append(a, tmp, strlen(tmp));
}

void gnuplot_int(struct gnuplot_args *a, const char *name, long v)
{
	char tmp[96];

	snprintf(tmp, sizeof(tmp), "%s=%ld; ", name, v);
	append(a, tmp, strlen(tmp));
}

/* ---- drawing ---- */

/* The last lines of gnuplot's stderr, joined into one line. */
static void stderr_tail(const char *path, char *out, size_t len)
{
	char buf[4096], *start;
	FILE *fp = fopen(path, "r");
	size_t n = 0, k = 0;
	long size;
	int lines = 0;

	out[0] = '\0';
	if (!fp)
		return;
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fseek(fp, size > (long)sizeof(buf) - 1 ? size - (long)sizeof(buf) + 1 : 0, SEEK_SET);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	/* Keep the last three lines: gnuplot prints the line, a caret, then the message. */
	start = buf + n;
	while (start > buf && lines < 3)
		lines += *--start == '\n';
	if (*start == '\n')
		start++;
	for (char *c = start; *c && k + 4 < len; c++) {
		if (*c == '\n') {
			memcpy(out + k, " / ", 3);
			k += 3;
		} else if (*c != '\r' && !(*c == ' ' && k > 0 && out[k - 1] == ' ')) {
			out[k++] = *c;
		}
	}
	out[k] = '\0';
}

/*
 * cairo stamps a PDF with the time it was drawn (and ignores SOURCE_DATE_EPOCH
 * before 1.17); overwrite each date in place with the same number of digits,
 * so the byte offsets stay valid and the same CSV gives the same file.
 */
static int pdf_fix_dates(const char *path)
{
	static const char *const keys[] = { "/CreationDate (D:", "/ModDate (D:" };
	static const char epoch[] = "19700101000000";
	FILE *fp = fopen(path, "r+b");
	char *buf;
	long size;
	int rc = -1;

	if (!fp)
		return -1;
	if (fseek(fp, 0, SEEK_END) < 0 || (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) < 0) {
		fclose(fp);
		return -1;
	}
	buf = xmalloc((size_t)size + 1);
	if (fread(buf, 1, (size_t)size, fp) == (size_t)size) {
		buf[size] = '\0';
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
			char *at = buf;
			while ((at = memmem(at, (size_t)(buf + size - at), keys[k], strlen(keys[k])))) {
				char *d = at + strlen(keys[k]);
				for (size_t i = 0; i < sizeof(epoch) - 1 && d + i < buf + size && d[i] >= '0' && d[i] <= '9'; i++)
					d[i] = epoch[i];
				at = d;
			}
		}
		rc = fseek(fp, 0, SEEK_SET) == 0 && fwrite(buf, 1, (size_t)size, fp) == (size_t)size ? 0 : -1;
	}
	free(buf);
	return fclose(fp) == 0 ? rc : -1;
}

/* Run gnuplot with -e arg on script; its stdout and stderr into errpath. Returns its wait status, -1. */
static int run_gnuplot(const struct gnuplot *g, const char *arg, const char *script, const char *errpath,
		       volatile sig_atomic_t *stop)
{
	int status = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY), err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		char *argv[] = { "gnuplot", "-e", (char *)arg, (char *)script, NULL };

		if (in >= 0)
			dup2(in, 0);
		if (err >= 0) {
			dup2(err, 1);
			dup2(err, 2);
		}
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execv(g->exe, argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
		if (stop && *stop)
			kill(pid, SIGTERM);
	}
	return status;
}

enum gnuplot_status gnuplot_draw(const struct gnuplot *g, const char *script, const struct gnuplot_args *a,
				 const char *final)
{
	volatile sig_atomic_t *stop = g->stop;
	char tmp[PATH_MAX + 64], errpath[PATH_MAX + 16], gp[PATH_MAX + 32], tail[600];
	const char *slash = strrchr(final, '/');
	struct gnuplot_args all;
	struct stat st;
	int fd, status;
	mode_t mask;

	if (a->bad || !gnuplot_path_ok(final) || !slash) {
		errorf("refusing to hand gnuplot the path '%s': it must be absolute, without control characters",
		       a->bad ? a->bad_path : final);
		return GNUPLOT_FAILED;
	}
	snprintf(tmp, sizeof(tmp), "%.*s.%s.XXXXXX", (int)(slash - final + 1), final, slash + 1);
	fd = mkstemp(tmp);
	if (fd < 0) {
		errorf("cannot write in '%.*s': %s", (int)(slash - final), final, strerror(errno));
		return GNUPLOT_FAILED;
	}
	close(fd);
	snprintf(errpath, sizeof(errpath), "%s/gnuplot.err", g->tmpdir);
	snprintf(gp, sizeof(gp), "%s/%s.gp", g->scripts, script);
	gnuplot_args_init(&all);
	append(&all, a->text, a->len);
	gnuplot_str(&all, "fmt", g->format);
	gnuplot_path(&all, "plotdir", g->scripts);
	gnuplot_path(&all, "out", tmp);
	status = run_gnuplot(g, all.text, gp, errpath, stop);
	gnuplot_args_free(&all);
	if (stop && *stop) {
		unlink(tmp);
		return GNUPLOT_INTERRUPTED;
	}
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || stat(tmp, &st) < 0 || st.st_size == 0) {
		stderr_tail(errpath, tail, sizeof(tail));
		if (status < 0)
			errorf("cannot start gnuplot: %s", strerror(errno));
		else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			errorf("cannot run '%s'", g->exe);
		else
			errorf("gnuplot failed on '%s': %s", gp, tail[0] ? tail : "no image written");
		unlink(tmp);
		return GNUPLOT_FAILED;
	}
	if (strcmp(g->format, "pdf") == 0 && pdf_fix_dates(tmp) < 0) {
		errorf("cannot rewrite '%s': %s", tmp, strerror(errno));
		unlink(tmp);
		return GNUPLOT_FAILED;
	}
	mask = umask(0);
	umask(mask);
	chmod(tmp, 0666 & ~mask);
	if (rename(tmp, final) < 0) {
		errorf("cannot write '%s': %s", final, strerror(errno));
		unlink(tmp);
		return GNUPLOT_FAILED;
	}
	return GNUPLOT_OK;
}
