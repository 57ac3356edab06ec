// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the guest benchmark's lines (guest_report.h).  Every count is
 * a non-negative integer in range and every time finite, or the line is
 * refused: a count cast from a huge or negative double would be
 * undefined, and a negative `unexpected` could cancel real wrong answers.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest_paths.h"
#include "guest_report.h"
#include "jsonl.h"

/* LUBENCH_BATCH_MAX, the most ops one call can carry. */
#define GR_MAX_BATCH	(1ULL << 20)
#define GR_MAX_NS	(1ULL << 60)

struct gr_line {
	const struct jl_obj *o;
	char *why;
	size_t len;
};

static int get_name(struct gr_line *l, const char *key, char *dst,
		    size_t size)
{
	return jl_need_name(l->o, key, dst, size, l->why, l->len);
}

static int get_text(struct gr_line *l, const char *key, char *dst,
		    size_t size)
{
	return jl_need_text(l->o, key, dst, size, l->why, l->len);
}

static int get_count(struct gr_line *l, const char *key, uint64_t max,
		     uint64_t *out)
{
	return jl_need_u64(l->o, key, max, out, l->why, l->len);
}

/* lubench-dev's phase names, as this schema's ops. */
static int get_op(struct gr_line *l, char *op, size_t size)
{
	static const char *const phases[][2] = {
		{ "preserve", "preserve" },
		{ "find", "find-hit" },
		{ "unpreserve", "unpreserve" },
	};
	char phase[16];
	unsigned int i;

	if (get_name(l, "phase", phase, sizeof(phase)))
		return -EINVAL;
	for (i = 0; i < sizeof(phases) / sizeof(phases[0]); i++) {
		if (!strcmp(phase, phases[i][0])) {
			snprintf(op, size, "%s", phases[i][1]);
			return 0;
		}
	}
	snprintf(l->why, l->len, "\"phase\": \"%s\" is not preserve, find or "
		 "unpreserve", phase);
	return -EINVAL;
}

#define PATH_NAME(e, name)	name,
const char *const gr_paths[] = { LB_FOR_EACH_GUEST_PATH(PATH_NAME) NULL };

/* A path lubench-dev bench knows. */
static int get_path(struct gr_line *l, char *dst, size_t size)
{
	unsigned int i;

	if (get_name(l, "path", dst, size))
		return -EINVAL;
	for (i = 0; gr_paths[i]; i++)
		if (!strcmp(dst, gr_paths[i]))
			return 0;
	snprintf(l->why, l->len, "\"path\": \"%s\" is not a path of "
		 "lubench-dev bench", dst);
	return -EINVAL;
}

static int point_of(struct gr_report *r, struct gr_line *l,
		    struct gr_point **out)
{
	char variant[32], path[16], op[16];
	struct gr_point *pt;
	unsigned int i;

	if (get_name(l, "variant", variant, sizeof(variant)) ||
	    get_path(l, path, sizeof(path)) ||
	    get_op(l, op, sizeof(op)))
		return -EINVAL;
	for (i = 0; i < r->nr; i++) {
		pt = &r->pt[i];
		if (!strcmp(pt->variant, variant) && !strcmp(pt->path, path) &&
		    !strcmp(pt->op, op)) {
			*out = pt;
			return 0;
		}
	}
	if (r->nr == GR_MAX_POINTS) {
		snprintf(l->why, l->len, "more than %u (variant, path, op) points",
			 GR_MAX_POINTS);
		return -EINVAL;
	}
	pt = &r->pt[r->nr++];
	memcpy(pt->variant, variant, sizeof(variant));
	memcpy(pt->path, path, sizeof(path));
	memcpy(pt->op, op, sizeof(op));
	*out = pt;
	return 0;
}

static int grow(struct gr_point *pt)
{
	size_t n = pt->alloc ? 2 * pt->alloc : 64;
	double *u, *t, *k;

	u = realloc(pt->user, n * sizeof(double));
	if (u)
		pt->user = u;
	t = realloc(pt->table, n * sizeof(double));
	if (t)
		pt->table = t;
	k = realloc(pt->kbatch, n * sizeof(double));
	if (k)
		pt->kbatch = k;
	if (!u || !t || !k)
		return -ENOMEM;
	pt->alloc = n;
	return 0;
}

