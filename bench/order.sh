#!/usr/bin/env bash
# Which --order gives the better speedup under a drifting machine?
# Runs the same sweep in rounds and in points order, alternating, while a
# background hog switches one CPU's load on and off (a drift the harness does
# not control), and prints, per order, the median speedup at N=2 against
# Amdahl's 1.818 and the spread (IQR) of the per-repetition speedups.
#
# usage: bench/order.sh [amdahl-binary] [pairs]
set -euo pipefail
bin=${1:-build/amdahl}
pairs=${2:-3}
tmp=$(mktemp -d)
trap 'kill $hog 2>/dev/null || true; rm -rf "$tmp"' EXIT

# The drift: 1.5 s of spinning, 1.5 s idle, over and over.
( while :; do timeout 1.5 sh -c 'while :; do :; done' || true; sleep 1.5; done ) &
hog=$!

for i in $(seq "$pairs"); do
	for order in rounds points; do
		"$bin" run -b thread -w spin -P 0.9 -N 1,2 --reps 9 --warmup 1 --work 0.1 \
			--order "$order" --seed "$i" -q -o "$tmp/$order-$i.csv"
	done
done

for order in rounds points; do
	# speedup column (7) of the n=2 rows (n is column 4), all pairs together
	cat "$tmp/$order"-*.csv | awk -F, '$4 == 2 { print $7 }' | sort -g > "$tmp/$order.s"
	awk -v order="$order" '{ v[NR] = $1 } END {
		med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		q1 = v[int(NR / 4) + 1]; q3 = v[int(3 * NR / 4) + 1]
		printf "%-7s n=%d median S(2) %.3f (%.1f%% off Amdahl 1.818)  IQR %.3f  min %.3f max %.3f\n",
			order, NR, med, 100 * (med / 1.8181818 - 1), q3 - q1, v[1], v[NR]
	}' "$tmp/$order.s"
done
