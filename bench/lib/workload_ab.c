// SPDX-License-Identifier: GPL-2.0
/*
 * The [ab] and [count] sections of `./lubench ab` workloads: which keys
 * they have, and which take a value.  Their values are checked where
 * they are used: [ab]'s by scripts/host/ab.sh, [count]'s by
 * `lubench count --check`.
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

static const struct lb_option count_options[] = {
	{ "variant", "LIST", "layouts", .set = lb_opt_any },
	{ "n", "LIST", "preserved devices", .set = lb_opt_any },
	{ "op", "LIST", "operations", .set = lb_opt_any },
	{ "ops", "K", "operations counted per point", .set = lb_opt_any },
	{ "seed", "S", "population seed", .set = lb_opt_any },
	{ "share", "PCT", "preserved share", .set = lb_opt_any },
	{ "out", "DIR", "result directory", .run_sets = true, .set = lb_opt_any },
	{ "keep", NULL, "keep the workers' files", .run_sets = true,
	  .set = lb_opt_any },
	{ "check", NULL, "check the options only", .run_sets = true,
	  .set = lb_opt_any },
	{ }
};

const struct lb_stage count_stage = {
	.name		= "count",
	.opts		= count_options,
	.ctx_new	= ctx_none,
	.finish		= finish_none,
	.ctx_free	= free,
};
