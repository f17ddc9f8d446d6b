/*
 * amdahl theory: the laws alone. For each P and N: Amdahl's S(N) =
 * 1/((1-P)+P/N), Gustafson's scaled speedup N-(1-P)(N-1), and the ceiling
 * this machine (or --cores C) can give. No measurement, no children.
 */
#include "cmd.h"
#include "../base/list.h"
#include "../base/machine.h"
#include "../base/options.h"
#include "../models/models.h"
#include "../results/emit.h"
#include "../base/util.h"

#include <stdio.h>
#include <string.h>

struct theory_opts {
	const char *plist, *nlist;
	double cores;
	int format;	/* enum emit_format */
};

static const struct option_spec theory_specs[] = {
	{ .name = "P", .short_name = 'P', .kind = OPTION_STRING, .metavar = "LIST", .def = "0.5,0.8,0.9,0.95,0.99",
	  OPTION_AT(struct theory_opts, plist), .help = "parallel fractions" },
	{ .name = "N", .short_name = 'N', .kind = OPTION_STRING, .metavar = "LIST", .def = "1..320:x2",
	  OPTION_AT(struct theory_opts, nlist), .help = "worker counts" },
	{ .name = "cores", .kind = OPTION_DECIMAL, .metavar = "C", .flags = OPTION_MIN_OPEN, .min = 0, .max = 1e6,
	  OPTION_AT(struct theory_opts, cores), .expect = "a positive number",
	  .help = "cores for the ceiling (default: what this process may use)" },
	{ .name = "format", .kind = OPTION_CHOICE, .metavar = "F", .choices = emit_format_names, .def = "table",
	  OPTION_AT(struct theory_opts, format), .help = "table, csv (p,n,amdahl,gustafson,ceiling), json or markdown" },
	{ .name = NULL },
};

static const struct options_usage theory_usage = {
	.cmd = "theory",
	.synopsis = "[-P LIST] [-N LIST] [--cores C] [--format table|csv|json|markdown]",
	.about = "Print Amdahl's law S(N) = 1/((1-P)+P/N), Gustafson's N-(1-P)(N-1) and the\n"
		 "machine ceiling 1/((1-P)+P/min(N,C)) for every P and N.",
	.specs = theory_specs,
};

/* The laws at every P and N, through the emitter (CSV: p,n,amdahl,gustafson,ceiling). */
static void print_laws(const struct dbl_list *ps, const struct int_list *ns, double cores, enum emit_format f)
{
	char title[48];
	struct emit_col cols[] = {
		{ .name = "p", .title = "P", .fmt = "%g" },
		{ .name = "n", .title = "N", .fmt = "%g" },
		{ .name = "amdahl", .title = "Amdahl", .fmt = "%.6f", .tfmt = "%.4f" },
		{ .name = "gustafson", .title = "Gustafson", .fmt = "%.6f", .tfmt = "%.4f" },
		{ .name = "ceiling", .title = title, .fmt = "%.6f", .tfmt = "%.4f" },
	};
	struct emit_table *t = emit_new(cols, ARRAY_SIZE(cols));

	snprintf(title, sizeof(title), "ceiling (%g cores)", cores);
	for (size_t i = 0; i < ps->len; i++)
		for (size_t j = 0; j < ns->len; j++) {
			double p = ps->v[i], n = ns->v[j];

			emit_num(t, p);
			emit_num(t, n);
			emit_num(t, models_amdahl(p, n));
			emit_num(t, models_gustafson(p, n));
			emit_num(t, models_ceiling(p, n, cores));
		}
	emit_print(t, f, stdout);
	emit_free(t);
}

int cmd_theory(int argc, char **argv)
{
	struct theory_opts o = { .cores = 0 };
	const char *plist, *nlist;
	double cores;
	struct dbl_list ps;
	struct int_list ns;
	char err[256];
	int argi, rc;

	if ((rc = options_command(&theory_usage, &o, NULL, 0, argc, argv, &argi)) != OPTIONS_GO_ON)
		return rc;
	plist = o.plist;
	nlist = o.nlist;
	cores = o.cores > 0 ? o.cores : machine_usable_cores();
	if (list_parse_p(plist, &ps, err, sizeof(err)) < 0) {
		usagef("theory", "%s", err);
		return EXIT_USAGE;
	}
	if (list_parse_n(nlist, LIST_N_MAX, &ns, err, sizeof(err)) < 0) {
		usagef("theory", "%s", err);
		list_free_p(&ps);
		return EXIT_USAGE;
	}
	print_laws(&ps, &ns, cores, (enum emit_format)o.format);
	list_free_p(&ps);
	list_free_n(&ns);
	return finish_stdout() < 0 ? EXIT_FAILED : EXIT_OK;
}
