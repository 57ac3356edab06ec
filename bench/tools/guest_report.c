// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-guest-report: turn what `lubench-dev bench` printed in the
 * guest (one JSON line per timed batch) into a results directory of the
 * lubench-bench schema, with the `path` and `accelerator` fields, and a
 * table on stdout.
 *
 * usage: lubench-guest-report RESULTS_TXT OUT_DIR
 *        lubench-guest-report --paths   (the paths, one per line)
 * Exit: 0; 1 the guest saw a wrong answer; 2 usage or bad input (a
 * malformed line of ours, FILE:LINE: reason, or no batches at all);
 * 3 system error.  Nothing is written unless the input was good.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guest_report.h"
#include "input.h"
#include "jsonl.h"
#include "results.h"
#include "stats.h"
#include "topology.h"

#define SCHEMA		"lubench-bench"
#define META_SCHEMA	"lubench-bench-meta"
#define SCHEMA_VERSION	1


static const char *const columns[] = {
	"schema", "schema_version", "run_id", "variant", "op", "path",
	"accelerator", "n", "method", "samples", "ops_per_sample",
	"ops_per_total", "median_ns", "p99_ns", "min_ns", "max_ns",
	"mean_ns", "mad_ns", "total_ms", "kernel_table_ns", "kernel_batch_ns",
	"speedup_vs_linear", "extrapolated", "checked", NULL,
};

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* Every line of @path into @r; 0, or the exit status with the reason shown. */
static int read_results(struct gr_report *r, const char *path)
{
	struct lb_lines l;
	char why[256];
	int ret;

	ret = lb_lines_open(&l, path);
	while (!ret && (ret = lb_lines_next(&l)) > 0) {
		ret = gr_read_line(r, l.line, l.len, why, sizeof(why));
		if (ret == -ENOMEM) {
			fprintf(stderr, "%s: out of memory\n", path);
			lb_lines_close(&l);
			return 3;
		}
		if (ret) {
			fprintf(stderr, "%s:%u: %s\n", l.name, l.lineno, why);
			lb_lines_close(&l);
			return 2;
		}
	}
	if (ret < 0)
		fprintf(stderr, "%s\n", l.err);
	lb_lines_close(&l);
	return ret < 0 ? 2 : 0;
}

static const struct gr_point *linear_of(const struct gr_report *r,
				     const struct gr_point *pt)
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

static int write_rows(struct gr_report *r, const char *out, const char *run_id)
{
	struct res_writer w;
	unsigned int i;
	int err;

	err = res_open(&w, out, SCHEMA, SCHEMA_VERSION, columns);
	if (err)
		return err;
	for (i = 0; i < r->nr; i++) {
		struct gr_point *pt = &r->pt[i];
		const struct gr_point *lin = linear_of(r, pt);
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

static int write_meta(const struct gr_report *r, const char *out,
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

static void print_table(const struct gr_report *r, const char *run_id)
{
	unsigned int i;

	printf("lubench bench --guest  run %s  accelerator %s%s\n", run_id,
	       r->accel, strcmp(r->accel, "kvm") ?
	       " (emulator times: compare ratios, not absolutes)" : "");
	printf("guest %s, %llu functions (%llu VFs) in %llu domains, "
	       "enumerated in %.0f ms\n", r->kernel,
	       (unsigned long long)r->functions, (unsigned long long)r->vfs,
	       (unsigned long long)r->domains, r->enum_ns / 1e6);
	printf("ns/op: median over batches as user space sees it; kernel: "
	       "inside the pci_ser call\n\n");
	printf("%-11s %-9s %-12s %6s %10s %10s %10s %9s\n", "op", "variant",
	       "path", "N", "ns/op", "p99", "kernel", "vs linear");
	for (i = 0; i < r->nr; i++) {
		const struct gr_point *pt = &r->pt[i];
		const struct gr_point *lin = linear_of(r, pt);

		printf("%-11s %-9s %-12s %6llu %10.0f %10.0f %10.0f", pt->op,
		       pt->variant, pt->path, (unsigned long long)pt->n,
		       pt->st.median, pt->st.p99,
		       median_of(pt->table, pt->nr));
		if (lin)
			printf(" %8.1fx", lin->st.median / pt->st.median);
		putchar('\n');
	}
}

static int cmp_point(const struct gr_point *x, const struct gr_point *y)
{
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

/* Stable order: op, then path; variants keep the guest's order. */
static void sort_points(struct gr_report *r)
{
	unsigned int i, j;

	for (i = 1; i < r->nr; i++) {
		struct gr_point t = r->pt[i];

		for (j = i; j > 0 && cmp_point(&r->pt[j - 1], &t) > 0; j--)
			r->pt[j] = r->pt[j - 1];
		r->pt[j] = t;
	}
}

int main(int argc, char **argv)
{
	static struct gr_report r;
	char run_id[256];
	unsigned int i;
	const char *base;
	int err;

	if (argc == 2 && !strcmp(argv[1], "--paths")) {
		for (i = 0; gr_paths[i]; i++)
			printf("%s\n", gr_paths[i]);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: lubench-guest-report RESULTS_TXT OUT_DIR\n"
			"       lubench-guest-report --paths\n");
		return 2;
	}
	err = read_results(&r, argv[1]);
	if (err)
		return err;
	if (!r.nr) {
		fprintf(stderr, "%s: no benchmark batches in the guest's output\n",
			argv[1]);
		return 2;
	}
	for (i = 0; i < r.nr; i++) {
		if (!r.pt[i].nr) {
			fprintf(stderr, "%s: %s %s via %s: a phase with no batches\n",
				argv[1], r.pt[i].variant, r.pt[i].op,
				r.pt[i].path);
			return 2;
		}
		if (r.pt[i].unexpected) {
			fprintf(stderr, "%s: %s %s via %s: %llu wrong answers\n",
				argv[1], r.pt[i].variant, r.pt[i].op,
				r.pt[i].path,
				(unsigned long long)r.pt[i].unexpected);
			return 1;
		}
		if (stats_compute(r.pt[i].user, r.pt[i].nr, &r.pt[i].st))
			return 3;
	}
	sort_points(&r);
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
	gr_free(&r);
	return 0;
}
