/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What lubench-compare reads from a run (compare_read.c) and compares
 * (compare.c): points of one metric, and what says where and how they
 * were measured, which decides whether two runs compare at all.
 */
#ifndef LUBENCH_COMPARE_H
#define LUBENCH_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats.h"

/* The three clocks of DESIGN.md, never mixed in one comparison. */
enum cmp_metric {
	CMP_WALL,	/* ns or ms of real time: samples, a rank test */
	CMP_COUNT,	/* instructions (callgrind): exact, equal or not */
	CMP_ICOUNT,	/* guest virtual time under QEMU icount */
};

#define CMP_KEY		128
#define CMP_MAX_ID	5
/* The wall clock's significance level unless --alpha says otherwise. */
#define CMP_DEFAULT_ALPHA	0.01

struct cmp_point {
	char key[CMP_KEY];	/* "op variant n=N [path]", "phase variant devices=N" */
	char ref[CMP_KEY];	/* the same point of the linear layout */
	unsigned int line;	/* where it was (first) read */
	double *s;		/* samples (wall, icount) */
	size_t n, cap;
	struct stats st;
	double value;		/* what is compared: a count, or the median */
	/* Counts: the same devices and the same number of ops, or refused. */
	char hash[24];
	uint64_t ops;
};

/* A field that must be the same in both runs for them to compare. */
struct cmp_id {
	const char *name;	/* as messages show it */
	char value[160];
};

struct cmp_run {
	const char *arg;	/* as given */
	char path[4096];	/* its results.jsonl */
	char schema[32];
	enum cmp_metric metric;
	const char *unit;	/* "ns/op", "instructions/op", "ms" */
	struct cmp_id id[CMP_MAX_ID];
	unsigned int nr_id;
	struct cmp_point *pt;
	size_t nr, alloc;
};

/*
 * Read the run at @arg (a result directory or its results.jsonl) into @r:
 * every row of one known schema at a known version, the identity its
 * metric compares by (meta.json's machine for wall-clock runs, the rows'
 * tool and build for counts, the shift and guest kernel for icount).
 * With @pool, a point given twice pools its samples (the rounds of an
 * interleaved `lubench ab`); otherwise it is refused.  0, or -1 with the
 * reason on stderr as FILE:LINE: reason.
 */
int cmp_read_run(const char *arg, struct cmp_run *r, bool pool);

const struct cmp_point *cmp_find(const struct cmp_run *r, const char *key);

/*
 * compare.c's verdict, shared with the calibration of the wall-clock
 * gate (compare_calibrate.c): whether two runs compare at all (the
 * reason on stderr when not), the change in % of , and whether a
 * wall-clock point moved (Mann-Whitney p <  and || >=
 *  %).
 */
bool cmp_comparable(const struct cmp_run *a, const struct cmp_run *b,
		    bool cross_machine);
double cmp_pct(double part, double whole);
double cmp_mann_whitney_p(const double *a, size_t na, const double *b,
			  size_t nb);
bool cmp_wall_moved(const struct cmp_point *a, const struct cmp_point *b,
		    double alpha, double min_effect, double change);

/*
 * lubench-compare --calibrate: the report of scripts/host/ab-calibrate.sh
 * from its ab runs (compare_calibrate.c).  The exit status.
 */
int cmp_calibrate(int argc, char **argv);

#endif /* LUBENCH_COMPARE_H */
