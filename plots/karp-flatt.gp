# karp-flatt.gp: the serial fraction the measurements imply, against N (N >= 2).
#
#   gnuplot -e "datafile='g.dat'; out='karp-flatt.png'; names='thread process'; p=0.9; cores=2; nmax=320" \
#           plots/karp-flatt.gp
#
# Karp-Flatt: e(N) = (1/S(N) - 1/N) / (1 - 1/N). Where Amdahl's law holds, e(N) is flat at
# 1 - P; where it rises, something grows with N that the law leaves out: the cost of
# starting and joining workers, contention, or (past the usable cores) the machine itself,
# which is why the ceiling's own e(N) is drawn too. datafile is the one speedup.gp reads
# (columns 8-10: e median, min, max), one block per series. p < 0 draws no model.
# Other inputs: names, lts, title, subtitle, plotdir, and those of style.gp.

if (!exists("plotdir")) plotdir = 'plots'
if (!exists("names")) names = 'series'
if (!exists("lts")) lts = ''
if (!exists("p")) p = -1
if (!exists("weak")) weak = 0
if (!exists("cores")) cores = 1
if (!exists("cpu_bound")) cpu_bound = 1   # 0: the workload waits; the cores do not bound it
if (!exists("nmax")) nmax = 320
p = real(p); cores = real(cores); weak = int(weak); cpu_bound = int(cpu_bound)   # gnuplot divides integers as integers
load plotdir.'/style.gp'

# A --cmd program has no P of its own: amdahl plot fits one to its wall times and passes
# it as p with fitted=1 and the bootstrap interval plo..phi (-1: none), at level percent.
if (!exists("fitted")) fitted = 0
if (!exists("plo")) plo = -1
if (!exists("phi")) phi = -1
if (!exists("level")) level = 95
plo = real(plo); phi = real(phi)
# Two decimals, three where the interval is narrower than that.
pstr(x, lo, hi) = sprintf(lo >= 0 && hi - lo < 0.02 ? '%.3f' : '%.2f', x)
ci(lo, hi) = lo >= 0 ? sprintf('(%g%% CI %s–%s)', level, pstr(lo, lo, hi), pstr(hi, lo, hi)) : ''
fitname = sprintf('fitted P = %s', pstr(p, plo, phi))

ceiling(n) = weak ? ((1 - p) + p * n) / ((1 - p) + p * n / (n < cores ? n : cores)) \
                  : 1.0 / ((1 - p) + p / (n < cores ? n : cores))
kf(s, n) = n > 1 ? (1.0 / s - 1.0 / n) / (1 - 1.0 / n) : 1/0
ns = words(names)
lt(i) = (words(lts) >= i) ? int(word(lts, i)) : i
nudge(i) = 2**(0.045 * (i - (ns + 1) / 2.0))

# The y range holds the data, the law's 1 - P and the ceiling's curve.
if (nmax < 2) nmax = 2
set xrange [1.8 : nmax * 1.2]
top = 0
bottom = 0
stats datafile using 10 nooutput
if (exists("STATS_max") && STATS_records > 0) { top = STATS_max }
stats datafile using 9 nooutput
if (exists("STATS_min") && STATS_records > 0 && STATS_min < 0) { bottom = STATS_min * 1.15 }
if (p >= 0 && !weak && 1 - p > top) top = 1 - p
if (p >= 0 && cpu_bound && kf(ceiling(nmax), nmax) > top) top = kf(ceiling(nmax), nmax)
set yrange [bottom : (top > 0 ? top * 1.12 : 0.1)]
set ylabel 'serial fraction e(N)'

if (cpu_bound && cores < nmax) {
    set object 1 rectangle from cores, graph 0 to graph 1, graph 1 behind fillcolor rgb '#000000' fillstyle transparent solid 0.05 noborder
    set arrow 1 from cores, graph 0 to cores, graph 1 nohead ls 104 back
    set label 1 sprintf('N > %g usable core%s', cores, cores == 1 ? '' : 's') at cores * 1.12, graph 0.95 left font sprintf('Sans,%.1f', fs * 0.8) tc rgb '#333333'
}

plot \
    for [i = 1:ns] datafile index (i - 1) using ($1 > 1 ? $1 * nudge(i) : 1/0):8:9:10 with yerrorlines lt lt(i) title word(names, i), \
    (p >= 0 && !weak ? 1 - p : 1/0) with lines ls 101 title (p >= 0 && !weak ? (fitted ? sprintf('Amdahl: 1 - P, %s', fitname) : sprintf('Amdahl: 1 - P = %g', 1 - p)) : ''), \
    keyentry with lines lt nodraw title (fitted && p >= 0 ? ci(plo, phi) : ''), \
    (p >= 0 && cpu_bound ? kf(ceiling(x), x) : 1/0) with lines ls 102 title (p >= 0 && cpu_bound ? sprintf('ceiling, %g cores', cores) : '')
