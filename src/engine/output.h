/*
 * The output lifecycle of a measuring command (run, b5): the CSV goes to a
 * temporary file beside its target and is renamed into place at the end, so
 * a failed, interrupted or killed run never destroys the previous result; a
 * target that is not a regular file (standard output, /dev/null, a pipe) is
 * written in place, with no sidecar beside it; the meta.json sidecar is
 * written last, with the exit status, which is decided here and nowhere else.
 */
#ifndef AMDAHL_OUTPUT_H
#define AMDAHL_OUTPUT_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>

struct output {
	const char *path;		/* as given; NULL: standard output */
	FILE *fp;			/* where the rows go */
	int direct;			/* written in place: stdout, a device, a pipe */
	char target[PATH_MAX];		/* the file the rows end up in (symbolic links followed) */
	char tmp[PATH_MAX];		/* the temporary file beside it; "" when direct */
	char meta[PATH_MAX];		/* the sidecar's path; "" for none */
};

/* How the run went, for the status and the sidecar. */
struct output_outcome {
	size_t rows;			/* whole rows written */
	int failed;			/* something failed: exit 1 */
	size_t failures;		/* how many units failed, for the message */
	const char *unit;		/* "point", "run" */
	int interrupted;		/* SIGINT, SIGTERM or SIGHUP */
	int write_error;		/* a row could not be written */
};

/*
 * Open the output: path NULL is standard output. meta_path is where the
 * sidecar goes (NULL: "<target>.meta.json" beside a regular target, none
 * otherwise, with a note on stderr unless quiet). Nothing is created when
 * it fails: -1 with a one-line reason (exit 2).
 */
int output_open(struct output *o, const char *path, const char *meta_path, int quiet, char *err, size_t errlen);

/* The exit status of a run that went as oc says: 130, 1 or 0. */
int output_status(const struct output_outcome *oc);

/*
 * Say how the run ended ("interrupted: 12 finished rows kept", "2 points
 * failed; ..."), close the rows and put them in place (a run that fails
 * before its first row leaves an existing target as it was), then write meta
 * (its "rows" and "status" set here) to the sidecar. Reports any write error
 * and returns the exit status: output_status, or 1 when the rows or the
 * sidecar could not be written.
 */
int output_close(struct output *o, json_t *meta, const struct output_outcome *oc);

#endif
