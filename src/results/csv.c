/*
 * CSV writer and reader for run results, on libcsv. The writer quotes only
 * the fields that need it, so ordinary rows stay plain; the reader streams,
 * is strict about the contract columns and tolerant of extra ones, and knows
 * the plugin columns by the names their plugins declare (column.h).
 */
#include "csv.h"
#include "../api/column.h"
#include "../base/util.h"

#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The largest cell and the most fields a row may have; a run CSV has nothing near either. */
#define CSV_FIELD_MAX 65536
#define CSV_FIELDS_MAX 4096
#define CSV_CHUNK 65536

/* ---- the header ---- */

/* The harness's own columns; plugin columns are column.h's. */
enum core_col {
	C_BACKEND, C_WORKLOAD, C_P, C_N, C_REP, C_WALL, C_SPEEDUP, C_AMDAHL, C_EFFICIENCY, C_CORES,
	C_CPU, C_CEILING, C_KF, C_WORK, C_UNITS, C_PHASES, C_SCALING, C_CPUS, C_LABEL, C_COUNT
};

static const struct { const char *name; int required; } core[C_COUNT] = {
	[C_BACKEND] = { "backend", 1 }, [C_WORKLOAD] = { "workload", 1 }, [C_P] = { "p", 1 },
	[C_N] = { "n", 1 }, [C_REP] = { "rep", 1 }, [C_WALL] = { "wall_s", 1 },
	[C_SPEEDUP] = { "speedup", 1 }, [C_AMDAHL] = { "amdahl", 1 },
	[C_EFFICIENCY] = { "efficiency", 1 }, [C_CORES] = { "cores", 1 },
	[C_CPU] = { "cpu_s", 0 }, [C_CEILING] = { "ceiling", 0 }, [C_KF] = { "karp_flatt", 0 },
	[C_WORK] = { "work_s", 0 }, [C_UNITS] = { "units", 0 }, [C_PHASES] = { "phases", 0 },
	[C_SCALING] = { "scaling", 0 }, [C_CPUS] = { "cpus", 0 }, [C_LABEL] = { "label", 0 },
};

/* The header as first published: these keep their places (csv.h's rule). */
static const char *const csv_published[] = {
	"backend", "workload", "p", "n", "rep", "wall_s", "speedup", "amdahl", "efficiency", "cores",
	"cpu_s", "ceiling", "karp_flatt", "work_s", "units", "phases", "scaling", "lost", "gbps",
	"launch_s", "rss_kb", "cpus", "label",
};

/* A header position: a core column (0..C_COUNT-1), a plugin column (C_COUNT + id), or unknown (-1). */
static int role_of(const char *name)
{
	int id;

	for (int c = 0; c < C_COUNT; c++)
		if (strcmp(core[c].name, name) == 0)
			return c;
	id = column_id(name);
	return id < 0 ? -1 : C_COUNT + id;
}

static int published(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(csv_published); i++)
		if (strcmp(csv_published[i], name) == 0)
			return 1;
	return 0;
}

/* The header's roles in order; returns how many (the published ones, then new plugin columns). */
static size_t header_roles(int *roles, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(csv_published) && n < cap; i++)
		roles[n++] = role_of(csv_published[i]);
	for (size_t id = 0; id < column_count() && n < cap; id++)
		if (!published(column_at(id)->name))
			roles[n++] = C_COUNT + (int)id;
	return n;
}

static const char *role_name(int role)
{
	return role < C_COUNT ? core[role].name : column_at((size_t)(role - C_COUNT))->name;
}

int csv_header_text(char *buf, size_t len)
{
	int roles[ARRAY_SIZE(csv_published) + COLUMNS_MAX];
	size_t n = header_roles(roles, ARRAY_SIZE(roles)), at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		/* A published plugin column no plugin declares any more keeps its place, empty. */
		const char *name = roles[i] < 0 ? csv_published[i] : role_name(roles[i]);
		int k = snprintf(buf + at, len - at, "%s%s", i ? "," : "", name);

		if (k < 0 || (size_t)k >= len - at)
			return -1;
		at += (size_t)k;
	}
	return 0;
}

/* ---- writer ---- */

int csv_write_header(FILE *fp)
{
	char buf[2048];

	if (csv_header_text(buf, sizeof(buf)) < 0)
		return -1;
	return fprintf(fp, "%s\n", buf) < 0 ? -1 : 0;
}

