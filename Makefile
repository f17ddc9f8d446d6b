# amdahl — build, test and benchmark.
#
#   make            build build/amdahl
#   make deps       install missing Debian packages (as root), else print the command
#   make test       deps, then the Criterion suite (unit tests and the CLI as a process)
#   make test-asan  the suite under AddressSanitizer + UBSan (build-asan/)
#   make test-tsan  the suite under ThreadSanitizer (build-tsan/)
#   make test-browser  deps-browser, then report pages opened in headless Chromium, offline,
#                   and validated by tidy (tests/browser/run): results/report-screenshot.png
#   make bench      deps, then the default suite: results/latest.csv, plots/out/*.png and
#                   results/report.html
#   make plots      draw plots/out/*.png again from results/latest.csv
#   make bench-ab   this build against AB_BASE=path/to/amdahl, interleaved rounds, compare --paired
#   make bench-ci   the short suite bench/ci against results/baseline.csv: compare's exit status
#   make baseline   measure bench/ci again into results/baseline.csv (commit it with its meta.json)
#   make bench-python  deps-python, then bench/python.sh: the talk's Python examples beside
#                   the gil, process and green models: plots/out/python-*.png, a table
#   make bench-floor  amdahl's wall time beside the bare thread/fork/OpenMP floors (bench/floor.c)
#   make bench-gate   compare's false-alarm rate and power, both modes, on this machine (bench/gate-power)
#   make install    the binary, the gnuplot scripts and the man page (PREFIX, DESTDIR)
#   make clean
#
# Quiet unless V=1. BUILD picks the build folder, so sanitizer builds live apart.

BUILD   ?= build
CC      := gcc
SAN     ?=
OPT     ?= -O2
Q       := $(if $(V),,@)
PREFIX  ?= /usr/local

# Debian packages amdahl builds, tests and plots with (zstd: the README's worked
# example, which the suite runs; xz-utils: the speedup stack of a program, tested).
DEPS_PKGS := gcc make pkg-config libc6-dev libcriterion-dev libcsv-dev libjansson-dev \
	libgsl-dev libhwloc-dev libopenmpi-dev openmpi-bin gnuplot-nox zstd xz-utils
# Packages only one target needs, each list installed by a deps-<name> target of its own.
DEPS_PYTHON := python3 python3-gevent
# test-browser: the browser that opens the report pages, the validator, and Node to drive them.
DEPS_BROWSER := chromium tidy nodejs
# The interpreter bench-python measures and tests/test_python.c runs.
PYTHON ?= /usr/bin/python3

CFLAGS_ALL := -std=gnu11 $(OPT) -g -Wall -Wextra -Werror -fopenmp -pthread -MMD -MP $(SAN) $(CFLAGS)
# -z now: symbols are bound at start-up, not on first call in every forked process worker.
LDLIBS_ALL := -Wl,-z,now -fopenmp -pthread $(SAN) -lcsv -ljansson -lgsl -lgslcblas -lhwloc -lm $(LDLIBS)
GIT_COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

# OpenMPI, when installed (MPI=0 builds without it, in a BUILD folder of its own;
# the mpi backend then stays listed as unavailable). Only the ranks' entry point
# includes mpi.h, and only the ranks' own binary, amdahl-mpi-rank, links libmpi:
# the harness forks for every point and process worker, and fork's cost grows
# with every library mapped.
ifeq ($(origin MPI),undefined)
MPI := $(shell (pkg-config --exists ompi-c || command -v mpicc) >/dev/null 2>&1 && echo 1 || echo 0)
endif
MPI_OBJ := $(BUILD)/src/cmd/mpi_rank.o
ifeq ($(MPI),1)
MPI_CFLAGS := $(shell pkg-config --cflags ompi-c 2>/dev/null || mpicc --showme:compile)
MPI_LIBS   := $(shell pkg-config --libs ompi-c 2>/dev/null || mpicc --showme:link)
CFLAGS_ALL += -DAMDAHL_HAVE_MPI
endif

