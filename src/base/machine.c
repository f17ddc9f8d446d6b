/*
 * Machine facts from /proc, /sys and the cgroup v2 hierarchy. Topology beyond
 * SMT and caches comes from hwloc (topology.c) where it is built in.
 */
#define _GNU_SOURCE
#include "machine.h"
#include "util.h"

#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef AMDAHL_CFLAGS
#define AMDAHL_CFLAGS "unknown"
#endif
#ifndef AMDAHL_GIT
#define AMDAHL_GIT "unknown"
#endif

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "r");
	char *nl;

	if (!fp)
		return -1;
	if (!fgets(buf, (int)len, fp)) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	if ((nl = strchr(buf, '\n')))
		*nl = '\0';
	return 0;
}

static int affinity_count(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return (int)sysconf(_SC_NPROCESSORS_ONLN);
	return CPU_COUNT(&set);
}

double machine_cgroup_quota(const char *root, const char *path)
{
	char dir[4096], file[4200], line[128];
	double best = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	for (;;) {
		char *slash;
		long long quota, period;

		snprintf(file, sizeof(file), "%s%s/cpu.max", root, dir);
		if (read_line(file, line, sizeof(line)) == 0 &&
		    sscanf(line, "%lld %lld", &quota, &period) == 2 && quota > 0 && period > 0) {
			double q = (double)quota / (double)period;
			if (best == 0 || q < best)
				best = q;
		}
		slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			break;
		*slash = '\0';
	}
	return best;
}

static double own_cgroup_quota(void)
{
	char line[4096];
	FILE *fp = fopen("/proc/self/cgroup", "r");
	double q = 0;

	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp)) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strncmp(line, "0::", 3) == 0) {
			q = machine_cgroup_quota("/sys/fs/cgroup", line + 3);
			break;
		}
	}
	fclose(fp);
	return q;
}

double machine_usable_cores(void)
{
	double usable = affinity_count(), q = own_cgroup_quota();

	if (q > 0 && q < usable)
		usable = q;
	return usable;
}

static void read_cpu_model(char *out, size_t len)
{
	char line[512];
	FILE *fp = fopen("/proc/cpuinfo", "r");

	snprintf(out, len, "unknown");
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		char *colon = strchr(line, ':');
		if (colon && strncmp(line, "model name", 10) == 0) {
			char *nl = strchr(colon, '\n');
			if (nl)
				*nl = '\0';
			snprintf(out, len, "%s", colon + 2);
			break;
		}
	}
	fclose(fp);
}

static int read_smt(void)
{
	char line[256];
	int n = 0;

	if (read_line("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list", line, sizeof(line)) < 0)
		return 0;
	/* "0", "0,4" or "0-1": count the CPUs listed. */
	for (char *tok = strtok(line, ","); tok; tok = strtok(NULL, ",")) {
		int a, b;
		if (sscanf(tok, "%d-%d", &a, &b) == 2)
			n += b - a + 1;
		else
			n++;
	}
	return n;
}

static void read_caches(struct machine *m)
{
	for (int i = 0; i < 8; i++) {
		char path[256], level[16], type[16], size[16];

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
		if (read_line(path, level, sizeof(level)) < 0)
			break;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
		if (read_line(path, type, sizeof(type)) < 0)
			break;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
		if (read_line(path, size, sizeof(size)) < 0)
			break;
		m->cache[m->ncache].level = (int)strtol(level, NULL, 10);
		snprintf(m->cache[m->ncache].type, sizeof(m->cache[0].type), "%s", type);
		snprintf(m->cache[m->ncache].size, sizeof(m->cache[0].size), "%s", size);
		m->ncache++;
	}
}

void machine_read(struct machine *m)
{
	struct utsname u;

	memset(m, 0, sizeof(*m));
	if (uname(&u) == 0)
		snprintf(m->host, sizeof(m->host), "%s", u.nodename);
	read_cpu_model(m->cpu_model, sizeof(m->cpu_model));
	m->online = (int)sysconf(_SC_NPROCESSORS_ONLN);
	m->affinity = affinity_count();
	m->quota = own_cgroup_quota();
	m->usable = m->affinity;
	if (m->quota > 0 && m->quota < m->usable)
		m->usable = m->quota;
	m->smt = read_smt();
	read_caches(m);
}

const char *machine_compiler(void)
{
#ifdef __VERSION__
	return "gcc " __VERSION__;
#else
	return "unknown";
#endif
}

const char *machine_cflags(void)
{
	return AMDAHL_CFLAGS;
}

const char *machine_git_commit(void)
{
	return AMDAHL_GIT;
}

#define STR2(x) #x
#define STR(x) STR2(x)

const char *machine_openmp_version(void)
{
#if defined(_OPENMP)
#if _OPENMP >= 202011
	return "5.1 (" STR(_OPENMP) ")";
#elif _OPENMP >= 201811
	return "5.0 (" STR(_OPENMP) ")";
#elif _OPENMP >= 201511
	return "4.5 (" STR(_OPENMP) ")";
#else
	return STR(_OPENMP);
#endif
#else
	return "none";
#endif
}
