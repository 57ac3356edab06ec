/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arithmetic of `lubench plan`: least-squares polynomials of degree
 * 0, 1 or 2 in N, the choice between them by nested F-tests, the
 * largest N a polynomial keeps under a budget, percentiles, and a
 * seeded generator for the bootstrap.  No I/O: plan.c reads and prints.
 */
#ifndef LUBENCH_PLAN_FIT_H
#define LUBENCH_PLAN_FIT_H

#include <stdbool.h>
#include <stdint.h>

#define PF_MAX_DEG	2

struct pf_fit {
	unsigned int deg;		/* 0 constant, 1 linear, 2 quadratic */
	double c[PF_MAX_DEG + 1];	/* y = c0 + c1 N + c2 N^2 */
	double rss, tss;
	double r2adj;			/* NAN when it has no degree of freedom */
	double p;			/* F-test of this degree against the one
					 * below; NAN for deg 0 or no test */
};

/* Fit degree @deg to (@x, @y), @n points; false if singular. */
bool pf_fit_deg(const double *x, const double *y, unsigned int n,
		unsigned int deg, struct pf_fit *f);

/*
 * The model the data support: constant; linear when at least two
 * distinct N and the F-test against the constant gives p < @alpha (or
 * the constant leaves a residual and linear fits exactly with no degree
 * of freedom to test); quadratic when at least four distinct N and the
 * F-test against the model below gives p < @alpha.  A residual sum
 * below a relative tolerance counts as an exact fit.
 */
bool pf_choose(const double *x, const double *y, unsigned int n,
	       double alpha, struct pf_fit *f);

double pf_eval(const double *c, unsigned int deg, double x);
double pf_slope(const double *c, unsigned int deg, double x);

/*
 * The largest integer N in [0, @cap] with c(n) <= @budget for every
 * integer n in 1..N: 0 when c(1) is already over; @cap + 1 when no
 * crossing happens up to @cap (the caller says "beyond").
 */
double pf_nmax(const double *c, double budget, double cap);

/* P(F > @f) for F(@d1, @d2) degrees of freedom. */
double pf_fdist_sf(double f, double d1, double d2);

/* The @q quantile (0..1) of @n values, sorted in place (type 7). */
double pf_quantile(double *v, unsigned int n, double q);

/* splitmix64: a seeded, portable sequence. */
uint64_t pf_rand(uint64_t *state);

#endif /* LUBENCH_PLAN_FIT_H */
