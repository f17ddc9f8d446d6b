/*
 * The emitter (emit.h). Cells keep their value, not their text: each format
 * renders them its own way when the table is printed.
 */
#include "emit.h"
#include "csv.h"
#include "html.h"
#include "../base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum cell_kind { CELL_TEXT, CELL_NUM, CELL_INT, CELL_JSON };

struct cell {
	enum cell_kind kind;
	double num;
	long long i;
	char *text;
	json_t *json;
};

struct emit_table {
	const struct emit_col *cols;
	size_t ncols, ncells, cap;
	struct cell *cells;
	char *caption;		/* HTML only */
};

/* html ends the list: it is no --format's choice (the report page's own). */
const char *const emit_format_names[] = {
	[EMIT_TABLE] = "table", [EMIT_CSV] = "csv", [EMIT_JSON] = "json", [EMIT_MARKDOWN] = "markdown",
	[EMIT_HTML] = NULL,
};

struct emit_table *emit_new(const struct emit_col *cols, size_t ncols)
{
	struct emit_table *t = xcalloc(1, sizeof(*t));

	t->cols = cols;
	t->ncols = ncols;
	return t;
}

void emit_free(struct emit_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncells; i++) {
		free(t->cells[i].text);
		json_decref(t->cells[i].json);
	}
	free(t->cells);
	free(t->caption);
	free(t);
}

void emit_caption(struct emit_table *t, const char *caption)
{
	free(t->caption);
	t->caption = caption ? xstrdup(caption) : NULL;
}

static struct cell *next_cell(struct emit_table *t)
{
	if (t->ncells == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->cells = xrealloc(t->cells, t->cap * sizeof(*t->cells));
	}
	memset(&t->cells[t->ncells], 0, sizeof(*t->cells));
	return &t->cells[t->ncells++];
}

void emit_text(struct emit_table *t, const char *s)
{
	struct cell *c = next_cell(t);

	c->kind = CELL_TEXT;
	c->text = xstrdup(s ? s : "");
}

void emit_num(struct emit_table *t, double v)
{
	struct cell *c = next_cell(t);

	c->kind = CELL_NUM;
	c->num = v;
}

void emit_int(struct emit_table *t, long long v)
{
	struct cell *c = next_cell(t);

	c->kind = CELL_INT;
	c->i = v;
}

void emit_json_cell(struct emit_table *t, const char *text, json_t *json)
{
	struct cell *c = next_cell(t);

	c->kind = CELL_JSON;
	c->text = xstrdup(text ? text : "");
	c->json = json;
}

static int shown(const struct emit_col *col, enum emit_format f)
{
	return col->in == 0 || (col->in & EMIT_IN(f));
}

/* A cell as text for a format: malloc'ed; NULL for an unknown number (the format's own mark). */
static char *render(const struct emit_col *col, const struct cell *c, enum emit_format f)
{
	const char *fmt = f == EMIT_CSV || !col->tfmt ? col->fmt : col->tfmt;
	char buf[64];

	switch (c->kind) {
	case CELL_TEXT:
	case CELL_JSON:
		return xstrdup(c->text);
	case CELL_INT:
		snprintf(buf, sizeof(buf), "%lld", c->i);
		return xstrdup(buf);
	case CELL_NUM:
		if (!isfinite(c->num))
			return NULL;
		snprintf(buf, sizeof(buf), fmt ? fmt : "%g", c->num);
		return xstrdup(buf);
	}
	return NULL;
}

/* Table and markdown text: one line, control characters made spaces, markdown's marks escaped. */
static char *clean(const char *s, int markdown)
{
	char *out = xmalloc(2 * strlen(s) + 1), *o = out;

	for (; *s; s++) {
		if (markdown && strchr("|`*_", *s))
			*o++ = '\\';
		*o++ = (unsigned char)*s < ' ' || *s == 0x7f ? ' ' : *s;
	}
	*o = '\0';
	return out;
}

static int numeric(const struct cell *c)
{
	return c->kind == CELL_NUM || c->kind == CELL_INT;
}

