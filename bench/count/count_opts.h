/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lubench-count's options: its own table (count_opts.c), which its
 * command line and the [count] section of a workload are both checked
 * against.  The options that choose points are lubench-bench's
 * (bench.h, struct bench_points).
 */
#ifndef LUBENCH_COUNT_OPTS_H
#define LUBENCH_COUNT_OPTS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "bench.h"
#include "stageopt.h"

#define COUNT_DEFAULT_OPS	512
#define COUNT_MAX_OPS		(1U << 20)

struct count_cfg {
	struct bench_points p;	/* first: the shared setters take a cfg */
	uint32_t ops;		/* counted per point */
	bool keep;
	bool check;		/* --check: only check the options */
	char out[PATH_MAX];
	char run_id[192];
	char command[1024];
};

/* The defaults, as on a bare `lubench count`. */
void count_cfg_init(struct count_cfg *cfg);

/* The [count] stage: the table, defaults and cross-checks. */
extern const struct lb_stage count_stage;

#endif /* LUBENCH_COUNT_OPTS_H */
