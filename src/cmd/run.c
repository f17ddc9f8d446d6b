/*
 * amdahl run: parse the sweep's options (its own and those the backends and
 * workloads declare), check every value before anything is written, run the
 * sweep, and write the CSV and its meta.json sidecar.
 */
#include "cmd.h"
#include "../api/backend.h"
#include "../base/list.h"
#include "../base/machine.h"
#include "../engine/meta.h"
#include "../engine/sweep.h"
#include "../base/topology.h"
#include "../base/util.h"
#include "../api/workload.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

enum {
	OPT_WARMUP = 256, OPT_WORK, OPT_PHASES, OPT_SCALING, OPT_ORDER, OPT_TIMEOUT, OPT_SEED,
	OPT_CV_WARN, OPT_PLUGIN, OPT_CMD, OPT_NAME, OPT_ENV, OPT_SHELL, OPT_SETUP, OPT_PREPARE,
	OPT_SHOW_OUTPUT, OPT_IGNORE_FAILURE, OPT_PIN,
};

/* The most --cmd (and --env) options one run takes. */
#define RUN_CMDS_MAX 32

/* The run's own options, sorted by name; plugin options are appended at run time. */
static const struct option core_options[] = {
	{ "backend", required_argument, NULL, 'b' },
	{ "cmd", required_argument, NULL, OPT_CMD },
	{ "cv-warn", required_argument, NULL, OPT_CV_WARN },
	{ "env", required_argument, NULL, OPT_ENV },
	{ "help", no_argument, NULL, 'h' },
	{ "ignore-failure", no_argument, NULL, OPT_IGNORE_FAILURE },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "order", required_argument, NULL, OPT_ORDER },
	{ "out", required_argument, NULL, 'o' },
	{ "phases", required_argument, NULL, OPT_PHASES },
	{ "pin", required_argument, NULL, OPT_PIN },
	{ "prepare", required_argument, NULL, OPT_PREPARE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "reps", required_argument, NULL, 'r' },
	{ "scaling", required_argument, NULL, OPT_SCALING },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "setup", required_argument, NULL, OPT_SETUP },
	{ "shell", no_argument, NULL, OPT_SHELL },
	{ "show-output", no_argument, NULL, OPT_SHOW_OUTPUT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "work", required_argument, NULL, OPT_WORK },
	{ "workload", required_argument, NULL, 'w' },
};

static void print_params(FILE *fp, const struct param_spec *ps)
{
	for (; ps && ps->name; ps++) {
		char left[64];
		snprintf(left, sizeof(left), "--%s %s", ps->name, ps->metavar);
		if (ps->def && *ps->def)
			fprintf(fp, "  %-26s %s (default %s)\n", left, ps->help, ps->def);
		else
			fprintf(fp, "  %-26s %s\n", left, ps->help);
	}
}