void csv_put_field(FILE *fp, const char *s)
{
	if (strpbrk(s, ",\"\r\n") || (*s && (s[0] == ' ' || s[strlen(s) - 1] == ' ')))
		csv_fwrite(fp, s, strlen(s));
	else
		fputs(s, fp);
}

/* %.9g keeps nanoseconds of a wall time and round-trips ratios well enough. */
static void put_num(FILE *fp, double v)
{
	if (isfinite(v))
		fprintf(fp, "%.9g", v);
}

static void put_core(FILE *fp, const struct run_row *r, int c)
{
	switch (c) {
	case C_BACKEND: csv_put_field(fp, r->backend); break;
	case C_WORKLOAD: csv_put_field(fp, r->workload); break;
	case C_SCALING: fputs(r->weak ? "weak" : "strong", fp); break;
	case C_CPUS: csv_put_field(fp, r->cpus); break;
	case C_LABEL: csv_put_field(fp, r->label); break;
	case C_N: fprintf(fp, "%d", r->n); break;
	case C_REP: fprintf(fp, "%d", r->rep); break;
	case C_UNITS: fprintf(fp, "%" PRIu64, r->units); break;
	case C_PHASES: fprintf(fp, "%d", r->phases); break;
	case C_P: put_num(fp, r->p); break;
	case C_WALL: put_num(fp, r->wall_s); break;
	case C_SPEEDUP: put_num(fp, r->speedup); break;
	case C_AMDAHL: put_num(fp, r->amdahl); break;
	case C_EFFICIENCY: put_num(fp, r->efficiency); break;
	case C_CORES: put_num(fp, r->cores); break;
	case C_CPU: put_num(fp, r->cpu_s); break;
	case C_CEILING: put_num(fp, r->ceiling); break;
	case C_KF: put_num(fp, r->karp_flatt); break;
	case C_WORK: put_num(fp, r->work_s); break;
	}
}

int csv_write_row(FILE *fp, const struct run_row *r)
{
	int roles[ARRAY_SIZE(csv_published) + COLUMNS_MAX];
	size_t n = header_roles(roles, ARRAY_SIZE(roles));

	for (size_t i = 0; i < n; i++) {
		int role = roles[i];

		if (i)
			fputc(',', fp);
		if (role >= 0 && role < C_COUNT) {
			put_core(fp, r, role);
		} else if (role >= 0 && r->col && isfinite(r->col[role - C_COUNT])) {
			fprintf(fp, column_at((size_t)(role - C_COUNT))->integer ? "%.0f" : "%.9g",
				r->col[role - C_COUNT]);
		}
	}
	fputc('\n', fp);
	if (fflush(fp) != 0 || ferror(fp))
		return -1;
	return 0;
}

/* ---- streaming reader ---- */

struct stream {
	csv_row_fn fn;
	void *ctx;
	char *text;			/* the fields of the row being parsed, each NUL-ended */
	size_t textlen, textcap;
	size_t *starts;			/* offsets of the fields in text */
	char **fields;
	size_t nfields, capfields;
	size_t ncols;			/* the header's; 0 before it */
	size_t line;			/* rows seen, header included */
	enum { ST_OK, ST_STOP, ST_FAIL, ST_WIDE, ST_RAGGED } state;
	char *err;
	size_t errlen;
};

static void on_field(void *s, size_t len, void *data)
{
	struct stream *st = data;

	if (st->state != ST_OK)
		return;
	if (st->nfields == CSV_FIELDS_MAX) {
		st->state = ST_WIDE;
		return;
	}
	if (st->nfields == st->capfields) {
		st->capfields = st->capfields ? 2 * st->capfields : 32;
		st->starts = xrealloc(st->starts, st->capfields * sizeof(*st->starts));
		st->fields = xrealloc(st->fields, st->capfields * sizeof(*st->fields));
	}
	if (st->textlen + len + 1 > st->textcap) {
		while (st->textlen + len + 1 > st->textcap)
			st->textcap = st->textcap ? 2 * st->textcap : 1024;
		st->text = xrealloc(st->text, st->textcap);
	}
	st->starts[st->nfields++] = st->textlen;
	if (len)
		memcpy(st->text + st->textlen, s, len);
	st->textlen += len;
	st->text[st->textlen++] = '\0';
}

