/*
 * The green-thread scheduler (green.h): greenlets on ucontext stacks with
 * guard pages, a ready list, a timer min-heap, and a hub that sleeps on a
 * timerfd through epoll when nothing is ready. Every switch is announced to
 * AddressSanitizer and ThreadSanitizer as a fiber switch.
 */
#define _GNU_SOURCE
#include "green.h"
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

/* Per greenlet. The bodies are shallow loops; sanitizers want more room
 * than plain builds, and MAP_NORESERVE costs nothing until a page is used. */
#define GREEN_STACK (256 * 1024)

struct green {
	ucontext_t ctx;
	struct green_hub *hub;
	green_fn fn;
	void *arg;
	void *map;		/* the stack's mapping, the guard page first */
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

struct green_hub {
	ucontext_t ctx;			/* the scheduler, on the thread's stack */
	struct green *current;		/* NULL while the hub runs */
	struct green *gs;		/* capacity of them, ngreen used */
	int capacity, ngreen, live;
	size_t page;
	struct green_list ready;
	struct green **heap;		/* sleepers, earliest wake_at first */
	int nheap;
	int ep, tfd;
#if defined(__SANITIZE_THREAD__)
	void *fiber;
#endif
#if defined(__SANITIZE_ADDRESS__)
	void *fake_stack;
	const void *stack_bottom;
	size_t stack_size;
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

static void heap_push(struct green_hub *hub, struct green *g)
{
	int i = hub->nheap++;

	hub->heap[i] = g;
	while (i > 0 && hub->heap[(i - 1) / 2]->wake_at > hub->heap[i]->wake_at) {
		heap_swap(hub->heap, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static struct green *heap_pop(struct green_hub *hub)
{
	struct green *top = hub->heap[0];
	int i = 0;

	hub->heap[0] = hub->heap[--hub->nheap];
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		if (l < hub->nheap && hub->heap[l]->wake_at < hub->heap[m]->wake_at)
			m = l;
		if (r < hub->nheap && hub->heap[r]->wake_at < hub->heap[m]->wake_at)
			m = r;
		if (m == i)
			break;
		heap_swap(hub->heap, i, m);
		i = m;
	}
	return top;
}

/* ---- switching ---- */

/* From the hub into g, until g switches back. */
static void switch_to(struct green_hub *hub, struct green *g)
{
	hub->current = g;
#if defined(__SANITIZE_THREAD__)
	__tsan_switch_to_fiber(g->fiber, 0);
#endif
#if defined(__SANITIZE_ADDRESS__)
	__sanitizer_start_switch_fiber(&hub->fake_stack, (char *)g->map + hub->page, GREEN_STACK);
#endif
	swapcontext(&hub->ctx, &g->ctx);
#if defined(__SANITIZE_ADDRESS__)
	__sanitizer_finish_switch_fiber(hub->fake_stack, NULL, NULL);
#endif
	hub->current = NULL;
}

/* From the running greenlet back to the hub; returns when it is resumed. */
static void to_hub(struct green_hub *hub)
{
	struct green *g = hub->current;

#if defined(__SANITIZE_THREAD__)
	__tsan_switch_to_fiber(hub->fiber, 0);
#endif
#if defined(__SANITIZE_ADDRESS__)
	/* A finished greenlet passes NULL: ASan frees its fake stack. */
	__sanitizer_start_switch_fiber(g->done ? NULL : &g->fake_stack, hub->stack_bottom, hub->stack_size);
#endif
	swapcontext(&g->ctx, &hub->ctx);
#if defined(__SANITIZE_ADDRESS__)
	__sanitizer_finish_switch_fiber(g->fake_stack, &hub->stack_bottom, &hub->stack_size);
#endif
}

void green_park(struct green_hub *hub, struct green_list *l)
{
	list_push(l, hub->current);
	to_hub(hub);
}

int green_wake(struct green_hub *hub, struct green_list *l)
{
	struct green *g = list_pop(l);

	if (!g)
		return 0;
	list_push(&hub->ready, g);
	return 1;
}

void green_wake_all(struct green_hub *hub, struct green_list *l)
{
	while (green_wake(hub, l))
		;
}

void green_sleep(struct green_hub *hub, double s)
{
	struct green *g = hub->current;

	if (s > 0) {
		g->wake_at = clock_now() + s;
		heap_push(hub, g);
	} else {
		list_push(&hub->ready, g);
	}
	to_hub(hub);
}

/* ---- greenlets ---- */

static void green_entry(unsigned lo, unsigned hi)
{
	struct green *g = (struct green *)(((uintptr_t)hi << 32) | (uintptr_t)lo);
	struct green_hub *hub = g->hub;

#if defined(__SANITIZE_ADDRESS__)
	__sanitizer_finish_switch_fiber(NULL, &hub->stack_bottom, &hub->stack_size);
#endif
	g->fn(hub, g->arg);
	g->done = 1;
	to_hub(hub);	/* the hub never resumes a finished greenlet */
}

int green_spawn(struct green_hub *hub, green_fn fn, void *arg)
{
	struct green *g;
	uintptr_t self;

	if (hub->ngreen == hub->capacity) {
		errno = ENOSPC;
		return -1;
	}
	g = &hub->gs[hub->ngreen];
	self = (uintptr_t)g;
	g->map = mmap(NULL, GREEN_STACK + hub->page, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (g->map == MAP_FAILED) {
		g->map = NULL;
		return -1;
	}
	hub->ngreen++;	/* from here on green_hub_free unmaps it */
	if (mprotect(g->map, hub->page, PROT_NONE) < 0 || getcontext(&g->ctx) < 0)
		return -1;
	g->hub = hub;
	g->fn = fn;
	g->arg = arg;
	g->ctx.uc_stack.ss_sp = (char *)g->map + hub->page;
	g->ctx.uc_stack.ss_size = GREEN_STACK;
	g->ctx.uc_link = &hub->ctx;
	makecontext(&g->ctx, (void (*)(void))green_entry, 2, (unsigned)(self & 0xffffffffu),
		    (unsigned)(self >> 32));
#if defined(__SANITIZE_THREAD__)
	g->fiber = __tsan_create_fiber(0);
#endif
	list_push(&hub->ready, g);
	hub->live++;
	return 0;
}

/* ---- the hub ---- */

struct green_hub *green_hub_new(int capacity)
{
	struct green_hub *hub = calloc(1, sizeof(*hub));
	struct epoll_event ev = { .events = EPOLLIN };

	if (!hub)
		return NULL;
	hub->ep = hub->tfd = -1;
	hub->capacity = capacity;
	hub->page = (size_t)sysconf(_SC_PAGESIZE);
	hub->gs = calloc((size_t)capacity, sizeof(*hub->gs));
	hub->heap = calloc((size_t)capacity, sizeof(*hub->heap));
	if (!hub->gs || !hub->heap)
		goto fail;
	hub->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	hub->ep = epoll_create1(EPOLL_CLOEXEC);
	if (hub->tfd < 0 || hub->ep < 0 || epoll_ctl(hub->ep, EPOLL_CTL_ADD, hub->tfd, &ev) < 0)
		goto fail;
	return hub;
fail:
	green_hub_free(hub);
	return NULL;
}

void green_hub_free(struct green_hub *hub)
{
	int saved = errno;

	if (!hub)
		return;
	for (int i = 0; i < hub->ngreen; i++) {
		struct green *g = &hub->gs[i];
		if (g->map)
			munmap(g->map, GREEN_STACK + hub->page);
#if defined(__SANITIZE_THREAD__)
		if (g->fiber)
			__tsan_destroy_fiber(g->fiber);
#endif
	}
	if (hub->ep >= 0)
		close(hub->ep);
	if (hub->tfd >= 0)
		close(hub->tfd);
	free(hub->gs);
	free(hub->heap);
	free(hub);
	errno = saved;
}

/* Arm the timerfd for the absolute monotonic time `at` and wait for it. */
static int wait_until(struct green_hub *hub, double at)
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
	if (timerfd_settime(hub->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		return -1;
	while (epoll_wait(hub->ep, &ev, 1, -1) < 0)
		if (errno != EINTR)
			return -1;
	if (read(hub->tfd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		return -1;
	return 0;
}

int green_hub_run(struct green_hub *hub, char *err, size_t errlen)
{
#if defined(__SANITIZE_THREAD__)
	hub->fiber = __tsan_get_current_fiber();
#endif
	while (hub->live > 0) {
		struct green *g;
		double now = clock_now();

		while (hub->nheap > 0 && hub->heap[0]->wake_at <= now)
			list_push(&hub->ready, heap_pop(hub));
		g = list_pop(&hub->ready);
		if (g) {
			switch_to(hub, g);
			if (g->done)
				hub->live--;
			continue;
		}
		if (hub->nheap == 0) {
			snprintf(err, errlen, "deadlock: %d greenlets wait and none can wake them", hub->live);
			return -1;
		}
		if (wait_until(hub, hub->heap[0]->wake_at) < 0) {
			snprintf(err, errlen, "the green scheduler's timer failed: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}
