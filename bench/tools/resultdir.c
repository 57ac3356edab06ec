// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a result directory (resultdir.h): meta.json through the JSON
 * document reader, results.jsonl line by line, each checked against its
 * schema and version; and the output files of the tools built on it.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "jsonl.h"
#include "resultdir.h"

/* meta.json: pretty-printed, a few KiB; 16 MiB is far beyond any. */
#define RD_MAX_META	(16U << 20)

void rd_fail(struct rdir *p, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", p->prog ? p->prog : "lubench-plotdata");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (!p->err)
		p->err = 2;
}

bool rd_meta_str(struct rdir *p, const char *path, const char **out)
{
	int ret = jl_node_str(jl_doc_get(&p->meta, path), out);

	if (ret)
		rd_fail(p, "%s/meta.json: \"%s\" is %s, expected a string",
			p->run, path, ret == -ENOENT ? "missing or null" :
			"not a string");
	return !ret;
}

bool rd_meta_u64(struct rdir *p, const char *path, uint64_t max,
		 uint64_t *out)
{
	int ret = jl_node_u64(jl_doc_get(&p->meta, path), max, out);

	if (ret)
		rd_fail(p, "%s/meta.json: \"%s\" is %s, expected a count",
			p->run, path, jl_strerror(ret));
	return !ret;
}

/* meta.json whole, if its schema is one of @schemas at version 1. */
const char *rd_read_meta(struct rdir *p, const char *const *schemas)
{
	char path[PATH_MAX], err[400];
	const char *bad, *schema;
	uint64_t version;
	unsigned int i;
	size_t len;
	void *buf;

	snprintf(path, sizeof(path), "%s/meta.json", p->run);
	if (lb_read_file(path, RD_MAX_META, &buf, &len, err, sizeof(err))) {
		rd_fail(p, "%s", err);
		return NULL;
	}
	bad = jl_doc_parse(buf, len, &p->meta);
	free(buf);
	if (bad) {
		rd_fail(p, "%s: %s", path, bad);
		return NULL;
	}
	if (!rd_meta_str(p, "schema", &schema) ||
	    !rd_meta_u64(p, "schema_version", UINT32_MAX, &version))
		return NULL;
	for (i = 0; schemas[i] && strcmp(schema, schemas[i]); i++)
		;
	if (!schemas[i]) {
		rd_fail(p, "%s: schema \"%.64s\" is not %s%s", path, schema,
			schemas[0], schemas[1] ? " or another result "
			"directory's meta" : "");
		return NULL;
	}
	if (version != 1) {
		rd_fail(p, "%s: %s schema_version %llu is not one this reader "
			"knows (1..1)", path, schema,
			(unsigned long long)version);
		return NULL;
	}
	return schema;
}

bool rd_read_rows(struct rdir *p, const char *schema,
		  bool (*row)(struct rdir *p, const struct jl_obj *o,
			      const char *where, void *arg), void *arg)
{
	char path[PATH_MAX], where[PATH_MAX + 16], why[200];
	const char *bad;
	struct lb_lines l;
	struct jl_obj o;
	bool ok = true;
	int ret;

	snprintf(path, sizeof(path), "%s/results.jsonl", p->run);
	ret = lb_lines_open(&l, path);
	while (ok && !ret && (ret = lb_lines_next(&l)) > 0) {
		ret = 0;
		if (!l.len)
			continue;
		snprintf(where, sizeof(where), "%s:%u", path, l.lineno);
		bad = jl_parse_buf(l.line, l.len, &o);
		if (!bad)
			bad = jl_check_schema(&o, schema, 1, why, sizeof(why));
		if (bad)
			rd_fail(p, "%s: %s", where, bad);
		ok = !bad && row(p, &o, where, arg);
		if (!bad)
			jl_free(&o);
	}
	if (ret < 0) {
		rd_fail(p, "%s", l.err);
		ok = false;
	}
	lb_lines_close(&l);
	return ok;
}

