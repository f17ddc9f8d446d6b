/*
 * Test helper: run the real amdahl binary (AMDAHL_BIN, set by `make test`) as
 * a process, with stdin from /dev/null, capturing its exit status, stdout and
 * stderr into files under a private temporary folder.
 */
#ifndef AMDAHL_TEST_CLI_H
#define AMDAHL_TEST_CLI_H

#include <stddef.h>
#include <sys/types.h>

struct cli_result {
	int status;		/* exit status, or 128+signal */
	char *out, *err;	/* whole stdout / stderr, NUL-terminated */
	double seconds;		/* wall time of the run */
};

/* A fresh temporary folder for one test (removed by cli_tmpdir_free). */
char *cli_tmpdir(void);
void cli_tmpdir_free(char *dir);

/* Run `amdahl args...` (NULL-terminated), with an optional extra environment
 * entry ("NAME=value" or NULL) and wall-clock limit; kills it past the limit. */
int cli_run(struct cli_result *r, double limit_s, const char *const *args);
/* Same, through `sh -c` with AMDAHL set to the binary (for pipes, taskset). */
int cli_sh(struct cli_result *r, double limit_s, const char *script);
void cli_free(struct cli_result *r);

/*
 * The median speedup of the rows with this backend (and workload, unless
 * NULL) at this n, from the CSV text a run printed, read back with the
 * project's own CSV reader; NaN when there is no such row or the text is not
 * a run CSV.
 */
double cli_median_speedup(const char *csv, const char *backend, const char *workload, int n);

/*
 * The line of out (what plot printed, one path a line) that starts with
 * dir/start and ends with ext, malloc'ed; fails the test when there is none.
 * A figure named after a label that is not a file name carries a hash.
 */
char *cli_printed_path(const char *out, const char *dir, const char *start, const char *ext);

/*
 * Start `amdahl args...` (NULL-terminated) without waiting: stdin and stdout
 * /dev/null, stderr into err_path (or /dev/null when NULL), in a session of
 * its own (so a process group of its own too), SIGHUP at its default as from
 * a terminal. Returns its pid; the caller waits for it.
 */
pid_t cli_start(const char *const *args, const char *err_path);

/* Read a whole file; NULL when missing. */
char *cli_slurp(const char *path);
/* The file a run writes its rows to before it renames it to dir/name (a
 * dot-file beside it); a path that does not exist when there is none. */
const char *cli_in_progress(const char *dir, const char *name);
/* Count lines of a file; -1 when missing. */
long cli_lines(const char *path);
/* The path of the binary under test. */
const char *cli_bin(void);
/* The repository root (AMDAHL_ROOT), for plots/ and bench/. */
const char *cli_root(void);
/* The CPUs this process may run on (its affinity mask). */
int cli_usable_cpus(void);
/* The 1-minute load average is at least cli_usable_cpus(): other programs keep
 * the cores busy, so a timing that needs free CPUs means nothing (skip it). */
int cli_busy_machine(void);

#endif