static void on_row(int c, void *data)
{
	struct stream *st = data;

	(void)c;
	if (st->state == ST_OK) {
		st->line++;
		if (st->ncols == 0)
			st->ncols = st->nfields;
		else if (st->nfields != st->ncols)
			st->state = ST_RAGGED;
	}
	if (st->state == ST_OK) {
		for (size_t i = 0; i < st->nfields; i++)
			st->fields[i] = st->text + st->starts[i];
		switch (st->fn(st->ctx, st->fields, st->nfields, st->line, st->err, st->errlen)) {
		case 0: break;
		case 1: st->state = ST_STOP; break;
		default: st->state = ST_FAIL; break;
		}
	}
	st->nfields = st->textlen = 0;
}

/* Parse one chunk; -1 with err set when the input cannot be a CSV amdahl reads. */
static int stream_chunk(struct stream *st, struct csv_parser *p, const char *path, const char *buf, size_t got)
{
	if (memchr(buf, '\0', got)) {
		snprintf(st->err, st->errlen, "'%s' holds binary data (a NUL byte near line %zu): not a CSV", path,
			 st->line + 1);
		return -1;
	}
	if (csv_parse(p, buf, got, on_field, on_row, st) != got) {
		snprintf(st->err, st->errlen, "'%s': malformed CSV near line %zu: %s", path, st->line + 1,
			 csv_strerror(csv_error(p)));
		return -1;
	}
	if (p->entry_pos > CSV_FIELD_MAX || st->textlen > (size_t)CSV_FIELD_MAX * 16) {
		snprintf(st->err, st->errlen, "'%s': line %zu holds a field over %d bytes: not a run CSV", path,
			 st->line + 1, CSV_FIELD_MAX);
		return -1;
	}
	return 0;
}

/* The reason a stream ended early, into err (ST_FAIL's is the callback's own). */
static int stream_state(const struct stream *st, const char *path)
{
	if (st->state == ST_WIDE)
		snprintf(st->err, st->errlen, "'%s': line %zu has more than %d fields", path, st->line + 1,
			 CSV_FIELDS_MAX);
	else if (st->state == ST_RAGGED)
		snprintf(st->err, st->errlen, "'%s': rows do not all have the %zu columns of the header (line %zu)",
			 path, st->ncols, st->line);
	return st->state == ST_OK || st->state == ST_STOP ? 0 : -1;
}

int csv_stream(const char *path, csv_row_fn fn, void *ctx, char *err, size_t errlen)
{
	struct stream st = { .fn = fn, .ctx = ctx, .err = err, .errlen = errlen };
	struct csv_parser p;
	char *buf;
	size_t got;
	int rc = 0, first = 1;
	FILE *fp;

	fp = fopen(path, "rb");
	if (!fp) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		fclose(fp);
		snprintf(err, errlen, "cannot start the CSV parser");
		return -1;
	}
	buf = xmalloc(CSV_CHUNK);
	while (rc == 0 && st.state == ST_OK && (got = fread(buf, 1, CSV_CHUNK, fp)) > 0) {
		const char *at = buf;

		/* A UTF-8 byte order mark (spreadsheets write one) is not part of the first name. */
		if (first && got >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
			at += 3;
			got -= 3;
		}
		first = 0;
		rc = stream_chunk(&st, &p, path, at, got);
		if (rc == 0)
			rc = stream_state(&st, path);
	}
	if (rc == 0 && st.state == ST_OK && ferror(fp)) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && st.state == ST_OK && csv_fini(&p, on_field, on_row, &st) != 0) {
		snprintf(err, errlen, "'%s': malformed CSV at the end: %s", path, csv_strerror(csv_error(&p)));
		rc = -1;
	}
	if (rc == 0)
		rc = stream_state(&st, path);
	if (rc == 0 && st.line == 0) {
		snprintf(err, errlen, "'%s' is empty", path);
		rc = -1;
	}
	csv_free(&p);
	fclose(fp);
	free(buf);
	free(st.text);
	free(st.starts);
	free(st.fields);
	return rc;
}

struct header_probe {
	const char *const *names;
	size_t n;
	int all;
};

static int probe_header(void *ctx, char *const *fields, size_t nfields, size_t line, char *err, size_t errlen)
{
	struct header_probe *hp = ctx;

	(void)line, (void)err, (void)errlen;
	hp->all = 1;
	for (size_t i = 0; i < hp->n; i++) {
		size_t k = 0;

		while (k < nfields && strcmp(fields[k], hp->names[i]) != 0)
			k++;
		hp->all &= k < nfields;
	}
	return 1;
}

