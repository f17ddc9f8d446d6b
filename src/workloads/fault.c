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

enum fault_kind { FAULT_CRASH, FAULT_HANG, FAULT_EXIT };

static const char *const fault_kinds[] = { "crash", "hang", "exit", NULL };

static const struct option_spec fault_params[] = {
	{ .name = "fault", .kind = OPTION_CHOICE, .choices = fault_kinds, .def = "crash",
	  .help = "fault workload: what the last worker does" },
	{ .name = "fault-n", .kind = OPTION_INT, .metavar = "N", .min = 1, .max = 4096, .def = "2",
	  .help = "fault workload: fault only when a repetition has at least N workers" },
	{ .name = NULL },
};

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
	int kind = params_choice(job->params, fault_params, "fault");
	uint64_t at = params_uint(job->params, fault_params, "fault-n");

	workload_spin.parallel(job, worker, nworkers, units);
	if ((uint64_t)nworkers < at || worker != nworkers - 1)
		return;
	if (kind == FAULT_CRASH) {
		/* A death by signal even where a sanitizer has a SIGSEGV handler. */
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
	} else if (kind == FAULT_EXIT) {
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
	.setup = fault_setup,
	.serial = fault_serial,
	.parallel = fault_parallel,
	.teardown = fault_teardown,
};
