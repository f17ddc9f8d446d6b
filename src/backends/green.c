/*
 * green backend: user-space threads (greenlets) on the one OS thread that
 * runs the job, as gevent runs them on libev: concurrency without
 * parallelism. Every greenlet has its own stack (mmap, with a guard page
 * below it) and a ucontext; a hub on the thread's own stack switches between
 * them with swapcontext. Greenlets are never preempted: one runs until it
 * blocks — sleeps (the wait hook), meets the others at the barrier between
 * phases, or finds the message channel full or empty — and then the hub runs
 * the next ready one. When none is ready the hub sleeps in epoll_wait on a
 * timerfd armed for the earliest wake-up in its timer heap. So the sleep
 * workload scales with N while spin does not: only one greenlet computes at
 * a time.
 *
 * The calling worker is the main greenlet: it runs the serial sections,
 * spawns the N workers, and joins them. For the message workload a consumer
 * greenlet reads a sync_queue (gevent.queue.Queue) that the workers put into;
 * put and get only try, and block the greenlet, never the thread.
 */
#define _GNU_SOURCE
#include "../api/backend.h"
#include "../runtime/queue.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define GREEN_STACK (256 * 1024)	/* per greenlet, plus a guard page */
#define GREEN_CHUNK 4096		/* channel items, as the thread backends' */
#define GREEN_CAPACITY 64

enum role { ROLE_MAIN, ROLE_WORKER, ROLE_CONSUMER };

struct hub;

struct greenlet {
	ucontext_t uc;
	struct hub *hub;
	void *map;			/* stack mapping, guard page first */
	enum role role;
	int worker;
	uint64_t wake_ns;		/* while in the timer heap */
	struct greenlet *next;		/* in one list at a time */
};

struct glist {
	struct greenlet *head, *tail;
};

struct chunk {
	uint32_t len;
	uint32_t stop;
	unsigned char data[GREEN_CHUNK];
};

struct hub {
	ucontext_t uc;			/* the scheduler, on the thread's stack */
	struct job *job;
	int n;
	struct greenlet *g;		/* main, workers 0..n-1, consumer */
	int ng;
	struct greenlet *current;	/* NULL while the hub runs */
	struct glist ready;
	struct greenlet **timers;	/* min-heap on wake_ns */
	size_t ntimers;
	int epfd, tfd;
	int live;			/* greenlets not finished */
	size_t page;
	/* barrier between phases */
	int arrived;
	struct glist at_barrier;
	/* join */
	int workers_left;
	struct greenlet *joiner;
	/* message channel */
	struct sync_queue *q;
	void *qmem;
	struct glist put_waiters;
	struct greenlet *get_waiter;
	uint64_t sent, received, checksum;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void glist_push(struct glist *l, struct greenlet *g)
{
	g->next = NULL;
	if (l->tail)
		l->tail->next = g;
	else
		l->head = g;
	l->tail = g;
}

static struct greenlet *glist_pop(struct glist *l)
{
	struct greenlet *g = l->head;

	if (g) {
		l->head = g->next;
		if (!l->head)
			l->tail = NULL;
		g->next = NULL;
	}
	return g;
}

/* ---- timer heap ---- */

static void heap_push(struct hub *h, struct greenlet *g)
{
	size_t i = h->ntimers++;

	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (h->timers[parent]->wake_ns <= g->wake_ns)
			break;
		h->timers[i] = h->timers[parent];
		i = parent;
	}
	h->timers[i] = g;
}

static struct greenlet *heap_pop(struct hub *h)
{
	struct greenlet *top = h->timers[0], *last = h->timers[--h->ntimers];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->ntimers)
			break;
		if (c + 1 < h->ntimers && h->timers[c + 1]->wake_ns < h->timers[c]->wake_ns)
			c++;
		if (last->wake_ns <= h->timers[c]->wake_ns)
			break;
		h->timers[i] = h->timers[c];
		i = c;
	}
	if (h->ntimers)
		h->timers[i] = last;
	return top;
}

/* ---- switching ---- */

/* Give the thread back to the hub; return when something made us ready. */
static void block(struct hub *h)
{
	struct greenlet *me = h->current;

	swapcontext(&me->uc, &h->uc);
}

static void hook_wait(struct job *job, int worker, uint64_t ns)
{
	struct hub *h = job->hooks.ctx;
	struct greenlet *me = h->current;

	(void)worker;
	me->wake_ns = now_ns() + ns;
	heap_push(h, me);
	block(h);
}

