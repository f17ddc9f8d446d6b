/*
 * External programs as measured workloads (`amdahl run --cmd`): the command
 * template with {N} replaced, split into words without a shell (or run
 * through `sh -c` with --shell), spawned with stdin from /dev/null and its
 * output discarded, and timed from spawn to wait with its CPU time and peak
 * RSS from the kernel's rusage.
 */
#ifndef AMDAHL_EXEC_H
#define AMDAHL_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "../api/timing.h"

struct exec_cmd {
	const char *name;		/* the label column: --name, else the template */
	const char *tmpl;		/* the command, with {N} */
	int shell;			/* run through sh -c */
	const char *const *env;		/* NAME=VALUE templates with {N}; NULL-terminated or NULL */
	const char *setup;		/* sh -c once before its measurements; NULL */
	const char *prepare;		/* sh -c before every run, untimed; NULL */
	int show_output;		/* keep the program's stdout/stderr */
	int ignore_failure;		/* a non-zero exit status still counts */
};

/* tmpl with every {N} replaced by n (malloc'ed). */
char *exec_expand(const char *tmpl, int n);

/*
 * Split a line into words as a shell would (quotes, variables; no command
 * substitution): a NULL-terminated array to free with free_words, or NULL
 * with a one-line reason (an open quote, a | or ;, ...).
 */
char **exec_split(const char *line, char *err, size_t errlen);
/* Whether prog can be started: a path to an executable, or a program on PATH. */
int exec_on_path(const char *prog);

/*
 * Check a command before anything runs: its words split, and (without
 * --shell) its program exists on PATH. -1 with a one-line reason.
 */
int exec_check(const struct exec_cmd *cmd, char *err, size_t errlen);

/*
 * Run the command once with N = n and measure it: wall_s (monotonic, spawn
 * to its end), cpu_s (the child's rusage), rss_kb (peak resident set), and
 * when wait_ns is not NULL the run-queue wait of its threads, sampled
 * (sample.h; UINT64_MAX when it could not be). Returns 0, or -1 with a
 * reason (the exit status and the tail of its stderr).
 */
int exec_measure(const struct exec_cmd *cmd, int n, struct timing *t, uint64_t *wait_ns, char *err, size_t errlen);

/* Run a helper command line (setup, prepare) through sh -c with {N}. */
int exec_helper(const char *what, const char *line, int n, int show_output, char *err, size_t errlen);

#endif
