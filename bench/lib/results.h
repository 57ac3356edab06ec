/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing results: one JSON object per line (results.jsonl), the same
 * rows as CSV (results.csv) and a meta.json next to them.  Shared by
 * every lubench driver that emits the bench schema (results/SCHEMA.md);
 * a driver names its CSV columns, so one with extra fields (the guest
 * benchmark's `path` and `accelerator`) just lists them.
 */
#ifndef LUBENCH_RESULTS_H
#define LUBENCH_RESULTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* ---- a streaming JSON writer ---- */

#define JSON_MAX_DEPTH	16

struct json {
	FILE *f;
	bool pretty;		/* one member per line, indented */
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *f, bool pretty);
/* @key is NULL at the top level and inside arrays. */
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *v);	/* NULL: null */
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_f64(struct json *j, const char *key, double v);	/* NaN: null */
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);

/* A double as the result files print it: short, exact enough, no "-0". */
void res_fmt_f64(char *buf, size_t len, double v);

/* ---- result rows ---- */

enum res_kind {
	RES_NULL,
	RES_STR,
	RES_U64,
	RES_I64,
	RES_F64,
	RES_BOOL,
	RES_F64_ARRAY,
};

struct res_field {
	const char *key;
	enum res_kind kind;
	union {
		const char *s;
		uint64_t u;
		int64_t i;
		double f;
		bool b;
		struct {
			const double *v;
			size_t n;
		} arr;
	};
};

#define RES_MAX_FIELDS	96

/* Fields in the order they are printed.  Strings and arrays are borrowed. */
struct res_row {
	unsigned int nr;
	struct res_field f[RES_MAX_FIELDS];
};

void res_row_reset(struct res_row *r);
void res_add_null(struct res_row *r, const char *key);
void res_add_str(struct res_row *r, const char *key, const char *v);
void res_add_u64(struct res_row *r, const char *key, uint64_t v);
void res_add_i64(struct res_row *r, const char *key, int64_t v);
void res_add_f64(struct res_row *r, const char *key, double v);
void res_add_bool(struct res_row *r, const char *key, bool v);
/* Arrays go to JSON only; a CSV cell cannot hold them. */
void res_add_f64_array(struct res_row *r, const char *key, const double *v,
		       size_t n);
const struct res_field *res_find(const struct res_row *r, const char *key);

/* ---- the writer ---- */

/*
 * One row as one compact JSON line on @f, "schema" and "schema_version"
 * first, then @r's fields in order; flushed at once.  Every JSON line the
 * suite writes comes from here: results.jsonl (res_write) and the guest's
 * lines on its serial port (lubench-dev).  0 or -EIO.
 */
int res_line(FILE *f, const char *schema, int version,
	     const struct res_row *r);

struct res_writer {
	FILE *jsonl;
	FILE *csv;
	const char *schema;
	int version;
	const char *const *columns;	/* NULL-terminated; CSV order */
};

/*
 * Create @dir (and its parents) and open results.jsonl and results.csv
 * in it.  Every row starts with "schema" and "schema_version"; the CSV
 * has exactly @columns, a missing field giving an empty cell.  0 or
 * -errno.
 */
int res_open(struct res_writer *w, const char *dir, const char *schema,
	     int version, const char *const *columns);
int res_write(struct res_writer *w, const struct res_row *r);
/* Flush and close; -EIO if anything failed to reach the files. */
int res_close(struct res_writer *w);

/* mkdir -p. 0 or -errno. */
int res_mkdir_p(const char *path);
/* fopen(@dir/@name, "w"); NULL with errno set on failure. */
FILE *res_create(const char *dir, const char *name);

#endif /* LUBENCH_RESULTS_H */
