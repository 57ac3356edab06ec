// SPDX-License-Identifier: GPL-2.0
/*
 * The figures of a `lubench cycle` run: the blackout as stacked phases
 * per layout (one figure per N), the layout's own part of it (retrieve +
 * lookups), and with several N the lookups' share of the blackout
 * against N.  Medians over the measured jumps: no fault, no warm-up, a
 * blackout reported.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "plotdata.h"

#define PC_MAX_GROUPS	256
#define PC_MAX_REPS	256
#define PC_PHASES	8

/* The stacked phases, in the order they happen, and their colours. */
static const char *const phase_title[PC_PHASES] = {
	"exit (freeze to kexec -e)", "old kernel shutdown + jump",
	"boot to module init", "map handover memory",
	"retrieve (validate, build)", "enumerate (lookups excluded)",
	"lookups (pci_ser_find)", "user space: retrieve + finish",
};
static const char *const phase_colour[PC_PHASES] = {
	"#7f7f7f", "#bdbdbd", "#6baed6", "#9e9ac8", "#fdae6b", "#a1d99b",
	"#d62728", "#31a354",
};
enum { PH_EXIT, PH_JUMP, PH_BOOT, PH_MAP, PH_RETRIEVE, PH_ENUM, PH_LOOKUP,
       PH_USER };

/* The jumps of one (N, layout): each jump's phases, blackout, share. */
struct pc_group {
	uint64_t n, m;
	char variant[RD_NAME_LEN];
	unsigned int reps;
	double ph[PC_PHASES][PC_MAX_REPS];
	double blackout[PC_MAX_REPS], share[PC_MAX_REPS];
};

struct pc {
	struct pc_group g[PC_MAX_GROUPS];
	unsigned int nr;
	const char *run_id, *accel, *kernel, *cpu;
};

static bool get_ms(struct rdir *p, const struct jl_obj *o, const char *where,
		   const char *key, bool null_ok, double *out)
{
	return rd_row_f64(p, o, where, key, -1e12, 1e12, null_ok,
			  "a time in ms", out);
}

static struct pc_group *group_of(struct pc *c, uint64_t n, const char *v)
{
	unsigned int i;

	for (i = 0; i < c->nr; i++)
		if (c->g[i].n == n && !strcmp(c->g[i].variant, v))
			return &c->g[i];
	if (c->nr == PC_MAX_GROUPS)
		return NULL;
	c->g[c->nr].n = n;
	strcpy(c->g[c->nr].variant, v);
	return &c->g[c->nr++];
}

/* A measured jump's phases; exit and jump as one when either is unknown. */
static bool jump_phases(struct rdir *p, const struct jl_obj *o,
			const char *where, double *ph)
{
	double sj, enu;

	if (!get_ms(p, o, where, "exit_ms", true, &ph[PH_EXIT]) ||
	    !get_ms(p, o, where, "jump_ms", true, &ph[PH_JUMP]) ||
	    !get_ms(p, o, where, "shutdown_jump_ms", true, &sj) ||
	    !get_ms(p, o, where, "boot_ms", false, &ph[PH_BOOT]) ||
	    !get_ms(p, o, where, "map_ms", false, &ph[PH_MAP]) ||
	    !get_ms(p, o, where, "retrieve_ms", false, &ph[PH_RETRIEVE]) ||
	    !get_ms(p, o, where, "enumerate_ms", false, &enu) ||
	    !get_ms(p, o, where, "lookup_ms", false, &ph[PH_LOOKUP]) ||
	    !get_ms(p, o, where, "user_ms", false, &ph[PH_USER]))
		return false;
	if (isnan(ph[PH_EXIT]) || isnan(ph[PH_JUMP])) {
		ph[PH_EXIT] = 0;
		ph[PH_JUMP] = sj;
	}
	ph[PH_ENUM] = enu - ph[PH_LOOKUP];
	return true;
}

static bool cycle_row(struct rdir *p, const struct jl_obj *o, const char *where,
		      void *arg)
{
	char fault[RD_NAME_LEN], variant[RD_NAME_LEN], why[200];
	double ph[PC_PHASES], blackout;
	struct pc *c = arg;
	struct pc_group *g;
	uint64_t n, m;
	bool warmup;
	unsigned int i;

	if (jl_need_name(o, "fault", fault, sizeof(fault), why, sizeof(why)) ||
	    jl_need_name(o, "variant", variant, sizeof(variant), why,
			 sizeof(why)) ||
	    jl_need_bool(o, "warmup", &warmup, why, sizeof(why)) ||
	    jl_need_u64(o, "devices", UINT32_MAX, &n, why, sizeof(why)) ||
	    jl_need_u64(o, "preserved", UINT32_MAX, &m, why, sizeof(why))) {
		rd_fail(p, "%s: %s", where, why);
		return false;
	}
	if (!get_ms(p, o, where, "blackout_ms", true, &blackout))
		return false;
	if (strcmp(fault, "none") || warmup || isnan(blackout))
		return true;
	if (!jump_phases(p, o, where, ph))
		return false;
	g = group_of(c, n, variant);
	if (!g || g->reps == PC_MAX_REPS) {
		rd_fail(p, "%s: more than %d (N, layout) groups or %d jumps of one",
			where, PC_MAX_GROUPS, PC_MAX_REPS);
		return false;
	}
	for (i = 0; i < PC_PHASES; i++)
		g->ph[i][g->reps] = ph[i];
	g->blackout[g->reps] = blackout;
	g->share[g->reps] = blackout ? 100 * ph[PH_LOOKUP] / blackout : 0;
	g->m = m;
	g->reps++;
	return true;
}



