// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-count's option table (count_opts.h): the command line and a
 * workload's [count] section go through the same setters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count_opts.h"
#include "count_proto.h"

static const uint32_t default_sizes[] = { 16, 64, 256, 1024, 4096, 16384 };

static int set_ops(void *ctx, const char *val, char *err, size_t len)
{
	uint64_t v;

	if (lb_opt_num("--ops", val, 1, COUNT_MAX_OPS, &v, err, len))
		return -1;
	((struct count_cfg *)ctx)->ops = v;
	return 0;
}

static int set_out(void *ctx, const char *val, char *err, size_t len)
{
	struct count_cfg *cfg = ctx;

	if (!*val || strlen(val) >= sizeof(cfg->out)) {
		snprintf(err, len, "--out: %s path", *val ? "too long a" :
			 "an empty");
		return -1;
	}
	strcpy(cfg->out, val);
	return 0;
}

static int set_keep(void *ctx, const char *val, char *err, size_t len)
{
	(void)val;
	(void)err;
	(void)len;
	((struct count_cfg *)ctx)->keep = true;
	return 0;
}

static int set_check(void *ctx, const char *val, char *err, size_t len)
{
	(void)val;
	(void)err;
	(void)len;
	((struct count_cfg *)ctx)->check = true;
	return 0;
}

static const struct lb_option count_options[] = {
	{ "variant", "LIST", "layouts, comma-separated, or all (default):",
	  bench_variant_choices, .set = bench_set_variant },
	{ "n", "LIST", "preserved devices, comma-separated; k and M suffixes;\n"
	  "default: 16,64,256,1024,4096,16384 (65536 works, in minutes)",
	  .set = bench_set_n },
	{ "op", "LIST", "operations, or all (default):", bench_op_choices,
	  .set = bench_set_op },
	{ "ops", "K", "operations counted per point (default 512): lookups,\n"
	  "churn ops, restore's window; retrieve is one whole one",
	  .set = set_ops },
	{ "seed", "S", "population and order seed (default 1)",
	  .set = bench_set_seed },
	{ "share", "PCT", "preserved share of the enumerated devices "
	  "(default 50)", .set = bench_set_share },
	{ "out", "DIR", "result directory (default results/<run-id>-count)",
	  .run_sets = true, .set = set_out },
	{ "keep", NULL, "keep callgrind's files (the directory is printed)",
	  .run_sets = true, .set = set_keep },
	{ "check", NULL, "only check the options: exit 0, or 1 naming what "
	  "is wrong", .run_sets = true, .set = set_check },
	{ }
};

static int count_finish(void *ctx, char *err, size_t len)
{
	struct count_cfg *cfg = ctx;

	if (bench_points_finish(&cfg->p, err, len))
		return -1;
	if (cfg->p.nr_variants > COUNT_MAX_VARIANTS) {
		snprintf(err, len, "--variant: more than %d",
			 COUNT_MAX_VARIANTS);
		return -1;
	}
	return 0;
}

void count_cfg_init(struct count_cfg *cfg)
{
	*cfg = (struct count_cfg){ .ops = COUNT_DEFAULT_OPS };
	bench_points_init(&cfg->p, default_sizes,
			  sizeof(default_sizes) / sizeof(default_sizes[0]));
}

static void *count_ctx_new(void)
{
	struct count_cfg *cfg = malloc(sizeof(*cfg));

	if (cfg)
		count_cfg_init(cfg);
	return cfg;
}

const struct lb_stage count_stage = {
	.name		= "count",
	.opts		= count_options,
	.ctx_new	= count_ctx_new,
	.finish		= count_finish,
	.ctx_free	= free,
};
