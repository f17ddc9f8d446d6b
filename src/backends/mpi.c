/*
 * mpi backend: OpenMPI ranks started by mpirun, one mpirun per repetition.
 * This side runs in the measurement child and never touches MPI itself: it
 * starts `mpirun -np N amdahl-mpi-rank ...` (src/cmd/mpi_rank.c), reads
 * rank 0's result line from mpirun's standard output (mpirun forwards it from
 * whichever host rank 0 ran on) and fills the timing: wall_s and cpu_s as the
 * ranks measured them, between a barrier after start-up and a reduction at
 * the end, and launch_s, the start-up cost outside that span.
 *
 * Options pass through to mpirun for real clusters (--hostfile, --mpirun-args);
 * on one machine the defaults suit a small box (shared memory transport, no
 * binding, waiting ranks yield the CPU), given as OMPI_MCA_* variables so that
 * the user's environment and --mpirun-args both override them.
 *
 * Cleanup: mpirun puts every rank in a process group of its own, so the
 * sweep's SIGKILL of the measurement child's group reaches mpirun but not the
 * ranks. The ranks therefore ask the kernel for SIGKILL when their parent
 * (mpirun, or orted on another host) dies; see src/cmd/mpi_rank.c.
 */
#define _GNU_SOURCE
#include "../api/backend.h"
#include "mpi.h"
#include "../base/clock.h"
#include "../runtime/exec.h"
#include "../runtime/reap.h"
#include "../base/machine.h"
#include "../base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#ifdef AMDAHL_HAVE_MPI
#define MPI_UNAVAILABLE NULL
#else
#define MPI_UNAVAILABLE "OpenMPI not found: apt-get install libopenmpi-dev openmpi-bin"
#endif

static int hostfile_parse(const char *text, void *base, char *err, size_t errlen);
static int mpirun_args_parse(const char *text, void *base, char *err, size_t errlen);

static const char *const mpi_waits[] = { "passive", "active", NULL };

static const struct option_spec mpi_params[] = {
	{ .name = "hostfile", .kind = OPTION_STRING, .metavar = "FILE", .def = "", .parse = hostfile_parse,
	  .help = "mpi backend: mpirun's --hostfile (none: this machine only)" },
	{ .name = "mpirun-args", .kind = OPTION_STRING, .metavar = "'ARGS'", .def = "", .parse = mpirun_args_parse,
	  .help = "mpi backend: more mpirun options, split as a shell would" },
	{ .name = AMDAHL_MPI_WAIT_PARAM, .kind = OPTION_CHOICE, .choices = mpi_waits, .def = AMDAHL_MPI_WAIT_DEFAULT,
	  .help = "mpi backend: ranks waiting at a barrier sleep between polls, or poll as MPI does" },
	{ .name = NULL },
};

/* A NULL-terminated vector of strings that grows. */
struct vec {
	char **v;
	size_t len, cap;
};

static void vec_push(struct vec *a, char *s)
{
	if (a->len + 2 > a->cap) {
		a->cap = a->cap ? 2 * a->cap : 32;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->len++] = s;
	a->v[a->len] = NULL;
}

static void vec_pushf(struct vec *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void vec_pushf(struct vec *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s) {
		errorf("out of memory");
		abort();
	}
	vec_push(a, s);
}

