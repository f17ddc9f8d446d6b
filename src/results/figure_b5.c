/*
 * The figure of a B5 CSV: throughput against messengers for each backend,
 * beside the pipeline's bound, one figure per law (pickers, bikes, orders,
 * pick and delivery times) in the file, drawn by plots/b5.gp.
 */
#include "figure.h"
#include "b5_csv.h"
#include "../base/util.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int b5_backend_order(const char *name)
{
	int i = 0;

	for (const struct b5_backend *const *b = b5_backend_registry; *b; b++, i++)
		if (strcmp((*b)->name, name) == 0)
			return i;
	return 1000;
}

/*
 * The backends of a file as one gnuplot word list, in the registry's order
 * (unknown names after, by name), and the wait modes that occur.
 */
static void b5_lists(const struct b5_csv_file *b, char *backends, size_t blen, char *waits, size_t wlen)
{
	const char *names[64];
	size_t nn = 0;
	int cond = 0, poll = 0;

	for (size_t r = 0; r < b->nruns; r++) {
		size_t k = 0;
		while (k < nn && strcmp(names[k], b->runs[r].backend) != 0)
			k++;
		if (k == nn && nn < ARRAY_SIZE(names))
			names[nn++] = b->runs[r].backend;
		cond |= strcmp(b->runs[r].wait, "cond") == 0;
		poll |= strcmp(b->runs[r].wait, "poll") == 0;
	}
	for (size_t a = 1; a < nn; a++)
		for (size_t c = a; c > 0; c--) {
			int oa = b5_backend_order(names[c - 1]), ob = b5_backend_order(names[c]);
			const char *t;
			if (oa < ob || (oa == ob && strcmp(names[c - 1], names[c]) <= 0))
				break;
			t = names[c];
			names[c] = names[c - 1];
			names[c - 1] = t;
		}
	backends[0] = '\0';
	for (size_t k = 0; k < nn; k++) {
		size_t at = strlen(backends);
		snprintf(backends + at, blen - at, "%s%s", k ? " " : "", names[k]);
	}
	snprintf(waits, wlen, "%s%s%s", cond ? "cond" : "", cond && poll ? " " : "", poll ? "poll" : "");
}

/*
 * "-pickers3-bikes15" for a figure of a file whose runs have several laws:
 * the parameters that differ between them, so each figure gets its own name.
 */
static void b5_suffix(const struct b5_csv_file *b, const struct b5_csv_law *l, char *buf, size_t len)
{
	int dp = 0, db = 0, dn = 0, dpick = 0, ddel = 0;
	size_t at = 0;

	for (size_t k = 1; k < b->nlaws; k++) {
		dp |= b->laws[k].pickers != b->laws[0].pickers;
		db |= b->laws[k].bikes != b->laws[0].bikes;
		dn |= b->laws[k].orders != b->laws[0].orders;
		dpick |= b->laws[k].pick_ms != b->laws[0].pick_ms;
		ddel |= b->laws[k].deliver_ms != b->laws[0].deliver_ms;
	}
	buf[0] = '\0';
#define ADD(...) do { if (at < len) at += (size_t)snprintf(buf + at, len - at, __VA_ARGS__); } while (0)
	if (dp)
		ADD("-pickers%d", l->pickers);
	if (db)
		ADD("-bikes%d", l->bikes);
	if (dn)
		ADD("-orders%d", l->orders);
	if (dpick)
		ADD("-pick%gms", l->pick_ms);
	if (ddel)
		ADD("-deliver%gms", l->deliver_ms);
#undef ADD
}

/* The runs of one law, as a plain CSV that b5.gp reads by its column names. */
static int b5_write_data(const struct b5_csv_file *b, const struct b5_csv_law *l, const char *path)
{
	FILE *fp = fopen(path, "w");

	if (!fp)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(b5_csv_columns); i++)
		fprintf(fp, "%s%s", i ? "," : "", b5_csv_columns[i]);
	fputc('\n', fp);
	for (size_t r = 0; r < b->nruns; r++) {
		const struct b5_csv_run *x = &b->runs[r];
		if (!b5_csv_same_law(l, x))
			continue;
		fprintf(fp, "%s,%s,%d,%d,%d,%d,%d,%.9g,%.9g,%.9g,", x->backend, x->wait, x->rep, x->messengers,
			x->pickers, x->bikes, x->orders, x->pick_ms, x->deliver_ms, x->throughput);
		if (isfinite(x->bound))
			fprintf(fp, "%.9g", x->bound);
		fprintf(fp, ",%.9g\n", x->wall_min_s);
	}
	if (fclose(fp) != 0)
		return -1;
	return 0;
}

/* FNV-1a of a path: a file name suffix that tells two inputs of one stem apart. */
static unsigned path_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h & 0xffffffu;
}

enum gnuplot_status figure_b5(const struct b5_csv_file *b, size_t bi, int hashed, const char *machine,
			      const struct gnuplot *g, const struct figure_look *look, FILE *out)
{
	char data[PATH_MAX + 128], final[PATH_MAX + 320], stem[96], word[112], suffix[128];
	char backends[1024], waits[16];
	enum gnuplot_status st = GNUPLOT_OK;

	figure_file_stem(b->path, stem, sizeof(stem));
	if (!figure_word(word, sizeof(word) - 8, stem) || !word[0] || hashed) {
		size_t at = strlen(word);
		snprintf(word + at, sizeof(word) - at, "%s%06x", at ? "-" : "", path_hash(b->path));
		warnf("'%s': its figures are named b5-%s[...].%s", b->path, word, g->format);
	}
	b5_lists(b, backends, sizeof(backends), waits, sizeof(waits));
	for (size_t k = 0; k < b->nlaws && st == GNUPLOT_OK; k++) {
		struct gnuplot_args a;

		snprintf(data, sizeof(data), "%s/b5-%zu-%zu.csv", g->tmpdir, bi, k);
		if (b5_write_data(b, &b->laws[k], data) < 0) {
			errorf("cannot write '%s': %s", data, strerror(errno));
			return GNUPLOT_FAILED;
		}
		b5_suffix(b, &b->laws[k], suffix, sizeof(suffix));
		gnuplot_args_init(&a);
		figure_look_args(look, &a);
		gnuplot_path(&a, "datafile", data);
		if (look->title)
			gnuplot_str(&a, "title", look->title);
		gnuplot_str(&a, "machine", machine);
		gnuplot_str(&a, "backends", backends);
		gnuplot_str(&a, "waits", waits);
		snprintf(final, sizeof(final), "%s/b5-%s%s.%s", look->outdir, word, suffix, g->format);
		st = gnuplot_draw(g, "b5", &a, final);
		gnuplot_args_free(&a);
		if (st == GNUPLOT_OK)
			fprintf(out, "%s\n", final);
	}
	return st;
}
