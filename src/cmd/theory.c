/*
 * amdahl theory: the laws alone. For each P and N: Amdahl's S(N) =
 * 1/((1-P)+P/N), Gustafson's scaled speedup N-(1-P)(N-1), and the ceiling
 * this machine (or --cores C) can give. No measurement, no children.
 */
#include "cmd.h"
#include "../base/list.h"
#include "../base/machine.h"
#include "../models/models.h"
#include "../results/emit.h"
#include "../base/util.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

enum theory_format { FMT_TABLE, FMT_CSV, FMT_MARKDOWN };

static void usage(FILE *fp)
{
	fputs("usage: amdahl theory [-P LIST] [-N LIST] [--cores C] [--format table|csv|markdown]\n\n"
	      "Print Amdahl's law S(N) = 1/((1-P)+P/N), Gustafson's N-(1-P)(N-1) and the\n"
	      "machine ceiling 1/((1-P)+P/min(N,C)) for every P and N.\n\n"
	      "  -P LIST           parallel fractions (default 0.5,0.8,0.9,0.95,0.99)\n"
	      "  -N LIST           worker counts (default 1..320:x2)\n"
	      "      --cores C     cores for the ceiling (default: what this process may use)\n"
	      "      --format F    table (default), csv (p,n,amdahl,gustafson,ceiling) or markdown\n"
	      "  -h, --help        this help\n", fp);
}

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
	static const struct option opts[] = {
		{ "cores", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *plist = "0.5,0.8,0.9,0.95,0.99", *nlist = "1..320:x2";
	enum theory_format fmt = FMT_TABLE;
	double cores = machine_usable_cores();
	struct dbl_list ps;
	struct int_list ns;
	char err[256];
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":P:N:h", opts, NULL)) != -1) {
		switch (c) {
		case 'P': plist = optarg; break;
		case 'N': nlist = optarg; break;
		case 'h': usage(stdout); return finish_stdout() < 0 ? EXIT_FAILED : EXIT_OK;
		case 'c':
			if (parse_double(optarg, &cores) < 0 || cores <= 0 || cores > 1e6) {
				usagef("theory", "bad --cores '%s': expected a positive number", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'f':
			if (strcmp(optarg, "table") == 0)
				fmt = FMT_TABLE;
			else if (strcmp(optarg, "csv") == 0)
				fmt = FMT_CSV;
			else if (strcmp(optarg, "markdown") == 0)
				fmt = FMT_MARKDOWN;
			else {
				usagef("theory", "bad --format '%s': expected table, csv or markdown", optarg);
				return EXIT_USAGE;
			}
			break;
		case ':':
			usagef("theory", "option '%s' needs a value", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			usagef("theory", "unknown option '%s'", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		usagef("theory", "unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (list_parse_p(plist, &ps, err, sizeof(err)) < 0) {
		usagef("theory", "%s", err);
		return EXIT_USAGE;
	}
	if (list_parse_n(nlist, LIST_N_MAX, &ns, err, sizeof(err)) < 0) {
		usagef("theory", "%s", err);
		list_free_p(&ps);
		return EXIT_USAGE;
	}
	print_laws(&ps, &ns, cores, fmt == FMT_CSV ? EMIT_CSV : fmt == FMT_MARKDOWN ? EMIT_MARKDOWN : EMIT_TABLE);
	list_free_p(&ps);
	list_free_n(&ns);
	return finish_stdout() < 0 ? EXIT_FAILED : EXIT_OK;
}
