/*
 * The one option parser and usage printer (options.h). getopt_long does the
 * scanning; every value then goes through options_value, which knows each
 * kind's syntax and range and words the one-line message of a bad value.
 */
#define _GNU_SOURCE
#include "options.h"
#include "util.h"

#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* getopt_long's val for a long option: its index in the merged table. */
#define OPTIONS_LONG_BASE 256
#define OPTIONS_HELP_VAL (OPTIONS_LONG_BASE - 1)

static const char *kind_metavar(const struct option_spec *s)
{
	switch (s->kind) {
	case OPTION_INT: return "N";
	case OPTION_DECIMAL: return s->flags & OPTION_SECONDS ? "SECONDS" : s->flags & OPTION_PERCENT ? "PCT" : "X";
	case OPTION_CHOICE: return NULL;	/* the choices, joined by | */
	case OPTION_FLAG: return "";
	default: return s->choices ? NULL : "TEXT";
	}
}

static void join_choices(const char *const *choices, const char *sep, const char *last, char *buf, size_t len)
{
	size_t n = 0, used = 0;

	buf[0] = '\0';
	while (choices[n])
		n++;
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i == 0 ? "" : i + 1 == n ? last : sep,
					 choices[i]);
}

/* "%g" without the exponent for the ranges people write (86400, 1000000). */
static void fmt_num(double v, char *buf, size_t len)
{
	if (fabs(v) < 1e15 && v == floor(v))
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%g", v);
}

/* What a bad value is told it should be, from the spec when it does not say. */
static void describe_expect(const struct option_spec *s, char *buf, size_t len)
{
	char lo[32], hi[32], words[256];

	if (s->expect) {
		snprintf(buf, len, "%s", s->expect);
		return;
	}
	fmt_num(s->min, lo, sizeof(lo));
	fmt_num(s->max, hi, sizeof(hi));
	switch (s->kind) {
	case OPTION_INT:
		snprintf(buf, len, "%s%san integer from %s to %s", s->word0 ? s->word0 : "", s->word0 ? " or " : "",
			 lo, hi);
		break;
	case OPTION_DECIMAL:
		if ((s->flags & (OPTION_MIN_OPEN | OPTION_MAX_OPEN)) == 0)
			snprintf(buf, len, "%s from %s to %s", s->flags & OPTION_SECONDS ? "seconds" :
				 s->flags & OPTION_PERCENT ? "a percentage" : "a number", lo, hi);
		else
			snprintf(buf, len, "%s in %s%s, %s%s", s->flags & OPTION_SECONDS ? "seconds" :
				 s->flags & OPTION_PERCENT ? "a percentage" : "a number",
				 s->flags & OPTION_MIN_OPEN ? "(" : "[", lo, hi, s->flags & OPTION_MAX_OPEN ? ")" : "]");
		break;
	default:
		if (s->choices) {
			join_choices(s->choices, ", ", " or ", words, sizeof(words));
			snprintf(buf, len, "%s", words);
		} else {
			snprintf(buf, len, "a value");
		}
		break;
	}
}

static const char *label(const struct option_spec *s, char *buf, size_t len);

static int bad_value(const struct option_spec *s, const char *text, char *err, size_t errlen)
{
	char expect[300], name[64];

	describe_expect(s, expect, sizeof(expect));
	snprintf(err, errlen, "bad %s '%s': expected %s", label(s, name, sizeof(name)), text, expect);
	return -1;
}

static int in_range(const struct option_spec *s, double v)
{
	if (v < s->min || v > s->max)
		return 0;
	if ((s->flags & OPTION_MIN_OPEN) && v == s->min)
		return 0;
	if ((s->flags & OPTION_MAX_OPEN) && v == s->max)
		return 0;
	return 1;
}

static int parse_decimal(const struct option_spec *s, const char *text, double *out)
{
	char buf[64];
	size_t len = strlen(text);

	if (s->flags & OPTION_SECONDS)
		return parse_seconds(text, out);
	if ((s->flags & OPTION_PERCENT) && len > 0 && len < sizeof(buf) && text[len - 1] == '%') {
		memcpy(buf, text, len - 1);
		buf[len - 1] = '\0';
		return parse_double(buf, out);
	}
	return parse_double(text, out);
}

