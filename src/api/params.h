/*
 * Plugin options. A backend or workload declares the options it owns
 * (`--fault crash`, `--lock mutex`, ...) in a table of struct param_spec; the
 * run command accepts any declared option and stores its value here, and the
 * plugin reads it back by name with params_get.
 */
#ifndef AMDAHL_PARAMS_H
#define AMDAHL_PARAMS_H

#include <stddef.h>

struct param_spec {
	const char *name;	/* long option without "--" */
	const char *metavar;	/* e.g. "crash|hang|exit" */
	const char *def;	/* default value as a string */
	const char *help;
};

#define PARAMS_MAX 32

struct params {
	size_t len;
	struct { const char *name; const char *value; } v[PARAMS_MAX];
};

/* Set (or replace) a value; the strings must outlive the params. -1 when full. */
int params_set(struct params *ps, const char *name, const char *value);
/* The value given, else NULL. */
const char *params_find(const struct params *ps, const char *name);
/* Whether a spec table (NULL-terminated by name) declares the option. */
int params_declares(const struct param_spec *specs, const char *name);
/* The value given, else the spec's default from the table (NULL-terminated by name). */
const char *params_get(const struct params *ps, const struct param_spec *specs, const char *name);

#endif