static void usage(FILE *fp)
{
	fputs("usage: amdahl run [options]\n\n"
	      "Measure each backend x workload x P x N point, --reps times, one CSV row per\n"
	      "repetition. Every point runs in a forked child: a crash or hang is reported\n"
	      "(exit 1) and every finished row is kept.\n\n"
	      "  -b, --backend LIST         backends to measure (default thread)\n"
	      "  -w, --workload LIST        workloads to run (default spin)\n"
	      "  -P LIST                    parallel fractions in [0,1], e.g. 0.5,0.9 or 0.5..0.9:+0.1\n"
	      "                             (default 0.9)\n"
	      "  -N LIST                    worker counts: 1,2,4 or 1-8 or 1..320:x2 (default 1,2,4);\n"
	      "                             N=1 is always measured\n"
	      "  -r, --reps R               timed repetitions per point (default 5)\n"
	      "      --warmup W             untimed repetitions before them (default 1)\n"
	      "      --work SECONDS         what one worker needs for the whole job (default 0.2;\n"
	      "                             suffixes ms, s, m)\n"
	      "      --phases K             alternate K serial and K parallel sections (default 1)\n"
	      "      --pin POLICY           none (default), compact or spread: pin each worker and\n"
	      "                             the serial part to a CPU of the affinity mask; compact\n"
	      "                             fills a core's hardware threads, then a package; spread\n"
	      "                             puts consecutive workers as far apart as it can. The\n"
	      "                             cpus column says where they ran, pinned or not\n"
	      "      --scaling strong|weak  weak: the parallel part grows with N (Gustafson)\n"
	      "      --order rounds|points  rounds (default): each round visits every point once,\n"
	      "                             N=1 first, the rest shuffled; speedup is paired with the\n"
	      "                             same round's N=1. points: each point's repetitions back\n"
	      "                             to back; speedup against the median N=1 time\n"
	      "      --timeout SECONDS      per measurement (default 60 + 10 x work)\n"
	      "      --cv-warn FRACTION     warn when a point's coefficient of variation exceeds it\n"
	      "                             (default 0.1)\n"
	      "  -o, --out FILE             CSV file (default stdout); metadata in FILE.meta.json\n"
	      "      --seed S               seed of the round order (default 1)\n"
	      "  -q, --quiet                no progress line and no summary on stderr\n"
	      "  -h, --help                 this help\n"
	      "\nmeasuring a program (instead of -b/-w/-P):\n"
	      "      --cmd 'PROG ARGS'      run PROG with {N} replaced by N, as the cmd backend;\n"
	      "                             repeat for several programs (measured in interleaved\n"
	      "                             rounds); split into words, exec'd without a shell\n"
	      "      --name NAME            label of the matching --cmd (default: the command)\n"
	      "      --env NAME=VALUE       set a variable for the program, {N} replaced (repeatable),\n"
	      "                             e.g. --env OMP_NUM_THREADS={N}\n"
	      "      --shell                run the commands through sh -c (pipes, redirections)\n"
	      "      --setup CMD            sh -c once per program, before its measurements\n"
	      "      --prepare CMD          sh -c before every run, untimed\n"
	      "      --show-output          keep the program's stdout and stderr (default /dev/null)\n"
	      "      --ignore-failure       a non-zero exit status does not fail the point\n", fp);
	fputs("\nbackends:\n", fp);
	for (const struct backend *const *b = backend_registry; *b; b++) {
		fprintf(fp, "  %-10s %s%s%s\n", (*b)->name, (*b)->summary,
			(*b)->unavailable ? " [unavailable: " : "", (*b)->unavailable ? (*b)->unavailable : "");
		if ((*b)->unavailable)
			fputs("]\n", fp);
		print_params(fp, (*b)->params);
	}
	fputs("\nworkloads:\n", fp);
	for (const struct workload *const *w = workload_registry; *w; w++) {
		fprintf(fp, "  %-10s %s\n", (*w)->name, (*w)->summary);
		print_params(fp, (*w)->params);
	}
	fputs("\nexamples:\n  amdahl run -b thread,process,openmp -P 0.9 -N 1,2,64 --reps 5 --work 0.3 -o r.csv\n"
	      "  amdahl run --cmd 'zstd -T{N} -19 -c data' -N 1..16:x2 --reps 10 -o zstd.csv\n", fp);
}

struct run_opts {
	char *backend, *workload, *plist, *nlist, *out;
	int explicit_bwp;		/* -b, -w or -P was given */
	const char *cmds[RUN_CMDS_MAX], *names[RUN_CMDS_MAX], *env[RUN_CMDS_MAX + 1];
	int ncmds, nnames, nenv, shell, show_output, ignore_failure;
	const char *setup, *prepare;
	int reps, warmup, phases, quiet;
	double work, timeout, cv_warn;
	uint64_t seed;
	enum scaling scaling;
	enum sweep_order order;
	enum topology_pin pin;
	struct params params;
};

/* Build the getopt table: core options plus every plugin's, deduplicated. */
static struct option *build_options(const struct param_spec ***specs_out)
{
	size_t n = ARRAY_SIZE(core_options), cap = n + 1;
	struct option *opts;
	const struct param_spec **specs;
	size_t k = 0;

