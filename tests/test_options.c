/*
 * Tests of the declarative options (src/base/options.c) and the plugin
 * options kept in struct params (src/api/params.c): every kind parsed once,
 * ranges and their messages, defaults applied and shown, the plugins'
 * tables sound, and the CLI's one-line usage errors.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "../src/api/backend.h"
#include "../src/api/params.h"
#include "../src/api/workload.h"
#include "../src/base/options.h"
#include "../src/base/util.h"
#include "cli.h"

struct t_opts {
	int n, flag, choice;
	uint64_t big;
	double d, secs, pct;
	const char *s, *pick;
	struct option_list many;
};

static const char *const t_choices[] = { "red", "green", "blue", NULL };

static const struct option_spec t_specs[] = {
	{ .name = "num", .short_name = 'n', .kind = OPTION_INT, .min = 1, .max = 10, .def = "3",
	  OPTION_AT(struct t_opts, n), .help = "a count" },
	{ .name = "big", .kind = OPTION_INT, .min = 0, .max = 18446744073709551615.0, OPTION_AT(struct t_opts, big) },
	{ .name = "flag", .short_name = 'f', .kind = OPTION_FLAG, OPTION_AT(struct t_opts, flag) },
	{ .name = "choice", .kind = OPTION_CHOICE, .choices = t_choices, .def = "green",
	  OPTION_AT(struct t_opts, choice) },
	{ .name = "d", .kind = OPTION_DECIMAL, .min = -1, .max = 1, OPTION_AT(struct t_opts, d) },
	{ .name = "secs", .kind = OPTION_DECIMAL, .flags = OPTION_SECONDS | OPTION_MIN_OPEN, .min = 0, .max = 60,
	  OPTION_AT(struct t_opts, secs) },
	{ .name = "pct", .kind = OPTION_DECIMAL, .flags = OPTION_PERCENT | OPTION_MIN_OPEN | OPTION_MAX_OPEN,
	  .min = 0, .max = 100, OPTION_AT(struct t_opts, pct) },
	{ .name = "s", .kind = OPTION_STRING, OPTION_AT(struct t_opts, s) },
	{ .name = "pick", .kind = OPTION_STRING, .choices = t_choices, OPTION_AT(struct t_opts, pick) },
	{ .name = "many", .kind = OPTION_LIST, .max = 2, OPTION_AT(struct t_opts, many) },
	{ .name = NULL },
};

static enum options_status parse(struct t_opts *o, char **argv, int *argi, char *err, size_t errlen)
{
	struct option_group g = { .specs = t_specs, .base = o };
	int argc = 0;

	while (argv[argc])
		argc++;
	memset(o, 0, sizeof(*o));
	err[0] = '\0';
	return options_parse(&g, 1, argc, argv, argi, err, errlen);
}

Test(options, every_kind_is_stored_where_its_spec_says)
{
	char *argv[] = { "t", "-n", "7", "--big", "18446744073709551615", "-f", "--choice", "blue", "--d=-0.5",
			 "--secs", "300ms", "--pct", "5%", "--s", "text", "--pick", "red", "--many", "a",
			 "--many", "b", "file", NULL };
	struct t_opts o;
	char err[256];
	int argi;

	cr_assert_eq(parse(&o, argv, &argi, err, sizeof(err)), OPTIONS_OK, "%s", err);
	cr_assert_eq(o.n, 7);
	cr_assert_eq(o.big, UINT64_MAX);
	cr_assert_eq(o.flag, 1);
	cr_assert_eq(o.choice, 2);
	cr_assert_float_eq(o.d, -0.5, 1e-15);
	cr_assert_float_eq(o.secs, 0.3, 1e-15);
	cr_assert_float_eq(o.pct, 0.05, 1e-15, "a percentage is stored as a fraction");
	cr_assert_str_eq(o.s, "text");
	cr_assert_str_eq(o.pick, "red");
	cr_assert_eq(o.many.len, 2);
	cr_assert_str_eq(o.many.v[1], "b");
	cr_assert_eq(argi, 21);
	cr_assert_str_eq(argv[argi], "file");
}

Test(options, defaults_apply_before_parsing)
{
	char *argv[] = { "t", NULL };
	struct t_opts o;
	char err[256];
	int argi;

	cr_assert_eq(parse(&o, argv, &argi, err, sizeof(err)), OPTIONS_OK, "%s", err);
	cr_assert_eq(o.n, 3);
	cr_assert_eq(o.choice, 1);
	cr_assert_null(o.s);
}

static void expect_bad(char *opt, char *value, const char *needle)
{
	char *argv[] = { "t", opt, value, NULL };
	struct t_opts o;
	char err[256];
	int argi;

	cr_assert_eq(parse(&o, argv, &argi, err, sizeof(err)), OPTIONS_BAD, "%s '%s' accepted", opt, value);
	cr_assert(strstr(err, needle), "%s '%s': message '%s' lacks '%s'", opt, value, err, needle);
	cr_assert_null(strchr(err, '\n'), "message '%s'", err);
}

Test(options, bad_values_are_one_line_naming_them)
{
	expect_bad("-n", "0", "bad --num '0': expected an integer from 1 to 10");
	expect_bad("-n", "11", "'11'");
	expect_bad("-n", "1.5", "'1.5'");
	expect_bad("-n", " 2", "' 2'");
	expect_bad("-n", "0x10", "'0x10'");
	expect_bad("--big", "18446744073709551616", "'18446744073709551616'");
	expect_bad("--choice", "pink", "expected red, green or blue");
	expect_bad("--pick", "pink", "'pink'");
	expect_bad("--secs", "0", "bad --secs '0': expected seconds in (0, 60]");
	expect_bad("--pct", "100%", "a percentage in (0, 100)");
	expect_bad("--pct", "0", "'0'");
}

/* Issue 12: a decimal option refuses what an integer one refuses, and -0 is 0. */
Test(options, decimals_refuse_hex_blanks_nan_and_inf)
{
	static char *const bad[] = { "0x10", " 0.5", "0.5 ", "nan", "inf", "-inf", "+0.5", "1e999", "", "0,5" };
	union option_value v;
	char err[256];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		cr_assert_eq(options_value(&t_specs[4], bad[i], &v, err, sizeof(err)), -1, "'%s' accepted", bad[i]);
	cr_assert_eq(options_value(&t_specs[4], "-0", &v, err, sizeof(err)), 0, "%s", err);
	cr_assert(v.d == 0 && !signbit(v.d), "-0 must become 0");
}

