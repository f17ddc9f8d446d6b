#!/usr/bin/env python3
# bench/bigcsv.py: a large run CSV for measuring fit, compare and plot on many rows
# (docs/testing.md, "A million rows"). Standard library only; the same seed gives the
# same file.
#
#   bench/bigcsv.py OUT.csv [SEED [ROWS]]     defaults: seed 1, 1,000,000 rows
#
# thread/process/openmp x spin/memory x P 0.5, 0.9 x N 1..64 (84 points), repetitions
# round-robin until ROWS; wall times follow the 2-core ceiling with 3-6% noise; memory
# rows carry a gbps cell; every row a cpus list.
import random
import sys

random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
out = open(sys.argv[1], "w")
out.write("backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores,cpu_s,ceiling,karp_flatt,"
          "work_s,units,phases,scaling,lost,gbps,launch_s,rss_kb,cpus,label\n")
target = int(sys.argv[3]) if len(sys.argv) > 3 else 1000000
points = [(b, w, p, n) for b in ("thread", "process", "openmp") for w in ("spin", "memory")
          for p in (0.5, 0.9) for n in (1, 2, 4, 8, 16, 32, 64)]
cores = 2
rows = 0
for rep in range(target // len(points) + 1):
    for (b, w, p, n) in points:
        if rows >= target:
            break
        m = min(n, cores)
        wall = 0.2 * ((1 - p) + p / m) * random.uniform(0.97, 1.06)
        sp = 0.2 / wall
        kf = "" if n == 1 else "%.9g" % ((1 / sp - 1 / n) / (1 - 1 / n))
        cpus = ";".join(str(i % cores) for i in range(n + 1))
        gbps = "%.9g" % (3.2 * random.uniform(0.9, 1.1)) if w == "memory" else ""
        out.write("%s,%s,%g,%d,%d,%.9g,%.9g,%.9g,%.9g,%d,%.9g,%.9g,%s,0.2,123456,1,strong,,%s,,,%s,\n" % (
            b, w, p, n, rep, wall, sp, 1 / ((1 - p) + p / n), sp / n, cores, wall * m,
            1 / ((1 - p) + p / m), kf, gbps, cpus))
        rows += 1
