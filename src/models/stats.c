/*
 * Statistics over a handful of repetitions, delegated to GSL so that sorting
 * and quantile rules are not written by hand.
 */
#include "stats.h"
#include "../base/util.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double *sorted_copy(const double *v, size_t n)
{
	double *s = xmalloc(n * sizeof(*s));

	memcpy(s, v, n * sizeof(*s));
	gsl_sort(s, 1, n);
	return s;
}

double stats_quantile(const double *v, size_t n, double q)
{
	double *s, r;

	if (n == 0)
		return NAN;
	s = sorted_copy(v, n);
	r = gsl_stats_quantile_from_sorted_data(s, 1, n, q);
	free(s);
	return r;
}

double stats_median(const double *v, size_t n)
{
	return stats_quantile(v, n, 0.5);
}

void stats_summarize(const double *v, size_t n, struct stats_summary *out)
{
	double *s;

	memset(out, 0, sizeof(*out));
	out->n = n;
	if (n == 0) {
		out->min = out->max = out->mean = out->sd = out->median = NAN;
		out->q1 = out->q3 = out->cv = NAN;
		return;
	}
	s = sorted_copy(v, n);
	out->min = s[0];
	out->max = s[n - 1];
	out->mean = gsl_stats_mean(s, 1, n);
	out->sd = n > 1 ? gsl_stats_sd_m(s, 1, n, out->mean) : 0.0;
	out->median = gsl_stats_median_from_sorted_data(s, 1, n);
	out->q1 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.25);
	out->q3 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.75);
	out->cv = out->mean != 0 ? out->sd / out->mean : NAN;
	free(s);
}

int stats_noise(const double *v, size_t n, double threshold, struct stats_noise *out)
{
	struct stats_summary st;
	double *work, mad;

	memset(out, 0, sizeof(*out));
	if (n < 3)
		return 0;
	stats_summarize(v, n, &st);
	out->cv = st.cv;
	out->wide = st.cv > threshold;
	work = xmalloc(n * sizeof(*work));
	mad = gsl_stats_mad(v, 1, n, work);	/* already scaled by 1.4826 */
	for (size_t i = 0; i < n && mad > 0 && st.median > 0; i++) {
		double dev = fabs(v[i] - st.median);
		if (dev / mad > 3.5 && dev > threshold * st.median) {
			out->outliers++;
			out->worst = fmax(out->worst, dev / st.median);
		}
	}
	free(work);
	return out->wide || out->outliers > 0;
}
