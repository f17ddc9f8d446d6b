# python.gp: CPython beside amdahl's models of it, side by side, for one workload.
#
#   gnuplot -e "datafile='cpu.dat'; out='python-cpu.png'; cores=2; nmax=4; \
#               ltitle='CPython 3.11'; nl=1; lb1=0; ln1='threading threads'; ll1=1; \
#               rtitle='amdahl'; nr=1; rb1=1; rn1='gil'; rl1=1" plots/python.gp
#
# bench/python-figures.py writes the data and runs this script (bench/python.sh, make
# bench-python). datafile holds one block per series (gnuplot index 0, 1, ...), each
# line `n median min max` of the paired speedups. The left panel, ltitle, draws nl
# series: block lb<i>, named ln<i>, in line type ll<i>; the right panel, rtitle, nr
# series rb<i>, rn<i>, rl<i>. A program and the model of it share a line type, so the
# pairs read across the panels; both panels have the same axes, the ideal S = N and the
# machine's ceiling S = min(N, cores), and each series its median with min-max bars.
# Other inputs: cores, nmax, title, subtitle, plotdir (this folder), and those of
# style.gp (fmt, style, width, height).

if (!exists("plotdir")) plotdir = 'plots'
if (!exists("nl")) nl = 0
if (!exists("nr")) nr = 0
if (!exists("ltitle")) ltitle = 'CPython'
if (!exists("rtitle")) rtitle = 'amdahl'
if (!exists("cores")) cores = 1
if (!exists("nmax")) nmax = 16
cores = real(cores)
load plotdir.'/style.gp'

get(name, i) = value(sprintf('%s%d', name, i))
ceiling(n) = n < cores ? n : cores
# Two panels in the space of one: the text a size smaller than style.gp's.
small = sprintf('Sans,%.1f', fs * 0.8)

unset logscale y
set yrange [0 : nmax * 1.1]
set ytics nmax <= 4 ? 0.5 : 2
set tics font small
set xlabel 'workers N (log scale)' font small
set key inside left top vertical Left reverse samplen 2.5 spacing 1.05 width 1 height 0 maxrows auto font small opaque
set ylabel 'speedup S(N) = T(1) / T(N)' font small
# Series nudged sideways a little, so that their bars do not hide each other.
nudge(i, n) = 2**(0.03 * (i - (n + 1) / 2.0))
set multiplot layout 1, 2 margins 0.07, 0.99, 0.15, (slides ? 0.77 : 0.75) spacing 0.06
do for [side = 1:2] {
    p = side == 1 ? 'l' : 'r'
    n = side == 1 ? nl : nr
    set title (side == 1 ? ltitle : rtitle) noenhanced font sprintf('Sans,%.1f', fs * 0.95)
    plot for [i = 1:n] datafile index get(p.'b', i) using ($1 * nudge(i, n)):2:3:4 with yerrorlines \
             lt get(p.'l', i) title get(p.'n', i), \
         x with lines ls 103 title 'ideal S = N', \
         ceiling(x) with lines ls 102 title sprintf("%g cores: CPU work's ceiling", cores)
    # The figure's title and subtitle (style.gp's labels 98, 99) once, not per panel.
    unset label 98
    unset label 99
    unset ylabel
}
unset multiplot
