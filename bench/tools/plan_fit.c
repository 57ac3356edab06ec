// SPDX-License-Identifier: GPL-2.0
/*
 * Polynomial least squares, nested F-tests and the budget's crossing
 * for `lubench plan` (plan_fit.h).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "plan_fit.h"

#define PF_MAX_POINTS	4096

double pf_eval(const double *c, unsigned int deg, double x)
{
	double y = 0;
	int i;

	for (i = deg; i >= 0; i--)
		y = y * x + c[i];
	return y;
}

double pf_slope(const double *c, unsigned int deg, double x)
{
	return (deg >= 1 ? c[1] : 0) + (deg >= 2 ? 2 * c[2] * x : 0);
}

/*
 * Least squares by modified Gram-Schmidt on the columns 1, u, u^2 with
 * u = x / max|x|, so that N in the thousands does not square into a
 * badly conditioned system; the coefficients are scaled back.
 */
bool pf_fit_deg(const double *x, const double *y, unsigned int n,
		unsigned int deg, struct pf_fit *f)
{
	static double q[PF_MAX_DEG + 1][PF_MAX_POINTS];
	double r[PF_MAX_DEG + 1][PF_MAX_DEG + 1] = { { 0 } };
	double qy[PF_MAX_DEG + 1], b[PF_MAX_DEG + 1], s = 0, mean = 0, ymax = 0;
	unsigned int p = deg + 1, i, j, k;

	if (deg > PF_MAX_DEG || n < p || n > PF_MAX_POINTS)
		return false;
	for (i = 0; i < n; i++)
		s = fmax(s, fabs(x[i]));
	if (s == 0)
		s = 1;
	for (i = 0; i < n; i++)
		for (j = 0; j < p; j++)
			q[j][i] = pow(x[i] / s, j);
	for (j = 0; j < p; j++) {
		double norm0 = 0, norm = 0;

		for (i = 0; i < n; i++)
			norm0 += q[j][i] * q[j][i];
		for (k = 0; k < j; k++) {
			double d = 0;

			for (i = 0; i < n; i++)
				d += q[k][i] * q[j][i];
			r[k][j] = d;
			for (i = 0; i < n; i++)
				q[j][i] -= d * q[k][i];
		}
		for (i = 0; i < n; i++)
			norm += q[j][i] * q[j][i];
		/* A column that is (nearly) the others: too few distinct N. */
		if (!(norm > 1e-20 * norm0))
			return false;
		r[j][j] = sqrt(norm);
		for (i = 0; i < n; i++)
			q[j][i] /= r[j][j];
	}
	for (j = 0; j < p; j++) {
		qy[j] = 0;
		for (i = 0; i < n; i++)
			qy[j] += q[j][i] * y[i];
	}
	for (j = p; j-- > 0;) {
		b[j] = qy[j];
		for (k = j + 1; k < p; k++)
			b[j] -= r[j][k] * b[k];
		b[j] /= r[j][j];
	}
	memset(f, 0, sizeof(*f));
	f->deg = deg;
	for (i = 0; i < n; i++)
		ymax = fmax(ymax, fabs(y[i]));
	/* A term worth less than rounding over the range is none. */
	for (j = 0; j < p; j++)
		f->c[j] = fabs(b[j]) < 1e-12 * ymax ? 0 : b[j] / pow(s, j);
	for (i = 0; i < n; i++)
		mean += y[i] / n;
	for (i = 0; i < n; i++) {
		double e = y[i] - pf_eval(f->c, deg, x[i]);

		f->rss += e * e;
		f->tss += (y[i] - mean) * (y[i] - mean);
	}
	f->r2adj = n > p && f->tss > 0 ?
		1 - (f->rss / (n - p)) / (f->tss / (n - 1)) : NAN;
	f->p = NAN;
	return true;
}

/* ln B(a, b) and the continued fraction of the incomplete beta (Lentz). */
static double betacf(double a, double b, double x)
{
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;
	int m;

	if (fabs(d) < DBL_MIN)
		d = DBL_MIN;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 300; m++) {
		double m2 = 2 * m, aa, del;

		aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + aa * d;
		c = 1 + aa / c;
		d = fabs(d) < DBL_MIN ? 1 / DBL_MIN : 1 / d;
		if (fabs(c) < DBL_MIN)
			c = DBL_MIN;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		c = 1 + aa / c;
		d = fabs(d) < DBL_MIN ? 1 / DBL_MIN : 1 / d;
		if (fabs(c) < DBL_MIN)
			c = DBL_MIN;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-15)
			break;
	}
	return h;
}

