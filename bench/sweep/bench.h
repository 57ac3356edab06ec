/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What lubench-bench (bench.c) shares with the tools that must know its
 * registries: its options for the workload checker, its ops for
 * lubench-list.
 */
#ifndef LUBENCH_BENCH_H
#define LUBENCH_BENCH_H

#include "stageopt.h"

/* The [bench] stage: lubench-bench's own option table. */
extern const struct lb_stage bench_stage;

/* The name of op @i in bench_ops[] order, NULL past the last. */
const char *bench_op_name(unsigned int i);

/* lubench-bench itself (main.c). */
int bench_main(int argc, char **argv);

#endif /* LUBENCH_BENCH_H */