/*
 * phases-N.dat: variant M reps, the eight phases, blackout (columns 1 to
 * 12); share-VARIANT.dat: N and the lookups' share, for N ascending.
 */
static bool write_phases(struct rdir *p, const struct pc *c, uint64_t n)
{
	char name[64];
	unsigned int i, k;
	FILE *f;

	snprintf(name, sizeof(name), "phases-%llu.dat", (unsigned long long)n);
	f = pd_file(p, name);
	if (!f)
		return false;
	for (i = 0; i < c->nr; i++) {
		const struct pc_group *g = &c->g[i];

		if (g->n != n)
			continue;
		fprintf(f, "%s %llu %u", g->variant, (unsigned long long)g->m,
			g->reps);
		for (k = 0; k < PC_PHASES; k++)
			fprintf(f, " %.9g", stats_median(g->ph[k], g->reps));
		fprintf(f, " %.9g\n", stats_median(g->blackout, g->reps));
	}
	return pd_close(p, f, name);
}

static int cmp_group_n(const void *a, const void *b)
{
	const struct pc_group *x = *(const struct pc_group *const *)a;
	const struct pc_group *y = *(const struct pc_group *const *)b;

	return x->n < y->n ? -1 : x->n > y->n;
}

static bool write_share(struct rdir *p, const struct pc *c, const char *v)
{
	const struct pc_group *g[PC_MAX_GROUPS];
	unsigned int i, k = 0;
	char name[64];
	FILE *f;

	for (i = 0; i < c->nr; i++)
		if (!strcmp(c->g[i].variant, v))
			g[k++] = &c->g[i];
	qsort(g, k, sizeof(*g), cmp_group_n);
	snprintf(name, sizeof(name), "share-%s.dat", v);
	f = pd_file(p, name);
	if (!f)
		return false;
	for (i = 0; i < k; i++)
		fprintf(f, "%llu %.9g\n", (unsigned long long)g[i]->n,
			stats_median(g[i]->share, g[i]->reps));
	return pd_close(p, f, name);
}

static void subtitle(FILE *f, const struct pc *c)
{
	fputs("\\n{/*0.8 run ", f);
	gp_esc(f, c->run_id);
	fputs("; accelerator ", f);
	gp_esc(f, c->accel);
	fputs(" (", f);
	gp_esc(f, c->cpu);
	fputs("), guest ", f);
	gp_esc(f, c->kernel);
	fputs("}\"\n", f);
}

/* At N: M of the first layout that is not the control, the most jumps. */
static void at_n(const struct pc *c, uint64_t n, uint64_t *m,
		 unsigned int *reps, double *top, double *ltop)
{
	unsigned int i;

	*m = 0;
	*reps = 0;
	*top = *ltop = 0;
	for (i = 0; i < c->nr; i++) {
		const struct pc_group *g = &c->g[i];
		double own;

		if (g->n != n)
			continue;
		if (!*m && strcmp(g->variant, "none"))
			*m = g->m;
		*reps = g->reps > *reps ? g->reps : *reps;
		*top = fmax(*top, stats_median(g->blackout, g->reps));
		own = stats_median(g->ph[PH_RETRIEVE], g->reps) +
		      stats_median(g->ph[PH_LOOKUP], g->reps);
		*ltop = fmax(*ltop, own);
	}
}

static void histogram_style(FILE *f, const char *ylabel, const char *xlabel,
			    double top)
{
	fprintf(f, "set style data histograms\nset style histogram rowstacked\n"
		"set style fill solid 0.9 border rgb \"#404040\"\n"
		"set boxwidth 0.7\n"
		"set key outside right top vertical Left reverse noenhanced box\n"
		"set ylabel \"%s\"\nset xlabel \"%s\"\nset yrange [0:%g]\n"
		"set grid ytics lc rgb \"#d8d8d8\"\nset bmargin 5\n", ylabel,
		xlabel, top);
}

