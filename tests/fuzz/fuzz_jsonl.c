// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the JSON reader (bench/lib/jsonl.c): the input as one
 * document (jl_doc_parse(), meta.json), then one line at a time through
 * jl_parse_buf() as the readers take the guest's output.  A refused line
 * leaves an empty object and a reason; an accepted one has unique keys,
 * and every typed accessor keeps its promise for every key.
 */
#include <errno.h>
#include <math.h>

#include "jsonl.h"
#include "fuzz.h"

#define MAX_ARRAY	64
/* Each accessor looks its key up (O(fields)): check this many fields. */
#define CHECK_FIELDS	16

static void check_why(const char *why)
{
	FUZZ_CHECK(why && why[0] && strlen(why) < 256, "bad message");
}

static void check_u64(const struct jl_obj *o, const char *key)
{
	char buf[256];
	uint64_t u;
	double d;
	int ret = jl_u64(o, key, UINT64_MAX, &u);

	FUZZ_CHECK(!ret || ret == -ENOENT || ret == -EINVAL || ret == -ERANGE,
		   "jl_u64(\"%s\"): %d", key, ret);
	if (ret) {
		check_why(jl_why(buf, sizeof(buf), o, key, ret, "a count"));
		return;
	}
	/* A count is a number too, and the same one. */
	ret = jl_f64(o, key, 0, INFINITY, &d);
	FUZZ_CHECK(!ret && fabs(d - (double)u) <= 1 + (double)u * 1e-15,
		   "\"%s\": count %llu but number %g (%d)", key,
		   (unsigned long long)u, d, ret);
	ret = jl_u64(o, key, u, &u);
	FUZZ_CHECK(!ret, "\"%s\": %llu refused at max %llu", key,
		   (unsigned long long)u, (unsigned long long)u);
	if (u) {
		ret = jl_u64(o, key, u - 1, &u);
		FUZZ_CHECK(ret == -ERANGE, "\"%s\": max below the value: %d",
			   key, ret);
	}
}

static void check_f64(const struct jl_obj *o, const char *key)
{
	double d, arr[MAX_ARRAY];
	char buf[256];
	size_t n, i;
	int ret = jl_f64(o, key, -INFINITY, INFINITY, &d);

	FUZZ_CHECK(ret || isfinite(d), "\"%s\": non-finite %g taken", key, d);
	if (ret)
		check_why(jl_why(buf, sizeof(buf), o, key, ret, "a number"));
	FUZZ_CHECK(isfinite(jl_num(o, key, 0)), "\"%s\": jl_num not finite",
		   key);
	ret = jl_f64_array(o, key, -INFINITY, INFINITY, arr, MAX_ARRAY, &n);
	FUZZ_CHECK(n <= MAX_ARRAY, "\"%s\": %zu of %d elements", key, n,
		   MAX_ARRAY);
	if (ret) {
		check_why(jl_why_elem(buf, sizeof(buf), o, key, n, ret,
				      "a number"));
		return;
	}
	for (i = 0; i < n; i++)
		FUZZ_CHECK(isfinite(arr[i]), "\"%s\"[%zu] not finite", key, i);
}

static void check_field(const struct jl_obj *o, unsigned int i)
{
	const char *key = o->key[i], *s;
	unsigned int j;
	bool b;
	int ret;

	FUZZ_CHECK(key, "field %u has no key", i);
	for (j = 0; j < i; j++)
		FUZZ_CHECK(strcmp(o->key[j], key), "duplicate key \"%s\"",
			   key);
	FUZZ_CHECK(o->kind[i] <= JL_ARRAY, "kind %d", o->kind[i]);
	FUZZ_CHECK(!o->val[i] == (o->kind[i] == JL_NULL),
		   "\"%s\": value and kind disagree", key);
	if (i >= CHECK_FIELDS)
		return;
	FUZZ_CHECK(jl_has(o, key) && jl_get(o, key) == o->val[i],
		   "\"%s\" not found again", key);
	ret = jl_str(o, key, &s);
	FUZZ_CHECK(!ret == (o->kind[i] == JL_STR), "\"%s\": jl_str %d", key,
		   ret);
	ret = jl_bool(o, key, &b);
	FUZZ_CHECK(!ret == (o->kind[i] == JL_BOOL), "\"%s\": jl_bool %d",
		   key, ret);
	check_u64(o, key);
	check_f64(o, key);
}

