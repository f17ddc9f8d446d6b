/*
 * Topology through hwloc: what `amdahl info` and meta.json say about
 * packages, NUMA nodes, cores, hardware threads and caches; the compact and
 * spread orders `--pin` places workers in, within the run's affinity mask;
 * the CPU -> NUMA node table the memory workload reports bandwidth with; and
 * the formatting of the `cpus` column. Only the loaders touch the machine;
 * everything else works on whatever topology was loaded, so the tests feed it
 * synthetic hwloc XML.
 */
#define _GNU_SOURCE
#include "topology.h"
#include "util.h"

#include <errno.h>
#include <hwloc.h>
#include <inttypes.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct topology {
	hwloc_topology_t h;
	int *numa_of;		/* numa_of[cpu]: logical NUMA index, -1 when none */
	int nnuma_of;
	int numa_count;
};

const char *const topology_pin_names[] = {
	[TOPOLOGY_PIN_NONE] = "none",
	[TOPOLOGY_PIN_COMPACT] = "compact",
	[TOPOLOGY_PIN_SPREAD] = "spread",
	NULL,
};

int topology_pin_parse(const char *s, enum topology_pin *out)
{
	for (size_t i = 0; topology_pin_names[i]; i++)
		if (strcmp(s, topology_pin_names[i]) == 0) {
			*out = (enum topology_pin)i;
			return 0;
		}
	return -1;
}

const char *topology_pin_name(enum topology_pin pin)
{
	return (size_t)pin < ARRAY_SIZE(topology_pin_names) - 1 ? topology_pin_names[pin] : "none";
}

/* ---- loading ---- */

static hwloc_bitmap_t bitmap_new(void)
{
	hwloc_bitmap_t b = hwloc_bitmap_alloc();

	if (!b) {
		errorf("out of memory (hwloc bitmap)");
		abort();
	}
	return b;
}

/* The table behind topology_numa_of_cpu: a CPU belongs to the first NUMA node
 * (in logical order) whose local CPUs include it; memory-only nodes that share
 * the CPUs of another (HBM, CXL) come after the node with the DRAM. */
static void build_numa_table(struct topology *t)
{
	hwloc_const_bitmap_t all = hwloc_get_root_obj(t->h)->cpuset;
	int last = hwloc_bitmap_last(all), n = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_NUMANODE);

	t->nnuma_of = last >= 0 ? last + 1 : 0;
	t->numa_of = xmalloc((size_t)(t->nnuma_of ? t->nnuma_of : 1) * sizeof(int));
	for (int i = 0; i < t->nnuma_of; i++)
		t->numa_of[i] = hwloc_bitmap_isset(all, (unsigned)i) && n <= 0 ? 0 : -1;
	t->numa_count = n > 0 ? n : 1;
	for (int i = 0; i < n; i++) {
		hwloc_obj_t node = hwloc_get_obj_by_type(t->h, HWLOC_OBJ_NUMANODE, (unsigned)i);
		int cpu;

		hwloc_bitmap_foreach_begin(cpu, node->cpuset)
			if (cpu < t->nnuma_of && t->numa_of[cpu] < 0)
				t->numa_of[cpu] = i;
		hwloc_bitmap_foreach_end();
	}
}

static struct topology *finish_load(hwloc_topology_t h, const char *what, char *err, size_t errlen)
{
	struct topology *t;

	if (hwloc_topology_load(h) < 0) {
		snprintf(err, errlen, "hwloc cannot load the topology of %s: %s", what, strerror(errno));
		hwloc_topology_destroy(h);
		return NULL;
	}
	t = xcalloc(1, sizeof(*t));
	t->h = h;
	build_numa_table(t);
	return t;
}

/*
 * amdahl needs the CPUs, not the I/O devices. hwloc's gl, opencl, pci and
 * libxml plugins would map some 20 more libraries (X11, ICU, libpciaccess...)
 * into the harness, about 100 more memory areas that every fork of a process
 * worker copies: fork+exit of 320 workers took ~1.6x the CPU with them. hwloc
 * reads the variable when it loads its plugins; a user's own setting wins and
 * children (--cmd programs) do not inherit ours.
 */