static void print_csv(const struct emit_table *t, FILE *fp)
{
	size_t nrows = t->ncells / t->ncols, k;

	k = 0;
	for (size_t j = 0; j < t->ncols; j++)
		if (shown(&t->cols[j], EMIT_CSV))
			fprintf(fp, "%s%s", k++ ? "," : "", t->cols[j].name);
	fputc('\n', fp);
	for (size_t r = 0; r < nrows; r++) {
		k = 0;
		for (size_t j = 0; j < t->ncols; j++) {
			const struct cell *c = &t->cells[r * t->ncols + j];
			char *s;

			if (!shown(&t->cols[j], EMIT_CSV))
				continue;
			if (k++)
				fputc(',', fp);
			s = render(&t->cols[j], c, EMIT_CSV);
			if (s)
				csv_put_field(fp, s);
			free(s);
		}
		fputc('\n', fp);
	}
}

/* The text of every shown cell for the table or markdown, header first; widths per column. */
static char **text_cells(const struct emit_table *t, enum emit_format f, size_t *width)
{
	size_t nrows = t->ncells / t->ncols;
	char **text = xcalloc((nrows + 1) * t->ncols, sizeof(*text));
	int md = f == EMIT_MARKDOWN;

	for (size_t j = 0; j < t->ncols; j++) {
		const struct emit_col *col = &t->cols[j];

		width[j] = 0;
		if (!shown(col, f))
			continue;
		text[j] = clean(col->title ? col->title : col->name, md);
		for (size_t r = 0; r < nrows; r++) {
			char *s = render(col, &t->cells[r * t->ncols + j], f);

			text[(r + 1) * t->ncols + j] = s ? clean(s, md && !col->markdown) : xstrdup("-");
			free(s);
		}
		for (size_t r = 0; r <= nrows; r++) {
			/* Width in characters, not bytes: UTF-8 continuation bytes take no column. */
			size_t w = 0;
			for (const char *c = text[r * t->ncols + j]; *c; c++)
				w += ((unsigned char)*c & 0xC0) != 0x80;
			if (w > width[j])
				width[j] = w;
		}
	}
	return text;
}

/* s in a field of width characters, right- or left-aligned. */
static void pad(FILE *fp, const char *s, size_t width, int right)
{
	size_t w = 0;

	for (const char *c = s; *c; c++)
		w += ((unsigned char)*c & 0xC0) != 0x80;
	if (right)
		fprintf(fp, "%*s%s", (int)(width - w), "", s);
	else
		fprintf(fp, "%s%*s", s, (int)(width - w), "");
}

/* One line of a table or markdown; line 1 of markdown is the rule under the titles. */
static void text_line(const struct emit_table *t, enum emit_format f, char **text, const size_t *width,
		      const char *right, size_t r, FILE *line)
{
	int md = f == EMIT_MARKDOWN, first = 1;
	size_t row = md && r >= 2 ? r - 1 : r;

	for (size_t j = 0; j < t->ncols; j++) {
		if (!shown(&t->cols[j], f))
			continue;
		if (md && r == 1)
			fprintf(line, "%s%s", first ? "|" : "", right[j] ? "---:|" : "---|");
		else if (md)
			fprintf(line, "%s %s |", first ? "|" : "", text[row * t->ncols + j]);
		else
			fprintf(line, "%s", first ? "" : "  "), pad(line, text[row * t->ncols + j], width[j], right[j]);
		first = 0;
	}
}

/* Which columns hold any number (a "failed" among times, say): those are right-aligned. */
static char *numeric_columns(const struct emit_table *t)
{
	size_t nrows = t->ncells / t->ncols;
	char *right = xcalloc(t->ncols, 1);

	for (size_t j = 0; j < t->ncols; j++)
		for (size_t r = 0; r < nrows && !right[j]; r++)
			right[j] = (char)numeric(&t->cells[r * t->ncols + j]);
	return right;
}

static void print_text(const struct emit_table *t, enum emit_format f, FILE *fp)
{
	size_t nrows = t->ncells / t->ncols, *width = xcalloc(t->ncols, sizeof(*width));
	char **text = text_cells(t, f, width), *right = numeric_columns(t);
	int md = f == EMIT_MARKDOWN;

	for (size_t r = 0; r <= nrows + md; r++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *line = open_memstream(&buf, &len);

		if (!line)
			continue;
		text_line(t, f, text, width, right, r, line);
		fclose(line);
		while (len > 0 && buf[len - 1] == ' ')	/* no trailing spaces */
			buf[--len] = '\0';
		fprintf(fp, "%s\n", buf);
		free(buf);
	}
	for (size_t i = 0; i < (nrows + 1) * t->ncols; i++)
		free(text[i]);
	free(text);
	free(width);
	free(right);
}

