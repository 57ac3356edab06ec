// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-plan: from measured live-update cycles, how many devices a
 * blackout budget allows.  Each phase of the blackout is fitted against
 * N per layout (constant, linear or quadratic, chosen by F-tests, with
 * its residuals); the sum is the predicted blackout, whose crossing of
 * the budget is N_max; a bootstrap over the residuals (seeded) gives
 * its interval.  One clock per plan: rows of two clocks, icount shifts,
 * guest kernels or accelerators are refused, never fitted together.
 *
 * usage: lubench-plan --budget-ms B [--variant LIST] [--devices N]
 *                     [--extrapolate] [--alpha P] [--boot K] [--seed S]
 *                     [--out DIR] RUN_DIR...
 * Exit: 0; 2 usage or bad input (the reason on stderr, nothing written).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "numparse.h"
#include "plan_fit.h"
#include "resultdir.h"

#define PL_PHASES	8
#define PL_MAX_LAYOUTS	32
#define PL_MAX_ROWS	4096
#define PL_MAX_RUNS	32
#define PL_GRID		120
#define PL_REACH	4	/* no prediction past 4x the largest N measured */

static const char *const ph_name[PL_PHASES] = {
	"exit", "jump", "boot", "map", "retrv", "enum", "lookup", "user",
};

struct pl_row {
	double n, m, ph[PL_PHASES], blackout;
	char where[64];
};

struct pl_layout {
	char name[RD_NAME_LEN];
	struct pl_row *row;
	unsigned int nr;
	double share;			/* M / N, one per layout */
	double max_n, min_n;
	unsigned int distinct;
	struct pf_fit fit[PL_PHASES];
	double total[3];
	double nmax, nmax_lo, nmax_hi;
	double *boot;			/* K x 3: each resample's total */
	double *boot_nmax;
};

struct pl {
	struct rdir d;
	struct pl_layout l[PL_MAX_LAYOUTS];
	unsigned int nr;
	/* what every row must share, and the row that set it */
	char clock[16], kernel[64], accel[16];
	double shift;
	char first[PATH_MAX + 16];
	unsigned int used, skipped, runs;
	const char *run_name[PL_MAX_RUNS];
	/* options */
	double budget, alpha;
	uint64_t devices, boots, seed;
	bool extrapolate;
	const char *variants, *out;
};

static struct pl P = { .d = { .prog = "lubench-plan" } };

static void usage(void)
{
	fprintf(stderr,
		"usage: lubench-plan --budget-ms B [--variant LIST] [--devices N]\n"
		"                    [--extrapolate] [--alpha P] [--boot K] [--seed S]\n"
		"                    [--out DIR] RUN_DIR...\n"
		"  RUN_DIR   a cycle run (results/cycle-*), or a `lubench run` directory\n"
		"            with a cycle/ in it; several are fitted together\n"
		"  --budget-ms  the blackout budget, ms on the runs' clock\n"
		"  --variant    layouts (and none), comma-separated (default: all measured)\n"
		"  --devices    also predict the blackout at N devices\n"
		"  --extrapolate  predict past 4x the largest N measured\n"
		"  --alpha      F-test level for a linear or quadratic term (default 0.01)\n"
		"  --boot       bootstrap resamples (default 2000); --seed S (default 1)\n"
		"  --out        also write DIR/plan.txt, plan-brief.txt and the plot's\n"
		"               data and gnuplot script (plan.gp)\n");
	exit(2);
}

