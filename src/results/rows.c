/*
 * The row table: a growing array of rows, strings interned in an open-addressing
 * hash set, and an arena of blocks that never move (so a row's pointers stay
 * valid while the table grows).
 */
#include "rows.h"
#include "../api/column.h"
#include "../base/util.h"

#include <math.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK (1u << 20)

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	alignas(max_align_t) unsigned char data[];
};

struct rows_store {
	struct arena_block *blocks;
	const char **set;		/* interned strings; NULL = free slot */
	size_t nset, capset;		/* capset: a power of two */
};

static void *arena_alloc(struct rows_store *s, size_t size, size_t align)
{
	struct arena_block *b = s->blocks;
	size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;

	if (!b || at + size > b->size) {
		size_t want = size > ARENA_BLOCK / 4 ? size : ARENA_BLOCK;

		b = xmalloc(sizeof(*b) + want);
		b->size = want;
		b->used = 0;
		b->next = s->blocks;
		s->blocks = b;
		at = 0;
	}
	b->used = at + size;
	return b->data + at;
}

/* FNV-1a: short keys, few of them; good enough and deterministic. */
static size_t hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return (size_t)h;
}

static void set_grow(struct rows_store *s)
{
	size_t cap = s->capset ? 2 * s->capset : 64;
	const char **set = xcalloc(cap, sizeof(*set));

	for (size_t i = 0; i < s->capset; i++) {
		const char *v = s->set[i];
		size_t k;

		if (!v)
			continue;
		for (k = hash(v, strlen(v)) & (cap - 1); set[k]; k = (k + 1) & (cap - 1))
			;
		set[k] = v;
	}
	free(s->set);
	s->set = set;
	s->capset = cap;
}

const char *run_rows_intern(struct run_rows *t, const char *str, size_t len)
{
	struct rows_store *s = t->store;
	size_t k;
	char *copy;

	if (len == 0)
		return "";
	if (2 * (s->nset + 1) > s->capset)
		set_grow(s);
	for (k = hash(str, len) & (s->capset - 1); s->set[k]; k = (k + 1) & (s->capset - 1))
		if (strncmp(s->set[k], str, len) == 0 && s->set[k][len] == '\0')
			return s->set[k];
	copy = arena_alloc(s, len + 1, 1);
	memcpy(copy, str, len);
	copy[len] = '\0';
	s->set[k] = copy;
	s->nset++;
	return copy;
}

void run_row_init(struct run_row *r)
{
	memset(r, 0, sizeof(*r));
	r->backend = r->workload = r->label = r->cpus = "";
	r->p = r->wall_s = r->cpu_s = NAN;
	r->speedup = r->amdahl = r->efficiency = r->cores = r->ceiling = r->karp_flatt = r->work_s = NAN;
	r->phases = 1;
}

void run_rows_init(struct run_rows *t)
{
	memset(t, 0, sizeof(*t));
	t->store = xcalloc(1, sizeof(*t->store));
}

void run_rows_free(struct run_rows *t)
{
	if (t->store) {
		struct arena_block *b = t->store->blocks;

		while (b) {
			struct arena_block *next = b->next;
			free(b);
			b = next;
		}
		free(t->store->set);
		free(t->store);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

const struct run_row *run_rows_add(struct run_rows *t, const struct run_row *r)
{
	struct run_row *row;
	size_t ncol = column_count();
	int any = 0;

	if (t->len == t->cap) {
		t->cap = t->cap ? t->cap + t->cap / 2 : 256;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	row = &t->v[t->len++];
	*row = *r;
	row->backend = run_rows_intern(t, r->backend, strlen(r->backend));
	row->workload = run_rows_intern(t, r->workload, strlen(r->workload));
	row->label = run_rows_intern(t, r->label, strlen(r->label));
	row->cpus = run_rows_intern(t, r->cpus, strlen(r->cpus));
	for (size_t i = 0; r->col && i < ncol; i++)
		any |= !isnan(r->col[i]);
	row->col = NULL;
	if (any) {
		double *col = arena_alloc(t->store, ncol * sizeof(double), alignof(double));

		memcpy(col, r->col, ncol * sizeof(double));
		row->col = col;
	}
	return row;
}

double run_row_col_id(const struct run_row *r, int id)
{
	return id < 0 || !r->col ? NAN : r->col[id];
}

double run_row_col(const struct run_row *r, const char *name)
{
	return run_row_col_id(r, column_id(name));
}
