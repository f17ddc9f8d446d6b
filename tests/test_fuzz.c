/*
 * A fuzz test of the CSV readers as users meet them: a few hundred mutated
 * run CSVs (truncated rows, NaN, inf, binary bytes, huge fields, missing or
 * swapped columns, ragged rows, random bytes...) fed to the real binary's
 * `fit`, `compare` and `plot`. Whatever the input: no crash, no hang, no
 * sanitizer report, and every rejection exits 2 with one line on stderr and
 * nothing on stdout. The seed is fixed, so a failure repeats; the failing
 * file is kept under /tmp with its case number.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "synth.h"

#define FUZZ_CASES 240
#define FUZZ_SEED 0x5eed1234abcdULL

struct buf {
	char *p;
	size_t len, cap;
};

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64: small, fixed, the same everywhere. */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t pick(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static void buf_set(struct buf *b, const char *s, size_t len)
{
	if (len + 1 > b->cap) {
		b->cap = len + 1;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p, s, len);
	b->len = len;
	b->p[len] = '\0';
}

/* Replace [at, at+del) with ins[0..inslen). */
static void buf_splice(struct buf *b, size_t at, size_t del, const char *ins, size_t inslen)
{
	size_t len = b->len - del + inslen;
	char *n = malloc(len + 1);

	memcpy(n, b->p, at);
	memcpy(n + at, ins, inslen);
	memcpy(n + at + inslen, b->p + at + del, b->len - at - del);
	n[len] = '\0';
	free(b->p);
	b->p = n;
	b->len = len;
	b->cap = len + 1;
}

/* Offsets of the line starts; returns how many lines. */
static size_t lines(const struct buf *b, size_t *starts, size_t max)
{
	size_t n = 0;

	if (b->len == 0)
		return 0;
	starts[n++] = 0;
	for (size_t i = 0; i + 1 < b->len && n < max; i++)
		if (b->p[i] == '\n')
			starts[n++] = i + 1;
	return n;
}

static size_t line_end(const struct buf *b, size_t start)
{
	const char *e = memchr(b->p + start, '\n', b->len - start);

	return e ? (size_t)(e - b->p) : b->len;
}

/* The span of a random cell (naive comma split) of a random line. */
static int random_cell(const struct buf *b, int header_too, size_t *at, size_t *len)
{
	size_t st[4096], n = lines(b, st, 4096), l, e, k, c, i;

	if (n == 0 || (!header_too && n < 2))
		return -1;
	l = header_too ? pick(n) : 1 + pick(n - 1);
	e = line_end(b, st[l]);
	k = 0;
	for (i = st[l]; i < e; i++)
		k += b->p[i] == ',';
	c = pick(k + 1);
	*at = st[l];
	for (i = st[l]; i < e && c > 0; i++)
		if (b->p[i] == ',') {
			c--;
			*at = i + 1;
		}
	i = *at;
	while (i < e && b->p[i] != ',')
		i++;
	*len = i - *at;
	return 0;
}

static const char *const tokens[] = {
	"nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e309", "-1e309", "-1", "0", "-0", "", "abc",
	"1e-320", "4.9e-324", "1e308", "99999999999999999999", "18446744073709551616", "9.3e18", "-9.3e18",
	"2147483648", "-2147483649", "0x10", " 1", "1 ", "\"", "\"unterminated", "\"\"", "1,5", "1.5", "0.5",
	"weak", "strong", "sideways", "1e6", "1000001", "\xff\xfe", "\xc3\x28", "\\N", "null", "+1", "1e",
	"--1", ".", "1..2", "0.9999999999999999999", "1.0000000001", "1e-300", "1e300",
};

static const char *mutate(struct buf *b)
{
	size_t at, len, st[4096], n;
	char tmp[64];

	switch (pick(18)) {
	case 0:
		at = pick(b->len + 1);
		buf_splice(b, at, b->len - at, "", 0);
		return "truncate";
	case 1:
		n = lines(b, st, 4096);
		if (n) {
			at = pick(n);
			buf_splice(b, st[at], line_end(b, st[at]) - st[at] + (line_end(b, st[at]) < b->len), "", 0);
		}
		return "delete a line";
	case 2:
		n = lines(b, st, 4096);
		if (n) {
			char *line;
			at = pick(n);
			len = line_end(b, st[at]) - st[at];
			line = malloc(len + 2);
			memcpy(line, b->p + st[at], len);
			line[len] = '\n';
			for (int k = 0, times = 1 + (int)pick(50); k < times; k++)
				buf_splice(b, st[at], 0, line, len + 1);
			free(line);
		}
		return "duplicate a line";
	case 3:
	case 4:
	case 5:
		if (random_cell(b, 0, &at, &len) == 0) {
			const char *t = tokens[pick(sizeof(tokens) / sizeof(tokens[0]))];
			buf_splice(b, at, len, t, strlen(t));
		}
		return "a bad value";
	case 6:
		if (random_cell(b, 1, &at, &len) == 0) {
			size_t big = pick(2) ? 70000 : 300 + pick(3000);
			char *h = malloc(big);
			memset(h, pick(2) ? 'x' : '9', big);
			buf_splice(b, at, len, h, big);
			free(h);
		}
		return "a huge field";
	case 7:
		for (int k = 0, m = 1 + (int)pick(16); k < m; k++) {
			char c = (char)pick(256);
			buf_splice(b, pick(b->len + 1), 0, &c, 1);
		}
		return "binary bytes";
	case 8:
		if (random_cell(b, 1, &at, &len) == 0) {
			/* Only the header's cell, if the line drawn was the header. */
			buf_splice(b, at, len + (at + len < b->len && b->p[at + len] == ','), "", 0);
		}
		return "drop a cell";
	case 9: {
		/* Remove one column from every line. */
		size_t col, nn = lines(b, st, 4096);
		if (nn == 0)
			return "drop a column";
		col = pick(23);
		for (size_t l = nn; l-- > 0;) {
			size_t s = st[l], e = line_end(b, s), i = s, c = 0, cs = s;
			for (; i < e && c < col; i++)
				if (b->p[i] == ',') {
					c++;
					cs = i + 1;
				}
			if (c != col)
				continue;
			i = cs;
			while (i < e && b->p[i] != ',')
				i++;
			buf_splice(b, cs > s ? cs - 1 : cs, i - cs + (cs > s ? 1 : (i < e)), "", 0);
		}
		return "drop a column";
	}
	case 10: {
		/* Swap two header names. */
		size_t e = line_end(b, 0), a1, l1, a2, l2;
		char h1[64], h2[64];
		if (random_cell(b, 1, &a1, &l1) < 0 || a1 >= e || l1 >= 64)
			return "swap header names";
		if (random_cell(b, 1, &a2, &l2) < 0 || a2 >= e || l2 >= 64 || a2 == a1)
			return "swap header names";
		memcpy(h1, b->p + a1, l1);
		memcpy(h2, b->p + a2, l2);
		if (a1 < a2) {
			buf_splice(b, a2, l2, h1, l1);
			buf_splice(b, a1, l1, h2, l2);
		} else {
			buf_splice(b, a1, l1, h2, l2);
			buf_splice(b, a2, l2, h1, l1);
		}
		return "swap header names";
	}
	case 11: {
		size_t m = pick(3000);
		char *r = malloc(m + 1);
		for (size_t i = 0; i < m; i++)
			r[i] = (char)pick(256);
		buf_set(b, r, m);
		free(r);
		return "random bytes";
	}
	case 12:
		n = lines(b, st, 4096);
		buf_splice(b, n > 1 ? st[1] : 0, b->len - (n > 1 ? st[1] : 0), "", 0);
		return pick(2) ? (buf_set(b, "", 0), "empty") : "header only";
	case 13:
		for (size_t i = b->len; i-- > 0;)
			if (b->p[i] == '\n')
				buf_splice(b, i, 0, "\r", 1);
		return "CRLF";
	case 14:
		for (int k = 0, m = 1 + (int)pick(8); k < m && b->len; k++)
			b->p[pick(b->len)] ^= (char)(1u << pick(8));
		return "flip bits";
	case 15:
		n = lines(b, st, 4096);
		if (n) {
			size_t k = 1 + pick(20000);
			char *commas = malloc(k);
			memset(commas, ',', k);
			at = line_end(b, st[pick(n)]);
			buf_splice(b, at, 0, commas, k);
			free(commas);
		}
		return "many fields";
	case 16:
		snprintf(tmp, sizeof(tmp), "%s", pick(2) ? "\n\n\n\n" : "\n,,,\n");
		buf_splice(b, pick(b->len + 1), 0, tmp, strlen(tmp));
		return "blank lines";
	default:
		/* Unbalanced quote at a random place. */
		buf_splice(b, pick(b->len + 1), 0, "\"", 1);
		return "a stray quote";
	}
}

static void write_file(const char *path, const struct buf *b)
{
	FILE *fp = fopen(path, "wb");

	cr_assert(fp);
	fwrite(b->p, 1, b->len, fp);
	fclose(fp);
}

static char *slurp_base(const char *path, size_t *len)
{
	char *s = cli_slurp(path);

	cr_assert(s);
	*len = strlen(s);
	return s;
}

/* Check one run of the binary on a fuzzed file. */
static void check(const struct cli_result *r, int ncase, const char *what, const char *muts, const char *file)
{
	size_t elen = strlen(r->err);
	int bad = 0;
	char keep[600], cmd[1400];

	if (r->status >= 128 || r->status == 124 || r->status > 2)
		bad = 1;
	if (strstr(r->err, "AddressSanitizer") || strstr(r->err, "runtime error:") ||
	    strstr(r->err, "LeakSanitizer"))
		bad = 1;
	if (r->status == 2 && (elen == 0 || r->err[elen - 1] != '\n' || memchr(r->err, '\n', elen - 1) ||
			       strncmp(r->err, "amdahl: ", 8) != 0 || r->out[0]))
		bad = 1;
	if (getenv("FUZZ_DEBUG") && r->seconds > 0.3)
		fprintf(stderr, "case %d %s (%s): %.2fs status %d\n", ncase, what, muts, r->seconds, r->status);
	if (bad) {
		snprintf(keep, sizeof(keep), "/tmp/amdahl-fuzz-case%d.csv", ncase);
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", file, keep);
		if (system(cmd) != 0)
			keep[0] = '\0';
		cr_assert_fail("case %d (%s), %s: status %d after %.1fs, input kept in %s\nstderr: %.2000s\nstdout: %.300s",
			       ncase, muts, what, r->status, r->seconds, keep, r->err, r->out);
	}
}

Test(fuzz, mutated_csv_files, .timeout = 240)
{
	static const char *const formats[] = { "table", "csv", "json", "markdown" };
	static const char *const cformats[] = { "table", "markdown", "json" };
	static const int ns[] = { 1, 2, 4 };
	char *dir = cli_tmpdir(), base[512], file[512], plots[512], muts[256];
	struct buf b = { 0 };
	struct cli_result r;
	size_t blen;
	char *btext;
	int have_plot, rejected = 0, accepted = 0;
	FILE *fp;

	snprintf(base, sizeof(base), "%s/base.csv", dir);
	snprintf(file, sizeof(file), "%s/case.csv", dir);
	snprintf(plots, sizeof(plots), "%s/plots", dir);
	fp = synth_open(base);
	synth_amdahl(fp, "thread", 0.9, ns, 3, 3, 2, 0.1, 1, NULL);
	for (int rep = 0; rep < 3; rep++)
		for (int i = 0; i < 3; i++) {
			synth_row(fp, "cmd", "exec", -1, ns[i], rep, 0.2 / ns[i] + 0.05, 0, 2, 0, "\"sort -S 1M, x\"");
			/* Weak scaling on 4 cores: Gustafson's linear case (the grid search
			 * past the cores is slower, and test_fit.c covers it). */
			synth_row(fp, "openmp", "spin", 0.5, ns[i], rep, 0.1, 1 + 0.5 * (ns[i] - 1), 4, 1, NULL);
		}
	fclose(fp);
	synth_meta(base, "Fuzz CPU", 2, 0.1);
	btext = slurp_base(base, &blen);

	/* plot is another helper's command: fuzz it too when this build has it. */
	{
		const char *args[] = { "plot", "--help", NULL };
		cli_run(&r, 20, args);
		have_plot = r.status == 0;
		cli_free(&r);
	}

	rng_state = FUZZ_SEED;
	for (int c = 0; c < FUZZ_CASES; c++) {
		size_t off = 0;

		buf_set(&b, btext, blen);
		muts[0] = '\0';
		for (int m = 0, k = 1 + (int)pick(3); m < k; m++)
			off += (size_t)snprintf(muts + off, sizeof(muts) - off, "%s%s", m ? ", " : "", mutate(&b));
		write_file(file, &b);
		{
			const char *args[] = { "fit", "--format", formats[c % 4], file, NULL };
			cli_run(&r, 20, args);
			check(&r, c, "fit", muts, file);
			rejected += r.status == 2;
			accepted += r.status == 0;
			cli_free(&r);
		}
		{
			const char *args[] = { "compare", c % 2 ? base : file, c % 2 ? file : base, "--format",
					       cformats[c % 3], NULL };
			cli_run(&r, 20, args);
			check(&r, c, "compare", muts, file);
			cli_free(&r);
		}
		if (have_plot && c % 12 == 0) {
			const char *args[] = { "plot", file, "--outdir", plots, NULL };
			cli_run(&r, 30, args);
			check(&r, c, "plot", muts, file);
			cli_free(&r);
		}
	}
	/* The mutations must exercise both sides, or the test proves little. */
	cr_assert(rejected > FUZZ_CASES / 4, "only %d of %d cases rejected", rejected, FUZZ_CASES);
	cr_assert(accepted > 10, "only %d of %d cases accepted", accepted, FUZZ_CASES);
	free(b.p);
	free(btext);
	cli_tmpdir_free(dir);
}
