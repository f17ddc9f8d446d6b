#!/bin/sh
# bench/python.sh: the talk's Python programs (examples/python) measured beside
# amdahl's models of them (suite bench/python), one figure per workload, and a table
# of each pair's median speedups. `make bench-python` runs it.
#
#   bench/python.sh [OUT.csv [PLOTDIR]]           defaults: results/python.csv plots/out
#   bench/python.sh --redraw [OUT.csv [PLOTDIR]]  draw again without measuring
#
# Writes OUT.csv (and its meta.json files, as bench/run does), PLOTDIR/python-cpu.png
# and PLOTDIR/python-io.png, and amdahl's own figures of the same rows (each program's
# speedup at its fitted P) to OUT's folder, python-plots/.
#
# Environment: PYTHON, the interpreter measured (default /usr/bin/python3, Debian's:
# it has python3-gevent; `make deps-python` installs both); AMDAHL, the binary (default
# build/amdahl); PLOT_STYLE slides|paper (default slides); PLOT_FORMAT png|svg|pdf.
# Exit status: 2 without the interpreter or gevent, else that of the first step that failed.
set -u

python=${PYTHON:-/usr/bin/python3}
amdahl=${AMDAHL:-build/amdahl}
redraw=0
if [ "${1:-}" = "--redraw" ]; then
	redraw=1
	shift
fi
out=${1:-results/python.csv}
plotdir=${2:-plots/out}

say() { printf 'bench-python: %s\n' "$*" >&2; }

if ! "$python" -c 'import gevent' 2>/dev/null; then
	say "'$python' cannot import gevent; run 'make deps-python' (or set PYTHON)"
	exit 2
fi

if [ "$redraw" = 0 ]; then
	# The suite names the interpreter `python3`, as a reader would type it. A folder
	# holding python3 -> $PYTHON goes first on PATH, so that is the one measured.
	bin=$(mktemp -d "${TMPDIR:-/tmp}/amdahl-python-XXXXXX") || exit 1
	trap 'rm -rf "$bin"' EXIT
	trap 'exit 130' INT TERM
	abs=$(command -v "$python") && case $abs in /*) ;; *) abs=$(pwd)/$abs ;; esac
	ln -s "$abs" "$bin/python3" || exit 1
	PATH=$bin:$PATH AMDAHL=$amdahl bench/run bench/python "$out" "$(dirname "$out")/python-plots" \
		|| exit $?
fi
[ -r "$out" ] || { say "no '$out' to draw; run 'make bench-python' first"; exit 2; }
AMDAHL=$amdahl "$python" bench/python-figures.py "$out" "$plotdir"
