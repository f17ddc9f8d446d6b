/*
 * HTML escaping (html.h): character references for the five characters that
 * mean something in HTML text or a quoted attribute, spaces for control
 * characters, U+FFFD for bytes that are not UTF-8.
 */
#define _GNU_SOURCE
#include "html.h"
#include "../base/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/*
 * The length of the UTF-8 sequence at s (at most n bytes), or 0 when it is
 * not a valid one: overlong forms, surrogates and code points past U+10FFFF
 * are refused, as a browser's decoder refuses them.
 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned cp;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return len;
}

void html_escape_n(FILE *fp, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n && u[i]) {
		size_t len;

		switch (u[i]) {
		case '&': fputs("&amp;", fp); i++; continue;
		case '<': fputs("&lt;", fp); i++; continue;
		case '>': fputs("&gt;", fp); i++; continue;
		case '"': fputs("&quot;", fp); i++; continue;
		case '\'': fputs("&#39;", fp); i++; continue;
		case '\t': case '\n': fputc(u[i++], fp); continue;
		default: break;
		}
		if (u[i] < ' ' || u[i] == 0x7f) {
			fputc(' ', fp);
			i++;
			continue;
		}
		/* utf8_len stops at the first byte that continues nothing, a NUL among them */
		len = utf8_len(u + i, n - i);
		if (len == 0) {
			fputs("\xEF\xBF\xBD", fp);	/* U+FFFD, the replacement character */
			i++;
		} else {
			fwrite(u + i, 1, len, fp);
			i += len;
		}
	}
}

void html_escape(FILE *fp, const char *s)
{
	html_escape_n(fp, s ? s : "", SIZE_MAX);
}

char *html_escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (!fp)
		return xstrdup("");
	html_escape(fp, s);
	fclose(fp);
	return buf;
}

void html_textf(FILE *fp, const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	html_escape(fp, text);
	free(text);
}
