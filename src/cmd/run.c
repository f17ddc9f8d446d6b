/*
 * amdahl run: parse the sweep's options (its own and those the backends and
 * workloads declare), check every value before anything is written, run the
 * sweep, and write the CSV and its meta.json sidecar.
 */
#include "cmd.h"
#include "../api/backend.h"
#include "../base/list.h"
#include "../base/machine.h"
#include "../base/options.h"
#include "../engine/meta.h"
#include "../engine/output.h"
#include "../engine/engine.h"
#include "../engine/calibrate.h"
#include "../engine/sweep.h"
#include "../results/summary.h"
#include "../base/topology.h"
#include "../base/util.h"
#include "../api/workload.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* The defaults of -b, -w and -P, applied after parsing; --cmd alone measures only its
 * programs, --cmd with any of -b/-w/-P measures both in one run. */
#define RUN_BACKEND "thread"
#define RUN_WORKLOAD "spin"
#define RUN_P "0.9"
/* --reps without --precision, --max-reps with it. */
#define RUN_REPS 5
#define RUN_MAX_REPS 50

struct run_opts {
	const char *backend, *workload, *plist, *nlist, *out, *meta;
	struct option_list cmds, names, env;
	int shell, show_output, ignore_failure;
	const char *setup, *prepare;
	int reps, warmup, phases, quiet;
	double work, timeout, cv_warn;
	double precision, time_budget;	/* 0: not given */
	int max_reps;			/* 0: not given */
	const char *precision_of;	/* NULL: not given */
	uint64_t seed;
	int scaling, order, pin;	/* enum scaling, sweep_order, topology_pin */
	int explain;			/* run_switch: 0 on, 1 off */
	struct params params;
};

static const char *const run_scalings[] = { [SCALING_STRONG] = "strong", [SCALING_WEAK] = "weak", NULL };
static const char *const run_orders[] = { [ENGINE_ROUNDS] = "rounds", [ENGINE_POINTS] = "points", NULL };
static const char *const run_switch[] = { "on", "off", NULL };

#define RUN_AT(field) OPTION_AT(struct run_opts, field)

