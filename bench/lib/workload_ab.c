// SPDX-License-Identifier: GPL-2.0
/*
 * The [ab] section of `./lubench ab` workloads: which keys it has, and
 * which take a value.  Its values are checked where they are used, by
 * scripts/host/ab.sh.  ([count] is lubench count's own table,
 * bench/count/count_opts.c.)
 */
#include <stdlib.h>

#include "workload_cycle.h"

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
	{ "rounds", "R", "wall clock: invocations per revision", .set = lb_opt_any },
	{ "reps", "K", "samples per invocation", .set = lb_opt_any },
	{ "gate", "counts|counts,wall", "what decides the verdict",
	  .set = lb_opt_any },
	{ "min-effect", "PCT", "wall clock: the floor", .set = lb_opt_any },
	{ "count-floor", "PCT", "counts: the floor", .set = lb_opt_any },
	{ }
};

const struct lb_stage ab_stage = {
	.name		= "ab",
	.opts		= ab_options,
	.ctx_new	= ctx_none,
	.finish		= finish_none,
	.ctx_free	= free,
};
