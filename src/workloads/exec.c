/*
 * exec workload: an external program given with `amdahl run --cmd`, N
 * substituted for {N} in its command line and environment. The program makes
 * its own workers, so there is no work model to split: the cmd backend runs
 * it whole, and P is unknown (the rows leave p and amdahl empty; `amdahl fit`
 * estimates it).
 */
#include "../api/workload.h"

const struct workload workload_exec = {
	.name = "exec",
	.summary = "an external program, --cmd 'prog -T{N}' (run by the cmd backend)",
	.needs = WORKLOAD_EXTERNAL,
};
