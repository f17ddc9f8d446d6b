# stack.gp: the speedup stack — where the N workers' capacity went, one bar per N.
#
#   gnuplot -e "datafile='s.dat'; out='stack.png'; segments='1 2 3 5'; nmax=64" plots/stack.gp
#
# datafile holds one line per N with the columns
#   n  useful serial spawn+join imbalance starved blocked gil extra_cpu idle  speedup total
# each part in speedup units (a part's seconds over the wall time, the median over the
# repetitions; amdahl plot writes it, docs/explain.md defines the parts). A bar is N tall
# when the books close: the useful work at the bottom (the speedup the work achieved),
# each loss stacked above it. The measured speedup is printed over each bar.
# segments: which of the nine parts (1 = useful ... 9 = idle) to draw and name in the key.
# Other inputs: title, subtitle, plotdir, and those of style.gp.

if (!exists("plotdir")) plotdir = 'plots'
if (!exists("segments")) segments = '1 2 3 4 5 6 7 8 9'
if (!exists("nmax")) nmax = 64
if (!exists("title")) title = 'Where the speedup went'
nmax = real(nmax)
load plotdir.'/style.gp'

# Categories, not a log axis: one bar per measured N, at 0, 1, 2 ...
unset logscale x
set xtics () scale 0
set mxtics 0
set xlabel 'workers N'
set autoscale x
set offsets 0.6, 0.6, 0, 0
set grid noxtics ytics
set mytics 1

# Okabe-Ito colours, one a part, in the order of the columns; grey for what a single
# thread of the GIL costs and for a program's idle capacity. Solid boxes: no dashes,
# no point marks (style.gp's series styles are for lines).
colours = '#0072B2 #E69F00 #56B4E9 #F0E442 #D55E00 #CC79A7 #555555 #009E73 #BBBBBB'
do for [i = 1:9] { set linetype i lc rgb word(colours, i) lw 1 dt solid pt 0 ps 0 }
# gnuplot's word() splits at spaces: the names carry '_' and are shown with spaces.
names = "useful_(speedup) serial_part spawn_+_join imbalance waiting_for_CPU blocked GIL_/_1_thread extra_CPU idle_(program)"
unspace(s) = strlen(s) == 0 ? '' : (s[1:1] eq '_' ? ' ' : s[1:1]) . unspace(s[2:*])
seg(k) = int(word(segments, k))

set style data histograms
set style histogram rowstacked gap 0.6
set style fill solid 0.92 border lc rgb '#ffffff'
set boxwidth 0.78 relative

# Two panels: the bars as they are, N tall (where each of the N units went), and the
# same bars as shares of the capacity, so that the small N stay readable beside N = 320.
kh = 0.15      # the key's strip at the bottom
set multiplot
set lmargin at screen 0.1
set rmargin at screen 0.57
set bmargin at screen kh + 0.13
# The key, drawn by hand: gnuplot's own cannot be centred under two panels in rows of five.
unset key
do for [k = 1:words(segments)] {
    kx = 0.05 + ((k - 1) % 5) * 0.19
    ky = kh * ((k - 1) / 5 == 0 ? 0.7 : 0.25)
    set object 100 + k rectangle from screen kx, screen ky - 0.02 to screen kx + 0.022, screen ky + 0.02 \
        fillcolor rgb word(colours, seg(k)) fillstyle solid 1 noborder
    set label 100 + k unspace(word(names, seg(k))) at screen kx + 0.03, screen ky left noenhanced \
        font sprintf('Sans,%.1f', fs * 0.8)
}
# Many bars: smaller N labels in the left panel (and turned in the narrower right one),
# so that 128, 256 and 320 stay apart.
stats datafile using 1 nooutput
nbars = STATS_records
lfont = sprintf('Sans,%.1f', fs * 0.7)
if (nbars > 8) { set xtics font lfont }
set yrange [0 : nmax * 1.12]
set ytics autofreq
set ylabel 'speedup units (a bar: N workers)'
plot for [k = 1:words(segments)] datafile using (column(seg(k) + 1)):xtic(1) lt seg(k) notitle, \
     datafile using ($0):($12):(sprintf('%.2f', $11)) with labels offset 0, 0.8 \
        font sprintf('Sans,%.1f', fs * 0.75) notitle

# The right panel: shares; the title block and the key are drawn once.
unset label 98
unset label 99
do for [k = 1:words(segments)] { unset object 100 + k; unset label 100 + k }
set lmargin at screen 0.7
set rmargin at screen 0.97
set yrange [0 : 100]
set ytics 20
set ylabel 'share of the capacity (%)'
# Many bars in the narrower panel: smaller N labels, so that 16, 32 and 64 stay apart,
# and past eight bars turned upright (then they need no less room across).
tfont = sprintf('Sans,%.1f', fs * 0.75)
if (nbars > 5) { set xtics font tfont }
if (nbars > 8) { set xtics rotate by 90 right offset 0, -0.3 }
plot for [k = 1:words(segments)] datafile using (100 * column(seg(k) + 1) / $12):xtic(1) lt seg(k) notitle
unset multiplot
