/*
 * Plugin options. A backend or workload declares the options it owns
 * (`--fault crash`, `--lock mutex`, ...) in a table of struct option_spec
 * (src/base/options.h: kind, range, choices, default, help). The run command
 * parses every given value once, with the one option parser, and keeps it
 * here typed; the plugin reads it back by name (params_uint, params_decimal,
 * params_choice, params_text) and never parses anything itself. A value not
 * given reads as the spec's default.
 */
#ifndef AMDAHL_PARAMS_H
#define AMDAHL_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "../base/options.h"

#define PARAMS_MAX 32

struct param {
	const char *name;
	const char *text;		/* as given: what the mpi ranks are passed */
	const struct option_spec *spec;	/* NULL when set as text only (params_set) */
	union option_value v;		/* the parsed value when spec is set */
};

struct params {
	size_t len;
	struct param v[PARAMS_MAX];
};

/* Keep a parsed value (the option parser's sink); the strings must outlive the params. -1 when full. */
int params_put(struct params *ps, const struct option_spec *spec, const char *text, const union option_value *v);
/* Set a value as text, parsed when read (the mpi ranks' arguments, tests). -1 when full. */
int params_set(struct params *ps, const char *name, const char *text);
/* The option group that parses a plugin table's options into ps. */
struct option_group params_group(const struct option_spec *specs, struct params *ps);
/* The text given, else NULL. */
const char *params_find(const struct params *ps, const char *name);
/* Whether a spec table declares the option. */
int params_declares(const struct option_spec *specs, const char *name);

/* Check every text-only value against the table; -1 with the first bad one named in err. */
int params_check(const struct params *ps, const struct option_spec *specs, char *err, size_t errlen);

/*
 * The value of a declared option: the one given, else the spec's default.
 * A text-only value that does not parse reads as the default (run checks
 * every value before anything is measured).
 */
uint64_t params_uint(const struct params *ps, const struct option_spec *specs, const char *name);
double params_decimal(const struct params *ps, const struct option_spec *specs, const char *name);
int params_choice(const struct params *ps, const struct option_spec *specs, const char *name);
const char *params_text(const struct params *ps, const struct option_spec *specs, const char *name);

#endif
