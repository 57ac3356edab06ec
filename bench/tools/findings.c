// SPDX-License-Identifier: GPL-2.0
/*
 * The findings section (findings.h): the answers to the review, each
 * computed here from one run's rows of one clock.  The layouts are found
 * by what the rows say they are: the newest revision is the layout whose
 * `rules` are kho-blocks, v2 is the layout named v2.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "resultdir.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

enum fd_clock { FD_WALL, FD_COUNT, FD_NR_CLOCKS };

/* One row, as much of it as the findings use. */
struct fd_row {
	char variant[RD_NAME_LEN], rules[RD_NAME_LEN], op[RD_NAME_LEN];
	char method[RD_NAME_LEN];
	uint64_t n, entries, enumerated, capacity, share_pct, level;
	/* wall: ns per op, ms per total; count: instructions for both. */
	double per_op, per_total, overhead, retrieve, lookup;
	uint64_t alias16, alias16_false_hits;
	bool has_alias, has_rules, has_parts;
};

struct fd_set {
	enum fd_clock clock;
	struct fd_row *row;
	size_t nr, max;
	/* Layout names in the order of their first row. */
	char variant[32][RD_NAME_LEN];
	unsigned int nr_variant;
};

static const char *const fd_clock_name[FD_NR_CLOCKS] = {
	[FD_WALL]	= "wall clock",
	[FD_COUNT]	= "counted instructions",
};

/* ---- reading ---- */

static bool fd_name(struct rdir *d, const struct jl_obj *o, const char *where,
		    const char *key, char *dst, bool need)
{
	char why[200];

	if (!need && !jl_has(o, key)) {
		dst[0] = '\0';
		return true;
	}
	if (jl_need_name(o, key, dst, RD_NAME_LEN, why, sizeof(why))) {
		rd_fail(d, "%s: %s", where, why);
		return false;
	}
	return true;
}

static bool fd_u64(struct rdir *d, const struct jl_obj *o, const char *where,
		   const char *key, uint64_t *out, bool need)
{
	char why[200];

	if (!need && !jl_get(o, key)) {
		*out = 0;
		return true;
	}
	if (jl_need_u64(o, key, UINT32_MAX, out, why, sizeof(why))) {
		rd_fail(d, "%s: %s", where, why);
		return false;
	}
	return true;
}

static bool fd_num(struct rdir *d, const struct jl_obj *o, const char *where,
		   const char *key, double *out)
{
	return rd_row_f64(d, o, where, key, 0, 1e18, true, "a finite number",
			  out);
}

static bool fd_row_cb(struct rdir *d, const struct jl_obj *o,
		      const char *where, void *arg)
{
	struct fd_set *s = arg;
	bool wall = s->clock == FD_WALL;
	struct fd_row r = { }, *grown;
	uint64_t x = 0;

	if (!fd_name(d, o, where, "variant", r.variant, true) ||
	    !fd_name(d, o, where, "op", r.op, true) ||
	    !fd_name(d, o, where, "method", r.method, true) ||
	    !fd_name(d, o, where, "rules", r.rules, false) ||
	    !fd_u64(d, o, where, "n", &r.n, true) ||
	    !fd_u64(d, o, where, "enumerated", &r.enumerated, true) ||
	    !fd_u64(d, o, where, "capacity", &r.capacity, true) ||
	    !fd_u64(d, o, where, "share_pct", &r.share_pct, true) ||
	    !fd_u64(d, o, where, "entries", &r.entries, false) ||
	    !fd_u64(d, o, where, "level_min", &r.level, false) ||
	    !fd_num(d, o, where, wall ? "median_ns" : "instructions_per_op",
		    &r.per_op) ||
	    !fd_num(d, o, where, wall ? "total_ms" : "instructions_per_total",
		    &r.per_total) ||
	    !fd_num(d, o, where, wall ? "overhead_ns" :
		    "overhead_instructions_per_op", &r.overhead) ||
	    !fd_num(d, o, where, wall ? "retrieve_ms" : "retrieve_instructions",
		    &r.retrieve) ||
	    !fd_num(d, o, where, wall ? "lookup_ns" : "lookup_instructions",
		    &r.lookup))
		return false;
	if (isnan(r.per_op) || isnan(r.per_total)) {
		rd_fail(d, "%s: no %s", where, wall ? "median_ns or total_ms" :
			"instructions_per_op or instructions_per_total");
		return false;
	}
	r.has_rules = r.rules[0];
	if (!jl_get(o, "entries"))
		r.entries = r.n;
	r.has_parts = !isnan(r.retrieve) && !isnan(r.lookup);
	r.has_alias = jl_get(o, "alias16") != NULL;
	if (r.has_alias &&
	    (!fd_u64(d, o, where, "alias16", &r.alias16, true) ||
	     !fd_u64(d, o, where, "alias16_false_hits", &x, true)))
		return false;
	r.alias16_false_hits = x;
	if (rd_name_index(s->variant, &s->nr_variant, 32, r.variant) < 0) {
		rd_fail(d, "%s: more than 32 layouts", where);
		return false;
	}
	if (s->nr == s->max) {
		s->max = s->max ? 2 * s->max : 256;
		grown = realloc(s->row, s->max * sizeof(*s->row));
		if (!grown) {
			rd_fail(d, "out of memory");
			return false;
		}
		s->row = grown;
	}
	s->row[s->nr++] = r;
	return true;
}

