/*
 * Shared helpers: messages, checked number parsing, allocation.
 */
#define _GNU_SOURCE
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * Every message is one line: a value the user gave may hold a newline or
 * another control character, and is shown escaped (\n, \t, \x1b).
 */
static void put_escaped(const char *s, FILE *fp)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '\n')
			fputs("\\n", fp);
		else if (*c == '\t')
			fputs("\\t", fp);
		else if (*c == '\r')
			fputs("\\r", fp);
		else if (*c < 0x20 || *c == 0x7f)
			fprintf(fp, "\\x%02x", *c);
		else
			fputc(*c, fp);
	}
}

static void vmessage(const char *kind, const char *tail, const char *fmt, va_list ap)
{
	char *text = NULL;

	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	fputs("amdahl: ", stderr);
	if (kind)
		fputs(kind, stderr);
	put_escaped(text ? text : fmt, stderr);
	if (tail)
		fputs(tail, stderr);
	fputc('\n', stderr);
	free(text);
}

void errorf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(NULL, NULL, fmt, ap);
	va_end(ap);
}

void warnf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("warning: ", NULL, fmt, ap);
	va_end(ap);
}

void usagef(const char *cmd, const char *fmt, ...)
{
	char tail[96];
	va_list ap;

	snprintf(tail, sizeof(tail), "; try 'amdahl %s%s--help'", cmd ? cmd : "", cmd ? " " : "");
	va_start(ap, fmt);
	vmessage(NULL, tail, fmt, ap);
	va_end(ap);
}

int parse_double(const char *s, double *out)
{
	char *end;
	double v;

	/* strtod also reads hex ("0x10"), "inf", "nan" and leading blanks: a
	 * decimal option takes plain decimals only, as the integer ones do. */
	if (!s || !((*s >= '0' && *s <= '9') || *s == '-' || *s == '.'))
		return -1;
	if (s[strspn(s, "0123456789.eE+-")] != '\0')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || end == s || !isfinite(v))
		return -1;
	*out = v == 0 ? 0.0 : v;	/* "-0" is 0: no "-0" reaches a CSV */
	return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int parse_seconds(const char *s, double *out)
{
	static const struct { const char *suffix; double scale; } units[] = {
		{ "ms", 1e-3 }, { "us", 1e-6 }, { "s", 1.0 }, { "m", 60.0 },
	};
	char buf[64];
	size_t len;
	double scale = 1.0, v;

	if (!s || (len = strlen(s)) == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len + 1);
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		size_t sl = strlen(units[i].suffix);
		if (len > sl && strcmp(buf + len - sl, units[i].suffix) == 0 &&
		    (buf[len - sl - 1] == '.' || (buf[len - sl - 1] >= '0' && buf[len - sl - 1] <= '9'))) {
			buf[len - sl] = '\0';
			scale = units[i].scale;
			break;
		}
	}
	if (parse_double(buf, &v) < 0 || v <= 0)
		return -1;
	*out = v * scale;
	return 0;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		errorf("out of memory (%zu bytes)", n);
		abort();
	}
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p) {
		errorf("out of memory (%zu x %zu bytes)", n, size);
		abort();
	}
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		errorf("out of memory (%zu bytes)", n);
		abort();
	}
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

char **split_commas(const char *s, int *count)
{
	int n = 1, i = 0;
	char **words;
	const char *start = s;

	for (const char *c = s; *c; c++)
		n += *c == ',';
	words = xcalloc((size_t)n + 1, sizeof(*words));
	for (const char *c = s;; c++) {
		if (*c == ',' || *c == '\0') {
			size_t len = (size_t)(c - start);
			words[i] = xmalloc(len + 1);
			memcpy(words[i], start, len);
			words[i++][len] = '\0';
			start = c + 1;
			if (*c == '\0')
				break;
		}
	}
	if (count)
		*count = n;
	return words;
}

void free_words(char **words)
{
	if (!words)
		return;
	for (char **w = words; *w; w++)
		free(*w);
	free(words);
}

int finish_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		errorf("cannot write to standard output: %s", strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

int make_dirs(const char *path)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);
	struct stat st;

	if (n == 0 || n >= sizeof(buf)) {
		errno = n ? ENAMETOOLONG : ENOENT;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (char *c = buf + 1; *c; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		if (mkdir(buf, 0777) < 0 && errno != EEXIST)
			return -1;
		*c = '/';
	}
	if (mkdir(buf, 0777) < 0 && errno != EEXIST)
		return -1;
	if (stat(buf, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}