	for (const struct backend *const *b = backend_registry; *b; b++)
		for (const struct param_spec *p = (*b)->params; p && p->name; p++)
			cap++;
	for (const struct workload *const *w = workload_registry; *w; w++)
		for (const struct param_spec *p = (*w)->params; p && p->name; p++)
			cap++;
	opts = xcalloc(cap + 1, sizeof(*opts));
	specs = xcalloc(cap + 1, sizeof(*specs));
	memcpy(opts, core_options, sizeof(core_options));
#define ADD_SPECS(list)								\
	for (const struct param_spec *p = (list); p && p->name; p++) {		\
		int dup = 0;							\
		for (size_t i = 0; i < n; i++)					\
			dup |= strcmp(opts[i].name, p->name) == 0;		\
		if (dup)							\
			continue;						\
		opts[n].name = p->name;						\
		opts[n].has_arg = required_argument;				\
		opts[n].val = OPT_PLUGIN;					\
		specs[k++] = p;							\
		n++;								\
	}
	for (const struct backend *const *b = backend_registry; *b; b++)
		ADD_SPECS((*b)->params)
	for (const struct workload *const *w = workload_registry; *w; w++)
		ADD_SPECS((*w)->params)
#undef ADD_SPECS
	*specs_out = specs;
	return opts;
}

