/*
 * The N and P list syntax shared by every subcommand:
 *   N: "1,2,4", ranges "1-8", doubling "1..320:x2" (1,2,4,...,256,320),
 *      arithmetic "4..32:+4";
 *   P: "0.5,0.9", arithmetic "0.5..0.9:+0.1".
 * Values keep the order given, duplicates dropped (the first kept). A list
 * expands to at most LIST_LEN_MAX values, duplicates counted; a longer one is
 * refused, naming the limit. Errors name the bad word.
 */
#ifndef AMDAHL_LIST_H
#define AMDAHL_LIST_H

#include <stddef.h>

/* The largest worker count amdahl accepts; RLIMIT_NPROC may lower it further. */
#define LIST_N_MAX 4096
/* The most values one list may expand to. */
#define LIST_LEN_MAX 100000

struct int_list {
	int *v;
	size_t len;
};

struct dbl_list {
	double *v;
	size_t len;
};

/*
 * Parse an N list with values in [1, max]. On error returns -1 and writes a
 * one-line reason naming the offending word into err.
 */
int list_parse_n(const char *s, int max, struct int_list *out, char *err, size_t errlen);
/* Parse a P list with values in [0, 1]. */
int list_parse_p(const char *s, struct dbl_list *out, char *err, size_t errlen);

/* Add v to the front of the list if it is not there. */
void list_ensure_n(struct int_list *l, int v);
void list_free_n(struct int_list *l);
void list_free_p(struct dbl_list *l);

#endif