/* A markdown column's cell in HTML: its **bold** made <strong>, everything escaped. */
static void html_cell_text(FILE *fp, const char *s, int markdown)
{
	size_t n = strlen(s);

	if (markdown && n > 4 && strncmp(s, "**", 2) == 0 && strcmp(s + n - 2, "**") == 0) {
		fputs("<strong>", fp);
		html_escape_n(fp, s + 2, n - 4);
		fputs("</strong>", fp);
	} else {
		html_escape(fp, s);
	}
}

/* A <table>: a column with any number in it has class "n" (the page right-aligns it). */
static void print_html(const struct emit_table *t, FILE *fp)
{
	size_t nrows = t->ncells / t->ncols;
	char *right = numeric_columns(t);

	fputs("<table>\n", fp);
	if (t->caption) {
		fputs("<caption>", fp);
		html_escape(fp, t->caption);
		fputs("</caption>\n", fp);
	}
	fputs("<thead><tr>", fp);
	for (size_t j = 0; j < t->ncols; j++)
		if (shown(&t->cols[j], EMIT_HTML)) {
			fprintf(fp, "<th scope=\"col\"%s>", right[j] ? " class=\"n\"" : "");
			html_escape(fp, t->cols[j].title ? t->cols[j].title : t->cols[j].name);
			fputs("</th>", fp);
		}
	fputs("</tr></thead>\n<tbody>\n", fp);
	for (size_t r = 0; r < nrows; r++) {
		fputs("<tr>", fp);
		for (size_t j = 0; j < t->ncols; j++) {
			const struct emit_col *col = &t->cols[j];
			char *s;

			if (!shown(col, EMIT_HTML))
				continue;
			s = render(col, &t->cells[r * t->ncols + j], EMIT_HTML);
			fputs(right[j] ? "<td class=\"n\">" : "<td>", fp);
			html_cell_text(fp, s ? s : "–", col->markdown);
			fputs("</td>", fp);
			free(s);
		}
		fputs("</tr>\n", fp);
	}
	fputs("</tbody>\n</table>\n", fp);
	free(right);
}

json_t *emit_json_number(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

json_t *emit_json(const struct emit_table *t)
{
	size_t nrows = t->ncells / t->ncols;
	json_t *arr = json_array();

	for (size_t r = 0; r < nrows; r++) {
		json_t *o = json_object();

		for (size_t j = 0; j < t->ncols; j++) {
			const struct cell *c = &t->cells[r * t->ncols + j];
			json_t *v;

			if (!shown(&t->cols[j], EMIT_JSON))
				continue;
			switch (c->kind) {
			case CELL_TEXT: v = json_string(c->text); break;
			case CELL_INT: v = json_integer(c->i); break;
			case CELL_NUM: v = emit_json_number(c->num); break;
			default: v = json_incref(c->json); break;
			}
			json_object_set_new(o, t->cols[j].name, v ? v : json_null());
		}
		json_array_append_new(arr, o);
	}
	return arr;
}

int emit_json_print(json_t *doc, FILE *fp)
{
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	int rc = text && fprintf(fp, "%s\n", text) >= 0 ? 0 : -1;

	free(text);
	return rc;
}

int emit_print(const struct emit_table *t, enum emit_format f, FILE *fp)
{
	int rc = 0;

	if (f == EMIT_CSV) {
		print_csv(t, fp);
	} else if (f == EMIT_JSON) {
		json_t *arr = emit_json(t);
		rc = emit_json_print(arr, fp);
		json_decref(arr);
	} else if (f == EMIT_HTML) {
		print_html(t, fp);
	} else {
		print_text(t, f, fp);
	}
	return rc < 0 || ferror(fp) ? -1 : 0;
}

enum emit_format emit_format_from(const char *const *choices, int index)
{
	for (size_t f = 0; emit_format_names[f]; f++)
		if (strcmp(choices[index], emit_format_names[f]) == 0)
			return (enum emit_format)f;
	return EMIT_TABLE;
}
