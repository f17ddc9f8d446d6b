/*
 * Ending and reaping every process under amdahl. The tree is read from
 * /proc/<pid>/task/<tid>/children (a kernel with CONFIG_PROC_CHILDREN), or,
 * when that file is missing, from the parent field of every /proc/<pid>/stat.
 * Nothing here keeps state in a global: the scratch folder's path and the
 * subreaper's pid live in the environment (AMDAHL_SCRATCH,
 * AMDAHL_REAPER_PID), where the children find them too.
 */
#define _GNU_SOURCE
#include "reap.h"
#include "../base/clock.h"
#include "../base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REAP_SCRATCH_ENV "AMDAHL_SCRATCH"
#define REAP_PID_ENV "AMDAHL_REAPER_PID"
/* More processes than this under one point is a fork bomb: the rest wait for the next pass. */
#define REAP_MAX 65536

/* Whether this process is the one that made the scratch folder. */
static int reap_owner(void)
{
	const char *p = getenv(REAP_PID_ENV);
	char me[32];

	snprintf(me, sizeof(me), "%ld", (long)getpid());
	return p && strcmp(p, me) == 0 && getenv(REAP_SCRATCH_ENV);
}

void reap_init(void)
{
	char dir[PATH_MAX], me[32];
	const char *tmp = getenv("TMPDIR");

	if (reap_owner())
		return;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	/* Named now, made only when a point needs it (reap_scratch). */
	if (access("/dev/shm", W_OK) == 0)
		snprintf(dir, sizeof(dir), "/dev/shm/amdahl-%ld", (long)getpid());
	else
		snprintf(dir, sizeof(dir), "%s/amdahl-%ld", tmp && *tmp ? tmp : "/tmp", (long)getpid());
	snprintf(me, sizeof(me), "%ld", (long)getpid());
	setenv(REAP_PID_ENV, me, 1);
	setenv(REAP_SCRATCH_ENV, dir, 1);
}

const char *reap_scratch(void)
{
	const char *dir = getenv(REAP_SCRATCH_ENV);
	struct stat st;

	if (!dir || (mkdir(dir, 0700) < 0 && errno != EEXIST))
		return NULL;
	/* In a world-writable folder: only a folder of our own, never a link someone left. */
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return NULL;
	return dir;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	if (ftw->level > 0)
		remove(path);
	return 0;
}

