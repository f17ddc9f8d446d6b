/*
 * A repetition's measurements: initialisation and the plugin columns by name.
 */
#include "timing.h"

#include <math.h>
#include <string.h>

void timing_init(struct timing *t)
{
	memset(t, 0, sizeof(*t));
	t->wall_s = 0.0;
	t->cpu_s = -1.0;
	for (size_t i = 0; i < COLUMNS_MAX; i++)
		t->col[i] = NAN;
}

int timing_set(struct timing *t, const char *column, double v)
{
	int id = column_id(column);

	if (id < 0)
		return -1;
	t->col[id] = v;
	return 0;
}

double timing_get(const struct timing *t, const char *column)
{
	int id = column_id(column);

	return id < 0 ? NAN : t->col[id];
}
