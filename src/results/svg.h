/*
 * gnuplot's SVG made part of an HTML page. The report inlines every figure
 * (no file beside the page, no fetch), so each one is rewritten on the way
 * in: the XML prolog and gnuplot's own title and description are dropped
 * and the figure's text alternative put first (<title> and <desc>, which
 * the root names through aria-labelledby); every id is prefixed with the
 * figure's own, and so is every reference to one (href="#x", url(#x)), so
 * that two inlined figures never share an id.
 *
 * gnuplot escapes the text it writes (& and <), so a label cannot open a
 * tag; the rewriting checks that anyway, since the page must not depend on
 * it: an element outside the few gnuplot's svg terminal writes (no script,
 * no foreignObject, no image), an attribute that starts with "on", a
 * reference that leaves the figure (href or url() not starting with '#')
 * or a CDATA section is refused, and the figure is not inlined.
 */
#ifndef AMDAHL_SVG_H
#define AMDAHL_SVG_H

#include <stddef.h>
#include <stdio.h>

/*
 * Write svg[0..len) onto out as an inline <svg> whose ids start with
 * "<prefix>-", titled and described by title and desc (plain text: they are
 * escaped here). 0, or -1 with the reason in err (and out holds part of it:
 * write into a buffer first).
 */
int svg_inline(FILE *out, const char *svg, size_t len, const char *prefix, const char *title, const char *desc,
	       char *err, size_t errlen);

#endif
