# efficiency.gp: parallel efficiency E(N) = S(N)/N against N, for one workload and P.
#
#   gnuplot -e "datafile='g.dat'; out='efficiency.png'; names='thread process'; p=0.9; cores=2; nmax=320" \
#           plots/efficiency.gp
#
# datafile is the one speedup.gp reads (columns 5-7: efficiency median, min, max), one
# block per series. Beside the data: Amdahl's law divided by N, the machine's ceiling
# divided by N, and the ideal E = 1. Efficiency falls as N grows even when the law
# holds exactly; past the usable cores it falls as 1/N. p < 0 draws no model.
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

amdahl(n) = 1.0 / ((1 - p) + p / n)
gustafson(n) = n - (1 - p) * (n - 1)
ceiling(n) = weak ? ((1 - p) + p * n) / ((1 - p) + p * n / (n < cores ? n : cores)) \
                  : 1.0 / ((1 - p) + p / (n < cores ? n : cores))
law(n) = weak ? gustafson(n) : amdahl(n)
ns = words(names)
lt(i) = (words(lts) >= i) ? int(word(lts, i)) : i
nudge(i) = 2**(0.045 * (i - (ns + 1) / 2.0))

stats datafile using 7 nooutput
set yrange [0 : (STATS_max > 1 ? STATS_max * 1.1 : 1.1)]
set ytics 0.2
set format y '%.1f'
set ylabel 'efficiency E(N) = S(N) / N'

if (cpu_bound && cores < nmax) {
    set object 1 rectangle from cores, graph 0 to graph 1, graph 1 behind fillcolor rgb '#000000' fillstyle transparent solid 0.05 noborder
    set arrow 1 from cores, graph 0 to cores, graph 1 nohead ls 104 back
    set label 1 sprintf('N > %g usable core%s', cores, cores == 1 ? '' : 's') at cores * 1.12, graph 0.95 left font sprintf('Sans,%.1f', fs * 0.8) tc rgb '#333333'
}
lawname = fitted ? 'Amdahl / N at '.fitname : weak ? sprintf('Gustafson / N, P = %g', p) : sprintf('Amdahl / N, P = %g', p)

plot \
    for [i = 1:ns] datafile index (i - 1) using ($1 * nudge(i)):5:6:7 with yerrorlines lt lt(i) title word(names, i), \
    (p >= 0 ? law(x) / x : 1/0) with lines ls 101 title (p >= 0 ? lawname : ''), \
    keyentry with lines lt nodraw title (fitted && p >= 0 ? ci(plo, phi) : ''), \
    (p >= 0 && cpu_bound ? ceiling(x) / x : 1/0) with lines ls 102 title (p >= 0 && cpu_bound ? sprintf('ceiling / N, %g cores', cores) : ''), \
    1 with lines ls 103 title 'ideal E = 1'
