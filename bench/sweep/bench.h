/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What lubench-bench (bench.c) shares with the tools that must know its
 * registries: its options for the workload checker, its ops for
 * lubench-list and lubench-count.
 */
#ifndef LUBENCH_BENCH_H
#define LUBENCH_BENCH_H

#include <stddef.h>

#include "stageopt.h"

struct pci_ser_ops;
struct topology;

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
/* The index of the op named @name, -1 if there is none. */
int bench_op_index(const char *name);

/* Sort @nr chosen layouts into registration order, as tables list them. */
void bench_order_variants(const struct pci_ser_ops **variant, unsigned int nr);

/*
 * A run's id, YYYYMMDD-HHMMSS-<hostname><suffix>, and, when @out is
 * empty, its directory: results/<run-id> next to the sources, or
 * <run-id>-2, -3... if that exists.
 */
void bench_run_dir(char *run_id, size_t id_len, char *out, size_t out_len,
		   const struct topology *topo, const char *suffix);
/* What one op of that name is (for --help and the plots), or NULL. */
const char *bench_op_what(const char *name);

/* lubench-bench itself (main.c). */
int bench_main(int argc, char **argv);

#endif /* LUBENCH_BENCH_H */