/* The run's own options; the plugins' are appended from the registries. */
static const struct option_spec run_specs[] = {
	{ .name = "backend", .short_name = 'b', .kind = OPTION_STRING, .metavar = "LIST", RUN_AT(backend),
	  .help = "backends to measure (default " RUN_BACKEND ")" },
	{ .name = "workload", .short_name = 'w', .kind = OPTION_STRING, .metavar = "LIST", RUN_AT(workload),
	  .help = "workloads to run (default " RUN_WORKLOAD ")" },
	{ .name = "P", .short_name = 'P', .kind = OPTION_STRING, .metavar = "LIST", RUN_AT(plist),
	  .help = "parallel fractions in [0,1], e.g. 0.5,0.9 or 0.5..0.9:+0.1\n(default " RUN_P ")" },
	{ .name = "N", .short_name = 'N', .kind = OPTION_STRING, .metavar = "LIST", .def = "1,2,4", RUN_AT(nlist),
	  .help = "worker counts: 1,2,4 or 1-8 or 1..320:x2;\nN=1 is always measured" },
	{ .name = "reps", .short_name = 'r', .kind = OPTION_INT, .metavar = "R", .min = 1, .max = 100000,
	  RUN_AT(reps), .help = "timed repetitions per point (default " OPTION_TEXT(RUN_REPS) ")" },
	{ .name = "warmup", .kind = OPTION_INT, .metavar = "W", .min = 0, .max = 100000, .def = "1",
	  RUN_AT(warmup), .help = "untimed repetitions before them" },
	{ .name = "work", .kind = OPTION_DECIMAL, .flags = OPTION_SECONDS, .min = 1e-3, .max = 86400,
	  .def = "0.2", RUN_AT(work), .help = "what one worker needs for the whole job\n(suffixes us, ms, s, m)" },
	{ .name = "phases", .kind = OPTION_INT, .metavar = "K", .min = 1, .max = 100000, .def = "1",
	  RUN_AT(phases), .help = "alternate K serial and K parallel sections" },
	{ .name = "pin", .kind = OPTION_CHOICE, .metavar = "POLICY", .choices = topology_pin_names, .def = "none",
	  RUN_AT(pin), .help = "none, compact or spread: pin each worker and\nthe serial part to a CPU of the "
	  "affinity mask; compact\nfills a core's hardware threads, then a package; spread\nputs consecutive "
	  "workers as far apart as it can. The\ncpus column says where they ran, pinned or not" },
	{ .name = "scaling", .kind = OPTION_CHOICE, .choices = run_scalings, .def = "strong", RUN_AT(scaling),
	  .help = "weak: the parallel part grows with N (Gustafson)" },
	{ .name = "order", .kind = OPTION_CHOICE, .choices = run_orders, .def = "rounds", RUN_AT(order),
	  .help = "rounds: each round visits every point once,\nN=1 first, the rest shuffled; speedup is "
	  "paired with the\nsame round's N=1. points: each point's repetitions back\nto back; speedup "
	  "against the median N=1 time" },
	{ .name = "explain", .kind = OPTION_CHOICE, .choices = run_switch, .def = "on", RUN_AT(explain),
	  .help = "on: every row carries the speedup stack's parts\n(useful_s ... idle_s: where the N workers' time went;\n"
	  "amdahl explain); off: workers record nothing (the\nrecords cost about 17 us a fresh thread, a few percent\n"
	  "at N = 320 with little work)" },
	{ .name = "timeout", .kind = OPTION_DECIMAL, .flags = OPTION_SECONDS | OPTION_MIN_OPEN, .min = 0,
	  .max = 7 * 86400, .expect = "a positive number of seconds (at most 7 days)", RUN_AT(timeout),
	  .help = "per measurement (default 60 + 10 x work)" },
	{ .name = "cv-warn", .kind = OPTION_DECIMAL, .metavar = "FRACTION", .flags = OPTION_MIN_OPEN, .min = 0,
	  .max = 1e6, .def = OPTION_TEXT(SUMMARY_CV_WARN), RUN_AT(cv_warn),
	  .help = "warn when a point's coefficient of variation\nexceeds it" },
	{ .name = "out", .short_name = 'o', .kind = OPTION_STRING, .metavar = "FILE", RUN_AT(out),
	  .help = "CSV file (default stdout); metadata in FILE.meta.json" },
	{ .name = "meta", .kind = OPTION_STRING, .metavar = "FILE", RUN_AT(meta),
	  .help = "write the metadata (JSON) here (default FILE.meta.json\nbeside -o FILE; none for stdout, a device "
	  "or a pipe)" },
	{ .name = "seed", .kind = OPTION_INT, .metavar = "S", .min = 0, .max = 18446744073709551615.0, .def = "1",
	  RUN_AT(seed), .expect = "a non-negative integer", .help = "seed of the round order" },
	{ .name = "quiet", .short_name = 'q', .kind = OPTION_FLAG, RUN_AT(quiet),
	  .help = "no progress line and no summary on stderr" },
	{ .name = "precision", .kind = OPTION_DECIMAL, .flags = OPTION_PERCENT | OPTION_MIN_OPEN | OPTION_MAX_OPEN,
	  .min = 0, .max = 100, RUN_AT(precision), .section = "measuring to a precision (instead of --reps):",
	  .help = "add rounds until the 95% interval of every point's\nmedian speedup lies within +-PCT of it "
	  "(rounds order;\nat least " OPTION_TEXT(PRECISION_MIN_ROUNDS) " rounds)" },
	{ .name = "max-reps", .kind = OPTION_INT, .metavar = "R", .min = 1, .max = 100000, RUN_AT(max_reps),
	  .help = "with --precision: at most R rounds (default " OPTION_TEXT(RUN_MAX_REPS) ")" },
	{ .name = "time-budget", .kind = OPTION_DECIMAL, .flags = OPTION_SECONDS | OPTION_MIN_OPEN, .min = 0,
	  .max = 7 * 86400, .expect = "a positive number of seconds (at most 7 days)", RUN_AT(time_budget),
	  .help = "with --precision: no round starts that would end\nthe whole run later than this (default: none)" },
	{ .name = "precision-target", .kind = OPTION_STRING, .metavar = "WHAT", .choices = precision_of_names,
	  RUN_AT(precision_of), .help = "speedup (default): each point's median speedup;\nfit: each group's "
	  "fitted P; both" },
	{ .name = "cmd", .kind = OPTION_LIST, .metavar = "'PROG ARGS'", RUN_AT(cmds),
	  .section = "measuring programs (alone, or beside -b/-w/-P):",
	  .help = "run PROG with {N} replaced by N, as the cmd backend;\nrepeat for several programs; "
	  "with -b, -w or -P the\nbuilt-in groups are measured too, all in interleaved\nrounds; split "
	  "into words, exec'd without a shell" },
	{ .name = "name", .kind = OPTION_LIST, .metavar = "NAME", RUN_AT(names),
	  .help = "label of the matching --cmd (default: the command)" },
	{ .name = "env", .kind = OPTION_LIST, .metavar = "NAME=VALUE", RUN_AT(env),
	  .help = "set a variable for the program, {N} replaced\n(repeatable), e.g. --env OMP_NUM_THREADS={N}" },
	{ .name = "shell", .kind = OPTION_FLAG, RUN_AT(shell),
	  .help = "run the commands through sh -c (pipes, redirections)" },
	{ .name = "setup", .kind = OPTION_STRING, .metavar = "CMD", RUN_AT(setup),
	  .help = "sh -c once per program, before its measurements" },
	{ .name = "prepare", .kind = OPTION_STRING, .metavar = "CMD", RUN_AT(prepare),
	  .help = "sh -c before every run, untimed" },
	{ .name = "show-output", .kind = OPTION_FLAG, RUN_AT(show_output),
	  .help = "keep the program's stdout and stderr (default /dev/null)" },
	{ .name = "ignore-failure", .kind = OPTION_FLAG, RUN_AT(ignore_failure),
	  .help = "a non-zero exit status does not fail the point" },
	{ .name = NULL },
};