int csv_header_has(const char *path, const char *const *names, size_t n, char *err, size_t errlen)
{
	struct header_probe hp = { names, n, 0 };

	if (csv_stream(path, probe_header, &hp, err, errlen) < 0)
		return -1;
	return hp.all;
}

/* ---- a whole table ---- */

static char **copy_fields(char *const *fields, size_t n)
{
	char **out = xmalloc((n ? n : 1) * sizeof(*out));

	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(fields[i]);
	return out;
}

static int table_row(void *ctx, char *const *fields, size_t n, size_t line, char *err, size_t errlen)
{
	struct csv_table *t = ctx;

	(void)err, (void)errlen;
	if (line == 1) {
		t->header = copy_fields(fields, n);
		t->ncols = n;
		return 0;
	}
	if (t->nrows == CSV_ROWS_MAX) {
		snprintf(err, errlen, "more than %d rows", CSV_ROWS_MAX);
		return -1;
	}
	if ((t->nrows & (t->nrows - 1)) == 0)	/* a power of two: full */
		t->cells = xrealloc(t->cells, (t->nrows ? 2 * t->nrows : 1) * sizeof(*t->cells));
	t->cells[t->nrows++] = copy_fields(fields, n);
	return 0;
}

int csv_table_read(const char *path, struct csv_table *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	if (csv_stream(path, table_row, t, err, errlen) < 0) {
		csv_table_free(t);
		return -1;
	}
	return 0;
}

int csv_table_col(const struct csv_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->header[i], name) == 0)
			return (int)i;
	return -1;
}

void csv_table_free(struct csv_table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			free(t->cells[r][c]);
		free(t->cells[r]);
	}
	free(t->cells);
	if (t->header) {
		for (size_t c = 0; c < t->ncols; c++)
			free(t->header[c]);
		free(t->header);
	}
	memset(t, 0, sizeof(*t));
}

/* ---- run rows ---- */

struct row_reader {
	const char *path;
	struct run_rows *into;
	unsigned file;
	int *roles;			/* per header field: core column, C_COUNT + column id, or -1 */
	size_t nroles;
	size_t rows;
};

/* A numeric cell: empty is NaN when allowed; anything else must parse finite. */
static int cell_num(const char *s, int empty_ok, double *out)
{
	if (!*s) {
		*out = NAN;
		return empty_ok ? 0 : -1;
	}
	return parse_double(s, out);
}

/* A whole number in [lo, hi]; empty gives def when allowed. */
static int cell_count(const char *s, int empty_ok, double lo, double hi, double def, double *out)
{
	if (cell_num(s, empty_ok, out) < 0)
		return -1;
	if (isnan(*out)) {
		*out = def;
		return 0;
	}
	return *out >= lo && *out <= hi && *out == floor(*out) ? 0 : -1;
}

/* Check one core cell into r; -1 when it is not a valid value of its column. */
static int core_cell(struct run_row *r, int c, const char *s)
{
	double v;

	switch (c) {
	case C_BACKEND: r->backend = s; return *s && strlen(s) < CSV_NAME_MAX ? 0 : -1;
	case C_WORKLOAD: r->workload = s; return *s && strlen(s) < CSV_NAME_MAX ? 0 : -1;
	case C_LABEL: r->label = s; return strlen(s) < CSV_LABEL_MAX ? 0 : -1;
	case C_CPUS: r->cpus = s; return 0;
	case C_SCALING:
		r->weak = strcmp(s, "weak") == 0;
		return !*s || r->weak || strcmp(s, "strong") == 0 ? 0 : -1;
	case C_P: return cell_num(s, 1, &r->p) < 0 || r->p < 0 || r->p > 1 ? -1 : 0;
	case C_N:
		if (cell_count(s, 0, 1, 1e6, 0, &v) < 0)
			return -1;
		r->n = (int)v;
		return 0;
	case C_REP:
		if (cell_count(s, 0, 0, 1e9, 0, &v) < 0)
			return -1;
		r->rep = (int)v;
		return 0;
	case C_UNITS:
		if (cell_num(s, 1, &v) < 0 || v < 0 || v > 1.8e19)
			return -1;
		r->units = isnan(v) ? 0 : (uint64_t)v;
		return 0;
	case C_PHASES:
		if (cell_count(s, 1, 1, 1e6, 1, &v) < 0)
			return -1;
		r->phases = (int)v;
		return 0;
	case C_WALL: return cell_num(s, 0, &r->wall_s) < 0 || r->wall_s <= 0 ? -1 : 0;
	case C_SPEEDUP: return cell_num(s, 1, &r->speedup) < 0 || r->speedup <= 0 ? -1 : 0;
	case C_AMDAHL: return cell_num(s, 1, &r->amdahl) < 0 || r->amdahl <= 0 ? -1 : 0;
	case C_EFFICIENCY: return cell_num(s, 1, &r->efficiency) < 0 || r->efficiency <= 0 ? -1 : 0;
	case C_CORES: return cell_num(s, 0, &r->cores) < 0 || r->cores <= 0 || r->cores > 1e6 ? -1 : 0;
	case C_CPU: return cell_num(s, 1, &r->cpu_s) < 0 || r->cpu_s < 0 ? -1 : 0;
	case C_CEILING: return cell_num(s, 1, &r->ceiling) < 0 || r->ceiling <= 0 ? -1 : 0;
	case C_KF: return cell_num(s, 1, &r->karp_flatt);
	case C_WORK: return cell_num(s, 1, &r->work_s) < 0 || r->work_s <= 0 ? -1 : 0;
	}
	return -1;
}

