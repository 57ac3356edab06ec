/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Summary statistics of a benchmark point's samples: robust ones (median,
 * MAD) because a shared machine adds one-sided noise, and the tail (p99,
 * max) because that is what a blackout budget has to cover.
 */
#ifndef LUBENCH_STATS_H
#define LUBENCH_STATS_H

#include <stddef.h>

struct stats {
	size_t n;
	double median;
	double p99;	/* nearest rank: the maximum below 100 samples */
	double min;
	double max;
	double mean;
	double mad;	/* median absolute deviation from the median, unscaled */
};

/* Fill @st from @n samples; @v is left untouched.  0 or -ENOMEM. */
int stats_compute(const double *v, size_t n, struct stats *st);

/* Ascending order of doubles, for qsort(). */
int stats_cmp_double(const void *a, const void *b);

/*
 * The median of @n values: the mean of the two middle ones for even @n,
 * NAN for none.  @v is left untouched.  Out of memory is fatal.
 */
double stats_median(const double *v, size_t n);

/* The @q quantile (0..1) of @n sorted values, by nearest rank. */
double stats_quantile_sorted(const double *sorted, size_t n, double q);

#endif /* LUBENCH_STATS_H */
