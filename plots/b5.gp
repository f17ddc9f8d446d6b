# b5.gp: B5 (Buy Beer Brought By Bicycle) throughput against messengers, per backend,
# beside the pipeline's law. Reads the CSV of `amdahl b5` directly:
#
#   gnuplot -e "datafile='b5.csv'; out='b5.png'" plots/b5.gp
#
# (`amdahl plot b5.csv` checks the file first, then runs this script on a copy of the
# rows of each pickers/bikes/times combination, with the style options of the run figures.)
# Each backend (and wait mode) is a series: every run as a small point, the mean of its
# runs at each messenger count as a line with larger points, nudged sideways a little so
# backends that overlap stay apart; poll rows are thin, with open points. Beside them,
# the law for the pickers, bikes and times of the file:
#   bound      min(P/p, M/d, B/(p+d)): the steady-state rate the slowest stage allows
#              (pickers P/p, messengers M/d, bikes B/(p+d)); a dotted line marks the M
#              where the messengers stop being the bottleneck
#   run bound  orders / wall_min_s: the best this run length allows, the pipeline's
#              fill and drain included (drawn at the measured M)
# A file with several pickers or bikes values: choose one with -e "pickers=3; bikes=15"
# (default: the smallest in the file); the rows of the others are left out.
# Other inputs: backends (default 'thread process gil green'), waits (default
# 'cond poll'), title, subtitle, machine (put before the default subtitle), plotdir
# (this folder), and those of style.gp (fmt, style, width, height).

if (!exists("datafile")) datafile = 'b5.csv'
if (!exists("plotdir")) plotdir = 'plots'
if (!exists("backends")) backends = 'thread process gil green'
if (!exists("waits")) waits = 'cond poll'
if (!exists("title")) title = 'B5: beer delivered per second'
if (!exists("machine")) machine = ''

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
stats datafile using (column('pickers') == pickers && column('bikes') == bikes ? column('rep') : NaN) nooutput
runs = int(STATS_max) + 1
plural(n, word) = sprintf('%d %s%s', n, word, n == 1 ? '' : 's')
if (!exists("subtitle")) subtitle = sprintf('%s%s, %s, %s; pick %g ms, delivery %g ms; %s', \
    machine eq '' ? '' : machine.'; ', plural(pickers, 'picker'), plural(bikes, 'bike'), plural(orders, 'order'), \
    pick * 1000, deliver * 1000, \
    runs > 1 ? sprintf('lines: mean of %d runs', runs) : 'one run')

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
ymax = (steady < inf ? (bound(nmax) > tmax ? bound(nmax) : tmax) : tmax) * 1.2
set yrange [0 : ymax]
set ytics nomirror
set format y '%g'

# Where the messengers stop being the bottleneck: M* = d x the slower of the other stages.
mstar = deliver > 0 && steady < inf ? steady * deliver : 0
limiter = stage_pick <= stage_bikes ? (pickers == 1 ? 'picker' : 'pickers') : (bikes == 1 ? 'bike' : 'bikes')
limit = stage_pick <= stage_bikes ? 'P/p' : 'B/(p+d)'
small = sprintf('Sans,%.1f', fs * 0.8)
# Where M* falls along the log axis, 0 at the left end and 1 at the right.
xlo = 0.85
xhi = nmax * 1.2
at = mstar > 0 ? log(mstar / xlo) / log(xhi / xlo) : 1
if (mstar > xlo && mstar < xhi) {
    set arrow 2 from mstar, 0 to mstar, steady nohead ls 104 back
    mtext = sprintf('M = %.3g: the %s take%s over', mstar, limiter, limiter[strlen(limiter):] eq 's' ? '' : 's')
    # At the foot of the line, clear of the runs, unless the key sits there (below).
    my = at > 0.5 ? steady * 0.06 : steady * 0.6
    if (at < 0.65) {
        set label 2 mtext at mstar * 1.06, my left font small tc rgb '#333333'
    } else {
        set label 2 mtext at mstar / 1.06, my right font small tc rgb '#333333'
    }
}
# The key goes where the bound leaves room: top left while it rises across most of the
# figure, bottom right when it levels off early (the runs then stay under the plateau).
if (at > 0.5) {
    set key inside left top vertical maxrows auto height 0 width -3
} else {
    set key inside right bottom vertical maxrows auto height 0 width -3
}
# The bound says which stage it is: the messengers' M/d while it rises, then the limit.
if (deliver > 0 && (mstar > 1.5 || mstar == 0)) {
    mlab = sqrt(mstar > 0 && mstar < nmax ? mstar : nmax)
    set label 4 'messengers: M/d' at mlab, bound(mlab) right offset -0.6, 0.3 font small tc rgb '#000000'
}
if (steady < inf) {
    set label 3 sprintf('%s: %s = %.4g/s', limiter, limit, steady) at graph 0.98, first steady \
        right offset 0, 0.8 font small tc rgb '#000000'
}

# The line type of each backend, as in the run figures: thread 1, process 2, gil 4, green 5;
# its point shape, and the open shape of the same kind for poll rows.
lt_of(b) = b eq 'thread' ? 1 : b eq 'process' ? 2 : b eq 'openmp' ? 3 : b eq 'gil' ? 4 : b eq 'green' ? 5 : 7
pt_of(b) = int(word('7 5 9 13 11 6 4 8', lt_of(b)))
pt_open(b) = int(word('6 4 8 12 10 6 4 8', lt_of(b)))
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
has(i) = strstrt(seen, ' '.sb(i).','.sw(i).' ') > 0
# The wait mode is named only where the file holds both.
both = strstrt(seen, ',cond ') > 0 && strstrt(seen, ',poll ') > 0
name(i) = has(i) ? (both ? sb(i).', '.sw(i) : sb(i)) : ''
poll(i) = sw(i) eq 'poll'
pt_ser(i) = poll(i) ? pt_open(sb(i)) : pt_of(sb(i))
lw_ser(i) = poll(i) ? 1.2 : 2.2
# Series that fall on each other stay apart: each is moved a little along the log axis.
nudge(i) = 2**(0.03 * (i - (nser + 1) / 2.0))

plot \
    for [i = 1:nser] datafile using (pick_row(i) ? column('messengers') * nudge(i) : NaN):(column('throughput')) \
        with points lt lt_of(sb(i)) pt pt_ser(i) ps ps * 0.55 notitle, \
    for [i = 1:nser] datafile using (pick_row(i) ? column('messengers') * nudge(i) : NaN):(column('throughput')) \
        smooth unique with linespoints lt lt_of(sb(i)) lw lw_ser(i) pt pt_ser(i) title name(i), \
    (steady < inf || deliver > 0 ? bound(x) : 1/0) with lines ls 101 \
        title 'bound: the slowest stage', \
    datafile using (column('pickers') == pickers && column('bikes') == bikes ? column('messengers') : NaN): \
        (column('orders') / column('wall_min_s')) smooth unique with linespoints ls 102 pt 1 ps ps * 1.3 \
        title 'run bound (fill, drain)'
