/*
 * What the machine offers a run: usable cores (affinity mask and cgroup v2
 * cpu.max quota, not the machine's count), CPU model, SMT, caches, host, and
 * what amdahl was built with.
 */
#ifndef AMDAHL_MACHINE_H
#define AMDAHL_MACHINE_H

#include <stddef.h>

struct machine {
	char host[256];
	char cpu_model[256];
	int online;		/* CPUs online (sysconf) */
	int affinity;		/* CPUs in this process's affinity mask */
	double quota;		/* cgroup v2 cpu.max quota in CPUs; 0 = none */
	double usable;		/* min(affinity, quota): the `cores` column */
	int smt;		/* hardware threads per core (1 = no SMT), 0 = unknown */
	struct { int level; char type[16]; char size[16]; } cache[8];
	int ncache;
};

/* Read the machine as this process sees it. */
void machine_read(struct machine *m);
/* Just the usable cores, cheaply. */
double machine_usable_cores(void);
/* The cgroup v2 quota for a cgroup directory (walking up); 0 when none. */
double machine_cgroup_quota(const char *cgroup_root, const char *cgroup_path);

/* Build facts, fixed at compile time. */
const char *machine_compiler(void);
const char *machine_cflags(void);
const char *machine_git_commit(void);
/* "4.5 (201511)" from _OPENMP, or "none". */
const char *machine_openmp_version(void);

#endif