static void vec_free(struct vec *a)
{
	for (size_t i = 0; i < a->len; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* Slots in a hostfile: the sum of slots=K, or -1 when a host leaves it to mpirun. */
static long hostfile_slots(const char *path)
{
	FILE *fp = fopen(path, "r");
	char line[1024];
	long total = 0;

	if (!fp)
		return -1;
	while (total >= 0 && fgets(line, sizeof(line), fp)) {
		char *hash = strchr(line, '#'), *tok, *save = NULL;
		long slots = -1;

		if (hash)
			*hash = '\0';
		tok = strtok_r(line, " \t\r\n", &save);
		if (!tok)
			continue;	/* blank or comment */
		while ((tok = strtok_r(NULL, " \t\r\n", &save)))
			if (strncmp(tok, "slots=", 6) == 0) {
				char *end;
				slots = strtol(tok + 6, &end, 10);
				if (*end || slots < 0)
					slots = -1;
			}
		total = slots < 0 ? -1 : total + slots;
	}
	fclose(fp);
	return total;
}

/* mpirun's slots on this machine: its cores (hardware threads count once). */
static long local_slots(void)
{
	struct machine m;
	long cpus;

	machine_read(&m);
	cpus = m.affinity > 0 ? m.affinity : m.online;
	if (m.smt > 1)
		cpus /= m.smt;
	return cpus > 0 ? cpus : 1;
}

/* --hostfile: a regular file this user can read (mpirun would fail late on a folder). */
static int hostfile_parse(const char *text, void *base, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	(void)base;
	if (!*text)
		return 0;
	fd = open(text, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "cannot read --hostfile '%s': %s", text, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "bad --hostfile '%s': not a regular file", text);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int mpirun_args_parse(const char *text, void *base, char *err, size_t errlen)
{
	char why[1024], **words = exec_split(text, why, sizeof(why));

	(void)base;
	if (!words) {
		snprintf(err, errlen, "bad --mpirun-args: %s", why);
		return -1;
	}
	free_words(words);
	return 0;
}

static int mpi_check(const struct params *ps, char *err, size_t errlen)
{
	(void)ps;
	if (!exec_on_path("mpirun")) {
		snprintf(err, errlen, "mpirun not found in PATH: apt-get install openmpi-bin");
		return -1;
	}
	return 0;
}

static const char *mpi_refuse(const struct workload *w)
{
	if (w->needs & ~(unsigned)WORKLOAD_NEEDS_CHANNEL)
		return "it needs something the mpi backend does not offer";
	/* Its counter lives in memory shared by forked workers; ranks are not
	 * forked from one process and share none, so nothing would contend. */
	if (strcmp(w->name, "lock") == 0)
		return "ranks share no memory, so there is no shared counter to contend for";
	return NULL;
}

/* Set NAME=VALUE, replacing what the environment had. */
static void env_set(struct vec *env, const char *name, const char *value)
{
	size_t len = strlen(name), k = 0;

	for (size_t i = 0; i < env->len; i++)
		if (strncmp(env->v[i], name, len) == 0 && env->v[i][len] == '=')
			free(env->v[i]);
		else
			env->v[k++] = env->v[i];
	env->len = k;
	env->v[k] = NULL;
	vec_pushf(env, "%s=%s", name, value);
}

/* Add NAME=VALUE unless the environment already has NAME (the user's choice wins). */
static void env_default(struct vec *env, const char *name, const char *value)
{
	if (!getenv(name))
		vec_pushf(env, "%s=%s", name, value);
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
/* Add OPTION to a sanitizer's colon-separated NAME variable (later wins). */
static void env_add_option(struct vec *env, const char *name, const char *option)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < env->len; i++)
		if (strncmp(env->v[i], name, len) == 0 && env->v[i][len] == '=') {
			char *old = env->v[i];
			if (asprintf(&env->v[i], "%s:%s", old, option) < 0) {
				errorf("out of memory");
				abort();
			}
			free(old);
			return;
		}
	vec_pushf(env, "%s=%s", name, option);
}
#endif

static void build_env(struct vec *env, int one_machine)
{
	const char *scratch;

	for (char **e = environ; *e; e++)
		vec_push(env, xstrdup(*e));
	/* A sanitizer build (make test-asan, test-tsan) runs its ranks under the
	 * sanitizer too, with OpenMPI in them: OpenMPI leaves most of what
	 * MPI_Init allocates to the exit, and its threads race by design, which
	 * would fail every rank. amdahl's own code is checked under the other
	 * backends. */
#ifdef __SANITIZE_ADDRESS__
	env_add_option(env, "ASAN_OPTIONS", "detect_leaks=0");
#endif
#ifdef __SANITIZE_THREAD__
	env_add_option(env, "TSAN_OPTIONS", "report_bugs=0");
#endif
	/* Only mpirun's environment: amdahl itself stays as the user started it. */
	if (geteuid() == 0) {
		env_default(env, "OMPI_ALLOW_RUN_AS_ROOT", "1");
		env_default(env, "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
	}
	/* Ranks that wait (at the barrier while rank 0 runs the serial part, or
	 * oversubscribed) yield the CPU instead of spinning it away from ranks
	 * that work; binding is left to the kernel, which balances a noisy box. */
	env_default(env, "OMPI_MCA_mpi_yield_when_idle", "1");
	env_default(env, "OMPI_MCA_hwloc_base_binding_policy", "none");
	if (one_machine) {
		/* Shared memory only: probing the network transports costs ~0.2 s a launch. */
		env_default(env, "OMPI_MCA_pml", "ob1");
		env_default(env, "OMPI_MCA_btl", "self,vader");
	}
	/* mpirun's session folder and the ranks' shared-memory segments go to the
	 * point's scratch folder, which the engine empties when the point ends:
	 * what a killed mpirun could not remove goes too, and nothing else. */
	if ((scratch = reap_scratch())) {
		env_set(env, "TMPDIR", scratch);
		env_default(env, "OMPI_MCA_orte_tmpdir_base", scratch);
		env_default(env, "OMPI_MCA_btl_vader_backing_directory", scratch);
	}
}

static void build_argv(struct vec *argv, const struct job *job, int n, const char *hostfile,
		       const char *args, const char *self)
{
	long slots = *hostfile ? hostfile_slots(hostfile) : local_slots();

	char err[1024], **extra = exec_split(args, err, sizeof(err));	/* checked before the sweep started */
	int decided = 0;

	for (char **w = extra; w && *w; w++)
		decided |= strstr(*w, "oversubscribe") != NULL;
	vec_push(argv, xstrdup("mpirun"));
	vec_pushf(argv, "-np");
	vec_pushf(argv, "%d", n);
	if (slots >= 0 && n > slots && !decided)
		vec_pushf(argv, "--oversubscribe");
	if (*hostfile) {
		vec_pushf(argv, "--hostfile");
		vec_pushf(argv, "%s", hostfile);
	}
	for (char **w = extra; w && *w; w++)
		vec_push(argv, *w);
	free(extra);		/* the words now belong to argv */
	vec_pushf(argv, "%s", self);
	vec_pushf(argv, "--workload");
	vec_pushf(argv, "%s", job->workload->name);
	vec_pushf(argv, "--p");
	vec_pushf(argv, "%.17g", job->p);
	vec_pushf(argv, "--units");
	vec_pushf(argv, "%llu", (unsigned long long)job->units);
	vec_pushf(argv, "--phases");
	vec_pushf(argv, "%d", job->phases);
	vec_pushf(argv, "--scaling");
	vec_pushf(argv, "%s", job->scaling == SCALING_WEAK ? "weak" : "strong");
	vec_pushf(argv, "--seed");
	vec_pushf(argv, "%llu", (unsigned long long)job->seed);
	for (size_t i = 0; job->params && i < job->params->len; i++) {
		vec_pushf(argv, "--param");
		vec_pushf(argv, "%s=%s", job->params->v[i].name, job->params->v[i].text);
	}
}

/* What came back from one mpirun. */
struct reply {
	char line[1024];	/* the stdout line being assembled */
	size_t linelen;
	char result[1024];	/* rank 0's result line, "" until seen */
	char error[1024];	/* a rank's error line, "" unless one failed */
	char err[8192];		/* the head of mpirun's stderr */
	size_t errlen;
};

static void reply_stderr(struct reply *r, const char *buf, size_t len)
{
	size_t room = sizeof(r->err) - 1 - r->errlen;

	if (len > room)
		len = room;
	memcpy(r->err + r->errlen, buf, len);
	r->errlen += len;
	r->err[r->errlen] = '\0';
}

static void reply_stdout(struct reply *r, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		const char *tag;

		if (buf[i] != '\n') {
			if (r->linelen + 1 < sizeof(r->line))
				r->line[r->linelen++] = buf[i];
			continue;
		}
		r->line[r->linelen] = '\0';
		r->linelen = 0;
		/* Found anywhere in the line: --tag-output and --timestamp-output
		 * put mpirun's own prefix before it. */
		if ((tag = strstr(r->line, AMDAHL_MPI_RESULT " "))) {
			snprintf(r->result, sizeof(r->result), "%s", tag + strlen(AMDAHL_MPI_RESULT) + 1);
		} else if ((tag = strstr(r->line, AMDAHL_MPI_ERROR " "))) {
			if (!r->error[0])
				snprintf(r->error, sizeof(r->error), "%s", tag + strlen(AMDAHL_MPI_ERROR) + 1);
		} else {
			/* Anything else mpirun printed (--display-map, ...) is a message,
			 * never data: it joins stderr. */
			reply_stderr(r, r->line, strlen(r->line));
			reply_stderr(r, "\n", 1);
		}
	}
}

/* Read mpirun's stdout and stderr until it closes both. */
static void collect(int ofd, int efd, struct reply *r)
{
	struct pollfd pfd[2] = { { .fd = ofd, .events = POLLIN }, { .fd = efd, .events = POLLIN } };
	char buf[4096];

	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			n = read(pfd[i].fd, buf, sizeof(buf));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				continue;
			}
			if (i == 0)
				reply_stdout(r, buf, (size_t)n);
			else
				reply_stderr(r, buf, (size_t)n);
		}
	}
}