/* The rows of @dir (if it has any) into @s; false on a bad row. */
static bool fd_read(struct fd_set *s, const char *prog, const char *dir,
		    enum fd_clock clock, int *err)
{
	char path[PATH_MAX];
	struct rdir d = { .prog = prog, .run = dir };
	FILE *f;

	s->clock = clock;
	if (!dir)
		return true;
	snprintf(path, sizeof(path), "%s/results.jsonl", dir);
	f = fopen(path, "r");
	if (!f)
		return true;
	fclose(f);
	if (!rd_read_rows(&d, clock == FD_WALL ? "lubench-bench" :
			  "lubench-count", fd_row_cb, s)) {
		*err = d.err ? d.err : 2;
		return false;
	}
	return true;
}

/* ---- looking rows up ---- */

static const struct fd_row *fd_get(const struct fd_set *s, const char *variant,
				   const char *op, uint64_t n)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (s->row[i].n == n && !strcmp(s->row[i].op, op) &&
		    !strcmp(s->row[i].variant, variant))
			return &s->row[i];
	return NULL;
}

/* The largest N with an @op row (of @variant, if not NULL); 0 if none. */
static uint64_t fd_max_n(const struct fd_set *s, const char *op,
			 const char *variant)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->row[i].op, op) &&
		    (!variant || !strcmp(s->row[i].variant, variant)) &&
		    s->row[i].n > n)
			n = s->row[i].n;
	return n;
}

static uint64_t fd_min_n(const struct fd_set *s, const char *op,
			 const char *variant)
{
	uint64_t n = UINT64_MAX;
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->row[i].op, op) &&
		    !strcmp(s->row[i].variant, variant) && s->row[i].n < n)
			n = s->row[i].n;
	return n == UINT64_MAX ? 0 : n;
}

/* The first layout whose rows say it follows @rules. */
static const char *fd_by_rules(const struct fd_set *s, const char *rules)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->row[i].rules, rules))
			return s->row[i].variant;
	return NULL;
}

/* The newest revision: the layout of the kho-blocks rules. */
static const char *fd_newest(const struct fd_set *s)
{
	return fd_by_rules(s, "kho-blocks");
}

/* ---- the fit ---- */

bool fd_fit_power(const double *n, const double *t, unsigned int nr,
		  struct fd_fit *fit)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0, n4 = 0, tn2 = 0;
	double x, y, a, ss_res = 0, ss_tot, my;
	unsigned int i;

	memset(fit, 0, sizeof(*fit));
	if (nr < 2)
		return false;
	for (i = 0; i < nr; i++) {
		if (!(n[i] > 0) || !(t[i] > 0))
			return false;
		x = log(n[i]);
		y = log(t[i]);
		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
		syy += y * y;
		n4 += n[i] * n[i] * n[i] * n[i];
		tn2 += t[i] * n[i] * n[i];
	}
	if (nr * sxx - sx * sx <= 0)
		return false;
	fit->nr = nr;
	fit->k = (nr * sxy - sx * sy) / (nr * sxx - sx * sx);
	a = (sy - fit->k * sx) / nr;
	my = sy / nr;
	ss_tot = syy - nr * my * my;
	for (i = 0; i < nr; i++) {
		double e = log(t[i]) - (a + fit->k * log(n[i]));

		ss_res += e * e;
	}
	fit->r2 = ss_tot > 0 ? 1 - ss_res / ss_tot : 1;
	fit->c = tn2 / n4;
	return true;
}

/* ---- printing ---- */

/*
 * One finding's lines: the first starts with its letter, the others are
 * indented; lines are wrapped at @cols.
 */

