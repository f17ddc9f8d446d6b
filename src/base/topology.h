/*
 * The machine's topology from hwloc: packages, NUMA nodes, physical cores,
 * hardware threads (PUs) and caches; the order `--pin compact|spread` places
 * workers in, restricted to the CPUs of the run's affinity mask; which NUMA
 * node a CPU belongs to; and the `cpus` column's record of where each worker
 * ran.
 *
 * CPUs are named by the operating system's numbers (what taskset, sched_getcpu
 * and /proc use), never hwloc's logical indexes. An `allowed` set is an
 * array of `nallowed` CPU numbers in any order (topology_affinity gives this
 * process's); NULL allows every CPU of the topology.
 */
#ifndef AMDAHL_TOPOLOGY_H
#define AMDAHL_TOPOLOGY_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* Where `--pin` puts workers. */
enum topology_pin {
	TOPOLOGY_PIN_NONE,	/* nowhere: the scheduler decides (where they ran is still recorded) */
	TOPOLOGY_PIN_COMPACT,	/* fill a core's hardware threads, then its package, then the next */
	TOPOLOGY_PIN_SPREAD,	/* consecutive workers as far apart as the topology allows */
};

/* The policies' names, in enum order, NULL-terminated (the --pin choices). */
extern const char *const topology_pin_names[];
/* "none", "compact", "spread"; 0, or -1 for anything else. */
int topology_pin_parse(const char *s, enum topology_pin *out);
const char *topology_pin_name(enum topology_pin pin);

struct topology;

/*
 * This machine, as hwloc discovers it (hwloc's own HWLOC_XMLFILE and
 * HWLOC_SYNTHETIC environment variables are honoured, which is how a test
 * can present a foreign topology to the binary). NULL with a message in err.
 */
struct topology *topology_load(char *err, size_t errlen);
/* A topology saved as hwloc XML, from a file or a buffer (tests, lstopo -of xml). */
struct topology *topology_load_xml(const char *path, char *err, size_t errlen);
struct topology *topology_load_xmlbuffer(const char *xml, char *err, size_t errlen);
void topology_free(struct topology *t);

/* Objects with at least one allowed hardware thread. */
struct topology_counts {
	int packages;		/* 0 when the topology names none */
	int numa_nodes;
	int cores;		/* physical cores; the hardware threads when the topology names none */
	int hw_threads;		/* PUs */
};
void topology_count(const struct topology *t, const int *allowed, int nallowed,
		    struct topology_counts *c);

/*
 * The order workers are pinned in: the allowed CPUs, each once. Compact is
 * hwloc's logical order (the hardware threads of a core, then the cores of a
 * cache, a NUMA node, a package, then the next package); spread interleaves
 * the children of every object round-robin, recursively, so consecutive
 * workers land on different packages, then different NUMA nodes, caches and
 * cores, and share a core only when every core has a worker (on a balanced
 * tree: the mixed-radix reversal of the logical index). Worker w runs on
 * list[w % n]. Returns n (0 when no CPU is allowed) and a malloc'ed *list;
 * for TOPOLOGY_PIN_NONE, 0 and NULL.
 */
int topology_pin_order(const struct topology *t, enum topology_pin pin, const int *allowed,
		       int nallowed, int **list);

/* NUMA nodes in the topology (1 when it names none). */
int topology_numa_count(const struct topology *t);
/*
 * The NUMA node (0 .. topology_numa_count()-1, hwloc's logical index) whose
 * local CPUs include `cpu`; -1 for a CPU the topology does not have. Cheap
 * and thread-safe: a lookup in a table built at load time.
 */
int topology_numa_of_cpu(const struct topology *t, int cpu);

/* Pin the calling thread to one CPU; 0, or -1 with errno. */
int topology_pin_self(int cpu);
/* The CPU the calling thread runs on now (sched_getcpu); -1 when unknown. */
int topology_current_cpu(void);
/* The kernel's id of the calling thread (gettid): unlike pthread_self, it
 * differs in a forked child. */
long topology_thread_id(void);

/*
 * This process's affinity mask (the CPUs a run may use) as a malloc'ed
 * ascending array of CPU numbers; returns how many, or -1 when it cannot be
 * read (*cpus NULL).
 */
int topology_affinity(int **cpus);

/*
 * Where a run's workers go, decided once in the parent before anything is
 * forked, so every measurement child and worker inherits it read-only.
 */
struct topology_placement {
	enum topology_pin pin;
	int *cpus;		/* worker w -> cpus[w % ncpus]; NULL when pin is none */
	int ncpus;
	int physical_cores;	/* usable: cores with an allowed hardware thread */
	int hw_threads;		/* usable hardware threads (the affinity mask) */
	struct topology *topo;	/* for topology_numa_of_cpu; NULL when hwloc failed */
};

/*
 * Load the topology and plan the placement within this process's affinity
 * mask. When hwloc cannot load, the mask alone is used (ascending CPU
 * numbers, every CPU its own core), topo is NULL and err says why; returns -1
 * then, 0 otherwise. Either way *pl is usable and must be freed.
 */
int topology_placement_init(struct topology_placement *pl, enum topology_pin pin, char *err,
			    size_t errlen);
void topology_placement_free(struct topology_placement *pl);

/*
 * The `cpus` column: cpus[0] the calling worker (the serial part), then
 * workers 0..n-2, ';'-separated, -1 written as '?'. When the plain list does
 * not fit in len bytes, runs are shortened (a*k: CPU a for k workers in a row;
 * a-b: CPUs a, a+1, .., b in a row); when even that does not fit, the list
 * ends in "..." at an entry boundary. Never overflows; "" for n <= 0.
 */
void topology_cpus_format(const int *cpus, int n, char *buf, size_t len);

/* `amdahl info`'s lines on the topology of this machine and its pin orders. */
void topology_info(FILE *fp);
/*
 * Add the topology to a run's meta.json: "topology" (packages, NUMA nodes with
 * their CPUs and memory, cores, hardware threads, caches; null when hwloc
 * failed) and, for the plot's marks, "physical_cores" and "hardware_threads"
 * the run could use.
 */
void topology_meta(json_t *meta);

#endif
