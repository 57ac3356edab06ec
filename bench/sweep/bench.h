/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What lubench-bench (bench.c) shares with the tools that must know its
 * registries: its options for the workload checker, its ops for
 * lubench-list and lubench-count.
 */
#ifndef LUBENCH_BENCH_H
#define LUBENCH_BENCH_H

#include "stageopt.h"

/* The [bench] stage: lubench-bench's own option table. */
extern const struct lb_stage bench_stage;

/* Indices into bench_ops[], bench.c's one table of ops. */
enum bench_op_id {
	OP_PRESERVE,
	OP_UNPRESERVE,
	OP_FIND_HIT,
	OP_FIND_MISS,
	OP_RETRIEVE,
	OP_RESTORE,
	NR_OPS,
};

/* How many ops a point's total counts. */
enum bench_total {
	TOTAL_N,		/* one per preserved device */
	TOTAL_ENUMERATED,	/* one per device the next kernel enumerates */
};

/* The name of op @i in bench_ops[] order, NULL past the last. */
const char *bench_op_name(unsigned int i);
/* What op @i's total counts (@i < NR_OPS). */
enum bench_total bench_op_total(unsigned int i);
/* What one op of that name is (for --help and the plots), or NULL. */
const char *bench_op_what(const char *name);

/* lubench-bench itself (main.c). */
int bench_main(int argc, char **argv);

#endif /* LUBENCH_BENCH_H */