struct fd_out {
	FILE *f;
	char tag;	/* the finding's letter until its first line */
	int col;	/* 0: no line open */
	int lines;
	int cols;	/* the width lines are wrapped at */
};

/* Put one word (or an atomic item) on the current line, or on a new one. */
static void fd_word(struct fd_out *o, bool newline, const char *w, int len)
{
	if (newline || !o->col || o->col + 1 + len > o->cols) {
		if (o->col)
			fputc('\n', o->f);
		if (o->tag)
			o->col = fprintf(o->f, "%c ", o->tag);
		else
			o->col = fprintf(o->f, "%s", newline ? "  " : "    ");
		o->tag = 0;
		o->lines++;
	} else if (w[0] != ';' && w[0] != ',') {
		fputc(' ', o->f);
		o->col++;
	}
	fwrite(w, 1, len, o->f);
	o->col += len;
}

/* Text, wrapped between words; an @atomic item is never broken. */
static void fd_put(struct fd_out *o, bool newline, bool atomic,
		   const char *fmt, va_list ap)
{
	char buf[512];
	const char *w, *end;
	int len = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (atomic) {
		fd_word(o, newline, buf, len);
		return;
	}
	for (w = buf; *w; w = end) {
		while (*w == ' ')
			w++;
		if (!*w)
			break;
		end = strchr(w, ' ');
		if (!end)
			end = w + strlen(w);
		fd_word(o, newline, w, (int)(end - w));
		newline = false;
	}
}

/* Start a line with this text. */
static void fd_line(struct fd_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fd_line(struct fd_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fd_put(o, true, false, fmt, ap);
	va_end(ap);
}

/* Words added to the line, wrapped as needed. */
static void fd_text(struct fd_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fd_text(struct fd_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fd_put(o, false, false, fmt, ap);
	va_end(ap);
}

/* Add an item to the line, or to a new one when it does not fit. */
static void fd_item(struct fd_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fd_item(struct fd_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fd_put(o, false, true, fmt, ap);
	va_end(ap);
}

static void fd_done(struct fd_out *o)
{
	if (o->col)
		fputc('\n', o->f);
	o->col = 0;
}

/* ns, ms and instructions: 3 significant digits are plenty. */
static const char *fd_fmt(char *buf, size_t len, double v)
{
	if (v >= 100 || v == 0)
		snprintf(buf, len, "%.0f", v);
	else if (v >= 10)
		snprintf(buf, len, "%.1f", v);
	else if (v >= 0.01)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "%.2g", v);
	return buf;
}

#define F(v)	fd_fmt((char[32]){ 0 }, 32, (v))

/* Instructions are shown as they are, wall totals in ms, per op in ns. */
static const char *fd_unit(const struct fd_set *s, bool total)
{
	if (s->clock == FD_COUNT)
		return total ? "thousand instructions" : "instructions";
	return total ? "ms" : "ns";
}

/* A per-total value in its unit: ms, or thousands of instructions. */
static double fd_total(const struct fd_set *s, double v)
{
	return s->clock == FD_COUNT ? v / 1e3 : v;
}

/* (a) the duplicate check: preserve-dup per layout at the largest N. */
static void fd_dup(struct fd_out *o, const struct fd_set *s)
{
	uint64_t n = fd_max_n(s, "preserve-dup", NULL);
	double floor = INFINITY;
	unsigned int v;

	if (!n)
		return;
	fd_line(o, "[%s] preserve of a held device, found by search, N=%llu, "
		"%s:", fd_clock_name[s->clock], (unsigned long long)n,
		fd_unit(s, false));
	for (v = 0; v < s->nr_variant; v++) {
		const struct fd_row *r = fd_get(s, s->variant[v],
						"preserve-dup", n);

		if (!r)
			continue;
		fd_item(o, "%s %s", r->variant, F(r->per_op));
		floor = fmin(floor, r->overhead);
	}
	fd_text(o, "; a per-device flag: one load (the empty call: %s)",
		F(floor));
}

/* (b) v2's headroom for hot-plug: its capacity less its entries. */
static void fd_headroom(struct fd_out *o, const struct fd_set *s)
{
	const struct fd_row *r = NULL;
	uint64_t n = 0;
	size_t i;

	for (i = 0; s->clock == FD_WALL && i < s->nr; i++)
		if (!strcmp(s->row[i].variant, "v2") && s->row[i].n > n)
			n = s->row[i].n;
	for (i = 0; n && i < s->nr && !r; i++)
		if (!strcmp(s->row[i].variant, "v2") && s->row[i].n == n)
			r = &s->row[i];
	if (r)
		fd_line(o, "[devices] v2 sizes its table at the first preserve: "
			"capacity %llu at N=%llu (share %llu%%), so %llu "
			"hot-plugged devices fit before -ENOSPC (0 at share "
			"100%%)", (unsigned long long)r->capacity,
			(unsigned long long)r->n,
			(unsigned long long)r->share_pct,
			(unsigned long long)(r->capacity - r->entries));
}

/* (b) what the newest pays instead: the preserve that adds a block. */
static void fd_growth(struct fd_out *o, const struct fd_set *s)
{
	const char *nw = fd_newest(s);
	const struct fd_row *g = NULL, *p = NULL;
	size_t i;

	for (i = 0; nw && i < s->nr && !g; i++)
		if (!strcmp(s->row[i].variant, nw) &&
		    !strcmp(s->row[i].op, "grow") &&
		    !strcmp(s->row[i].method, "block"))
			g = &s->row[i];
	if (!g)
		return;
	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->row[i].variant, nw) &&
		    !strcmp(s->row[i].op, "preserve") &&
		    s->row[i].n > g->level && (!p || s->row[i].n < p->n))
			p = &s->row[i];
	fd_line(o, "[%s] %s has no such limit; the preserve that adds a block "
		"(after %llu devices) costs %s", fd_clock_name[s->clock], nw,
		(unsigned long long)g->level, F(g->per_op));
	if (p)
		fd_text(o, "%s, a preserve at N=%llu %s", fd_unit(s, false),
			(unsigned long long)p->n, F(p->per_op));
	fd_text(o, "%s", fd_unit(s, false));
}

