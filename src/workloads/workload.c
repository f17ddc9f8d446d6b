/*
 * The workload registry. Add a workload here: one line, in the order --help
 * and `amdahl info` should list it.
 */
#include "../api/workload.h"

#include <string.h>

extern const struct workload workload_exec;
extern const struct workload workload_fault;
extern const struct workload workload_lock;
extern const struct workload workload_memory;
extern const struct workload workload_message;
extern const struct workload workload_sleep;
extern const struct workload workload_spin;

const struct workload *const workload_registry[] = {
	&workload_spin,
	&workload_sleep,
	&workload_lock,
	&workload_memory,
	&workload_message,
	&workload_fault,
	&workload_exec,
	NULL,
};

const struct workload *workload_find(const char *name)
{
	for (const struct workload *const *w = workload_registry; *w; w++)
		if (strcmp((*w)->name, name) == 0)
			return *w;
	return NULL;
}

enum workload_bound workload_bound_of(const char *name)
{
	const struct workload *w = workload_find(name);

	return w ? w->bound : WORKLOAD_BOUND_CPU;
}

int workload_bound_cpu(enum workload_bound b)
{
	return b != WORKLOAD_BOUND_WAIT;
}

const char *workload_bound_name(enum workload_bound b)
{
	switch (b) {
	case WORKLOAD_BOUND_WAIT: return "waiting";
	case WORKLOAD_BOUND_BANDWIDTH: return "bandwidth";
	case WORKLOAD_BOUND_CHANNEL: return "channel";
	default: return "CPU";
	}
}