static int choice_index(const char *const *choices, const char *text)
{
	for (int i = 0; choices && choices[i]; i++)
		if (strcmp(choices[i], text) == 0)
			return i;
	return -1;
}

int options_value(const struct option_spec *s, const char *text, union option_value *out, char *err,
		  size_t errlen)
{
	double d;
	int i;

	memset(out, 0, sizeof(*out));
	switch (s->kind) {
	case OPTION_FLAG:
		out->choice = 1;
		return 0;
	case OPTION_INT:
		if (s->word0 && strcmp(text, s->word0) == 0)
			return 0;
		if (parse_u64(text, &out->u) < 0 || !in_range(s, (double)out->u))
			return bad_value(s, text, err, errlen);
		return 0;
	case OPTION_DECIMAL:
		if (parse_decimal(s, text, &d) < 0 || !in_range(s, d))
			return bad_value(s, text, err, errlen);
		out->d = s->flags & OPTION_PERCENT ? d / 100 : d;
		return 0;
	case OPTION_CHOICE:
		if ((out->choice = choice_index(s->choices, text)) < 0)
			return bad_value(s, text, err, errlen);
		return 0;
	case OPTION_LIST:
	case OPTION_STRING:
		if (s->choices) {
			if ((i = choice_index(s->choices, text)) < 0)
				return bad_value(s, text, err, errlen);
			text = s->choices[i];
		}
		out->s = text;
		return 0;
	}
	return bad_value(s, text, err, errlen);
}

