# theory.gp: Amdahl's law alone, one curve for each P, for a slide.
#
#   gnuplot -e "datafile='theory.dat'; out='theory.png'; plist='0.5 0.8 0.9 0.95 0.99'; nmax=320" \
#           plots/theory.gp
#
# S(N) = 1 / ((1 - P) + P / N): however many workers, the speedup stays below 1 / (1 - P),
# drawn as a thin line of the curve's colour. datafile holds one block per P (in plist's
# order) with the columns n, speedup: the points of the N list, marked on each curve.
# Other inputs: title, ymax (default: the largest S(nmax)), plotdir, and those of style.gp.

if (!exists("plotdir")) plotdir = 'plots'
if (!exists("plist")) plist = '0.5 0.8 0.9 0.95 0.99'
if (!exists("nmax")) nmax = 320
if (!exists("title")) title = "Amdahl's law: S(N) = 1 / ((1 - P) + P / N)"
load plotdir.'/style.gp'

np = words(plist)
P(i) = real(word(plist, i))
amdahl(p, n) = 1.0 / ((1 - p) + p / n)
if (!exists("ymax")) { ymax = 1; do for [i = 1:np] { if (amdahl(P(i), nmax) > ymax) { ymax = amdahl(P(i), nmax) } } }

set yrange [0 : ymax * 1.12 + 0.5]
set ylabel 'speedup S(N)'
set tmargin at screen (slides ? 0.89 : 0.88)
set key inside left top vertical Left reverse opaque box lc rgb '#cccccc' width 1 height 0.5 maxrows auto

# Highest P first, so the key reads in the order the curves stack.
plot \
    for [i = np:1:-1] amdahl(P(i), x) with lines lt i title sprintf('P = %g:  S(%d) = %.3g  (limit %.3g)', P(i), nmax, amdahl(P(i), nmax), 1 / (1 - P(i))), \
    for [i = np:1:-1] datafile index (i - 1) using 1:2 with points lt i notitle, \
    for [i = np:1:-1] (P(i) < 1 && 1 / (1 - P(i)) < ymax * 1.12 ? 1 / (1 - P(i)) : 1/0) with lines lt i lw 1 dt (2, 4) notitle
