/*
 * Initialisation of a repetition's measurements.
 */
#include "timing.h"

#include <math.h>
#include <string.h>

void timing_init(struct timing *t)
{
	memset(t, 0, sizeof(*t));
	t->wall_s = 0.0;
	t->cpu_s = -1.0;
	t->launch_s = NAN;
	t->bytes = NAN;
	t->rss_kb = NAN;
	t->lost = -1;
	for (int i = 0; i < TIMING_STACK_PARTS; i++)
		t->stack[i] = NAN;
}
