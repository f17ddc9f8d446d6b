/*
 * The plugin columns, found by walking the registries: no table is built and
 * none is stored, so a column exists exactly when a registered plugin
 * declares it.
 */
#include "column.h"
#include "backend.h"
#include "workload.h"

#include <string.h>

/* The k-th column table of the registries (backends first), or NULL past the end. */
static const struct column *table_at(size_t k)
{
	size_t i = 0;

	for (const struct backend *const *b = backend_registry; *b; b++)
		if (i++ == k)
			return (*b)->columns;
	for (const struct workload *const *w = workload_registry; *w; w++)
		if (i++ == k)
			return (*w)->columns;
	return NULL;
}

static size_t table_count(void)
{
	size_t n = 0;

	for (const struct backend *const *b = backend_registry; *b; b++)
		n++;
	for (const struct workload *const *w = workload_registry; *w; w++)
		n++;
	return n;
}

/*
 * Walk every declared column in id order; stop at the one with id `want` or
 * named `name` (either may be unused: SIZE_MAX, NULL). Returns the column and
 * its id, or NULL with *count the number of distinct columns.
 */
static const struct column *walk(size_t want, const char *name, size_t *id)
{
	const struct column *seen[COLUMNS_MAX * 4];
	size_t nseen = 0, ntables = table_count();

	for (size_t k = 0; k < ntables; k++) {
		const struct column *c = table_at(k);

		for (; c && c->name; c++) {
			size_t j = 0;

			while (j < nseen && strcmp(seen[j]->name, c->name) != 0)
				j++;
			if (j == nseen && nseen < sizeof(seen) / sizeof(seen[0]))
				seen[nseen++] = c;
			if (j >= nseen)
				continue;
			if (j == want || (name && strcmp(seen[j]->name, name) == 0)) {
				*id = j;
				return seen[j];
			}
		}
	}
	*id = nseen;
	return NULL;
}

size_t column_count(void)
{
	size_t n;

	walk((size_t)-1, NULL, &n);
	return n < COLUMNS_MAX ? n : COLUMNS_MAX;
}

const struct column *column_at(size_t id)
{
	size_t got;

	return id < COLUMNS_MAX ? walk(id, NULL, &got) : NULL;
}

int column_id(const char *name)
{
	size_t id;

	if (!walk((size_t)-1, name, &id) || id >= COLUMNS_MAX)
		return -1;
	return (int)id;
}
