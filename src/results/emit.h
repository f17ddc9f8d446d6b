/*
 * One emitter for every table amdahl prints: a table is declared as columns
 * (name, title, number format, the formats it appears in), filled cell by
 * cell, and printed as an aligned text table, CSV, JSON or markdown. The
 * rules are the same for every subcommand:
 *
 *   table     titles, then cells padded to the widest; numbers right-aligned,
 *             text left; an unknown number is "-"; control characters are spaces
 *   csv       names, then cells; an unknown number is an empty cell; text is
 *             quoted by libcsv when it needs it
 *   json      an array of objects keyed by name; an unknown number is null
 *   markdown  a pipe table; numbers right-aligned; | ` * _ escaped
 *   html      a <table> for the report page: titles in <thead>, numbers in
 *             cells of class "n" (right-aligned by the page), an unknown
 *             number "–"; every text escaped (html.h), a markdown column's
 *             **bold** made <strong>
 *
 * fit, compare, theory, the run summary and the report page print through it.
 */
#ifndef AMDAHL_EMIT_H
#define AMDAHL_EMIT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* EMIT_HTML is the report page's, not a choice of any --format. */
enum emit_format { EMIT_TABLE, EMIT_CSV, EMIT_JSON, EMIT_MARKDOWN, EMIT_HTML };

#define EMIT_IN(f) (1u << (f))
#define EMIT_ALL (EMIT_IN(EMIT_TABLE) | EMIT_IN(EMIT_CSV) | EMIT_IN(EMIT_JSON) | EMIT_IN(EMIT_MARKDOWN) | EMIT_IN(EMIT_HTML))
/* The formats a person reads. */
#define EMIT_TEXT (EMIT_IN(EMIT_TABLE) | EMIT_IN(EMIT_MARKDOWN) | EMIT_IN(EMIT_HTML))

struct emit_col {
	const char *name;	/* CSV header and JSON key */
	const char *title;	/* table and markdown header; NULL: the name */
	const char *fmt;	/* printf format of a number in CSV (and of the table's, unless
				 * tfmt); NULL: "%g" */
	const char *tfmt;	/* the number format of table and markdown; NULL: fmt */
	unsigned in;		/* the formats it appears in (EMIT_IN bits); 0: all */
	int markdown;		/* its text cells are markdown already (bold, say): not escaped */
};

struct emit_table;

/* A table of these columns (the array must outlive it). */
struct emit_table *emit_new(const struct emit_col *cols, size_t ncols);
void emit_free(struct emit_table *t);

/* The next cell; after the last column the next cell starts a new row. */
void emit_text(struct emit_table *t, const char *s);
void emit_num(struct emit_table *t, double v);		/* not finite: unknown */
void emit_int(struct emit_table *t, long long v);
/* A cell whose JSON is its own value (a nested array, say); text for the other formats. */
void emit_json_cell(struct emit_table *t, const char *text, json_t *json);
/* The table's <caption> in HTML (the other formats have none): what it shows, in a sentence. */
void emit_caption(struct emit_table *t, const char *caption);

/* Print the whole table; -1 on a write error. */
int emit_print(const struct emit_table *t, enum emit_format f, FILE *fp);
/* The rows as a JSON array of objects (a new reference), for a document that holds more. */
json_t *emit_json(const struct emit_table *t);
/* A number as JSON: null when it is not finite (JSON has no NaN or infinity). */
json_t *emit_json_number(double v);
/* Print a JSON document as every subcommand does (indented, keys in order, ASCII). */
int emit_json_print(json_t *doc, FILE *fp);

/*
 * The formats' names, by enum emit_format, NULL-terminated before html: the
 * choices of a --format option that offers all four (its index is the format).
 */
extern const char *const emit_format_names[];
/* The format a --format choice names (choices[index], a subset of the names); table when none. */
enum emit_format emit_format_from(const char *const *choices, int index);

#endif