/* The line of `text` that contains `needle`, without its end; NULL when none. */
static const char *line_with(const char *text, const char *needle, int *len)
{
	const char *hit = strstr(text, needle), *start;

	if (!hit)
		return NULL;
	for (start = hit; start > text && start[-1] != '\n'; start--)
		;
	while (*start == ' ' || *start == '\t')
		start++;
	*len = (int)strcspn(start, "\n");
	return start;
}

/*
 * Why mpirun failed, in one line: its note on the rank that died, else the
 * rank and status of the first process that exited, else the first
 * paragraph of its message with the frames of dashes dropped.
 */
static void stderr_reason(const struct reply *r, char *out, size_t len)
{
	const char *s, *name, *code;
	size_t k = 0;
	int n, m;

	out[0] = '\0';
	if ((s = line_with(r->err, "noticed that process rank", &n))) {
		snprintf(out, len, "%.*s", n, s);
		return;
	}
	name = line_with(r->err, "Process name:", &n);
	code = line_with(r->err, "Exit code:", &m);
	if (name && code) {
		const char *comma = memrchr(name, ',', (size_t)n), *colon = strchr(code, ':') + 1;
		long rank = comma ? strtol(comma + 1, NULL, 10) : -1;

		while (*colon == ' ' || *colon == '\t')
			colon++;
		snprintf(out, len, "rank %ld exited with status %.*s", rank, (int)(m - (colon - code)), colon);
		return;
	}
	for (s = r->err; *s && k + 2 < len;) {
		const char *t = s;
		size_t l = strcspn(s, "\n");

		while (t < s + l && (*t == ' ' || *t == '\t'))
			t++;
		if (t == s + l && k > 0 && out[k - 1] != ':')
			break;	/* the end of the first paragraph (and of what it announces) */
		if (t < s + l && *t != '-' && *t != '[') {
			k += (size_t)snprintf(out + k, len - k, "%s%.*s", k ? " " : "", (int)(s + l - t), t);
			if (k >= len)
				k = len - 1;
		}
		s += l + (s[l] == '\n');
	}
}