Test(options, missing_and_unknown_options)
{
	char *argv1[] = { "t", "-n", NULL }, *argv2[] = { "t", "--nope", NULL }, *argv3[] = { "t", "--help", NULL };
	char *argv4[] = { "t", "--many", "a", "--many", "b", "--many", "c", NULL };
	struct t_opts o;
	char err[256];
	int argi;

	cr_assert_eq(parse(&o, argv1, &argi, err, sizeof(err)), OPTIONS_BAD);
	cr_assert_str_eq(err, "option '-n' needs a value");
	cr_assert_eq(parse(&o, argv2, &argi, err, sizeof(err)), OPTIONS_BAD);
	cr_assert_str_eq(err, "unknown option '--nope'");
	cr_assert_eq(parse(&o, argv3, &argi, err, sizeof(err)), OPTIONS_HELP);
	cr_assert_eq(parse(&o, argv4, &argi, err, sizeof(err)), OPTIONS_BAD);
	cr_assert(strstr(err, "more than 2 --many"), "%s", err);
}

Test(options, usage_lists_every_option_with_its_default)
{
	static const struct options_usage u = { .cmd = "t", .about = "About.", .specs = t_specs };
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	options_usage(fp, &u);
	fclose(fp);
	cr_assert(strstr(text, "usage: amdahl t [options]"), "%s", text);
	cr_assert(strstr(text, "  -n, --num N"), "%s", text);
	cr_assert(strstr(text, "a count (default 3)"), "%s", text);
	cr_assert(strstr(text, "\nAbout.\n"), "%s", text);
	cr_assert(strstr(text, "--choice red|green|blue"), "%s", text);
	cr_assert(strstr(text, "-h, --help"), "%s", text);
	free(text);
}

/* Every plugin's table: names unique within it, every default parses, and an
 * option two plugins share means the same in both. */
static void check_table(const char *who, const struct option_spec *specs, const struct option_spec **seen,
			size_t *nseen)
{
	for (const struct option_spec *s = specs; s && s->name; s++) {
		union option_value v;
		char err[256];

		cr_assert(!s->def || options_value(s, s->def, &v, err, sizeof(err)) == 0, "%s --%s: default: %s", who,
			  s->name, err);
		for (size_t i = 0; i < *nseen; i++)
			if (strcmp(seen[i]->name, s->name) == 0)
				cr_assert_eq(seen[i]->kind, s->kind, "--%s declared twice with two kinds", s->name);
		seen[(*nseen)++] = s;
	}
}

Test(options, plugin_tables_are_sound)
{
	const struct option_spec *seen[256];
	size_t nseen = 0;

	for (const struct backend *const *b = backend_registry; *b; b++)
		check_table((*b)->name, (*b)->params, seen, &nseen);
	for (const struct workload *const *w = workload_registry; *w; w++)
		check_table((*w)->name, (*w)->params, seen, &nseen);
	cr_assert_gt(nseen, 5);
}