# Sources, one per line, sorted. main.c is apart so the tests can link the rest.
SRC := \
	src/api/column.c \
	src/api/job.c \
	src/api/params.c \
	src/api/timing.c \
	src/b5/b5.c \
	src/b5/green.c \
	src/b5/pipeline.c \
	src/b5/process.c \
	src/b5/thread.c \
	src/backends/backend.c \
	src/backends/cmd.c \
	src/backends/gil.c \
	src/backends/green.c \
	src/backends/mpi.c \
	src/backends/openmp.c \
	src/backends/process.c \
	src/backends/thread.c \
	src/base/clock.c \
	src/base/list.c \
	src/base/machine.c \
	src/base/options.c \
	src/base/stop.c \
	src/base/topology.c \
	src/base/util.c \
	src/cmd/b5.c \
	src/cmd/compare.c \
	src/cmd/demo.c \
	src/cmd/explain.c \
	src/cmd/fit.c \
	src/cmd/info.c \
	src/cmd/mpi_rank.c \
	src/cmd/plot.c \
	src/cmd/report.c \
	src/cmd/run.c \
	src/cmd/theory.c \
	src/demo/common.c \
	src/demo/convoy.c \
	src/demo/deadlock.c \
	src/demo/print.c \
	src/demo/race.c \
	src/engine/calibrate.c \
	src/engine/engine.c \
	src/engine/isolate.c \
	src/engine/meta.c \
	src/engine/output.c \
	src/engine/precision.c \
	src/engine/stack.c \
	src/engine/sweep.c \
	src/engine/sweep_precision.c \
	src/engine/sweep_rows.c \
	src/engine/sweep_summary.c \
	src/models/explain.c \
	src/models/fit.c \
	src/models/gate.c \
	src/models/interval.c \
	src/models/jackknife.c \
	src/models/models.c \
	src/models/ranktest.c \
	src/models/stats.c \
	src/models/usl.c \
	src/results/aggregate.c \
	src/results/b5_csv.c \
	src/results/comparison.c \
	src/results/csv.c \
	src/results/emit.c \
	src/results/figure.c \
	src/results/figure_b5.c \
	src/results/figure_stack.c \
	src/results/figure_table.c \
	src/results/gnuplot.c \
	src/results/html.c \
	src/results/report_figure.c \
	src/results/report_html.c \
	src/results/rows.c \
	src/results/stack_table.c \
	src/results/summary.c \
	src/results/svg.c \
	src/runtime/channel.c \
	src/runtime/condition.c \
	src/runtime/event.c \
	src/runtime/exec.c \
	src/runtime/gil.c \
	src/runtime/green.c \
	src/runtime/lock.c \
	src/runtime/procs.c \
	src/runtime/queue.c \
	src/runtime/reap.c \
	src/runtime/sample.c \
	src/runtime/semaphore.c \
	src/runtime/workrec.c \
	src/workloads/exec.c \
	src/workloads/fault.c \
	src/workloads/lock.c \
	src/workloads/memory.c \
	src/workloads/message.c \
	src/workloads/sleep.c \
	src/workloads/spin.c \
	src/workloads/workload.c

# Test files: every tests/test_*.c, plus the helper that runs the binary.
TESTS := $(sort $(wildcard tests/test_*.c)) tests/cli.c

OBJ      := $(SRC:%.c=$(BUILD)/%.o)
TEST_OBJ := $(TESTS:%.c=$(BUILD)/%.o)
BIN      := $(BUILD)/amdahl
TEST_BIN := $(BUILD)/amdahl-tests
RANK_BIN := $(if $(filter 1,$(MPI)),$(BUILD)/amdahl-mpi-rank)

.PHONY: all deps deps-python deps-browser test test-asan test-tsan test-browser bench bench-ab bench-ci bench-python baseline bench-floor bench-gate plots install clean FORCE

all: $(BIN) $(RANK_BIN)