static hwloc_topology_t init_or_fail(char *err, size_t errlen)
{
	static const char var[] = "HWLOC_PLUGINS_BLACKLIST";
	int ours = !getenv(var) && setenv(var, "hwloc_gl,hwloc_opencl,hwloc_pci,hwloc_xml_libxml", 0) == 0;
	hwloc_topology_t h;
	int rc = hwloc_topology_init(&h);

	if (ours)
		unsetenv(var);
	if (rc < 0) {
		snprintf(err, errlen, "hwloc cannot start: %s", strerror(errno));
		return NULL;
	}
	return h;
}

struct topology *topology_load(char *err, size_t errlen)
{
	hwloc_topology_t h = init_or_fail(err, errlen);

	return h ? finish_load(h, "this machine", err, errlen) : NULL;
}

struct topology *topology_load_xml(const char *path, char *err, size_t errlen)
{
	hwloc_topology_t h = init_or_fail(err, errlen);

	if (!h)
		return NULL;
	if (hwloc_topology_set_xml(h, path) < 0) {
		snprintf(err, errlen, "hwloc cannot read '%s': %s", path, strerror(errno));
		hwloc_topology_destroy(h);
		return NULL;
	}
	return finish_load(h, path, err, errlen);
}

struct topology *topology_load_xmlbuffer(const char *xml, char *err, size_t errlen)
{
	hwloc_topology_t h = init_or_fail(err, errlen);

	if (!h)
		return NULL;
	if (hwloc_topology_set_xmlbuffer(h, xml, (int)strlen(xml) + 1) < 0) {
		snprintf(err, errlen, "hwloc cannot parse the XML topology: %s", strerror(errno));
		hwloc_topology_destroy(h);
		return NULL;
	}
	return finish_load(h, "an XML buffer", err, errlen);
}

void topology_free(struct topology *t)
{
	if (!t)
		return;
	hwloc_topology_destroy(t->h);
	free(t->numa_of);
	free(t);
}

/* ---- counting and ordering ---- */

/* The allowed CPUs the topology has, as an hwloc bitmap. */
static hwloc_bitmap_t allowed_bitmap(const struct topology *t, const int *allowed, int nallowed)
{
	hwloc_const_bitmap_t all = hwloc_get_root_obj(t->h)->cpuset;
	hwloc_bitmap_t b;

	if (!allowed)
		return hwloc_bitmap_dup(all);
	b = bitmap_new();
	for (int i = 0; i < nallowed; i++)
		if (allowed[i] >= 0)
			hwloc_bitmap_set(b, (unsigned)allowed[i]);
	hwloc_bitmap_and(b, b, all);
	return b;
}

static int count_type(const struct topology *t, hwloc_obj_type_t type, hwloc_const_bitmap_t ok)
{
	int n = 0;

	for (hwloc_obj_t o = hwloc_get_next_obj_by_type(t->h, type, NULL); o;
	     o = hwloc_get_next_obj_by_type(t->h, type, o))
		if (hwloc_bitmap_intersects(o->cpuset, ok))
			n++;
	return n;
}

void topology_count(const struct topology *t, const int *allowed, int nallowed, struct topology_counts *c)
{
	hwloc_bitmap_t ok = allowed_bitmap(t, allowed, nallowed);

	c->packages = count_type(t, HWLOC_OBJ_PACKAGE, ok);
	c->numa_nodes = count_type(t, HWLOC_OBJ_NUMANODE, ok);
	c->hw_threads = hwloc_bitmap_weight(ok);
	if (c->hw_threads < 0)
		c->hw_threads = 0;
	c->cores = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_CORE) > 0 ?
		count_type(t, HWLOC_OBJ_CORE, ok) : c->hw_threads;
	hwloc_bitmap_free(ok);
}

