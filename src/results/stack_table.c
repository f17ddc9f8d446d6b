/*
 * The speedup stack's table (stack_table.h): its columns, one row per cell,
 * and which parts a table of text leaves out.
 */
#include "stack_table.h"

#include <math.h>
#include <string.h>

/* The columns that name the series: not on the report page, where a heading does. */
#define STACK_NOT_HTML (EMIT_ALL & ~EMIT_IN(EMIT_HTML))
/* For a program that reads the cells (bench/python-figures.py): not in a table to read. */
#define STACK_DATA (EMIT_IN(EMIT_CSV) | EMIT_IN(EMIT_JSON))

static void stack_columns(struct emit_col *cols)
{
	static const struct emit_col head[STACK_COL_PARTS] = {
		{ .name = "backend", .in = STACK_NOT_HTML },
		{ .name = "workload", .in = STACK_NOT_HTML },
		{ .name = "p", .fmt = "%.9g", .tfmt = "%g", .in = STACK_NOT_HTML },
		{ .name = "label", .in = STACK_NOT_HTML },
		{ .name = "n" },
		{ .name = "reps", .in = STACK_DATA },
		{ .name = "speedup", .fmt = "%.6g", .tfmt = "%.3f" },
		{ .name = "speedup_lo", .fmt = "%.6g", .in = STACK_DATA },
		{ .name = "speedup_hi", .fmt = "%.6g", .in = STACK_DATA },
		{ .name = "wall_s", .fmt = "%.6g", .in = STACK_DATA },
	};

	memcpy(cols, head, sizeof(head));
	for (int i = 0; i < EXPLAIN_PARTS; i++)
		cols[STACK_COL_PARTS + i] = (struct emit_col){ .name = explain_parts[i].name, .fmt = "%.6g",
							       .tfmt = "%.3f" };
	cols[STACK_COL_PARTS + EXPLAIN_PARTS] = (struct emit_col){ .name = "total", .fmt = "%.6g", .tfmt = "%.3f" };
	cols[STACK_COL_PARTS + EXPLAIN_PARTS + 1] = (struct emit_col){ .name = "largest" };
	cols[STACK_COL_PARTS + EXPLAIN_PARTS + 2] = (struct emit_col){ .name = "file", .in = STACK_DATA };
}

/* The largest loss of a cell, or "-" when none is known or none reaches a thousandth of a worker. */
static const char *stack_largest_loss(const struct agg_cell *c)
{
	int best = -1;

	for (int i = 0; i < EXPLAIN_PARTS; i++)
		if (i != EXPLAIN_USEFUL && isfinite(c->stack[i]) && (best < 0 || c->stack[i] > c->stack[best]))
			best = i;
	/* below a thousandth of a worker (the table's last digit) there is no loss to name */
	return best < 0 || !(c->stack[best] >= 0.0005) ? "-" : explain_parts[best].name;
}

void stack_table_init(struct stack_table *st, const struct agg_series *series, size_t n)
{
	stack_columns(st->cols);
	for (int i = 0; i < EXPLAIN_PARTS; i++) {
		int known = 0;

		for (size_t k = 0; k < n && !known; k++)
			for (size_t j = 0; j < series[k].ncells && !known; j++)
				known = isfinite(series[k].cells[j].stack[i]);
		if (!known)
			st->cols[STACK_COL_PARTS + i].in = STACK_DATA;
	}
	st->t = emit_new(st->cols, STACK_COLS);
}

void stack_table_add(struct stack_table *st, const struct agg_series *s, const char *file)
{
	for (size_t j = 0; j < s->ncells; j++) {
		const struct agg_cell *c = &s->cells[j];

		emit_text(st->t, s->backend);
		emit_text(st->t, s->workload);
		emit_num(st->t, s->p);
		emit_text(st->t, s->label);
		emit_int(st->t, c->n);
		emit_int(st->t, (long long)c->rows);
		emit_num(st->t, c->reps ? c->speedup.median : NAN);
		emit_num(st->t, c->speedup_ci.lo);
		emit_num(st->t, c->speedup_ci.hi);
		emit_num(st->t, c->rows ? c->wall.median : NAN);
		for (int i = 0; i < EXPLAIN_PARTS; i++)
			emit_num(st->t, c->stack[i]);
		emit_num(st->t, explain_total(c->stack));
		emit_text(st->t, stack_largest_loss(c));
		emit_text(st->t, file);
	}
}

void stack_table_free(struct stack_table *st)
{
	emit_free(st->t);
	st->t = NULL;
}
