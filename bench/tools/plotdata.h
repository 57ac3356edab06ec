/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lubench-plotdata: a result directory's rows and meta.json, read and
 * checked in C (resultdir.h), into the files gnuplot reads: data files
 * (.dat), one gnuplot script per figure (.gp) and the list of figures.
 * Shared by the bench and the cycle figures (plotdata_bench.c,
 * plotdata_cycle.c).
 */
#ifndef LUBENCH_PLOTDATA_H
#define LUBENCH_PLOTDATA_H

#include "resultdir.h"

/* A file in out/ for writing; a figure's script also lists the figure. */
FILE *pd_file(struct rdir *d, const char *name);
FILE *pd_figure(struct rdir *d, const char *name);
bool pd_close(struct rdir *d, FILE *f, const char *name);

/*
 * Text from the data inside a gnuplot double-quoted string: " and \
 * escaped and, for enhanced text, the characters that would format
 * (_ ^ { } @ & ~); control characters dropped.
 */
void gp_esc(FILE *f, const char *s);

/* The @i-th colour of a line or a bar, 0-based. */
const char *pd_colour(unsigned int i);

/* A bench run, or with @counted a `lubench count` run. */
int pd_bench(struct rdir *d, bool counted);
int pd_cycle(struct rdir *d);
int pd_stress(struct rdir *d);

#endif /* LUBENCH_PLOTDATA_H */