/* A plugin column's cell: empty, or a finite number >= 0 (a whole one for counts). */
static int plugin_cell(double *col, size_t id, const char *s)
{
	const struct column *c = column_at(id);

	if (cell_num(s, 1, &col[id]) < 0 || (col[id] < 0 && !c->negative))
		return -1;
	if (c->integer && !isnan(col[id]) && (col[id] != floor(col[id]) || col[id] > 9e18))
		return -1;
	return 0;
}

static int read_header(struct row_reader *rr, char *const *fields, size_t n, char *err, size_t errlen)
{
	int seen[C_COUNT] = { 0 };

	rr->roles = xmalloc(n * sizeof(*rr->roles));
	rr->nroles = n;
	for (size_t i = 0; i < n; i++) {
		rr->roles[i] = role_of(fields[i]);
		/* A repeated name: the first one counts. */
		if (rr->roles[i] >= 0 && rr->roles[i] < C_COUNT && seen[rr->roles[i]]++)
			rr->roles[i] = -1;
	}
	for (int c = 0; c < C_COUNT; c++)
		if (core[c].required && !seen[c]) {
			snprintf(err, errlen, "'%s' is not an amdahl run CSV: no '%s' column", rr->path, core[c].name);
			return -1;
		}
	return 0;
}

static int read_row(void *ctx, char *const *fields, size_t n, size_t line, char *err, size_t errlen)
{
	struct row_reader *rr = ctx;
	double col[COLUMNS_MAX];
	struct run_row r;

	if (line == 1)
		return read_header(rr, fields, n, err, errlen);
	if (++rr->rows > CSV_ROWS_MAX) {
		snprintf(err, errlen, "'%s' has more than %d rows: split it", rr->path, CSV_ROWS_MAX);
		return -1;
	}
	run_row_init(&r);
	r.file = rr->file;
	for (size_t i = 0; i < COLUMNS_MAX; i++)
		col[i] = NAN;
	r.col = col;
	for (size_t i = 0; i < n; i++) {
		int role = rr->roles[i], bad;

		if (role < 0)
			continue;
		bad = role < C_COUNT ? core_cell(&r, role, fields[i]) : plugin_cell(col, (size_t)(role - C_COUNT),
										     fields[i]);
		if (bad < 0) {
			snprintf(err, errlen, "'%s': row %zu: bad value in column '%s'", rr->path, rr->rows,
				 role_name(role));
			return -1;
		}
	}
	run_rows_add(rr->into, &r);
	return 0;
}

int csv_read_rows(const char *path, struct run_rows *into, char *err, size_t errlen)
{
	struct row_reader rr = { .path = path, .into = into, .file = (unsigned)into->nfiles };
	int rc;

	rc = csv_stream(path, read_row, &rr, err, errlen);
	free(rr.roles);
	into->nfiles++;
	if (rc == 0 && rr.rows == 0) {
		snprintf(err, errlen, "'%s' has a header but no rows", path);
		rc = -1;
	}
	return rc;
}

int csv_read_files(char *const *paths, int n, struct run_rows *rows, char *err, size_t errlen)
{
	run_rows_init(rows);
	for (int i = 0; i < n; i++)
		if (csv_read_rows(paths[i], rows, err, errlen) < 0) {
			run_rows_free(rows);
			return -1;
		}
	return 0;
}