/* A plugin's value is parsed once, by the option parser, and read back typed. */
Test(options, plugin_values_are_kept_typed)
{
	const struct workload *w = workload_find("fault");
	struct params ps = { 0 };
	struct option_group g = params_group(w->params, &ps);
	char *argv[] = { "t", "--fault", "hang", "--fault-n", "7", NULL };
	char err[256];
	int argi;

	cr_assert_eq(params_uint(&ps, w->params, "fault-n"), 2, "the default");
	cr_assert_eq(options_parse(&g, 1, 5, argv, &argi, err, sizeof(err)), OPTIONS_OK, "%s", err);
	cr_assert_eq(params_uint(&ps, w->params, "fault-n"), 7);
	cr_assert_eq(params_choice(&ps, w->params, "fault"), 1, "hang is the second choice");
	cr_assert_str_eq(params_find(&ps, "fault"), "hang", "the text goes on to the mpi ranks");
	params_set(&ps, "fault-n", "nope");
	cr_assert_eq(params_check(&ps, w->params, err, sizeof(err)), -1);
	cr_assert(strstr(err, "--fault-n 'nope'"), "%s", err);
}

/* ---- the CLI ---- */

static int lines(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

Test(options, cli_value_with_a_newline_is_one_escaped_line, .timeout = 30)
{
	static const char *const cases[][4] = {
		{ "run", "-P", "0.5\nx", NULL }, { "run", "--work", "1\n2", NULL }, { "run", "-b", "thr\nead", NULL },
		{ "theory", "--format", "a\nb", NULL }, { "b5", "--wait", "co\nnd", NULL },
		{ "fit", "--level", "9\x1b", NULL }, { "compare", "--alpha", "0.1\n", NULL },
		{ "run", "--cmd", "true\nfalse", NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cli_result r;

		cr_assert_eq(cli_run(&r, 30, cases[i]), 0);
		cr_expect_eq(r.status, 2, "%s %s: exit %d", cases[i][0], cases[i][1], r.status);
		cr_expect_eq(lines(r.err), 1, "%s %s: '%s'", cases[i][0], cases[i][1], r.err);
		cr_expect(strstr(r.err, "\\n") || strstr(r.err, "\\x1b"), "%s %s: not escaped: '%s'", cases[i][0],
			  cases[i][1], r.err);
		cli_free(&r);
	}
}

Test(options, cli_decimals_refuse_what_integers_refuse, .timeout = 30)
{
	static const char *const cases[][4] = {
		{ "run", "--work", "0x10" }, { "run", "--cv-warn", " 2" }, { "run", "--timeout", "inf" },
		{ "theory", "--cores", "nan" }, { "compare", "--alpha", "0x0.1" }, { "b5", "--pick-ms", " 5" },
		{ "run", "-P", "0x1" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cli_result r;
		const char *args[] = { cases[i][0], cases[i][1], cases[i][2], NULL };

		cr_assert_eq(cli_run(&r, 30, args), 0);
		cr_expect_eq(r.status, 2, "%s %s '%s': exit %d", args[0], args[1], args[2], r.status);
		cr_expect(strstr(r.err, "try 'amdahl "), "%s", r.err);
		cli_free(&r);
	}
}

Test(options, cli_minus_zero_is_zero, .timeout = 30)
{
	const char *args[] = { "theory", "-P", "-0", "-N", "2", "--format", "csv", NULL };
	struct cli_result r;

	cr_assert_eq(cli_run(&r, 30, args), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "\n0,2,"), "%s", r.out);
	cr_assert_null(strstr(r.out, "-0"), "%s", r.out);
	cli_free(&r);
}

Test(options, cli_version_names_commit_and_compiler, .timeout = 30)
{
	const char *args[] = { "--version", NULL };
	struct cli_result r;

	cr_assert_eq(cli_run(&r, 30, args), 0);
	cr_assert_eq(r.status, 0);
	cr_assert(strncmp(r.out, "amdahl ", 7) == 0, "%s", r.out);
	cr_assert(strstr(r.out, "gcc"), "%s", r.out);
	cr_assert_eq(lines(r.out), 1, "%s", r.out);
	cli_free(&r);
}

Test(options, cli_every_command_has_help_and_refuses_unknown_options, .timeout = 60)
{
	static const char *const cmds[] = { "run", "theory", "fit", "compare", "plot", "b5", "demo", "info" };

	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		const char *help[] = { cmds[i], "--help", NULL }, *bad[] = { cmds[i], "--no-such-option", NULL };
		char want[64];
		struct cli_result r;

		cr_assert_eq(cli_run(&r, 30, help), 0);
		snprintf(want, sizeof(want), "usage: amdahl %s", cmds[i]);
		cr_expect_eq(r.status, 0, "%s --help: %d", cmds[i], r.status);
		cr_expect(strstr(r.out, want) && strstr(r.out, "-h, --help"), "%s --help: %.200s", cmds[i], r.out);
		cli_free(&r);
		cr_assert_eq(cli_run(&r, 30, bad), 0);
		snprintf(want, sizeof(want), "try 'amdahl %s --help'", cmds[i]);
		cr_expect_eq(r.status, 2, "%s: %d", cmds[i], r.status);
		cr_expect(strstr(r.err, want) && lines(r.err) == 1, "%s: '%s'", cmds[i], r.err);
		cli_free(&r);
	}
}
