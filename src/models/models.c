/*
 * Closed-form scaling models. Fitting lives in fit.c; these are the laws.
 */
#include "models.h"

#include <math.h>

double models_amdahl(double p, double n)
{
	return 1.0 / ((1.0 - p) + p / n);
}

double models_gustafson(double p, double n)
{
	return n - (1.0 - p) * (n - 1.0);
}

double models_ceiling(double p, double n, double cores)
{
	return models_amdahl(p, fmin(n, cores));
}

double models_ceiling_weak(double p, double n, double cores)
{
	return ((1.0 - p) + p * n) / ((1.0 - p) + p * n / fmin(n, cores));
}

double models_karp_flatt(double speedup, double n)
{
	if (n <= 1.0 || !(speedup > 0))
		return NAN;
	return (1.0 / speedup - 1.0 / n) / (1.0 - 1.0 / n);
}
