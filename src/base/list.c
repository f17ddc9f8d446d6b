/*
 * Parser for N and P lists: commas, ranges, doubling and arithmetic steps,
 * every number checked through an end pointer so "1,,x" or "nan" is an error.
 * A range's length is known before it is expanded, so a list that would pass
 * LIST_LEN_MAX values is refused at once (not after minutes, not as a silent
 * P = 1 when the count overflows); duplicates are dropped after the whole
 * list is read, by sorting, in n log n.
 */
#include "list.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Two P values closer than this are one. */
#define LIST_P_SAME 1e-12

/* Values as read, before duplicates are dropped. */
struct raw {
	double *v;
	size_t len, cap;
};

static void raw_push(struct raw *l, double v)
{
	if (l->len == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->len++] = v;
}

/* Whether count more values fit; else the reason, naming the limit. */
static int raw_room(const struct raw *l, double count, char *err, size_t errlen)
{
	if (count <= (double)(LIST_LEN_MAX - l->len))
		return 0;
	snprintf(err, errlen, "it expands to %.3g values; a list holds at most %d", (double)l->len + count,
		 LIST_LEN_MAX);
	return -1;
}

struct ranked {
	double v;
	size_t at;
};

static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

/* Drop every value within `same` of an earlier one, keeping the order given. */
static void raw_dedup(struct raw *l, double same)
{
	struct ranked *r = xmalloc(l->len * sizeof(*r));
	char *keep = xcalloc(l->len, 1);
	size_t k = 0;

	for (size_t i = 0; i < l->len; i++)
		r[i] = (struct ranked){ l->v[i], i };
	qsort(r, l->len, sizeof(*r), ranked_cmp);
	for (size_t i = 0; i < l->len;) {
		size_t first = r[i].at, j = i + 1;
		while (j < l->len && r[j].v - r[j - 1].v <= same) {
			if (r[j].at < first)
				first = r[j].at;
			j++;
		}
		keep[first] = 1;
		i = j;
	}
	for (size_t i = 0; i < l->len; i++)
		if (keep[i])
			l->v[k++] = l->v[i];
	l->len = k;
	free(keep);
	free(r);
}

static int parse_n_value(const char *s, int max, int *out)
{
	uint64_t v;

	if (parse_u64(s, &v) < 0 || v < 1 || v > (uint64_t)max)
		return -1;
	*out = (int)v;
	return 0;
}

/* Split word at the first occurrence of sep into two NUL-terminated halves. */
static char *cut(char *word, const char *sep)
{
	char *at = strstr(word, sep);

	if (!at)
		return NULL;
	*at = '\0';
	return at + strlen(sep);
}

/* "a..b:xK" or "a..b:+K" (a..b alone doubles), b always included. */
static int n_steps(int a, int b, const char *step, int max, struct raw *out, char *err, size_t errlen)
{
	int k;
	double count;

	if (!step || *step == 'x') {
		if (parse_n_value(step ? step + 1 : "2", max, &k) < 0 || k < 2)
			goto bad_step;
		count = floor(log((double)b / a) / log(k)) + 2;
		if (raw_room(out, count, err, errlen) < 0)
			return -1;
		for (long v = a; v < b; v *= k)
			raw_push(out, (double)v);
	} else if (*step == '+') {
		if (parse_n_value(step + 1, max, &k) < 0)
			goto bad_step;
		if (raw_room(out, (double)(b - a) / k + 2, err, errlen) < 0)
			return -1;
		for (long v = a; v < b; v += k)
			raw_push(out, (double)v);
	} else {
		goto bad_step;
	}
	raw_push(out, b);
	return 0;
bad_step:
	snprintf(err, errlen, "the step must be 'xK' (K >= 2) or '+K' (K >= 1)");
	return -1;
}

static int parse_n_word(char *word, int max, struct raw *out, char *err, size_t errlen)
{
	char *hi, *step;
	int a, b, range = 1;

	if ((hi = cut(word, ".."))) {
		step = cut(hi, ":");
	} else if ((hi = cut(word, "-"))) {
		step = "+1";
	} else {
		hi = word;
		step = NULL;
		range = 0;
	}
	if (parse_n_value(word, max, &a) < 0 || parse_n_value(hi, max, &b) < 0) {
		snprintf(err, errlen, "a worker count must be an integer from 1 to %d", max);
		return -1;
	}
	if (!range) {
		if (raw_room(out, 1, err, errlen) < 0)
			return -1;
		raw_push(out, a);
		return 0;
	}
	if (b < a) {
		snprintf(err, errlen, "a range must not run backwards");
		return -1;
	}
	return n_steps(a, b, step, max, out, err, errlen);
}

