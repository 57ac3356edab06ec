// SPDX-License-Identifier: GPL-2.0
/*
 * JSON lines, CSV and meta.json.  Hand-written on purpose: the shapes are
 * flat and few, and the product has no third-party runtime dependency
 * besides hwloc.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "results.h"

/* ---- JSON ---- */

void json_init(struct json *j, FILE *f, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->pretty = pretty;
}

static void json_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* Comma, newline and indent before a member, then its key. */
static void json_member(struct json *j, const char *key)
{
	int i;

	if (j->depth > 0 && j->need_comma[j->depth])
		fputc(',', j->f);
	if (j->depth > 0)
		j->need_comma[j->depth] = true;
	if (j->pretty && j->depth > 0) {
		fputc('\n', j->f);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	if (key) {
		json_escape(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

static void json_open(struct json *j, const char *key, char c)
{
	json_member(j, key);
	fputc(c, j->f);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void json_close(struct json *j, char c)
{
	bool had_members = j->need_comma[j->depth];
	int i;

	if (j->depth > 0)
		j->depth--;
	if (j->pretty && had_members) {
		fputc('\n', j->f);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	fputc(c, j->f);
	if (j->depth == 0)
		fputc('\n', j->f);
}

void json_obj_begin(struct json *j, const char *key)
{
	json_open(j, key, '{');
}

void json_obj_end(struct json *j)
{
	json_close(j, '}');
}

void json_arr_begin(struct json *j, const char *key)
{
	json_open(j, key, '[');
}

void json_arr_end(struct json *j)
{
	json_close(j, ']');
}

void json_str(struct json *j, const char *key, const char *v)
{
	json_member(j, key);
	if (v)
		json_escape(j->f, v);
	else
		fputs("null", j->f);
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
	json_member(j, key);
	fprintf(j->f, "%llu", (unsigned long long)v);
}

void json_i64(struct json *j, const char *key, int64_t v)
{
	json_member(j, key);
	fprintf(j->f, "%lld", (long long)v);
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

void res_fmt_f64(char *buf, size_t len, double v)
{
	char *dot, *end;

	if (!isfinite(v)) {
		snprintf(buf, len, "null");
		return;
	}
	if (v == 0) {
		snprintf(buf, len, "0");
		return;
	}
	/*
	 * Six significant digits without an exponent, which awk, gnuplot
	 * and spreadsheets all read; an exponent only for the extremes.
	 */
	if (fabs(v) >= 1e15 || fabs(v) < 1e-6) {
		snprintf(buf, len, "%.6g", v);
		return;
	}
	snprintf(buf, len, "%.*f", max_int(0, 5 - (int)floor(log10(fabs(v)))),
		 v);
	dot = strchr(buf, '.');
	if (!dot)
		return;
	end = buf + strlen(buf) - 1;
	while (end > dot && *end == '0')
		*end-- = '\0';
	if (end == dot)
		*end = '\0';
}

void json_f64(struct json *j, const char *key, double v)
{
	char buf[64];

	json_member(j, key);
	res_fmt_f64(buf, sizeof(buf), v);
	fputs(buf, j->f);
}

void json_bool(struct json *j, const char *key, bool v)
{
	json_member(j, key);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	json_member(j, key);
	fputs("null", j->f);
}

/* ---- rows ---- */

void res_row_reset(struct res_row *r)
{
	r->nr = 0;
}

static struct res_field *res_add(struct res_row *r, const char *key,
				 enum res_kind kind)
{
	struct res_field *f;

	/* A row is built by code, not by input: overflowing it is a bug. */
	if (r->nr >= RES_MAX_FIELDS) {
		fprintf(stderr, "results: too many fields (adding %s)\n", key);
		abort();
	}
	f = &r->f[r->nr++];
	f->key = key;
	f->kind = kind;
	return f;
}

void res_add_null(struct res_row *r, const char *key)
{
	res_add(r, key, RES_NULL);
}

void res_add_str(struct res_row *r, const char *key, const char *v)
{
	if (!v) {
		res_add_null(r, key);
		return;
	}
	res_add(r, key, RES_STR)->s = v;
}

void res_add_u64(struct res_row *r, const char *key, uint64_t v)
{
	res_add(r, key, RES_U64)->u = v;
}

void res_add_i64(struct res_row *r, const char *key, int64_t v)
{
	res_add(r, key, RES_I64)->i = v;
}

void res_add_f64(struct res_row *r, const char *key, double v)
{
	res_add(r, key, RES_F64)->f = v;
}

void res_add_bool(struct res_row *r, const char *key, bool v)
{
	res_add(r, key, RES_BOOL)->b = v;
}

void res_add_f64_array(struct res_row *r, const char *key, const double *v,
		       size_t n)
{
	struct res_field *f = res_add(r, key, RES_F64_ARRAY);

	f->arr.v = v;
	f->arr.n = n;
}

const struct res_field *res_find(const struct res_row *r, const char *key)
{
	unsigned int i;

	for (i = 0; i < r->nr; i++)
		if (!strcmp(r->f[i].key, key))
			return &r->f[i];
	return NULL;
}

/* ---- files ---- */

int res_mkdir_p(const char *path)
{
	char buf[PATH_MAX], *p;

	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

FILE *res_create(const char *dir, const char *name)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return fopen(path, "w");
}

int res_open(struct res_writer *w, const char *dir, const char *schema,
	     int version, const char *const *columns)
{
	const char *const *c;
	int err;

	memset(w, 0, sizeof(*w));
	w->schema = schema;
	w->version = version;
	w->columns = columns;
	err = res_mkdir_p(dir);
	if (err)
		return err;
	w->jsonl = res_create(dir, "results.jsonl");
	if (!w->jsonl)
		return -errno;
	w->csv = res_create(dir, "results.csv");
	if (!w->csv) {
		err = -errno;
		fclose(w->jsonl);
		return err;
	}
	for (c = columns; *c; c++)
		fprintf(w->csv, "%s%s", c == columns ? "" : ",", *c);
	fputc('\n', w->csv);
	return 0;
}

static void res_json_field(struct json *j, const struct res_field *f)
{
	size_t i;

	switch (f->kind) {
	case RES_NULL:
		json_null(j, f->key);
		break;
	case RES_STR:
		json_str(j, f->key, f->s);
		break;
	case RES_U64:
		json_u64(j, f->key, f->u);
		break;
	case RES_I64:
		json_i64(j, f->key, f->i);
		break;
	case RES_F64:
		json_f64(j, f->key, f->f);
		break;
	case RES_BOOL:
		json_bool(j, f->key, f->b);
		break;
	case RES_F64_ARRAY:
		json_arr_begin(j, f->key);
		for (i = 0; i < f->arr.n; i++)
			json_f64(j, NULL, f->arr.v[i]);
		json_arr_end(j);
		break;
	}
}

/* A CSV cell: quoted only when it has to be. */
static void csv_str(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_field(FILE *out, const struct res_field *f)
{
	char buf[64];

	if (!f)
		return;
	switch (f->kind) {
	case RES_STR:
		csv_str(out, f->s);
		break;
	case RES_U64:
		fprintf(out, "%llu", (unsigned long long)f->u);
		break;
	case RES_I64:
		fprintf(out, "%lld", (long long)f->i);
		break;
	case RES_F64:
		if (isfinite(f->f)) {
			res_fmt_f64(buf, sizeof(buf), f->f);
			fputs(buf, out);
		}
		break;
	case RES_BOOL:
		fputs(f->b ? "true" : "false", out);
		break;
	case RES_NULL:
	case RES_F64_ARRAY:
		break;
	}
}

int res_line(FILE *f, const char *schema, int version,
	     const struct res_row *r)
{
	struct json j;
	unsigned int i;

	json_init(&j, f, false);
	json_obj_begin(&j, NULL);
	json_str(&j, "schema", schema);
	json_i64(&j, "schema_version", version);
	for (i = 0; i < r->nr; i++)
		res_json_field(&j, &r->f[i]);
	json_obj_end(&j);
	return fflush(f) || ferror(f) ? -EIO : 0;
}

int res_write(struct res_writer *w, const struct res_row *r)
{
	const char *const *c;

	if (res_line(w->jsonl, w->schema, w->version, r))
		return -EIO;

	for (c = w->columns; *c; c++) {
		if (c != w->columns)
			fputc(',', w->csv);
		if (!strcmp(*c, "schema"))
			csv_str(w->csv, w->schema);
		else if (!strcmp(*c, "schema_version"))
			fprintf(w->csv, "%d", w->version);
		else
			csv_field(w->csv, res_find(r, *c));
	}
	fputc('\n', w->csv);
	/* Rows land on disk as they come: a long sweep cut short keeps them. */
	if (fflush(w->csv))
		return -EIO;
	return 0;
}

int res_close(struct res_writer *w)
{
	int err = 0;

	if (w->jsonl && (ferror(w->jsonl) | fclose(w->jsonl)))
		err = -EIO;
	if (w->csv && (ferror(w->csv) | fclose(w->csv)))
		err = -EIO;
	w->jsonl = w->csv = NULL;
	return err;
}
