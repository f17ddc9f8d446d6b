/*
 * Inlining gnuplot's SVG (svg.h): a small tokenizer over the file gnuplot
 * wrote — tags, attributes, text — that copies what it may, renames ids and
 * the references to them, and refuses what no figure of gnuplot's svg
 * terminal holds. It is not an XML parser: it reads the subset gnuplot
 * writes, and anything else is an error rather than a guess.
 */
#define _GNU_SOURCE
#include "svg.h"
#include "html.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

/* The elements gnuplot's svg terminal writes (and a few plain shapes it may). */
static const char *const svg_elements[] = {
	"svg", "g", "title", "desc", "defs", "rect", "circle", "ellipse", "line", "path", "polygon", "polyline",
	"use", "text", "tspan", "filter", "feFlood", "feComposite", "feOffset", "clipPath", "linearGradient",
	"stop", "pattern", NULL,
};

struct svg_in {
	const char *s;
	size_t len, at;
	const char *prefix;
	int dropped;		/* the last thing read was dropped: the blank after it goes too */
	FILE *out;
	char *err;
	size_t errlen;
};

static int fail(struct svg_in *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct svg_in *in, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(in->err, in->errlen, "SVG at byte %zu: ", in->at);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < in->errlen)
		vsnprintf(in->err + n, in->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int known_element(const char *name, size_t n)
{
	for (const char *const *e = svg_elements; *e; e++)
		if (strlen(*e) == n && strncmp(*e, name, n) == 0)
			return 1;
	return 0;
}

static int name_char(char c)
{
	return isalnum((unsigned char)c) || c == ':' || c == '_' || c == '-' || c == '.';
}

static void skip_space(struct svg_in *in)
{
	while (in->at < in->len && isspace((unsigned char)in->s[in->at]))
		in->at++;
}

static int starts(const struct svg_in *in, const char *word)
{
	size_t n = strlen(word);

	return in->at + n <= in->len && strncmp(in->s + in->at, word, n) == 0;
}

/* Whether v[0..n) holds word, in any case. */
static int holds(const char *v, size_t n, const char *word)
{
	size_t w = strlen(word);

	for (size_t i = 0; i + w <= n; i++)
		if (strncasecmp(v + i, word, w) == 0)
			return 1;
	return 0;
}

/* An attribute value with every url(#x) made url(#<prefix>-x); -1 for a url() that leaves the figure. */
static int put_urls(struct svg_in *in, const char *v, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (n - i >= 4 && strncasecmp(v + i, "url(", 4) == 0) {
			if (i + 4 >= n || v[i + 4] != '#')
				return fail(in, "a reference that leaves the figure: %.*s", (int)(n < 80 ? n : 80), v);
			fprintf(in->out, "url(#%s-", in->prefix);
			i += 5;
			continue;
		}
		fputc(v[i++], in->out);
	}
	return 0;
}

/* One attribute, name="value" as gnuplot wrote it, copied with its ids renamed. */
static int put_attribute(struct svg_in *in, const char *name, size_t nlen, const char *v, size_t vlen, char q)
{
	if (nlen >= 2 && strncasecmp(name, "on", 2) == 0)
		return fail(in, "an event handler attribute '%.*s'", (int)nlen, name);
	if (memchr(v, '<', vlen) || holds(v, vlen, "javascript:"))
		return fail(in, "an attribute '%.*s' that is not a figure's", (int)nlen, name);
	fprintf(in->out, " %.*s=%c", (int)nlen, name, q);
	if (nlen == 2 && strncmp(name, "id", 2) == 0) {
		fprintf(in->out, "%s-%.*s", in->prefix, (int)vlen, v);
	} else if ((nlen == 4 && strncmp(name, "href", 4) == 0) || (nlen == 10 && strncmp(name, "xlink:href", 10) == 0)) {
		if (vlen == 0 || v[0] != '#')
			return fail(in, "a reference that leaves the figure: %.*s", (int)(vlen < 80 ? vlen : 80), v);
		fprintf(in->out, "#%s-%.*s", in->prefix, (int)vlen - 1, v + 1);
	} else if (put_urls(in, v, vlen) < 0) {
		return -1;
	}
	fputc(q, in->out);
	return 0;
}

/* The attributes of a start tag, up to and including its '>' or '/>'; *empty: it was '/>'. */
static int put_attributes(struct svg_in *in, int *empty)
{
	for (;;) {
		size_t n0, n1, v0;
		char q;

		skip_space(in);
		if (starts(in, "/>") || starts(in, ">")) {
			*empty = in->s[in->at] == '/';
			in->at += *empty ? 2 : 1;
			return 0;
		}
		n0 = in->at;
		while (in->at < in->len && name_char(in->s[in->at]))
			in->at++;
		n1 = in->at;
		skip_space(in);
		if (n1 == n0 || in->at >= in->len || in->s[in->at] != '=')
			return fail(in, "an attribute without a value");
		in->at++;
		skip_space(in);
		if (in->at >= in->len || (in->s[in->at] != '"' && in->s[in->at] != '\''))
			return fail(in, "an unquoted attribute value");
		q = in->s[in->at++];
		v0 = in->at;
		while (in->at < in->len && in->s[in->at] != q)
			in->at++;
		if (in->at >= in->len)
			return fail(in, "an attribute value that does not end");
		if (put_attribute(in, in->s + n0, n1 - n0, in->s + v0, in->at - v0, q) < 0)
			return -1;
		in->at++;
	}
}

