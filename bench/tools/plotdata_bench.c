// SPDX-License-Identifier: GPL-2.0
/*
 * The figures of a `lubench bench` run: ns per op against N for every op
 * in the rows (log-log, one line per layout, bars from min to p99, marks
 * where each table outgrows L1d, L2 and L3), the restore total, and the
 * speedup over linear.  The ops and layouts are the rows' own.  A
 * `lubench count` run gets the same figures in instructions, as a series
 * of their own (instr-per-op-*, restore-instr, speedup-instr-*): exact
 * counts have no spread to draw.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "input.h"
#include "plotdata.h"

#define PB_MAX_NAMES	32
#define PB_MAX_SIZES	64
#define PB_MAX_ROWS	(PB_MAX_NAMES * PB_MAX_NAMES * PB_MAX_SIZES)

struct pb_row {
	unsigned int op, variant;	/* indices into the name lists */
	uint64_t n, bytes;
	double median, min, p99, total, speedup;	/* speedup: NAN if null */
};

struct pb {
	struct pb_row *r;
	unsigned int nr, alloc;
	char op[PB_MAX_NAMES][RD_NAME_LEN], variant[PB_MAX_NAMES][RD_NAME_LEN];
	unsigned int nr_op, nr_variant;
	uint64_t size[PB_MAX_SIZES];
	unsigned int nr_size;
	bool counted;		/* lubench-count rows: instructions */
	/* from meta.json */
	const char *run_id, *cpu;
	uint64_t share, cache[3];
};

static bool add_size(struct pb *b, uint64_t n)
{
	unsigned int i;

	for (i = 0; i < b->nr_size; i++)
		if (b->size[i] == n)
			return true;
	if (b->nr_size == PB_MAX_SIZES)
		return false;
	b->size[b->nr_size++] = n;
	return true;
}

/* A time or a ratio: finite, in [@min, 1e15]; @null_ok: null is NAN. */
static bool get_num(struct rdir *p, const struct jl_obj *o, const char *where,
		    const char *key, double min, bool null_ok, double *out)
{
	return rd_row_f64(p, o, where, key, min, 1e15, null_ok,
			  "a finite number", out);
}

static bool bench_row(struct rdir *p, const struct jl_obj *o, const char *where,
		      void *arg)
{
	char op[RD_NAME_LEN], variant[RD_NAME_LEN], why[200];
	struct pb *b = arg;
	struct pb_row r;
	int io, iv;
	unsigned int i;

	if (jl_need_name(o, "op", op, sizeof(op), why, sizeof(why)) ||
	    jl_need_name(o, "variant", variant, sizeof(variant), why,
			 sizeof(why)) ||
	    jl_need_u64(o, "n", UINT32_MAX, &r.n, why, sizeof(why)) ||
	    jl_need_u64(o, "table_bytes", UINT64_MAX >> 1, &r.bytes, why,
			sizeof(why))) {
		rd_fail(p, "%s: %s", where, why);
		return false;
	}
	if (b->counted) {
		if (!get_num(p, o, where, "instructions_per_op", 0, false,
			     &r.median) ||
		    !get_num(p, o, where, "instructions_per_total", 0, false,
			     &r.total) ||
		    !get_num(p, o, where, "speedup_vs_linear", 0, true,
			     &r.speedup))
			return false;
		r.min = r.p99 = r.median;
	} else if (!get_num(p, o, where, "median_ns", 0, false, &r.median) ||
		   !get_num(p, o, where, "min_ns", 0, false, &r.min) ||
		   !get_num(p, o, where, "p99_ns", 0, false, &r.p99) ||
		   !get_num(p, o, where, "total_ms", 0, false, &r.total) ||
		   !get_num(p, o, where, "speedup_vs_linear", 0, true,
			    &r.speedup)) {
		return false;
	}
	io = rd_name_index(b->op, &b->nr_op, PB_MAX_NAMES, op);
	iv = rd_name_index(b->variant, &b->nr_variant, PB_MAX_NAMES, variant);
	if (io < 0 || iv < 0 || !r.n || !add_size(b, r.n)) {
		rd_fail(p, "%s: more than %d ops, layouts or sizes, or N = 0",
			where, PB_MAX_NAMES);
		return false;
	}
	r.op = io;
	r.variant = iv;
	for (i = 0; i < b->nr; i++)
		if (b->r[i].op == r.op && b->r[i].variant == r.variant &&
		    b->r[i].n == r.n) {
			rd_fail(p, "%s: a second row for %s %s n=%llu", where,
				op, variant, (unsigned long long)r.n);
			return false;
		}
	if (b->nr == b->alloc) {
		b->alloc = b->alloc ? 2 * b->alloc : 256;
		b->r = realloc(b->r, b->alloc * sizeof(*b->r));
		if (!b->r) {
			rd_fail(p, "out of memory");
			return false;
		}
	}
	b->r[b->nr++] = r;
	return true;
}