/* After the options: the registries with each plugin's own options, and examples. */
static void run_usage_more(FILE *fp)
{
	fputs("\nbackends:\n", fp);
	for (const struct backend *const *b = backend_registry; *b; b++) {
		fprintf(fp, "  %-10s %s", (*b)->name, (*b)->summary);
		if ((*b)->unavailable)
			fprintf(fp, " [unavailable: %s]", (*b)->unavailable);
		fputc('\n', fp);
		options_print(fp, (*b)->params);
	}
	fputs("\nworkloads:\n", fp);
	for (const struct workload *const *w = workload_registry; *w; w++) {
		fprintf(fp, "  %-10s %s\n", (*w)->name, (*w)->summary);
		options_print(fp, (*w)->params);
	}
	fputs("\nexamples:\n  amdahl run -b thread,process,openmp -P 0.9 -N 1,2,64 --reps 5 --work 0.3 -o r.csv\n"
	      "  amdahl run --cmd 'zstd -T{N} -19 -c data' -N 1..16:x2 --reps 10 -o zstd.csv\n"
	      "  amdahl run --cmd 'python3 spin.py {N}' -b gil -w spin -P 1 -N 1,2 -o py.csv\n", fp);
}

static const struct options_usage run_usage = {
	.cmd = "run",
	.about = "Measure each backend x workload x P x N point, --reps times, one CSV row per\n"
		 "repetition. Every point runs in a forked child: a crash or hang is reported\n"
		 "(exit 1) and every finished row is kept.",
	.specs = run_specs,
	.more = run_usage_more,
};

/*
 * --precision chooses the number of rounds: --reps would fix it, and --order
 * points has no rounds to pair; --max-reps, --time-budget and
 * --precision-target go with it. Defaults applied here.
 */
static int check_precision(struct run_opts *o)
{
	int min = precision_min_reps(PRECISION_LEVEL);

	if (!(o->precision > 0)) {
		if (o->max_reps || o->time_budget > 0 || o->precision_of) {
			usagef("run", "--max-reps, --time-budget and --precision-target go with --precision");
			return -1;
		}
		o->reps = o->reps ? o->reps : RUN_REPS;
		return 0;
	}
	if (o->reps) {
		usagef("run", "--reps %d fixes the repetitions, --precision chooses them (--max-reps bounds them)",
		       o->reps);
		return -1;
	}
	if (o->order != ENGINE_ROUNDS) {
		usagef("run", "--precision adds rounds: it needs --order rounds");
		return -1;
	}
	o->max_reps = o->max_reps ? o->max_reps : RUN_MAX_REPS;
	if (o->max_reps < min) {
		usagef("run", "bad --max-reps '%d': below %d, the fewest rounds --precision may stop after", o->max_reps,
		       min);
		return -1;
	}
	o->reps = o->max_reps;
	return 0;
}

