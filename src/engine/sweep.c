/*
 * The sweep. The parent process only plans, reads pipes and writes rows: it
 * never runs a workload, starts OpenMP or MPI itself. Every calibration and
 * every visit of a measurement point is a forked child (isolate.c) that sends
 * one message per repetition; a crash, early exit or hang of that child ends
 * the point, not the sweep.
 *
 * Orders: "points" measures every N=1 point first, then each point's
 * repetitions back to back, and divides by the median N=1 time; "rounds"
 * visits every point once per round (N=1 points first, the rest shuffled) and
 * divides by the same round's N=1 time, so a drift of the machine cancels.
 */
#define _GNU_SOURCE
#include "sweep.h"
#include "calibrate.h"
#include "../base/clock.h"
#include "../results/csv.h"
#include "exec.h"
#include "isolate.h"
#include "../models/models.h"
#include "../models/stats.h"
#include "../base/topology.h"
#include "../base/util.h"
#include "../api/backend.h"
#include "../api/workload.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

volatile sig_atomic_t sweep_stop;

static void on_sigint(int sig)
{
	(void)sig;
	sweep_stop = 1;
}

void sweep_install_sigint(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* ---- child side ---- */

enum msg_kind { MSG_REP = 1, MSG_WARMUP, MSG_CALIB, MSG_ERROR };

/* One pipe message; smaller than PIPE_BUF, so each write is atomic. */
struct msg {
	int kind;
	int rep;
	double rate;
	struct timing t;
	char text[1024];
};
_Static_assert(sizeof(struct msg) <= 4096, "a message must fit PIPE_BUF");

struct point {
	const struct backend *backend;
	const struct workload *workload;
	size_t wi;		/* workload index (calibrated units) */
	double p;
	int n;
	size_t group;		/* backend x workload x p, or one --cmd */
	const struct exec_cmd *cmd;	/* the program of a --cmd point; NULL */
	int failed;
	double *walls, *speedups;	/* per repetition, in rep order */
	int *have;		/* have[rep]: measured */
	struct result *pending;	/* points order, N=1: rows held until the median is known */
	char numa_gbps[TIMING_NUMA_MAX];	/* the last repetition's, for the summary */
};

struct visit_args {
	const struct sweep_config *cfg;
	const struct point *pt;
	uint64_t units;
	int first_rep, nreps;
};

static void job_init_for(struct job *job, const struct sweep_config *cfg, const struct workload *w,
			 double p, uint64_t units, int max_workers)
{
	job_init(job, w, cfg->params, p, cfg->phases, cfg->scaling, units, max_workers);
	job->seed = cfg->seed;
	job->placement = cfg->placement;
}

/* Warm-ups of one visit. A --cmd program is a fresh process every run, so
 * only its first visit warms up (the file cache); a workload warms every
 * visit, since every visit is a fresh measuring process. */
static int visit_warmups(const struct sweep_config *cfg, const struct point *pt, int first_rep)
{
	return pt->cmd && first_rep > 0 ? 0 : cfg->warmup;
}

static int send_error(int fd, const char *text)
{
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.kind = MSG_ERROR;
	snprintf(m.text, sizeof(m.text), "%s", text[0] ? text : "failed");
	isolate_send(fd, &m, sizeof(m));
	return 1;
}

static int measure_once(const struct backend *b, const struct workload *w, struct job *job, int n,
			struct timing *t)
{
	double c0, t0, t1, c1;
	int rc;

	timing_init(t);
	job->nworkers = n;
	if (w->begin)
		w->begin(job);
	if (b->prepare && b->prepare(w, job, n) < 0)
		return -1;
	job_cpus_reset(job);
	c0 = clock_cpu(1);
	t0 = clock_now();
	rc = b->run(w, job, n, t);
	t1 = clock_now();
	c1 = clock_cpu(1);
	if (rc < 0)
		return -1;
	job_cpus_format(job, t->cpus, sizeof(t->cpus));
	if (t->wall_s == 0)
		t->wall_s = t1 - t0;
	if (t->cpu_s < 0)
		t->cpu_s = c1 - c0;
	if (w->report)
		w->report(job, t);
	return 0;
}

static int visit_child(void *arg, int fd)
{
	const struct visit_args *va = arg;
	const struct point *pt = va->pt;
	const struct workload *w = pt->workload;
	struct job job;
	struct msg m;

	job_init_for(&job, va->cfg, w, pt->p, va->units, pt->n);
	job.cmd = pt->cmd;
	/* Pinned before setup, so the workload's memory is first touched (and so
	 * placed, on NUMA machines) where the serial part will run. */
	job_worker_start(&job, -1);
	if (w->setup && w->setup(&job) < 0)
		return send_error(fd, job.err);
	for (int i = 0; i < visit_warmups(va->cfg, pt, va->first_rep); i++) {
		memset(&m, 0, sizeof(m));
		if (measure_once(pt->backend, w, &job, pt->n, &m.t) < 0)
			return send_error(fd, job.err);
		m.kind = MSG_WARMUP;
		if (isolate_send(fd, &m, sizeof(m)) < 0)
			return 1;
	}
	for (int r = 0; r < va->nreps; r++) {
		memset(&m, 0, sizeof(m));
		if (measure_once(pt->backend, w, &job, pt->n, &m.t) < 0)
			return send_error(fd, job.err);
		m.kind = MSG_REP;
		m.rep = va->first_rep + r;
		if (isolate_send(fd, &m, sizeof(m)) < 0)
			return 1;
	}
	if (w->teardown)
		w->teardown(&job);
	return 0;
}

struct calib_args {
	const struct sweep_config *cfg;
	const struct workload *w;
};

static int calib_child(void *arg, int fd)
{
	const struct calib_args *ca = arg;
	struct job job;
	struct msg m;

	job_init_for(&job, ca->cfg, ca->w, 1.0, 1, 1);
	if (ca->w->setup && ca->w->setup(&job) < 0)
		return send_error(fd, job.err);
	memset(&m, 0, sizeof(m));
	if (calibrate_rate(&job, &m.rate) < 0)
		return send_error(fd, job.err);
	m.kind = MSG_CALIB;
	isolate_send(fd, &m, sizeof(m));
	if (ca->w->teardown)
		ca->w->teardown(&job);
	return 0;
}

/* ---- parent side ---- */

struct sweep {
	const struct sweep_config *cfg;
	struct sweep_outcome *out;
	struct point *points;
	size_t npoints, ngroups;
	size_t done, total;	/* repetitions, for progress */
	double t_start;
	int progress_drawn;
};

static void point_name(const struct point *pt, char *buf, size_t len)
{
	if (pt->cmd)
		snprintf(buf, len, "cmd '%s' n=%d", pt->cmd->name, pt->n);
	else
		snprintf(buf, len, "%s/%s p=%g n=%d", pt->backend->name, pt->workload->name, pt->p, pt->n);
}

static void progress_clear(struct sweep *s)
{
	if (s->progress_drawn) {
		fputs("\r\033[K", stderr);
		s->progress_drawn = 0;
	}
}

static void progress_draw(struct sweep *s, const struct point *pt, int rep)
{
	char name[128], eta[32] = "";
	double elapsed = clock_now() - s->t_start;

	if (!s->cfg->progress || s->cfg->quiet)
		return;
	point_name(pt, name, sizeof(name));
	if (s->done > 0) {
		double left = elapsed / (double)s->done * (double)(s->total - s->done);
		snprintf(eta, sizeof(eta), "ETA %dm%02ds", (int)(left / 60), (int)fmod(left, 60));
	} else {
		snprintf(eta, sizeof(eta), "ETA --");
	}
	fprintf(stderr, "\r\033[K[%zu/%zu] %s rep %d  %s", s->done, s->total, name, rep + 1, eta);
	fflush(stderr);
	s->progress_drawn = 1;
}

static const struct point *base_point(const struct sweep *s, const struct point *pt)
{
	for (size_t i = 0; i < s->npoints; i++)
		if (s->points[i].group == pt->group && s->points[i].n == 1)
			return &s->points[i];
	return NULL;
}

static void fill_result(const struct sweep *s, const struct point *pt, int rep, const struct timing *t,
			double base, struct result *r)
{
	const struct sweep_config *cfg = s->cfg;
	int weak = cfg->scaling == SCALING_WEAK;
	double n = pt->n;

	memset(r, 0, sizeof(*r));
	snprintf(r->backend, sizeof(r->backend), "%s", pt->backend->name);
	snprintf(r->workload, sizeof(r->workload), "%s", pt->workload->name);
	snprintf(r->label, sizeof(r->label), "%s", pt->cmd ? pt->cmd->name : "");
	r->p = pt->p;
	r->n = pt->n;
	r->rep = rep;
	r->t = *t;
	r->speedup = base / t->wall_s;
	if (weak)
		r->speedup *= (1.0 - pt->p) + pt->p * n;
	r->amdahl = weak ? models_gustafson(pt->p, n) : models_amdahl(pt->p, n);
	r->efficiency = r->speedup / n;
	r->cores = cfg->cores;
	r->ceiling = weak ? models_ceiling_weak(pt->p, n, cfg->cores) : models_ceiling(pt->p, n, cfg->cores);
	r->karp_flatt = weak ? NAN : models_karp_flatt(r->speedup, n);
	r->work_s = pt->cmd ? NAN : cfg->work_s;
	r->units = s->out->units[pt->wi];
	r->phases = cfg->phases;
	r->weak = weak;
}

static void write_row(struct sweep *s, struct point *pt, const struct result *r)
{
	if (s->out->write_error)
		return;
	if (csv_write_result(s->cfg->out, r) < 0) {
		s->out->write_error = 1;
		return;
	}
	pt->speedups[r->rep] = r->speedup;
	s->out->rows++;
}

/* Points order, N=1: write the held rows against the median of the finished ones. */
static void flush_pending(struct sweep *s, struct point *pt)
{
	double *v = xmalloc((size_t)s->cfg->reps * sizeof(*v)), base;
	size_t k = 0;

	if (!pt->pending) {
		free(v);
		return;
	}
	for (int r = 0; r < s->cfg->reps; r++)
		if (pt->have[r])
			v[k++] = pt->walls[r];
	base = stats_median(v, k);
	for (int r = 0; r < s->cfg->reps; r++) {
		if (!pt->have[r])
			continue;
		/* A copy: fill_result clears the row it fills, timing included. */
		struct timing t = pt->pending[r].t;

		fill_result(s, pt, r, &t, base, &pt->pending[r]);
		write_row(s, pt, &pt->pending[r]);
	}
	free(pt->pending);
	pt->pending = NULL;
	free(v);
}

static void on_rep(struct sweep *s, struct point *pt, int rep, const struct timing *t)
{
	struct result r;
	const struct point *bp;

	if (rep < 0 || rep >= s->cfg->reps || !(t->wall_s > 0))
		return;
	pt->walls[rep] = t->wall_s;
	pt->have[rep] = 1;
	snprintf(pt->numa_gbps, sizeof(pt->numa_gbps), "%s", t->numa_gbps);
	s->done++;
	if (s->cfg->order == ORDER_POINTS && pt->n == 1) {
		if (!pt->pending)
			pt->pending = xcalloc((size_t)s->cfg->reps, sizeof(*pt->pending));
		pt->pending[rep].t = *t;
		return;
	}
	bp = base_point(s, pt);
	if (s->cfg->order == ORDER_POINTS) {
		double *v = xmalloc((size_t)s->cfg->reps * sizeof(*v));
		size_t k = 0;
		for (int i = 0; i < s->cfg->reps; i++)
			if (bp->have[i])
				v[k++] = bp->walls[i];
		fill_result(s, pt, rep, t, stats_median(v, k), &r);
		free(v);
	} else {
		fill_result(s, pt, rep, t, bp->walls[rep], &r);
	}
	write_row(s, pt, &r);
}

/* Run one visit of a point; returns -1 when the sweep must stop (interrupt). */
static int run_visit(struct sweep *s, struct point *pt, int first_rep, int nreps)
{
	const struct sweep_config *cfg = s->cfg;
	struct visit_args va = { cfg, pt, s->out->units[pt->wi], first_rep, nreps };
	int expected = visit_warmups(cfg, pt, first_rep) + nreps, got = 0, stop = 0;
	char name[400], why[1100] = "";
	struct isolate iso;
	struct msg m;

	point_name(pt, name, sizeof(name));
	if (isolate_start(&iso, visit_child, &va) < 0) {
		progress_clear(s);
		errorf("point %s: cannot fork: %s", name, strerror(errno));
		pt->failed = 1;
		return 0;
	}
	progress_draw(s, pt, first_rep);
	while (got < expected) {
		enum isolate_read rc = isolate_read(&iso, &m, sizeof(m), cfg->timeout_s, &sweep_stop);

		if (rc == ISOLATE_MSG && m.kind == MSG_ERROR) {
			snprintf(why, sizeof(why), "%s", m.text);
			break;
		}
		if (rc == ISOLATE_MSG) {
			got++;
			if (m.kind == MSG_REP)
				on_rep(s, pt, m.rep, &m.t);
			/* The visit's last repetition is done: the next visit draws the line. */
			if (m.kind != MSG_REP || m.rep + 1 < first_rep + nreps)
				progress_draw(s, pt, m.kind == MSG_REP ? m.rep + 1 : first_rep);
			continue;
		}
		if (rc == ISOLATE_TIMEOUT) {
			snprintf(why, sizeof(why), "no result within --timeout %gs; its process group was ended",
				 cfg->timeout_s);
		} else if (rc == ISOLATE_INTERRUPTED) {
			stop = 1;
		} else {
			int status = isolate_finish(&iso);
			char how[64];
			isolate_describe(status, how, sizeof(how));
			snprintf(why, sizeof(why), "the measuring process %s before its results were in "
				 "(a worker crashed or exited)", how);
			iso.pid = -1;
		}
		break;
	}
	if (iso.pid > 0)
		isolate_finish(&iso);
	if (pt->pending && (got >= expected || why[0] || stop))
		flush_pending(s, pt);
	if (why[0] && !stop) {
		progress_clear(s);
		errorf("point %s failed: %s", name, why);
		pt->failed = 1;
		s->out->failed_points++;
	}
	if (stop) {
		progress_clear(s);
		s->out->interrupted = 1;
		return -1;
	}
	return 0;
}

static int calibrate_all(struct sweep *s)
{
	const struct sweep_config *cfg = s->cfg;

	for (size_t i = 0; i < cfg->nworkloads; i++) {
		struct calib_args ca = { cfg, cfg->workloads[i] };
		struct isolate iso;
		struct msg m;
		enum isolate_read rc;

		if (ca.w->needs & WORKLOAD_EXTERNAL)
			continue;	/* a program has no units to calibrate */
		if (isolate_start(&iso, calib_child, &ca) < 0) {
			errorf("cannot fork to calibrate '%s': %s", ca.w->name, strerror(errno));
			return -1;
		}
		rc = isolate_read(&iso, &m, sizeof(m), cfg->timeout_s, &sweep_stop);
		if (rc == ISOLATE_INTERRUPTED) {
			isolate_finish(&iso);
			s->out->interrupted = 1;
			return -1;
		}
		if (rc != ISOLATE_MSG || m.kind != MSG_CALIB || !(m.rate > 0)) {
			int status = isolate_finish(&iso);
			char how[64];
			isolate_describe(status, how, sizeof(how));
			errorf("calibration of workload '%s' failed: %s", ca.w->name,
			       rc == ISOLATE_MSG && m.kind == MSG_ERROR ? m.text :
			       rc == ISOLATE_TIMEOUT ? "no result within --timeout" : how);
			return -1;
		}
		isolate_finish(&iso);
		s->out->rates[i] = m.rate;
		s->out->units[i] = calibrate_units(m.rate, cfg->work_s);
	}
	return 0;
}

/* --cmd: one group per program, run by the cmd backend as the exec workload. */
static void build_cmd_points(struct sweep *s)
{
	const struct sweep_config *cfg = s->cfg;
	size_t k = 0;

	s->npoints = cfg->ncmds * cfg->ns.len;
	s->points = xcalloc(s->npoints, sizeof(*s->points));
	for (size_t c = 0; c < cfg->ncmds; c++)
		for (size_t n = 0; n < cfg->ns.len; n++, k++) {
			struct point *pt = &s->points[k];
			pt->backend = cfg->backends[0];
			pt->workload = cfg->workloads[0];
			pt->cmd = &cfg->cmds[c];
			pt->p = NAN;
			pt->n = cfg->ns.v[n];
			pt->group = c;
			pt->walls = xcalloc((size_t)cfg->reps, sizeof(double));
			pt->speedups = xcalloc((size_t)cfg->reps, sizeof(double));
			pt->have = xcalloc((size_t)cfg->reps, sizeof(int));
		}
	s->ngroups = cfg->ncmds;
	s->total = s->npoints * (size_t)cfg->reps;
}

/* --setup runs once per program, before any of its measurements. */
static int run_setups(struct sweep *s)
{
	char err[1024];

	for (size_t i = 0; i < s->npoints; i++) {
		struct point *pt = &s->points[i];
		if (!pt->cmd || !pt->cmd->setup || pt->n != 1)
			continue;
		if (exec_helper("--setup", pt->cmd->setup, 1, pt->cmd->show_output, err, sizeof(err)) < 0) {
			errorf("cmd '%s': %s", pt->cmd->name, err);
			for (size_t j = 0; j < s->npoints; j++)
				if (s->points[j].cmd == pt->cmd)
					s->points[j].failed = 1;
			s->out->failed_points++;
		}
		if (sweep_stop) {
			s->out->interrupted = 1;
			return -1;
		}
	}
	return 0;
}

static void build_points(struct sweep *s)
{
	const struct sweep_config *cfg = s->cfg;
	size_t k = 0, g = 0;

	if (cfg->ncmds) {
		build_cmd_points(s);
		return;
	}

	s->npoints = cfg->nbackends * cfg->nworkloads * cfg->ps.len * cfg->ns.len;
	s->points = xcalloc(s->npoints, sizeof(*s->points));
	for (size_t b = 0; b < cfg->nbackends; b++)
		for (size_t w = 0; w < cfg->nworkloads; w++)
			for (size_t p = 0; p < cfg->ps.len; p++, g++)
				for (size_t n = 0; n < cfg->ns.len; n++, k++) {
					struct point *pt = &s->points[k];
					pt->backend = cfg->backends[b];
					pt->workload = cfg->workloads[w];
					pt->wi = w;
					pt->p = cfg->ps.v[p];
					pt->n = cfg->ns.v[n];
					pt->group = g;
					pt->walls = xcalloc((size_t)cfg->reps, sizeof(double));
					pt->speedups = xcalloc((size_t)cfg->reps, sizeof(double));
					pt->have = xcalloc((size_t)cfg->reps, sizeof(int));
				}
	s->ngroups = g;
	s->total = s->npoints * (size_t)cfg->reps;
}

/* A visit is skipped when its point failed, or its group's N=1 base is missing. */
static int can_visit(const struct sweep *s, const struct point *pt, int rep)
{
	const struct point *bp = base_point(s, pt);

	if (pt->failed)
		return 0;
	if (pt->n == 1)
		return 1;
	if (bp->failed)
		return 0;
	if (s->cfg->order == ORDER_ROUNDS)
		return bp->have[rep];
	for (int i = 0; i < s->cfg->reps; i++)
		if (bp->have[i])
			return 1;
	return 0;
}

static int run_points(struct sweep *s)
{
	/* N=1 points first, so every later row's speedup is known when written. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < s->npoints; i++) {
			struct point *pt = &s->points[i];
			if ((pt->n == 1) != (pass == 0) || !can_visit(s, pt, 0))
				continue;
			if (run_visit(s, pt, 0, s->cfg->reps) < 0)
				return -1;
		}
	return 0;
}

static int run_rounds(struct sweep *s)
{
	size_t *order = xmalloc(s->npoints * sizeof(*order)), nbase = 0;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	int rc = 0;

	gsl_rng_set(rng, (unsigned long)s->cfg->seed);
	for (size_t i = 0; i < s->npoints; i++)
		if (s->points[i].n == 1)
			order[nbase++] = i;
	for (size_t i = 0, k = nbase; i < s->npoints; i++)
		if (s->points[i].n != 1)
			order[k++] = i;
	for (int r = 0; r < s->cfg->reps && rc == 0; r++) {
		if (nbase > 1)
			gsl_ran_shuffle(rng, order, nbase, sizeof(*order));
		if (s->npoints - nbase > 1)
			gsl_ran_shuffle(rng, order + nbase, s->npoints - nbase, sizeof(*order));
		for (size_t i = 0; i < s->npoints && rc == 0; i++) {
			struct point *pt = &s->points[order[i]];
			if (can_visit(s, pt, r))
				rc = run_visit(s, pt, r, 1);
			if (s->out->write_error)
				rc = -1;
		}
	}
	gsl_rng_free(rng);
	free(order);
	return rc;
}

/* hyperfine-style noise warnings: wide spread, or outliers by the modified z-score. */
static void warn_noise(const struct sweep *s, const struct point *pt)
{
	double *v = xmalloc((size_t)s->cfg->reps * sizeof(*v));
	struct stats_noise nz;
	size_t k = 0;
	char name[128];

	for (int r = 0; r < s->cfg->reps; r++)
		if (pt->have[r])
			v[k++] = pt->walls[r];
	point_name(pt, name, sizeof(name));
	/* One threshold for both: a spread or an outlier smaller than --cv-warn is not worth a word. */
	if (stats_noise(v, k, s->cfg->cv_warn, &nz) && nz.wide)
		warnf("point %s: wide spread (CV %.1f%%, above --cv-warn %g%%) over %zu repetitions; the machine may "
		      "be busy", name, 100 * nz.cv, 100 * s->cfg->cv_warn, k);
	else if (nz.outliers)
		warnf("point %s: %zu outlier%s of %zu repetitions, up to %.1f%% from the median (above --cv-warn "
		      "%g%%); the machine may be busy", name, nz.outliers, nz.outliers == 1 ? "" : "s", k,
		      100 * nz.worst, 100 * s->cfg->cv_warn);
	free(v);
}

/* With SMT, the rows at N = physical cores and N = hardware threads are marked. */
static int has_smt(const struct sweep_config *cfg)
{
	const struct topology_placement *pl = cfg->placement;

	return pl && pl->physical_cores > 0 && pl->hw_threads > pl->physical_cores;
}

static const char *smt_mark(const struct sweep_config *cfg, int n)
{
	if (!has_smt(cfg))
		return "";
	return n == cfg->placement->physical_cores ? "  <- N = physical cores" :
		n == cfg->placement->hw_threads ? "  <- N = hardware threads" : "";
}

static void print_summary(const struct sweep *s)
{
	const struct sweep_config *cfg = s->cfg;

	fprintf(stderr, "%-8s %-12s %6s %5s %10s %8s %8s %8s %7s\n", "backend", "workload", "p", "n",
		"median_s", "speedup", "model", "ceiling", "of_ceil");
	for (size_t i = 0; i < s->npoints; i++) {
		const struct point *pt = &s->points[i];
		double *w = xmalloc((size_t)cfg->reps * sizeof(double));
		double *sp = xmalloc((size_t)cfg->reps * sizeof(double));
		double model, ceiling, msp;
		size_t k = 0;

		for (int r = 0; r < cfg->reps; r++)
			if (pt->have[r] && pt->speedups[r] > 0) {
				w[k] = pt->walls[r];
				sp[k++] = pt->speedups[r];
			}
		const char *what = pt->cmd ? pt->cmd->name : pt->workload->name;

		if (k == 0) {
			fprintf(stderr, "%-8s %-12.12s %6g %5d %10s", pt->backend->name, what,
				pt->p, pt->n, pt->failed ? "failed" : "skipped");
		} else {
			int weak = cfg->scaling == SCALING_WEAK;
			model = weak ? models_gustafson(pt->p, pt->n) : models_amdahl(pt->p, pt->n);
			ceiling = weak ? models_ceiling_weak(pt->p, pt->n, cfg->cores) :
				models_ceiling(pt->p, pt->n, cfg->cores);
			msp = stats_median(sp, k);
			if (pt->cmd)	/* a program's P is unknown: `amdahl fit` estimates it */
				fprintf(stderr, "%-8s %-12.12s %6s %5d %10.4f %8.3f %8s %8s %7s",
					pt->backend->name, what, "-", pt->n, stats_median(w, k), msp, "-", "-", "-");
			else
				fprintf(stderr, "%-8s %-12.12s %6g %5d %10.4f %8.3f %8.3f %8.3f %7.3f",
					pt->backend->name, what, pt->p, pt->n, stats_median(w, k), msp, model,
					ceiling, msp / ceiling);
		}
		fprintf(stderr, "%s\n", smt_mark(cfg, pt->n));
		if (pt->numa_gbps[0])
			fprintf(stderr, "%22s GB/s per NUMA node (last repetition): %s\n", "", pt->numa_gbps);
		free(w);
		free(sp);
	}
	if (has_smt(cfg))
		fprintf(stderr, "SMT: N = %d physical cores, N = %d hardware threads in the affinity mask; the "
			"ceiling counts hardware threads, which share their core\n", cfg->placement->physical_cores,
			cfg->placement->hw_threads);
}

int sweep_run(const struct sweep_config *cfg, struct sweep_outcome *out)
{
	struct sweep s = { .cfg = cfg, .out = out };
	int rc;

	memset(out, 0, sizeof(*out));
	out->units = xcalloc(cfg->nworkloads, sizeof(*out->units));
	out->rates = xcalloc(cfg->nworkloads, sizeof(*out->rates));
	s.t_start = clock_now();
	if (csv_write_header(cfg->out) < 0 || fflush(cfg->out) != 0) {
		out->write_error = 1;
		return -1;
	}
	if (calibrate_all(&s) < 0) {
		out->failed_points++;
		out->elapsed_s = clock_now() - s.t_start;
		return -1;
	}
	build_points(&s);
	rc = run_setups(&s);
	if (rc == 0)
		rc = cfg->order == ORDER_POINTS ? run_points(&s) : run_rounds(&s);
	progress_clear(&s);
	for (size_t i = 0; i < s.npoints; i++)
		if (s.points[i].pending)
			flush_pending(&s, &s.points[i]);
	if (!cfg->quiet && !out->interrupted) {
		for (size_t i = 0; i < s.npoints; i++)
			warn_noise(&s, &s.points[i]);
		print_summary(&s);
	}
	for (size_t i = 0; i < s.npoints; i++) {
		free(s.points[i].walls);
		free(s.points[i].speedups);
		free(s.points[i].have);
	}
	free(s.points);
	out->elapsed_s = clock_now() - s.t_start;
	if (rc < 0 || out->failed_points || out->write_error)
		return -1;
	return 0;
}

void sweep_outcome_free(struct sweep_outcome *out)
{
	free(out->units);
	free(out->rates);
	out->units = NULL;
	out->rates = NULL;
}