static int add_batch(struct gr_report *r, struct gr_line *l)
{
	uint64_t ops, user, table, kbatch = 0, bad;
	bool has_kbatch;
	struct gr_point *pt;
	int ret;

	ret = point_of(r, l, &pt);
	if (ret)
		return ret;
	if (get_count(l, "ops", GR_MAX_BATCH, &ops) ||
	    get_count(l, "user_ns", GR_MAX_NS, &user) ||
	    get_count(l, "kernel_table_ns", GR_MAX_NS, &table) ||
	    get_count(l, "unexpected", GR_MAX_BATCH, &bad))
		return -EINVAL;
	if (!ops) {
		snprintf(l->why, l->len, "\"ops\": a batch of 0 ops");
		return -EINVAL;
	}
	if (bad > ops) {
		snprintf(l->why, l->len, "\"unexpected\": %llu of %llu ops",
			 (unsigned long long)bad, (unsigned long long)ops);
		return -EINVAL;
	}
	/* null where the path has no single call to time */
	has_kbatch = jl_get(l->o, "kernel_batch_ns");
	if (has_kbatch && get_count(l, "kernel_batch_ns", GR_MAX_NS, &kbatch))
		return -EINVAL;
	if (pt->nr == pt->alloc && grow(pt))
		return -ENOMEM;
	pt->user[pt->nr] = (double)user / ops;
	pt->table[pt->nr] = (double)table / ops;
	if (has_kbatch)
		pt->kbatch[pt->nr_kbatch++] = (double)kbatch / ops;
	pt->nr++;
	pt->ops += ops;
	pt->unexpected += bad;
	if (ops > pt->batch)
		pt->batch = ops;
	return 0;
}

static int add_phase(struct gr_report *r, struct gr_line *l)
{
	struct gr_point *pt;
	int ret;

	ret = point_of(r, l, &pt);
	if (ret)
		return ret;
	return get_count(l, "n", GR_MAX_BATCH, &pt->n);
}

static int add_info(struct gr_report *r, struct gr_line *l)
{
	if (get_count(l, "functions", UINT32_MAX, &r->functions) ||
	    get_count(l, "vfs", UINT32_MAX, &r->vfs) ||
	    get_count(l, "domains", UINT32_MAX, &r->domains) ||
	    get_count(l, "enum_ns", GR_MAX_NS, &r->enum_ns))
		return -EINVAL;
	return 0;
}

static int add_run(struct gr_report *r, struct gr_line *l)
{
	int ret;

	if (get_name(l, "accel", r->accel, sizeof(r->accel)))
		return -EINVAL;
	ret = jl_f64(l->o, "wall_ms", 0, 1e12, &r->wall_ms);
	if (ret) {
		jl_why(l->why, l->len, l->o, "wall_ms", ret, "a time in ms");
		return -EINVAL;
	}
	return 0;
}

static int add_guest(struct gr_report *r, struct gr_line *l)
{
	if (get_text(l, "kernel", r->kernel, sizeof(r->kernel)) ||
	    get_text(l, "cpu_model", r->cpu_model, sizeof(r->cpu_model)))
		return -EINVAL;
	return 0;
}

int gr_read_line(struct gr_report *r, const char *line, size_t len,
		 char *why, size_t whylen)
{
	struct gr_line l = { .why = why, .len = whylen };
	struct jl_obj o;
	int ret;

	/* Anything but an object is not ours: kernel noise on the port. */
	ret = jl_read_ours(line, len, GR_SCHEMA, GR_SCHEMA_VERSION, &o, why,
			   whylen);
	if (ret <= 0)
		return ret;
	ret = 0;
	l.o = &o;
	if (jl_is(&o, "lubench-dev-batch"))
		ret = add_batch(r, &l);
	else if (jl_is(&o, "lubench-dev-phase"))
		ret = add_phase(r, &l);
	else if (jl_is(&o, "lubench-guest"))
		ret = add_guest(r, &l);
	else if (jl_is(&o, "lubench-dev-info"))
		ret = add_info(r, &l);
	else if (jl_is(&o, "lubench-run"))
		ret = add_run(r, &l);
	jl_free(&o);
	return ret;
}

void gr_free(struct gr_report *r)
{
	unsigned int i;

	for (i = 0; i < r->nr; i++) {
		free(r->pt[i].user);
		free(r->pt[i].table);
		free(r->pt[i].kbatch);
	}
	r->nr = 0;
}
