// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-compare: is NEW slower than OLD?  It knows what it compares:
 * - counted instructions (lubench-count rows) are exact: a point changed
 *   when it moved by more than --count-floor (default 0.5%), no test;
 * - wall-clock times (lubench-bench rows, cycles on the real clock) get a
 *   Mann-Whitney U test on the samples plus a floor on the change of the
 *   median (--min-effect, default 30%: two sweeps of the same build on
 *   this project's VMs differ by up to 26% at a few points), and compare
 *   only when both runs come from the same machine, kernel, compiler and
 *   CPU model (meta.json), unless --cross-machine: then only each
 *   layout's ratio to linear within its run is compared;
 * - guest cycles under icount compare only with the same shift and guest
 *   kernel; a phase changed when its median moved by more than
 *   --icount-floor (default 0.1%) plus one tick of the guest (4 ms).
 * Unknown or mixed schemas and versions are refused, as is every bad row,
 * as FILE:LINE: reason before anything is compared.  Prints the %change
 * table kernel developers know from regression reports (--changed: the
 * marked points only).
 *
 * usage: lubench-compare [OPTIONS] OLD NEW   (result directories or their
 *        results.jsonl; see usage())
 *        lubench-compare --calibrate ...   (compare_calibrate.c)
 * Exit: 0 no regression, 1 at least one, 2 usage, bad input or runs that
 * do not compare.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "compare.h"
#include "numparse.h"

/* One tick of the guest kernel (Debian's 6.1 is HZ=250). */
#define ICOUNT_TICK_MS	4.0

struct opts {
	double alpha;
	double min_effect;	/* wall, % */
	double count_floor;	/* counts, % */
	double icount_floor;	/* icount, % (plus a tick) */
	bool cross_machine;
	bool pool;
	bool changed;		/* print the marked points only */
};

struct tally {
	unsigned int worse, better, same, missing, added, no_ref;
};


/*
 * Two-sided p-value of the Mann-Whitney U test, normal approximation
 * with the tie correction (every point here has 15 or more samples).
 */
double cmp_mann_whitney_p(const double *a, size_t na, const double *b,
			  size_t nb)
{
	size_t n = na + nb, i, j;
	double *all = malloc(n * sizeof(*all)), *sa = malloc(na * sizeof(*sa));
	double ra = 0, ties = 0, u, mu, var, z;

	if (!all || !sa) {
		free(all);
		free(sa);
		return NAN;
	}
	memcpy(all, a, na * sizeof(*a));
	memcpy(all + na, b, nb * sizeof(*b));
	qsort(all, n, sizeof(*all), stats_cmp_double);
	/* Rank of each value of a: the mean rank of its run of ties. */
	memcpy(sa, a, na * sizeof(*a));
	qsort(sa, na, sizeof(*sa), stats_cmp_double);
	for (i = 0, j = 0; i < n; ) {
		size_t k = i + 1;

		/* The samples are finite (read_point), so a run of ties ends. */
		while (k < n && all[k] == all[i])
			k++;
		ties += pow(k - i, 3) - (k - i);
		while (j < na && sa[j] == all[i]) {
			ra += (i + 1 + k) / 2.0;
			j++;
		}
		i = k;
	}
	free(all);
	free(sa);
	u = ra - na * (na + 1) / 2.0;
	mu = na * nb / 2.0;
	var = na * nb / 12.0 * ((n + 1) - ties / ((double)n * (n - 1)));
	if (var <= 0)
		return 1.0;
	z = (fabs(u - mu) - 0.5) / sqrt(var);
	if (z < 0)
		z = 0;
	return erfc(z / sqrt(2.0));
}

double cmp_pct(double part, double whole)
{
	return whole ? 100.0 * part / whole : (part ? INFINITY : 0);
}

/* ---- do the two runs compare at all? ---- */

static const char *metric_name(const struct cmp_run *r)
{
	switch (r->metric) {
	case CMP_COUNT:
		return "counted instructions";
	case CMP_ICOUNT:
		return "guest times under icount";
	default:
		return "wall-clock times";
	}
}

/* The fields the runs differ in, as "name: OLD / NEW; ...". */
static bool differ(const struct cmp_run *a, const struct cmp_run *b,
		   char *buf, size_t len)
{
	size_t at = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < a->nr_id && i < b->nr_id; i++)
		/* "-": a field that run did not record (an older build). */
		if (strcmp(a->id[i].value, "-") && strcmp(b->id[i].value, "-") &&
		    strcmp(a->id[i].value, b->id[i].value) && at < len)
			at += snprintf(buf + at, len - at, "%s%s: \"%.48s\" / "
				       "\"%.48s\"", at ? "; " : "", a->id[i].name,
				       a->id[i].value, b->id[i].value);
	return at > 0;
}

