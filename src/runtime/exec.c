/*
 * Spawning and timing external programs for `amdahl run --cmd`. vfork and
 * execvpe start them (PATH search included) and PR_SET_PDEATHSIG ties each
 * to the process that started it; wordexp splits the
 * words as a shell would (quotes, no command substitution), wait4 gives the
 * child's CPU time and peak RSS; with the speedup stack on, a sampler reads
 * its threads' run-queue wait while it runs (sample.h). Its stderr goes to
 * an unlinked temporary file so that a failure can show its tail.
 */
#define _GNU_SOURCE
#include "exec.h"
#include "reap.h"
#include "sample.h"
#include "../base/clock.h"
#include "../base/stop.h"
#include "../base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wordexp.h>

extern char **environ;

char *exec_expand(const char *tmpl, int n)
{
	char num[16];
	size_t len = 0, nl;
	char *out;

	nl = (size_t)snprintf(num, sizeof(num), "%d", n);
	for (const char *s = tmpl; *s; s++)
		len += strncmp(s, "{N}", 3) == 0 ? (s += 2, nl) : 1;
	out = xmalloc(len + 1);
	len = 0;
	for (const char *s = tmpl; *s; s++) {
		if (strncmp(s, "{N}", 3) == 0) {
			memcpy(out + len, num, nl);
			len += nl;
			s += 2;
		} else {
			out[len++] = *s;
		}
	}
	out[len] = '\0';
	return out;
}

/* Whether every quote of a command line is closed (backslash escapes honoured outside '...'). */
static int quotes_closed(const char *s)
{
	char open = 0;

	for (; *s; s++) {
		if (open != '\'' && *s == '\\' && s[1])
			s++;
		else if (!open && (*s == '\'' || *s == '"'))
			open = *s;
		else if (open && *s == open)
			open = 0;
	}
	return !open;
}

/* What a wordexp error means for this line, in the user's words. */
static const char *split_reason(int rc, const char *line)
{
	switch (rc) {
	case 0: return " (it is empty)";
	case WRDE_BADCHAR: return " (it has | & ; < > ( ) { } or a newline: use --shell)";
	case WRDE_CMDSUB: return " (command substitution needs --shell)";
	case WRDE_BADVAL: return " (it names an undefined variable)";
	case WRDE_NOSPACE: return " (out of memory)";
	case WRDE_SYNTAX:
		if (!quotes_closed(line))
			return " (unbalanced quotes)";
		if (strstr(line, "$(("))
			return " (an arithmetic expansion $((...)) that cannot be evaluated)";
		return " (a shell syntax error, such as an unclosed ${...})";
	default: return "";
	}
}

static int split_words(const char *line, wordexp_t *we, char *err, size_t errlen)
{
	int rc = wordexp(line, we, WRDE_NOCMD);

	if (rc == 0 && we->we_wordc > 0)
		return 0;
	if (rc == 0 || rc == WRDE_NOSPACE)
		wordfree(we);
	snprintf(err, errlen, "cannot split command '%s' into words%s", line, split_reason(rc, line));
	return -1;
}

char **exec_split(const char *line, char *err, size_t errlen)
{
	wordexp_t we;
	char **words;
	int rc = wordexp(line, &we, WRDE_NOCMD);

	if (rc != 0) {
		if (rc == WRDE_NOSPACE)
			wordfree(&we);
		snprintf(err, errlen, "cannot split '%s' into words%s", line, split_reason(rc, line));
		return NULL;
	}
	words = xcalloc(we.we_wordc + 1, sizeof(*words));
	for (size_t i = 0; i < we.we_wordc; i++)
		words[i] = xstrdup(we.we_wordv[i]);
	wordfree(&we);
	return words;
}

int exec_on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	if (!path)
		path = "/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		struct stat st;
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, len ? path : ".", prog);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return 1;
		path += len + (path[len] == ':');
	}
	return 0;
}

