# speedup.gp: measured speedup against N beside Amdahl's law, for one workload and P.
#
#   gnuplot -e "datafile='g.dat'; out='speedup.png'; names='thread process'; p=0.9; cores=2; nmax=320" \
#           plots/speedup.gp
#
# datafile holds one block per series (gnuplot index 0, 1, ...) with the columns
#   n  speedup: median min max  efficiency: median min max  karp_flatt: median min max  reps
# (amdahl plot writes it). Each series is drawn as its median with min-max error bars,
# nudged sideways a little so the bars do not hide each other. Beside them:
#   Amdahl's law  S(N) = 1/((1-P)+P/N)            (weak=1: Gustafson's N-(1-P)(N-1))
#   the ceiling   S(N) = 1/((1-P)+P/min(N,cores))  what this machine can give (cpu_bound=0:
#                 none; a workload that waits is not bounded by the cores)
#   the ideal     S(N) = N
# and the N where the workers pass the usable cores. p < 0 draws no model: a --cmd program
# whose P could not be fitted (fitted=1 marks one that was: the key then says so).
# Other inputs: names, lts (line types, default 1 2 3 ...), title, subtitle, reps,
# ymin, ymax, plotdir (this folder), and those of style.gp.

if (!exists("plotdir")) plotdir = 'plots'
if (!exists("names")) names = 'series'
if (!exists("lts")) lts = ''
if (!exists("p")) p = -1
if (!exists("weak")) weak = 0
if (!exists("cores")) cores = 1
if (!exists("cpu_bound")) cpu_bound = 1   # 0: the workload waits; the cores do not bound it
if (!exists("nmax")) nmax = 320
if (!exists("reps")) reps = 0
if (!exists("title")) title = 'Speedup'
p = real(p); cores = real(cores); weak = int(weak); cpu_bound = int(cpu_bound)   # gnuplot divides integers as integers
load plotdir.'/style.gp'

# A --cmd program has no P of its own: amdahl plot fits one to its wall times and passes
# it as p with fitted=1 and the bootstrap interval plo..phi (-1: none), at level percent.
# Several series of one program: pfits holds "P lo hi" per series (P < 0: not fitted), and
# each fitted series gets its own dotted Amdahl curve in its colour (the intervals are in
# `amdahl plot --table`; one key entry each would crowd the figure).
if (!exists("fitted")) fitted = 0
if (!exists("plo")) plo = -1
if (!exists("phi")) phi = -1
if (!exists("level")) level = 95
if (!exists("pfits")) pfits = ''
plo = real(plo); phi = real(phi)
# Two decimals, three where the interval is narrower than that.
pstr(x, lo, hi) = sprintf(lo >= 0 && hi - lo < 0.02 ? '%.3f' : '%.2f', x)
ci(lo, hi) = lo >= 0 ? sprintf('(%g%% CI %s–%s)', level, pstr(lo, lo, hi), pstr(hi, lo, hi)) : ''
PF(i) = words(pfits) >= 3 * i ? real(word(pfits, 3 * i - 2)) : -1
PL(i) = real(word(pfits, 3 * i - 1))
PH(i) = real(word(pfits, 3 * i))
fitname = sprintf('fitted P = %s', pstr(p, plo, phi))

amdahl(n) = 1.0 / ((1 - p) + p / n)
gustafson(n) = n - (1 - p) * (n - 1)
ceiling(n) = weak ? ((1 - p) + p * n) / ((1 - p) + p * n / (n < cores ? n : cores)) \
                  : 1.0 / ((1 - p) + p / (n < cores ? n : cores))
law(n) = weak ? gustafson(n) : amdahl(n)
ns = words(names)
lt(i) = (words(lts) >= i) ? int(word(lts, i)) : i
nudge(i) = 2**(0.045 * (i - (ns + 1) / 2.0))

if (!exists("ymax")) ymax = (p >= 0 ? law(nmax) : nmax) * 1.25
if (!exists("ymin")) ymin = 0.5
# A log speedup axis, as the worker axis, whatever the range: doublings look alike on
# every figure. Over a short range (a program that gains 1.5x) the ticks are finer.
set yrange [ymin : ymax]
set logscale y 2
set format y '%g'
if (ymax / ymin > 12) {
    set ytics 2
} else {
    set ytics ()
    do for [v in '0.25 0.5 0.75 1 1.25 1.5 2 2.5 3 4 5 6 8 10 12 16'] {
        if (real(v) >= ymin && real(v) <= ymax) { set ytics add (v real(v)) }
    }
}
set mytics 1
set ylabel (slides ? 'speedup S(N) (log scale)' : 'speedup S(N) = T(1) / T(N)  (log scale)')

# N past the usable cores: shaded, with a line and a word at the boundary.
if (cpu_bound && cores < nmax) {
    set object 1 rectangle from cores, graph 0 to graph 1, graph 1 behind fillcolor rgb '#000000' fillstyle transparent solid 0.05 noborder
    set arrow 1 from cores, graph 0 to cores, graph 1 nohead ls 104 back
    set label 1 sprintf('N > %g usable core%s', cores, cores == 1 ? '' : 's') at cores * 1.12, graph 0.04 left font sprintf('Sans,%.1f', fs * 0.8) tc rgb '#333333'
}

lawname = fitted ? 'Amdahl at '.fitname : weak ? sprintf('Gustafson, P = %g', p) : sprintf('Amdahl, P = %g', p)
ceilname = fitted ? sprintf('ceiling at that P, %g cores', cores) : sprintf('ceiling, %g cores', cores)
amdahl_at(q, n) = 1.0 / ((1 - q) + q / n)

plot \
    for [i = 1:ns] datafile index (i - 1) using ($1 * nudge(i)):2:3:4 with yerrorlines lt lt(i) title word(names, i), \
    (p >= 0 ? law(x) : 1/0) with lines ls 101 title (p >= 0 ? lawname : ''), \
    keyentry with lines lt nodraw title (fitted && p >= 0 ? ci(plo, phi) : ''), \
    (p >= 0 && cpu_bound ? ceiling(x) : 1/0) with lines ls 102 title (p >= 0 && cpu_bound ? ceilname : ''), \
    for [i = 1:ns] (PF(i) >= 0 ? amdahl_at(PF(i), x) : 1/0) with lines lc lt(i) lw 1.2 dt 3 \
        title (PF(i) >= 0 ? sprintf('%s, Amdahl at fitted P = %s', word(names, i), pstr(PF(i), PL(i), PH(i))) : ''), \
    x with lines ls 103 title 'ideal S = N'