int list_parse_n(const char *s, int max, struct int_list *out, char *err, size_t errlen)
{
	char reason[128], **words;
	struct raw raw = { 0 };
	int count, rc = 0;

	memset(out, 0, sizeof(*out));
	if (!s || !*s) {
		snprintf(err, errlen, "empty worker list");
		return -1;
	}
	words = split_commas(s, &count);
	for (int i = 0; i < count && rc == 0; i++) {
		char *copy = xstrdup(words[i]);
		if (parse_n_word(copy, max, &raw, reason, sizeof(reason)) < 0) {
			snprintf(err, errlen, "bad worker count '%s' in '%s': %s", words[i], s, reason);
			rc = -1;
		}
		free(copy);
	}
	free_words(words);
	if (rc == 0) {
		raw_dedup(&raw, 0);
		out->v = xmalloc((raw.len ? raw.len : 1) * sizeof(*out->v));
		for (size_t i = 0; i < raw.len; i++)
			out->v[i] = (int)raw.v[i];
		out->len = raw.len;
	}
	free(raw.v);
	return rc;
}

static int parse_p_value(const char *s, double *out)
{
	double v;

	if (parse_double(s, &v) < 0 || v < 0.0 || v > 1.0)
		return -1;
	*out = v;
	return 0;
}

/* One word of a P list: a value, or "a..b:+step" (b always included). */
static int parse_p_word(char *word, struct raw *out, char *err, size_t errlen)
{
	char *hi, *step;
	double a, b, d, steps;

	if (!(hi = cut(word, ".."))) {
		if (parse_p_value(word, &a) < 0)
			return -1;
		if (raw_room(out, 1, err, errlen) < 0)
			return -2;
		raw_push(out, a);
		return 0;
	}
	step = cut(hi, ":+");
	if (!step || parse_p_value(word, &a) < 0 || parse_p_value(hi, &b) < 0 || parse_double(step, &d) < 0 ||
	    d <= 0 || b < a)
		return -1;
	/* Count steps so that 0.1..0.9:+0.1 reaches 0.9 despite rounding. */
	steps = floor((b - a) / d + 1e-9);
	if (raw_room(out, steps + 2, err, errlen) < 0)
		return -2;
	for (long k = 0; k <= (long)steps; k++)
		raw_push(out, a + (double)k * d);
	if (fabs(a + steps * d - b) > 1e-9)
		raw_push(out, b);
	return 0;
}

int list_parse_p(const char *s, struct dbl_list *out, char *err, size_t errlen)
{
	char **words, reason[128];
	struct raw raw = { 0 };
	int count, rc = 0;

	memset(out, 0, sizeof(*out));
	if (!s || !*s) {
		snprintf(err, errlen, "empty P list");
		return -1;
	}
	words = split_commas(s, &count);
	for (int i = 0; i < count && rc == 0; i++) {
		char *word = xstrdup(words[i]);

		rc = parse_p_word(word, &raw, reason, sizeof(reason));
		if (rc == -1)
			snprintf(err, errlen, "bad parallel fraction '%s' in '%s': P must be a number from 0 to 1 "
				 "(or 'a..b:+step')", words[i], s);
		else if (rc < 0)
			snprintf(err, errlen, "bad parallel fraction '%s' in '%s': %s", words[i], s, reason);
		free(word);
	}
	free_words(words);
	if (rc == 0) {
		raw_dedup(&raw, LIST_P_SAME);
		out->v = raw.v;
		out->len = raw.len;
	} else {
		free(raw.v);
	}
	return rc < 0 ? -1 : 0;
}

void list_ensure_n(struct int_list *l, int v)
{
	for (size_t i = 0; i < l->len; i++)
		if (l->v[i] == v)
			return;
	l->v = xrealloc(l->v, (l->len + 1) * sizeof(*l->v));
	memmove(l->v + 1, l->v, l->len * sizeof(*l->v));
	l->v[0] = v;
	l->len++;
}

void list_free_n(struct int_list *l)
{
	free(l->v);
	l->v = NULL;
	l->len = 0;
}

void list_free_p(struct dbl_list *l)
{
	free(l->v);
	l->v = NULL;
	l->len = 0;
}