static void die_usage(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "lubench-plan: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* ---- reading ---------------------------------------------------------- */

/* A row's text field into @dst, @dflt when the key is absent. */
static bool text_field(const struct jl_obj *o, const char *where,
		       const char *key, const char *dflt, char *dst,
		       size_t size)
{
	char why[200];

	if (!jl_has(o, key) && dflt) {
		snprintf(dst, size, "%s", dflt);
		return true;
	}
	if (jl_need_text(o, key, dst, size, why, sizeof(why))) {
		rd_fail(&P.d, "%s: %s", where, why);
		return false;
	}
	return true;
}

/* Every row names its clock: one plan never mixes two (DESIGN.md). */
static bool same_clock(const struct jl_obj *o, const char *where)
{
	char clock[16], kernel[64], accel[16];
	double shift = NAN;

	if (!text_field(o, where, "clock", "real", clock, sizeof(clock)) ||
	    !text_field(o, where, "guest_kernel", NULL, kernel,
			sizeof(kernel)) ||
	    !text_field(o, where, "accelerator", NULL, accel, sizeof(accel)))
		return false;
	if (strcmp(clock, "real") && strcmp(clock, "icount")) {
		rd_fail(&P.d, "%s: clock \"%s\" is neither real nor icount",
			where, clock);
		return false;
	}
	if (!strcmp(clock, "icount") &&
	    !rd_row_f64(&P.d, o, where, "icount_shift", 0, 10, false,
			"an icount shift", &shift))
		return false;
	if (!P.first[0]) {
		snprintf(P.first, sizeof(P.first), "%s", where);
		strcpy(P.clock, clock);
		strcpy(P.kernel, kernel);
		strcpy(P.accel, accel);
		P.shift = shift;
		return true;
	}
	if (strcmp(clock, P.clock) ||
	    (!strcmp(clock, "icount") && shift != P.shift)) {
		char a[32] = "", b[32] = "";

		if (!strcmp(clock, "icount"))
			snprintf(a, sizeof(a), " (shift %g)", shift);
		if (!strcmp(P.clock, "icount"))
			snprintf(b, sizeof(b), " (shift %g)", P.shift);
		rd_fail(&P.d, "%s: clock %s%s, but %s is %s%s: one plan never "
			"mixes clocks (plan each clock's runs on their own)",
			where, clock, a, P.first, P.clock, b);
		return false;
	}
	if (strcmp(kernel, P.kernel) || strcmp(accel, P.accel)) {
		rd_fail(&P.d, "%s: guest kernel %s on %s, but %s is %s on %s: "
			"a plan is of one guest kernel and accelerator", where,
			kernel, accel, P.first, P.kernel, P.accel);
		return false;
	}
	return true;
}

static struct pl_layout *layout_of(const char *name, const char *where)
{
	unsigned int i;

	for (i = 0; i < P.nr; i++)
		if (!strcmp(P.l[i].name, name))
			return &P.l[i];
	if (P.nr == PL_MAX_LAYOUTS) {
		rd_fail(&P.d, "%s: more than %d layouts", where, PL_MAX_LAYOUTS);
		return NULL;
	}
	snprintf(P.l[P.nr].name, RD_NAME_LEN, "%s", name);
	return &P.l[P.nr++];
}

static bool get_ms(const struct jl_obj *o, const char *where,
		   const char *key, bool null_ok, double *out)
{
	return rd_row_f64(&P.d, o, where, key, 0, 1e9, null_ok,
			  "a time in ms, 0 to 10^9", out);
}

static bool plan_row(struct rdir *d, const struct jl_obj *o,
		     const char *where, void *arg)
{
	char fault[RD_NAME_LEN], variant[RD_NAME_LEN], verif[256], why[200];
	double ph[PL_PHASES], sj, enu, blackout;
	struct pl_layout *l;
	struct pl_row *r;
	uint64_t n, m;
	bool warmup;

	(void)d;
	(void)arg;
	if (jl_need_name(o, "fault", fault, sizeof(fault), why, sizeof(why)) ||
	    jl_need_name(o, "variant", variant, sizeof(variant), why,
			 sizeof(why)) ||
	    jl_need_bool(o, "warmup", &warmup, why, sizeof(why)) ||
	    jl_need_u64(o, "devices", 1U << 24, &n, why, sizeof(why)) ||
	    jl_need_u64(o, "preserved", n, &m, why, sizeof(why))) {
		rd_fail(&P.d, "%s: %s", where, why);
		return false;
	}
	if (!same_clock(o, where) ||
	    !get_ms(o, where, "blackout_ms", true, &blackout) ||
	    !text_field(o, where, "verification", NULL, verif, sizeof(verif)))
		return false;
	if (strcmp(fault, "none") || warmup || isnan(blackout) ||
	    strcmp(verif, "pass")) {
		P.skipped++;
		return true;
	}
	if (!n) {
		rd_fail(&P.d, "%s: \"devices\" is 0", where);
		return false;
	}
	if (!get_ms(o, where, "exit_ms", true, &ph[0]) ||
	    !get_ms(o, where, "jump_ms", true, &ph[1]) ||
	    !get_ms(o, where, "shutdown_jump_ms", false, &sj) ||
	    !get_ms(o, where, "boot_ms", false, &ph[2]) ||
	    !get_ms(o, where, "map_ms", false, &ph[3]) ||
	    !get_ms(o, where, "retrieve_ms", false, &ph[4]) ||
	    !get_ms(o, where, "enumerate_ms", false, &enu) ||
	    !get_ms(o, where, "lookup_ms", false, &ph[6]) ||
	    !get_ms(o, where, "user_ms", false, &ph[7]))
		return false;
	if (isnan(ph[0]) || isnan(ph[1])) {
		ph[0] = 0;
		ph[1] = sj;
	}
	if (ph[6] > enu) {
		rd_fail(&P.d, "%s: \"lookup_ms\" %g is more than \"enumerate_ms\" "
			"%g, which includes it", where, ph[6], enu);
		return false;
	}
	ph[5] = enu - ph[6];
	l = layout_of(variant, where);
	if (!l)
		return false;
	if (l->nr == PL_MAX_ROWS) {
		rd_fail(&P.d, "%s: more than %d jumps of %s", where, PL_MAX_ROWS,
			variant);
		return false;
	}
	if (!l->row) {
		l->row = calloc(PL_MAX_ROWS, sizeof(*l->row));
		if (!l->row) {
			rd_fail(&P.d, "out of memory");
			return false;
		}
		l->share = (double)m / n;
	}
	if (fabs((double)m / n - l->share) > 1e-9) {
		rd_fail(&P.d, "%s: %s preserves %llu of %llu, but %s of %g%% "
			"before: a plan fits N at one share preserved "
			"(--preserve unset: N/2)", where, variant,
			(unsigned long long)m, (unsigned long long)n, variant,
			100 * l->share);
		return false;
	}
	r = &l->row[l->nr++];
	r->n = n;
	r->m = m;
	memcpy(r->ph, ph, sizeof(ph));
	r->blackout = blackout;
	snprintf(r->where, sizeof(r->where), "%s", where);
	P.used++;
	return true;
}

/* RUN_DIR itself, or RUN_DIR/cycle for a `lubench run` directory. */
static bool read_run(const char *arg)
{
	static const char *const kinds[] = { "lubench-cycle-meta", NULL };
	static char paths[PL_MAX_RUNS][PATH_MAX];
	char *run = paths[P.runs];
	struct stat st;

	if (P.runs == PL_MAX_RUNS)
		die_usage("more than %d run directories", PL_MAX_RUNS);
	if (stat(arg, &st) || !S_ISDIR(st.st_mode))
		die_usage("%s: not a directory", arg);
	snprintf(run, PATH_MAX, "%s/cycle/meta.json", arg);
	if (!stat(run, &st))
		snprintf(run, PATH_MAX, "%s/cycle", arg);
	else
		snprintf(run, PATH_MAX, "%s", arg);
	P.run_name[P.runs++] = run;
	P.d.run = run;
	if (!rd_read_meta(&P.d, kinds))
		return false;
	jl_doc_free(&P.d.meta);
	return rd_read_rows(&P.d, "lubench-cycle", plan_row, NULL);
}

/* ---- fitting ---------------------------------------------------------- */

static bool selected(const char *name)
{
	const char *s = P.variants;
	size_t len = strlen(name);

	if (!s || !strcmp(s, "all"))
		return true;
	while (*s) {
		if (!strncmp(s, name, len) && (s[len] == ',' || !s[len]))
			return true;
		s = strchr(s, ',');
		if (!s)
			break;
		s++;
	}
	return false;
}

/* The layouts asked for, each measured at two N at least. */
static void check_layouts(void)
{
	char list[512], name[RD_NAME_LEN];
	const char *s = P.variants;
	unsigned int i, j, k = 0;

	if (s && strcmp(s, "all")) {
		while (*s) {
			size_t len = strcspn(s, ",");

			if (!len || len >= sizeof(name))
				die_usage("--variant: \"%s\" is not a list of "
					  "names", P.variants);
			memcpy(name, s, len);
			name[len] = 0;
			for (i = 0; i < P.nr && strcmp(P.l[i].name, name); i++)
				;
			if (i == P.nr)
				die_usage("--variant: no measured jump of %s in "
					  "the runs given", name);
			s += len + (s[len] == ',');
		}
	}
	for (i = 0; i < P.nr; i++) {
		struct pl_layout *l = &P.l[i];

		if (!selected(l->name))
			continue;
		k++;
		l->min_n = INFINITY;
		for (j = 0; j < l->nr; j++) {
			unsigned int m;

			l->max_n = fmax(l->max_n, l->row[j].n);
			l->min_n = fmin(l->min_n, l->row[j].n);
			for (m = 0; m < j && l->row[m].n != l->row[j].n; m++)
				;
			l->distinct += m == j;
		}
		if (l->distinct < 2)
			die_usage("%s was measured at one N only (N = %g, jumps: %u): "
				  "a fit against N needs at least two (run "
				  "workloads/plan.conf)", l->name, l->max_n,
				  l->nr);
	}
	if (!k)
		die_usage("no layout to plan");
	list[0] = 0;
	(void)list;
}

static double cap_of(const struct pl_layout *l)
{
	return P.extrapolate ? (double)(1U << 31) : PL_REACH * l->max_n;
}

/* Fit each phase to (x, y) with its chosen degree; the total's terms. */
static bool fit_all(struct pl_layout *l, double y[PL_PHASES][PL_MAX_ROWS],
		    bool choose, double *total, struct pf_fit *fit)
{
	double x[PL_MAX_ROWS];
	unsigned int i, k;

	for (i = 0; i < l->nr; i++)
		x[i] = l->row[i].n;
	total[0] = total[1] = total[2] = 0;
	for (k = 0; k < PL_PHASES; k++) {
		struct pf_fit f;

		if (choose ? !pf_choose(x, y[k], l->nr, P.alpha, &f) :
		    !pf_fit_deg(x, y[k], l->nr, fit[k].deg, &f))
			return false;
		if (choose)
			fit[k] = f;
		for (i = 0; i <= f.deg; i++)
			total[i] += f.c[i];
	}
	return true;
}

static void plan_layout(struct pl_layout *l, unsigned int idx)
{
	static double y[PL_PHASES][PL_MAX_ROWS], res[PL_PHASES][PL_MAX_ROWS];
	double cap = cap_of(l), t[3];
	uint64_t st = P.seed * 0x100000001b3ULL;
	unsigned int i, k, b;
	const char *c;

	(void)idx;
	/* The stream follows the seed and the layout's name, not its place. */
	for (c = l->name; *c; c++)
		st = (st ^ (unsigned char)*c) * 0x100000001b3ULL;
	for (i = 0; i < l->nr; i++)
		for (k = 0; k < PL_PHASES; k++)
			y[k][i] = l->row[i].ph[k];
	if (!fit_all(l, y, true, l->total, l->fit))
		die_usage("%s: the fit failed (too few distinct N)", l->name);
	for (k = 0; k < PL_PHASES; k++)
		for (i = 0; i < l->nr; i++)
			res[k][i] = y[k][i] - pf_eval(l->fit[k].c, l->fit[k].deg,
						      l->row[i].n);
	l->nmax = pf_nmax(l->total, P.budget, cap);
	l->boot = calloc(P.boots * 3, sizeof(double));
	l->boot_nmax = calloc(P.boots, sizeof(double));
	if (!l->boot || !l->boot_nmax)
		die_usage("out of memory");
	/*
	 * Residual bootstrap: each resample puts the residuals of one
	 * randomly drawn jump (all its phases together: they share a
	 * jump's noise) on each row's fitted values, and refits with the
	 * degrees chosen on the data.
	 */
	for (b = 0; b < P.boots; b++) {
		for (i = 0; i < l->nr; i++) {
			unsigned int j = pf_rand(&st) % l->nr;

			for (k = 0; k < PL_PHASES; k++)
				y[k][i] = pf_eval(l->fit[k].c, l->fit[k].deg,
						  l->row[i].n) + res[k][j];
		}
		if (!fit_all(l, y, false, t, l->fit))
			memcpy(t, l->total, sizeof(t));
		memcpy(&l->boot[3 * b], t, sizeof(t));
		l->boot_nmax[b] = pf_nmax(t, P.budget, cap);
	}
	{
		double *v = malloc(P.boots * sizeof(double));

		if (!v)
			die_usage("out of memory");
		memcpy(v, l->boot_nmax, P.boots * sizeof(double));
		l->nmax_lo = floor(pf_quantile(v, P.boots, 0.025));
		l->nmax_hi = ceil(pf_quantile(v, P.boots, 0.975));
		free(v);
	}
}

/* The predicted blackout at @n and its 95% interval over the resamples. */
static void predict(const struct pl_layout *l, double n, double *mid,
		    double *lo, double *hi)
{
	double *v = malloc(P.boots * sizeof(double));
	unsigned int b;

	if (!v)
		die_usage("out of memory");
	*mid = pf_eval(l->total, 2, n);
	for (b = 0; b < P.boots; b++)
		v[b] = pf_eval(&l->boot[3 * b], 2, n);
	*lo = pf_quantile(v, P.boots, 0.025);
	*hi = pf_quantile(v, P.boots, 0.975);
	free(v);
}

/* ---- printing --------------------------------------------------------- */

static const char *clock_words(void)
{
	static char buf[300];

	if (!strcmp(P.clock, "icount"))
		snprintf(buf, sizeof(buf), "clock: icount (QEMU -icount shift=%g), "
			 "ms of guest virtual time,\n  1 instruction = %g ns: "
			 "exact but for a 4 ms tick now and then",
			 P.shift, pow(2, P.shift));
	else if (!strcmp(P.accel, "tcg"))
		snprintf(buf, sizeof(buf), "clock: real, under TCG: emulator "
			 "time, which follows the host\n  (noisy; plan icount "
			 "runs for figures that repeat)");
	else
		snprintf(buf, sizeof(buf), "clock: real (%s), wall time of the "
			 "guest", P.accel);
	return buf;
}

/* N as a count, or "> CAP" / "0". */
static const char *n_str(char *buf, size_t len, double n, double cap)
{
	if (n > cap)
		snprintf(buf, len, ">%.0f", cap);
	else
		snprintf(buf, len, "%.0f", n);
	return buf;
}

/* The phase whose cost grows fastest at @n: what the budget meets first. */
static unsigned int limit_phase(const struct pl_layout *l, double n)
{
	unsigned int k, best = 0;

	for (k = 1; k < PL_PHASES; k++)
		if (pf_slope(l->fit[k].c, l->fit[k].deg, n) >
		    pf_slope(l->fit[best].c, l->fit[best].deg, n))
			best = k;
	return best;
}

static void print_header(FILE *f)
{
	unsigned int i;

	fprintf(f, "lubench plan: blackout budget %g ms\n%s\n", P.budget,
		clock_words());
	fprintf(f, "guest %s on %s; %u jumps fitted (%u others skipped: "
		"faults,\n  warm-ups, no blackout); from", P.kernel, P.accel,
		P.used, P.skipped);
	for (i = 0; i < P.runs; i++)
		fprintf(f, "\n  %s", P.run_name[i]);
	fprintf(f, "\nper phase: constant, linear or quadratic in N by F-test "
		"(p < %g);\n  N_max: largest N predicted within the budget, 95%% "
		"interval\n  over %llu bootstrap resamples of the residuals "
		"(seed %llu)\n\n", P.alpha, (unsigned long long)P.boots,
		(unsigned long long)P.seed);
}

static void print_table(FILE *f)
{
	bool beyond = false;
	unsigned int i;

	fprintf(f, "%-10s %8s %19s  %-22s %5s\n", "layout", "N_max",
		"95% interval", "limit: phase, us/dev", "M/N");
	for (i = 0; i < P.nr; i++) {
		const struct pl_layout *l = &P.l[i];
		char a[24], b[24], c[24], iv[64], lim[64];
		double cap = cap_of(l), at;
		unsigned int k;

		if (!selected(l->name))
			continue;
		at = l->nmax > cap ? cap : l->nmax;
		k = limit_phase(l, at);
		snprintf(iv, sizeof(iv), "[%s, %s]",
			 n_str(a, sizeof(a), l->nmax_lo, cap),
			 n_str(b, sizeof(b), l->nmax_hi, cap));
		snprintf(lim, sizeof(lim), "%s %.4g", ph_name[k],
			 1000 * pf_slope(l->fit[k].c, l->fit[k].deg, at));
		fprintf(f, "%-10s %8s %19s  %-22s %5.2f\n", l->name,
			n_str(c, sizeof(c), l->nmax, cap), iv, lim, l->share);
		beyond |= l->nmax > cap || l->nmax_hi > cap;
	}
	fprintf(f, "(limit: the phase whose cost grows fastest at N_max, in us "
		"per device)\n");
	if (beyond && !P.extrapolate)
		fprintf(f, "'>': beyond %dx the largest N measured, where this "
			"plan does not\n  extrapolate (--extrapolate to see the "
			"fit's value there)\n", PL_REACH);
	for (i = 0; i < P.nr; i++) {
		const struct pl_layout *l = &P.l[i];

		if (selected(l->name) && !l->nmax)
			fprintf(f, "%s: over the budget already at N = 1 "
				"(predicted %.1f ms)\n", l->name,
				pf_eval(l->total, 2, 1));
	}
}

static void print_devices(FILE *f)
{
	unsigned int i;

	fprintf(f, "\nat N = %llu devices: predicted blackout, ms\n",
		(unsigned long long)P.devices);
	fprintf(f, "%-10s %10s %21s  %s\n", "layout", "blackout",
		"95% interval", "within the budget");
	for (i = 0; i < P.nr; i++) {
		const struct pl_layout *l = &P.l[i];
		double mid, lo, hi;

		if (!selected(l->name))
			continue;
		predict(l, P.devices, &mid, &lo, &hi);
		fprintf(f, "%-10s %10.1f   [%7.1f, %8.1f]  %s\n", l->name, mid,
			lo, hi, hi <= P.budget ? "yes" : mid <= P.budget ?
			"yes, not at the interval's top" : lo <= P.budget ?
			"no, but the interval reaches it" : "no");
	}
}

static const char *const model_name[3] = { "const", "linear", "quad" };

static void print_fits(FILE *f)
{
	unsigned int i, j, k;

	fprintf(f, "\nfits: ms = a + b N + c N^2; b in us and c in ns per "
		"device (per\ndevice^2); R2adj adjusted R^2 ('-': exact or no "
		"spread); p the\nF-test of the chosen term; cost: us per added "
		"device at N_max\n");
	for (i = 0; i < P.nr; i++) {
		const struct pl_layout *l = &P.l[i];
		double cap = cap_of(l), at = l->nmax > cap ? cap : l->nmax;

		if (!selected(l->name))
			continue;
		fprintf(f, "\n%s: blackout = %.6g + %.6g N + %.6g N^2 ms\n",
			l->name, l->total[0], l->total[1], l->total[2]);
		fprintf(f, "  %-6s %-6s %10s %9s %9s %6s %7s %9s\n", "phase",
			"model", "a ms", "b us", "c ns", "R2adj", "p", "cost");
		for (k = 0; k < PL_PHASES; k++) {
			const struct pf_fit *p = &l->fit[k];
			char r2[16], pv[16], bs[16], cs[16];

			snprintf(r2, sizeof(r2), isnan(p->r2adj) ? "-" : "%.4f",
				 p->r2adj);
			snprintf(pv, sizeof(pv), isnan(p->p) ? "-" : "%.1e",
				 p->p);
			snprintf(bs, sizeof(bs), p->deg >= 1 ? "%.4g" : "-",
				 1e3 * p->c[1]);
			snprintf(cs, sizeof(cs), p->deg >= 2 ? "%.4g" : "-",
				 1e6 * p->c[2]);
			fprintf(f, "  %-6s %-6s %10.6g %9s %9s %6s %7s %9.4g\n",
				ph_name[k], model_name[p->deg], p->c[0], bs, cs,
				r2, pv, 1e3 * pf_slope(p->c, p->deg, at));
		}
		fprintf(f, "  residuals, ms (measured - fitted), by jump:\n"
			"  %-6s", "N");
		for (j = 0; j < l->nr; j++)
			fprintf(f, "%s%8.0f", j && !(j % 7) ? "\n        " : "",
				l->row[j].n);
		fputc('\n', f);
		for (k = 0; k < PL_PHASES; k++) {
			fprintf(f, "  %-6s", ph_name[k]);
			for (j = 0; j < l->nr; j++) {
				double e = l->row[j].ph[k] -
					   pf_eval(l->fit[k].c, l->fit[k].deg,
						   l->row[j].n);

				if (fabs(e) < 5e-4)
					e = 0;
				fprintf(f, "%s%+8.3f", j && !(j % 7) ?
					"\n        " : "", e);
			}
			fputc('\n', f);
		}
	}
}

static void print_plan(FILE *f, bool brief)
{
	print_header(f);
	print_table(f);
	if (P.devices)
		print_devices(f);
	if (!brief)
		print_fits(f);
}

/* ---- the plot's data and script --------------------------------------- */

static FILE *out_file(const char *name)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", P.out, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "lubench-plan: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return f;
}