static bool no_machine(const struct cmp_run *r)
{
	unsigned int i;

	for (i = 0; i < r->nr_id; i++)
		if (!r->id[i].value[0])
			return true;
	return false;
}

bool cmp_comparable(const struct cmp_run *a, const struct cmp_run *b,
		    bool cross_machine)
{
	char d[700];

	if (strcmp(a->schema, b->schema) || a->metric != b->metric) {
		fprintf(stderr, "lubench compare: %s holds %s (%s), %s %s (%s): "
			"compare runs of one kind\n", a->arg, metric_name(a),
			a->schema, b->arg, metric_name(b), b->schema);
		return false;
	}
	switch (a->metric) {
	case CMP_WALL:
		if (cross_machine)
			return true;
		if (no_machine(a) || no_machine(b)) {
			fprintf(stderr, "lubench compare: cannot tell which "
				"machine ran %s: no meta.json with its machine "
				"next to the results; give --cross-machine to "
				"compare only the ratios between layouts\n",
				no_machine(a) ? a->arg : b->arg);
			return false;
		}
		if (!differ(a, b, d, sizeof(d)))
			return true;
		fprintf(stderr, "lubench compare: refused: wall-clock times "
			"from different machines do not compare (%s). Compare "
			"counts (./lubench count), or give --cross-machine to "
			"compare only each layout's ratio to linear within its "
			"run\n", d);
		return false;
	case CMP_COUNT:
		if (cross_machine || !differ(a, b, d, sizeof(d)))
			return true;
		fprintf(stderr, "lubench compare: refused: counts compare only "
			"with the same valgrind, compiler and glibc string "
			"functions (%s); give --cross-machine to compare only "
			"each layout's ratio to linear within its run\n", d);
		return false;
	case CMP_ICOUNT:
		if (!differ(a, b, d, sizeof(d)))
			return true;
		fprintf(stderr, "lubench compare: refused: guest times under "
			"icount compare only with the same clock, shift and "
			"guest kernel (%s)\n", d);
		return false;
	}
	return false;
}

/* Counts of one point must be of the same devices and number of ops. */
static bool same_workload(const struct cmp_run *a, const struct cmp_point *p,
			  const struct cmp_point *q)
{
	if (a->metric != CMP_COUNT ||
	    (!strcmp(p->hash, q->hash) && p->ops == q->ops))
		return true;
	fprintf(stderr, "lubench compare: refused: \"%s\" was counted on "
		"other devices or with another number of ops (population "
		"%s / %s, ops %" PRIu64 " / %" PRIu64 ")\n", p->key, p->hash,
		q->hash, p->ops, q->ops);
	return false;
}

/* ---- --cross-machine: each point as a ratio to linear in its run ---- */

static void to_ratios(struct cmp_run *r)
{
	double *base = calloc(r->nr ? r->nr : 1, sizeof(*base));
	size_t i, j;

	if (!base) {
		fprintf(stderr, "lubench compare: out of memory\n");
		exit(2);
	}
	/* Linear itself, or no linear: NaN, nothing to compare. */
	for (i = 0; i < r->nr; i++) {
		const struct cmp_point *ref = cmp_find(r, r->pt[i].ref);

		base[i] = !ref || ref == &r->pt[i] ? NAN : ref->value;
	}
	for (i = 0; i < r->nr; i++) {
		struct cmp_point *pt = &r->pt[i];

		for (j = 0; j < pt->n; j++)
			pt->s[j] /= base[i];
		if (pt->n && !isnan(base[i]))
			stats_compute(pt->s, pt->n, &pt->st);
		pt->value /= base[i];
	}
	free(base);
}

/* ---- the verdict of one point ---- */

