/*
 * The README's commands run as written (issue 12): tests/readme.sh runs every
 * ```sh block of README.md, in order, in a temporary folder, with the small
 * sizes it documents; any command that fails fails this test with its line.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

Test(readme, every_sh_block_runs_as_written, .timeout = 180)
{
	char script[4200];
	struct cli_result r;

	snprintf(script, sizeof(script), "AMDAHL_BIN=\"$AMDAHL\" bash '%s/tests/readme.sh'", cli_root());
	cr_assert_eq(cli_sh(&r, 170, script), 0);
	cr_assert_eq(r.status, 0, "README.md: %s%s", r.out, r.err);
	cr_assert(strncmp(r.out, "ok: ", 4) == 0, "%s", r.out);
	cr_assert_lt(r.seconds, 60, "the README took %.0f s", r.seconds);
	cli_free(&r);
}
