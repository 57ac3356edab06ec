// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-compare: is NEW slower than OLD?  For every point (variant, op,
 * N, path) in both runs, a Mann-Whitney U test on the samples plus a
 * floor on the change of the median, so noise never fails a CI job and a
 * real regression does.  Prints the %change table kernel developers know
 * from regression reports.
 *
 * usage: lubench-compare [--alpha P] [--min-effect PCT] OLD NEW
 *   OLD, NEW: result directories (or their results.jsonl)
 *   --alpha       significance level (default 0.01)
 *   --min-effect  smallest change of the median that counts, in % (default
 *                 30: two sweeps of the same build on this project's VMs
 *                 differ by up to 26% at a few points, see README.md)
 * Every line of both files must be a row of the lubench-bench schema at a
 * version this reader knows, with finite positive samples, and no point
 * may appear twice in one run; anything else is refused as FILE:LINE:
 * reason before anything is compared.
 * Exit: 0 no regression, 1 at least one, 2 usage or bad input.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "input.h"
#include "jsonl.h"
#include "numparse.h"
#include "stats.h"

#define SCHEMA		"lubench-bench"
#define SCHEMA_VERSION	1
/* More than a 1 MiB line can hold. */
#define MAX_SAMPLES	(1 << 17)

struct point {
	char key[128];		/* "op variant n=N [path]" */
	unsigned int line;	/* where it was read */
	double *s;
	size_t n;
	struct stats st;
};

struct run {
	struct point *pt;
	size_t nr, alloc;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Two-sided p-value of the Mann-Whitney U test, normal approximation
 * with the tie correction (every point here has 15 or more samples).
 */
static double mann_whitney_p(const double *a, size_t na, const double *b,
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
	qsort(all, n, sizeof(*all), cmp_double);
	/* Rank of each value of a: the mean rank of its run of ties. */
	memcpy(sa, a, na * sizeof(*a));
	qsort(sa, na, sizeof(*sa), cmp_double);
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

/* A run directory means its results.jsonl. */
static const char *results_path(const char *path, char *buf, size_t len)
{
	struct stat st;

	if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
		snprintf(buf, len, "%s/results.jsonl", path);
		return buf;
	}
	return path;
}

static const struct point *find(const struct run *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->nr; i++)
		if (!strcmp(r->pt[i].key, key))
			return &r->pt[i];
	return NULL;
}

/* One row into @pt: its key and its samples (finite, positive times). */
static const char *read_point(const struct jl_obj *o, struct point *pt,
			      double *tmp, char *why, size_t len)
{
	const char *variant, *op, *path = NULL, *bad;
	uint64_t n;
	size_t k, i;
	int ret;

	bad = jl_check_schema(o, SCHEMA, SCHEMA_VERSION, why, len);
	if (bad)
		return bad;
	if ((ret = jl_str(o, "variant", &variant)))
		return jl_why(why, len, o, "variant", ret, "a string");
	if ((ret = jl_str(o, "op", &op)))
		return jl_why(why, len, o, "op", ret, "a string");
	if ((ret = jl_u64(o, "n", UINT32_MAX, &n)))
		return jl_why(why, len, o, "n", ret, "a device count");
	ret = jl_str(o, "path", &path);
	if (ret && ret != -ENOENT)
		return jl_why(why, len, o, "path", ret, "a string");
	ret = jl_f64_array(o, "samples_ns", 0, 1e15, tmp, MAX_SAMPLES, &k);
	if (!ret && !k)
		return "\"samples_ns\" is empty";
	if (ret == -ENOENT)
		return jl_why(why, len, o, "samples_ns", ret,
			      "an array of times in ns");
	if (ret)
		return jl_why_elem(why, len, o, "samples_ns", k, ret,
				   "a finite time in ns");
	for (i = 0; i < k; i++)
		if (!(tmp[i] > 0))
			return jl_why_elem(why, len, o, "samples_ns", i, -ERANGE,
					   "a time per op (0 is no measurement)");
	snprintf(pt->key, sizeof(pt->key), "%.32s %.32s n=%" PRIu64 "%s%.16s",
		 op, variant, n, path ? " " : "", path ? path : "");
	pt->s = malloc(k * sizeof(double));
	if (!pt->s || stats_compute(tmp, k, &pt->st))
		return "out of memory";
	memcpy(pt->s, tmp, k * sizeof(double));
	pt->n = k;
	return NULL;
}

