/*
 * The measurement engine, shared by `run` and `b5`: it plans the visits of a
 * set of points (order, rounds, a point's base first), runs each visit in an
 * isolated child (isolate.h) with a deadline, sorts what happens (a row, an
 * error, a crash, a timeout, an interrupt), keeps the progress line, and
 * tells a reporter — the command — about rows, failures and the end.
 *
 * The client describes its points in struct engine_plan (what a visit does
 * in the child, how its points depend on each other, their names) and its
 * output in struct engine_reporter; the engine knows nothing of backends,
 * workloads, pipelines or CSV.
 */
#ifndef AMDAHL_ENGINE_H
#define AMDAHL_ENGINE_H

#include <stddef.h>
#include <stdint.h>

enum engine_order {
	ENGINE_ROUNDS,	/* every point once a round, base points first, the rest shuffled (seed) */
	ENGINE_POINTS,	/* base points first, then each point's repetitions back to back */
};

/* Room for one repetition's data in a message (a message must fit PIPE_BUF). */
#define ENGINE_DATA_MAX 3000
#define ENGINE_TEXT_MAX 1024

/* The child's end of a visit. */
struct engine_child;

/* Send repetition rep's data (plan->data_size bytes); -1 when the parent is gone. */
int engine_child_rep(struct engine_child *ch, int rep, const void *data);
/* Say a warm-up is done (it counts toward the visit's messages); -1 when the parent is gone. */
int engine_child_warmup(struct engine_child *ch);
/* Fail the visit with a one-line reason; returns 1, the child's exit status. */
int engine_child_error(struct engine_child *ch, const char *why);

struct engine_plan {
	void *ctx;
	size_t npoints;
	int reps;			/* repetitions of every point (with next_round: the most rounds) */
	enum engine_order order;
	uint64_t seed;			/* of the rounds' shuffle */
	int one_rep_a_visit;		/* ENGINE_POINTS: a fresh child for every repetition */
	size_t data_size;		/* bytes of one repetition's data, <= ENGINE_DATA_MAX */
	/* In the child: the visit's warm-ups, then repetitions first .. first+n-1. Its
	 * return value is the child's exit status. */
	int (*visit)(void *ctx, size_t point, int first, int n, struct engine_child *ch);
	/* Warm-up messages a visit sends before its repetitions; NULL: none. */
	int (*warmups)(void *ctx, size_t point, int first);
	/* The point whose repetitions this one's rows are divided by (run: N = 1 of its
	 * group); it is measured first, and a point whose base failed is skipped.
	 * NULL: every point is its own. */
	size_t (*base)(void *ctx, size_t point);
	/* A point not to visit at all (a --setup failed); NULL: none. */
	int (*skip)(void *ctx, size_t point);
	/* Seconds a visit may go without a message. */
	double (*timeout)(void *ctx, size_t point);
	/* "thread/spin p=0.9 n=2", for the progress line and messages. */
	void (*name)(void *ctx, size_t point, char *buf, size_t len);
	/*
	 * Rounds order, when the client decides how many (run --precision): after
	 * every round (from 0), the points the next one visits, into want[] (zeroed;
	 * the engine adds their bases), knowing visit_s[point], the mean seconds of
	 * the point's visits so far (NaN: none), and how many rounds reps still
	 * allows (0 after the last: the client closes its books). Returns how many
	 * points it wants; 0 stops. NULL: every point, every round, reps rounds.
	 */
	size_t (*next_round)(void *ctx, int round, int rounds_left, const double *visit_s, unsigned char *want);
};

enum engine_failure_kind {
	ENGINE_FAIL_FORK,	/* the child could not be started */
	ENGINE_FAIL_ERROR,	/* the child said why (engine_child_error) */
	ENGINE_FAIL_DIED,	/* it ended before its results were in */
	ENGINE_FAIL_TIMEOUT,	/* no message within the timeout */
};

struct engine_failure {
	enum engine_failure_kind kind;
	const char *why;	/* the whole reason, one line */
	const char *ended;	/* what the engine ended: "the measuring process and 2 more" */
	double timeout_s;
};

struct engine_outcome {
	size_t done;		/* repetitions measured */
	size_t failures;	/* points failed, plus repetitions the reporter failed */
	int interrupted;	/* the stop flag was set (stop.h) */
	double elapsed_s;
};

/* What a command (run, b5) does with what the engine sees. */
struct engine_reporter {
	void *ctx;
	/* A repetition's data: write its row. -1: the repetition failed though it has a row. */
	int (*row)(void *ctx, size_t point, int rep, const void *data);
	/* A visit is over, whatever happened; NULL: nothing to do. */
	void (*visit_end)(void *ctx, size_t point);
	/* A point failed (the progress line is cleared first); it is not visited again. */
	void (*failure)(void *ctx, size_t point, const struct engine_failure *f);
	/* Every point done (not after an interrupt); NULL: no summary. */
	void (*summary)(void *ctx, const struct engine_outcome *o);
};

/*
 * Before a command measures: SIGINT, SIGTERM and SIGHUP set the stop flag
 * (stop.h); this process becomes a subreaper, so that nothing it starts can
 * outlive it (reap.h). After: engine_close removes the run's scratch folder.
 */
void engine_open(void);
void engine_close(void);

/*
 * Visit every point as the plan says, report, and fill out. progress: draw
 * a progress line on stderr. Returns 0 when every repetition was measured
 * and none failed, else -1.
 */
int engine_run(const struct engine_plan *plan, const struct engine_reporter *rep, int progress,
	       struct engine_outcome *out);

/* The result of engine_once. */
enum engine_once_status { ENGINE_ONCE_OK = 0, ENGINE_ONCE_FAILED = -1, ENGINE_ONCE_INTERRUPTED = -2 };

/*
 * One isolated call (a calibration): fn runs in a child and sends one
 * repetition's data (size bytes) with engine_child_rep, which lands in data.
 * On failure, why holds the reason.
 */
enum engine_once_status engine_once(int (*fn)(void *arg, struct engine_child *ch), void *arg, size_t size,
				    void *data, double timeout_s, char *why, size_t whylen);

#endif
