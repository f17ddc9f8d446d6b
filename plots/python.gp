# python.gp: CPython beside amdahl's models of it, one panel per pair, for one workload.
#
#   gnuplot -e "datafile='cpu.dat'; out='python-cpu.png'; np=4; t1='threading | gil'; \
#               cn1='CPython threads'; mn1='gil'; c1=0; m1=1; x1=-1; ..." plots/python.gp
#
# bench/python-figures.py writes the data and runs this script (bench/python.sh, make
# bench-python). datafile holds one block per series (gnuplot index 0, 1, ...), each
# line `n median min max` of the paired speedups. Panel i (1..np) draws
#   block c<i>  the CPython program, named cn<i>: solid, filled points
#   block m<i>  the model of it, named mn<i>: dashed, open points
#   block x<i>  a contrast named xn<i> (x<i> = -1: none): thin and grey
# each median with min-max bars, beside the ideal S = N and the machine's ceiling
# S = min(N, cores), under the title t<i>. Other inputs: cores, nmax, title, subtitle,
# plotdir (this folder), and those of style.gp (fmt, style, width, height).

if (!exists("plotdir")) plotdir = 'plots'
if (!exists("np")) np = 1
if (!exists("cores")) cores = 1
if (!exists("nmax")) nmax = 16
cores = real(cores)
load plotdir.'/style.gp'

get(name, i) = value(sprintf('%s%d', name, i))
has(name, i) = exists(sprintf('%s%d', name, i))
ceiling(n) = n < cores ? n : cores

unset logscale y
set yrange [0 : nmax * 1.12]
set ytics nmax <= 4 ? 0.5 : 2
set key inside left top vertical Left reverse samplen 3 spacing 1.1 width 1 opaque box lc rgb '#cccccc'
set xlabel 'workers N (log scale)'
set ylabel 'speedup S(N) = T(1) / T(N)'
# The CPython series in the palette's blue, the models in its orange, the contrast grey.
set linetype 11 lc rgb '#0072B2' lw 2.4 dt 1 pt 7 ps ps * 1.2
set linetype 12 lc rgb '#E69F00' lw 2.4 dt (8, 4) pt 4 ps ps * 1.3
set linetype 13 lc rgb '#777777' lw 1.4 dt (2, 3) pt 6 ps ps

cols = np > 1 ? 2 : 1
rows = int((np + cols - 1) / cols)
set multiplot layout rows, cols margins 0.07, 0.98, 0.08, (slides ? 0.83 : 0.81) spacing 0.07, 0.14
do for [i = 1:np] {
    set title get('t', i) noenhanced
    x = has('x', i) ? get('x', i) : -1
    if (x >= 0) {
        plot datafile index get('c', i) using 1:2:3:4 with yerrorlines lt 11 title get('cn', i), \
             datafile index get('m', i) using 1:2:3:4 with yerrorlines lt 12 title get('mn', i), \
             datafile index x using 1:2:3:4 with yerrorlines lt 13 title get('xn', i), \
             x with lines ls 103 title 'ideal S = N', \
             ceiling(x) with lines ls 102 title sprintf('%g cores', cores)
    } else {
        plot datafile index get('c', i) using 1:2:3:4 with yerrorlines lt 11 title get('cn', i), \
             datafile index get('m', i) using 1:2:3:4 with yerrorlines lt 12 title get('mn', i), \
             x with lines ls 103 title 'ideal S = N', \
             ceiling(x) with lines ls 102 title sprintf('%g cores', cores)
    }
    # The figure's title and subtitle (style.gp's labels 98, 99) once, not per panel.
    unset label 98
    unset label 99
}
unset multiplot