bool cmp_wall_moved(const struct cmp_point *a, const struct cmp_point *b,
		    double alpha, double min_effect, double change)
{
	return cmp_mann_whitney_p(a->s, a->n, b->s, b->n) < alpha &&
	       fabs(change) >= min_effect;
}

static const char *mark_of(const struct cmp_run *r, const struct opts *o,
			   const struct cmp_point *a, const struct cmp_point *b,
			   double change)
{
	bool moved;

	switch (r->metric) {
	case CMP_COUNT:
		moved = fabs(change) > o->count_floor;
		break;
	case CMP_ICOUNT:
		moved = fabs(b->value - a->value) >
			o->icount_floor / 100 * a->value +
			(o->cross_machine ? 0 : ICOUNT_TICK_MS);
		break;
	default:
		moved = cmp_wall_moved(a, b, o->alpha, o->min_effect, change);
		break;
	}
	if (!moved)
		return "";
	return change > 0 ? "R" : "I";
}

static void print_header(const struct cmp_run *a, const struct cmp_run *b,
			 const struct opts *o)
{
	const char *what = o->cross_machine ? "ratio to linear in its run" :
			   a->unit;

	printf("lubench compare: %s -> %s\n", a->arg, b->arg);
	switch (a->metric) {
	case CMP_COUNT:
		printf("%s, %s (exact); change marked when |change| > %g%%\n",
		       metric_name(a), what, o->count_floor);
		break;
	case CMP_ICOUNT:
		printf("%s: medians of the jumps, %s; change marked when it "
		       "exceeds %g%% + %g ms (a tick)\n", metric_name(a), what,
		       o->icount_floor, o->cross_machine ? 0 : ICOUNT_TICK_MS);
		break;
	default:
		printf("medians in %s; +-: MAD in %% of the median; change "
		       "marked when Mann-Whitney p < %g and |change| >= %g%%\n",
		       what, o->alpha, o->min_effect);
		break;
	}
	printf("(R: regression, I: improvement)\n\n");
	if (a->metric == CMP_WALL)
		printf("%12s %6s %9s %2s %12s %6s  %s\n", "old", "+-",
		       "%change", "", "new", "+-", "point");
	else
		printf("%14s %14s %10s %2s  %s\n", "old", "new", "%change", "",
		       "point");
}

static void print_point(const struct cmp_run *r, const struct opts *o,
			const struct cmp_point *a, const struct cmp_point *b,
			double change, const char *mark)
{
	/* Ratios to linear are small numbers: more digits. */
	int prec = o->cross_machine ? 4 : 2;

	if (r->metric == CMP_WALL)
		printf("%12.*f %5.1f%% %+8.1f%% %2s %12.*f %5.1f%%  %s\n",
		       prec, a->st.median, cmp_pct(a->st.mad, a->st.median),
		       change, mark, prec, b->st.median,
		       cmp_pct(b->st.mad, b->st.median), a->key);
	else
		printf("%14.3f %14.3f %+9.3f%% %2s  %s\n", a->value, b->value,
		       change, mark, a->key);
}

static int compare(struct cmp_run *a, struct cmp_run *b, const struct opts *o)
{
	struct tally t = { };
	size_t i;

	for (i = 0; i < a->nr; i++) {
		const struct cmp_point *p = &a->pt[i], *q = cmp_find(b, p->key);

		if (q && !same_workload(a, p, q))
			return 2;
	}
	if (o->cross_machine) {
		to_ratios(a);
		to_ratios(b);
	}
	print_header(a, b, o);
	for (i = 0; i < a->nr; i++) {
		const struct cmp_point *p = &a->pt[i], *q = cmp_find(b, p->key);
		const char *mark;
		double change;

		if (!q) {
			t.missing++;
			continue;
		}
		if (isnan(p->value) || isnan(q->value)) {
			t.no_ref++;
			continue;
		}
		change = cmp_pct(q->value - p->value, p->value);
		mark = mark_of(a, o, p, q, change);
		if (*mark == 'R')
			t.worse++;
		else if (*mark == 'I')
			t.better++;
		else
			t.same++;
		if (*mark || !o->changed)
			print_point(a, o, p, q, change, mark);
	}
	for (i = 0; i < b->nr; i++)
		t.added += !cmp_find(a, b->pt[i].key);
	printf("\n%u regressions, %u improvements, %u unchanged", t.worse,
	       t.better, t.same);
	if (t.missing)
		printf(", %u points only in the old run", t.missing);
	if (t.added)
		printf(", %u points only in the new run", t.added);
	if (t.no_ref)
		printf(", %u without a ratio (linear itself, or no linear)",
		       t.no_ref);
	printf("\n");
	return t.worse ? 1 : 0;
}

