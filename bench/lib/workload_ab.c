// SPDX-License-Identifier: GPL-2.0
/*
 * The [ab] section of `./lubench ab` workloads: its keys and their
 * ranges, checked when the file is read (lubench-workload check), so a
 * bad value is refused at its line before anything is built; ab.sh reads
 * the values back.  ([count] is lubench count's own table,
 * bench/count/count_opts.c.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"

#include "workload_cycle.h"

/* What ab reads back is what the file says: setters only check. */
static int set_rounds(void *ctx, const char *val, char *err, size_t len)
{
	uint64_t v;

	(void)ctx;
	return lb_opt_num("--rounds", val, 1, 50, &v, err, len);
}

static int set_reps(void *ctx, const char *val, char *err, size_t len)
{
	uint64_t v;

	(void)ctx;
	return lb_opt_num("--reps", val, 3, 100, &v, err, len);
}

static int set_gate(void *ctx, const char *val, char *err, size_t len)
{
	(void)ctx;
	if (!strcmp(val, "counts") || !strcmp(val, "counts,wall") ||
	    !strcmp(val, "wall,counts"))
		return 0;
	snprintf(err, len, "--gate: '%s' is not counts or counts,wall", val);
	return -1;
}

/* A floor in %, as lubench compare takes it. */
static int set_pct(const char *opt, double max, const char *val, char *err,
		   size_t len)
{
	double v;
	int e = lb_parse_double(val, 0, max, &v);

	if (e == -EINVAL)
		snprintf(err, len, "%s: '%s' is not a number", opt, val);
	else if (e)
		snprintf(err, len, "%s: %s is out of range (0..%g)", opt, val,
			 max);
	return e ? -1 : 0;
}

static int set_min_effect(void *ctx, const char *val, char *err, size_t len)
{
	(void)ctx;
	return set_pct("--min-effect", 1000, val, err, len);
}

static int set_count_floor(void *ctx, const char *val, char *err, size_t len)
{
	(void)ctx;
	return set_pct("--count-floor", 100, val, err, len);
}

static int finish_none(void *ctx, char *err, size_t len)
{
	(void)ctx;
	(void)err;
	(void)len;
	return 0;
}

/* A context nobody reads: setters here store nothing. */
static void *ctx_none(void)
{
	return malloc(1);
}

static const struct lb_option ab_options[] = {
	{ "rounds", "R", "wall clock: invocations per revision (1..50)",
	  .set = set_rounds },
	{ "reps", "K", "samples per invocation (3..100)", .set = set_reps },
	{ "gate", "counts|counts,wall", "what decides the verdict",
	  .set = set_gate },
	{ "min-effect", "PCT", "wall clock: the floor (0..1000)",
	  .set = set_min_effect },
	{ "count-floor", "PCT", "counts: the floor (0..100)",
	  .set = set_count_floor },
	{ }
};

const struct lb_stage ab_stage = {
	.name		= "ab",
	.opts		= ab_options,
	.ctx_new	= ctx_none,
	.finish		= finish_none,
	.ctx_free	= free,
};
