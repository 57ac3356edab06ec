// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-guest-report: turn what `lubench-dev bench` printed in the
 * guest (one JSON line per timed batch) into a results directory of the
 * lubench-bench schema, with the `path` and `accelerator` fields, and a
 * table on stdout.
 *
 * usage: lubench-guest-report RESULTS_TXT OUT_DIR
 * Exit: 0, 1 bad input, 2 the guest saw a wrong answer, 3 system error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jsonl.h"
#include "results.h"
#include "stats.h"
#include "topology.h"

#define SCHEMA		"lubench-bench"
#define META_SCHEMA	"lubench-bench-meta"
#define SCHEMA_VERSION	1
#define MAX_POINTS	256

/* One (variant, path, op): its batches as ns per op. */
struct point {
	char variant[32];
	char path[16];
	char op[16];
	unsigned int n;
	unsigned int batch;
	double *user, *table, *kbatch;	/* per-op times of each batch */
	size_t nr, nr_kbatch, alloc;
	unsigned long long ops, unexpected;
	struct stats st;
};

struct report {
	struct point pt[MAX_POINTS];
	unsigned int nr;
	char accel[16];
	char kernel[64];
	char cpu_model[128];
	unsigned long long functions, vfs, domains, enum_ns;
	double wall_ms;
};

static const char *const columns[] = {
	"schema", "schema_version", "run_id", "variant", "op", "path",
	"accelerator", "n", "method", "samples", "ops_per_sample",
	"ops_per_total", "median_ns", "p99_ns", "min_ns", "max_ns",
	"mean_ns", "mad_ns", "total_ms", "kernel_table_ns", "kernel_batch_ns",
	"speedup_vs_linear", "extrapolated", "checked", NULL,
};

/* lubench-dev's phase names, as this schema's ops. */
static const char *op_of(const char *phase)
{
	return strcmp(phase, "find") ? phase : "find-hit";
}

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static struct point *point_of(struct report *r, const struct jl_obj *o)
{
	const char *v = jl_get(o, "variant"), *p = jl_get(o, "path");
	const char *op = op_of(jl_get(o, "phase") ?: "");
	unsigned int i;

	if (!v || !p)
		return NULL;
	for (i = 0; i < r->nr; i++)
		if (!strcmp(r->pt[i].variant, v) && !strcmp(r->pt[i].path, p) &&
		    !strcmp(r->pt[i].op, op))
			return &r->pt[i];
	if (r->nr == MAX_POINTS)
		return NULL;
	copy(r->pt[i].variant, sizeof(r->pt[i].variant), v);
	copy(r->pt[i].path, sizeof(r->pt[i].path), p);
	copy(r->pt[i].op, sizeof(r->pt[i].op), op);
	r->nr++;
	return &r->pt[i];
}

static int add_batch(struct report *r, const struct jl_obj *o)
{
	struct point *pt = point_of(r, o);
	double ops = jl_num(o, "ops", 0), kb;

	if (!pt || ops <= 0)
		return -EINVAL;
	if (pt->nr == pt->alloc) {
		size_t n = pt->alloc ? 2 * pt->alloc : 64;

		pt->user = realloc(pt->user, n * sizeof(double));
		pt->table = realloc(pt->table, n * sizeof(double));
		pt->kbatch = realloc(pt->kbatch, n * sizeof(double));
		if (!pt->user || !pt->table || !pt->kbatch)
			return -ENOMEM;
		pt->alloc = n;
	}
	pt->user[pt->nr] = jl_num(o, "user_ns", 0) / ops;
	pt->table[pt->nr] = jl_num(o, "kernel_table_ns", 0) / ops;
	kb = jl_num(o, "kernel_batch_ns", -1);
	if (kb >= 0)
		pt->kbatch[pt->nr_kbatch++] = kb / ops;
	pt->nr++;
	pt->ops += ops;
	pt->unexpected += jl_num(o, "unexpected", 0);
	if (ops > pt->batch)
		pt->batch = ops;
	return 0;
}

static void add_phase(struct report *r, const struct jl_obj *o)
{
	struct point *pt = point_of(r, o);

	if (pt)
		pt->n = jl_num(o, "n", 0);
}

