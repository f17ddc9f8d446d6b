/*
 * Process workers: fork()ed children that die with their parent and are
 * always reaped. Used by the process backend (its workers and its channel's
 * consumer) and by B5's process runner, so forking and reaping are written
 * once.
 *
 * Every child sets PR_SET_PDEATHSIG(SIGKILL) and then checks that its parent
 * is still the process that forked it, so workers never outlive a parent that
 * is SIGKILLed (a timeout, an interrupted sweep): the kernel kills them with
 * it. (The signal comes when the thread that forked them ends: fork from a
 * thread that lives as long as the workers, as both users do.) procs_free
 * kills and reaps whatever is left, so no error path leaves a zombie.
 */
#ifndef AMDAHL_RUNTIME_PROCS_H
#define AMDAHL_RUNTIME_PROCS_H

#include <stddef.h>
#include <sys/types.h>

struct procs {
	pid_t *pids;		/* started workers, in spawn order */
	int capacity;
	int started;		/* pids[0 .. started) */
	int reaped;		/* 1 once procs_reap has waited for them all */
	pid_t parent;		/* the process that forks them */
};

/* The body of worker i: runs in the child, which _exits with its return
 * value (only the low 8 bits reach the parent). */
typedef int (*procs_fn)(void *arg, int i);

/* Room for capacity workers. 0, or -1 (ENOMEM). */
int procs_init(struct procs *p, int capacity);
/* Fork the next worker, number p->started, to run fn(arg, i). 0, or -1
 * (errno) when fork failed or the capacity is used up. */
int procs_spawn(struct procs *p, procs_fn fn, void *arg);
/* The first started worker that has ended, without reaping it (its status
 * stays for procs_reap), or -1 when all still run. *status: its wait status. */
int procs_ended(const struct procs *p, int *status);
/* SIGKILL every started worker: they may wait forever on a queue or on a
 * lock that a dead one held. */
void procs_kill(const struct procs *p);
/*
 * Wait for every started worker. 0 when all exited with status 0; else -1
 * and, when err is set, "worker process I exited with status S" (or "was
 * killed by SIGX") for the first that did not.
 */
int procs_reap(struct procs *p, char *err, size_t errlen);
/* Kill and reap the workers not reaped yet, and free the list. */
void procs_free(struct procs *p);

#endif