static int parse_int_opt(const char *name, const char *val, long lo, long hi, int *out)
{
	uint64_t v;

	if (parse_u64(val, &v) < 0 || v < (uint64_t)lo || v > (uint64_t)hi) {
		usagef("run", "bad --%s '%s': expected an integer from %ld to %ld", name, val, lo, hi);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct run_opts *o)
{
	const struct param_spec **specs;
	struct option *opts = build_options(&specs);
	int c, idx, rc = 0;

	optind = 1;
	opterr = 0;
	while (rc == 0 && (c = getopt_long(argc, argv, ":b:w:P:N:r:o:qh", opts, &idx)) != -1) {
		double d;
		switch (c) {
		case 'b': o->backend = optarg; o->explicit_bwp = 1; break;
		case 'w': o->workload = optarg; o->explicit_bwp = 1; break;
		case 'P': o->plist = optarg; o->explicit_bwp = 1; break;
		case OPT_SHELL: o->shell = 1; break;
		case OPT_SHOW_OUTPUT: o->show_output = 1; break;
		case OPT_IGNORE_FAILURE: o->ignore_failure = 1; break;
		case OPT_SETUP: o->setup = optarg; break;
		case OPT_PREPARE: o->prepare = optarg; break;
		case OPT_CMD:
		case OPT_NAME:
		case OPT_ENV: {
			const char **list = c == OPT_CMD ? o->cmds : c == OPT_NAME ? o->names : o->env;
			int *len = c == OPT_CMD ? &o->ncmds : c == OPT_NAME ? &o->nnames : &o->nenv;
			if (*len >= RUN_CMDS_MAX) {
				usagef("run", "more than %d --%s options", RUN_CMDS_MAX, opts[idx].name);
				rc = -1;
			} else {
				list[(*len)++] = optarg;
			}
			break;
		}
		case 'N': o->nlist = optarg; break;
		case 'o': o->out = optarg; break;
		case 'q': o->quiet = 1; break;
		case 'h': usage(stdout); rc = 1; break;
		case 'r': rc = parse_int_opt("reps", optarg, 1, 100000, &o->reps); break;
		case OPT_WARMUP: rc = parse_int_opt("warmup", optarg, 0, 100000, &o->warmup); break;
		case OPT_PHASES: rc = parse_int_opt("phases", optarg, 1, 100000, &o->phases); break;
		case OPT_WORK:
			if (parse_seconds(optarg, &d) < 0 || d < 1e-3 || d > 86400) {
				usagef("run", "bad --work '%s': expected seconds from 0.001 to 86400", optarg);
				rc = -1;
			}
			o->work = d;
			break;
		case OPT_TIMEOUT:
			if (parse_seconds(optarg, &d) < 0 || d > 7 * 86400) {
				usagef("run", "bad --timeout '%s': expected a positive number of seconds", optarg);
				rc = -1;
			}
			o->timeout = d;
			break;
		case OPT_CV_WARN:
			if (parse_double(optarg, &d) < 0 || d <= 0) {
				usagef("run", "bad --cv-warn '%s': expected a positive fraction", optarg);
				rc = -1;
			}
			o->cv_warn = d;
			break;
		case OPT_SEED:
			if (parse_u64(optarg, &o->seed) < 0) {
				usagef("run", "bad --seed '%s': expected a non-negative integer", optarg);
				rc = -1;
			}
			break;
		case OPT_SCALING:
			if (strcmp(optarg, "strong") == 0)
				o->scaling = SCALING_STRONG;
			else if (strcmp(optarg, "weak") == 0)
				o->scaling = SCALING_WEAK;
			else {
				usagef("run", "bad --scaling '%s': expected strong or weak", optarg);
				rc = -1;
			}
			break;
		case OPT_ORDER:
			if (strcmp(optarg, "rounds") == 0)
				o->order = ORDER_ROUNDS;
			else if (strcmp(optarg, "points") == 0)
				o->order = ORDER_POINTS;
			else {
				usagef("run", "bad --order '%s': expected rounds or points", optarg);
				rc = -1;
			}
			break;
		case OPT_PIN:
			if (topology_pin_parse(optarg, &o->pin) < 0) {
				usagef("run", "bad --pin '%s': expected none, compact or spread", optarg);
				rc = -1;
			}
			break;
		case OPT_PLUGIN:
			if (params_set(&o->params, opts[idx].name, optarg) < 0) {
				usagef("run", "too many plugin options");
				rc = -1;
			}
			break;
		case ':':
			usagef("run", "option '%s' needs a value", argv[optind - 1]);
			rc = -1;
			break;
		default:
			usagef("run", "unknown option '%s'", argv[optind - 1]);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && optind < argc) {
		usagef("run", "unexpected argument '%s'", argv[optind]);
		rc = -1;
	}
	if (rc == 0 && o->ncmds && o->explicit_bwp) {
		usagef("run", "--cmd measures a program: --backend, --workload and -P do not apply");
		rc = -1;
	}
	if (rc == 0 && !o->ncmds && (o->nnames || o->nenv || o->shell || o->setup || o->prepare ||
				     o->show_output || o->ignore_failure)) {
		usagef("run", "--name, --env, --shell, --setup, --prepare, --show-output and "
		       "--ignore-failure go with --cmd");
		rc = -1;
	}
	if (rc == 0 && o->nnames > o->ncmds) {
		usagef("run", "%d --name for %d --cmd", o->nnames, o->ncmds);
		rc = -1;
	}
	free(opts);
	free(specs);
	return rc;
}

/* The largest N this user may start: LIST_N_MAX, lowered by RLIMIT_NPROC. */
static int max_workers(void)
{
	struct rlimit rl;
	int max = LIST_N_MAX;

	if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		/* Leave room for the harness, its children and the rest of the session. */
		rlim_t room = rl.rlim_cur > 64 ? rl.rlim_cur - 64 : 1;
		if (room < (rlim_t)max)
			max = (int)room;
	}
	return max;
}

static int resolve_plugins(const struct run_opts *o, const struct backend ***bs, size_t *nb,
			   const struct workload ***ws, size_t *nw)
{
	char **bw = split_commas(o->backend, NULL), **ww = split_commas(o->workload, NULL), err[256];
	int rc = 0;

	*bs = xcalloc(64, sizeof(**bs));
	*ws = xcalloc(64, sizeof(**ws));
	*nb = *nw = 0;
	for (char **w = bw; *w && rc == 0; w++) {
		const struct backend *b = backend_find(*w);
		if (!b) {
			usagef("run", "unknown backend '%s' (see 'amdahl info')", *w);
			rc = -1;
		} else if (b->unavailable) {
			errorf("backend '%s' is not available in this build: %s", *w, b->unavailable);
			rc = -1;
		} else if (*nb < 64) {
			(*bs)[(*nb)++] = b;
		}
	}
	for (char **w = ww; *w && rc == 0; w++) {
		const struct workload *wl = workload_find(*w);
		if (!wl) {
			usagef("run", "unknown workload '%s' (see 'amdahl info')", *w);
			rc = -1;
		} else if ((wl->needs & WORKLOAD_EXTERNAL) && !o->ncmds) {
			usagef("run", "workload '%s' runs programs given with --cmd", *w);
			rc = -1;
		} else if (*nw < 64) {
			(*ws)[(*nw)++] = wl;
		}
	}
	for (size_t i = 0; i < *nw && rc == 0; i++)
		if ((*ws)[i]->check && (*ws)[i]->check(&o->params, err, sizeof(err)) < 0) {
			usagef("run", "%s", err);
			rc = -1;
		}
	for (size_t i = 0; i < *nb && rc == 0; i++) {
		if ((*bs)[i]->check && (*bs)[i]->check(&o->params, err, sizeof(err)) < 0) {
			usagef("run", "%s", err);
			rc = -1;
		}
		for (size_t j = 0; j < *nw && rc == 0; j++) {
			const char *why = (*bs)[i]->refuse ? (*bs)[i]->refuse((*ws)[j]) : NULL;
			if (!why && ((*ws)[j]->needs & WORKLOAD_EXTERNAL) && !(*bs)[i]->refuse)
				why = "it runs only programs given with --cmd (the cmd backend)";
			if (why) {
				errorf("backend '%s' cannot run workload '%s': %s", (*bs)[i]->name, (*ws)[j]->name, why);
				rc = -1;
			}
		}
	}
	for (size_t i = 0; i < o->params.len && rc == 0; i++) {
		const char *name = o->params.v[i].name;
		int used = 0;
		for (size_t j = 0; j < *nb; j++)
			used |= params_declares((*bs)[j]->params, name);
		for (size_t j = 0; j < *nw; j++)
			used |= params_declares((*ws)[j]->params, name);
		if (!used) {
			usagef("run", "--%s belongs to a backend or workload that is not selected", name);
			rc = -1;
		}
	}
	free_words(bw);
	free_words(ww);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = {
		.backend = "thread", .workload = "spin", .plist = "0.9", .nlist = "1,2,4",
		.reps = 5, .warmup = 1, .phases = 1, .work = 0.2, .timeout = 0, .cv_warn = 0.1,
		.seed = 1, .scaling = SCALING_STRONG, .order = ORDER_ROUNDS,
	};
	struct sweep_config cfg;
	struct sweep_outcome outcome;
	struct topology_placement placement = { .pin = TOPOLOGY_PIN_NONE };
	struct exec_cmd cmds[RUN_CMDS_MAX];
	const struct backend **bs = NULL;
	const struct workload **ws = NULL;
	char err[4300], meta_path[4200];
	json_t *meta = NULL;
	FILE *out = stdout;
	int rc, status;

	rc = parse_args(argc, argv, &o);
	if (rc > 0)
		return finish_stdout() < 0 ? EXIT_FAILED : EXIT_OK;
	if (rc < 0)
		return EXIT_USAGE;
	memset(&cfg, 0, sizeof(cfg));
	if (list_parse_p(o.plist, &cfg.ps, err, sizeof(err)) < 0) {
		usagef("run", "%s", err);
		return EXIT_USAGE;
	}
	if (list_parse_n(o.nlist, max_workers(), &cfg.ns, err, sizeof(err)) < 0) {
		usagef("run", "%s (the limit is %d on this machine)", err, max_workers());
		list_free_p(&cfg.ps);
		return EXIT_USAGE;
	}
	list_ensure_n(&cfg.ns, 1);
	if (o.ncmds) {
		o.backend = "cmd";
		o.workload = "exec";
		o.env[o.nenv] = NULL;
		for (int i = 0; i < o.ncmds; i++) {
			cmds[i] = (struct exec_cmd){
				.name = i < o.nnames ? o.names[i] : o.cmds[i], .tmpl = o.cmds[i],
				.shell = o.shell, .env = o.env, .setup = o.setup, .prepare = o.prepare,
				.show_output = o.show_output, .ignore_failure = o.ignore_failure,
			};
			if (exec_check(&cmds[i], err, sizeof(err)) < 0) {
				errorf("%s", err);
				status = EXIT_USAGE;
				goto out;
			}
		}
		cfg.cmds = cmds;
		cfg.ncmds = (size_t)o.ncmds;
	}
	if (resolve_plugins(&o, &bs, &cfg.nbackends, &ws, &cfg.nworkloads) < 0) {
		status = EXIT_USAGE;
		goto out;
	}
	if (o.out) {
		out = fopen(o.out, "w");
		if (!out) {
			errorf("cannot write '%s': %s", o.out, strerror(errno));
			status = EXIT_USAGE;
			goto out;
		}
		meta_path_for(o.out, meta_path, sizeof(meta_path));
	}
	if (topology_placement_init(&placement, o.pin, err, sizeof(err)) < 0 && o.pin != TOPOLOGY_PIN_NONE)
		warnf("--pin %s: %s; pinning in the order of the affinity mask", topology_pin_name(o.pin), err);
	meta = meta_new(argc + 1, argv - 1);
	cfg.backends = bs;
	cfg.workloads = ws;
	cfg.reps = o.reps;
	cfg.warmup = o.warmup;
	cfg.phases = o.phases;
	cfg.scaling = o.scaling;
	cfg.order = o.order;
	cfg.work_s = o.work;
	cfg.timeout_s = o.timeout > 0 ? o.timeout : 60 + 10 * o.work;
	cfg.cv_warn = o.cv_warn;
	cfg.seed = o.seed;
	cfg.params = &o.params;
	cfg.cores = machine_usable_cores();
	cfg.placement = &placement;
	cfg.quiet = o.quiet;
	cfg.progress = !o.quiet && isatty(STDERR_FILENO);
	cfg.out = out;
	sweep_install_sigint();
	rc = sweep_run(&cfg, &outcome);
	if (outcome.write_error)
		errorf("cannot write the results to '%s': %s", o.out ? o.out : "standard output",
		       strerror(errno ? errno : EIO));
	status = outcome.interrupted ? EXIT_INTERRUPTED : rc < 0 ? EXIT_FAILED : EXIT_OK;
	if (outcome.interrupted)
		errorf("interrupted: %zu finished row%s kept", outcome.rows, outcome.rows == 1 ? "" : "s");
	else if (rc < 0 && outcome.failed_points)
		errorf("%zu point%s failed; %zu finished row%s kept", outcome.failed_points,
		       outcome.failed_points == 1 ? "" : "s", outcome.rows, outcome.rows == 1 ? "" : "s");
	{
		json_t *cal = json_object();
		for (size_t i = 0; i < cfg.nworkloads; i++)
			json_object_set_new(cal, ws[i]->name, json_pack("{s:f,s:I}", "units_per_s",
				outcome.rates[i], "units", (json_int_t)outcome.units[i]));
		json_object_set_new(meta, "calibration", cal);
		json_object_set_new(meta, "order", json_string(o.order == ORDER_ROUNDS ? "rounds" : "points"));
		json_object_set_new(meta, "seed", json_integer((json_int_t)o.seed));
		json_object_set_new(meta, "pin", json_string(topology_pin_name(o.pin)));
		topology_cpus_format(placement.cpus, placement.ncpus, err, sizeof(err));
		json_object_set_new(meta, "pin_cpus", json_string(err));
		json_object_set_new(meta, "work_s", json_real(o.work));
		json_object_set_new(meta, "rows", json_integer((json_int_t)outcome.rows));
		json_object_set_new(meta, "elapsed_s", json_real(outcome.elapsed_s));
		json_object_set_new(meta, "status", json_integer(status));
		if (isfinite(meta_loadavg()))
			json_object_set_new(meta, "loadavg_after", json_real(meta_loadavg()));
	}
	if (o.out && meta_write(meta, meta_path) < 0) {
		errorf("cannot write '%s': %s", meta_path, strerror(errno));
		if (status == EXIT_OK)
			status = EXIT_FAILED;
	}
	sweep_outcome_free(&outcome);
	if (out == stdout) {
		if (finish_stdout() < 0 && status == EXIT_OK)
			status = EXIT_FAILED;
	} else if (fclose(out) != 0 && status == EXIT_OK) {
		errorf("cannot write '%s': %s", o.out, strerror(errno));
		status = EXIT_FAILED;
	}
out:
	json_decref(meta);
	topology_placement_free(&placement);
	free(bs);
	free(ws);
	list_free_p(&cfg.ps);
	list_free_n(&cfg.ns);
	return status;
}