static int read_results(struct report *r, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	while (getline(&line, &cap, f) >= 0) {
		struct jl_obj o;

		/* Kernel or console noise on the port is not ours: skip it. */
		if (!jl_parse(line, &o))
			continue;
		if (jl_is(&o, "lubench-dev-batch"))
			ret = add_batch(r, &o);
		else if (jl_is(&o, "lubench-dev-phase"))
			add_phase(r, &o);
		else if (jl_is(&o, "lubench-guest")) {
			copy(r->kernel, sizeof(r->kernel), jl_get(&o, "kernel"));
			copy(r->cpu_model, sizeof(r->cpu_model),
			     jl_get(&o, "cpu_model"));
		} else if (jl_is(&o, "lubench-dev-info")) {
			r->functions = jl_num(&o, "functions", 0);
			r->vfs = jl_num(&o, "vfs", 0);
			r->domains = jl_num(&o, "domains", 0);
			r->enum_ns = jl_num(&o, "enum_ns", 0);
		} else if (jl_is(&o, "lubench-run")) {
			copy(r->accel, sizeof(r->accel), jl_get(&o, "accel"));
			r->wall_ms = jl_num(&o, "wall_ms", 0);
		}
		jl_free(&o);
		if (ret)
			break;
	}
	free(line);
	return ret;
}

static const struct point *linear_of(const struct report *r,
				     const struct point *pt)
{
	unsigned int i;

	for (i = 0; i < r->nr; i++)
		if (!strcmp(r->pt[i].variant, "linear") &&
		    !strcmp(r->pt[i].path, pt->path) &&
		    !strcmp(r->pt[i].op, pt->op))
			return &r->pt[i];
	return NULL;
}

static double median_of(const double *v, size_t n)
{
	struct stats st;

	if (!n || stats_compute(v, n, &st))
		return -1;
	return st.median;
}

static int write_rows(struct report *r, const char *out, const char *run_id)
{
	struct res_writer w;
	unsigned int i;
	int err;

	err = res_open(&w, out, SCHEMA, SCHEMA_VERSION, columns);
	if (err)
		return err;
	for (i = 0; i < r->nr; i++) {
		struct point *pt = &r->pt[i];
		const struct point *lin = linear_of(r, pt);
		double kb = median_of(pt->kbatch, pt->nr_kbatch);
		struct res_row row;

		res_row_reset(&row);
		res_add_str(&row, "run_id", run_id);
		res_add_str(&row, "variant", pt->variant);
		res_add_str(&row, "op", pt->op);
		res_add_str(&row, "path", pt->path);
		res_add_str(&row, "accelerator", r->accel);
		res_add_u64(&row, "n", pt->n);
		res_add_str(&row, "method", "batch");
		res_add_u64(&row, "samples", pt->nr);
		res_add_u64(&row, "ops_per_sample", pt->batch);
		res_add_u64(&row, "ops_per_total", pt->n);
		res_add_f64(&row, "median_ns", pt->st.median);
		res_add_f64(&row, "p99_ns", pt->st.p99);
		res_add_f64(&row, "min_ns", pt->st.min);
		res_add_f64(&row, "max_ns", pt->st.max);
		res_add_f64(&row, "mean_ns", pt->st.mean);
		res_add_f64(&row, "mad_ns", pt->st.mad);
		res_add_f64(&row, "total_ms", pt->st.median * pt->n / 1e6);
		res_add_f64(&row, "kernel_table_ns",
			    median_of(pt->table, pt->nr));
		if (kb >= 0)
			res_add_f64(&row, "kernel_batch_ns", kb);
		else
			res_add_null(&row, "kernel_batch_ns");
		if (lin)
			res_add_f64(&row, "speedup_vs_linear",
				    lin->st.median / pt->st.median);
		else
			res_add_null(&row, "speedup_vs_linear");
		res_add_bool(&row, "extrapolated", false);
		res_add_u64(&row, "checked", pt->ops);
		res_add_f64_array(&row, "samples_ns", pt->user, pt->nr);
		err = res_write(&w, &row);
		if (err)
			break;
	}
	return res_close(&w) ?: err;
}

