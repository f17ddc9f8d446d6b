/*
 * Test helper, header only: write synthetic run CSVs (and meta.json
 * sidecars) whose wall times follow a model exactly, with a fixed, known
 * pattern of noise, so that fit and compare can be checked against the
 * numbers that built them. Included by test_fit.c, test_compare.c,
 * test_report.c and test_fuzz.c.
 */
#ifndef AMDAHL_TEST_SYNTH_H
#define AMDAHL_TEST_SYNTH_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/results/csv.h"

/* A fixed noise pattern: multiplicative, mean 1, spread about 1%. */
static const double synth_jitter[] = { 1.000, 1.008, 0.992, 1.012, 0.990, 1.004, 0.996, 1.010, 0.994 };
#define SYNTH_NJITTER (sizeof(synth_jitter) / sizeof(synth_jitter[0]))

static inline double synth_noise(int n, int rep, double scale)
{
	return 1.0 + scale * (synth_jitter[((size_t)rep * 7 + (size_t)n * 3) % SYNTH_NJITTER] - 1.0);
}

static inline FILE *synth_open(const char *path)
{
	FILE *fp = fopen(path, "w");

	if (fp)
		csv_write_header(fp);
	return fp;
}

/* Empty cells for the columns after label (the speedup stack's), and the newline. */
static inline void synth_empty_tail(FILE *fp)
{
	char head[4096];
	int commas = 0;

	csv_header_text(head, sizeof(head));
	for (const char *c = strstr(head, ",label"); c && *c; c++)
		commas += *c == ',';
	for (int i = 1; i < commas; i++)
		fputc(',', fp);
	fputc('\n', fp);
}

/* One row with its CPU time (cpu <= 0 leaves it empty); p < 0 writes an empty p (a --cmd row). */
static inline void synth_row_cpu(FILE *fp, const char *backend, const char *workload, double p, int n, int rep,
				 double wall, double cpu, double speedup, double cores, int weak, const char *label)
{
	char pc[32] = "", am[32] = "", sp[32] = "", ef[32] = "", cp[32] = "";

	if (p >= 0) {
		snprintf(pc, sizeof(pc), "%.9g", p);
		snprintf(am, sizeof(am), "%.9g", weak ? n - (1 - p) * (n - 1) : 1 / ((1 - p) + p / n));
	}
	if (speedup > 0) {
		snprintf(sp, sizeof(sp), "%.9g", speedup);
		snprintf(ef, sizeof(ef), "%.9g", speedup / n);
	}
	if (cpu > 0)
		snprintf(cp, sizeof(cp), "%.9g", cpu);
	fprintf(fp, "%s,%s,%s,%d,%d,%.9g,%s,%s,%s,%g,%s,,,0.1,1000,1,%s,,,,,,%s", backend, workload, pc, n, rep,
		wall, sp, am, ef, cores, cp, weak ? "weak" : "strong", label ? label : "");
	synth_empty_tail(fp);
}

/* One row; p < 0 writes an empty p (a --cmd row). speedup <= 0 leaves it empty. */
static inline void synth_row(FILE *fp, const char *backend, const char *workload, double p, int n, int rep,
			     double wall, double speedup, double cores, int weak, const char *label)
{
	synth_row_cpu(fp, backend, workload, p, n, rep, wall, -1, speedup, cores, weak, label);
}

/*
 * A strong-scaling group that follows Amdahl's law on `cores` cores:
 * T(N, rep) = t1 (1-P + P/min(N,cores)) x noise(N, rep) x factor(N),
 * speedups paired with the same repetition's N=1 time, as --order rounds.
 */
static inline void synth_amdahl(FILE *fp, const char *backend, double p, const int *ns, int nn, int reps,
				double cores, double t1, double noise, const double *factor)
{
	for (int r = 0; r < reps; r++) {
		double base = t1 * synth_noise(1, r, noise) * (factor ? factor[0] : 1.0);
		for (int i = 0; i < nn; i++) {
			int n = ns[i];
			double w = t1 * ((1 - p) + p / fmin(n, cores)) * synth_noise(n, r, noise) *
				   (factor ? factor[i] : 1.0);
			synth_row(fp, backend, "spin", p, n, r, w, base / w, cores, 0, NULL);
		}
	}
}

/* A group that follows the Universal Scalability Law: S(N) = N/(1+s(N-1)+kN(N-1)). */
static inline void synth_usl(FILE *fp, double sigma, double kappa, int nmax, int reps, double cores, double noise)
{
	for (int r = 0; r < reps; r++) {
		double base = synth_noise(1, r, noise);
		for (int n = 1; n <= nmax; n++) {
			double s = n / (1 + sigma * (n - 1) + kappa * n * (n - 1.0));
			double w = synth_noise(n, r, noise) / s;
			synth_row(fp, "thread", "spin", 0.9, n, r, w, base / w, cores, 0, NULL);
		}
	}
}

/*
 * Rewrite a synthetic run CSV with its rows' starved_s filled: share of each
 * row's n x wall_s, as if its workers had waited that long for a CPU. 0, or
 * -1 when the file cannot be rewritten.
 */
static inline int synth_set_starved(const char *path, double share)
{
	char head[4096], line[4096], tmp[600];
	int col = 0, wall = 0, n = 0, k = 0;
	FILE *in = fopen(path, "r"), *out;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	out = fopen(tmp, "w");
	if (!in || !out || csv_header_text(head, sizeof(head)) < 0) {
		if (in)
			fclose(in);
		if (out)
			fclose(out);
		return -1;
	}
	for (char *t = strtok(head, ","); t; t = strtok(NULL, ","), k++) {
		col = strcmp(t, "starved_s") == 0 ? k : col;
		wall = strcmp(t, "wall_s") == 0 ? k : wall;
		n = strcmp(t, "n") == 0 ? k : n;
	}
	if (fgets(line, sizeof(line), in))
		fputs(line, out);
	while (fgets(line, sizeof(line), in)) {
		char *cells[64], *c = line;
		int m = 0;
		double nv, wv;

		line[strcspn(line, "\n")] = '\0';
		for (cells[m++] = c; (c = strchr(c, ',')) != NULL && m < 64; cells[m++] = ++c)
			*c = '\0';
		nv = strtod(cells[n], NULL);
		wv = strtod(cells[wall], NULL);
		for (int i = 0; i < m; i++) {
			if (i == col)
				fprintf(out, "%.9g", share * nv * wv);
			else
				fputs(cells[i], out);
			fputc(i + 1 < m ? ',' : '\n', out);
		}
	}
	fclose(in);
	if (fclose(out) != 0 || !(col > 0 && wall > 0 && n > 0))
		return -1;
	return rename(tmp, path);
}

/* A sidecar with the fields compare reads. */
static inline void synth_meta(const char *csv_path, const char *cpu, double cores, double load)
{
	char path[4200];
	FILE *fp;

	snprintf(path, sizeof(path), "%s.meta.json", csv_path);
	fp = fopen(path, "w");
	if (!fp)
		return;
	fprintf(fp, "{\"tool\": \"amdahl\", \"cpu_model\": \"%s\", \"cores\": %g, \"loadavg_before\": %g, "
		"\"loadavg_after\": %g, \"date\": \"2026-01-01T00:00:00Z\"}\n", cpu, cores, load, load);
	fclose(fp);
}

#endif