int exec_check(const struct exec_cmd *cmd, char *err, size_t errlen)
{
	char *line = exec_expand(cmd->tmpl, 1);
	wordexp_t we;
	int rc = 0;

	if (!*line) {
		snprintf(err, errlen, "empty --cmd");
		rc = -1;
	} else if (!cmd->shell) {
		if (split_words(line, &we, err, errlen) < 0) {
			rc = -1;
		} else {
			if (!exec_on_path(we.we_wordv[0])) {
				snprintf(err, errlen, "program '%s' not found (PATH=%s)", we.we_wordv[0],
					 getenv("PATH") ? getenv("PATH") : "");
				rc = -1;
			}
			wordfree(&we);
		}
	}
	for (const char *const *e = cmd->env; rc == 0 && e && *e; e++)
		if (!strchr(*e, '=') || **e == '=') {
			snprintf(err, errlen, "bad --env '%s': expected NAME=VALUE", *e);
			rc = -1;
		}
	free(line);
	return rc;
}

/* environ with the --env entries (N substituted) replacing or adding names. */
static char **build_env(const char *const *env, int n)
{
	size_t ne = 0, nx = 0, k = 0;
	char **out;

	while (environ[ne])
		ne++;
	while (env && env[nx])
		nx++;
	out = xcalloc(ne + nx + 1, sizeof(*out));
	for (size_t i = 0; i < ne; i++) {
		int replaced = 0;
		for (size_t j = 0; j < nx; j++) {
			size_t len = (size_t)(strchr(env[j], '=') - env[j]) + 1;
			replaced |= strncmp(environ[i], env[j], len) == 0;
		}
		if (!replaced)
			out[k++] = xstrdup(environ[i]);
	}
	for (size_t j = 0; j < nx; j++)
		out[k++] = exec_expand(env[j], n);
	return out;
}

/* The last lines of the program's captured stderr, on one line. */
static void stderr_tail(int fd, char *buf, size_t len)
{
	off_t size = lseek(fd, 0, SEEK_END), from;
	ssize_t got;

	buf[0] = '\0';
	if (size <= 0 || len < 2)
		return;
	from = size > (off_t)(len - 1) ? size - (off_t)(len - 1) : 0;
	got = pread(fd, buf, len - 1, from);
	if (got <= 0)
		return;
	buf[got] = '\0';
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == ' '))
		buf[--got] = '\0';
	for (char *c = buf; *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
}

/* The file descriptors of a program: stdin from /dev/null, output discarded or kept. */
struct spawn_io {
	int show_output;
	int errfd;		/* stderr into this file (its tail for a message); -1: /dev/null */
};

/*
 * In the vfork child, before exec: signals back to their default, the
 * caller's mask, death with the parent (checked again: the parent may be gone
 * already), and the standard descriptors. Only system calls here: the child
 * shares the parent's memory until it execs.
 */
static void spawn_child(char *const argv[], char *const envp[], const struct spawn_io *io, pid_t parent,
			const sigset_t *mask, volatile int *err)
{
	int null;

	stop_default();
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	if (reap_die_with_parent(parent, SIGKILL) < 0) {
		*err = ESRCH;
		_exit(127);
	}
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
		dup2(null, 0);
		if (!io->show_output) {
			dup2(null, 1);
			dup2(io->errfd >= 0 ? io->errfd : null, 2);
		}
	}
	execvpe(argv[0], argv, envp);
	*err = errno;
	_exit(127);
}

/*
 * Start argv with vfork and exec (as cheap as posix_spawn, which cannot set
 * PR_SET_PDEATHSIG): the program dies with whoever started it, even when
 * that one is killed outright.
 */