/*
 * Spread: the allowed PUs below o, interleaving o's children round-robin,
 * each child's PUs themselves in spread order. Children that run out are
 * skipped, so a mask that leaves one package fuller than the other still
 * alternates for as long as both have CPUs left.
 */
static int spread_fill(hwloc_obj_t o, hwloc_const_bitmap_t ok, int *out)
{
	int **lists, *lens, k = 0, more = 1;

	if (o->type == HWLOC_OBJ_PU) {
		if (!hwloc_bitmap_isset(ok, o->os_index))
			return 0;
		out[0] = (int)o->os_index;
		return 1;
	}
	if (o->arity == 0 || !hwloc_bitmap_intersects(o->cpuset, ok))
		return 0;
	if (o->arity == 1)
		return spread_fill(o->children[0], ok, out);
	lists = xcalloc(o->arity, sizeof(*lists));
	lens = xcalloc(o->arity, sizeof(*lens));
	for (unsigned c = 0; c < o->arity; c++) {
		int w = hwloc_bitmap_weight(o->children[c]->cpuset);

		lists[c] = xmalloc((size_t)(w > 0 ? w : 1) * sizeof(int));
		lens[c] = spread_fill(o->children[c], ok, lists[c]);
	}
	for (int round = 0; more; round++) {
		more = 0;
		for (unsigned c = 0; c < o->arity; c++)
			if (round < lens[c]) {
				out[k++] = lists[c][round];
				more = 1;
			}
	}
	for (unsigned c = 0; c < o->arity; c++)
		free(lists[c]);
	free(lists);
	free(lens);
	return k;
}

int topology_pin_order(const struct topology *t, enum topology_pin pin, const int *allowed, int nallowed,
		       int **list)
{
	hwloc_bitmap_t ok;
	int n, k = 0;

	*list = NULL;
	if (pin == TOPOLOGY_PIN_NONE)
		return 0;
	ok = allowed_bitmap(t, allowed, nallowed);
	n = hwloc_bitmap_weight(ok);
	if (n <= 0) {
		hwloc_bitmap_free(ok);
		return 0;
	}
	*list = xmalloc((size_t)n * sizeof(int));
	if (pin == TOPOLOGY_PIN_SPREAD) {
		k = spread_fill(hwloc_get_root_obj(t->h), ok, *list);
	} else {
		/* Logical order is depth-first: a core's PUs, then its siblings'. */
		for (hwloc_obj_t o = hwloc_get_next_obj_by_type(t->h, HWLOC_OBJ_PU, NULL); o && k < n;
		     o = hwloc_get_next_obj_by_type(t->h, HWLOC_OBJ_PU, o))
			if (hwloc_bitmap_isset(ok, o->os_index))
				(*list)[k++] = (int)o->os_index;
	}
	hwloc_bitmap_free(ok);
	return k;
}

int topology_numa_count(const struct topology *t)
{
	return t->numa_count;
}

int topology_numa_of_cpu(const struct topology *t, int cpu)
{
	return t && cpu >= 0 && cpu < t->nnuma_of ? t->numa_of[cpu] : -1;
}

/* ---- this process ---- */

int topology_pin_self(int cpu)
{
	cpu_set_t *set;
	size_t bytes;
	int rc;

	if (cpu < 0) {
		errno = EINVAL;
		return -1;
	}
	set = CPU_ALLOC((size_t)cpu + 1);
	if (!set)
		return -1;
	bytes = CPU_ALLOC_SIZE((size_t)cpu + 1);
	CPU_ZERO_S(bytes, set);
	CPU_SET_S((size_t)cpu, bytes, set);
	rc = sched_setaffinity(0, bytes, set);	/* 0: the calling thread */
	CPU_FREE(set);
	return rc;
}

int topology_current_cpu(void)
{
	return sched_getcpu();
}

long topology_thread_id(void)
{
	return (long)syscall(SYS_gettid);
}