static void check_obj(const struct jl_obj *o, size_t len)
{
	char buf[256];
	size_t used = 0;
	unsigned int i;

	FUZZ_CHECK(o->nr <= JL_MAX_FIELDS, "%u fields", o->nr);
	for (i = 0; i < o->nr; i++) {
		check_field(o, i);
		used += strlen(o->key[i]) + 1;
		if (o->val[i])
			used += strlen(o->val[i]) + 1;
	}
	/* Keys and values are copies out of the line: never longer. */
	FUZZ_CHECK(used <= len + 1, "%zu bytes from a %zu-byte line", used,
		   len);
	if (jl_check_schema(o, "lubench-bench", 1, buf, sizeof(buf)))
		check_why(buf);
	(void)jl_is(o, "lubench-dev-batch");
}

/* A whole document (meta.json): the node tree must be well formed. */
static void check_doc(const char *buf, size_t len)
{
	struct jl_doc d;
	const char *why = jl_doc_parse(buf, len, &d);
	unsigned int i, seen = 0;
	int n;

	if (why) {
		check_why(why);
		FUZZ_CHECK(!d.nr && !d.node && !d.buf, "refused document kept nodes");
		return;
	}
	FUZZ_CHECK(d.nr >= 1 && d.nr <= d.alloc, "%u nodes", d.nr);
	for (i = 0; i < d.nr; i++) {
		const struct jl_node *x = &d.node[i];

		FUZZ_CHECK(x->kind <= JL_N_ARRAY, "node %u: kind %d", i, x->kind);
		FUZZ_CHECK(x->child >= -1 && x->child < (int)d.nr &&
			   x->next >= -1 && x->next < (int)d.nr &&
			   x->child != (int)i && x->next != (int)i,
			   "node %u links %d %d of %u", i, x->child, x->next,
			   d.nr);
		FUZZ_CHECK(x->child < 0 || x->kind == JL_N_OBJECT ||
			   x->kind == JL_N_ARRAY, "node %u: a scalar with children",
			   i);
	}
	/* Every top-level member is found by its name. */
	if (d.node[0].kind != JL_N_OBJECT)
		goto out;
	for (n = d.node[0].child; n >= 0 && seen++ < d.nr; n = d.node[n].next) {
		const struct jl_node *m = &d.node[n];

		FUZZ_CHECK(m->key, "member %d has no name", n);
		if (!strchr(m->key, '.'))
			FUZZ_CHECK(jl_doc_get(&d, m->key),
				   "member \"%s\" not found", m->key);
	}
	FUZZ_CHECK(seen <= d.nr, "a loop in the members");
out:
	jl_doc_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	char *doc = malloc(size ? size : 1);

	if (!doc)
		abort();
	memcpy(doc, data, size);
	check_doc(doc, size);
	free(doc);

	/* One line at a time, as the readers split the guest's output. */
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t len = (nl ? nl : end) - p;
		/* An exact-size copy, so ASan sees any read past the line. */
		char *line = malloc(len ? len : 1);
		struct jl_obj o;
		const char *why;

		if (!line)
			abort();
		memcpy(line, p, len);
		why = jl_parse_buf(line, len, &o);
		if (why) {
			check_why(why);
			FUZZ_CHECK(!o.nr && !o.buf, "refused line kept fields");
		} else {
			check_obj(&o, len);
			jl_free(&o);
		}
		free(line);
		p += len + 1;
	}
	return 0;
}