static int read_boot_id(char *buf, size_t len)
{
	FILE *fp = fopen(AMDAHL_MPI_BOOT_ID, "r");
	int ok = fp && fgets(buf, (int)len, fp);

	if (fp)
		fclose(fp);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/*
 * Parse "wall=.. cpu=.. ready=.. setup=.. boot=.. [COLUMN=..]...": the fixed
 * keys, then any plugin column by its name (column.h); wall and cpu must be
 * there.
 */
static int parse_result(const char *line, struct timing *t, double *ready, double *setup, char *boot,
			size_t bootlen)
{
	char *copy = xstrdup(line), *tok, *save = NULL;
	int have = 0;

	boot[0] = '\0';
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');
		double v;

		if (!eq)
			continue;
		*eq++ = '\0';
		if (strcmp(tok, "boot") == 0) {
			snprintf(boot, bootlen, "%s", eq);
			continue;
		}
		if (parse_double(eq, &v) < 0)
			continue;
		if (strcmp(tok, "wall") == 0 && v > 0) {
			t->wall_s = v;
			have |= 1;
		} else if (strcmp(tok, "cpu") == 0 && v >= 0) {
			t->cpu_s = v;
			have |= 2;
		} else if (strcmp(tok, "ready") == 0) {
			*ready = v;
		} else if (strcmp(tok, "setup") == 0 && v >= 0) {
			*setup = v;
		} else {
			timing_set(t, tok, v);
		}
	}
	free(copy);
	return (have & 3) == 3 ? 0 : -1;
}

