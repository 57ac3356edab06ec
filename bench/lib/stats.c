// SPDX-License-Identifier: GPL-2.0
/*
 * Summary statistics over a point's samples.  A few dozen samples per
 * point: sorting a copy is simpler and exact, so no histogram is kept.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

int stats_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Nearest rank: the smallest sample with at least q*n samples at or
 * below it.  It is always a measured value, never an interpolation.
 */
double stats_quantile_sorted(const double *sorted, size_t n, double q)
{
	size_t rank;

	if (!n)
		return NAN;
	rank = (size_t)ceil(q * (double)n);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

/* The median proper: the mean of the two middle values for even n. */
static double median_sorted(const double *s, size_t n)
{
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

double stats_median(const double *v, size_t n)
{
	double small[64], *s = small, m;

	if (!n)
		return NAN;
	if (n > ARRAY_LEN(small)) {
		s = malloc(n * sizeof(*s));
		if (!s) {
			fprintf(stderr, "stats_median: out of memory (%zu "
				"values)\n", n);
			abort();
		}
	}
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), stats_cmp_double);
	m = median_sorted(s, n);
	if (s != small)
		free(s);
	return m;
}

int stats_compute(const double *v, size_t n, struct stats *st)
{
	double *s, sum = 0;
	size_t i;

	memset(st, 0, sizeof(*st));
	st->n = n;
	if (!n) {
		st->median = st->p99 = st->min = st->max = NAN;
		st->mean = st->mad = NAN;
		return 0;
	}
	s = malloc(n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), stats_cmp_double);
	for (i = 0; i < n; i++)
		sum += s[i];
	st->min = s[0];
	st->max = s[n - 1];
	st->mean = sum / (double)n;
	st->median = median_sorted(s, n);
	st->p99 = stats_quantile_sorted(s, n, 0.99);
	for (i = 0; i < n; i++)
		s[i] = fabs(v[i] - st->median);
	qsort(s, n, sizeof(*s), stats_cmp_double);
	st->mad = median_sorted(s, n);
	free(s);
	return 0;
}
