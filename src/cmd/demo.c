/*
 * amdahl demo: the talk's "difficulties with multithreading", run for real,
 * and the GIL's convoy effect. One demo per file in src/demo/ (demo.h); this
 * file lists them, parses the options they share and runs the one asked for.
 *   race      the bank account: lost deposits without a lock, none with one
 *   deadlock  locks taken in opposite order: the cycle found, then the fix
 *   print     two threads printing words, without and with a lock
 *   convoy    an I/O-bound thread beside CPU-bound ones, under the GIL
 */
#include "cmd.h"
#include "../base/options.h"
#include "../base/util.h"
#include "../demo/demo.h"

#include <stdio.h>
#include <string.h>

static const struct demo *const demos[] = {
	&demo_race,
	&demo_deadlock,
	&demo_print,
	&demo_convoy,
};

static const char *const demo_formats[] = { "table", "csv", NULL };

static const struct option_spec demo_specs[] = {
	{ .name = "threads", .short_name = 't', .kind = OPTION_INT, .metavar = "T", .min = 1, .max = 1024,
	  OPTION_AT(struct demo_opts, threads), .help = "race: tellers (default 4); deadlock: threads in the\n"
	  "ring of locks (default 2, at most 26); print: 2;\nconvoy: CPU-bound threads (default 1)" },
	{ .name = "iterations", .short_name = 'i', .kind = OPTION_INT, .metavar = "K", .min = 1, .max = 1000000000,
	  OPTION_AT(struct demo_opts, iterations), .help = "race: deposits per thread (default 200000); deadlock:\n"
	  "rounds of the lock-ordered fix (default 10000);\nprint: lines each way (default 1); convoy: blocking\n"
	  "operations of the I/O thread (default 200)" },
	{ .name = "format", .kind = OPTION_CHOICE, .metavar = "F", .choices = demo_formats, .def = "table",
	  OPTION_AT(struct demo_opts, csv), .help = "table or csv; race csv columns:\nlock,threads,expected,actual,lost;"
	  " convoy:\nmode,cpu_threads,io_ops,total_s,per_op_us,slowdown" },
	{ .name = "timeout", .kind = OPTION_DECIMAL, .metavar = "S", .flags = OPTION_SECONDS | OPTION_MIN_OPEN,
	  .min = 0, .max = 3600, .def = "2", OPTION_AT(struct demo_opts, timeout),
	  .expect = "seconds, more than 0, at most 3600",
	  .help = "deadlock: how long a timed acquire waits before the\nwait-for graph is checked" },
	{ .name = "io-us", .kind = OPTION_INT, .metavar = "US", .min = 1, .max = 1000000, .def = "100",
	  OPTION_AT(struct demo_opts, io_us), .help = "convoy: how long each blocking operation waits" },
	{ .name = "switch-interval", .kind = OPTION_DECIMAL, .metavar = "S", .flags = OPTION_SECONDS, .def = "5ms",
	  .min = 1e-6, .max = 10, .expect = "seconds from 1us to 10s", OPTION_AT(struct demo_opts, switch_interval),
	  .help = "convoy: the GIL's switch interval" },
	{ .name = NULL },
};

static void demo_usage_more(FILE *fp);

static const struct options_usage demo_usage = {
	.cmd = "demo",
	.synopsis = "race|deadlock|print|convoy [--threads T] [--iterations K]\n"
		    "                 [--format table|csv] [--timeout SECONDS] [--io-us US]\n"
		    "                 [--switch-interval SECONDS]",
	.about = "The talk's difficulties with multithreading, and the GIL's convoy effect,\nrun for real (below).",
	.specs = demo_specs,
	.more = demo_usage_more,
	.args_max = 1,
};

static void demo_usage_more(FILE *fp)
{
	fputs("\ndemos:\n", fp);
	for (size_t i = 0; i < ARRAY_SIZE(demos); i++)
		fprintf(fp, "  %-9s %s\n", demos[i]->name, demos[i]->summary);
}

int cmd_demo(int argc, char **argv)
{
	struct demo_opts o;
	int argi, rc;

	memset(&o, 0, sizeof(o));
	if ((rc = options_command(&demo_usage, &o, NULL, 0, argc, argv, &argi)) != OPTIONS_GO_ON)
		return rc;
	if (argi >= argc) {
		usagef("demo", "which demo? expected race, deadlock, print or convoy");
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < ARRAY_SIZE(demos); i++)
		if (strcmp(argv[argi], demos[i]->name) == 0)
			return demos[i]->run(&o);
	usagef("demo", "unknown demo '%s': expected race, deadlock, print or convoy", argv[argi]);
	return EXIT_USAGE;
}
