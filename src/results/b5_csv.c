/*
 * The B5 CSV (b5_csv.h): the writer, then the reader, which checks every
 * cell b5.gp draws and finds the distinct laws (one figure each).
 */
#include "b5_csv.h"
#include "../base/util.h"

#include <csv.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- writer ---- */

const char b5_csv_header[] =
	"backend,messengers,pickers,bikes,orders,delivered,lost,duplicated,"
	"wall_s,cpu_s,throughput,bound,wait,rep,pick_ms,deliver_ms,poll_ms,"
	"bottleneck,wall_min_s,attained,misrouted";

int b5_csv_write_header(FILE *fp)
{
	return fprintf(fp, "%s\n", b5_csv_header) < 0 ? -1 : 0;
}

/* Text as libcsv writes it when it needs quotes, plain otherwise. */
static void put_text(FILE *fp, const char *s)
{
	if (strpbrk(s, ",\"\r\n") || (*s && (s[0] == ' ' || s[strlen(s) - 1] == ' ')))
		csv_fwrite(fp, s, strlen(s));
	else
		fputs(s, fp);
	fputc(',', fp);
}

/* An empty cell for a value that does not apply (NaN, infinity). */
static void put_num(FILE *fp, double v, int last)
{
	if (isfinite(v))
		fprintf(fp, "%.9g", v);
	fputc(last ? '\n' : ',', fp);
}

int b5_csv_write_row(FILE *fp, const char *backend, int rep, const struct b5_config *c,
		     const struct b5_result *r)
{
	struct b5_bound b;

	b5_bound(c, &b);
	put_text(fp, backend);
	fprintf(fp, "%d,%d,%d,%d,%d,%d,%d,", c->messengers, c->pickers, c->bikes, c->orders,
		r->delivered, r->lost, r->duplicated);
	put_num(fp, r->wall_s, 0);
	put_num(fp, r->cpu_s, 0);
	put_num(fp, r->wall_s > 0 ? c->orders / r->wall_s : NAN, 0);
	put_num(fp, b.rate, 0);
	fprintf(fp, "%s,%d,", c->wait == B5_WAIT_POLL ? "poll" : "cond", rep);
	put_num(fp, c->pick_s * 1e3, 0);
	put_num(fp, c->deliver_s * 1e3, 0);
	put_num(fp, c->wait == B5_WAIT_POLL ? c->poll_s * 1e3 : NAN, 0);
	put_text(fp, b.bottleneck);
	put_num(fp, b.wall_min_s, 0);
	put_num(fp, r->wall_s > 0 ? b.wall_min_s / r->wall_s : NAN, 0);
	fprintf(fp, "%d\n", r->misrouted);
	if (fflush(fp) != 0 || ferror(fp))
		return -1;
	return 0;
}

/* ---- reader ---- */

/* The columns b5.gp reads, in the order of the tidy copy it is given. */
const char *const b5_csv_columns[B5_CSV_NCOLUMNS] = {
	"backend", "wait", "rep", "messengers", "pickers", "bikes", "orders",
	"pick_ms", "deliver_ms", "throughput", "bound", "wall_min_s",
};

int b5_csv_is(const char *path, char *err, size_t errlen)
{
	static const char *const marks[] = { "messengers", "throughput" };

	return csv_header_has(path, marks, ARRAY_SIZE(marks), err, errlen);
}

static int b5_int(const char *s, int lo, int hi, int *out)
{
	uint64_t v;

	if (parse_u64(s, &v) < 0 || v < (uint64_t)lo || v > (uint64_t)hi)
		return -1;
	*out = (int)v;
	return 0;
}

/* A finite number >= lo (or > lo when strict); -1 otherwise. */
static int b5_num(const char *s, double lo, int strict, double *out)
{
	if (parse_double(s, out) < 0 || *out < lo || (strict && *out == lo))
		return -1;
	return 0;
}

