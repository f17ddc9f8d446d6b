/*
 * CSV writer and reader for run results, on libcsv. The writer quotes only
 * the fields that need it, so ordinary rows stay plain; the reader is strict
 * about the contract columns and tolerant of extra ones.
 */
#include "csv.h"
#include "../base/util.h"

#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char csv_header[] =
	"backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores,"
	"cpu_s,ceiling,karp_flatt,work_s,units,phases,scaling,lost,gbps,"
	"launch_s,rss_kb,cpus,label";

/* The largest cell the reader accepts; a run CSV has nothing near it. */
#define CSV_FIELD_MAX 65536

int csv_write_header(FILE *fp)
{
	return fprintf(fp, "%s\n", csv_header) < 0 ? -1 : 0;
}

static void put_text(FILE *fp, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n") || (*s && (s[0] == ' ' || s[strlen(s) - 1] == ' ')))
		csv_fwrite(fp, s, strlen(s));
	else
		fputs(s, fp);
	fputc(last ? '\n' : ',', fp);
}

/* %.9g keeps nanoseconds of a wall time and round-trips ratios well enough. */
static void put_num(FILE *fp, double v)
{
	if (isfinite(v))
		fprintf(fp, "%.9g", v);
	fputc(',', fp);
}

int csv_write_result(FILE *fp, const struct result *r)
{
	put_text(fp, r->backend, 0);
	put_text(fp, r->workload, 0);
	put_num(fp, r->p);
	fprintf(fp, "%d,%d,", r->n, r->rep);
	put_num(fp, r->t.wall_s);
	put_num(fp, r->speedup);
	put_num(fp, r->amdahl);
	put_num(fp, r->efficiency);
	put_num(fp, r->cores);
	put_num(fp, r->t.cpu_s >= 0 ? r->t.cpu_s : NAN);	/* < 0: not measured */
	put_num(fp, r->ceiling);
	put_num(fp, r->karp_flatt);
	put_num(fp, r->work_s);
	fprintf(fp, "%" PRIu64 ",%d,%s,", r->units, r->phases, r->weak ? "weak" : "strong");
	if (r->t.lost >= 0)
		fprintf(fp, "%" PRId64, r->t.lost);
	fputc(',', fp);
	put_num(fp, isfinite(r->t.bytes) && r->t.wall_s > 0 ? r->t.bytes / r->t.wall_s / 1e9 : NAN);
	put_num(fp, r->t.launch_s);
	put_num(fp, r->t.rss_kb);
	put_text(fp, r->t.cpus, 0);
	put_text(fp, r->label, 1);
	if (fflush(fp) != 0 || ferror(fp))
		return -1;
	return 0;
}

/* ---- reader ---- */

struct reader {
	struct csv_table *t;
	char **row;		/* fields of the row being parsed */
	size_t nfields, cap;
	int bad;		/* a field was too long or held a NUL byte */
	size_t bad_line;	/* the line it was on */
	size_t line;
};

static void on_field(void *s, size_t len, void *data)
{
	struct reader *rd = data;
	char *f;

	if ((len > CSV_FIELD_MAX || (len && memchr(s, '\0', len))) && !rd->bad) {
		rd->bad = 1;
		rd->bad_line = rd->line + 1;
	}
	if (rd->nfields == rd->cap) {
		rd->cap = rd->cap ? rd->cap * 2 : 32;
		rd->row = xrealloc(rd->row, rd->cap * sizeof(*rd->row));
	}
	f = xmalloc(len + 1);
	if (len)
		memcpy(f, s, len);
	f[len] = '\0';
	rd->row[rd->nfields++] = f;
}

static void on_row(int c, void *data)
{
	struct reader *rd = data;
	struct csv_table *t = rd->t;

	(void)c;
	rd->line++;
	if (!t->header) {
		t->header = rd->row;
		t->ncols = rd->nfields;
	} else {
		char **cells = xcalloc(t->ncols > rd->nfields ? t->ncols : rd->nfields, sizeof(*cells));
		if (rd->nfields != t->ncols)
			rd->bad = rd->bad ? rd->bad : 2;
		for (size_t i = 0; i < rd->nfields; i++)
			cells[i] = rd->row[i];
		for (size_t i = rd->nfields; i < t->ncols; i++)
			cells[i] = xstrdup("");
		free(rd->row);
		if (rd->nfields > t->ncols) {
			for (size_t i = t->ncols; i < rd->nfields; i++)
				free(cells[i]);
		}
		t->cells = xrealloc(t->cells, (t->nrows + 1) * sizeof(*t->cells));
		t->cells[t->nrows++] = cells;
	}
	rd->row = NULL;
	rd->nfields = rd->cap = 0;
}

