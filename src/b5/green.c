/*
 * B5 on green threads, the talk's gevent version: the dispatcher, pickers and
 * messengers are ucontext greenlets on one OS thread, switched by a scheduler
 * that never blocks the thread while something is runnable. A get on an
 * empty queue parks the greenlet on that queue and switches to the
 * scheduler; a put hands the first parked getter back to the ready list.
 * Sleeps (pick, delivery, a poll's pause) go into the scheduler's timer heap;
 * when nothing is ready, the scheduler arms a timerfd for the earliest wake-up
 * and sleeps in epoll_wait. If nothing is ready and nothing sleeps while some
 * greenlet still waits, the run is a deadlock and fails at once.
 *
 * Under ThreadSanitizer and AddressSanitizer every switch is announced to the
 * sanitizer (fibers), so they follow the stacks.
 */
#include "b5.h"
#include "pipeline.h"
#include "../base/clock.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

/* The roles are shallow loops; sanitizers want more room than plain builds. */
#define GREEN_STACK (256 * 1024)

enum green_role { ROLE_PICKER, ROLE_MESSENGER, ROLE_DISPATCHER };

struct green_rt;

struct green {
	ucontext_t ctx;
	struct green_rt *rt;
	void *map;		/* the stack's mapping, a guard page first */
	size_t map_len;
	enum green_role role;
	int done;
	double wake_at;		/* while in the timer heap */
	struct green *next;	/* in the ready list or one wait list */
#if defined(__SANITIZE_THREAD__)
	void *fiber;
#endif
#if defined(__SANITIZE_ADDRESS__)
	void *fake_stack;
#endif
};

struct green_list {
	struct green *head, *tail;
};

/* A bounded FIFO with the greenlets parked on it. */
struct green_chan {
	struct b5_item *items;
	size_t cap, head, count;
	size_t unfinished;		/* put and not yet done (the order queue's join) */
	struct green_list getters;	/* parked in get, oldest first */
	struct green_list joiners;	/* parked in join */
};

struct green_rt {
	ucontext_t main;
	struct green *current;
	struct green *gs;
	int ngreen, live;
	struct green_list ready;
	struct green **heap;		/* sleepers, earliest wake_at first */
	int nheap;
	int ep, tfd;
	struct green_chan ch[B5_NQUEUES];
	struct b5_shared *sh;
	struct b5_result *out;
	int dispatch_rc;
#if defined(__SANITIZE_THREAD__)
	void *main_fiber;
#endif
#if defined(__SANITIZE_ADDRESS__)
	void *main_fake;
	const void *main_bottom;
	size_t main_size;
#endif
};

/* ---- lists and the timer heap ---- */

static void list_push(struct green_list *l, struct green *g)
{
	g->next = NULL;
	if (l->tail)
		l->tail->next = g;
	else
		l->head = g;
	l->tail = g;
}

static struct green *list_pop(struct green_list *l)
{
	struct green *g = l->head;

	if (g) {
		l->head = g->next;
		if (!l->head)
			l->tail = NULL;
		g->next = NULL;
	}
	return g;
}

static void heap_swap(struct green **h, int a, int b)
{
	struct green *t = h[a];

	h[a] = h[b];
	h[b] = t;
}

