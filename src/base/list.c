/*
 * Parser for N and P lists: commas, ranges, doubling and arithmetic steps,
 * every number checked through an end pointer so "1,,x" or "nan" is an error.
 */
#include "list.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Upper bound on the values a single list may expand to. */
#define LIST_LEN_MAX 100000

static int push_int(struct int_list *l, int v)
{
	for (size_t i = 0; i < l->len; i++)
		if (l->v[i] == v)
			return 0;
	if (l->len >= LIST_LEN_MAX)
		return -1;
	l->v = xrealloc(l->v, (l->len + 1) * sizeof(*l->v));
	l->v[l->len++] = v;
	return 0;
}

static int push_dbl(struct dbl_list *l, double v)
{
	for (size_t i = 0; i < l->len; i++)
		if (fabs(l->v[i] - v) < 1e-12)
			return 0;
	if (l->len >= LIST_LEN_MAX)
		return -1;
	l->v = xrealloc(l->v, (l->len + 1) * sizeof(*l->v));
	l->v[l->len++] = v;
	return 0;
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

static int parse_n_word(char *word, int max, struct int_list *out, char *err, size_t errlen)
{
	char *hi, *step;
	int a, b, k;

	if ((hi = cut(word, ".."))) {
		step = cut(hi, ":");
		if (parse_n_value(word, max, &a) < 0 || parse_n_value(hi, max, &b) < 0)
			goto bad_value;
		if (b < a)
			goto bad_order;
		if (!step || *step == 'x') {
			if (parse_n_value(step ? step + 1 : "2", max, &k) < 0 || k < 2)
				goto bad_step;
			for (long v = a; v < b; v *= k)
				if (push_int(out, (int)v) < 0)
					goto too_long;
		} else if (*step == '+') {
			if (parse_n_value(step + 1, max, &k) < 0)
				goto bad_step;
			for (long v = a; v < b; v += k)
				if (push_int(out, (int)v) < 0)
					goto too_long;
		} else {
			goto bad_step;
		}
		return push_int(out, b) < 0 ? (snprintf(err, errlen, "list too long"), -1) : 0;
	}
	if ((hi = cut(word, "-"))) {
		if (parse_n_value(word, max, &a) < 0 || parse_n_value(hi, max, &b) < 0)
			goto bad_value;
		if (b < a)
			goto bad_order;
		for (int v = a; v <= b; v++)
			if (push_int(out, v) < 0)
				goto too_long;
		return 0;
	}
	if (parse_n_value(word, max, &a) < 0)
		goto bad_value;
	return push_int(out, a);
bad_value:
	snprintf(err, errlen, "a worker count must be an integer from 1 to %d", max);
	return -1;
bad_order:
	snprintf(err, errlen, "a range must not run backwards");
	return -1;
bad_step:
	snprintf(err, errlen, "the step must be 'xK' (K >= 2) or '+K' (K >= 1)");
	return -1;
too_long:
	snprintf(err, errlen, "list longer than %d values", LIST_LEN_MAX);
	return -1;
}

int list_parse_n(const char *s, int max, struct int_list *out, char *err, size_t errlen)
{
	char reason[128], **words;
	int count, rc = 0;

	memset(out, 0, sizeof(*out));
	if (!s || !*s) {
		snprintf(err, errlen, "empty worker list");
		return -1;
	}
	words = split_commas(s, &count);
	for (int i = 0; i < count && rc == 0; i++) {
		char *copy = xstrdup(words[i]);
		if (parse_n_word(copy, max, out, reason, sizeof(reason)) < 0) {
			snprintf(err, errlen, "bad worker count '%s' in '%s': %s", words[i], s, reason);
			rc = -1;
		}
		free(copy);
	}
	free_words(words);
	if (rc < 0)
		list_free_n(out);
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

int list_parse_p(const char *s, struct dbl_list *out, char *err, size_t errlen)
{
	char **words;
	int count, rc = 0;

	memset(out, 0, sizeof(*out));
	if (!s || !*s) {
		snprintf(err, errlen, "empty P list");
		return -1;
	}
	words = split_commas(s, &count);
	for (int i = 0; i < count && rc == 0; i++) {
		char *word = xstrdup(words[i]), *hi, *step;
		double a, b, d;

		if ((hi = cut(word, ".."))) {
			step = cut(hi, ":+");
			if (!step || parse_p_value(word, &a) < 0 || parse_p_value(hi, &b) < 0 ||
			    parse_double(step, &d) < 0 || d <= 0 || b < a) {
				rc = -1;
			} else {
				/* Count steps so that 0.1..0.9:+0.1 reaches 0.9 despite rounding. */
				long steps = lround(floor((b - a) / d + 1e-9));
				for (long k = 0; k <= steps && rc == 0; k++)
					rc = push_dbl(out, a + (double)k * d);
				if (rc == 0 && fabs(a + (double)steps * d - b) > 1e-9)
					rc = push_dbl(out, b);
			}
		} else if (parse_p_value(word, &a) < 0 || push_dbl(out, a) < 0) {
			rc = -1;
		}
		if (rc < 0)
			snprintf(err, errlen, "bad parallel fraction '%s' in '%s': P must be a number from 0 to 1 "
				 "(or 'a..b:+step')", words[i], s);
		free(word);
	}
	free_words(words);
	if (rc < 0)
		list_free_p(out);
	return rc;
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
