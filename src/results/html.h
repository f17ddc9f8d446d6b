/*
 * HTML text: every string the report page shows that comes from outside
 * amdahl (a CSV's labels and names, a meta.json's host, CPU model and
 * command line, a file name) goes through here before it reaches the page,
 * in element text and in attribute values alike. One rule serves both
 * places: & < > " ' become character references, so the text can neither
 * open a tag nor leave a quoted attribute. Control characters other than
 * tab and newline become spaces, and bytes that are not UTF-8 become U+FFFD,
 * so that the page stays well-formed whatever the CSV held.
 */
#ifndef AMDAHL_HTML_H
#define AMDAHL_HTML_H

#include <stddef.h>
#include <stdio.h>

/* s escaped onto fp. */
void html_escape(FILE *fp, const char *s);
/* The first n bytes of s escaped onto fp (a NUL among them ends it). */
void html_escape_n(FILE *fp, const char *s, size_t n);
/* s escaped, malloc'ed. */
char *html_escaped(const char *s);
/* A printf-formatted text, all of it escaped (for a sentence with names in it). */
void html_textf(FILE *fp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
