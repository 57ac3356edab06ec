// SPDX-License-Identifier: GPL-2.0
/*
 * A reader for flat JSON objects, one per line.  Values are kept as text
 * (strings unescaped) in one buffer owned by the object.
 */
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

/* Copy a string starting after its opening quote; returns past the end. */
static const char *read_str(const char *p, char **out, char **pos)
{
	char *o = *pos;

	*out = o;
	for (; *p && *p != '"'; p++) {
		if (*p == '\\') {
			p++;
			switch (*p) {
			case 'n': *o++ = '\n'; break;
			case 't': *o++ = '\t'; break;
			case '"': case '\\': case '/': *o++ = *p; break;
			case 'u': *o++ = '?'; p += 4; break;	/* not ours */
			default: return NULL;
			}
			continue;
		}
		*o++ = *p;
	}
	if (*p != '"')
		return NULL;
	*o++ = '\0';
	*pos = o;
	return p + 1;
}

static const char *read_scalar(const char *p, char **out, char **pos)
{
	const char *s = p;
	char *o = *pos;

	/* An array of numbers is kept whole, brackets included. */
	if (*p == '[') {
		p = strchr(p, ']');
		if (!p || memchr(s, '"', p - s) || memchr(s + 1, '[', p - s - 1))
			return NULL;
		p++;
	}
	while (*p && *p != ',' && *p != '}' && *p != ' ')
		p++;
	if (p == s)
		return NULL;
	if (p - s == 4 && !strncmp(s, "null", 4)) {
		*out = NULL;
		return p;
	}
	memcpy(o, s, p - s);
	o[p - s] = '\0';
	*out = o;
	*pos = o + (p - s) + 1;
	return p;
}

bool jl_parse(const char *line, struct jl_obj *o)
{
	const char *p = skip_ws(line);
	char *pos;

	memset(o, 0, sizeof(*o));
	if (*p != '{')
		return false;
	o->buf = malloc(strlen(line) + 1);
	if (!o->buf)
		return false;
	pos = o->buf;
	p = skip_ws(p + 1);
	while (*p != '}') {
		unsigned int i = o->nr;

		if (i == JL_MAX_FIELDS || *p != '"')
			goto bad;
		p = read_str(p + 1, &o->key[i], &pos);
		if (!p)
			goto bad;
		p = skip_ws(p);
		if (*p != ':')
			goto bad;
		p = skip_ws(p + 1);
		o->is_str[i] = *p == '"';
		if (o->is_str[i])
			p = read_str(p + 1, &o->val[i], &pos);
		else
			p = read_scalar(p, &o->val[i], &pos);
		if (!p)
			goto bad;
		o->nr++;
		p = skip_ws(p);
		if (*p == ',')
			p = skip_ws(p + 1);
		else if (*p != '}')
			goto bad;
	}
	return true;
bad:
	jl_free(o);
	return false;
}

void jl_free(struct jl_obj *o)
{
	free(o->buf);
	memset(o, 0, sizeof(*o));
}

const char *jl_get(const struct jl_obj *o, const char *key)
{
	unsigned int i;

	for (i = 0; o && i < o->nr; i++)
		if (!strcmp(o->key[i], key))
			return o->val[i];
	return NULL;
}

bool jl_is(const struct jl_obj *o, const char *type)
{
	const char *t = jl_get(o, "type");

	return t && !strcmp(t, type);
}

double jl_num(const struct jl_obj *o, const char *key, double dflt)
{
	const char *v = jl_get(o, key);
	char *end;
	double d;

	if (!v)
		return dflt;
	d = strtod(v, &end);
	return end != v && !*end ? d : dflt;
}

size_t jl_num_array(const struct jl_obj *o, const char *key, double *out,
		    size_t max)
{
	const char *v = jl_get(o, key);
	size_t n = 0;
	char *end;

	if (!v || *v != '[')
		return 0;
	for (v++; *v && *v != ']' && n < max; v = end) {
		while (*v == ',' || *v == ' ')
			v++;
		out[n] = strtod(v, &end);
		if (end == v)
			return 0;
		n++;
	}
	return n;
}
