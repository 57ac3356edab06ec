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
 * Exit: 0 no regression, 1 at least one, 2 usage or unreadable input.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jsonl.h"
#include "stats.h"

#define MAX_SAMPLES	4096

struct point {
	char key[96];		/* "op variant n=N [path]" */
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
		size_t k = i;

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

static FILE *open_results(const char *path)
{
	char buf[4096];
	struct stat st;

	if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
		snprintf(buf, sizeof(buf), "%s/results.jsonl", path);
		return fopen(buf, "r");
	}
	return fopen(path, "r");
}

static int read_run(const char *path, struct run *r)
{
	static double tmp[MAX_SAMPLES];
	FILE *f = open_results(path);
	char *line = NULL;
	size_t cap = 0;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) >= 0) {
		const char *variant, *op, *n, *p;
		struct point *pt;
		struct jl_obj o;
		size_t k;

		if (!jl_parse(line, &o))
			continue;
		variant = jl_get(&o, "variant");
		op = jl_get(&o, "op");
		n = jl_get(&o, "n");
		p = jl_get(&o, "path");
		k = jl_num_array(&o, "samples_ns", tmp, MAX_SAMPLES);
		if (!variant || !op || !n || !k) {
			jl_free(&o);
			continue;
		}
		if (r->nr == r->alloc) {
			r->alloc = r->alloc ? 2 * r->alloc : 256;
			r->pt = realloc(r->pt, r->alloc * sizeof(*r->pt));
			if (!r->pt)
				exit(2);
		}
		pt = &r->pt[r->nr++];
		snprintf(pt->key, sizeof(pt->key), "%s %s n=%s%s%s", op,
			 variant, n, p ? " " : "", p ? p : "");
		pt->s = malloc(k * sizeof(double));
		if (!pt->s || stats_compute(tmp, k, &pt->st))
			exit(2);
		memcpy(pt->s, tmp, k * sizeof(double));
		pt->n = k;
		jl_free(&o);
	}
	free(line);
	fclose(f);
	if (!r->nr) {
		fprintf(stderr, "%s: no rows with samples\n", path);
		return -1;
	}
	return 0;
}

static const struct point *find(const struct run *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->nr; i++)
		if (!strcmp(r->pt[i].key, key))
			return &r->pt[i];
	return NULL;
}

static double pct(double part, double whole)
{
	return whole ? 100.0 * part / whole : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "alpha", required_argument, NULL, 'a' },
		{ "min-effect", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	double alpha = 0.01, floor_pct = 30.0;
	unsigned int worse = 0, better = 0, same = 0, missing = 0;
	struct run old = { }, new = { };
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "a:e:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a': alpha = atof(optarg); break;
		case 'e': floor_pct = atof(optarg); break;
		default:
			fprintf(stderr, "usage: lubench compare [--alpha P] "
				"[--min-effect PCT] OLD NEW\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind != argc - 2 || !(alpha > 0 && alpha < 1) ||
	    !(floor_pct >= 0)) {
		fprintf(stderr, "usage: lubench compare [--alpha P (0..1)] "
			"[--min-effect PCT (>= 0)] OLD NEW\n");
		return 2;
	}
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
	printf("\n%u regressions, %u improvements, %u unchanged", worse,
	       better, same);
	if (missing)
		printf(", %u points only in the old run", missing);
	printf("\n");
	return worse ? 1 : 0;
}