/* Skip gnuplot's own <title> or <desc> of the root, text only, through its end tag. */
static int skip_element(struct svg_in *in, const char *name)
{
	char end[16];
	const char *e;

	snprintf(end, sizeof(end), "</%s>", name);
	e = memmem(in->s + in->at, in->len - in->at, end, strlen(end));
	if (!e || memchr(in->s + in->at, '<', (size_t)(e - (in->s + in->at))))
		return fail(in, "gnuplot's <%s> holds more than text", name);
	in->at = (size_t)(e - in->s) + strlen(end);
	return 0;
}

/* One tag at in->at ('<'); depth and text_depth follow the elements. */
static int put_tag(struct svg_in *in, int *depth, int *text_depth, const char *title, const char *desc)
{
	int closing, empty = 0;
	size_t n0, n;

	if (starts(in, "<!--")) {
		const char *e = memmem(in->s + in->at, in->len - in->at, "-->", 3);
		if (!e)
			return fail(in, "a comment that does not end");
		in->at = (size_t)(e - in->s) + 3;
		in->dropped = 1;
		return 0;
	}
	if (starts(in, "<!") || starts(in, "<?"))
		return fail(in, "a declaration or CDATA section inside the figure");
	in->at++;
	closing = starts(in, "/");
	in->at += (size_t)closing;
	n0 = in->at;
	while (in->at < in->len && name_char(in->s[in->at]))
		in->at++;
	n = in->at - n0;
	if (!known_element(in->s + n0, n))
		return fail(in, "an element <%.*s> that gnuplot's figures do not hold", (int)(n < 40 ? n : 40), in->s + n0);
	if (closing) {
		skip_space(in);
		if (!starts(in, ">"))
			return fail(in, "a malformed end tag");
		in->at++;
		in->dropped = 0;
		fprintf(in->out, "</%.*s>", (int)n, in->s + n0);
		if (*text_depth == *depth)
			*text_depth = 0;
		(*depth)--;
		return 0;
	}
	if (*depth == 1 && ((n == 5 && strncmp(in->s + n0, "title", 5) == 0) || (n == 4 && strncmp(in->s + n0, "desc", 4) == 0))) {
		char name[8];
		snprintf(name, sizeof(name), "%.*s", (int)n, in->s + n0);
		if (put_attributes(in, &empty) < 0)	/* checked, not kept */
			return -1;
		in->dropped = 1;
		return empty ? 0 : skip_element(in, name);
	}
	in->dropped = 0;
	fprintf(in->out, "<%.*s", (int)n, in->s + n0);
	if (put_attributes(in, &empty) < 0)
		return -1;
	if (*depth == 0)	/* named by its first <title>, described by its <desc> (SVG-AAM) */
		fputs(" role=\"img\"", in->out);
	fputs(empty ? "/>" : ">", in->out);
	if (empty)
		return 0;
	(*depth)++;
	if (!*text_depth && n == 4 && strncmp(in->s + n0, "text", 4) == 0)
		*text_depth = *depth;
	if (*depth == 1) {
		fputs("\n<title>", in->out);
		html_escape(in->out, title);
		fputs("</title>\n<desc>", in->out);
		html_escape(in->out, desc);
		fputs("</desc>", in->out);
	}
	return 0;
}

int svg_inline(FILE *out, const char *svg, size_t len, const char *prefix, const char *title, const char *desc,
	       char *err, size_t errlen)
{
	struct svg_in in = { .s = svg, .len = len, .prefix = prefix, .out = out, .err = err, .errlen = errlen };
	const char *root = NULL;
	int depth = 0, text_depth = 0;

	/* The prolog (XML declaration, doctype, comments) is the file's, not the page's. */
	for (const char *p = svg; (p = memmem(p, len - (size_t)(p - svg), "<svg", 4)); p += 4)
		if (p + 4 < svg + len && (isspace((unsigned char)p[4]) || p[4] == '>')) {
			root = p;
			break;
		}
	if (!root)
		return fail(&in, "no <svg> element");
	in.at = (size_t)(root - svg);
	do {
		size_t t0 = in.at;
		int blank = 1;

		if (in.s[in.at] == '<') {
			if (put_tag(&in, &depth, &text_depth, title, desc) < 0)
				return -1;
			continue;
		}
		/* Text: gnuplot's labels inside <text>, kept as they are; elsewhere only white space, made one line break. */
		while (in.at < in.len && in.s[in.at] != '<')
			blank &= isspace((unsigned char)in.s[in.at++]) != 0;
		if (text_depth || !blank)
			fwrite(in.s + t0, 1, in.at - t0, out);
		else if (!in.dropped && memchr(in.s + t0, '\n', in.at - t0))
			fputc('\n', out);
		in.dropped = 0;
	} while (depth > 0 && in.at < in.len);
	if (depth != 0)
		return fail(&in, "the file ends inside the figure");
	fputc('\n', out);
	return ferror(out) ? fail(&in, "cannot write the figure") : 0;
}
