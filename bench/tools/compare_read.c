// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-compare's reader (compare.h): a run's rows, of one known schema
 * at a known version, into points of one metric, and the identity that
 * decides what the run compares with.  Anything else is refused as
 * FILE:LINE: reason before anything is compared.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compare.h"
#include "input.h"
#include "jsonl.h"

/* More than a 1 MiB line can hold. */
#define MAX_SAMPLES	(1 << 17)
#define MAX_META	(1 << 20)

struct reader;

/* A schema this reader knows, and how its rows become points. */
struct schema {
	const char *name;
	uint64_t version;
	const char *(*row)(struct reader *rd, const struct jl_obj *o);
};

struct reader {
	struct cmp_run *r;
	const struct schema *schema;
	bool pool;
	bool first_id;		/* the identity is not yet set by a row */
	unsigned int line;
	double *tmp;
	char why[256];
};

static const char *bench_row(struct reader *rd, const struct jl_obj *o);
static const char *count_row(struct reader *rd, const struct jl_obj *o);
static const char *cycle_row(struct reader *rd, const struct jl_obj *o);

static const struct schema schemas[] = {
	{ "lubench-bench", 1, bench_row },
	{ "lubench-count", 1, count_row },
	{ "lubench-cycle", 1, cycle_row },
	{ }
};

const struct cmp_point *cmp_find(const struct cmp_run *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->nr; i++)
		if (!strcmp(r->pt[i].key, key))
			return &r->pt[i];
	return NULL;
}

/* The point @key of the run, created if new; NULL and why if refused. */
static struct cmp_point *point(struct reader *rd, const char *key,
			       const char *ref, bool pool)
{
	struct cmp_run *r = rd->r;
	struct cmp_point *pt = (struct cmp_point *)cmp_find(r, key);

	if (pt && !pool) {
		snprintf(rd->why, sizeof(rd->why), "duplicate point \"%s\" "
			 "(first at line %u)", key, pt->line);
		return NULL;
	}
	if (pt)
		return pt;
	if (r->nr == r->alloc) {
		r->alloc = r->alloc ? 2 * r->alloc : 256;
		r->pt = realloc(r->pt, r->alloc * sizeof(*r->pt));
		if (!r->pt) {
			fprintf(stderr, "%s: out of memory\n", r->path);
			exit(2);
		}
	}
	pt = &r->pt[r->nr++];
	memset(pt, 0, sizeof(*pt));
	snprintf(pt->key, sizeof(pt->key), "%s", key);
	snprintf(pt->ref, sizeof(pt->ref), "%s", ref);
	pt->line = rd->line;
	return pt;
}

static void add_samples(struct cmp_point *pt, const double *v, size_t k)
{
	if (pt->n + k > pt->cap) {
		pt->cap = pt->n + k + 64;
		pt->s = realloc(pt->s, pt->cap * sizeof(double));
		if (!pt->s) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
	}
	memcpy(pt->s + pt->n, v, k * sizeof(double));
	pt->n += k;
}

/*
 * A field every row of a run must agree on (the identity of counts and
 * icount cycles): the first row sets it, the others must match.
 */
static const char *same_id(struct reader *rd, unsigned int i,
			   const char *name, const char *value)
{
	struct cmp_id *id = &rd->r->id[i];

	if (rd->first_id) {
		id->name = name;
		snprintf(id->value, sizeof(id->value), "%s", value);
		if (i + 1 > rd->r->nr_id)
			rd->r->nr_id = i + 1;
		return NULL;
	}
	if (strcmp(id->value, value)) {
		snprintf(rd->why, sizeof(rd->why), "%s \"%.60s\", but \"%.60s\" "
			 "in the rows before: one run holds one %s", name, value,
			 id->value, name);
		return rd->why;
	}
	return NULL;
}

static const char *need_str(struct reader *rd, const struct jl_obj *o,
			    const char *key, const char **out)
{
	int ret = jl_str(o, key, out);

	return ret ? jl_why(rd->why, sizeof(rd->why), o, key, ret,
			    "a string") : NULL;
}

/* ---- lubench-bench: wall-clock samples ---- */

