/*
 * Nothing outlives amdahl. The harness is a child subreaper
 * (PR_SET_CHILD_SUBREAPER): a process under a measuring child that its
 * parent left behind — a worker, a --cmd program that called setsid, mpirun
 * — is re-parented to amdahl, not to PID 1. When a point ends, reap_tree
 * ends every process under amdahl, wherever its process group or session
 * (found through /proc/<pid>/task/<tid>/children), first with SIGTERM and a
 * grace period (mpirun cleans up its session and shared memory then), then
 * with SIGKILL, and reaps every one, so no zombie is left for PID 1.
 *
 * Each run also has a scratch folder (AMDAHL_SCRATCH in the environment,
 * /dev/shm/amdahl-<pid> when it can, made when a point first needs it): what
 * a killed program could not clean up there (mpirun's session folder and
 * shared-memory segments) is removed when the point ends, and the folder
 * with the run (reap_finish).
 */
#ifndef AMDAHL_REAP_H
#define AMDAHL_REAP_H

#include <stddef.h>
#include <sys/types.h>

/* How long processes get to end after SIGTERM before SIGKILL. */
#define REAP_GRACE_S 2.0

/* Make this process a subreaper and name the scratch folder; idempotent. */
void reap_init(void);
/* The scratch folder of this run, made now if need be (in a child too); NULL when it cannot be. */
const char *reap_scratch(void);

/* What reap_tree ended. */
struct reap_report {
	int ended;		/* processes that were still running, the child included */
	int outside;		/* of those, how many had left the child's process group */
	int child_status;	/* wait status of the child */
};

/*
 * End child (when > 0) and every other descendant of this process: SIGTERM
 * (grace seconds to exit), then SIGKILL; reap them all; empty the scratch
 * folder. child is reaped too and its status kept in the report.
 */
void reap_tree(pid_t child, double grace, struct reap_report *r);

/* root and the processes under it, root first, into *v (free it); how many. */
size_t reap_tree_pids(pid_t root, pid_t **v);

/* One line for a report: "the measuring process and 2 processes under it were ended (1 had left its process group)". */
void reap_describe(const struct reap_report *r, char *buf, size_t len);

/* In a child forked by the engine: die with the parent (fires when the parent
 * thread ends, so it is checked again after setting). sig is what it gets. -1: the parent is gone. */
int reap_die_with_parent(pid_t parent, int sig);

/* Remove the scratch folder (at exit of the run). */
void reap_finish(void);

#endif
