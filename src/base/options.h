/*
 * Declarative options: every subcommand and every plugin describes its
 * options in one table of struct option_spec (name, kind, range, choices,
 * default, help), and one parser and one usage printer serve them all. A
 * value is parsed once, here, into the caller's struct (or, for a plugin's
 * options, into struct params); a bad value is one line naming it.
 */
#ifndef AMDAHL_OPTIONS_H
#define AMDAHL_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum option_kind {
	OPTION_FLAG,		/* no value: sets an int to 1 */
	OPTION_INT,		/* digits only, in [min, max]; an int or a uint64_t (by size) */
	OPTION_DECIMAL,		/* a plain decimal number in [min, max]; a double */
	OPTION_CHOICE,		/* one word of .choices: its index, an int */
	OPTION_LIST,		/* repeatable: each value appended to a struct option_list */
	OPTION_STRING,		/* text; with .choices one of them; .parse may refuse or convert it */
};

/* Flags of a spec. */
enum {
	OPTION_MIN_OPEN = 1 << 0,	/* the value must be > min, not >= */
	OPTION_MAX_OPEN = 1 << 1,	/* the value must be < max, not <= */
	OPTION_SECONDS = 1 << 2,	/* DECIMAL: a duration, suffixes us, ms, s, m */
	OPTION_PERCENT = 1 << 3,	/* DECIMAL: a percentage, "5%" or "5", stored / 100 */
	OPTION_HIDDEN = 1 << 4,		/* accepted, not listed in usage */
};

/* The most values an OPTION_LIST takes (a spec's .max may lower it). */
#define OPTION_LIST_MAX 32

struct option_list {
	const char *v[OPTION_LIST_MAX];
	size_t len;
};

/* A parsed value (what struct params keeps for a plugin's option). */
union option_value {
	uint64_t u;		/* OPTION_INT */
	double d;		/* OPTION_DECIMAL */
	int choice;		/* OPTION_CHOICE, OPTION_FLAG */
	const char *s;		/* OPTION_STRING */
};

struct option_spec {
	const char *name;		/* the long name without "--"; NULL ends a table */
	char short_name;		/* -x, or 0 */
	enum option_kind kind;
	const char *metavar;		/* the value's name in usage (default from the kind) */
	const char *def;		/* default, as text: applied before parsing, shown in usage */
	const char *help;		/* '\n' starts a continuation line */
	double min, max;		/* INT, DECIMAL: the range; LIST: max = most values (0: 32) */
	unsigned flags;
	const char *const *choices;	/* CHOICE, STRING: NULL-terminated words */
	const char *word0;		/* INT: a word that stands for 0 (e.g. "auto") */
	const char *expect;		/* what a bad value is told it should be (default from the range) */
	/* STRING: check and convert the text; base is the caller's struct (NULL for
	 * a plugin's option); -1 with a one-line reason into err. */
	int (*parse)(const char *text, void *base, char *err, size_t errlen);
	const char *section;		/* a heading printed in usage before this option */
	size_t offset, size;		/* where the value goes: OPTION_AT(type, field) */
};

/* A numeric macro as default text: .def = OPTION_TEXT(FIT_RESAMPLES). */
#define OPTION_TEXT(x) OPTION_TEXT_(x)
#define OPTION_TEXT_(x) #x

#define OPTION_AT(type, field) .offset = offsetof(type, field), .size = sizeof(((type *)0)->field)

/* One table of options and where its values go. */
struct option_group {
	const struct option_spec *specs;	/* {NULL}-terminated */
	void *base;				/* values at base + offset, or */
	/* handed to put (a plugin's options go to struct params: params_group) */
	int (*put)(void *ctx, const struct option_spec *spec, const char *text, const union option_value *v);
	void *ctx;
};

enum options_status { OPTIONS_BAD = -1, OPTIONS_OK = 0, OPTIONS_HELP = 1 };

/*
 * Parse argv[1..argc-1] (getopt_long: permuted, "--name=value" too) against
 * the groups, after applying each base group's defaults. -h/--help is always
 * known and gives OPTIONS_HELP. The arguments that are not options end up at
 * argv[*argi..argc-1]. On OPTIONS_BAD, err holds one line naming the value.
 */
enum options_status options_parse(const struct option_group *groups, size_t ngroups, int argc, char **argv,
				  int *argi, char *err, size_t errlen);

/* Parse one value as spec says; 0, or -1 with "bad --name 'value': expected ..." in err. */
int options_value(const struct option_spec *spec, const char *text, union option_value *out, char *err,
		  size_t errlen);

/* The spec named name in a table, else NULL. */
const struct option_spec *options_find(const struct option_spec *specs, const char *name);

/* A subcommand's usage: what --help prints. */
struct options_usage {
	const char *cmd;		/* "run" */
	const char *synopsis;		/* after "usage: amdahl run " */
	const char *about;		/* paragraphs between the synopsis and the options */
	const struct option_spec *specs;
	const char *csv_columns;	/* the CSV's header, said after the options; may be NULL */
	void (*more)(FILE *fp);		/* after the columns (registries, examples); may be NULL */
	int args_max;			/* arguments besides options: at most this many (OPTIONS_ANY_ARGS) */
};

#define OPTIONS_ANY_ARGS (-1)
/* options_command's "go on": the options are parsed and the command runs. */
#define OPTIONS_GO_ON (-1)

void options_usage(FILE *fp, const struct options_usage *u);
/* The option lines of one table (a plugin's, under its registry entry). */
void options_print(FILE *fp, const struct option_spec *specs);

/*
 * A subcommand's parse: options_parse on its own table (and any more groups),
 * then the count of other arguments checked against u->args_max. Returns
 * OPTIONS_GO_ON, or the exit status the command returns at once: 0 after
 * --help (printed to stdout), 2 after a usage error (one line on stderr with
 * "try 'amdahl <cmd> --help'"), 1 when stdout cannot be written.
 */
int options_command(const struct options_usage *u, void *base, const struct option_group *more, size_t nmore,
		    int argc, char **argv, int *argi);

#endif