static void out_close(FILE *f, const char *name)
{
	if (ferror(f) | fclose(f)) {
		fprintf(stderr, "lubench-plan: %s/%s: write error\n", P.out, name);
		exit(1);
	}
}

static const char *const colour[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
	"#e377c2", "#17becf", "#7f7f7f", "#bcbd22",
};

static void write_plot(void)
{
	double lo_n = INFINITY, hi_n = 0;
	unsigned int i, j, k = 0;
	const char *sep = "plot ";
	char name[64];
	FILE *f, *gp;

	for (i = 0; i < P.nr; i++)
		if (selected(P.l[i].name)) {
			lo_n = fmin(lo_n, P.l[i].min_n);
			hi_n = fmax(hi_n, cap_of(&P.l[i]) > 4 * PL_REACH * P.l[i].max_n ?
				    4 * PL_REACH * P.l[i].max_n : cap_of(&P.l[i]));
		}
	lo_n = fmax(1, lo_n / 2);
	gp = out_file("plan.gp");
	fprintf(gp, "set title \"Predicted blackout against N per layout, budget "
		"%g ms\\n{/*0.8 %s clock%s; band: 95%% bootstrap interval; "
		"points: measured jumps}\"\n", P.budget, P.clock,
		!strcmp(P.clock, "icount") ? " (guest virtual time)" :
		!strcmp(P.accel, "tcg") ? " (TCG emulator time)" : "");
	fprintf(gp, "set logscale x 2\nset xrange [%g:%g]\n"
		"set xlabel \"devices enumerated N (log scale), M = N x the "
		"layout's share preserved\"\n"
		"set ylabel \"blackout, ms (%s clock)\"\n"
		"set key outside right top box noenhanced\n"
		"set grid xtics ytics lc rgb \"#d8d8d8\"\n"
		"set yrange [0:%g]\n", lo_n, hi_n, P.clock, 2 * P.budget);
	for (i = 0; i < P.nr; i++) {
		const struct pl_layout *l = &P.l[i];
		double cap = cap_of(l), top;

		if (!selected(l->name))
			continue;
		top = fmin(cap, hi_n);
		snprintf(name, sizeof(name), "plan-%s.dat", l->name);
		f = out_file(name);
		for (j = 0; j < PL_GRID; j++) {
			double n = lo_n * pow(top / lo_n, j / (PL_GRID - 1.0));
			double mid, a, b;

			predict(l, n, &mid, &a, &b);
			fprintf(f, "%.6g %.6g %.6g %.6g\n", n, mid, a, b);
		}
		out_close(f, name);
		snprintf(name, sizeof(name), "points-%s.dat", l->name);
		f = out_file(name);
		for (j = 0; j < l->nr; j++)
			fprintf(f, "%g %.6g\n", l->row[j].n, l->row[j].blackout);
		out_close(f, name);
		fprintf(gp, "%s\"plan-%s.dat\" using 1:3:4 with filledcurves "
			"fs transparent solid 0.15 noborder lc rgb \"%s\" notitle, "
			"\\\n     \"plan-%s.dat\" using 1:2 with lines lw 2 lc rgb "
			"\"%s\" title \"%s\", \\\n     \"points-%s.dat\" using 1:2 "
			"with points pt 7 ps 0.8 lc rgb \"%s\" notitle", sep,
			l->name, colour[k % 10], l->name, colour[k % 10], l->name,
			l->name, colour[k % 10]);
		sep = ", \\\n     ";
		k++;
	}
	fprintf(gp, ", \\\n     %g with lines dt 2 lw 2 lc rgb \"#000000\" "
		"title \"budget %g ms\"\n", P.budget, P.budget);
	out_close(gp, "plan.gp");
	f = out_file("plan.txt");
	print_plan(f, false);
	out_close(f, "plan.txt");
	f = out_file("plan-brief.txt");
	print_plan(f, true);
	out_close(f, "plan-brief.txt");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "budget-ms", required_argument, NULL, 'b' },
		{ "variant", required_argument, NULL, 'v' },
		{ "devices", required_argument, NULL, 'n' },
		{ "extrapolate", no_argument, NULL, 'x' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "boot", required_argument, NULL, 'k' },
		{ "seed", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char why[200];
	struct stat st;
	int c, ret, i;

	P.alpha = 0.01;
	P.boots = 2000;
	P.seed = 1;
	P.budget = NAN;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			ret = lb_parse_double(optarg, 1e-9, 1e9, &P.budget);
			if (ret)
				die_usage("--budget-ms: '%s' is not a number of ms "
					  "above 0, at most 10^9", optarg);
			break;
		case 'v':
			P.variants = optarg;
			break;
		case 'n':
			ret = lb_parse_u64(optarg, 1, 1U << 31, &P.devices);
			if (ret)
				die_usage("%s", lb_parse_error(why, sizeof(why),
					  "--devices", optarg, ret, 1, 1U << 31));
			break;
		case 'x':
			P.extrapolate = true;
			break;
		case 'a':
			ret = lb_parse_double(optarg, 1e-12, 0.5, &P.alpha);
			if (ret)
				die_usage("--alpha: '%s' is not a level in "
					  "(0, 0.5]", optarg);
			break;
		case 'k':
			ret = lb_parse_u64(optarg, 100, 1000000, &P.boots);
			if (ret)
				die_usage("%s", lb_parse_error(why, sizeof(why),
					  "--boot", optarg, ret, 100, 1000000));
			break;
		case 's':
			ret = lb_parse_u64(optarg, 0, UINT64_MAX, &P.seed);
			if (ret)
				die_usage("%s", lb_parse_error(why, sizeof(why),
					  "--seed", optarg, ret, 0, UINT64_MAX));
			break;
		case 'o':
			P.out = optarg;
			break;
		default:
			usage();
		}
	}
	if (isnan(P.budget))
		die_usage("--budget-ms is required (the blackout budget in ms)");
	if (optind == argc)
		die_usage("no run directory given: plan reads cycle runs "
			  "(./lubench run workloads/plan.conf makes one)");
	if (P.out && !stat(P.out, &st) && !S_ISDIR(st.st_mode))
		die_usage("--out %s: exists and is not a directory", P.out);
	for (i = optind; i < argc; i++)
		if (!read_run(argv[i]))
			return 2;
	if (!P.used)
		die_usage("no measured jump with a blackout in the runs given "
			  "(faults, warm-ups and refused jumps are not fitted)");
	check_layouts();
	if (P.devices && !P.extrapolate)
		for (i = 0; i < (int)P.nr; i++)
			if (selected(P.l[i].name) &&
			    P.devices > PL_REACH * P.l[i].max_n)
				die_usage("--devices %llu is more than %dx the "
					  "largest N measured for %s (%g): "
					  "refused without --extrapolate",
					  (unsigned long long)P.devices,
					  PL_REACH, P.l[i].name, P.l[i].max_n);
	for (i = 0; i < (int)P.nr; i++)
		if (selected(P.l[i].name))
			plan_layout(&P.l[i], i);
	if (P.out) {
		if (mkdir(P.out, 0777) && errno != EEXIST) {
			fprintf(stderr, "lubench-plan: --out %s: %s\n", P.out,
				strerror(errno));
			return 1;
		}
		write_plot();
	}
	print_plan(stdout, false);
	return 0;
}