static pid_t spawn(char *const argv[], char *const envp[], const struct spawn_io *io)
{
	volatile int err = 0;
	sigset_t all, mask;
	pid_t parent = getpid(), pid;

	/* No handler of ours may run in the child while it borrows our memory. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &mask);
	pid = vfork();
	if (pid == 0)
		spawn_child(argv, envp, io, parent, &mask, &err);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	if (pid > 0 && err) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		errno = err;
		return -1;
	}
	return pid;
}

/* Wait for pid to end; with a sampler, leave it unreaped (WNOWAIT) for the
 * sampler's last look first. The clock is read as soon as it has ended. */
static int wait_end(pid_t pid, struct sampler *smp, int *status, struct rusage *ru, double *end, uint64_t *wait_ns)
{
	siginfo_t si;

	if (smp) {
		while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0)
			if (errno != EINTR)
				break;
		*end = clock_now();
		*wait_ns = sampler_stop(smp, NULL);
	}
	while (wait4(pid, status, 0, ru) < 0)
		if (errno != EINTR)
			return -1;
	if (!smp)
		*end = clock_now();
	return 0;
}

static int spawn_wait(char *const argv[], char *const envp[], int show_output, struct timing *t,
		      int *status, int errfd, uint64_t *wait_ns)
{
	struct spawn_io io = { show_output, errfd };
	struct sampler *smp = NULL;
	struct rusage ru;
	double t0, end;
	pid_t pid;

	t0 = clock_now();
	if ((pid = spawn(argv, envp, &io)) < 0)
		return -1;
	if (wait_ns)
		smp = sampler_start(pid);
	if (wait_end(pid, smp, status, &ru, &end, wait_ns) < 0)
		return -1;
	if (wait_ns && !smp)
		*wait_ns = UINT64_MAX;	/* could not sample */
	if (t) {
		t->wall_s = end - t0;
		t->cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
			   (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
		timing_set(t, "rss_kb", (double)ru.ru_maxrss);
	}
	return 0;
}

static void describe_status(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "was killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "ended with wait status %#x", status);
}

static int run_line(const char *line, int shell, const char *const *env, int n, int show_output,
		    struct timing *t, uint64_t *wait_ns, int *status, char *tail, size_t taillen, char *err,
		    size_t errlen)
{
	char *sh_argv[] = { "sh", "-c", (char *)line, NULL };
	char **envp = build_env(env, n), **argv = sh_argv;
	wordexp_t we;
	int errfd = -1, rc;

	if (!shell) {
		if (split_words(line, &we, err, errlen) < 0) {
			free_words(envp);
			return -1;
		}
		argv = we.we_wordv;
	}
	if (!show_output)
		errfd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	rc = spawn_wait(argv, envp, show_output, t, status, errfd, wait_ns);
	if (rc < 0)
		snprintf(err, errlen, "cannot start '%s': %s", argv[0], strerror(errno));
	else if (tail && errfd >= 0)
		stderr_tail(errfd, tail, taillen);
	else if (tail)
		tail[0] = '\0';
	if (errfd >= 0)
		close(errfd);
	if (!shell)
		wordfree(&we);
	free_words(envp);
	return rc;
}

int exec_measure(const struct exec_cmd *cmd, int n, struct timing *t, uint64_t *wait_ns, char *err, size_t errlen)
{
	char *line = exec_expand(cmd->tmpl, n), tail[200], how[96];
	int status = 0, rc;

	rc = run_line(line, cmd->shell, cmd->env, n, cmd->show_output, t, wait_ns, &status, tail, sizeof(tail),
		      err, errlen);
	if (rc == 0 && status != 0 && !cmd->ignore_failure) {
		describe_status(status, how, sizeof(how));
		snprintf(err, errlen, "'%s' %s%s%s", line, how, tail[0] ? "; its stderr ends: " : "", tail);
		rc = -1;
	}
	free(line);
	return rc;
}

int exec_helper(const char *what, const char *line, int n, int show_output, char *err, size_t errlen)
{
	char *l = exec_expand(line, n), tail[200], how[96];
	int status = 0, rc;

	rc = run_line(l, 1, NULL, n, show_output, NULL, NULL, &status, tail, sizeof(tail), err, errlen);
	if (rc == 0 && status != 0) {
		describe_status(status, how, sizeof(how));
		snprintf(err, errlen, "%s '%s' %s%s%s", what, l, how, tail[0] ? "; its stderr ends: " : "", tail);
		rc = -1;
	}
	free(l);
	return rc;
}
