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
#include "../base/util.h"

#include <stdio.h>
#include <string.h>

enum theory_format { FMT_TABLE, FMT_CSV, FMT_MARKDOWN };

struct theory_opts {
	const char *plist, *nlist;
	double cores;
	int format;	/* enum theory_format */
};

static const char *const theory_formats[] = { [FMT_TABLE] = "table", [FMT_CSV] = "csv",
					      [FMT_MARKDOWN] = "markdown", NULL };

static const struct option_spec theory_specs[] = {
	{ .name = "P", .short_name = 'P', .kind = OPTION_STRING, .metavar = "LIST", .def = "0.5,0.8,0.9,0.95,0.99",
	  OPTION_AT(struct theory_opts, plist), .help = "parallel fractions" },
	{ .name = "N", .short_name = 'N', .kind = OPTION_STRING, .metavar = "LIST", .def = "1..320:x2",
	  OPTION_AT(struct theory_opts, nlist), .help = "worker counts" },
	{ .name = "cores", .kind = OPTION_DECIMAL, .metavar = "C", .flags = OPTION_MIN_OPEN, .min = 0, .max = 1e6,
	  OPTION_AT(struct theory_opts, cores), .expect = "a positive number",
	  .help = "cores for the ceiling (default: what this process may use)" },
	{ .name = "format", .kind = OPTION_CHOICE, .metavar = "F", .choices = theory_formats, .def = "table",
	  OPTION_AT(struct theory_opts, format), .help = "table, csv (p,n,amdahl,gustafson,ceiling) or markdown" },
	{ .name = NULL },
};

static const struct options_usage theory_usage = {
	.cmd = "theory",
	.synopsis = "[-P LIST] [-N LIST] [--cores C] [--format table|csv|markdown]",
	.about = "Print Amdahl's law S(N) = 1/((1-P)+P/N), Gustafson's N-(1-P)(N-1) and the\n"
		 "machine ceiling 1/((1-P)+P/min(N,C)) for every P and N.",
	.specs = theory_specs,
};

int cmd_theory(int argc, char **argv)
{
	struct theory_opts o = { .cores = 0 };
	const char *plist, *nlist;
	enum theory_format fmt;
	double cores;
	struct dbl_list ps;
	struct int_list ns;
	char err[256];
	int argi, rc;

	if ((rc = options_command(&theory_usage, &o, NULL, 0, argc, argv, &argi)) != OPTIONS_GO_ON)
		return rc;
	plist = o.plist;
	nlist = o.nlist;
	fmt = (enum theory_format)o.format;
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
	if (fmt == FMT_CSV)
		puts("p,n,amdahl,gustafson,ceiling");
	else if (fmt == FMT_MARKDOWN)
		printf("| P | N | Amdahl | Gustafson | ceiling (%g cores) |\n|---:|---:|---:|---:|---:|\n", cores);
	else
		printf("%6s %6s %10s %10s %10s\n", "P", "N", "amdahl", "gustafson", "ceiling");
	for (size_t i = 0; i < ps.len; i++)
		for (size_t j = 0; j < ns.len; j++) {
			double p = ps.v[i], n = ns.v[j];
			double a = models_amdahl(p, n), g = models_gustafson(p, n), ce = models_ceiling(p, n, cores);
			if (fmt == FMT_CSV)
				printf("%g,%g,%.6f,%.6f,%.6f\n", p, n, a, g, ce);
			else if (fmt == FMT_MARKDOWN)
				printf("| %g | %g | %.4f | %.4f | %.4f |\n", p, n, a, g, ce);
			else
				printf("%6g %6g %10.4f %10.4f %10.4f\n", p, n, a, g, ce);
		}
	list_free_p(&ps);
	list_free_n(&ns);
	return finish_stdout() < 0 ? EXIT_FAILED : EXIT_OK;
}