/* Pass on what mpirun said though it succeeded: on a cluster it may say why a
 * run is slow, and it may be what --mpirun-args asked for (--display-map). */
static void forward_messages(const struct reply *r)
{
	for (const char *s = r->err; *s;) {
		size_t n = strcspn(s, "\n");

		if (n)
			warnf("mpirun: %.*s", (int)n, s);
		s += n + (s[n] == '\n');
	}
}

/* The ranks' binary beside this one; 0, or -1 with job->err set. */
static int ranks_binary(struct job *job, char *self, size_t size)
{
	ssize_t len = readlink("/proc/self/exe", self, size - 1);

	/* A binary of their own, so that libmpi is not mapped into the harness
	 * (fork's cost grows with every mapping). */
	if (len < 0)
		return job_fail(job, "cannot find the amdahl binary for the ranks: %s", strerror(errno));
	self[len] = '\0';
	if (strrchr(self, '/'))
		strrchr(self, '/')[1] = '\0';
	if (strlen(self) + sizeof(AMDAHL_MPI_RANK_BIN) > size)
		return job_fail(job, "path of the amdahl binary too long");
	strcat(self, AMDAHL_MPI_RANK_BIN);
	if (access(self, X_OK) != 0)
		return job_fail(job, "cannot run the ranks' binary '%s': %s", self, strerror(errno));
	return 0;
}

/*
 * Fork and exec mpirun, its output into the pipes. It gets a process group of
 * its own and SIGTERM when the measuring child dies (amdahl killed): the
 * child's death takes its own group down with SIGKILL, but mpirun, given
 * SIGTERM, ends its ranks and cleans up its session folder and shared memory.
 * When a point ends, the engine sends SIGTERM too, and a grace period (reap.h).
 */
static pid_t start_mpirun(const struct vec *argv, const struct vec *env, const int ofds[2], const int efds[2])
{
	pid_t parent = getpid(), pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		if (reap_die_with_parent(parent, SIGTERM) < 0)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		if (in >= 0)
			dup2(in, 0);
		dup2(ofds[1], 1);
		dup2(efds[1], 2);
		execvpe("mpirun", argv->v, env->v);
		dprintf(2, "cannot run mpirun: %s\n", strerror(errno));
		_exit(127);
	}
	return pid;
}