int csv_table_read(const char *path, struct csv_table *t, char *err, size_t errlen)
{
	struct csv_parser p;
	struct reader rd = { .t = t };
	char buf[65536];
	size_t got;
	FILE *fp;
	int rc = 0;

	memset(t, 0, sizeof(*t));
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
	while (!rd.bad && (got = fread(buf, 1, sizeof(buf), fp)) > 0) {
		if (csv_parse(&p, buf, got, on_field, on_row, &rd) != got) {
			snprintf(err, errlen, "'%s': malformed CSV near line %zu: %s", path, rd.line + 1,
				 csv_strerror(csv_error(&p)));
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(fp)) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && !rd.bad && csv_fini(&p, on_field, on_row, &rd) != 0) {
		snprintf(err, errlen, "'%s': malformed CSV at the end: %s", path, csv_strerror(csv_error(&p)));
		rc = -1;
	}
	if (rc == 0 && rd.bad == 1) {
		snprintf(err, errlen, "'%s': line %zu holds a NUL byte or a field over %d bytes", path,
			 rd.bad_line, CSV_FIELD_MAX);
		rc = -1;
	} else if (rc == 0 && rd.bad == 2) {
		snprintf(err, errlen, "'%s': rows do not all have the %zu columns of the header", path, t->ncols);
		rc = -1;
	} else if (rc == 0 && !t->header) {
		snprintf(err, errlen, "'%s' is empty", path);
		rc = -1;
	}
	for (size_t i = 0; i < rd.nfields; i++)
		free(rd.row[i]);
	free(rd.row);
	csv_free(&p);
	fclose(fp);
	if (rc < 0)
		csv_table_free(t);
	return rc;
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

/* ---- typed rows ---- */

enum col {
	C_BACKEND, C_WORKLOAD, C_P, C_N, C_REP, C_WALL, C_SPEEDUP, C_AMDAHL, C_EFFICIENCY, C_CORES,
	C_CPU, C_CEILING, C_KF, C_WORK, C_UNITS, C_PHASES, C_SCALING, C_LOST, C_GBPS, C_LAUNCH,
	C_RSS, C_CPUS, C_LABEL, C_COUNT
};

static const struct { const char *name; int required; } columns[C_COUNT] = {
	[C_BACKEND] = { "backend", 1 }, [C_WORKLOAD] = { "workload", 1 }, [C_P] = { "p", 1 },
	[C_N] = { "n", 1 }, [C_REP] = { "rep", 1 }, [C_WALL] = { "wall_s", 1 },
	[C_SPEEDUP] = { "speedup", 1 }, [C_AMDAHL] = { "amdahl", 1 },
	[C_EFFICIENCY] = { "efficiency", 1 }, [C_CORES] = { "cores", 1 },
	[C_CPU] = { "cpu_s", 0 }, [C_CEILING] = { "ceiling", 0 }, [C_KF] = { "karp_flatt", 0 },
	[C_WORK] = { "work_s", 0 }, [C_UNITS] = { "units", 0 }, [C_PHASES] = { "phases", 0 },
	[C_SCALING] = { "scaling", 0 }, [C_LOST] = { "lost", 0 }, [C_GBPS] = { "gbps", 0 },
	[C_LAUNCH] = { "launch_s", 0 }, [C_RSS] = { "rss_kb", 0 }, [C_CPUS] = { "cpus", 0 },
	[C_LABEL] = { "label", 0 },
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

static int cell_text(const char *s, char *dst, size_t cap)
{
	size_t n = strlen(s);

	if (n >= cap)
		return -1;
	memcpy(dst, s, n + 1);
	return 0;
}

static int fill_result(char **cells, const int *idx, struct result *r, const char **bad)
{
	double v, wall, cpu, gbps;
	const char *cell;

	memset(r, 0, sizeof(*r));
	timing_init(&r->t);
#define CELL(c) (idx[c] >= 0 ? cells[idx[c]] : "")
#define FAIL(c) do { *bad = columns[c].name; return -1; } while (0)
	if (cell_text(CELL(C_BACKEND), r->backend, sizeof(r->backend)) < 0 || !r->backend[0])
		FAIL(C_BACKEND);
	if (cell_text(CELL(C_WORKLOAD), r->workload, sizeof(r->workload)) < 0 || !r->workload[0])
		FAIL(C_WORKLOAD);
	if (cell_text(CELL(C_LABEL), r->label, sizeof(r->label)) < 0)
		FAIL(C_LABEL);
	if (cell_text(CELL(C_CPUS), r->t.cpus, sizeof(r->t.cpus)) < 0)
		FAIL(C_CPUS);
	if (cell_num(CELL(C_P), 1, &r->p) < 0 || (!isnan(r->p) && (r->p < 0 || r->p > 1)))
		FAIL(C_P);
	if (cell_num(CELL(C_N), 0, &v) < 0 || v < 1 || v > 1e6 || v != floor(v))
		FAIL(C_N);
	r->n = (int)v;
	if (cell_num(CELL(C_REP), 0, &v) < 0 || v < 0 || v > 1e9 || v != floor(v))
		FAIL(C_REP);
	r->rep = (int)v;
	if (cell_num(CELL(C_WALL), 0, &wall) < 0 || wall <= 0)
		FAIL(C_WALL);
	r->t.wall_s = wall;
	if (cell_num(CELL(C_SPEEDUP), 1, &r->speedup) < 0 || r->speedup <= 0)
		FAIL(C_SPEEDUP);
	if (cell_num(CELL(C_AMDAHL), 1, &r->amdahl) < 0 || r->amdahl <= 0)
		FAIL(C_AMDAHL);
	if (cell_num(CELL(C_EFFICIENCY), 1, &r->efficiency) < 0 || r->efficiency <= 0)
		FAIL(C_EFFICIENCY);
	if (cell_num(CELL(C_CORES), 0, &r->cores) < 0 || r->cores <= 0 || r->cores > 1e6)
		FAIL(C_CORES);
	if (cell_num(CELL(C_CPU), 1, &cpu) < 0 || cpu < 0)
		FAIL(C_CPU);
	r->t.cpu_s = isnan(cpu) ? -1.0 : cpu;
	if (cell_num(CELL(C_CEILING), 1, &r->ceiling) < 0 || r->ceiling <= 0)
		FAIL(C_CEILING);
	if (cell_num(CELL(C_KF), 1, &r->karp_flatt) < 0)
		FAIL(C_KF);
	if (cell_num(CELL(C_WORK), 1, &r->work_s) < 0 || r->work_s <= 0)
		FAIL(C_WORK);
	if (cell_num(CELL(C_UNITS), 1, &v) < 0 || v < 0 || v > 1.8e19)
		FAIL(C_UNITS);
	r->units = isnan(v) ? 0 : (uint64_t)v;
	if (cell_num(CELL(C_PHASES), 1, &v) < 0 || (!isnan(v) && (v < 1 || v > 1e6)))
		FAIL(C_PHASES);
	r->phases = isnan(v) ? 1 : (int)v;
	cell = CELL(C_SCALING);
	if (*cell && strcmp(cell, "strong") != 0 && strcmp(cell, "weak") != 0)
		FAIL(C_SCALING);
	r->weak = strcmp(cell, "weak") == 0;
	if (cell_num(CELL(C_LOST), 1, &v) < 0 || v < 0 || v > 9e18)	/* (int64_t)v must be defined */
		FAIL(C_LOST);
	r->t.lost = isnan(v) ? -1 : (int64_t)v;
	if (cell_num(CELL(C_GBPS), 1, &gbps) < 0 || gbps < 0)
		FAIL(C_GBPS);
	r->t.bytes = isnan(gbps) ? NAN : gbps * 1e9 * wall;
	if (cell_num(CELL(C_LAUNCH), 1, &r->t.launch_s) < 0 || r->t.launch_s < 0)
		FAIL(C_LAUNCH);
	if (cell_num(CELL(C_RSS), 1, &r->t.rss_kb) < 0 || r->t.rss_kb < 0)
		FAIL(C_RSS);
#undef CELL
#undef FAIL
	return 0;
}

int csv_read_results(const char *path, struct result **rows, size_t *nrows, char *err, size_t errlen)
{
	struct csv_table t;
	int idx[C_COUNT];
	struct result *out;
	const char *bad;

	*rows = NULL;
	*nrows = 0;
	if (csv_table_read(path, &t, err, errlen) < 0)
		return -1;
	for (int c = 0; c < C_COUNT; c++) {
		idx[c] = csv_table_col(&t, columns[c].name);
		if (idx[c] < 0 && columns[c].required) {
			snprintf(err, errlen, "'%s' is not an amdahl run CSV: no '%s' column", path, columns[c].name);
			csv_table_free(&t);
			return -1;
		}
	}
	if (t.nrows == 0) {
		snprintf(err, errlen, "'%s' has a header but no rows", path);
		csv_table_free(&t);
		return -1;
	}
	out = xcalloc(t.nrows, sizeof(*out));
	for (size_t r = 0; r < t.nrows; r++) {
		if (fill_result(t.cells[r], idx, &out[r], &bad) < 0) {
			snprintf(err, errlen, "'%s': row %zu: bad value in column '%s'", path, r + 1, bad);
			free(out);
			csv_table_free(&t);
			return -1;
		}
	}
	*rows = out;
	*nrows = t.nrows;
	csv_table_free(&t);
	return 0;
}