static void barrier_wait(void *p)
{
	struct hub *h = p;

	if (++h->arrived == h->n + 1) {
		struct greenlet *g;
		h->arrived = 0;
		while ((g = glist_pop(&h->at_barrier)))
			glist_push(&h->ready, g);
		return;
	}
	glist_push(&h->at_barrier, h->current);
	block(h);
}

/* ---- the channel: a queue between greenlets ---- */

static void green_put(struct hub *h, const struct chunk *c)
{
	while (sync_queue_put(h->q, c, 0) < 0) {
		glist_push(&h->put_waiters, h->current);
		block(h);
	}
	if (h->get_waiter) {
		glist_push(&h->ready, h->get_waiter);
		h->get_waiter = NULL;
	}
}

static void green_get(struct hub *h, struct chunk *c)
{
	struct greenlet *g;

	while (sync_queue_get(h->q, c, 0) < 0) {
		h->get_waiter = h->current;
		block(h);
	}
	if ((g = glist_pop(&h->put_waiters)))
		glist_push(&h->ready, g);
}

static int hook_transfer(struct job *job, int worker, const void *buf, size_t len)
{
	struct hub *h = job->hooks.ctx;
	const unsigned char *p = buf;
	struct chunk c;

	(void)worker;
	c.stop = 0;
	do {
		size_t n = len < GREEN_CHUNK ? len : GREEN_CHUNK;

		c.len = (uint32_t)n;
		memcpy(c.data, p, n);
		green_put(h, &c);
		h->sent += n;
		p += n;
		len -= n;
	} while (len > 0);
	return 0;
}

static void consume(struct hub *h)
{
	struct chunk c;

	for (;;) {
		green_get(h, &c);
		if (c.stop)
			break;
		for (uint32_t i = 0; i < c.len; i++)
			h->checksum += c.data[i];
		h->received += c.len;
	}
}

/* ---- the greenlets ---- */

static void run_main(struct hub *h)
{
	struct job_sync sync = { barrier_wait, h };
	struct job *job = h->job;

	job_worker_start(job, -1);
	job_serial(job, 0);
	for (int i = 0; i < h->n; i++)	/* spawn */
		glist_push(&h->ready, &h->g[1 + i]);
	job_run_between(job, &sync);
	if (h->workers_left > 0) {	/* join */
		h->joiner = h->current;
		block(h);
	}
	if (h->q) {
		struct chunk stop;
		memset(&stop, 0, sizeof(stop));
		stop.stop = 1;
		green_put(h, &stop);
	}
}

static void run_worker(struct hub *h, int worker)
{
	struct job_sync sync = { barrier_wait, h };

	job_run_worker(h->job, worker, h->n, &sync);
	if (--h->workers_left == 0 && h->joiner) {
		glist_push(&h->ready, h->joiner);
		h->joiner = NULL;
	}
}

static void entry(unsigned lo, unsigned hi)
{
	struct greenlet *g = (struct greenlet *)(((uintptr_t)hi << 32) | (uintptr_t)lo);
	struct hub *h = g->hub;

	if (g->role == ROLE_MAIN)
		run_main(h);
	else if (g->role == ROLE_WORKER)
		run_worker(h, g->worker);
	else
		consume(h);
	h->live--;
	/* Returning switches to uc_link, the hub. */
}

static int greenlet_make(struct hub *h, struct greenlet *g, enum role role, int worker)
{
	size_t len = GREEN_STACK + h->page;
	uintptr_t p = (uintptr_t)g;

	g->hub = h;
	g->role = role;
	g->worker = worker;
	g->map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
		      -1, 0);
	if (g->map == MAP_FAILED) {
		g->map = NULL;
		return -1;
	}
	if (mprotect(g->map, h->page, PROT_NONE) < 0 || getcontext(&g->uc) < 0)
		return -1;
	g->uc.uc_stack.ss_sp = (char *)g->map + h->page;
	g->uc.uc_stack.ss_size = GREEN_STACK;
	g->uc.uc_link = &h->uc;
	makecontext(&g->uc, (void (*)(void))entry, 2, (unsigned)(p & 0xffffffffu), (unsigned)(p >> 32));
	h->live++;
	return 0;
}