$(BIN): $(BUILD)/src/main.o $(filter-out $(MPI_OBJ),$(OBJ))
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/amdahl-mpi-rank: $(BUILD)/src/mpi_rank_main.o $(OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(LDLIBS_ALL) $(MPI_LIBS)

$(TEST_BIN): $(TEST_OBJ) $(filter-out $(MPI_OBJ),$(OBJ)) $(TEST_SHIM)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ -lcriterion $(LDLIBS_ALL)

# Criterion cannot start under ThreadSanitizer without this shim (see the file).
$(BUILD)/tests/tsan/arena.o: tests/tsan/arena.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (uninstrumented)"
	$(Q)$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(MPI_OBJ): CFLAGS_ALL += $(MPI_CFLAGS)

# Whether OpenMPI is there is decided when make reads this file, so every target
# that runs after `make deps` builds in a make of its own (`$(MAKE) all`), which
# looks again; the files that depend on the answer are rebuilt when it changes.
$(BUILD)/src/backends/mpi.o $(MPI_OBJ): $(BUILD)/mpi-id
$(BUILD)/mpi-id: FORCE
	@mkdir -p $(BUILD)
	@echo '$(MPI)' | cmp -s - $@ || echo '$(MPI)' > $@

# The git commit and flags are compiled into machine.o; rebuild it when they change.
$(BUILD)/src/base/machine.o: CFLAGS_ALL += -DAMDAHL_GIT='"$(GIT_COMMIT)"' \
	-DAMDAHL_CFLAGS='"$(strip $(OPT) -fopenmp -pthread $(SAN) $(CFLAGS))"'
$(BUILD)/src/base/machine.o: $(BUILD)/build-id
$(BUILD)/build-id: FORCE
	@mkdir -p $(BUILD)
	@echo '$(GIT_COMMIT) $(OPT) $(SAN) $(CFLAGS)' | cmp -s - $@ || echo '$(GIT_COMMIT) $(OPT) $(SAN) $(CFLAGS)' > $@

# $(call deps_install,PACKAGES,TARGET): install those of the Debian PACKAGES that are
# missing (as root), else print the apt-get line and fail; quick and silent when
# everything is there. One recipe for `deps` and every target-specific list.
define deps_install
	@missing=""; for p in $(1); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "make $(2): installing$$missing"; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get install -y -qq $$missing >/dev/null || { apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; } \
			|| { echo "make $(2): apt-get install failed" >&2; exit 1; }; \
		else \
			echo "make $(2): missing packages; run as root:" >&2; \
			echo "  apt-get install -y$$missing" >&2; exit 1; \
		fi; \
	fi
endef

deps:
	$(call deps_install,$(DEPS_PKGS),deps)

# Debian's interpreter and gevent, for bench-python only (make test skips the Python
# tests, with a message, where they are missing).
deps-python:
	$(call deps_install,$(DEPS_PYTHON),deps-python)

# Debian's Chromium, tidy and Node, for test-browser only.
deps-browser:
	$(call deps_install,$(DEPS_BROWSER),deps-browser)

# The suite runs the real binary as a process too: it finds it through AMDAHL_BIN.
# One test at a time (--jobs 1): the tests that measure a speedup need the cores
# to themselves, and a test running beside them would be the noise they measure.
test: deps
	$(Q)$(MAKE) --no-print-directory all $(TEST_BIN)
	$(Q)AMDAHL_BIN=$(abspath $(BIN)) AMDAHL_ROOT=$(CURDIR) PYTHON=$(PYTHON) $(TEST_ENV) $(TEST_BIN) --jobs 1 $(TEST_ARGS)

# Full unwinding on malloc, so that tests/lsan.supp can tell Criterion's own
# leak (in its runner) from one in amdahl or a test.
ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:fast_unwind_on_malloc=0 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp UBSAN_OPTIONS=print_stacktrace=1
test-asan:
	$(Q)$(MAKE) --no-print-directory test BUILD=build-asan OPT=-O1 \
		SAN='-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined' \
		TEST_ENV='$(ASAN_ENV)'

test-tsan:
	$(Q)$(MAKE) --no-print-directory test BUILD=build-tsan OPT=-O1 SAN='-fsanitize=thread' \
		TEST_SHIM=build-tsan/tests/tsan/arena.o \
		TEST_ENV='TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp halt_on_error=1 exitcode=66"'

# The report page in a real browser: headless Chromium opens pages amdahl report wrote
# from file:// URLs with the network cut off, and tidy validates them (tests/browser/run).
test-browser: deps deps-browser
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/browser/run $(BIN)

# plot finds its gnuplot scripts beside the binary; the install prefix is the fallback.
$(BUILD)/src/results/gnuplot.o: CFLAGS_ALL += -DAMDAHL_DATADIR='"$(PREFIX)/share/amdahl"'
$(BUILD)/src/results/gnuplot.o: $(BUILD)/prefix-id
$(BUILD)/prefix-id: FORCE
	@mkdir -p $(BUILD)
	@echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' > $@

# The suite in bench/ (SUITE=bench/other for another): results/latest.csv and its
# meta.json, plots/out/*.png (PLOT_STYLE=paper for compact ones), a summary table, and
# the run's page, results/report.html (amdahl report).
SUITE      ?= bench/default
PLOT_STYLE ?= slides
bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)AMDAHL=$(BIN) PLOT_STYLE=$(PLOT_STYLE) REPORT=results/report.html bench/run $(SUITE) results/latest.csv plots/out

plots:
	$(Q)$(MAKE) --no-print-directory all
	$(Q)AMDAHL=$(BIN) PLOT_STYLE=$(PLOT_STYLE) REPORT=results/report.html bench/run --redraw results/latest.csv plots/out

# The talk's Python programs (examples/python) measured with --cmd beside the models
# of them, one interleaved run per workload (suite bench/python): results/python.csv,
# plots/out/python-cpu.png and
# python-io.png, and a table of each pair's speedups. PYTHON picks the interpreter
# (PYTHON, Debian's by default: the one deps-python gives gevent to).
bench-python: deps deps-python
	$(Q)$(MAKE) --no-print-directory all
	$(Q)AMDAHL=$(BIN) PYTHON=$(PYTHON) PLOT_STYLE=$(PLOT_STYLE) bench/python.sh results/python.csv plots/out

