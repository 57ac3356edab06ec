/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a result directory for the tools that draw or summarise it
 * (lubench-plotdata, -summary, -report, -plan, the findings): meta.json
 * through the JSON document reader and results.jsonl line by line, each
 * checked against its schema and a version this code knows; the tables
 * of one value per (layout, N) the summary and the report print.
 */
#ifndef LUBENCH_RESULTDIR_H
#define LUBENCH_RESULTDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "jsonl.h"

#define RD_NAME_LEN	32

struct rdir {
	const char *prog;	/* for messages */
	const char *run;	/* the result directory */
	const char *out;	/* lubench-plotdata: where its files go */
	FILE *figures;		/* lubench-plotdata: out/figures */
	struct jl_doc meta;
	int err;		/* the first error: the exit status */
};

/* A message, and exit status 2 for the run (bad input). */
void rd_fail(struct rdir *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Read run/meta.json: its schema must be one of the NULL-terminated
 * @schemas, at version 1.  The schema, or NULL with the reason shown.
 */
const char *rd_read_meta(struct rdir *d, const char *const *schemas);

/* meta.json's value at @path: a string, or a count; false when wrong. */
bool rd_meta_str(struct rdir *d, const char *path, const char **out);
bool rd_meta_u64(struct rdir *d, const char *path, uint64_t max,
		 uint64_t *out);

/*
 * Every row of run/results.jsonl: @schema at version 1, each handed to
 * @row (which returns false, having called rd_fail(), to refuse it).
 */
bool rd_read_rows(struct rdir *d, const char *schema,
		  bool (*row)(struct rdir *d, const struct jl_obj *o,
			      const char *where, void *arg), void *arg);

/*
 * A number of a row: finite, in [@min, @max]; with @null_ok a null is
 * NAN.  False, having called rd_fail() with @where and @want, if not.
 */
bool rd_row_f64(struct rdir *d, const struct jl_obj *o, const char *where,
		const char *key, double min, double max, bool null_ok,
		const char *want, double *out);

/* The index of @name in @list (@nr names, @max at most), added if new; -1 if full. */
int rd_name_index(char list[][RD_NAME_LEN], unsigned int *nr,
		  unsigned int max, const char *name);

/* meta.json's machine, as the summary and the report print it. */
struct rd_machine {
	const char *cpu, *kernel, *commit, *compiler, *cflags;
	uint64_t cores, l2, l3;		/* l2, l3: bytes */
};

/* Every field of  from meta.json; false (rd_fail() called) if one is wrong. */
bool rd_meta_machine(struct rdir *d, struct rd_machine *m);

#define RD_MAX_NAMES	32
#define RD_MAX_SIZES	64

/*
 * A table of one value per (layout, N):  of the rows of , in
 * the order the layouts and sizes first appear (rd_table_sort(): sizes
 * ascending).  rd_table_row() is the rows' callback for rd_read_rows()
 * with the table as its argument: a row of another op is passed over, a
 * second row of one (layout, N) refused.
 */
struct rd_table {
	const char *op, *field;
	char name[RD_MAX_NAMES][RD_NAME_LEN];
	unsigned int nr_name;
	uint64_t size[RD_MAX_SIZES];
	unsigned int nr_size;
	double v[RD_MAX_NAMES][RD_MAX_SIZES];
	bool has[RD_MAX_NAMES][RD_MAX_SIZES];
};

bool rd_table_row(struct rdir *d, const struct jl_obj *o, const char *where,
		  void *arg);
void rd_table_sort(struct rd_table *t);

/* A name that may go into a file name: [a-z0-9_-], shorter than 32. */
bool rd_is_name(const char *s);

#endif /* LUBENCH_RESULTDIR_H */
