/*
 * Storage for plugin-owned options, looked up by name.
 */
#include "params.h"

#include <string.h>

int params_set(struct params *ps, const char *name, const char *value)
{
	for (size_t i = 0; i < ps->len; i++)
		if (strcmp(ps->v[i].name, name) == 0) {
			ps->v[i].value = value;
			return 0;
		}
	if (ps->len >= PARAMS_MAX)
		return -1;
	ps->v[ps->len].name = name;
	ps->v[ps->len++].value = value;
	return 0;
}

const char *params_find(const struct params *ps, const char *name)
{
	if (!ps)
		return NULL;
	for (size_t i = 0; i < ps->len; i++)
		if (strcmp(ps->v[i].name, name) == 0)
			return ps->v[i].value;
	return NULL;
}

int params_declares(const struct param_spec *specs, const char *name)
{
	for (const struct param_spec *s = specs; s && s->name; s++)
		if (strcmp(s->name, name) == 0)
			return 1;
	return 0;
}

const char *params_get(const struct params *ps, const struct param_spec *specs, const char *name)
{
	const char *v = params_find(ps, name);

	if (v)
		return v;
	for (const struct param_spec *s = specs; s && s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s->def;
	return NULL;
}
