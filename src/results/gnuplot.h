/*
 * The gnuplot runner: finds gnuplot and the scripts in plots/, builds the -e
 * assignments a script reads, and draws one figure into its final path.
 *
 * Nothing a user gives becomes gnuplot code. Every value goes into a
 * single-quoted gnuplot string with its quotes doubled (gnuplot's only escape
 * there) and control characters refused or made spaces; every path gnuplot
 * opens (the image, the data file, the scripts) must be absolute, since
 * gnuplot runs a file name that starts with '|' or '<' as a command. The image
 * is drawn into a temporary file beside its target and renamed only when
 * gnuplot succeeded, so a failure or an interrupt never leaves half an image
 * or destroys the previous one. gnuplot runs without a shell.
 */
#ifndef AMDAHL_GNUPLOT_H
#define AMDAHL_GNUPLOT_H

#include <limits.h>
#include <signal.h>
#include <stddef.h>

/* Where to find things, and how to draw. */
struct gnuplot {
	char exe[PATH_MAX];		/* gnuplot, found in PATH */
	char scripts[PATH_MAX];		/* the plots/ folder, absolute */
	char tmpdir[PATH_MAX];		/* a private folder for data files, absolute; "" until made */
	const char *format;		/* png, svg or pdf */
	volatile sig_atomic_t *stop;	/* set by a signal handler: end gnuplot, draw nothing more; may be NULL */
};

/* Where `make install` put the scripts' folder: <prefix>/share/amdahl. */
extern const char gnuplot_datadir[];

enum gnuplot_status { GNUPLOT_OK, GNUPLOT_FAILED, GNUPLOT_INTERRUPTED };

/*
 * Find gnuplot in PATH and the scripts ($AMDAHL_PLOTS, beside the binary,
 * the install prefix), and make the temporary folder. -1 with the reason
 * said (errorf); *usage is 1 when the reason is the user's (exit 2).
 */
int gnuplot_init(struct gnuplot *g, const char *format, int *usage);
/* Remove the temporary folder and what plot wrote into it. */
void gnuplot_free(struct gnuplot *g);

/* The -e assignments of one script. */
struct gnuplot_args {
	char *text;
	size_t len;
	int bad;			/* a path was refused: the draw fails */
	char bad_path[256];
};

void gnuplot_args_init(struct gnuplot_args *a);
void gnuplot_args_free(struct gnuplot_args *a);
/* name='value' (value made one line, quotes doubled). */
void gnuplot_str(struct gnuplot_args *a, const char *name, const char *value);
/* name='path' for a file gnuplot opens: refused unless absolute and free of control characters. */
void gnuplot_path(struct gnuplot_args *a, const char *name, const char *path);
/* name=number, always a real (gnuplot divides integers as integers); NaN stays NaN. */
void gnuplot_num(struct gnuplot_args *a, const char *name, double v);
void gnuplot_int(struct gnuplot_args *a, const char *name, long v);

/* 1 when gnuplot may be handed path: absolute, no control characters. */
int gnuplot_path_ok(const char *path);

/*
 * Run plots/<script>.gp with the assignments (plus fmt, the scripts folder
 * and out) into final, an absolute path, through a temporary file beside it.
 * The reason of a failure is said (errorf).
 */
enum gnuplot_status gnuplot_draw(const struct gnuplot *g, const char *script, const struct gnuplot_args *a,
				 const char *final);

#endif