static const char *bench_row(struct reader *rd, const struct jl_obj *o)
{
	const char *variant, *op, *path = NULL, *bad;
	char key[CMP_KEY], ref[CMP_KEY];
	struct cmp_point *pt;
	uint64_t n;
	size_t k, i;
	int ret;

	if ((bad = need_str(rd, o, "variant", &variant)) ||
	    (bad = need_str(rd, o, "op", &op)))
		return bad;
	if ((ret = jl_u64(o, "n", UINT32_MAX, &n)))
		return jl_why(rd->why, sizeof(rd->why), o, "n", ret,
			      "a device count");
	ret = jl_str(o, "path", &path);
	if (ret && ret != -ENOENT)
		return jl_why(rd->why, sizeof(rd->why), o, "path", ret,
			      "a string");
	ret = jl_f64_array(o, "samples_ns", 0, 1e15, rd->tmp, MAX_SAMPLES, &k);
	if (!ret && !k)
		return "\"samples_ns\" is empty";
	if (ret == -ENOENT)
		return jl_why(rd->why, sizeof(rd->why), o, "samples_ns", ret,
			      "an array of times in ns");
	if (ret)
		return jl_why_elem(rd->why, sizeof(rd->why), o, "samples_ns", k,
				   ret, "a finite time in ns");
	for (i = 0; i < k; i++)
		if (!(rd->tmp[i] > 0))
			return jl_why_elem(rd->why, sizeof(rd->why), o,
					   "samples_ns", i, -ERANGE,
					   "a time per op (0 is no measurement)");
	snprintf(key, sizeof(key), "%.32s %.32s n=%" PRIu64 "%s%.16s", op,
		 variant, n, path ? " " : "", path ? path : "");
	snprintf(ref, sizeof(ref), "%.32s linear n=%" PRIu64 "%s%.16s", op, n,
		 path ? " " : "", path ? path : "");
	pt = point(rd, key, ref, rd->pool);
	if (!pt)
		return rd->why;
	add_samples(pt, rd->tmp, k);
	return NULL;
}

/* ---- lubench-count: one exact count per point ---- */

static const char *count_row(struct reader *rd, const struct jl_obj *o)
{
	const char *variant, *op, *hash, *vg, *sf, *cc, *bad;
	char key[CMP_KEY], ref[CMP_KEY];
	struct cmp_point *pt;
	uint64_t n, ops;
	double v;
	int ret;

	if ((bad = need_str(rd, o, "variant", &variant)) ||
	    (bad = need_str(rd, o, "op", &op)) ||
	    (bad = need_str(rd, o, "population_hash", &hash)) ||
	    (bad = need_str(rd, o, "valgrind", &vg)) ||
	    (bad = need_str(rd, o, "string_functions", &sf)) ||
	    (bad = need_str(rd, o, "compiler", &cc)))
		return bad;
	if ((ret = jl_u64(o, "n", UINT32_MAX, &n)))
		return jl_why(rd->why, sizeof(rd->why), o, "n", ret,
			      "a device count");
	if ((ret = jl_u64(o, "ops", UINT64_MAX, &ops)) || !ops)
		return jl_why(rd->why, sizeof(rd->why), o, "ops",
			      ret ? ret : -ERANGE, "a count of ops");
	ret = jl_f64(o, "instructions_per_op", 0, 1e18, &v);
	if (!ret && !(v > 0))
		ret = -ERANGE;
	if (ret)
		return jl_why(rd->why, sizeof(rd->why), o,
			      "instructions_per_op", ret,
			      "a count per op (0 is no measurement)");
	if ((bad = same_id(rd, 0, "valgrind", vg)) ||
	    (bad = same_id(rd, 1, "compiler", cc)) ||
	    (bad = same_id(rd, 2, "string_functions", sf)))
		return bad;
	snprintf(key, sizeof(key), "%.32s %.32s n=%" PRIu64, op, variant, n);
	snprintf(ref, sizeof(ref), "%.32s linear n=%" PRIu64, op, n);
	pt = point(rd, key, ref, false);
	if (!pt)
		return rd->why;
	pt->value = v;
	pt->ops = ops;
	snprintf(pt->hash, sizeof(pt->hash), "%.20s", hash);
	return NULL;
}

/* ---- lubench-cycle: one row per jump, a sample per phase ---- */

static const char *const phases[] = {
	"exit_ms", "jump_ms", "boot_ms", "retrieve_ms", "enumerate_ms",
	"lookup_ms", "user_ms", "blackout_ms", NULL,
};

/* Whether a jump's row is a measurement: no warm-up, fault or refusal. */
static const char *cycle_counts(struct reader *rd, const struct jl_obj *o,
				bool *counts)
{
	const char *fault;
	bool warmup = false, refused = false;
	int ret;

	if ((ret = jl_bool(o, "warmup", &warmup)) && ret != -ENOENT)
		return jl_why(rd->why, sizeof(rd->why), o, "warmup", ret,
			      "true or false");
	if ((ret = jl_bool(o, "refused", &refused)) && ret != -ENOENT)
		return jl_why(rd->why, sizeof(rd->why), o, "refused", ret,
			      "true or false");
	ret = jl_str(o, "fault", &fault);
	if (ret && ret != -ENOENT)
		return jl_why(rd->why, sizeof(rd->why), o, "fault", ret,
			      "a string");
	*counts = !warmup && !refused && (ret || !strcmp(fault, "none"));
	return NULL;
}

