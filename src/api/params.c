/*
 * Storage for plugin-owned options, typed by their spec, looked up by name.
 */
#include "params.h"

#include <stdio.h>
#include <string.h>

static struct param *slot(struct params *ps, const char *name)
{
	for (size_t i = 0; i < ps->len; i++)
		if (strcmp(ps->v[i].name, name) == 0)
			return &ps->v[i];
	if (ps->len >= PARAMS_MAX)
		return NULL;
	ps->v[ps->len].name = name;
	return &ps->v[ps->len++];
}

int params_put(struct params *ps, const struct option_spec *spec, const char *text, const union option_value *v)
{
	struct param *p = slot(ps, spec->name);

	if (!p)
		return -1;
	p->text = text;
	p->spec = spec;
	p->v = *v;
	return 0;
}

int params_set(struct params *ps, const char *name, const char *text)
{
	struct param *p = slot(ps, name);

	if (!p)
		return -1;
	p->text = text;
	p->spec = NULL;
	memset(&p->v, 0, sizeof(p->v));
	return 0;
}

static int put_cb(void *ctx, const struct option_spec *spec, const char *text, const union option_value *v)
{
	return params_put(ctx, spec, text, v);
}

struct option_group params_group(const struct option_spec *specs, struct params *ps)
{
	return (struct option_group){ .specs = specs, .put = put_cb, .ctx = ps };
}

static const struct param *find(const struct params *ps, const char *name)
{
	for (size_t i = 0; ps && i < ps->len; i++)
		if (strcmp(ps->v[i].name, name) == 0)
			return &ps->v[i];
	return NULL;
}

const char *params_find(const struct params *ps, const char *name)
{
	const struct param *p = find(ps, name);

	return p ? p->text : NULL;
}

int params_declares(const struct option_spec *specs, const char *name)
{
	return options_find(specs, name) != NULL;
}

int params_check(const struct params *ps, const struct option_spec *specs, char *err, size_t errlen)
{
	for (size_t i = 0; ps && i < ps->len; i++) {
		const struct option_spec *spec = options_find(specs, ps->v[i].name);
		union option_value v;

		if (spec && !ps->v[i].spec && options_value(spec, ps->v[i].text, &v, err, errlen) < 0)
			return -1;
		if (spec && spec->parse && spec->parse(ps->v[i].text, NULL, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* The value of name: parsed already, else its text or the default parsed now. */
static union option_value value_of(const struct params *ps, const struct option_spec *specs, const char *name)
{
	const struct option_spec *spec = options_find(specs, name);
	const struct param *p = find(ps, name);
	union option_value v;
	char err[256];

	memset(&v, 0, sizeof(v));
	if (!spec)
		return v;
	if (p && p->spec == spec)
		return p->v;
	if (p && p->text && options_value(spec, p->text, &v, err, sizeof(err)) == 0)
		return v;
	if (spec->def && options_value(spec, spec->def, &v, err, sizeof(err)) == 0)
		return v;
	memset(&v, 0, sizeof(v));
	return v;
}

uint64_t params_uint(const struct params *ps, const struct option_spec *specs, const char *name)
{
	return value_of(ps, specs, name).u;
}

double params_decimal(const struct params *ps, const struct option_spec *specs, const char *name)
{
	return value_of(ps, specs, name).d;
}

int params_choice(const struct params *ps, const struct option_spec *specs, const char *name)
{
	return value_of(ps, specs, name).choice;
}

const char *params_text(const struct params *ps, const struct option_spec *specs, const char *name)
{
	const char *s = value_of(ps, specs, name).s;

	return s ? s : "";
}
