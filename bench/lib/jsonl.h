/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading the JSON lines lubench's own tools write (the guest's ttyS1
 * output): one flat object per line, string, number, bool or null
 * values, and arrays of numbers.  Not a general JSON parser; anything else is refused.
 */
#ifndef LUBENCH_JSONL_H
#define LUBENCH_JSONL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JL_MAX_FIELDS	128

struct jl_obj {
	unsigned int nr;
	char *key[JL_MAX_FIELDS];
	char *val[JL_MAX_FIELDS];	/* strings unescaped; NULL for null */
	bool is_str[JL_MAX_FIELDS];
	char *buf;			/* owns the keys and values */
};

/* Parse @line into @o; false (and @o empty) if it is not a flat object. */
bool jl_parse(const char *line, struct jl_obj *o);
void jl_free(struct jl_obj *o);

/* The raw value of @key, NULL when absent or null. */
const char *jl_get(const struct jl_obj *o, const char *key);
/* Whether the object's "type" is @type. */
bool jl_is(const struct jl_obj *o, const char *type);
/* A number, or @dflt when absent, null or not a number. */
double jl_num(const struct jl_obj *o, const char *key, double dflt);

/* A number array's values into @out (at most @max); how many, 0 if none. */
size_t jl_num_array(const struct jl_obj *o, const char *key, double *out,
		    size_t max);

#endif /* LUBENCH_JSONL_H */
