/*
 * fault workload: a worker that crashes, hangs or exits on purpose, to test
 * that the harness survives what it measures. Until the fault fires it does
 * the same CPU work as spin, through spin's serial and parallel functions.
 * The last worker faults, once the repetition has at least --fault-n workers
 * (calibration runs one worker, so it is not disturbed).
 */
#include "../api/workload.h"

#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern const struct workload workload_spin;

static const struct param_spec fault_params[] = {
	{ "fault", "crash|hang|exit", "crash", "fault workload: what the last worker does" },
	{ "fault-n", "N", "2", "fault workload: fault only when a repetition has at least N workers" },
	{ NULL, NULL, NULL, NULL },
};

static int fault_check(const struct params *ps, char *err, size_t errlen)
{
	const char *kind = params_get(ps, fault_params, "fault");
	const char *n = params_get(ps, fault_params, "fault-n");
	char *end;
	long v = strtol(n, &end, 10);

	if (strcmp(kind, "crash") != 0 && strcmp(kind, "hang") != 0 && strcmp(kind, "exit") != 0) {
		snprintf(err, errlen, "bad --fault '%s': expected crash, hang or exit", kind);
		return -1;
	}
	if (*n < '0' || *n > '9' || *end || v < 1 || v > 4096) {
		snprintf(err, errlen, "bad --fault-n '%s': expected an integer from 1 to 4096", n);
		return -1;
	}
	return 0;
}

static int fault_setup(struct job *job)
{
	return workload_spin.setup(job);
}

static void fault_serial(struct job *job, uint64_t units)
{
	workload_spin.serial(job, units);
}

static void fault_teardown(struct job *job)
{
	workload_spin.teardown(job);
}

static void fault_parallel(struct job *job, int worker, int nworkers, uint64_t units)
{
	const char *kind = params_get(job->params, fault_params, "fault");
	long at = strtol(params_get(job->params, fault_params, "fault-n"), NULL, 10);

	workload_spin.parallel(job, worker, nworkers, units);
	if (nworkers < at || worker != nworkers - 1)
		return;
	if (strcmp(kind, "crash") == 0) {
		/* A death by signal even where a sanitizer has a SIGSEGV handler. */
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
	} else if (strcmp(kind, "exit") == 0) {
		_exit(3);
	} else {
		for (;;)
			pause();
	}
}

const struct workload workload_fault = {
	.name = "fault",
	.summary = "crashes, hangs or exits in the last worker on purpose (--fault)",
	.params = fault_params,
	.check = fault_check,
	.setup = fault_setup,
	.serial = fault_serial,
	.parallel = fault_parallel,
	.teardown = fault_teardown,
};
