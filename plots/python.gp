# python.gp: CPython beside amdahl's models of it, side by side, for one workload.
#
#   gnuplot -e "datafile='cpu.dat'; out='python-cpu.png'; cores=2; nmax=4; \
#               ltitle='CPython 3.11'; nl=1; lb1=0; ln1='threading threads'; ll1=1; \
#               rtitle='amdahl'; nr=1; rb1=1; rn1='gil'; rl1=1" plots/python.gp
#
# bench/python-figures.py writes the data and runs this script (bench/python.sh, make
# bench-python). datafile holds one block per series (gnuplot index 0, 1, ...), each
# line `n median lo hi`: the median of the paired speedups and its 95% interval
# (amdahl explain --format csv). The left panel, ltitle, draws nl
# series: block lb<i>, named ln<i>, in line type ll<i>; the right panel, rtitle, nr
# series rb<i>, rn<i>, rl<i>. Beside program i, when lf<i> >= 0, a thin dotted curve in
# its colour: Amdahl's law with its start-up as the serial part, S = 1/(f + (1-f)/m),
# f = lf<i>, m = N (or min(N, cores) when cpu=1): the most that program could give.
# A program and the model of it share a line type, so the
# pairs read across the panels; both panels have the same axes, the ideal S = N and the
# machine's ceiling S = min(N, cores), and each series its median with its interval's bars.
# Other inputs: cores, nmax, title, subtitle, plotdir (this folder), and those of
# style.gp (fmt, style, width, height).

if (!exists("plotdir")) plotdir = 'plots'
if (!exists("nl")) nl = 0
if (!exists("nr")) nr = 0
if (!exists("ltitle")) ltitle = 'CPython'
if (!exists("rtitle")) rtitle = 'amdahl'
if (!exists("cores")) cores = 1
if (!exists("nmax")) nmax = 16
if (!exists("cpu")) cpu = 0
cores = real(cores)
load plotdir.'/style.gp'

get(name, i) = value(sprintf('%s%d', name, i))
ceiling(n) = n < cores ? n : cores
startup(f, n) = 1.0 / (f + (1 - f) / (cpu ? ceiling(n) : n))
lf(i) = exists(sprintf('lf%d', i)) ? get('lf', i) : -1
# Two panels in the space of one: the text a size smaller than style.gp's.
small = sprintf('Sans,%.1f', fs * 0.8)

unset logscale y
set yrange [0 : nmax * 1.1]
set ytics nmax <= 4 ? 0.5 : 2
set tics font small
set xlabel 'workers N (log scale)' font small
set ylabel 'speedup S(N) = T(1) / T(N)' font small
# Series nudged sideways a little, so that their bars do not hide each other.
nudge(i, n) = 2**(0.03 * (i - (n + 1) / 2.0))
# The panels placed by hand, each with its key under the axis, where no curve runs.
set multiplot
set tmargin at screen (slides ? 0.76 : 0.74)
set bmargin at screen 0.34
do for [side = 1:2] {
    p = side == 1 ? 'l' : 'r'
    n = side == 1 ? nl : nr
    x0 = side == 1 ? 0.07 : 0.565
    set lmargin at screen x0
    set rmargin at screen x0 + 0.415
    set key at screen x0 - (side == 1 ? 0.04 : 0.025), 0.19 left top vertical Left reverse maxrows 4 samplen 2 \
        spacing 1.05 width -2 font small
    set title (side == 1 ? ltitle : rtitle) noenhanced font sprintf('Sans,%.1f', fs * 0.95)
    plot for [i = 1:n] datafile index get(p.'b', i) using ($1 * nudge(i, n)):2:3:4 with yerrorlines \
             lt get(p.'l', i) title get(p.'n', i), \
         for [i = 1:(side == 1 ? n : 0)] (lf(i) >= 0 ? startup(lf(i), x) : 1/0) with lines \
             lc get('ll', i) lw 1.2 dt 3 notitle, \
         keyentry with lines lc rgb '#555555' lw 1.2 dt 3 \
             title (side == 1 ? 'start-up bound' : ''), \
         x with lines ls 103 title 'ideal S = N', \
         ceiling(x) with lines ls 102 title sprintf('%g-core ceiling', cores)
    # The figure's title and subtitle (style.gp's labels 98, 99) once, not per panel.
    unset label 98
    unset label 99
    unset ylabel
}
unset multiplot
