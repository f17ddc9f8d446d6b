# b5.gp: B5 (Buy Beer Brought By Bicycle) throughput against messengers, per backend,
# beside the pipeline's law. Reads the CSV of `amdahl b5` directly:
#
#   gnuplot -e "datafile='b5.csv'; out='b5.png'" plots/b5.gp
#
# Each backend (and wait mode) is a series: every run as a point, the mean of its runs
# at each messenger count joined by a line; poll rows are dashed with open points.
# Beside them, the law for the pickers, bikes and times of the file:
#   bound      min(P/p, M/d, B/(p+d)): the steady-state rate the slowest stage allows
#              (pickers P/p, messengers M/d, bikes B/(p+d))
#   run bound  orders / wall_min_s: the best this run length allows, the pipeline's
#              fill and drain included (drawn at the measured M)
# A file with several pickers or bikes values: choose one with -e "pickers=3; bikes=15"
# (default: the smallest in the file); the rows of the others are left out.
# Other inputs: backends (default 'thread process gil green'), waits (default
# 'cond poll'), title, subtitle, plotdir (this folder), and those of style.gp
# (fmt, style, width, height).

if (!exists("datafile")) datafile = 'b5.csv'
if (!exists("plotdir")) plotdir = 'plots'
if (!exists("backends")) backends = 'thread process gil green'
if (!exists("waits")) waits = 'cond poll'
if (!exists("title")) title = 'B5: beer delivered per second'

set datafile separator comma
# The parameters of the law, from the file (the smallest of each unless chosen).
stats datafile using (column('messengers')) nooutput
nmax = int(STATS_max)
if (!exists("pickers")) { stats datafile using (column('pickers')) nooutput; pickers = STATS_min }
if (!exists("bikes")) { stats datafile using (column('bikes')) nooutput; bikes = STATS_min }
stats datafile using (column('pickers') == pickers && column('bikes') == bikes ? column('pick_ms') : NaN) nooutput
pick = STATS_min / 1000.0
stats datafile using (column('pickers') == pickers && column('bikes') == bikes ? column('deliver_ms') : NaN) nooutput
deliver = STATS_min / 1000.0
stats datafile using (column('pickers') == pickers && column('bikes') == bikes ? column('orders') : NaN) nooutput
orders = STATS_min
stats datafile using (column('pickers') == pickers && column('bikes') == bikes ? column('throughput') : NaN) nooutput
tmax = STATS_max
if (!exists("subtitle")) subtitle = sprintf('%d pickers, %d bikes, %d orders; pick %g ms, delivery %g ms', \
    pickers, bikes, orders, pick * 1000, deliver * 1000)

load plotdir.'/style.gp'
unset logscale y
set xlabel 'messengers M (log scale)'
set ylabel 'throughput (orders delivered per second)'

min(a, b) = a < b ? a : b
inf = 1e308
stage_pick = pick > 0 ? pickers / pick : inf
stage_bikes = pick + deliver > 0 ? bikes / (pick + deliver) : inf
bound(m) = min(stage_pick, min(deliver > 0 ? m / deliver : inf, stage_bikes))
steady = min(stage_pick, stage_bikes)
ymax = (steady < inf ? (bound(nmax) > tmax ? bound(nmax) : tmax) : tmax) * 1.15
set yrange [0 : ymax]

# The line type of each backend, as in the run figures: thread 1, process 2, gil 4, green 5.
lt_of(b) = b eq 'thread' ? 1 : b eq 'process' ? 2 : b eq 'openmp' ? 3 : b eq 'gil' ? 4 : b eq 'green' ? 5 : 7
nb = words(backends)
nw = words(waits)
nser = nb * nw
sb(i) = word(backends, (i - 1) / nw + 1)
sw(i) = word(waits, (i - 1) % nw + 1)
# The rows of series i, of the chosen pickers and bikes; NaN hides the others.
pick_row(i) = strcol('backend') eq sb(i) && strcol('wait') eq sw(i) && \
    column('pickers') == pickers && column('bikes') == bikes
# Series without rows draw nothing and get no key entry: one pass notes the ones there.
seen = ' '
stats datafile using (column('pickers') == pickers && column('bikes') == bikes && \
    strstrt(seen, ' '.strcol('backend').','.strcol('wait').' ') == 0 ? \
    (seen = seen.strcol('backend').','.strcol('wait').' ', 1) : 1) nooutput
name(i) = strstrt(seen, ' '.sb(i).','.sw(i).' ') ? sb(i).', '.sw(i) : ''
dt_of(i) = sw(i) eq 'poll' ? 2 : 1
pt_of(i) = sw(i) eq 'poll' ? 6 : 7

plot \
    for [i = 1:nser] datafile using (pick_row(i) ? column('messengers') : NaN):(column('throughput')) \
        with points lt lt_of(sb(i)) pt pt_of(i) notitle, \
    for [i = 1:nser] datafile using (pick_row(i) ? column('messengers') : NaN):(column('throughput')) \
        smooth unique with lines lt lt_of(sb(i)) dt dt_of(i) title name(i), \
    (steady < inf || deliver > 0 ? bound(x) : 1/0) with lines ls 101 \
        title 'bound', \
    datafile using (column('pickers') == pickers && column('bikes') == bikes ? column('messengers') : NaN): \
        (column('orders') / column('wall_min_s')) smooth unique with linespoints ls 102 pt 1 \
        title 'run bound'
