/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What lubench-bench (bench.c) shares with the tools that must know its
 * registries: its options for the workload checker, its ops for
 * lubench-list and lubench-count, and the options that choose points,
 * which lubench-count takes too (points.c).
 */
#ifndef LUBENCH_BENCH_H
#define LUBENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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
	OP_PRESERVE_DUP,
	OP_FILL,
	OP_GROW,
	NR_OPS,
};

/* How many ops a point's total counts. */
enum bench_total {
	TOTAL_N,		/* one per preserved device */
	TOTAL_ENUMERATED,	/* one per device the next kernel enumerates */
	TOTAL_ONE,		/* the op itself (grow) */
};

/* The name of op @i in bench_ops[] order, NULL past the last. */
const char *bench_op_name(unsigned int i);
/* What op @i's total counts (@i < NR_OPS). */
enum bench_total bench_op_total(unsigned int i);
/* How many ops that total counts for @pop. */
struct population;
unsigned long long bench_total_of(unsigned int i, const struct population *pop);
/* The index of the op named @name, -1 if there is none. */
int bench_op_index(const char *name);

/*
 * The outgoing table @ser the way user space fills it (fill_table() in
 * timed_loops.h), the heap it took, and the blob it leaves: what the
 * benchmark and lubench-count-worker measure from.  The table must hold
 * @entries; with @check the blob is checked as well (the count worker
 * leaves that out: every allocation before its counted ops is part of
 * the heap they start from, and the counts stay those of earlier runs).
 * Dies, naming what failed, when the layout answers wrongly.
 */
struct pci_ser;
struct pci_ser_ops;
void bench_build_table(struct pci_ser *ser, const struct pci_ser_ops *ops,
		       const struct population *pop, uint32_t entries,
		       bool check, uint64_t *table_bytes,
		       void **blob, size_t *blob_len);

#define BENCH_MAX_VARIANTS	32
#define BENCH_MAX_SIZES		64

/*
 * Which points a run measures: the options lubench-bench and
 * lubench-count share (points.c).  It is the first member of each
 * command's option context, so the setters below serve both tables.
 */
struct bench_points {
	const struct pci_ser_ops *variant[BENCH_MAX_VARIANTS];
	unsigned int nr_variants;
	bool op[NR_OPS];
	uint32_t n[BENCH_MAX_SIZES];
	unsigned int nr_n;
	uint64_t seed;
	unsigned int share_pct;
	const uint32_t *default_n;	/* what --n default means */
	unsigned int nr_default_n;
};

/* Seed 1, share 50%, nothing chosen yet. */
void bench_points_init(struct bench_points *p, const uint32_t *default_n,
		       unsigned int nr_default_n);
/* Setters of struct lb_option for --variant, --n, --op, --seed, --share. */
int bench_set_variant(void *ctx, const char *val, char *err, size_t len);
int bench_set_n(void *ctx, const char *val, char *err, size_t len);
int bench_set_op(void *ctx, const char *val, char *err, size_t len);
int bench_set_seed(void *ctx, const char *val, char *err, size_t len);
int bench_set_share(void *ctx, const char *val, char *err, size_t len);
/* The choices of --variant and --op, for struct lb_option's help. */
void bench_variant_choices(FILE *f);
void bench_op_choices(FILE *f);
/* One more N (lubench-bench's --large). */
int bench_points_add_n(struct bench_points *p, uint32_t n, char *err,
		       size_t len);
/*
 * After every option: all layouts and ops when none were named, the
 * default sizes when no --n, layouts in registration order, N ascending,
 * and every N's population within PCI_SER_MAX_CAPACITY at --share.
 * 0, or -1 with the reason in @err.
 */
int bench_points_finish(struct bench_points *p, char *err, size_t len);

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