# The CI gate: bench/ci measured into results/ci.csv and judged against the committed
# results/baseline.csv by `amdahl compare`, whose exit status is the target's (0 ok,
# 1 regression, 2 bad input); its markdown table also goes to results/ci.md for a
# pull-request comment, and the page with the verdict on top to results/ci.html.
# CI_COMPARE passes options to compare and report (--threshold, --alpha, --metric,
# --same-machine; e.g. --threshold 10%).
CI_SUITE   ?= bench/ci
CI_COMPARE ?=
bench-ci: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)test -r results/baseline.csv || { echo "make bench-ci: no results/baseline.csv; run 'make baseline'" >&2; exit 2; }
	$(Q)AMDAHL=$(BIN) PLOT_STYLE=paper bench/run $(CI_SUITE) results/ci.csv results/ci-plots
	$(Q)$(BIN) compare results/baseline.csv results/ci.csv --format markdown $(CI_COMPARE) > results/ci.md; \
		status=$$?; cat results/ci.md; \
		$(BIN) report results/ci.csv --compare results/baseline.csv $(CI_COMPARE) -o results/ci.html > /dev/null \
		|| echo "make bench-ci: no results/ci.html" >&2; exit $$status

# The A/B gate: this build against another (AB_BASE, e.g. the base commit built in a
# worktree) in interleaved rounds, judged by `amdahl compare --paired`: results/ab.csv,
# results/ab.md, the page results/ab.html, and compare's exit status. AB_ARGS, AB_N, AB_ROUNDS, AB_COMPARE: see bench/ab.
AB_BASE ?=
bench-ab: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)test -n "$(AB_BASE)" || { echo "make bench-ab: set AB_BASE to the base build's amdahl" >&2; exit 2; }
	$(Q)bench/ab $(AB_BASE) $(abspath $(BIN)) results/ab.csv

baseline: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)AMDAHL=$(BIN) PLOT_STYLE=paper bench/run $(CI_SUITE) results/baseline.csv results/baseline-plots

# The harness's cost: pthread_create+join, fork+waitpid and empty OpenMP regions of N
# workers beside amdahl's wall time for P=1 with almost no work, as ratios per backend
# and N (a benchmark, not a test). FLOOR_ARGS passes options, e.g. FLOOR_ARGS='-N 1,64,320 -r 40'.
# The CSV reader knows the plugins' columns, so the floor links what the harness links;
# --no-as-needed: it maps every library amdahl maps, so that the fork floor is forked
# from a process of amdahl's size (fork's cost grows with the memory areas).
FLOOR_OBJ := $(filter-out $(MPI_OBJ),$(OBJ))
$(BUILD)/floor: $(BUILD)/bench/floor.o $(FLOOR_OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ -Wl,--no-as-needed $(LDLIBS_ALL)

bench-floor: $(BIN) $(BUILD)/floor
	$(Q)$(BUILD)/floor -a $(BIN) $(FLOOR_ARGS)

# The regression gate's error rates on this machine (a benchmark, not a test): false alarms
# over A/A pairs and the power against 3%, 5% and 10% slowdowns, injected and real, for the
# committed-baseline mode and the A/B mode; the table goes to results/gate-power.md.
# GATE_AA, GATE_REAL, GATE_ROUNDS, GATE_WORK size it (see bench/gate-power).
$(BUILD)/gate-spin: bench/gate-spin.c
	@mkdir -p $(BUILD)
	@echo "  CC      $<"
	$(Q)$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -pthread -o $@ $<

bench-gate: deps
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/gate-spin
	$(Q)AMDAHL=$(BIN) GATE_SPIN=$(BUILD)/gate-spin bench/gate-power

# An installed amdahl plots from any folder: the scripts go to <prefix>/share/amdahl/plots.
install: $(BIN) $(RANK_BIN)
	@echo "  INSTALL $(DESTDIR)$(PREFIX)"
	$(Q)install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/amdahl/plots \
		$(DESTDIR)$(PREFIX)/share/man/man1
	$(Q)install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/amdahl
	$(Q)$(if $(RANK_BIN),install -m 755 $(RANK_BIN) $(DESTDIR)$(PREFIX)/bin/amdahl-mpi-rank)
	$(Q)install -m 644 plots/*.gp $(DESTDIR)$(PREFIX)/share/amdahl/plots
	$(Q)install -m 644 docs/amdahl.1 $(DESTDIR)$(PREFIX)/share/man/man1/amdahl.1

clean:
	rm -rf build build-asan build-tsan

-include $(OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(BUILD)/src/main.d $(BUILD)/bench/floor.d