/* The clock of a cycle run: real time by default, or icount. */
static const char *cycle_clock(struct reader *rd, const struct jl_obj *o)
{
	const char *clock = "real", *kernel = "", *bad;
	char shift[32] = "";
	double s;
	int ret;

	ret = jl_str(o, "clock", &clock);
	if (ret && ret != -ENOENT)
		return jl_why(rd->why, sizeof(rd->why), o, "clock", ret,
			      "a string");
	if (ret)
		clock = "real";
	if (strcmp(clock, "real") && strcmp(clock, "icount")) {
		snprintf(rd->why, sizeof(rd->why), "\"clock\": \"%.32s\" is not "
			 "one this reader knows (real, icount)", clock);
		return rd->why;
	}
	if ((bad = same_id(rd, 0, "clock", clock)))
		return bad;
	if (!strcmp(clock, "real")) {
		rd->r->metric = CMP_WALL;
		return NULL;
	}
	rd->r->metric = CMP_ICOUNT;
	if ((ret = jl_f64(o, "icount_shift", 0, 10, &s)))
		return jl_why(rd->why, sizeof(rd->why), o, "icount_shift", ret,
			      "the icount shift (0..10)");
	snprintf(shift, sizeof(shift), "%g", s);
	if ((bad = need_str(rd, o, "guest_kernel", &kernel)) ||
	    (bad = same_id(rd, 1, "icount_shift", shift)) ||
	    (bad = same_id(rd, 2, "guest_kernel", kernel)))
		return bad;
	return NULL;
}

static const char *cycle_row(struct reader *rd, const struct jl_obj *o)
{
	char key[CMP_KEY], ref[CMP_KEY];
	const char *variant, *bad;
	struct cmp_point *pt;
	uint64_t devices;
	bool counts = false;
	double v;
	int i, ret;

	if ((bad = cycle_clock(rd, o)) ||
	    (bad = cycle_counts(rd, o, &counts)) ||
	    (bad = need_str(rd, o, "variant", &variant)))
		return bad;
	if ((ret = jl_u64(o, "devices", UINT32_MAX, &devices)))
		return jl_why(rd->why, sizeof(rd->why), o, "devices", ret,
			      "a device count");
	if (!counts)
		return NULL;
	for (i = 0; phases[i]; i++) {
		ret = jl_f64(o, phases[i], 0, 1e12, &v);
		if (ret == -ENOENT)
			continue;
		if (ret)
			return jl_why(rd->why, sizeof(rd->why), o, phases[i],
				      ret, "a time in ms");
		snprintf(key, sizeof(key), "%.16s %.32s devices=%" PRIu64,
			 phases[i], variant, devices);
		snprintf(ref, sizeof(ref), "%.16s linear devices=%" PRIu64,
			 phases[i], devices);
		pt = point(rd, key, ref, true);
		add_samples(pt, &v, 1);
	}
	return NULL;
}

/* ---- a run ---- */

static const struct schema *schema_of(const struct jl_obj *o, char *why,
				      size_t len)
{
	const struct schema *s;
	const char *name;
	size_t at = 0;

	if (!jl_str(o, "schema", &name))
		for (s = schemas; s->name; s++)
			if (!strcmp(s->name, name))
				return s;
	at += snprintf(why, len, jl_has(o, "schema") ? "unknown schema "
		       "(this reader knows" : "no \"schema\" (expected one of");
	for (s = schemas; s->name && at < len; s++)
		at += snprintf(why + at, len - at, " %s", s->name);
	if (at < len)
		snprintf(why + at, len - at, ")");
	return NULL;
}

static const char *read_row(struct reader *rd, const struct jl_obj *o)
{
	const char *bad;

	if (!rd->schema) {
		rd->schema = schema_of(o, rd->why, sizeof(rd->why));
		if (!rd->schema)
			return rd->why;
		snprintf(rd->r->schema, sizeof(rd->r->schema), "%s",
			 rd->schema->name);
	} else {
		const char *s;

		if (!jl_str(o, "schema", &s) && strcmp(s, rd->schema->name)) {
			snprintf(rd->why, sizeof(rd->why), "schema \"%.32s\" in "
				 "a run of %s rows: one run holds one schema",
				 s, rd->schema->name);
			return rd->why;
		}
	}
	bad = jl_check_schema(o, rd->schema->name, rd->schema->version,
			      rd->why, sizeof(rd->why));
	if (bad)
		return bad;
	bad = rd->schema->row(rd, o);
	rd->first_id = rd->first_id && bad;
	return bad;
}

