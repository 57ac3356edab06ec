// SPDX-License-Identifier: GPL-2.0
/*
 * The [ab] and [count] sections of `./lubench ab` workloads: which keys
 * they have, and which take a value.  Their values are checked where
 * they are used: [ab]'s by scripts/host/ab.sh, [count]'s by
 * `lubench count --check`.
 */
#include <stdlib.h>

#include "workload_cycle.h"

/* Any value: the command that reads the section checks it. */
static int set_any(void *ctx, const char *val, char *err, size_t len)
{
	(void)ctx;
	(void)val;
	(void)err;
	(void)len;
	return 0;
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
	{ "rounds", "R", "wall clock: invocations per revision", .set = set_any },
	{ "reps", "K", "samples per invocation", .set = set_any },
	{ "gate", "counts|counts,wall", "what decides the verdict",
	  .set = set_any },
	{ "min-effect", "PCT", "wall clock: the floor", .set = set_any },
	{ "count-floor", "PCT", "counts: the floor", .set = set_any },
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
	{ "variant", "LIST", "layouts", .set = set_any },
	{ "n", "LIST", "preserved devices", .set = set_any },
	{ "op", "LIST", "operations", .set = set_any },
	{ "ops", "K", "operations counted per point", .set = set_any },
	{ "seed", "S", "population seed", .set = set_any },
	{ "share", "PCT", "preserved share", .set = set_any },
	{ "out", "DIR", "result directory", .run_sets = true, .set = set_any },
	{ "keep", NULL, "keep the workers' files", .run_sets = true,
	  .set = set_any },
	{ "check", NULL, "check the options only", .run_sets = true,
	  .set = set_any },
	{ }
};

const struct lb_stage count_stage = {
	.name		= "count",
	.opts		= count_options,
	.ctx_new	= ctx_none,
	.finish		= finish_none,
	.ctx_free	= free,
};