int topology_affinity(int **cpus)
{
	*cpus = NULL;
	/* Grow the set until the kernel's mask fits (machines past 1024 CPUs). */
	for (size_t size = 1024; size <= ((size_t)1 << 20); size *= 2) {
		cpu_set_t *set = CPU_ALLOC(size);
		size_t bytes = CPU_ALLOC_SIZE(size);
		int n, k = 0;

		if (!set)
			return -1;
		CPU_ZERO_S(bytes, set);
		if (sched_getaffinity(0, bytes, set) < 0) {
			int e = errno;
			CPU_FREE(set);
			if (e != EINVAL)
				return -1;
			continue;
		}
		n = CPU_COUNT_S(bytes, set);
		*cpus = xmalloc((size_t)(n > 0 ? n : 1) * sizeof(int));
		for (size_t c = 0; c < size && k < n; c++)
			if (CPU_ISSET_S(c, bytes, set))
				(*cpus)[k++] = (int)c;
		CPU_FREE(set);
		return k;
	}
	return -1;
}

int topology_placement_init(struct topology_placement *pl, enum topology_pin pin, char *err, size_t errlen)
{
	int *mask = NULL, nmask = topology_affinity(&mask), rc = 0;

	memset(pl, 0, sizeof(*pl));
	pl->pin = pin;
	if (errlen)
		err[0] = '\0';
	pl->topo = topology_load(err, errlen);
	if (pl->topo) {
		struct topology_counts c;

		topology_count(pl->topo, nmask >= 0 ? mask : NULL, nmask, &c);
		pl->physical_cores = c.cores;
		pl->hw_threads = c.hw_threads;
		pl->ncpus = topology_pin_order(pl->topo, pin, nmask >= 0 ? mask : NULL, nmask, &pl->cpus);
		if (pin != TOPOLOGY_PIN_NONE && pl->ncpus == 0) {
			snprintf(err, errlen, "no CPU of the affinity mask is in hwloc's topology");
			rc = -1;
		}
	} else {
		rc = -1;
	}
	if (rc < 0 && nmask > 0) {
		/* The mask alone: every CPU its own core, in ascending order. */
		if (!pl->topo)
			pl->physical_cores = pl->hw_threads = nmask;
		if (pin != TOPOLOGY_PIN_NONE) {
			free(pl->cpus);
			pl->cpus = mask;
			pl->ncpus = nmask;
			mask = NULL;
		}
	}
	free(mask);
	return rc;
}

void topology_placement_free(struct topology_placement *pl)
{
	topology_free(pl->topo);
	free(pl->cpus);
	memset(pl, 0, sizeof(*pl));
}

/* ---- the cpus column ---- */

static void cpu_name(int cpu, char *buf, size_t len)
{
	if (cpu < 0)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%d", cpu);
}

/* The token starting at cpus[*i]; a run of repeats or of ascending CPUs when compress. */
static void next_token(const int *cpus, int n, int *i, int compress, char *tok, size_t len)
{
	int a = cpus[*i], k = 1;
	char name[16];

	cpu_name(a, name, sizeof(name));
	if (compress) {
		while (*i + k < n && cpus[*i + k] == a)
			k++;
		if (k >= 2) {
			snprintf(tok, len, "%s*%d", name, k);
			*i += k;
			return;
		}
		while (a >= 0 && *i + k < n && cpus[*i + k] == a + k)
			k++;
		if (k >= 3) {
			snprintf(tok, len, "%d-%d", a, a + k - 1);
			*i += k;
			return;
		}
	}
	snprintf(tok, len, "%s", name);
	*i += 1;
}

/* Write the list; -1 when it does not fit whole and truncation is not allowed. */
static int emit_cpus(const int *cpus, int n, int compress, int truncate, char *buf, size_t len)
{
	size_t used = 0;
	char tok[48];

	buf[0] = '\0';
	for (int i = 0; i < n;) {
		int first = i == 0;
		size_t need, reserve;

		next_token(cpus, n, &i, compress, tok, sizeof(tok));
		need = strlen(tok) + (first ? 0 : 1);
		reserve = truncate && i < n ? 4 : 0;	/* room left for ";..." */
		if (used + need + reserve >= len) {
			if (!truncate)
				return -1;
			snprintf(buf + used, len - used, "%s...", first ? "" : ";");
			return 0;
		}
		snprintf(buf + used, len - used, "%s%s", first ? "" : ";", tok);
		used += need;
	}
	return 0;
}

