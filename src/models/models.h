/*
 * The laws amdahl sets measurements beside (DESIGN.md, models):
 * Amdahl, Gustafson, the machine ceiling, and Karp-Flatt.
 */
#ifndef AMDAHL_MODELS_H
#define AMDAHL_MODELS_H

/* S(N) = 1/((1-P)+P/N). */
double models_amdahl(double p, double n);
/* Scaled speedup S(N) = N - (1-P)(N-1). */
double models_gustafson(double p, double n);
/*
 * What a machine with `cores` usable CPUs can give: Amdahl's law with N
 * replaced by min(N, cores) for strong scaling; for weak scaling the job
 * grows as (1-P)+P*N while only min(N, cores) workers run at once.
 */
double models_ceiling(double p, double n, double cores);
double models_ceiling_weak(double p, double n, double cores);
/* e(N) = (1/S - 1/N)/(1 - 1/N); NaN for N <= 1. */
double models_karp_flatt(double speedup, double n);

#endif
