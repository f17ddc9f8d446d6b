/*
 * Tests of HTML escaping (src/results/html.c) and of the emitter's HTML
 * tables (src/results/emit.c): what a CSV label can hold must reach the page
 * as text, in element content and in attribute values alike, and the page
 * must stay well-formed UTF-8 whatever bytes the label held.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/results/emit.h"
#include "../src/results/html.h"

static char *escaped(const char *s)
{
	return html_escaped(s);
}

Test(html, the_five_characters_become_references)
{
	char *s = escaped("<script>alert(1)</script>\"><img src=x onerror='alert(2)'> & more");

	cr_assert_str_eq(s, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=&#39;alert(2)&#39;&gt; "
			 "&amp; more");
	/* Nothing is left that could open a tag or close a quoted attribute. */
	cr_assert_null(strpbrk(s, "<>\"'"));
	free(s);
}

Test(html, plain_text_and_utf8_pass_unchanged)
{
	char *s = escaped("AMD EPYC (vm), 2 usable cores; min–max, σ κ ≤ 5 µs");

	cr_assert_str_eq(s, "AMD EPYC (vm), 2 usable cores; min–max, σ κ ≤ 5 µs");
	free(s);
}

Test(html, control_characters_are_spaces_and_bad_utf8_is_replaced)
{
	/* A bell, an escape, DEL, a lone continuation byte, an overlong '/', a surrogate, a cut sequence. */
	char *s = escaped("a\x07" "b\x1b[31m\x7f" "c\x80" "d\xC0\xAF" "e\xED\xA0\x80" "f\xE2\x82");

	cr_assert_str_eq(s, "a b [31m c\xEF\xBF\xBD" "d\xEF\xBF\xBD\xEF\xBF\xBD" "e\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
			 "f\xEF\xBF\xBD\xEF\xBF\xBD");
	free(s);
	s = escaped("tab\tand\nnewline");
	cr_assert_str_eq(s, "tab\tand\nnewline");
	free(s);
}

Test(html, a_bounded_escape_stops_at_n_and_a_formatted_text_is_escaped_whole)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	html_escape_n(fp, "<b>bold</b>", 3);
	html_textf(fp, " %s=%d", "<i>", 5);
	fclose(fp);
	cr_assert_str_eq(buf, "&lt;b&gt; &lt;i&gt;=5");
	free(buf);
}

Test(html, emit_makes_a_table_with_escaped_cells)
{
	static const struct emit_col cols[] = {
		{ .name = "series" }, { .name = "speedup", .fmt = "%.3f" }, { .name = "csv only", .in = EMIT_IN(EMIT_CSV) },
		{ .name = "verdict", .markdown = 1 },
	};
	struct emit_table *t = emit_new(cols, 4);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	emit_caption(t, "speedups <of> \"x\"");
	emit_text(t, "<script>x</script>");
	emit_num(t, 1.23456);
	emit_text(t, "hidden");
	emit_text(t, "**REGRESSION**");
	emit_text(t, "b&c");
	emit_num(t, NAN);
	emit_text(t, "hidden");
	emit_text(t, "**<i>**");
	cr_assert_eq(emit_print(t, EMIT_HTML, fp), 0);
	fclose(fp);
	cr_assert(strstr(buf, "<table>\n<caption>speedups &lt;of&gt; &quot;x&quot;</caption>"), "%s", buf);
	cr_assert(strstr(buf, "<th scope=\"col\">series</th><th scope=\"col\" class=\"n\">speedup</th>"
			 "<th scope=\"col\">verdict</th></tr>"), "%s", buf);
	cr_assert(strstr(buf, "<td>&lt;script&gt;x&lt;/script&gt;</td><td class=\"n\">1.235</td>"
			 "<td><strong>REGRESSION</strong></td>"), "%s", buf);
	/* An unknown number is a dash; markdown's bold holds escaped text. */
	cr_assert(strstr(buf, "<td>b&amp;c</td><td class=\"n\">–</td><td><strong>&lt;i&gt;</strong></td>"), "%s", buf);
	cr_assert_null(strstr(buf, "hidden"), "%s", buf);
	emit_free(t);
	free(buf);
}