const struct option_spec *options_find(const struct option_spec *specs, const char *name)
{
	for (const struct option_spec *s = specs; s && s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* Put a parsed value where the spec says, in base. */
static int store(const struct option_spec *s, void *base, const union option_value *v, char *err, size_t errlen)
{
	char *at = (char *)base + s->offset;

	if (!s->size)
		return 0;
	switch (s->kind) {
	case OPTION_FLAG:
	case OPTION_CHOICE:
		*(int *)at = v->choice;
		break;
	case OPTION_INT:
		if (s->size == sizeof(int))
			*(int *)at = (int)v->u;
		else
			*(uint64_t *)at = v->u;
		break;
	case OPTION_DECIMAL:
		*(double *)at = v->d;
		break;
	case OPTION_LIST: {
		struct option_list *l = (struct option_list *)at;
		size_t max = s->max > 0 && s->max < OPTION_LIST_MAX ? (size_t)s->max : OPTION_LIST_MAX;
		if (l->len >= max) {
			char name[64];
			snprintf(err, errlen, "more than %zu %s options", max, label(s, name, sizeof(name)));
			return -1;
		}
		l->v[l->len++] = v->s;
		break;
	}
	case OPTION_STRING:
		*(const char **)at = v->s;
		break;
	}
	return 0;
}

/* Parse text for spec and put it where its group keeps values. */
static int take(const struct option_group *g, const struct option_spec *s, const char *text, char *err,
		size_t errlen)
{
	union option_value v;

	if (options_value(s, text, &v, err, errlen) < 0)
		return -1;
	if (s->parse && s->parse(v.s, g->base, err, errlen) < 0)
		return -1;
	if (g->put)
		return g->put(g->ctx, s, text, &v) < 0 ? (snprintf(err, errlen, "too many --%s options", s->name), -1) : 0;
	return store(s, g->base, &v, err, errlen);
}

static int apply_defaults(const struct option_group *g, char *err, size_t errlen)
{
	for (const struct option_spec *s = g->specs; g->base && s->name; s++)
		if (s->def && s->kind != OPTION_LIST && take(g, s, s->def, err, errlen) < 0)
			return -1;
	return 0;
}

/* A spec whose name is its short letter ("P" for -P) has no long form. */
static int short_only(const struct option_spec *s)
{
	return s->short_name && s->name[0] == s->short_name && s->name[1] == '\0';
}

/* "--work" or "-P", as the user wrote it. */
static const char *label(const struct option_spec *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", short_only(s) ? "-" : "--", s->name);
	return buf;
}

/* The merged getopt tables: long options (the first spec of a name wins) and the short string. */
struct merged {
	struct option *longs;
	const struct option_spec **spec;
	const struct option_group **group;
	size_t n, nlong;
	char shorts[128];
};

static int merged_has(const struct merged *m, const char *name)
{
	for (size_t j = 0; j < m->n; j++)
		if (strcmp(m->spec[j]->name, name) == 0)
			return 1;
	return 0;
}

static void merge_one(struct merged *m, const struct option_group *g, const struct option_spec *s, size_t *k)
{
	if (!short_only(s))
		m->longs[m->nlong++] = (struct option){ s->name, s->kind == OPTION_FLAG ? no_argument :
							required_argument, NULL, OPTIONS_LONG_BASE + (int)m->n };
	m->spec[m->n] = s;
	m->group[m->n++] = g;
	if (s->short_name && *k + 3 < sizeof(m->shorts)) {
		m->shorts[(*k)++] = s->short_name;
		if (s->kind != OPTION_FLAG)
			m->shorts[(*k)++] = ':';
		m->shorts[*k] = '\0';
	}
}

static void merge(struct merged *m, const struct option_group *groups, size_t ngroups)
{
	size_t cap = 2, k;

	for (size_t i = 0; i < ngroups; i++)
		for (const struct option_spec *s = groups[i].specs; s && s->name; s++)
			cap++;
	m->longs = xcalloc(cap, sizeof(*m->longs));
	m->spec = xcalloc(cap, sizeof(*m->spec));
	m->group = xcalloc(cap, sizeof(*m->group));
	m->n = m->nlong = 0;
	k = (size_t)snprintf(m->shorts, sizeof(m->shorts), ":h");
	for (size_t i = 0; i < ngroups; i++)
		for (const struct option_spec *s = groups[i].specs; s && s->name; s++)
			if (!merged_has(m, s->name))
				merge_one(m, &groups[i], s, &k);
	m->longs[m->nlong] = (struct option){ "help", no_argument, NULL, OPTIONS_HELP_VAL };
}

static void merged_free(struct merged *m)
{
	free(m->longs);
	free(m->spec);
	free(m->group);
}

/* The spec of a short option letter. */
static size_t short_index(const struct merged *m, int c)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->spec[i]->short_name == c)
			return i;
	return m->n;
}

enum options_status options_parse(const struct option_group *groups, size_t ngroups, int argc, char **argv,
				  int *argi, char *err, size_t errlen)
{
	struct merged m;
	enum options_status rc = OPTIONS_OK;
	int c;

	for (size_t i = 0; i < ngroups; i++)
		if (apply_defaults(&groups[i], err, errlen) < 0)
			return OPTIONS_BAD;
	merge(&m, groups, ngroups);
	optind = 1;
	opterr = 0;
	while (rc == OPTIONS_OK && (c = getopt_long(argc, argv, m.shorts, m.longs, NULL)) != -1) {
		size_t i = c >= OPTIONS_LONG_BASE ? (size_t)(c - OPTIONS_LONG_BASE) : short_index(&m, c);

		if (c == 'h' || c == OPTIONS_HELP_VAL) {
			rc = OPTIONS_HELP;
		} else if (c == ':') {
			snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
			rc = OPTIONS_BAD;
		} else if (c == '?' || i >= m.n) {
			snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
			rc = OPTIONS_BAD;
		} else if (take(m.group[i], m.spec[i], m.spec[i]->kind == OPTION_FLAG ? "1" : optarg, err,
				errlen) < 0) {
			rc = OPTIONS_BAD;
		}
	}
	merged_free(&m);
	*argi = optind;
	return rc;
}

/* ---- usage ---- */

#define OPTIONS_HELP_COLUMN 29

