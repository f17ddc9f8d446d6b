# style.gp: the terminal, fonts and line styles every amdahl figure shares.
#
# Loaded by the figure scripts (speedup.gp, efficiency.gp, karp-flatt.gp,
# theory.gp) after their -e assignments. It reads:
#   out     the image file to write (default: amdahl.<fmt>)
#   fmt     png | svg | pdf (default png)
#   style   slides (16:9, large fonts, thick lines) | paper (compact; default)
#   width, height   the size in pixels (pdf: 96 pixels an inch)
#
# Colours: the Okabe-Ito palette, told apart by colour-blind readers; each
# series also has its own dash pattern and point shape, so a greyscale print
# still separates them. Nothing in an image depends on the time it was drawn.

if (!exists("fmt")) fmt = 'png'
if (!exists("style")) style = 'paper'
slides = (style eq 'slides')
if (!exists("width")) width = slides ? 1920 : 800
if (!exists("height")) height = slides ? 1080 : 520
if (!exists("out")) out = 'amdahl.'.fmt

# Font size (points) and line width scale with the image; slides read from the back of a room.
fs = slides ? height / 34.0 : height / 44.0
lw = slides ? height / 360.0 : height / 520.0
ps = slides ? height / 700.0 : height / 900.0
font = sprintf('Sans,%.1f', fs)

set encoding utf8
if (fmt eq 'png') {
    set terminal pngcairo size width, height enhanced font font linewidth lw rounded dashlength 1.6
} else {
    if (fmt eq 'svg') {
        set terminal svg size width, height enhanced font font linewidth lw rounded dashlength 1.6 background '#ffffff'
    } else {
        set terminal pdfcairo size width / 96.0, height / 96.0 enhanced font sprintf('Sans,%.1f', fs * 0.75) linewidth lw * 0.75 rounded dashlength 1.6
    }
}
set output out

# Series 1..8: Okabe-Ito colours, each with a dash pattern and a point shape of its own.
# Backends keep their line type across figures: thread 1, process 2, openmp 3, then the rest.
set linetype 1 lc rgb '#0072B2' lw 2.2 dt 1 pt 7 ps ps          # blue, solid, circle
set linetype 2 lc rgb '#E69F00' lw 2.2 dt (8, 4) pt 5 ps ps      # orange, dashed, square
set linetype 3 lc rgb '#009E73' lw 2.2 dt (8, 3, 2, 3) pt 9 ps ps*1.2  # green, dash-dot, triangle
set linetype 4 lc rgb '#D55E00' lw 2.2 dt (2, 3) pt 13 ps ps*1.2 # vermillion, dotted, diamond
set linetype 5 lc rgb '#CC79A7' lw 2.2 dt (14, 4) pt 11 ps ps*1.2 # reddish purple, long dash, down triangle
set linetype 6 lc rgb '#56B4E9' lw 2.2 dt (8, 3, 2, 3, 2, 3) pt 6 ps ps  # sky blue, dash-dot-dot, open circle
set linetype 7 lc rgb '#000000' lw 2.2 dt (4, 4) pt 4 ps ps      # black, short dash, open square
set linetype 8 lc rgb '#F0E442' lw 2.2 dt 1 pt 8 ps ps           # yellow, solid, open triangle

# The models: Amdahl's law black, the machine's ceiling dark grey, the ideal S = N light grey.
set style line 101 lc rgb '#000000' lw 2.5 dt 1
set style line 102 lc rgb '#555555' lw 2.0 dt (10, 5)
set style line 103 lc rgb '#999999' lw 1.5 dt (3, 4)
# The cores mark: a line where N passes the usable cores, and the oversubscribed side shaded.
set style line 104 lc rgb '#333333' lw 1.5 dt (6, 4)

set border 3 lw 1.2
set tics nomirror out scale 0.7
set grid xtics ytics lc rgb '#dddddd' lw 1 dt 1
# The key below the plot, in rows: the plot keeps the width (outside right, it took
# almost half of an 800-pixel figure).
set key outside center bottom horizontal Left reverse samplen 2.5 spacing 1.1 width 1 height 1.5 maxrows 2 noenhanced
set bars small
set samples 400

# A log2 worker axis from 1 to nmax: ticks 1, 2, 4 ... and nmax itself; a power of two
# too close to nmax to carry a label keeps a tick without one.
set logscale x 2
set xrange [0.85 : nmax * 1.2]
set xtics () 
do for [k = 0:int(log(nmax) / log(2) + 1e-9)] {
    if (2**k <= nmax / 1.45 || 2**k == nmax) {
        set xtics add (sprintf('%d', 2**k) 2**k)
    } else {
        set xtics add ('' 2**k)
    }
}
if (2**int(log(nmax) / log(2) + 1e-9) != nmax) { set xtics add (sprintf('%d', nmax) nmax) }
set mxtics 1
set xlabel 'workers N (log scale)'

# The title at the top, and under it a subtitle in a smaller grey font (the machine,
# the work, what the bars mean); neither is parsed for markup.
if (!exists("title")) title = ''
if (!exists("subtitle")) subtitle = ''
set label 98 title at screen 0.5, screen (slides ? 0.955 : 0.95) center noenhanced font sprintf('Sans,%.1f', fs * 1.2)
set label 99 subtitle at screen 0.5, screen (slides ? 0.895 : 0.885) center noenhanced font sprintf('Sans,%.1f', fs * 0.75) tc rgb '#444444'
set tmargin at screen (strlen(subtitle) > 0 ? (slides ? 0.84 : 0.83) : (slides ? 0.89 : 0.88))