bool rd_row_f64(struct rdir *d, const struct jl_obj *o, const char *where,
		const char *key, double min, double max, bool null_ok,
		const char *want, double *out)
{
	char why[200];
	int ret = jl_f64(o, key, min, max, out);

	if (ret == -ENOENT && null_ok && jl_has(o, key)) {
		*out = NAN;
		return true;
	}
	if (ret)
		rd_fail(d, "%s: %s", where, jl_why(why, sizeof(why), o, key, ret,
						   want));
	return !ret;
}

int rd_name_index(char list[][RD_NAME_LEN], unsigned int *nr,
		  unsigned int max, const char *name)
{
	unsigned int i;

	for (i = 0; i < *nr; i++)
		if (!strcmp(list[i], name))
			return i;
	if (*nr == max || strlen(name) >= RD_NAME_LEN)
		return -1;
	strcpy(list[*nr], name);
	return (*nr)++;
}

bool rd_is_name(const char *s)
{
	size_t n = strlen(s);

	return n && n < RD_NAME_LEN &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}


bool rd_meta_machine(struct rdir *d, struct rd_machine *m)
{
	return rd_meta_str(d, "machine.cpu_model", &m->cpu) &&
	       rd_meta_u64(d, "machine.cores", UINT32_MAX, &m->cores) &&
	       rd_meta_u64(d, "machine.l2_bytes", UINT64_MAX >> 1, &m->l2) &&
	       rd_meta_u64(d, "machine.l3_bytes", UINT64_MAX >> 1, &m->l3) &&
	       rd_meta_str(d, "machine.kernel", &m->kernel) &&
	       rd_meta_str(d, "machine.git_commit", &m->commit) &&
	       rd_meta_str(d, "machine.compiler", &m->compiler) &&
	       rd_meta_str(d, "machine.cflags", &m->cflags);
}

static int table_size(struct rd_table *t, uint64_t n)
{
	unsigned int i;

	for (i = 0; i < t->nr_size; i++)
		if (t->size[i] == n)
			return i;
	if (t->nr_size == RD_MAX_SIZES)
		return -1;
	t->size[t->nr_size] = n;
	return t->nr_size++;
}

bool rd_table_row(struct rdir *d, const struct jl_obj *o, const char *where,
		  void *arg)
{
	char op[RD_NAME_LEN], variant[RD_NAME_LEN], why[200];
	struct rd_table *t = arg;
	int iv, in;
	uint64_t n;
	double x;

	if (jl_need_name(o, "op", op, sizeof(op), why, sizeof(why)) ||
	    jl_need_name(o, "variant", variant, sizeof(variant), why,
			 sizeof(why)) ||
	    jl_need_u64(o, "n", UINT32_MAX, &n, why, sizeof(why))) {
		rd_fail(d, "%s: %s", where, why);
		return false;
	}
	if (strcmp(op, t->op))
		return true;
	if (!rd_row_f64(d, o, where, t->field, 0, 1e18, false,
			"a finite number", &x))
		return false;
	iv = rd_name_index(t->name, &t->nr_name, RD_MAX_NAMES, variant);
	in = table_size(t, n);
	if (iv < 0 || in < 0) {
		rd_fail(d, "%s: more than %d layouts or %d sizes", where,
			RD_MAX_NAMES, RD_MAX_SIZES);
		return false;
	}
	if (t->has[iv][in]) {
		rd_fail(d, "%s: a second row for %s %s n=%llu", where, op,
			variant, (unsigned long long)n);
		return false;
	}
	t->v[iv][in] = x;
	t->has[iv][in] = true;
	return true;
}

void rd_table_sort(struct rd_table *t)
{
	unsigned int i, j, v;

	for (i = 1; i < t->nr_size; i++)
		for (j = i; j > 0 && t->size[j - 1] > t->size[j]; j--) {
			uint64_t n = t->size[j];

			t->size[j] = t->size[j - 1];
			t->size[j - 1] = n;
			for (v = 0; v < t->nr_name; v++) {
				double x = t->v[v][j];
				bool h = t->has[v][j];

				t->v[v][j] = t->v[v][j - 1];
				t->has[v][j] = t->has[v][j - 1];
				t->v[v][j - 1] = x;
				t->has[v][j - 1] = h;
			}
		}
}