/* ---- command line ---- */

static void usage(FILE *f)
{
	fprintf(f,
"usage: lubench compare [OPTIONS] OLD NEW\n"
"  OLD, NEW            result directories (or their results.jsonl)\n"
"  --alpha P           wall clock: significance level, 0 < P < 1 (default 0.01)\n"
"  --min-effect PCT    wall clock: smallest change of the median that counts,\n"
"                      0..1000 %% (default 30)\n"
"  --count-floor PCT   counts: a change over PCT is marked, 0..100 %% (default 0.5)\n"
"  --icount-floor PCT  icount: a change over PCT plus a tick (4 ms) is marked,\n"
"                      0..100 %% (default 0.1)\n"
"  --cross-machine     compare only each layout's ratio to linear within its\n"
"                      run (runs from different machines or builds)\n"
"  --pool              a point given several times pools its samples\n"
"  --changed           print the marked points only\n"
"       lubench compare --calibrate --layout L --floors \"PCT...\"\n"
"                       [--aa RUN]... [--injected NOPS:RUN]...\n"
"  the report of scripts/host/ab-calibrate.sh from its ab runs (RUN/a-wall,\n"
"  RUN/b-wall): points marked per floor in A/A pairs and injected slowdowns\n"
"Exit: 0 no regression, 1 a regression, 2 bad usage or input, or runs\n"
"that do not compare (the reason on stderr).\n");
}

/* A real-number option in [@min, @max] (or the open interval). */
static bool parse_opt(const char *name, const char *s, double min,
		      double max, bool open, double *out)
{
	int ret = lb_parse_double(s, min, max, out);

	if (!ret && open && (*out == min || *out == max))
		ret = -ERANGE;
	if (ret == -EINVAL)
		fprintf(stderr, "lubench compare: %s: '%s' is not a number\n",
			name, s);
	else if (ret)
		fprintf(stderr, "lubench compare: %s: %s is out of range "
			"(%g..%g%s)\n", name, s, min, max,
			open ? ", both excluded" : "");
	return !ret;
}

static bool parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option opts[] = {
		{ "alpha", required_argument, NULL, 'a' },
		{ "min-effect", required_argument, NULL, 'e' },
		{ "count-floor", required_argument, NULL, 'c' },
		{ "icount-floor", required_argument, NULL, 'i' },
		{ "cross-machine", no_argument, NULL, 'x' },
		{ "pool", no_argument, NULL, 'p' },
		{ "changed", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			/* 0 would mark nothing, 1 anything. */
			if (!parse_opt("--alpha", optarg, 0, 1, true, &o->alpha))
				return false;
			break;
		case 'e':
			if (!parse_opt("--min-effect", optarg, 0, 1000, false,
				       &o->min_effect))
				return false;
			break;
		case 'c':
			if (!parse_opt("--count-floor", optarg, 0, 100, false,
				       &o->count_floor))
				return false;
			break;
		case 'i':
			if (!parse_opt("--icount-floor", optarg, 0, 100, false,
				       &o->icount_floor))
				return false;
			break;
		case 'x':
			o->cross_machine = true;
			break;
		case 'p':
			o->pool = true;
			break;
		case 'C':
			o->changed = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return false;
		}
	}
	if (optind != argc - 2) {
		usage(stderr);
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.alpha = CMP_DEFAULT_ALPHA, .min_effect = 30, .count_floor = 0.5,
		.icount_floor = 0.1,
	};
	struct cmp_run old, new;

	if (argc > 1 && !strcmp(argv[1], "--calibrate"))
		return cmp_calibrate(argc, argv);
	if (!parse_args(argc, argv, &o))
		return 2;
	if (cmp_read_run(argv[optind], &old, o.pool) ||
	    cmp_read_run(argv[optind + 1], &new, o.pool))
		return 2;
	if (!cmp_comparable(&old, &new, o.cross_machine))
		return 2;
	return compare(&old, &new, &o);
}
