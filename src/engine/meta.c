/*
 * Run metadata in JSON, via jansson: the facts a reader of a CSV needs to
 * know whether two runs can be compared.
 */
#include "meta.h"
#include "../base/clock.h"
#include "../base/machine.h"
#include "../base/topology.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double meta_loadavg(void)
{
	double l[3];

	return getloadavg(l, 3) >= 1 ? l[0] : NAN;
}

json_t *meta_new(int argc, char **argv)
{
	struct machine m;
	json_t *o = json_object(), *args = json_array(), *caches = json_array();
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	const char *wait = getenv("OMP_WAIT_POLICY");

	machine_read(&m);
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	for (int i = 0; i < argc; i++)
		json_array_append_new(args, json_string(argv[i]));
	for (int i = 0; i < m.ncache; i++)
		json_array_append_new(caches, json_pack("{s:i,s:s,s:s}", "level", m.cache[i].level,
							"type", m.cache[i].type, "size", m.cache[i].size));
	json_object_set_new(o, "tool", json_string("amdahl"));
	json_object_set_new(o, "date", json_string(date));
	json_object_set_new(o, "host", json_string(m.host));
	json_object_set_new(o, "cpu_model", json_string(m.cpu_model));
	json_object_set_new(o, "cpus_online", json_integer(m.online));
	json_object_set_new(o, "cpus_affinity", json_integer(m.affinity));
	json_object_set_new(o, "cgroup_quota", m.quota > 0 ? json_real(m.quota) : json_null());
	json_object_set_new(o, "cores", json_real(m.usable));
	json_object_set_new(o, "smt", json_integer(m.smt));
	json_object_set_new(o, "caches", caches);
	topology_meta(o);	/* "topology", "physical_cores", "hardware_threads" */
	json_object_set_new(o, "compiler", json_string(machine_compiler()));
	json_object_set_new(o, "cflags", json_string(machine_cflags()));
	json_object_set_new(o, "openmp", json_string(machine_openmp_version()));
	json_object_set_new(o, "omp_wait_policy", json_string(wait ? wait : "default"));
	json_object_set_new(o, "git_commit", json_string(machine_git_commit()));
	json_object_set_new(o, "timer_resolution_s", json_real(clock_resolution()));
	json_object_set_new(o, "command_line", args);
	if (isfinite(meta_loadavg()))
		json_object_set_new(o, "loadavg_before", json_real(meta_loadavg()));
	return o;
}

int meta_write(json_t *obj, const char *path)
{
	char tmp[4200];

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if (json_dump_file(obj, tmp, JSON_INDENT(2) | JSON_SORT_KEYS) != 0) {
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

json_t *meta_read(const char *path)
{
	json_error_t e;
	json_t *o = json_load_file(path, 0, &e);

	if (o && !json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

void meta_path_for(const char *csv_path, char *buf, size_t len)
{
	snprintf(buf, len, "%s.meta.json", csv_path);
}
