/*
 * Isolation: run a function in a forked child, in a process group of its
 * own, reading fixed-size messages back through a pipe with a deadline. A
 * child that crashes, exits early or hangs cannot take the caller down; when
 * it is finished, it and every process under it are ended and reaped
 * (reap.h), whatever group or session they moved to. The child dies with
 * its parent: if amdahl is killed, ISOLATE_DEATH_SIGNAL reaches the child,
 * which ends its whole process group.
 */
#ifndef AMDAHL_ISOLATE_H
#define AMDAHL_ISOLATE_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

/* What the child gets when its parent dies (PR_SET_PDEATHSIG). */
#define ISOLATE_DEATH_SIGNAL (SIGRTMIN + 2)

struct isolate {
	pid_t pid;	/* also the process group id */
	int fd;		/* read end of the pipe */
};

/* The child's body: write messages to fd; its return value is its exit status. */
typedef int (*isolate_fn)(void *arg, int fd);

enum isolate_read {
	ISOLATE_MSG = 1,	/* a whole message arrived */
	ISOLATE_EOF = 0,	/* the child closed the pipe (exited) */
	ISOLATE_TIMEOUT = -1,
	ISOLATE_INTERRUPTED = -2,	/* *stop became non-zero */
	ISOLATE_ERROR = -3,	/* a short message or a read error */
};

/* Fork the child. Returns 0, or -1 (errno set). */
int isolate_start(struct isolate *iso, isolate_fn fn, void *arg);
/*
 * Wait up to timeout_s for one message of exactly len bytes. Polls `stop`
 * (the SIGINT flag) while it waits.
 */
enum isolate_read isolate_read(struct isolate *iso, void *msg, size_t len, double timeout_s,
			       volatile sig_atomic_t *stop);
/*
 * End the child and every process under it (SIGTERM, a grace period, then
 * SIGKILL) and reap them all. Returns the child's wait status (0 when it was
 * finished already). Safe to call whatever the child's state; pid is -1
 * afterwards.
 */
int isolate_finish(struct isolate *iso);
/* isolate_finish, saying in what what was ended ("the measuring process and 2 processes under it were ended"). */
int isolate_end(struct isolate *iso, char *what, size_t len);
/* Write a message from the child; -1 on error. */
int isolate_send(int fd, const void *msg, size_t len);

#endif