/* OPTIONS_GO_ON, or the exit status (--help printed, a usage error reported). */
static int parse_args(int argc, char **argv, struct run_opts *o)
{
	struct option_group plugins[64];
	size_t np = 0;
	int argi, explicit_bwp, rc;

	for (const struct backend *const *b = backend_registry; *b && np < ARRAY_SIZE(plugins); b++)
		plugins[np++] = params_group((*b)->params, &o->params);
	for (const struct workload *const *w = workload_registry; *w && np < ARRAY_SIZE(plugins); w++)
		plugins[np++] = params_group((*w)->params, &o->params);
	if ((rc = options_command(&run_usage, o, plugins, np, argc, argv, &argi)) != OPTIONS_GO_ON)
		return rc;
	explicit_bwp = o->backend || o->workload || o->plist;
	if (!o->cmds.len && (o->names.len || o->env.len || o->shell || o->setup || o->prepare ||
			     o->show_output || o->ignore_failure)) {
		usagef("run", "--name, --env, --shell, --setup, --prepare, --show-output and "
		       "--ignore-failure go with --cmd");
		return EXIT_USAGE;
	}
	if (o->names.len > o->cmds.len) {
		usagef("run", "%zu --name for %zu --cmd", o->names.len, o->cmds.len);
		return EXIT_USAGE;
	}
	if (check_precision(o) < 0)
		return EXIT_USAGE;
	o->plist = o->plist ? o->plist : RUN_P;
	if (o->cmds.len && !explicit_bwp)
		return OPTIONS_GO_ON;	/* the programs only: no built-in groups */
	o->backend = o->backend ? o->backend : RUN_BACKEND;
	o->workload = o->workload ? o->workload : RUN_WORKLOAD;
	return OPTIONS_GO_ON;
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

/* Whether p is among the first n of v: a plugin named twice is measured once. */
static int listed(const void *const *v, size_t n, const void *p)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == p)
			return 1;
	return 0;
}

/* The built-in groups' backends and workloads (none when only --cmd programs
 * are measured), each checked against the others and the plugin options. */