/* Empty the scratch folder (what a killed program left there), if it was made. */
static void scratch_empty(void)
{
	const char *dir = getenv(REAP_SCRATCH_ENV);
	struct stat st;

	if (dir && reap_owner() && lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid())
		nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

void reap_finish(void)
{
	if (!reap_owner())
		return;
	scratch_empty();
	rmdir(getenv(REAP_SCRATCH_ENV));
	unsetenv(REAP_SCRATCH_ENV);
	unsetenv(REAP_PID_ENV);
}

/* ---- the tree ---- */

struct pids {
	pid_t *v;
	size_t len, cap;
};

static void pids_add(struct pids *p, pid_t pid)
{
	if (p->len >= REAP_MAX)
		return;
	if (p->len == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	p->v[p->len++] = pid;
}

static int pids_has(const struct pids *p, pid_t pid)
{
	for (size_t i = 0; i < p->len; i++)
		if (p->v[i] == pid)
			return 1;
	return 0;
}

/* The children of every thread of pid; -1 when the kernel has no such file. */
static int children_of(pid_t pid, struct pids *out)
{
	char path[320];
	struct dirent *e;
	DIR *d;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%ld/task", (long)pid);
	if (!(d = opendir(path)))
		return 0;	/* gone already */
	while ((e = readdir(d))) {
		FILE *fp;
		long child;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/task/%s/children", (long)pid, e->d_name);
		if (!(fp = fopen(path, "r")))
			continue;
		found = 1;
		while (fscanf(fp, "%ld", &child) == 1)
			if (!pids_has(out, (pid_t)child))
				pids_add(out, (pid_t)child);
		fclose(fp);
	}
	closedir(d);
	return found || access("/proc/self/task", F_OK) != 0 ? 0 : -1;
}

/* A process's parent, state and process group from /proc/<pid>/stat; -1 when gone. */
static int stat_of(pid_t pid, pid_t *ppid, char *state, pid_t *pgrp)
{
	char path[64], buf[1024], *rp;
	long pp = 0, pg = 0;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: the fields follow the last ')'. */
	if (!(rp = strrchr(buf, ')')) || sscanf(rp + 1, " %c %ld %ld", state, &pp, &pg) != 3)
		return -1;
	*ppid = (pid_t)pp;
	*pgrp = (pid_t)pg;
	return 0;
}

/* Without the children files: every process whose parent is in the list, until none is added. */
static void tree_by_scan(struct pids *out)
{
	size_t before;

	do {
		DIR *d = opendir("/proc");
		struct dirent *e;

		before = out->len;
		while (d && (e = readdir(d))) {
			pid_t pid = (pid_t)strtol(e->d_name, NULL, 10), ppid, pg;
			char st;

			if (pid > 0 && !pids_has(out, pid) && stat_of(pid, &ppid, &st, &pg) == 0 && pids_has(out, ppid))
				pids_add(out, pid);
		}
		if (d)
			closedir(d);
	} while (out->len > before);
}

/* root and every descendant of it (root first, at v[0]). */
static void tree_of(pid_t root, struct pids *out)
{
	out->len = 0;
	pids_add(out, root);
	for (size_t i = 0; i < out->len; i++)
		if (children_of(out->v[i], out) < 0) {
			tree_by_scan(out);
			return;
		}
}

/* Every descendant of this process (itself first, at v[0]). */
static void descendants(struct pids *out)
{
	tree_of(getpid(), out);
}

size_t reap_tree_pids(pid_t root, pid_t **v)
{
	struct pids p = { 0 };

	tree_of(root, &p);
	*v = p.v;
	return p.len;
}

/* ---- ending ---- */

struct reaping {
	pid_t child, child_pgrp;
	struct reap_report *r;
	struct pids tree, termed;
	int counted;
};

/* Reap every zombie child; the measuring child's status is kept. */
static void reap_children(struct reaping *g)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (pid == g->child)
			g->r->child_status = status;
}

/* Signal the processes still running; 0 when there are none. */
static int signal_live(struct reaping *g, int sig)
{
	int live = 0;

	descendants(&g->tree);
	for (size_t i = 1; i < g->tree.len; i++) {
		pid_t pid = g->tree.v[i], ppid, pg;
		char st;

		if (stat_of(pid, &ppid, &st, &pg) < 0 || st == 'Z' || st == 'X')
			continue;
		live++;
		if (!g->counted) {
			g->r->ended++;
			g->r->outside += g->child > 0 && pid != g->child && pg != g->child_pgrp;
		}
		/* SIGTERM once: mpirun takes a second one as "abort the clean-up". */
		if (sig == SIGTERM && pids_has(&g->termed, pid))
			continue;
		kill(pid, sig);
		if (sig == SIGTERM)
			pids_add(&g->termed, pid);
	}
	g->counted = 1;
	return live;
}

static void nap(double s)
{
	struct timespec ts = { 0, (long)(s * 1e9) };

	nanosleep(&ts, NULL);
}

void reap_tree(pid_t child, double grace, struct reap_report *r)
{
	struct reaping g = { .child = child, .child_pgrp = child, .r = r };
	double deadline = clock_now() + grace;
	int sig = SIGTERM;

	memset(r, 0, sizeof(*r));
	for (;;) {
		reap_children(&g);
		if (!signal_live(&g, sig)) {
			reap_children(&g);
			/* Our last zombies may still be on their way: wait for the child itself. */
			if (child > 0 && waitpid(child, &r->child_status, 0) == child)
				continue;
			break;
		}
		if (sig == SIGTERM && clock_now() >= deadline)
			sig = SIGKILL;
		nap(sig == SIGTERM ? 0.005 : 0.001);
	}
	/* Zombies re-parented to us as their parents went: reap them too. */
	for (int i = 0; i < 1000; i++) {
		reap_children(&g);
		descendants(&g.tree);
		if (g.tree.len <= 1)
			break;
		nap(0.001);
	}
	free(g.tree.v);
	free(g.termed.v);
	scratch_empty();
}

void reap_describe(const struct reap_report *r, char *buf, size_t len)
{
	int others = r->ended > 0 ? r->ended - 1 : 0;
	char outside[96] = "";

	if (r->outside)
		snprintf(outside, sizeof(outside), " (%d of them had left its process group)", r->outside);
	if (r->ended == 0)
		snprintf(buf, len, "the measuring process had ended already");
	else if (others == 0)
		snprintf(buf, len, "the measuring process was ended");
	else
		snprintf(buf, len, "the measuring process and %d process%s under it were ended%s", others,
			 others == 1 ? "" : "es", outside);
}

int reap_die_with_parent(pid_t parent, int sig)
{
	if (prctl(PR_SET_PDEATHSIG, sig) < 0)
		return -1;
	return getppid() == parent ? 0 : -1;
}
