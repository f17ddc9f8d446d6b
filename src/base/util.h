/*
 * Small shared helpers: the one errorf/warnf pair every message goes through,
 * checked number parsing (strtod/strtoull with an end pointer, never atoi),
 * and allocation that cannot silently return NULL.
 */
#ifndef AMDAHL_UTIL_H
#define AMDAHL_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit statuses of every subcommand (DESIGN.md, contracts). */
enum exit_status {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* a measurement failed or a regression was found */
	EXIT_USAGE = 2,		/* bad usage or bad input */
	EXIT_INTERRUPTED = 130,
};

/* "amdahl: <message>" on stderr, one line: control characters in it are escaped. */
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* errorf plus "try 'amdahl <cmd> --help'", for usage errors. */
void usagef(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Parse a whole string as a plain finite decimal ("-0" gives 0; no hex, no
 * blanks, no inf or nan) / an unsigned integer (digits only); -1 on any junk.
 */
int parse_double(const char *s, double *out);
int parse_u64(const char *s, uint64_t *out);
/* A duration: "0.3", "300ms", "2s", "1m"; must be finite and > 0. */
int parse_seconds(const char *s, double *out);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Split "a,b,c" into a NULL-terminated array of strdup'ed words; empty words are kept. */
char **split_commas(const char *s, int *count);
void free_words(char **words);

/* mkdir -p: every missing folder of path (0777 less the umask); -1 with errno. */
int make_dirs(const char *path);

/* Flush stdout and report a write error (git's rule: a truncated output is a failure). */
int finish_stdout(void);

#endif