/* A backend name gnuplot can take as one word of a list: letters, digits, ._+- */
static int b5_word(const char *s)
{
	if (!*s || strlen(s) >= CSV_NAME_MAX)
		return 0;
	for (; *s; s++)
		if (!(strchr("._+-", *s) || (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z')))
			return 0;
	return 1;
}

/* Check one row into r; the name of the first bad column, or NULL. */
static const char *b5_row(char *const *c, const int *col, struct b5_csv_run *r)
{

	memset(r, 0, sizeof(*r));
	if (!b5_word(c[col[0]]))
		return "backend";
	snprintf(r->backend, sizeof(r->backend), "%s", c[col[0]]);
	if (strcmp(c[col[1]], "cond") && strcmp(c[col[1]], "poll"))
		return "wait";
	snprintf(r->wait, sizeof(r->wait), "%s", c[col[1]]);
	if (col[2] >= 0 && c[col[2]][0] && b5_int(c[col[2]], 0, INT_MAX, &r->rep) < 0)
		return "rep";
	if (b5_int(c[col[3]], 1, B5_WORKERS_MAX, &r->messengers) < 0)
		return "messengers";
	if (b5_int(c[col[4]], 1, B5_WORKERS_MAX, &r->pickers) < 0)
		return "pickers";
	if (b5_int(c[col[5]], 1, B5_WORKERS_MAX, &r->bikes) < 0)
		return "bikes";
	if (b5_int(c[col[6]], 1, B5_ORDERS_MAX, &r->orders) < 0)
		return "orders";
	if (b5_num(c[col[7]], 0, 0, &r->pick_ms) < 0)
		return "pick_ms";
	if (b5_num(c[col[8]], 0, 0, &r->deliver_ms) < 0)
		return "deliver_ms";
	if (b5_num(c[col[9]], 0, 1, &r->throughput) < 0)
		return "throughput";
	/* An empty bound is an unbounded pipeline (no pick or delivery time). */
	r->bound = NAN;
	if (c[col[10]][0] && b5_num(c[col[10]], 0, 1, &r->bound) < 0)
		return "bound";
	if (b5_num(c[col[11]], 0, 0, &r->wall_min_s) < 0)
		return "wall_min_s";
	return NULL;
}

static int cmp_law(const void *a, const void *b)
{
	const struct b5_csv_law *x = a, *y = b;

	if (x->pickers != y->pickers)
		return x->pickers < y->pickers ? -1 : 1;
	if (x->bikes != y->bikes)
		return x->bikes < y->bikes ? -1 : 1;
	if (x->orders != y->orders)
		return x->orders < y->orders ? -1 : 1;
	if (x->pick_ms != y->pick_ms)
		return x->pick_ms < y->pick_ms ? -1 : 1;
	return (x->deliver_ms > y->deliver_ms) - (x->deliver_ms < y->deliver_ms);
}

int b5_csv_same_law(const struct b5_csv_law *l, const struct b5_csv_run *r)
{
	return l->pickers == r->pickers && l->bikes == r->bikes && l->orders == r->orders &&
	       l->pick_ms == r->pick_ms && l->deliver_ms == r->deliver_ms;
}

struct b5_reader {
	struct b5_csv_file *out;
	int col[ARRAY_SIZE(b5_csv_columns)];
	size_t cap;
};

static int b5_header(struct b5_reader *rd, char *const *fields, size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < ARRAY_SIZE(b5_csv_columns); i++) {
		size_t k = 0;

		while (k < n && strcmp(fields[k], b5_csv_columns[i]) != 0)
			k++;
		rd->col[i] = k < n ? (int)k : -1;
		if (rd->col[i] < 0 && strcmp(b5_csv_columns[i], "rep") != 0) {
			snprintf(err, errlen, "'%s' is not an amdahl b5 CSV: no '%s' column", rd->out->path,
				 b5_csv_columns[i]);
			return -1;
		}
	}
	return 0;
}

static int b5_on_row(void *ctx, char *const *fields, size_t n, size_t line, char *err, size_t errlen)
{
	struct b5_reader *rd = ctx;
	struct b5_csv_file *out = rd->out;
	struct b5_csv_run *run;
	const char *bad;
	size_t l;

	if (line == 1)
		return b5_header(rd, fields, n, err, errlen);
	if (out->nruns == rd->cap) {
		if (rd->cap >= B5_ORDERS_MAX) {
			snprintf(err, errlen, "'%s' has more than %d rows", out->path, B5_ORDERS_MAX);
			return -1;
		}
		rd->cap = rd->cap ? 2 * rd->cap : 64;
		out->runs = xrealloc(out->runs, rd->cap * sizeof(*out->runs));
	}
	run = &out->runs[out->nruns++];
	bad = b5_row(fields, rd->col, run);
	if (bad) {
		snprintf(err, errlen, "'%s': row %zu: bad value in column '%s'", out->path, line - 1, bad);
		return -1;
	}
	for (l = 0; l < out->nlaws && !b5_csv_same_law(&out->laws[l], run); l++)
		;
	if (l == out->nlaws) {
		out->laws = xrealloc(out->laws, (out->nlaws + 1) * sizeof(*out->laws));
		out->laws[out->nlaws++] = (struct b5_csv_law){ run->pickers, run->bikes, run->orders, run->pick_ms,
							   run->deliver_ms };
	}
	return 0;
}

int b5_csv_read(const char *path, struct b5_csv_file *out, char *err, size_t errlen)
{
	struct b5_reader rd = { .out = out };

	memset(out, 0, sizeof(*out));
	out->path = path;
	if (csv_stream(path, b5_on_row, &rd, err, errlen) < 0)
		return -1;
	if (out->nruns == 0) {
		snprintf(err, errlen, "'%s' has a header but no rows", path);
		return -1;
	}
	qsort(out->laws, out->nlaws, sizeof(*out->laws), cmp_law);
	return 0;
}

void b5_csv_free(struct b5_csv_file *b)
{
	free(b->runs);
	free(b->laws);
	memset(b, 0, sizeof(*b));
}