void topology_cpus_format(const int *cpus, int n, char *buf, size_t len)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	if (n <= 0)
		return;
	if (emit_cpus(cpus, n, 0, 0, buf, len) == 0)
		return;
	if (emit_cpus(cpus, n, 1, 0, buf, len) == 0)
		return;
	emit_cpus(cpus, n, 1, 1, buf, len);
}

/* ---- info and meta ---- */

static void format_bytes(uint64_t b, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)b;
	size_t u = 0;

	while (v >= 1024 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, v == (double)(uint64_t)v ? "%.0f %s" : "%.1f %s", v, units[u]);
}

/* Call fn for each cache level, from L1 outwards: name ("L1d"), size, how many. */
static void each_cache(const struct topology *t, void (*fn)(void *ctx, const char *name, uint64_t size, int n),
		       void *ctx)
{
	for (int d = hwloc_topology_get_depth(t->h) - 1; d >= 0; d--) {
		hwloc_obj_t o;
		char name[32];

		if (!hwloc_obj_type_is_cache(hwloc_get_depth_type(t->h, d)))
			continue;
		o = hwloc_get_obj_by_depth(t->h, d, 0);
		if (!o)
			continue;
		hwloc_obj_type_snprintf(name, sizeof(name), o, 0);
		fn(ctx, name, o->attr->cache.size, hwloc_get_nbobjs_by_depth(t->h, d));
	}
}

struct cache_line {
	FILE *fp;
	int count;
};

static void print_cache(void *ctx, const char *name, uint64_t size, int n)
{
	struct cache_line *cl = ctx;
	char sz[32];

	format_bytes(size, sz, sizeof(sz));
	fprintf(cl->fp, "%s%s %s x%d", cl->count++ ? ", " : "", name, sz, n);
}