/* A fit needs three sizes, from where the scan dominates the fill. */
#define FD_FIT_FROM	256
#define FD_FIT_MIN	3

/* (c) the free-slot scan: fill totals of the newest, their fit, a free list. */
static void fd_scan_any(struct fd_out *o, const struct fd_set *s, bool brief)
{
	const char *nw = fd_newest(s);
	const struct fd_row *r, *small;
	double n[64], t[64];
	unsigned int nr = 0;
	struct fd_fit fit;
	uint64_t lo, hi;
	size_t i;

	if (!nw || !(hi = fd_max_n(s, "fill", nw)))
		return;
	fd_line(o, "[%s] %s, N devices preserved into an empty table, %s:",
		fd_clock_name[s->clock], nw, fd_unit(s, true));
	for (i = 0; i < s->nr; i++) {
		r = &s->row[i];
		if (strcmp(r->variant, nw) || strcmp(r->op, "fill") ||
		    r->n < FD_FIT_FROM || nr == 64)
			continue;
		n[nr] = r->n;
		t[nr++] = fd_total(s, r->per_total);
		fd_item(o, "%llu: %s", (unsigned long long)r->n, F(t[nr - 1]));
	}
	if (nr >= FD_FIT_MIN && fd_fit_power(n, t, nr, &fit))
		(brief ? fd_text : fd_line)(o, "%slog-log fit over N >= %d (%u sizes): N^%.2f, "
			"R^2 %.4f; as a*N^2, a = %.3g %s", brief ? "; " : "", FD_FIT_FROM, fit.nr,
			fit.k, fit.r2, s->clock == FD_COUNT ? fit.c * 1e3 :
			fit.c * 1e6, fd_unit(s, false));
	else
		(brief ? fd_text : fd_line)(o, "%sno fit: it needs %d sizes N >= %d",
					      brief ? "; " : "", FD_FIT_MIN, FD_FIT_FROM);
	if (brief)
		return;
	lo = fd_min_n(s, "fill", nw);
	small = fd_get(s, nw, "fill", lo);
	r = fd_get(s, nw, "fill", hi);
	if (small && r && lo < hi)
		fd_line(o, "a free list instead (computed: N x the fill's %s "
			"per device at N=%llu): N=%llu in %s instead of %s %s",
			fd_unit(s, false), (unsigned long long)lo,
			(unsigned long long)hi,
			F(fd_total(s, small->per_op * hi /
				   (s->clock == FD_COUNT ? 1 : 1e6))),
			F(fd_total(s, r->per_total)), fd_unit(s, true));
}

