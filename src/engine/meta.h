/*
 * The <file>.meta.json sidecar of a run: where and how it was measured
 * (host, CPU model, cores, compiler and flags, OpenMP version and wait
 * policy, command line, date, git commit, load average before and after),
 * written with jansson.
 */
#ifndef AMDAHL_META_H
#define AMDAHL_META_H

#include <jansson.h>

/* A new object with the machine and build facts and the command line. */
json_t *meta_new(int argc, char **argv);
/* The 1-minute load average now (NaN when unknown). */
double meta_loadavg(void);
/* Write obj as `path` atomically (temp file + rename). 0 or -1 with errno. */
int meta_write(json_t *obj, const char *path);
/* Read a sidecar back; NULL when missing or malformed. */
json_t *meta_read(const char *path);
/* "<csv>.meta.json" into buf. */
void meta_path_for(const char *csv_path, char *buf, size_t len);

#endif