static int resolve_plugins(const struct run_opts *o, const struct backend ***bs, size_t *nb,
			   const struct workload ***ws, size_t *nw)
{
	char **bw = o->backend ? split_commas(o->backend, NULL) : xcalloc(1, sizeof(char *));
	char **ww = o->workload ? split_commas(o->workload, NULL) : xcalloc(1, sizeof(char *)), err[256];
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
		} else if (*nb < 64 && !listed((const void *const *)*bs, *nb, b)) {
			(*bs)[(*nb)++] = b;	/* -b thread,thread measures thread once */
		}
	}
	for (char **w = ww; *w && rc == 0; w++) {
		const struct workload *wl = workload_find(*w);
		if (!wl) {
			usagef("run", "unknown workload '%s' (see 'amdahl info')", *w);
			rc = -1;
		} else if (wl->needs & WORKLOAD_EXTERNAL) {
			usagef("run", "workload '%s' runs programs given with --cmd (no -w needed)", *w);
			rc = -1;
		} else if (*nw < 64 && !listed((const void *const *)*ws, *nw, wl)) {
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

/* The N and P lists, N = 1 added. */
static int run_lists(const struct run_opts *o, struct sweep_config *cfg)
{
	char err[4300];

	if (list_parse_p(o->plist, &cfg->ps, err, sizeof(err)) < 0) {
		usagef("run", "%s", err);
		return -1;
	}
	if (list_parse_n(o->nlist, max_workers(), &cfg->ns, err, sizeof(err)) < 0) {
		usagef("run", "%s (the limit is %d on this machine)", err, max_workers());
		return -1;
	}
	list_ensure_n(&cfg->ns, 1);
	return 0;
}

/* --cmd: the programs, checked (split into words, found on PATH); they run as cmd/exec. */
static int run_cmds(const struct run_opts *o, struct exec_cmd *cmds, const char **env, struct sweep_config *cfg)
{
	char err[4300];

	if (!o->cmds.len)
		return 0;
	memcpy(env, o->env.v, o->env.len * sizeof(*env));
	env[o->env.len] = NULL;
	for (size_t i = 0; i < o->cmds.len; i++) {
		cmds[i] = (struct exec_cmd){
			.name = i < o->names.len ? o->names.v[i] : o->cmds.v[i], .tmpl = o->cmds.v[i],
			.shell = o->shell, .env = env, .setup = o->setup, .prepare = o->prepare,
			.show_output = o->show_output, .ignore_failure = o->ignore_failure,
		};
		if (exec_check(&cmds[i], err, sizeof(err)) < 0) {
			errorf("%s", err);
			return -1;
		}
	}
	cfg->cmds = cmds;
	cfg->ncmds = o->cmds.len;
	cfg->cmd_backend = backend_find("cmd");
	cfg->cmd_workload = workload_find("exec");
	return 0;
}

static void run_config(const struct run_opts *o, struct sweep_config *cfg, const struct topology_placement *pl)
{
	cfg->reps = o->reps;
	cfg->warmup = o->warmup;
	cfg->phases = o->phases;
	cfg->scaling = o->scaling;
	cfg->order = o->order;
	cfg->work_s = o->work;
	cfg->timeout_s = o->timeout > 0 ? o->timeout : 60 + 10 * o->work;
	cfg->cv_warn = o->cv_warn;
	cfg->precision = o->precision;
	cfg->time_budget_s = o->time_budget;
	for (int i = 0; o->precision_of && precision_of_names[i]; i++)
		if (strcmp(o->precision_of, precision_of_names[i]) == 0)
			cfg->precision_of = (enum precision_of)i;
	cfg->seed = o->seed;
	cfg->params = &o->params;
	cfg->cores = machine_usable_cores();
	cfg->placement = pl;
	cfg->explain = o->explain == 0;
	cfg->quiet = o->quiet;
	cfg->progress = !o->quiet && isatty(STDERR_FILENO);
}

/* What meta.json says about the run, besides the machine. */
static void run_meta(json_t *meta, const struct run_opts *o, const struct sweep_config *cfg,
		     const struct sweep_outcome *so, const struct topology_placement *pl)
{
	json_t *cal = json_object();
	char cpus[4300];

	for (size_t i = 0; i < cfg->nworkloads; i++)
		json_object_set_new(cal, cfg->workloads[i]->name,
				    json_pack("{s:f,s:I,s:f,s:f}", "units_per_s", so->rates[i], "units",
					      (json_int_t)so->units[i], "cpu_s_per_unit", so->calib[i].cpu_s,
					      "off_s_per_unit", so->calib[i].off_s));
	json_object_set_new(meta, "calibration", cal);
	json_object_set_new(meta, "explain", json_string(run_switch[o->explain]));
	json_object_set_new(meta, "order", json_string(run_orders[o->order]));
	json_object_set_new(meta, "seed", json_integer((json_int_t)o->seed));
	json_object_set_new(meta, "pin", json_string(topology_pin_name(o->pin)));
	topology_cpus_format(pl->cpus, pl->ncpus, cpus, sizeof(cpus));
	json_object_set_new(meta, "pin_cpus", json_string(cpus));
	json_object_set_new(meta, "work_s", json_real(o->work));
	json_object_set_new(meta, "cv_warn", json_real(o->cv_warn));	/* the report words its warnings as the run did */
	json_object_set_new(meta, "elapsed_s", json_real(so->elapsed_s));
	if (so->precision)
		json_object_set(meta, "precision", so->precision);
	if (isfinite(meta_loadavg()))
		json_object_set_new(meta, "loadavg_after", json_real(meta_loadavg()));
}

/* Everything is checked: open the output, measure, close it. Returns the exit status. */
static int run_measure(const struct run_opts *o, struct sweep_config *cfg, int argc, char **argv)
{
	struct topology_placement placement = { .pin = TOPOLOGY_PIN_NONE };
	struct sweep_outcome so;
	struct output out;
	struct output_outcome oc;
	char err[4300];
	json_t *meta;
	int rc;

	if (output_open(&out, o->out, o->meta, o->quiet, err, sizeof(err)) < 0) {
		errorf("%s", err);
		return EXIT_USAGE;
	}
	if (topology_placement_init(&placement, o->pin, err, sizeof(err)) < 0 && o->pin != TOPOLOGY_PIN_NONE)
		warnf("--pin %s: %s; pinning in the order of the affinity mask", topology_pin_name(o->pin), err);
	meta = meta_new(argc + 1, argv - 1);
	run_config(o, cfg, &placement);
	cfg->out = out.fp;
	engine_open();
	rc = sweep_run(cfg, &so);
	engine_close();
	oc = (struct output_outcome){ .rows = so.rows, .failed = rc < 0 && !so.interrupted,
				      .failures = so.failed_points, .unit = "point",
				      .interrupted = so.interrupted, .write_error = so.write_error };
	run_meta(meta, o, cfg, &so, &placement);
	sweep_outcome_free(&so);
	rc = output_close(&out, meta, &oc);
	json_decref(meta);
	topology_placement_free(&placement);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct sweep_config cfg;
	struct exec_cmd cmds[OPTION_LIST_MAX];
	const char *env[OPTION_LIST_MAX + 1];
	const struct backend **bs = NULL;
	const struct workload **ws = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	if ((rc = parse_args(argc, argv, &o)) != OPTIONS_GO_ON)
		return rc;
	memset(&cfg, 0, sizeof(cfg));
	rc = EXIT_USAGE;
	if (run_lists(&o, &cfg) == 0 && run_cmds(&o, cmds, env, &cfg) == 0 &&
	    resolve_plugins(&o, &bs, &cfg.nbackends, &ws, &cfg.nworkloads) == 0) {
		cfg.backends = bs;
		cfg.workloads = ws;
		rc = run_measure(&o, &cfg, argc, argv);
	}
	free(bs);
	free(ws);
	list_free_p(&cfg.ps);
	list_free_n(&cfg.ns);
	return rc;
}