static int write_meta(const struct report *r, const char *out,
		      const char *run_id)
{
	FILE *f = res_create(out, "meta.json");
	char started[32];
	time_t now = time(NULL);
	struct json j;

	if (!f)
		return -errno;
	strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	json_init(&j, f, true);
	json_obj_begin(&j, NULL);
	json_str(&j, "schema", META_SCHEMA);
	json_u64(&j, "schema_version", SCHEMA_VERSION);
	json_str(&j, "run_id", run_id);
	json_str(&j, "kind", "guest");
	json_str(&j, "written", started);
	json_bool(&j, "complete", true);
	json_str(&j, "accelerator", r->accel);
	json_f64(&j, "guest_wall_ms", r->wall_ms);
	/* The host that ran the emulator, as every result records it. */
	topology_json_host(&j);
	json_obj_begin(&j, "guest");
	json_str(&j, "kernel", r->kernel);
	json_str(&j, "cpu_model", r->cpu_model);
	json_u64(&j, "functions", r->functions);
	json_u64(&j, "vfs", r->vfs);
	json_u64(&j, "domains", r->domains);
	json_f64(&j, "enumeration_ms", r->enum_ns / 1e6);
	json_obj_end(&j);
	json_obj_end(&j);
	fputc('\n', f);
	return fclose(f) ? -errno : 0;
}

static void print_table(const struct report *r, const char *run_id)
{
	unsigned int i;

	printf("lubench bench --guest  run %s  accelerator %s%s\n", run_id,
	       r->accel, strcmp(r->accel, "kvm") ?
	       " (emulator times: compare ratios, not absolutes)" : "");
	printf("guest %s, %llu functions (%llu VFs) in %llu domains, "
	       "enumerated in %.0f ms\n", r->kernel, r->functions, r->vfs,
	       r->domains, r->enum_ns / 1e6);
	printf("ns/op: median over batches as user space sees it; kernel: "
	       "inside the pci_ser call\n\n");
	printf("%-11s %-9s %-12s %6s %10s %10s %10s %9s\n", "op", "variant",
	       "path", "N", "ns/op", "p99", "kernel", "vs linear");
	for (i = 0; i < r->nr; i++) {
		const struct point *pt = &r->pt[i];
		const struct point *lin = linear_of(r, pt);

		printf("%-11s %-9s %-12s %6u %10.0f %10.0f %10.0f", pt->op,
		       pt->variant, pt->path, pt->n, pt->st.median, pt->st.p99,
		       median_of(pt->table, pt->nr));
		if (lin)
			printf(" %8.1fx", lin->st.median / pt->st.median);
		putchar('\n');
	}
}

static int cmp_point(const void *a, const void *b)
{
	const struct point *x = a, *y = b;
	static const char *const order[] = { "preserve", "find-hit",
					      "unpreserve" };
	int c = 0, ix = 0, iy = 0;

	for (c = 0; c < 3; c++) {
		if (!strcmp(x->op, order[c]))
			ix = c;
		if (!strcmp(y->op, order[c]))
			iy = c;
	}
	if (ix != iy)
		return ix - iy;
	c = strcmp(x->path, y->path);
	return c;
}

int main(int argc, char **argv)
{
	static struct report r;
	char run_id[256];
	unsigned int i;
	const char *base;
	FILE *f;
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: lubench-guest-report RESULTS_TXT OUT_DIR\n");
		return 1;
	}
	f = fopen(argv[1], "r");
	if (!f) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	err = read_results(&r, f);
	fclose(f);
	if (err) {
		fprintf(stderr, "%s: %s\n", argv[1], err == -ENOMEM ?
			"out of memory" : "malformed batch line");
		return err == -ENOMEM ? 3 : 1;
	}
	if (!r.nr) {
		fprintf(stderr, "%s: no benchmark batches in the guest's output\n",
			argv[1]);
		return 1;
	}
	for (i = 0; i < r.nr; i++) {
		if (r.pt[i].unexpected) {
			fprintf(stderr, "%s: %s %s via %s: %llu wrong answers\n",
				argv[1], r.pt[i].variant, r.pt[i].op,
				r.pt[i].path, r.pt[i].unexpected);
			return 2;
		}
		if (stats_compute(r.pt[i].user, r.pt[i].nr, &r.pt[i].st))
			return 3;
	}
	/* Stable order: op, then path; variants keep the guest's order. */
	for (i = 1; i < r.nr; i++) {
		struct point t = r.pt[i];
		unsigned int j = i;

		while (j > 0 && cmp_point(&r.pt[j - 1], &t) > 0) {
			r.pt[j] = r.pt[j - 1];
			j--;
		}
		r.pt[j] = t;
	}
	base = strrchr(argv[2], '/');
	copy(run_id, sizeof(run_id), base && base[1] ? base + 1 : argv[2]);
	err = write_rows(&r, argv[2], run_id);
	if (!err)
		err = write_meta(&r, argv[2], run_id);
	if (err) {
		fprintf(stderr, "%s: %s\n", argv[2], strerror(-err));
		return 3;
	}
	print_table(&r, run_id);
	return 0;
}