static bool figures_at(struct rdir *p, const struct pc *c, uint64_t n)
{
	char name[64], each[64];
	unsigned int reps, k;
	double top, ltop;
	uint64_t m;
	FILE *f;

	at_n(c, n, &m, &reps, &top, &ltop);
	if (reps > 1)
		snprintf(each, sizeof(each), "median of up to %u jumps per bar", reps);
	else
		snprintf(each, sizeof(each), "one jump per bar");
	snprintf(name, sizeof(name), "blackout-phases-n%llu", (unsigned long long)n);
	f = pd_figure(p, name);
	if (!f)
		return false;
	fprintf(f, "set title \"Blackout by phase, N = %llu enumerated, M = %llu "
		"preserved; %s", (unsigned long long)n, (unsigned long long)m,
		each);
	subtitle(f, c);
	histogram_style(f, "ms from the freeze (guest TSC)",
			"variant (none: no table, no lookups: the floor)",
			top * 1.1);
	for (k = 0; k < PC_PHASES; k++)
		fprintf(f, "%s\"phases-%llu.dat\" using %u%s title \"%s\" lc rgb \"%s\"",
			k ? ", \\\n     " : "plot ", (unsigned long long)n, k + 4,
			k ? "" : ":xtic(1)", phase_title[k], phase_colour[k]);
	fprintf(f, ", \\\n     \"phases-%llu.dat\" using ($0):($12):(sprintf(\"%%.0f\", $12)) "
		"with labels offset 0,0.8 notitle\n", (unsigned long long)n);
	if (!pd_close(p, f, name))
		return false;

	snprintf(name, sizeof(name), "layout-cost-n%llu", (unsigned long long)n);
	f = pd_figure(p, name);
	if (!f)
		return false;
	fprintf(f, "set title \"The layout's own part of the blackout, N = %llu, "
		"M = %llu; %s", (unsigned long long)n, (unsigned long long)m, each);
	subtitle(f, c);
	histogram_style(f, "ms (guest TSC)", "variant",
			(ltop > 0 ? ltop : 1) * 1.15);
	fprintf(f, "plot \"phases-%llu.dat\" using 8:xtic(1) title \"retrieve "
		"(validate, build)\" lc rgb \"#fdae6b\", \\\n"
		"     \"\" using 10 title \"lookups during enumeration\" lc rgb \"#d62728\", \\\n"
		"     \"\" using ($0):($8 + $10):(sprintf(\"%%.2f\", $8 + $10)) with "
		"labels offset 0,0.8 notitle\n", (unsigned long long)n);
	return pd_close(p, f, name);
}

/* The lookups' share against N, one line per layout (not the control). */
static bool share_figure(struct rdir *p, const struct pc *c)
{
	const char *sep = "plot ";
	unsigned int i, j, k = 0;
	FILE *f = pd_figure(p, "lookup-share");

	if (!f)
		return false;
	fputs("set title \"Lookups' share of the blackout against N (M = N/2 "
	      "unless set)", f);
	subtitle(f, c);
	fputs("set logscale x 2\nset logscale y 10\nset format y '%g'\n"
	      "set xlabel \"devices enumerated N (log scale)\"\n"
	      "set ylabel \"lookups, % of the blackout (log scale)\"\n"
	      "set key outside right top box noenhanced\n"
	      "set grid xtics ytics lc rgb \"#d8d8d8\"\n"
	      "set offsets graph 0.05, graph 0.05, 0, 0\n", f);
	for (i = 0; i < c->nr; i++) {
		const char *v = c->g[i].variant;

		for (j = 0; j < i && strcmp(c->g[j].variant, v); j++)
			;
		if (j < i || !strcmp(v, "none"))
			continue;
		if (!write_share(p, c, v))
			return false;
		fprintf(f, "%s\"share-%s.dat\" using 1:($2 > 0 ? $2 : NaN) with "
			"linespoints lw 2 pt %u lc rgb \"%s\" title \"%s\"", sep,
			v, k + 1, pd_colour(k), v);
		sep = ", \\\n     ";
		k++;
	}
	fputs("\n", f);
	return pd_close(p, f, "lookup-share");
}

int pd_cycle(struct rdir *p)
{
	static struct pc c;
	uint64_t sizes[PC_MAX_GROUPS];
	unsigned int i, j, ns = 0;
	bool ok = true;

	if (!rd_meta_str(p, "run_id", &c.run_id) ||
	    !rd_meta_str(p, "accelerator", &c.accel) ||
	    !rd_meta_str(p, "guest_kernel", &c.kernel) ||
	    !rd_meta_str(p, "guest_cpu", &c.cpu) ||
	    !rd_read_rows(p, "lubench-cycle", cycle_row, &c))
		return p->err;
	if (!c.nr) {
		rd_fail(p, "%s/results.jsonl: no measured jump with a blackout",
			p->run);
		return p->err;
	}
	for (i = 0; i < c.nr; i++) {
		for (j = 0; j < ns && sizes[j] != c.g[i].n; j++)
			;
		if (j == ns)
			sizes[ns++] = c.g[i].n;
	}
	for (i = 0; ok && i < ns; i++)
		ok = write_phases(p, &c, sizes[i]) && figures_at(p, &c, sizes[i]);
	if (ok && ns > 1)
		ok = share_figure(p, &c);
	return ok ? 0 : p->err;
}
