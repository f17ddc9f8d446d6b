/*
 * Temporary file beside the target, rename at the end; devices and pipes in
 * place. The temporary file is a dot-file in the target's folder (rename is
 * atomic only within one file system), ".<name>.XXXXXX", given the mode a
 * new file would get (or the target's own when it exists).
 */
#define _GNU_SOURCE
#include "output.h"
#include "meta.h"
#include "../base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether a path names something to write in place: not a regular file, or a
 * name under /dev or /proc (/dev/stdout resolves to whatever fd 1 is). */
static int in_place(const char *path, const struct stat *st, int exists)
{
	return strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0 ||
	       (exists && !S_ISREG(st->st_mode));
}

static int open_direct(struct output *o, char *err, size_t errlen)
{
	o->direct = 1;
	snprintf(o->target, sizeof(o->target), "%s", o->path);
	o->fp = fopen(o->path, "w");
	if (!o->fp) {
		snprintf(err, errlen, "cannot write '%s': %s", o->path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The temporary file beside target, with the mode the target has or would get. */
static int open_temp(struct output *o, const struct stat *st, int exists, char *err, size_t errlen)
{
	char dir[PATH_MAX], base[PATH_MAX];
	mode_t mask = umask(0);
	int fd;

	umask(mask);
	snprintf(dir, sizeof(dir), "%s", o->target);
	snprintf(base, sizeof(base), "%s", o->target);
	if ((size_t)snprintf(o->tmp, sizeof(o->tmp), "%s/.%s.XXXXXX", dirname(dir), basename(base)) >=
	    sizeof(o->tmp)) {
		snprintf(err, errlen, "cannot write '%s': the name is too long", o->path);
		return -1;
	}
	fd = mkostemp(o->tmp, O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", o->path, strerror(errno));
		o->tmp[0] = '\0';
		return -1;
	}
	if (fchmod(fd, exists ? st->st_mode & 07777 : 0666 & ~mask) < 0 || !(o->fp = fdopen(fd, "w"))) {
		snprintf(err, errlen, "cannot write '%s': %s", o->path, strerror(errno));
		close(fd);
		unlink(o->tmp);
		o->tmp[0] = '\0';
		return -1;
	}
	return 0;
}

int output_open(struct output *o, const char *path, const char *meta_path, int quiet, char *err, size_t errlen)
{
	struct stat st;
	int exists;

	memset(o, 0, sizeof(*o));
	o->path = path;
	if (meta_path)
		snprintf(o->meta, sizeof(o->meta), "%s", meta_path);
	if (!path) {
		o->fp = stdout;
		o->direct = 1;
		return 0;
	}
	exists = stat(path, &st) == 0;
	if (exists && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "cannot write '%s': it is a folder", path);
		return -1;
	}
	if (in_place(path, &st, exists)) {
		if (open_direct(o, err, errlen) < 0)
			return -1;
		if (!meta_path && !quiet)
			warnf("'%s' is not a regular file: no meta.json beside it (--meta FILE writes one)", path);
		return 0;
	}
	/* A symbolic link to a file: the file is replaced, the link stays. */
	if (!exists || !realpath(path, o->target))
		snprintf(o->target, sizeof(o->target), "%s", path);
	if (!meta_path)	/* beside the name given: where fit and compare look for it */
		meta_path_for(path, o->meta, sizeof(o->meta));
	return open_temp(o, &st, exists, err, errlen);
}

int output_status(const struct output_outcome *oc)
{
	if (oc->interrupted)
		return EXIT_INTERRUPTED;
	return oc->failed || oc->write_error ? EXIT_FAILED : EXIT_OK;
}

/* Close the rows; 0, or -1 with the error reported. */
static int close_rows(struct output *o)
{
	int bad;

	if (o->fp == stdout)
		return finish_stdout();
	bad = fflush(o->fp) != 0 || ferror(o->fp);
	if (fclose(o->fp) != 0)
		bad = 1;
	o->fp = NULL;
	if (bad)
		errorf("cannot write '%s': %s", o->path, strerror(errno ? errno : EIO));
	return bad ? -1 : 0;
}

/* Rename the rows into place, unless that would put an empty failed run over an older result. */
static int place_rows(struct output *o, const struct output_outcome *oc, int status)
{
	if (oc->rows == 0 && status != EXIT_OK && access(o->target, F_OK) == 0) {
		unlink(o->tmp);
		warnf("no row was measured: '%s' is left as it was", o->path);
		return 0;
	}
	if (rename(o->tmp, o->target) < 0) {
		errorf("cannot write '%s': %s", o->path, strerror(errno));
		unlink(o->tmp);
		return -1;
	}
	return 0;
}

/* One line on how the run ended, when it did not end well. */
static void say_end(const struct output_outcome *oc)
{
	const char *rows = oc->rows == 1 ? "" : "s";

	if (oc->interrupted)
		errorf("interrupted: %zu finished row%s kept", oc->rows, rows);
	else if (oc->failures)
		errorf("%zu %s%s failed; %zu finished row%s kept", oc->failures, oc->unit ? oc->unit : "point",
		       oc->failures == 1 ? "" : "s", oc->rows, rows);
}

int output_close(struct output *o, json_t *meta, const struct output_outcome *oc)
{
	int status = output_status(oc), bad;

	say_end(oc);
	if (oc->write_error)
		errorf("cannot write the results to '%s'", o->path ? o->path : "standard output");
	bad = close_rows(o) < 0;
	if (!o->direct && bad)
		unlink(o->tmp);		/* its last row may be cut: the previous result stays */
	else if (!o->direct)
		bad = place_rows(o, oc, status) < 0;
	if (bad && status == EXIT_OK)
		status = EXIT_FAILED;
	json_object_set_new(meta, "rows", json_integer((json_int_t)oc->rows));
	json_object_set_new(meta, "status", json_integer(status));
	if (o->meta[0] && meta_write(meta, o->meta) < 0) {
		errorf("cannot write '%s': %s", o->meta, strerror(errno));
		if (status == EXIT_OK)
			status = EXIT_FAILED;
	}
	return status;
}
