/*
 * Green threads: user-space threads (greenlets) on the one OS thread that
 * calls green_hub_run, as gevent runs its greenlets on libev: concurrency
 * without parallelism. Used by the green backend and by B5's green runner,
 * so "green" means one scheduler everywhere.
 *
 * Every greenlet has its own stack (mmap, a PROT_NONE guard page below it:
 * an overflow dies of SIGSEGV instead of corrupting a neighbour) and a
 * ucontext. The hub, on the thread's own stack, runs ready greenlets in FIFO
 * order. A greenlet is never preempted: it runs until it parks on a wait list
 * (green_park), sleeps (green_sleep, a timer min-heap) or returns. When no
 * greenlet is ready, the hub arms one timerfd for the earliest wake-up and
 * sleeps in epoll_wait. Nothing ready, nothing asleep, and greenlets still
 * parked: a deadlock, reported at once.
 *
 * Under AddressSanitizer and ThreadSanitizer every switch is announced as a
 * fiber switch, so both follow the stacks.
 */
#ifndef AMDAHL_RUNTIME_GREEN_H
#define AMDAHL_RUNTIME_GREEN_H

#include <stddef.h>

struct green;
struct green_hub;

/* Greenlets parked on something (a queue, a barrier, a join), oldest first.
 * Zero it before use; it belongs to whoever waits on it. */
struct green_list {
	struct green *head, *tail;
};

/* The body of a greenlet; it ends when the function returns. */
typedef void (*green_fn)(struct green_hub *hub, void *arg);

/* A hub for at most capacity greenlets over its life. NULL (errno) when the
 * memory or the timerfd cannot be had. */
struct green_hub *green_hub_new(int capacity);
/* Unmap every stack and close the timer. Not from inside a greenlet. */
void green_hub_free(struct green_hub *hub);

/*
 * Make a greenlet that will run fn(hub, arg), at the back of the ready list.
 * Before green_hub_run or from a running greenlet. 0, or -1 (errno: ENOMEM
 * when no stack could be mapped, ENOSPC past the capacity).
 */
int green_spawn(struct green_hub *hub, green_fn fn, void *arg);

/*
 * Run greenlets until every one has returned. 0, or -1 with one line in err:
 * a deadlock (greenlets parked, none ready, none asleep) or a failed timer.
 */
int green_hub_run(struct green_hub *hub, char *err, size_t errlen);

/* From a running greenlet: park it on l until green_wake moves it back to
 * the ready list. A woken greenlet rechecks what it waited for. */
void green_park(struct green_hub *hub, struct green_list *l);
/* Make the oldest greenlet parked on l ready. 1 if there was one, else 0. */
int green_wake(struct green_hub *hub, struct green_list *l);
void green_wake_all(struct green_hub *hub, struct green_list *l);
/* From a running greenlet: be away for s seconds (the timer heap); s <= 0
 * yields, to the back of the ready list. */
void green_sleep(struct green_hub *hub, double s);

#endif