static const char *results_path(const char *arg, char *buf, size_t len)
{
	struct stat st;

	if (!stat(arg, &st) && S_ISDIR(st.st_mode))
		snprintf(buf, len, "%s/results.jsonl", arg);
	else
		snprintf(buf, len, "%s", arg);
	return buf;
}

/*
 * meta.json next to results.jsonl: the machine a wall-clock run ran on.
 * boot_id came later than the others: a run without it (an older
 * build's) has it as "-", which compare leaves out of the check.
 */
static void read_machine(struct cmp_run *r)
{
	static const char *const fields[CMP_MAX_ID] = {
		"hostname", "boot_id", "cpu_model", "kernel", "compiler",
	};
	char path[4200], err[256], key[64], *slash;
	struct jl_doc doc;
	const char *v;
	size_t len;
	void *buf;
	int i;

	snprintf(path, sizeof(path), "%s", r->path);
	slash = strrchr(path, '/');
	snprintf(slash ? slash + 1 : path,
		 sizeof(path) - (slash ? slash + 1 - path : 0), "meta.json");
	r->nr_id = CMP_MAX_ID;
	for (i = 0; i < CMP_MAX_ID; i++) {
		r->id[i].name = fields[i];
		r->id[i].value[0] = '\0';
	}
	if (lb_read_file(path, MAX_META, &buf, &len, err, sizeof(err)))
		return;
	if (!jl_doc_parse(buf, len, &doc)) {
		for (i = 0; i < CMP_MAX_ID; i++) {
			snprintf(key, sizeof(key), "machine.%s", fields[i]);
			if (!jl_node_str(jl_doc_get(&doc, key), &v))
				snprintf(r->id[i].value, sizeof(r->id[i].value),
					 "%s", v);
			else if (!strcmp(fields[i], "boot_id") &&
				 jl_doc_get(&doc, "machine.hostname"))
				snprintf(r->id[i].value, sizeof(r->id[i].value),
					 "-");
		}
		jl_doc_free(&doc);
	}
	free(buf);
}

static void finish_points(struct cmp_run *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++) {
		struct cmp_point *pt = &r->pt[i];

		if (!pt->n)
			continue;
		if (stats_compute(pt->s, pt->n, &pt->st)) {
			fprintf(stderr, "%s: out of memory\n", r->path);
			exit(2);
		}
		pt->value = pt->st.median;
	}
}

int cmp_read_run(const char *arg, struct cmp_run *r, bool pool)
{
	struct reader rd = { .r = r, .pool = pool, .first_id = true };
	bool shown = false;
	struct lb_lines l;
	struct jl_obj o;
	const char *bad;
	int ret;

	memset(r, 0, sizeof(*r));
	r->arg = arg;
	results_path(arg, r->path, sizeof(r->path));
	rd.tmp = malloc(MAX_SAMPLES * sizeof(*rd.tmp));
	if (!rd.tmp) {
		fprintf(stderr, "%s: out of memory\n", r->path);
		return -1;
	}
	ret = lb_lines_open(&l, r->path);
	while (!ret && (ret = lb_lines_next(&l)) > 0) {
		ret = 0;
		if (!l.len)
			continue;
		rd.line = l.lineno;
		bad = jl_parse_buf(l.line, l.len, &o);
		if (!bad) {
			bad = read_row(&rd, &o);
			jl_free(&o);
		}
		if (bad) {
			fprintf(stderr, "%s:%u: %s\n", r->path, l.lineno, bad);
			shown = true;
			ret = -EINVAL;
		}
	}
	if (ret < 0 && !shown)
		fprintf(stderr, "%s\n", l.err);
	lb_lines_close(&l);
	free(rd.tmp);
	if (ret < 0)
		return -1;
	if (!r->nr) {
		fprintf(stderr, "%s: no points to compare\n", r->path);
		return -1;
	}
	if (!strcmp(r->schema, "lubench-count"))
		r->metric = CMP_COUNT;
	else if (!strcmp(r->schema, "lubench-bench"))
		r->metric = CMP_WALL;
	r->unit = r->metric == CMP_COUNT ? "instructions/op" :
		  r->metric == CMP_WALL && !strcmp(r->schema, "lubench-bench") ?
		  "ns/op" : "ms";
	if (r->metric == CMP_WALL)
		read_machine(r);
	finish_points(r);
	return 0;
}