/* The regularized incomplete beta function I_x(a, b). */
static double ibeta(double a, double b, double x)
{
	double lbt;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
	      b * log1p(-x);
	if (x < (a + 1) / (a + b + 2))
		return exp(lbt) * betacf(a, b, x) / a;
	return 1 - exp(lbt) * betacf(b, a, 1 - x) / b;
}

double pf_fdist_sf(double f, double d1, double d2)
{
	if (isnan(f))
		return NAN;
	if (f <= 0)
		return 1;
	if (isinf(f))
		return 0;
	return ibeta(d2 / 2, d1 / 2, d2 / (d2 + d1 * f));
}

static unsigned int distinct(const double *x, unsigned int n)
{
	unsigned int i, j, k = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i && x[j] != x[i]; j++)
			;
		k += j == i;
	}
	return k;
}

/*
 * Whether @hi explains the data better than @lo, filling hi->p.  A
 * residual below @tol is an exact fit: an exact @lo is never beaten.
 */
static bool better(const struct pf_fit *lo, struct pf_fit *hi,
		   unsigned int n, double alpha, double tol)
{
	unsigned int dof = n - (hi->deg + 1);
	double f;

	if (lo->rss <= tol)
		return false;
	if (hi->rss <= tol) {
		hi->p = dof ? 0 : NAN;
		return true;
	}
	if (!dof)
		return false;
	f = ((lo->rss - hi->rss) / (hi->deg - lo->deg)) / (hi->rss / dof);
	hi->p = pf_fdist_sf(f, hi->deg - lo->deg, dof);
	return hi->p < alpha;
}

bool pf_choose(const double *x, const double *y, unsigned int n,
	       double alpha, struct pf_fit *f)
{
	struct pf_fit lin, quad;
	unsigned int k = distinct(x, n), i;
	double tol = 0;

	for (i = 0; i < n; i++)
		tol += y[i] * y[i];
	/* Rounding of the rows' decimal text, far below any real effect. */
	tol = tol * 1e-18 + 1e-30;
	if (!pf_fit_deg(x, y, n, 0, f))
		return false;
	if (k >= 2 && pf_fit_deg(x, y, n, 1, &lin) &&
	    better(f, &lin, n, alpha, tol))
		*f = lin;
	if (k >= 4 && pf_fit_deg(x, y, n, 2, &quad) &&
	    better(f, &quad, n, alpha, tol))
		*f = quad;
	return true;
}

/* The first real crossing of c(x) = budget above x = 1, or INFINITY. */
static double crossing(const double *c, double budget)
{
	double a = c[2], b = c[1], k = c[0] - budget, disc, q, r1, r2, t;

	if (a == 0)
		return b > 0 ? -k / b : INFINITY;
	disc = b * b - 4 * a * k;
	if (disc < 0)
		return INFINITY;	/* c(1) <= budget and a < 0: never */
	q = -0.5 * (b + copysign(sqrt(disc), b));
	r1 = q / a;
	r2 = q != 0 ? k / q : r1;
	if (r1 > r2) {
		t = r1;
		r1 = r2;
		r2 = t;
	}
	if (a > 0)
		return r2;		/* over the budget beyond the larger root */
	return r1 >= 1 ? r1 : INFINITY;
}

double pf_nmax(const double *c, double budget, double cap)
{
	double r, nm;

	if (pf_eval(c, 2, 1) > budget)
		return 0;
	r = crossing(c, budget);
	if (!(r < cap + 2))
		return cap + 1;
	nm = floor(r);
	/* The root in floating point: settle on the integers around it. */
	while (nm > 0 && pf_eval(c, 2, nm) > budget)
		nm--;
	while (nm <= cap && pf_eval(c, 2, nm + 1) <= budget)
		nm++;
	return nm > cap ? cap + 1 : nm;
}


double pf_quantile(double *v, unsigned int n, double q)
{
	double h, lo;
	unsigned int i;

	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), stats_cmp_double);
	h = (n - 1) * q;
	lo = floor(h);
	i = (unsigned int)lo;
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (h - lo) * (v[i + 1] - v[i]);
}

uint64_t pf_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
