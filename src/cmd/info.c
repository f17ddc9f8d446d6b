/*
 * amdahl info: what this machine offers a run (cores online, usable and the
 * cgroup quota, CPU model, SMT, caches), what amdahl was built with, and the
 * backends and workloads from their registries.
 */
#include "cmd.h"
#include "../api/backend.h"
#include "../base/clock.h"
#include "../base/machine.h"
#include "../base/options.h"
#include "../base/topology.h"
#include "../base/util.h"
#include "../api/workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_info(int argc, char **argv)
{
	struct machine m;
	const char *wait = getenv("OMP_WAIT_POLICY");

	static const struct option_spec specs[] = { { .name = NULL } };
	static const struct options_usage usage = {
		.cmd = "info", .synopsis = "", .specs = specs,
		.about = "Show the machine, the build, the backends and the workloads.",
	};
	int argi, rc;

	if ((rc = options_command(&usage, NULL, NULL, 0, argc, argv, &argi)) != OPTIONS_GO_ON)
		return rc;
	machine_read(&m);
	printf("host:        %s\n", m.host);
	printf("cpu model:   %s\n", m.cpu_model);
	printf("cpus online: %d\n", m.online);
	printf("affinity:    %d\n", m.affinity);
	if (m.quota > 0)
		printf("cpu quota:   %g (cgroup cpu.max)\n", m.quota);
	else
		printf("cpu quota:   none\n");
	printf("usable:      %g (the cores column and the ceiling)\n", m.usable);
	printf("smt:         %d hardware thread%s per core\n", m.smt, m.smt == 1 ? "" : "s");
	for (int i = 0; i < m.ncache; i++)
		printf("cache:       L%d %s %s\n", m.cache[i].level, m.cache[i].type, m.cache[i].size);
	topology_info(stdout);
	printf("compiler:    %s\n", machine_compiler());
	printf("cflags:      %s\n", machine_cflags());
	printf("openmp:      %s (OMP_WAIT_POLICY=%s)\n", machine_openmp_version(), wait ? wait : "default");
	printf("timer:       CLOCK_MONOTONIC, resolution %.0f ns\n", clock_resolution() * 1e9);
	printf("git commit:  %s\n", machine_git_commit());
	puts("\nbackends:");
	for (const struct backend *const *b = backend_registry; *b; b++)
		printf("  %-9s %s%s%s\n", (*b)->name, (*b)->unavailable ? "unavailable: " : "",
		       (*b)->unavailable ? (*b)->unavailable : (*b)->summary, "");
	puts("\nworkloads:");
	for (const struct workload *const *w = workload_registry; *w; w++)
		printf("  %-9s %s\n", (*w)->name, (*w)->summary);
	return finish_stdout() < 0 ? EXIT_FAILED : EXIT_OK;
}
