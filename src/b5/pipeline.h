/*
 * Internal to src/b5: the pipeline's roles written once, over a small table
 * of operations each backend provides (how to wait on a queue, how to sleep,
 * how to read the CPU clock), and the shared state they count into.
 *
 * Items: every queue carries a struct b5_item. The order queue holds orders
 * (bike -1), the empty queue bikes (order -1), the loaded queue bikes with
 * their order. An item with order B5_PILL tells a picker or a messenger to go
 * home: the dispatcher sends them once every order is done, which is how the
 * correct version ends where the talk's daemon threads loop forever.
 */
#ifndef AMDAHL_B5_PIPELINE_H
#define AMDAHL_B5_PIPELINE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "b5.h"

#define B5_PILL (-2)

struct sync_queue;
struct gil_thread;
struct procs;

struct b5_item {
	int32_t order, bike;
};

enum b5_queue { B5_Q_ORDERS, B5_Q_EMPTY, B5_Q_LOADED, B5_NQUEUES };

/*
 * The state every worker shares, counted with atomics. It lives in memory the
 * backend provides (MAP_SHARED where workers are processes), followed by the
 * per-order delivery counts and the per-bike "out" flags; nothing in it is a
 * pointer, so it means the same in every process.
 */
struct b5_shared {
	struct b5_config cfg;
	int ready;		/* workers started, for the start gate */
	int fault_armed;	/* 1 until the injected fault has happened */
	int misrouted;
	uint32_t counts[];	/* orders delivery counts, then bikes flags */
};

/* Bytes for the shared state of cfg (a multiple of 64). */
size_t b5_shared_bytes(const struct b5_config *cfg);
/* Initialise the state in zeroed memory of b5_shared_bytes. */
void b5_shared_init(struct b5_shared *sh, const struct b5_config *cfg);
/* Queue capacities: every put of a run fits, so a put never waits. */
size_t b5_queue_capacity(const struct b5_config *cfg, enum b5_queue q);

struct b5_ops {
	/* Take the oldest item of q. timeout_s < 0: wait (off the CPU, letting
	 * other workers run); 0: only try. 0, or -1 when q was empty. */
	int (*get)(void *rt, enum b5_queue q, struct b5_item *it, double timeout_s);
	/* Append an item (there is always room). */
	void (*put)(void *rt, enum b5_queue q, const struct b5_item *it);
	/* One order is finished: the order queue's task_done. */
	void (*task_done)(void *rt);
	/* Wait until every order put is done. 0, or -1 with the reason in err
	 * (a worker died). */
	int (*join)(void *rt, char *err, size_t errlen);
	/* Be away for s seconds (pick, delivery, a poll's pause); s = 0 yields. */
	void (*sleep)(void *rt, double s);
	/* CPU seconds of the dispatcher and every worker so far. */
	double (*cpu)(void *rt);
};

/* The roles. Each returns when it gets a pill. */
void b5_picker(const struct b5_ops *ops, void *rt, struct b5_shared *sh);
void b5_messenger(const struct b5_ops *ops, void *rt, struct b5_shared *sh);
/* Put the bikes in the empty queue, before any worker starts. */
void b5_stock(const struct b5_ops *ops, void *rt, struct b5_shared *sh);
/*
 * The dispatcher: put every order, join, send the pills; wall_s and cpu_s
 * into out. 0, or -1 with out->err set when the join failed.
 */
int b5_dispatch(const struct b5_ops *ops, void *rt, struct b5_shared *sh, struct b5_result *out);
/* Count the deliveries into out (delivered, lost, duplicated, misrouted). */
void b5_account(const struct b5_shared *sh, struct b5_result *out);
/* Wait (sleeping, before the clock starts) until n workers have started;
 * gives up after timeout_s. */
void b5_wait_ready(struct b5_shared *sh, int n, double timeout_s);
/* A worker marks itself started. */
void b5_mark_ready(struct b5_shared *sh);

/*
 * The runtime over src/runtime queues that thread, gil and process share: three
 * sync_queues (process-shared for processes), an optional GIL (src/runtime/gil,
 * the one the gil backend uses) that the bookkeeping holds and every wait
 * releases, and for processes the workers, whose CPU clocks are read and
 * whose deaths end a join. Under a GIL every thread works on a copy of its
 * own, with its own gil_thread.
 */
struct b5_qrt {
	struct b5_shared *sh;
	struct sync_queue *q[B5_NQUEUES];
	struct gil_thread *gil;		/* this thread's GIL state; NULL: no GIL */
	const struct procs *procs;	/* worker processes, or NULL */
};

extern const struct b5_ops b5_qrt_ops;

/* Lay out the shared state and the three queues in mem (b5_qrt_bytes long,
 * zeroed). 0, or -1 (errno) when pthreads refuses. */
size_t b5_qrt_bytes(const struct b5_config *cfg);
int  b5_qrt_init(struct b5_qrt *rt, void *mem, const struct b5_config *cfg, int pshared);
void b5_qrt_destroy(struct b5_qrt *rt);

#endif
