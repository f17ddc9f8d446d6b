/*
 * amdahl: measure how parallel code really scales, beside Amdahl's law.
 * main only finds the subcommand in the table and returns what it returns.
 */
#include "cmd/cmd.h"
#include "base/machine.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>

/* The subcommands, in the order --help lists them. Add one: one line here. */
static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "measure workloads or programs over backends, P and N; CSV out" },
	{ "theory", cmd_theory, "print Amdahl, Gustafson and the machine ceiling for P and N" },
	{ "fit", cmd_fit, "fit Amdahl's P (bootstrap interval), Karp-Flatt and the USL to run CSVs" },
	{ "explain", cmd_explain, "where the speedup went: each N's capacity split into the speedup stack's parts" },
	{ "compare", cmd_compare, "judge a new run against a base run: exit 1 on a regression (CI gate)" },
	{ "plot", cmd_plot, "draw run CSVs (or the law alone) as figures with gnuplot" },
	{ "report", cmd_report, "one self-contained HTML page for runs (and a comparison): figures, fits, warnings" },
	{ "b5", cmd_b5, "the talk's beer-by-bicycle pipeline: throughput beside its bottleneck law" },
	{ "demo", cmd_demo, "the talk's pitfalls run for real: race, deadlock, print" },
	{ "info", cmd_info, "show the machine, the build, the backends and the workloads" },
};

static void usage(FILE *fp)
{
	fputs("usage: amdahl <command> [options]\n"
	      "       amdahl <command> --help\n"
	      "       amdahl --version\n\ncommands:\n", fp);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (commands[i].summary)
			fprintf(fp, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fputs("\nexit status: 0 ok, 1 a measurement failed or a regression was found,\n"
	      "2 bad usage or input, 130 interrupted\n", fp);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return finish_stdout() < 0 ? EXIT_FAILED : EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("amdahl %s (%s; %s)\n", machine_git_commit(), machine_compiler(), machine_cflags());
		return finish_stdout() < 0 ? EXIT_FAILED : EXIT_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	usagef(NULL, "unknown command '%s'", argv[1]);
	return EXIT_USAGE;
}
