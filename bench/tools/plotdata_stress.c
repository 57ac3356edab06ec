// SPDX-License-Identifier: GPL-2.0
/*
 * The figure of a `lubench stress` run: ops/s against threads, a line
 * per layout (wall clock: read on the machine that ran it only).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plotdata.h"

#define PS_MAX_VARIANTS	16
#define PS_MAX_POINTS	64

struct ps {
	char name[PS_MAX_VARIANTS][RD_NAME_LEN];
	unsigned int nr;
	unsigned int np[PS_MAX_VARIANTS];
	double threads[PS_MAX_VARIANTS][PS_MAX_POINTS];
	double rate[PS_MAX_VARIANTS][PS_MAX_POINTS];
};

static bool stress_row(struct rdir *p, const struct jl_obj *o,
		       const char *where, void *arg)
{
	struct ps *s = arg;
	char variant[RD_NAME_LEN], why[200];
	double t, r;
	int v;

	if (jl_need_name(o, "variant", variant, sizeof(variant), why,
			 sizeof(why))) {
		rd_fail(p, "%s: %s", where, why);
		return false;
	}
	if (!rd_row_f64(p, o, where, "threads", 1, 1024, false, "a count",
			&t) ||
	    !rd_row_f64(p, o, where, "ops_per_s", 0, 1e12, false,
			"ops per second", &r))
		return false;
	v = rd_name_index(s->name, &s->nr, PS_MAX_VARIANTS, variant);
	if (v < 0 || s->np[v] == PS_MAX_POINTS) {
		rd_fail(p, "%s: more than %d layouts or %d points of one",
			where, PS_MAX_VARIANTS, PS_MAX_POINTS);
		return false;
	}
	s->threads[v][s->np[v]] = t;
	s->rate[v][s->np[v]++] = r;
	return true;
}

int pd_stress(struct rdir *p)
{
	static struct ps s;
	const char *run_id;
	unsigned int v, k;
	FILE *dat, *gp;

	memset(&s, 0, sizeof(s));
	if (!rd_meta_str(p, "run_id", &run_id) ||
	    !rd_read_rows(p, "lubench-stress", stress_row, &s))
		return p->err;
	if (!s.nr) {
		rd_fail(p, "%s/results.jsonl: no stress row", p->run);
		return p->err;
	}
	dat = pd_file(p, "stress.dat");
	if (!dat)
		return p->err;
	for (v = 0; v < s.nr; v++) {
		for (k = 0; k < s.np[v]; k++)
			fprintf(dat, "%g %.6g\n", s.threads[v][k],
				s.rate[v][k] / 1e6);
		fprintf(dat, "\n\n");
	}
	if (!pd_close(p, dat, "stress.dat"))
		return p->err;
	gp = pd_figure(p, "stress-scaling");
	if (!gp)
		return p->err;
	fprintf(gp, "set title \"stress: ops/s against threads (wall clock, "
		"model checked in every op; run ");
	gp_esc(gp, run_id);
	fprintf(gp, ")\"\nset xlabel \"threads\"\nset ylabel \"million ops/s, "
		"all threads\"\nset key outside right\nset grid\n"
		"set xtics 1\nset yrange [0:*]\nplot \\\n");
	for (v = 0; v < s.nr; v++) {
		fprintf(gp, "  \"stress.dat\" index %u using 1:2 with "
			"linespoints lw 2 lc rgb \"%s\" title \"", v,
			pd_colour(v));
		gp_esc(gp, s.name[v]);
		fprintf(gp, "\"%s\n", v + 1 < s.nr ? ", \\" : "");
	}
	return pd_close(p, gp, "stress-scaling.gp") ? 0 : p->err;
}
