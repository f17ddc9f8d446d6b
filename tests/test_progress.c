/*
 * Tests of the sweep's progress line (progress_draw in src/engine/engine.c): on a
 * terminal it is redrawn in place with done/total repetitions and an ETA, and
 * cleared before the summary; into a pipe or a file there is no progress line,
 * no carriage return and no escape sequence at all.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

Test(progress, none_when_stderr_is_not_a_terminal)
{
	char *dir = cli_tmpdir(), sh[4096];
	struct cli_result r;

	/* stderr into a pipe, stdout (the CSV) too. */
	snprintf(sh, sizeof(sh), "cd '%s' && \"$AMDAHL\" run -b thread,process -N 1,2 --reps 2 --work 0.02 2>&1 | cat",
		 dir);
	cli_sh(&r, 60, sh);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "backend,workload,p,n"), "%s", r.out);
	cr_assert(strstr(r.out, "median_s"), "the summary should still be there: %s", r.out);
	cr_assert_null(strchr(r.out, '\r'), "a carriage return went into the pipe");
	cr_assert_null(strchr(r.out, '\033'), "an escape sequence went into the pipe");
	cr_assert_null(strstr(r.out, "ETA"), "a progress line went into the pipe");
	cli_free(&r);
	cli_tmpdir_free(dir);
}

Test(progress, redrawn_on_a_terminal_with_done_total_and_eta)
{
	char *dir = cli_tmpdir(), sh[4096];
	struct cli_result r;

	if (access("/usr/bin/script", X_OK) != 0)
		cr_skip_test("script(1) from util-linux is not installed");
	/* script(1) gives the run a terminal; its output is what the terminal got. */
	snprintf(sh, sizeof(sh), "cd '%s' && script -qec \"'$AMDAHL' run -b thread -N 1,2 --reps 3 --work 0.02 -o r.csv\" /dev/null",
		 dir);
	cli_sh(&r, 60, sh);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	/* 2 points x 3 repetitions: every visit redraws the line over the last one. */
	cr_assert(strstr(r.out, "\r\033[K[0/6] thread/spin p=0.9 n=1 rep 1  ETA --"), "%s", r.out);
	for (int done = 1; done < 6; done++) {
		char want[64];
		snprintf(want, sizeof(want), "\r\033[K[%d/6] thread/spin", done);
		cr_assert(strstr(r.out, want), "no '[%d/6]' line: %s", done, r.out);
	}
	cr_assert(strstr(r.out, "ETA 0m"), "no ETA once a repetition is done: %s", r.out);
	cr_assert_null(strstr(r.out, " rep 4 "), "a repetition past --reps was announced: %s", r.out);
	/* The last drawing is cleared before the summary. */
	{
		const char *last = NULL, *clear;
		for (const char *at = r.out; (at = strstr(at, "\033[K[")); at++)
			last = at;
		cr_assert(last);
		clear = strstr(last + 1, "\r\033[K");
		cr_assert(clear, "the progress line is never cleared: %s", last);
		cr_assert(strstr(clear, "backend  workload"), "no summary after the line was cleared: %s", clear);
	}
	cli_free(&r);
	cli_tmpdir_free(dir);
}
