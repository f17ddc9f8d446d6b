# amdahl — build, test and benchmark.
#
#   make            build build/amdahl
#   make deps       install missing Debian packages (as root), else print the command
#   make test       deps, then the Criterion suite (unit tests and the CLI as a process)
#   make test-asan  the suite under AddressSanitizer + UBSan (build-asan/)
#   make test-tsan  the suite under ThreadSanitizer (build-tsan/)
#   make bench      deps, then the default suite: results/latest.csv and plots/out/*.png
#   make clean
#
# Quiet unless V=1. BUILD picks the build folder, so sanitizer builds live apart.

BUILD   ?= build
CC      := gcc
SAN     ?=
OPT     ?= -O2
Q       := $(if $(V),,@)

# Debian packages amdahl builds, tests and plots with.
DEPS_PKGS := gcc make pkg-config libc6-dev libcriterion-dev libcsv-dev libjansson-dev \
	libgsl-dev libhwloc-dev libopenmpi-dev openmpi-bin gnuplot-nox

CFLAGS_ALL := -std=gnu11 $(OPT) -g -Wall -Wextra -Werror -fopenmp -pthread -MMD -MP $(SAN) $(CFLAGS)
LDLIBS_ALL := -fopenmp -pthread $(SAN) -lcsv -ljansson -lgsl -lgslcblas -lhwloc -lm $(LDLIBS)
GIT_COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

# Sources, one per line, sorted. main.c is apart so the tests can link the rest.
SRC := \
	src/backends/backend.c \
	src/backends/cmd.c \
	src/backends/openmp.c \
	src/backends/process.c \
	src/backends/thread.c \
	src/cmd/info.c \
	src/cmd/run.c \
	src/cmd/theory.c \
	src/core/calibrate.c \
	src/core/clock.c \
	src/core/csv.c \
	src/core/exec.c \
	src/core/isolate.c \
	src/core/job.c \
	src/core/list.c \
	src/core/machine.c \
	src/core/meta.c \
	src/core/models.c \
	src/core/params.c \
	src/core/stats.c \
	src/core/sweep.c \
	src/core/timing.c \
	src/core/util.c \
	src/sync/condition.c \
	src/sync/event.c \
	src/sync/lock.c \
	src/sync/queue.c \
	src/sync/semaphore.c \
	src/workloads/exec.c \
	src/workloads/fault.c \
	src/workloads/spin.c \
	src/workloads/workload.c

# Test files: every tests/test_*.c, plus the helper that runs the binary.
TESTS := $(sort $(wildcard tests/test_*.c)) tests/cli.c

OBJ      := $(SRC:%.c=$(BUILD)/%.o)
TEST_OBJ := $(TESTS:%.c=$(BUILD)/%.o)
BIN      := $(BUILD)/amdahl
TEST_BIN := $(BUILD)/amdahl-tests

.PHONY: all deps test test-asan test-tsan clean FORCE

all: $(BIN)

$(BIN): $(BUILD)/src/main.o $(OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(LDLIBS_ALL)

$(TEST_BIN): $(TEST_OBJ) $(OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ -lcriterion $(LDLIBS_ALL)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<

# The git commit and flags are compiled into machine.o; rebuild it when they change.
$(BUILD)/src/core/machine.o: CFLAGS_ALL += -DAMDAHL_GIT='"$(GIT_COMMIT)"' \
	-DAMDAHL_CFLAGS='"$(strip $(OPT) -fopenmp -pthread $(SAN) $(CFLAGS))"'
$(BUILD)/src/core/machine.o: $(BUILD)/build-id
$(BUILD)/build-id: FORCE
	@mkdir -p $(BUILD)
	@echo '$(GIT_COMMIT) $(OPT) $(SAN) $(CFLAGS)' | cmp -s - $@ || echo '$(GIT_COMMIT) $(OPT) $(SAN) $(CFLAGS)' > $@

# Install what is missing; quick and silent when everything is there.
deps:
	@missing=""; for p in $(DEPS_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "make deps: installing$$missing"; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get install -y -qq $$missing >/dev/null || { apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; } \
			|| { echo "make deps: apt-get install failed" >&2; exit 1; }; \
		else \
			echo "make deps: missing packages; run as root:" >&2; \
			echo "  apt-get install -y$$missing" >&2; exit 1; \
		fi; \
	fi

# The suite runs the real binary as a process too: it finds it through AMDAHL_BIN.
test: deps
	$(Q)$(MAKE) --no-print-directory $(BIN) $(TEST_BIN)
	$(Q)AMDAHL_BIN=$(abspath $(BIN)) AMDAHL_ROOT=$(CURDIR) $(TEST_ENV) $(TEST_BIN) $(TEST_ARGS)

test-asan:
	$(Q)$(MAKE) --no-print-directory test BUILD=build-asan OPT=-O1 \
		SAN='-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined' \
		TEST_ENV='ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1'

test-tsan:
	$(Q)$(MAKE) --no-print-directory test BUILD=build-tsan OPT=-O1 SAN='-fsanitize=thread' \
		TEST_ENV='TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp halt_on_error=0 exitcode=66"'

clean:
	rm -rf build build-asan build-tsan

-include $(OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(BUILD)/src/main.d