/* What mpirun's end and its reply say: 0 and the timing, or -1 with job->err set. */
static int judge(struct job *job, const struct reply *r, int status, struct timing *out, double t_fork, double t_end)
{
	double ready = 0, setup = 0, launch;
	char why[1100], how[64], boot[64], myboot[64];

	if (r->error[0])
		return job_fail(job, "%s", r->error);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		describe_wait_status(status, how, sizeof(how));
		stderr_reason(r, why, sizeof(why));
		return job_fail(job, "mpirun %s%s%s", how, why[0] ? ": " : "", why);
	}
	if (!r->result[0] || parse_result(r->result, out, &ready, &setup, boot, sizeof(boot)) < 0) {
		stderr_reason(r, why, sizeof(why));
		return job_fail(job, "mpirun gave no result from rank 0%s%s", why[0] ? ": " : "", why);
	}
	forward_messages(r);
	/* From fork to every rank having started MPI, when rank 0 shares our
	 * clock; on another host, all that mpirun took beyond the workload's
	 * setup and the timed span (so MPI_Finalize and the exits count too). */
	if (boot[0] && read_boot_id(myboot, sizeof(myboot)) == 0 && strcmp(boot, myboot) == 0 && ready > t_fork)
		launch = ready - t_fork;
	else
		launch = t_end - t_fork - out->wall_s - setup;
	timing_set(out, "launch_s", launch > 0 ? launch : 0);
	return 0;
}

static int mpi_run(const struct workload *w, struct job *job, int n, struct timing *out)
{
	const char *hostfile = params_text(job->params, mpi_params, "hostfile");
	const char *args = params_text(job->params, mpi_params, "mpirun-args");
	struct vec argv = { 0 }, env = { 0 };
	struct reply *r = xcalloc(1, sizeof(*r));
	char self[PATH_MAX];
	int ofds[2] = { -1, -1 }, efds[2] = { -1, -1 }, status = 0, rc = -1;
	double t_fork;
	pid_t pid;

	(void)w;
	if (ranks_binary(job, self, sizeof(self)) < 0)
		goto out;
	build_argv(&argv, job, n, hostfile, args, self);
	build_env(&env, !*hostfile);
	if (pipe2(ofds, O_CLOEXEC) < 0 || pipe2(efds, O_CLOEXEC) < 0) {
		rc = job_fail(job, "cannot make a pipe for mpirun: %s", strerror(errno));
		goto out;
	}
	t_fork = clock_now();
	if ((pid = start_mpirun(&argv, &env, ofds, efds)) < 0) {
		rc = job_fail(job, "cannot fork mpirun: %s", strerror(errno));
		goto out;
	}
	close(ofds[1]);
	close(efds[1]);
	ofds[1] = efds[1] = -1;
	collect(ofds[0], efds[0], r);
	ofds[0] = efds[0] = -1;	/* collect closed them */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	rc = judge(job, r, status, out, t_fork, clock_now());
out:
	for (int i = 0; i < 2; i++) {
		if (ofds[i] >= 0)
			close(ofds[i]);
		if (efds[i] >= 0)
			close(efds[i]);
	}
	vec_free(&argv);
	vec_free(&env);
	free(r);
	return rc;
}

static const struct column mpi_columns[] = {
	{ .name = "launch_s", .unit = "s", .agg = COLUMN_MEDIAN,
	  .help = "mpirun's start-up cost, outside wall_s (the ranks' clock starts after it)" },
	{ 0 },
};

const struct backend backend_mpi = {
	.name = "mpi",
	.summary = "OpenMPI ranks started by mpirun per repetition, timed inside the ranks",
	.unavailable = MPI_UNAVAILABLE,
	.params = mpi_params,
	.columns = mpi_columns,
	.check = mpi_check,
	.refuse = mpi_refuse,
	.run = mpi_run,
};