/* (d) restore: an index built at retrieve against a lookup in place. */
static void fd_restore(struct fd_out *o, const struct fd_set *s)
{
	static const char *const names[] = {
		"v6", "kho-blocks", "xarray", "hashed", "v2",
	};
	uint64_t n = fd_max_n(s, "restore", NULL);
	double scale = s->clock == FD_COUNT ? 1e3 : 1e6;
	unsigned int i;

	if (!n)
		return;
	fd_line(o, "[%s] restore at N=%llu, retrieve + lookups, %s; built at "
		"retrieve:", fd_clock_name[s->clock], (unsigned long long)n,
		fd_unit(s, true));
	for (i = 0; i < ARRAY_LEN(names); i++) {
		const struct fd_row *r = fd_get(s, names[i], "restore", n);
		double ret, look;

		if (i == 3)
			fd_text(o, "; in place:");
		if (!r || !r->has_parts)
			continue;
		ret = s->clock == FD_COUNT ? r->retrieve / 1e3 : r->retrieve;
		look = r->lookup * r->enumerated / scale;
		fd_item(o, "%s %s + %s", names[i], F(ret), F(look));
	}
}

/* (e) what a 16-bit domain aliases, at the largest N. */
static void fd_alias(struct fd_out *o, const struct fd_set *s)
{
	const struct fd_row *r = NULL;
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (s->row[i].has_alias && (!r || s->row[i].n > r->n))
			r = &s->row[i];
	if (!r)
		return;
	fd_line(o, "[devices] cut to 16 bits, the domain aliases %llu of the "
		"%llu devices enumerated at N=%llu (VMD domains 0x10000+ on "
		"segments); %llu not preserved would be found as preserved",
		(unsigned long long)r->alias16,
		(unsigned long long)r->enumerated, (unsigned long long)r->n,
		(unsigned long long)r->alias16_false_hits);
}

static void fd_scan(struct fd_out *o, const struct fd_set *s)
{
	fd_scan_any(o, s, false);
}

static void fd_scan_brief(struct fd_out *o, const struct fd_set *s)
{
	fd_scan_any(o, s, true);
}

/*
 * One finding: @fn on each set in turn (@one: only until one of them
 * printed, the counted instructions first), or that there is nothing.
 */
static unsigned int fd_finding(struct fd_out *o,
			       void (*fn)(struct fd_out *, const struct fd_set *),
			       const struct fd_set *s, bool one)
{
	unsigned int before = o->lines;

	if (one)
		fn(o, &s[FD_COUNT]);
	if (!one || o->lines == before)
		fn(o, &s[FD_WALL]);
	fd_done(o);
	return o->lines - before;
}

static void fd_none(struct fd_out *o, unsigned int lines)
{
	if (!lines)
		fprintf(o->f, "%c (no rows for it in this run)\n", o->tag);
}

/*
 * The findings.  Where counted instructions answer a finding (exact,
 * comparable across runs of one build) they alone are shown; the scan's
 * growth with N is shown by the wall clock (it reaches N = 65,536) and
 * its counted fit next to it.
 */
int findings_print(FILE *f, const char *prog, const char *bench_dir,
		   const char *count_dir, int cols, bool brief)
{
	struct fd_set s[FD_NR_CLOCKS] = { };
	struct fd_out o = { .f = f, .cols = cols };
	const char *nw;
	bool trim;
	unsigned int lines;
	int err = 0, c;

	if (fd_read(&s[FD_WALL], prog, bench_dir, FD_WALL, &err) &&
	    fd_read(&s[FD_COUNT], prog, count_dir, FD_COUNT, &err)) {
		nw = fd_newest(&s[FD_COUNT]);
		/* Brief: c as the counted fill and its fit alone, if counted. */
		trim = brief && nw && fd_max_n(&s[FD_COUNT], "fill", nw);
		fprintf(f, "Findings (README.md \"Findings\"%s; [clock] of the rows "
			"each is computed from):\n", trim ? ", in full in "
			"findings.txt" : "");
		o.tag = 'a';
		fd_none(&o, fd_finding(&o, fd_dup, s, true));
		o.tag = 'b';
		lines = fd_finding(&o, fd_headroom, s, false);
		fd_none(&o, lines + fd_finding(&o, fd_growth, s, true));
		o.tag = 'c';
		lines = o.lines;
		if (!trim)
			fd_finding(&o, fd_scan, s, false);
		fd_scan_brief(&o, &s[FD_COUNT]);
		fd_done(&o);
		fd_none(&o, o.lines - lines);
		o.tag = 'd';
		fd_none(&o, fd_finding(&o, fd_restore, s, true));
		o.tag = 'e';
		fd_none(&o, fd_finding(&o, fd_alias, s, false));
	}
	for (c = 0; c < FD_NR_CLOCKS; c++)
		free(s[c].row);
	return err;
}