static void heap_push(struct green_rt *rt, struct green *g)
{
	int i = rt->nheap++;

	rt->heap[i] = g;
	while (i > 0 && rt->heap[(i - 1) / 2]->wake_at > rt->heap[i]->wake_at) {
		heap_swap(rt->heap, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static struct green *heap_pop(struct green_rt *rt)
{
	struct green *top = rt->heap[0];
	int i = 0;

	rt->heap[0] = rt->heap[--rt->nheap];
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		if (l < rt->nheap && rt->heap[l]->wake_at < rt->heap[m]->wake_at)
			m = l;
		if (r < rt->nheap && rt->heap[r]->wake_at < rt->heap[m]->wake_at)
			m = r;
		if (m == i)
			break;
		heap_swap(rt->heap, i, m);
		i = m;
	}
	return top;
}

/* ---- switching ---- */

/* From the scheduler into g, until g switches back. */
static void switch_to(struct green_rt *rt, struct green *g)
{
	rt->current = g;
#if defined(__SANITIZE_THREAD__)
	__tsan_switch_to_fiber(g->fiber, 0);
#endif
#if defined(__SANITIZE_ADDRESS__)
	__sanitizer_start_switch_fiber(&rt->main_fake, (char *)g->map + getpagesize(),
				       g->map_len - (size_t)getpagesize());
#endif
	swapcontext(&rt->main, &g->ctx);
#if defined(__SANITIZE_ADDRESS__)
	__sanitizer_finish_switch_fiber(rt->main_fake, NULL, NULL);
#endif
	rt->current = NULL;
}

/* From the running greenlet back to the scheduler; returns when it is resumed. */
static void to_scheduler(struct green_rt *rt)
{
	struct green *g = rt->current;

#if defined(__SANITIZE_THREAD__)
	__tsan_switch_to_fiber(rt->main_fiber, 0);
#endif
#if defined(__SANITIZE_ADDRESS__)
	__sanitizer_start_switch_fiber(g->done ? NULL : &g->fake_stack, rt->main_bottom, rt->main_size);
#endif
	swapcontext(&g->ctx, &rt->main);
#if defined(__SANITIZE_ADDRESS__)
	__sanitizer_finish_switch_fiber(g->fake_stack, &rt->main_bottom, &rt->main_size);
#endif
}

/* Park the running greenlet on l until someone moves it to the ready list. */
static void park(struct green_rt *rt, struct green_list *l)
{
	list_push(l, rt->current);
	to_scheduler(rt);
}

static void wake_one(struct green_rt *rt, struct green_list *l)
{
	struct green *g = list_pop(l);

	if (g)
		list_push(&rt->ready, g);
}

/* ---- the operations the roles use ---- */

static int green_get(void *p, enum b5_queue q, struct b5_item *it, double timeout_s)
{
	struct green_rt *rt = p;
	struct green_chan *c = &rt->ch[q];

	/* Woken getters recheck: a greenlet that ran first may have taken the item. */
	while (c->count == 0) {
		if (timeout_s == 0)
			return -1;
		park(rt, &c->getters);
	}
	*it = c->items[c->head];
	c->head = (c->head + 1) % c->cap;
	c->count--;
	return 0;
}

static void green_sleep(void *p, double s)
{
	struct green_rt *rt = p;
	struct green *g = rt->current;

	if (s > 0) {
		g->wake_at = clock_now() + s;
		heap_push(rt, g);
	} else {
		list_push(&rt->ready, g);
	}
	to_scheduler(rt);
}

static void green_put(void *p, enum b5_queue q, const struct b5_item *it)
{
	struct green_rt *rt = p;
	struct green_chan *c = &rt->ch[q];

	while (c->count == c->cap)	/* never, with b5_queue_capacity; yield if it were */
		green_sleep(rt, 0);
	c->items[(c->head + c->count) % c->cap] = *it;
	c->count++;
	c->unfinished++;
	wake_one(rt, &c->getters);
}

static void green_task_done(void *p)
{
	struct green_rt *rt = p;
	struct green_chan *c = &rt->ch[B5_Q_ORDERS];

	if (c->unfinished > c->count && --c->unfinished == 0)
		while (c->joiners.head)
			wake_one(rt, &c->joiners);
}

static int green_join(void *p, char *err, size_t errlen)
{
	struct green_rt *rt = p;
	struct green_chan *c = &rt->ch[B5_Q_ORDERS];

	(void)err;
	(void)errlen;
	while (c->unfinished > 0)
		park(rt, &c->joiners);
	return 0;
}

static double green_cpu(void *p)
{
	struct timespec ts;

	(void)p;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const struct b5_ops green_ops = {
	.get = green_get,
	.put = green_put,
	.task_done = green_task_done,
	.join = green_join,
	.sleep = green_sleep,
	.cpu = green_cpu,
};

/* ---- greenlets and the scheduler ---- */

static void green_entry(unsigned lo, unsigned hi)
{
	struct green *g = (struct green *)(((uintptr_t)hi << 32) | (uintptr_t)lo);
	struct green_rt *rt = g->rt;

#if defined(__SANITIZE_ADDRESS__)
	__sanitizer_finish_switch_fiber(NULL, &rt->main_bottom, &rt->main_size);
#endif
	switch (g->role) {
	case ROLE_PICKER:
		b5_picker(&green_ops, rt, rt->sh);
		break;
	case ROLE_MESSENGER:
		b5_messenger(&green_ops, rt, rt->sh);
		break;
	case ROLE_DISPATCHER:
		rt->dispatch_rc = b5_dispatch(&green_ops, rt, rt->sh, rt->out);
		break;
	}
	g->done = 1;
	to_scheduler(rt);	/* the scheduler never resumes a finished greenlet */
}

static int green_spawn(struct green_rt *rt, struct green *g, enum green_role role)
{
	size_t page = (size_t)getpagesize();
	uintptr_t self = (uintptr_t)g;

	g->rt = rt;
	g->role = role;
	g->map_len = GREEN_STACK + page;
	g->map = mmap(NULL, g->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (g->map == MAP_FAILED) {
		g->map = NULL;
		return -1;
	}
	mprotect(g->map, page, PROT_NONE);	/* an overflow faults instead of corrupting */
	if (getcontext(&g->ctx) < 0)
		return -1;
	g->ctx.uc_stack.ss_sp = (char *)g->map + page;
	g->ctx.uc_stack.ss_size = GREEN_STACK;
	g->ctx.uc_link = &rt->main;
	makecontext(&g->ctx, (void (*)(void))green_entry, 2, (unsigned)(self & 0xffffffffu),
		    (unsigned)(self >> 32));
#if defined(__SANITIZE_THREAD__)
	g->fiber = __tsan_create_fiber(0);
#endif
	list_push(&rt->ready, g);
	rt->live++;
	return 0;
}

/* Arm the timerfd for the absolute monotonic time `at` and wait for it. */
static int wait_until(struct green_rt *rt, double at)
{
	struct itimerspec its;
	struct epoll_event ev;
	uint64_t expirations;
	double whole = floor(at);

	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)whole;
	its.it_value.tv_nsec = (long)((at - whole) * 1e9);
	if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
		its.it_value.tv_nsec = 1;	/* zero would disarm it */
	if (timerfd_settime(rt->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		return -1;
	while (epoll_wait(rt->ep, &ev, 1, -1) < 0)
		if (errno != EINTR)
			return -1;
	if (read(rt->tfd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		return -1;
	return 0;
}

/* Run greenlets until all are done. 0, or -1 with out->err set. */
static int schedule(struct green_rt *rt)
{
	while (rt->live > 0) {
		struct green *g;
		double now = clock_now();

		while (rt->nheap > 0 && rt->heap[0]->wake_at <= now)
			list_push(&rt->ready, heap_pop(rt));
		g = list_pop(&rt->ready);
		if (g) {
			switch_to(rt, g);
			if (g->done)
				rt->live--;
			continue;
		}
		if (rt->nheap == 0) {
			snprintf(rt->out->err, sizeof(rt->out->err),
				 "deadlock: %d greenlets wait and none can wake them", rt->live);
			return -1;
		}
		if (wait_until(rt, rt->heap[0]->wake_at) < 0) {
			snprintf(rt->out->err, sizeof(rt->out->err), "the scheduler's timer failed: %s",
				 strerror(errno));
			return -1;
		}
	}
	return 0;
}

static void green_free(struct green_rt *rt)
{
	for (int i = 0; i < rt->ngreen; i++) {
		struct green *g = &rt->gs[i];
		if (g->map)
			munmap(g->map, g->map_len);
#if defined(__SANITIZE_THREAD__)
		if (g->fiber)
			__tsan_destroy_fiber(g->fiber);
#endif
	}
	for (int q = 0; q < B5_NQUEUES; q++)
		free(rt->ch[q].items);
	if (rt->ep >= 0)
		close(rt->ep);
	if (rt->tfd >= 0)
		close(rt->tfd);
	free(rt->gs);
	free(rt->heap);
	free(rt->sh);
}

static int green_run(const struct b5_config *cfg, struct b5_result *out)
{
	struct green_rt rt;
	struct epoll_event ev = { .events = EPOLLIN };
	int rc = -1, k = 0;

	memset(&rt, 0, sizeof(rt));
	rt.ep = rt.tfd = -1;
	rt.out = out;
	rt.ngreen = cfg->pickers + cfg->messengers + 1;
	rt.gs = calloc((size_t)rt.ngreen, sizeof(*rt.gs));
	rt.heap = calloc((size_t)rt.ngreen, sizeof(*rt.heap));
	rt.sh = calloc(1, b5_shared_bytes(cfg));
	for (int q = 0; q < B5_NQUEUES; q++) {
		rt.ch[q].cap = b5_queue_capacity(cfg, (enum b5_queue)q);
		rt.ch[q].items = calloc(rt.ch[q].cap, sizeof(struct b5_item));
	}
	if (!rt.gs || !rt.heap || !rt.sh || !rt.ch[0].items || !rt.ch[1].items || !rt.ch[2].items) {
		snprintf(out->err, sizeof(out->err), "out of memory for %d greenlets", rt.ngreen);
		goto out;
	}
	b5_shared_init(rt.sh, cfg);
	rt.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	rt.ep = epoll_create1(EPOLL_CLOEXEC);
	if (rt.tfd < 0 || rt.ep < 0 || epoll_ctl(rt.ep, EPOLL_CTL_ADD, rt.tfd, &ev) < 0) {
		snprintf(out->err, sizeof(out->err), "cannot set up the scheduler's timer: %s", strerror(errno));
		goto out;
	}
#if defined(__SANITIZE_THREAD__)
	rt.main_fiber = __tsan_get_current_fiber();
#endif
	b5_stock(&green_ops, &rt, rt.sh);
	/* Workers first, so each is parked on its queue before the first order. */
	for (; k < rt.ngreen; k++) {
		enum green_role role = k < cfg->pickers ? ROLE_PICKER :
				       k < rt.ngreen - 1 ? ROLE_MESSENGER : ROLE_DISPATCHER;
		if (green_spawn(&rt, &rt.gs[k], role) < 0) {
			snprintf(out->err, sizeof(out->err), "cannot make a stack for greenlet %d: %s", k,
				 strerror(errno));
			goto out;
		}
	}
	rc = schedule(&rt);
	if (rc == 0 && rt.dispatch_rc < 0)
		rc = -1;
	if (rc == 0) {
		b5_account(rt.sh, out);
		out->ok = 1;
	}
out:
	green_free(&rt);
	return rc;
}

const struct b5_backend b5_backend_green = {
	.name = "green",
	.summary = "ucontext greenlets on one OS thread; waits park, sleeps go to a timerfd scheduler",
	.run = green_run,
};