/* The scheduler: run ready greenlets; when none is, sleep until the next timer. */
static int hub_loop(struct hub *h)
{
	while (h->live > 0) {
		struct greenlet *g;
		uint64_t now = now_ns();

		while (h->ntimers && h->timers[0]->wake_ns <= now)
			glist_push(&h->ready, heap_pop(h));
		if ((g = glist_pop(&h->ready))) {
			h->current = g;
			swapcontext(&h->uc, &g->uc);
			h->current = NULL;
			continue;
		}
		if (h->ntimers) {
			uint64_t at = h->timers[0]->wake_ns, count;
			struct itimerspec its = { { 0, 0 }, { (time_t)(at / 1000000000u), (long)(at % 1000000000u) } };
			struct epoll_event ev;

			if (timerfd_settime(h->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
				return job_fail(h->job, "green: timerfd_settime: %s", strerror(errno));
			while (epoll_wait(h->epfd, &ev, 1, -1) < 0)
				if (errno != EINTR)
					return job_fail(h->job, "green: epoll_wait: %s", strerror(errno));
			if (read(h->tfd, &count, sizeof(count)) < 0 && errno != EAGAIN)
				return job_fail(h->job, "green: read timerfd: %s", strerror(errno));
			continue;
		}
		return job_fail(h->job, "green: all %d greenlets are blocked and no timer is set", h->live);
	}
	if (h->q && h->received != h->sent)
		return job_fail(h->job, "green: %llu bytes sent but %llu received", (unsigned long long)h->sent,
				(unsigned long long)h->received);
	return 0;
}

static void hub_free(struct hub *h)
{
	for (int i = 0; i < h->ng; i++)
		if (h->g[i].map)
			munmap(h->g[i].map, GREEN_STACK + h->page);
	if (h->q)
		sync_queue_destroy(h->q);
	free(h->qmem);
	free(h->g);
	free(h->timers);
	if (h->tfd >= 0)
		close(h->tfd);
	if (h->epfd >= 0)
		close(h->epfd);
}

static int green_run(const struct workload *w, struct job *job, int n, struct timing *out)
{
	struct hub h;
	struct epoll_event ev = { .events = EPOLLIN };
	int chan = (w->needs & WORKLOAD_NEEDS_CHANNEL) != 0, rc;

	(void)out;
	memset(&h, 0, sizeof(h));
	h.job = job;
	h.n = n;
	h.workers_left = n;
	h.page = (size_t)sysconf(_SC_PAGESIZE);
	h.ng = n + 1 + chan;
	h.g = calloc((size_t)h.ng, sizeof(*h.g));
	h.timers = calloc((size_t)h.ng, sizeof(*h.timers));
	h.epfd = epoll_create1(EPOLL_CLOEXEC);
	h.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (!h.g || !h.timers || h.epfd < 0 || h.tfd < 0 || epoll_ctl(h.epfd, EPOLL_CTL_ADD, h.tfd, &ev) < 0) {
		rc = job_fail(job, "green: cannot set up the hub: %s", strerror(errno));
		goto out;
	}
	if (chan) {
		size_t bytes = sync_queue_bytes(GREEN_CAPACITY, sizeof(struct chunk));
		h.qmem = malloc(bytes);
		h.q = h.qmem ? sync_queue_init(h.qmem, GREEN_CAPACITY, sizeof(struct chunk), 0) : NULL;
		if (!h.q) {
			rc = job_fail(job, "green: cannot make the channel's queue");
			goto out;
		}
	}
	for (int i = 0; i < h.ng; i++) {
		enum role role = i == 0 ? ROLE_MAIN : i <= n ? ROLE_WORKER : ROLE_CONSUMER;
		if (greenlet_make(&h, &h.g[i], role, i - 1) < 0) {
			rc = job_fail(job, "green: cannot map a stack for greenlet %d of %d: %s", i, h.ng,
				      strerror(errno));
			goto out;
		}
	}
	job->hooks = (struct job_hooks){ .wait = hook_wait, .transfer = chan ? hook_transfer : NULL, .ctx = &h };
	glist_push(&h.ready, &h.g[0]);
	if (chan)
		glist_push(&h.ready, &h.g[h.ng - 1]);
	rc = hub_loop(&h);
	job->hooks = (struct job_hooks){ 0 };
out:
	hub_free(&h);
	return rc;
}

static const char *green_refuse(const struct workload *w)
{
	if (w->needs & WORKLOAD_EXTERNAL)
		return "it runs only programs given with --cmd (the cmd backend)";
	if (w->needs & ~(unsigned)WORKLOAD_NEEDS_CHANNEL)
		return "it needs something the green backend does not offer";
	return NULL;
}

const struct backend backend_green = {
	.name = "green",
	.summary = "greenlets (ucontext) on one OS thread, switched when they block; epoll/timerfd hub",
	.refuse = green_refuse,
	.run = green_run,
};