static int cmp_row(const void *a, const void *b)
{
	const struct pb_row *x = a, *y = b;

	if (x->op != y->op)
		return x->op < y->op ? -1 : 1;
	if (x->variant != y->variant)
		return x->variant < y->variant ? -1 : 1;
	return x->n < y->n ? -1 : x->n > y->n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* One file per (op, variant): N median min p99 total speedup bytes. */
static bool write_data(struct rdir *p, const struct pb *b)
{
	char name[2 * RD_NAME_LEN + 8];
	unsigned int i, j;
	FILE *f;

	for (i = 0; i < b->nr; i = j) {
		const struct pb_row *r = &b->r[i];

		snprintf(name, sizeof(name), "%s__%s.dat", b->op[r->op],
			 b->variant[r->variant]);
		f = pd_file(p, name);
		if (!f)
			return false;
		for (j = i; j < b->nr && b->r[j].op == r->op &&
		     b->r[j].variant == r->variant; j++) {
			fprintf(f, "%llu %.9g %.9g %.9g %.9g ",
				(unsigned long long)b->r[j].n, b->r[j].median,
				b->r[j].min, b->r[j].p99, b->r[j].total);
			if (isnan(b->r[j].speedup))
				fputs("NaN", f);
			else
				fprintf(f, "%.9g", b->r[j].speedup);
			fprintf(f, " %llu\n", (unsigned long long)b->r[j].bytes);
		}
		if (!pd_close(p, f, name))
			return false;
	}
	return true;
}

static void size_label(FILE *f, uint64_t n)
{
	if (n >= (1 << 20) && !(n % (1 << 20)))
		fprintf(f, "\"%lluM\"", (unsigned long long)(n >> 20));
	else if (n >= 1024 && !(n % 1024))
		fprintf(f, "\"%lluk\"", (unsigned long long)(n >> 10));
	else
		fprintf(f, "\"%llu\"", (unsigned long long)n);
}

static void axes(FILE *f, const struct pb *b)
{
	unsigned int i;

	fprintf(f, "set logscale x 2\nset xrange [%g:%g]\nset xtics (",
		b->size[0] / 1.3, b->size[b->nr_size - 1] * 1.3);
	for (i = 0; i < b->nr_size; i++) {
		fputs(i ? ", " : "", f);
		size_label(f, b->size[i]);
		fprintf(f, " %llu", (unsigned long long)b->size[i]);
	}
	fprintf(f, ")\nset mxtics default\n"
		"set grid xtics ytics mytics lc rgb \"#d8d8d8\"\n"
		"set key outside right top box opaque\n"
		"set xlabel \"preserved devices N (log scale; %llu%% of the "
		"enumerated devices)\"\nset tmargin 4\n",
		(unsigned long long)b->share);
}

/*
 * Where layout @v's table reaches each cache: interpolated in log-log
 * between the measured N, from its rows' table_bytes.
 */
static void cache_marks(FILE *f, const struct pb *b, unsigned int v)
{
	uint64_t n[PB_MAX_SIZES], by[PB_MAX_SIZES];
	unsigned int i, k = 0, lv, op = b->nr_op;

	/* The table is the same whatever the op: the first op's rows. */
	for (i = 0; i < b->nr && op == b->nr_op; i++)
		if (b->r[i].variant == v)
			op = b->r[i].op;
	for (i = 0; i < b->nr && k < PB_MAX_SIZES; i++)
		if (b->r[i].variant == v && b->r[i].op == op) {
			n[k] = b->r[i].n;
			by[k++] = b->r[i].bytes;
		}
	for (lv = 0; lv < 3; lv++) {
		double s = b->cache[lv], slope, x;

		for (i = 1; s > 0 && i < k; i++) {
			if (!(by[i - 1] < s && by[i] >= s) || !by[i - 1])
				continue;
			slope = (log(n[i]) - log(n[i - 1])) /
				(log(by[i]) - log(by[i - 1]));
			x = exp(log(n[i - 1]) + (log(s) - log(by[i - 1])) * slope);
			fprintf(f, "set arrow from %g, graph 0 to %g, graph 1 "
				"nohead dt 2 lw 1 lc rgb \"%s\" back\n", x, x,
				pd_colour(v));
			fprintf(f, "set label \"L%u\" at %g, graph %.3f center "
				"tc rgb \"%s\" font \",9\" front\n", lv + 1, x,
				1.0 - 0.03 * (v + 1), pd_colour(v));
			break;
		}
	}
}

/* Whether layout @v has rows for @op. */
static bool has(const struct pb *b, unsigned int op, unsigned int v)
{
	unsigned int i;

	for (i = 0; i < b->nr; i++)
		if (b->r[i].op == op && b->r[i].variant == v)
			return true;
	return false;
}

/* plot of column @using of every layout's file for @op. */
static void plot_lines(FILE *f, const struct pb *b, unsigned int op,
		       const char *using, const char *style)
{
	const char *sep = "plot";
	unsigned int v;

	for (v = 0; v < b->nr_variant; v++) {
		if (!has(b, op, v))
			continue;
		fprintf(f, "%s \"%s__%s.dat\" using %s with %s lw 2 pt %u ps 1.1 "
			"lc rgb \"%s\" title \"", sep, b->op[op], b->variant[v],
			using, style, v % 13 + 1, pd_colour(v));
		gp_esc(f, b->variant[v]);
		fputs("\"", f);
		sep = ", \\\n    ";
	}
	fputs("\n", f);
}

/* The second title line: the run, the machine, the cache sizes. */
static void subtitle(FILE *f, const struct pb *b, bool caches)
{
	char sz[3][32];
	unsigned int i;

	fputs("\\n{/*0.8 run ", f);
	gp_esc(f, b->run_id);
	fputs(", ", f);
	gp_esc(f, b->cpu);
	for (i = 0; i < 3; i++)
		if (b->cache[i])
			lb_size_str(sz[i], sizeof(sz[i]), b->cache[i]);
		else
			strcpy(sz[i], "?");
	if (caches)
		fprintf(f, "; dashed: where each table's bytes reach L1d %s, "
			"L2 %s, L3 %s", sz[0], sz[1], sz[2]);
	fputs("}\"\n", f);
}

static void ylabel(FILE *f, const char *op, bool counted)
{
	const char *what = bench_op_what(op);

	fputs(counted ? "set ylabel \"instructions per " : "set ylabel \"ns per ", f);
	if (!what) {
		gp_esc(f, op);
	} else {
		/* --help's text, its line breaks and indents as one space. */
		fputs("op: ", f);
		for (; *what; what++) {
			bool blank = *what == ' ' || *what == '\n';

			if (!blank)
				fputc(*what, f);
			else if (what[1] != ' ' && what[1] != '\n')
				fputc(' ', f);
		}
	}
	fputs("\"\n", f);
}

/* One figure: the axes and marks, then what @kind draws of @op. */
static bool figure(struct rdir *p, const struct pb *b, const char *name,
		   unsigned int op, int kind)
{
	FILE *f = pd_figure(p, name);
	unsigned int v;

	if (!f)
		return false;
	axes(f, b);
	for (v = 0; kind != 2 && v < b->nr_variant; v++)
		cache_marks(f, b, v);
	fputs("set logscale y 10\n", f);
	fprintf(f, "set format y '%s'\n", kind == 2 ? "%gx" : "%g");
	if (kind == 0 && b->counted) {
		ylabel(f, b->op[op], true);
		fprintf(f, "set title \"%s: instructions per op (exact, "
			"callgrind)", b->op[op]);
		subtitle(f, b, true);
		plot_lines(f, b, op, "1:2", "linespoints");
	} else if (kind == 0) {
		ylabel(f, b->op[op], false);
		fprintf(f, "set title \"%s: ns per op (median; bars: min to p99)",
			b->op[op]);
		subtitle(f, b, true);
		plot_lines(f, b, op, "1:2:3:4", "yerrorlines");
	} else if (kind == 1) {
		fprintf(f, "set ylabel \"restore total, %s (retrieve + a lookup "
			"per enumerated device)\"\n",
			b->counted ? "instructions" : "ms");
		fprintf(f, "set title \"restore: whole incoming side, %s",
			b->counted ? "instructions (exact)" : "median");
		subtitle(f, b, true);
		plot_lines(f, b, op, "1:5", "linespoints");
	} else {
		fprintf(f, "set ylabel \"speedup over linear (linear %s / "
			"variant %s)\"\n", b->counted ? "count" : "median",
			b->counted ? "count" : "median");
		fprintf(f, "set title \"%s: speedup over linear", b->op[op]);
		subtitle(f, b, false);
		fputs("set arrow from graph 0, first 1 to graph 1, first 1 "
		      "nohead lw 1 lc rgb '#808080'\n", f);
		plot_lines(f, b, op, "1:6", "linespoints");
	}
	return pd_close(p, f, name);
}

static bool read_bench_meta(struct rdir *p, struct pb *b)
{
	static const char *const cache[] = {
		"machine.l1d_bytes", "machine.l2_bytes", "machine.l3_bytes",
	};
	unsigned int i;

	if (!rd_meta_str(p, "run_id", &b->run_id) ||
	    !rd_meta_str(p, "machine.cpu_model", &b->cpu) ||
	    !rd_meta_u64(p, "share_pct", 100, &b->share))
		return false;
	for (i = 0; i < 3; i++)
		if (!rd_meta_u64(p, cache[i], UINT64_MAX >> 1, &b->cache[i]))
			return false;
	return true;
}

int pd_bench(struct rdir *p, bool counted)
{
	static struct pb b;
	const char *unit = counted ? "instr-per-op" : "ns-per-op";
	char name[RD_NAME_LEN + 16];
	unsigned int op;
	int linear = -1, restore = -1;
	bool ok;

	b.counted = counted;
	if (!read_bench_meta(p, &b) ||
	    !rd_read_rows(p, counted ? "lubench-count" : "lubench-bench",
			  bench_row, &b))
		return p->err;
	if (!b.nr) {
		rd_fail(p, "%s/results.jsonl: no rows to draw", p->run);
		return p->err;
	}
	qsort(b.r, b.nr, sizeof(*b.r), cmp_row);
	qsort(b.size, b.nr_size, sizeof(*b.size), cmp_u64);
	for (op = 0; op < b.nr_variant; op++)
		if (!strcmp(b.variant[op], "linear"))
			linear = op;
	for (op = 0; op < b.nr_op; op++)
		if (!strcmp(b.op[op], "restore"))
			restore = op;
	ok = write_data(p, &b);
	for (op = 0; ok && op < b.nr_op; op++) {
		snprintf(name, sizeof(name), "%s-%s", unit, b.op[op]);
		ok = figure(p, &b, name, op, 0);
	}
	if (ok && restore >= 0)
		ok = figure(p, &b, counted ? "restore-instr" : "restore-total",
			    restore, 1);
	for (op = 0; ok && linear >= 0 && op < b.nr_op; op++) {
		snprintf(name, sizeof(name), "%s-%s",
			 counted ? "speedup-instr" : "speedup", b.op[op]);
		ok = figure(p, &b, name, op, 2);
	}
	free(b.r);
	return ok ? 0 : p->err;
}