static int add_line(struct run *r, const struct lb_lines *l, double *tmp)
{
	const struct point *dup;
	char why[200];
	const char *bad;
	struct point *pt;
	struct jl_obj o;

	bad = jl_parse_buf(l->line, l->len, &o);
	if (bad) {
		fprintf(stderr, "%s:%u: %s\n", l->name, l->lineno, bad);
		return -1;
	}
	if (r->nr == r->alloc) {
		r->alloc = r->alloc ? 2 * r->alloc : 256;
		r->pt = realloc(r->pt, r->alloc * sizeof(*r->pt));
		if (!r->pt) {
			fprintf(stderr, "%s: out of memory\n", l->name);
			exit(2);
		}
	}
	pt = &r->pt[r->nr];
	memset(pt, 0, sizeof(*pt));
	pt->line = l->lineno;
	bad = read_point(&o, pt, tmp, why, sizeof(why));
	jl_free(&o);
	if (!bad && (dup = find(r, pt->key))) {
		snprintf(why, sizeof(why), "duplicate point \"%s\" (first at line %u)",
			 pt->key, dup->line);
		bad = why;
	}
	if (bad) {
		free(pt->s);
		fprintf(stderr, "%s:%u: %s\n", l->name, l->lineno, bad);
		return -1;
	}
	r->nr++;
	return 0;
}

/* Every line a row of the bench schema; anything else refuses the run. */
static int read_run(const char *arg, struct run *r)
{
	char buf[4096];
	const char *path = results_path(arg, buf, sizeof(buf));
	double *tmp = malloc(MAX_SAMPLES * sizeof(*tmp));
	bool shown = false;
	struct lb_lines l;
	int ret;

	if (!tmp) {
		fprintf(stderr, "%s: out of memory\n", path);
		return -1;
	}
	ret = lb_lines_open(&l, path);
	while (!ret && (ret = lb_lines_next(&l)) > 0) {
		if (l.len && add_line(r, &l, tmp)) {
			shown = true;
			ret = -1;
		} else {
			ret = 0;
		}
	}
	if (ret < 0 && !shown)
		fprintf(stderr, "%s\n", l.err);
	lb_lines_close(&l);
	free(tmp);
	if (ret < 0)
		return -1;
	if (!r->nr) {
		fprintf(stderr, "%s: no rows with samples\n", path);
		return -1;
	}
	return 0;
}

static double pct(double part, double whole)
{
	return 100.0 * part / whole;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: lubench compare [--alpha P] [--min-effect PCT] "
		"OLD NEW\n  --alpha P         significance level, 0 < P < 1 "
		"(default 0.01)\n  --min-effect PCT  smallest change of the "
		"median that counts, 0..1000 %% (default 30)\n");
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

static bool parse_args(int argc, char **argv, double *alpha,
		       double *floor_pct)
{
	static const struct option opts[] = {
		{ "alpha", required_argument, NULL, 'a' },
		{ "min-effect", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	int c;

	while ((c = getopt_long(argc, argv, "a:e:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			/* 0 would mark nothing, 1 anything. */
			if (!parse_opt("--alpha", optarg, 0, 1, true, alpha))
				return false;
			break;
		case 'e':
			if (!parse_opt("--min-effect", optarg, 0, 1000, false,
				       floor_pct))
				return false;
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
	double alpha = 0.01, floor_pct = 30.0;
	unsigned int worse = 0, better = 0, same = 0, missing = 0, added = 0;
	struct run old = { }, new = { };
	size_t i;

	if (!parse_args(argc, argv, &alpha, &floor_pct))
		return 2;
	if (read_run(argv[optind], &old) || read_run(argv[optind + 1], &new))
		return 2;

	printf("lubench compare: %s -> %s\n", argv[optind], argv[optind + 1]);
	printf("medians in ns/op; +-: MAD in %% of the median; change marked "
	       "when Mann-Whitney p < %g and |change| >= %g%%\n", alpha,
	       floor_pct);
	printf("(R: regression, I: improvement)\n\n");
	printf("%12s %6s %9s %2s %12s %6s  %s\n", "old", "+-", "%change", "",
	       "new", "+-", "point");
	for (i = 0; i < old.nr; i++) {
		const struct point *a = &old.pt[i], *b = find(&new, a->key);
		double change, p;
		const char *mark = "";

		if (!b) {
			missing++;
			continue;
		}
		change = pct(b->st.median - a->st.median, a->st.median);
		p = mann_whitney_p(a->s, a->n, b->s, b->n);
		if (p < alpha && fabs(change) >= floor_pct) {
			mark = change > 0 ? "R" : "I";
			change > 0 ? worse++ : better++;
		} else {
			same++;
		}
		printf("%12.2f %5.1f%% %+8.1f%% %2s %12.2f %5.1f%%  %s\n",
		       a->st.median, pct(a->st.mad, a->st.median), change, mark,
		       b->st.median, pct(b->st.mad, b->st.median), a->key);
	}
	for (i = 0; i < new.nr; i++)
		added += !find(&old, new.pt[i].key);
	printf("\n%u regressions, %u improvements, %u unchanged", worse,
	       better, same);
	if (missing)
		printf(", %u points only in the old run", missing);
	if (added)
		printf(", %u points only in the new run", added);
	printf("\n");
	return worse ? 1 : 0;
}