static void print_one(FILE *fp, const struct option_spec *s)
{
	char left[400], meta[256];
	const char *mv = s->metavar ? s->metavar : kind_metavar(s), *h = s->help ? s->help : "";
	int col;

	if (s->flags & OPTION_HIDDEN)
		return;
	if (s->section)
		fprintf(fp, "\n%s\n", s->section);
	if (!mv) {
		join_choices(s->choices, "|", "|", meta, sizeof(meta));
		mv = meta;
	}
	if (short_only(s))
		snprintf(left, sizeof(left), "  -%c%s%s", s->short_name, *mv ? " " : "", mv);
	else if (s->short_name)
		snprintf(left, sizeof(left), "  -%c, --%s%s%s", s->short_name, s->name, *mv ? " " : "", mv);
	else
		snprintf(left, sizeof(left), "      --%s%s%s", s->name, *mv ? " " : "", mv);
	col = fprintf(fp, "%s", left);
	if (col >= OPTIONS_HELP_COLUMN - 1) {
		fputc('\n', fp);
		col = 0;
	}
	fprintf(fp, "%*s", OPTIONS_HELP_COLUMN - col, "");
	for (const char *c = h; *c; c++) {
		fputc(*c, fp);
		if (*c == '\n')
			fprintf(fp, "%*s", OPTIONS_HELP_COLUMN, "");
	}
	if (s->def && *s->def)
		fprintf(fp, " (default %s)", s->def);
	fputc('\n', fp);
}

void options_print(FILE *fp, const struct option_spec *specs)
{
	for (const struct option_spec *s = specs; s && s->name; s++)
		print_one(fp, s);
}

/* "The CSV has the columns a,b,...": lines of at most 80 characters, broken after a comma. */
static void print_columns(FILE *fp, const char *cols)
{
	const char *lead = "The CSV has the columns ";
	size_t col = strlen(lead);

	fprintf(fp, "\n%s", lead);
	while (*cols) {
		size_t len = strcspn(cols, ",");
		int last = cols[len] == '\0';

		if (col + len + 1 > 80) {
			fputc('\n', fp);
			col = 0;
		}
		fprintf(fp, "%.*s%s", (int)len, cols, last ? ".\n" : ",");
		col += len + 1;
		cols += len + !last;
	}
}

void options_usage(FILE *fp, const struct options_usage *u)
{
	fprintf(fp, "usage: amdahl %s %s\n\n", u->cmd, u->synopsis ? u->synopsis : "[options]");
	if (u->about && *u->about)
		fprintf(fp, "%s\n\n", u->about);
	options_print(fp, u->specs);
	fprintf(fp, "  -h, --help%*sthis help\n", OPTIONS_HELP_COLUMN - 12, "");
	if (u->csv_columns)
		print_columns(fp, u->csv_columns);
	if (u->more)
		u->more(fp);
}

int options_command(const struct options_usage *u, void *base, const struct option_group *more, size_t nmore,
		    int argc, char **argv, int *argi)
{
	struct option_group *groups = xcalloc(nmore + 1, sizeof(*groups));
	char err[4400];
	enum options_status rc;

	groups[0] = (struct option_group){ .specs = u->specs, .base = base };
	for (size_t i = 0; i < nmore; i++)
		groups[i + 1] = more[i];
	rc = options_parse(groups, nmore + 1, argc, argv, argi, err, sizeof(err));
	free(groups);
	if (rc == OPTIONS_HELP) {
		options_usage(stdout, u);
		return finish_stdout() < 0 ? EXIT_FAILED : EXIT_OK;
	}
	if (rc == OPTIONS_BAD) {
		usagef(u->cmd, "%s", err);
		return EXIT_USAGE;
	}
	if (u->args_max != OPTIONS_ANY_ARGS && argc - *argi > u->args_max) {
		usagef(u->cmd, "unexpected argument '%s'", argv[*argi + u->args_max]);
		return EXIT_USAGE;
	}
	return OPTIONS_GO_ON;
}