static const char *plural(int n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void topology_info(FILE *fp)
{
	char err[256], cpus[4096], list[128];
	struct topology *t = topology_load(err, sizeof(err));
	struct topology_counts all, use;
	int *mask = NULL, nmask;

	if (!t) {
		fprintf(fp, "topology:    unknown (%s)\n", err);
		return;
	}
	nmask = topology_affinity(&mask);
	topology_count(t, NULL, 0, &all);
	topology_count(t, nmask >= 0 ? mask : NULL, nmask, &use);
	fprintf(fp, "topology:    %d %s, %d NUMA %s, %d %s, %d hardware %s (hwloc %s)\n", all.packages,
		plural(all.packages, "package", "packages"), all.numa_nodes,
		plural(all.numa_nodes, "node", "nodes"), all.cores, plural(all.cores, "core", "cores"),
		all.hw_threads, plural(all.hw_threads, "thread", "threads"), HWLOC_VERSION);
	for (hwloc_obj_t o = hwloc_get_next_obj_by_type(t->h, HWLOC_OBJ_PACKAGE, NULL); o;
	     o = hwloc_get_next_obj_by_type(t->h, HWLOC_OBJ_PACKAGE, o)) {
		int nc = hwloc_get_nbobjs_inside_cpuset_by_type(t->h, o->cpuset, HWLOC_OBJ_CORE);

		hwloc_bitmap_list_snprintf(cpus, sizeof(cpus), o->cpuset);
		fprintf(fp, "package %u:%*s%d %s, cpus %s\n", o->logical_index,
			o->logical_index < 10 ? 3 : 1, "", nc, plural(nc, "core", "cores"), cpus);
	}
	for (hwloc_obj_t o = hwloc_get_next_obj_by_type(t->h, HWLOC_OBJ_NUMANODE, NULL); o;
	     o = hwloc_get_next_obj_by_type(t->h, HWLOC_OBJ_NUMANODE, o)) {
		char mem[32];

		hwloc_bitmap_list_snprintf(cpus, sizeof(cpus), o->cpuset);
		format_bytes(o->attr->numanode.local_memory, mem, sizeof(mem));
		fprintf(fp, "numa node %u:%*scpus %s, memory %s\n", o->logical_index,
			o->logical_index < 10 ? 1 : 0, "", cpus, mem);
	}
	{
		struct cache_line cl = { fp, 0 };

		fputs("caches:      ", fp);
		each_cache(t, print_cache, &cl);
		fputs(cl.count ? "\n" : "none known\n", fp);
	}
	fprintf(fp, "in the mask: %d physical %s, %d hardware %s%s\n", use.cores,
		plural(use.cores, "core", "cores"), use.hw_threads, plural(use.hw_threads, "thread", "threads"),
		use.hw_threads > use.cores ? " (SMT: the summary marks both N)" : " (no SMT)");
	for (enum topology_pin p = TOPOLOGY_PIN_COMPACT; p <= TOPOLOGY_PIN_SPREAD; p++) {
		int *order, n = topology_pin_order(t, p, nmask >= 0 ? mask : NULL, nmask, &order);

		topology_cpus_format(order, n, list, sizeof(list));
		fprintf(fp, "pin %s:%*s%s\n", topology_pin_name(p), p == TOPOLOGY_PIN_SPREAD ? 2 : 1, "",
			n ? list : "(no CPU)");
		free(order);
	}
	free(mask);
	topology_free(t);
}

static void json_cache(void *ctx, const char *name, uint64_t size, int n)
{
	json_array_append_new(ctx, json_pack("{s:s,s:I,s:i}", "name", name, "size_bytes", (json_int_t)size,
					     "count", n));
}

void topology_meta(json_t *meta)
{
	char err[256], cpus[4096];
	struct topology *t = topology_load(err, sizeof(err));
	struct topology_counts all, use;
	int *mask = NULL, nmask = topology_affinity(&mask);
	json_t *o, *numa, *caches;

	if (!t) {
		json_object_set_new(meta, "topology", json_null());
		/* Without hwloc every CPU of the mask counts as a core of its own. */
		json_object_set_new(meta, "physical_cores", nmask > 0 ? json_integer(nmask) : json_null());
		json_object_set_new(meta, "hardware_threads", nmask > 0 ? json_integer(nmask) : json_null());
		free(mask);
		return;
	}
	topology_count(t, NULL, 0, &all);
	topology_count(t, nmask >= 0 ? mask : NULL, nmask, &use);
	numa = json_array();
	for (hwloc_obj_t n = hwloc_get_next_obj_by_type(t->h, HWLOC_OBJ_NUMANODE, NULL); n;
	     n = hwloc_get_next_obj_by_type(t->h, HWLOC_OBJ_NUMANODE, n)) {
		hwloc_bitmap_list_snprintf(cpus, sizeof(cpus), n->cpuset);
		json_array_append_new(numa, json_pack("{s:i,s:s,s:I}", "node", (int)n->logical_index, "cpus",
						      cpus, "memory_bytes",
						      (json_int_t)n->attr->numanode.local_memory));
	}
	caches = json_array();
	each_cache(t, json_cache, caches);
	o = json_pack("{s:s,s:i,s:i,s:i,s:i,s:o,s:o}", "hwloc", HWLOC_VERSION, "packages", all.packages,
		      "numa_nodes", all.numa_nodes, "cores", all.cores, "hardware_threads", all.hw_threads,
		      "numa", numa, "caches", caches);
	json_object_set_new(meta, "topology", o);
	json_object_set_new(meta, "physical_cores", json_integer(use.cores));
	json_object_set_new(meta, "hardware_threads", json_integer(use.hw_threads));
	free(mask);
	topology_free(t);
}
