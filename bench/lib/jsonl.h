/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading the JSON lines lubench's own tools write (results.jsonl, the
 * guest's ttyS1 output): one flat object per line of string, number,
 * bool or null values and arrays of numbers.  Not a general JSON parser:
 * anything else is refused with the reason, and so are truncated escapes,
 * raw control characters, duplicate keys and numbers JSON does not allow
 * (nan, inf, hex, a leading +).
 */
#ifndef LUBENCH_JSONL_H
#define LUBENCH_JSONL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JL_MAX_FIELDS	128

enum jl_kind {
	JL_NULL,
	JL_STR,
	JL_NUM,
	JL_BOOL,
	JL_ARRAY,	/* of numbers */
};

struct jl_obj {
	unsigned int nr;
	char *key[JL_MAX_FIELDS];
	char *val[JL_MAX_FIELDS];	/* text; strings unescaped; NULL for null */
	enum jl_kind kind[JL_MAX_FIELDS];
	char *buf;			/* owns the keys and values */
};

/*
 * Parse the @len bytes at @buf (one line; a NUL byte in it is refused)
 * into @o.  NULL on success, else why not (static text; @o is then
 * empty).  This is the entry point for fuzzing.
 */
const char *jl_parse_buf(const char *buf, size_t len, struct jl_obj *o);
/* The same for a NUL-terminated line; false if it is not a flat object. */
bool jl_parse(const char *line, struct jl_obj *o);
void jl_free(struct jl_obj *o);

/* The raw text of @key's value, NULL when absent or null. */
const char *jl_get(const struct jl_obj *o, const char *key);
/* Whether @key is there at all (null included). */
bool jl_has(const struct jl_obj *o, const char *key);
/* Whether the object's "type" is @type. */
bool jl_is(const struct jl_obj *o, const char *type);

/*
 * Typed, strict accessors.  0 and the value in @out; -ENOENT the key is
 * absent or null; -EINVAL the value is not of that kind (a string where
 * a number belongs, a fraction or a sign where a count belongs); -ERANGE
 * out of [@min, @max].  jl_strerror() turns the error into the words a
 * message needs.
 */
int jl_str(const struct jl_obj *o, const char *key, const char **out);
int jl_u64(const struct jl_obj *o, const char *key, uint64_t max,
	   uint64_t *out);
int jl_f64(const struct jl_obj *o, const char *key, double min, double max,
	   double *out);
int jl_bool(const struct jl_obj *o, const char *key, bool *out);
/*
 * A number array, every element finite and in [@min, @max], into @out
 * (at most @max_n); its length in @n.  -E2BIG when it holds more.  On
 * an error in an element, @n is that element's index.
 */
int jl_f64_array(const struct jl_obj *o, const char *key, double min,
		 double max, double *out, size_t max_n, size_t *n);
/* "missing", "of the wrong kind", "out of range", ... for the errors above. */
const char *jl_strerror(int err);
/*
 * A message for a refused field, in @buf: "\"ops\" is missing",
 * "\"ops\": -3 is not a count", "\"ops\": 1e99 is out of range"; @want
 * names what the field must be ("a count", "a finite time in ns").
 */
const char *jl_why(char *buf, size_t len, const struct jl_obj *o,
		   const char *key, int err, const char *want);
/* The same for element @i of an array: "\"samples_ns\"[3]: nan is ..." */
const char *jl_why_elem(char *buf, size_t len, const struct jl_obj *o,
			const char *key, size_t i, int err, const char *want);

/*
 * A line of a file that may also carry other text (the guest's serial
 * port): 0 when it is not a JSON object at all (not ours, skip it), 1
 * when it is one of @schema at a version up to @max_version (in @o, to
 * be freed), -EINVAL with the reason in @why otherwise.
 */
int jl_read_ours(const char *line, size_t len, const char *schema,
		 uint64_t max_version, struct jl_obj *o, char *why,
		 size_t whylen);

/*
 * The version check every reader makes: @o carries "schema" equal to
 * @schema and a "schema_version" in 1..@max_version.  NULL when it does,
 * else a message for the reader to print after "FILE:LINE: ".
 */
const char *jl_check_schema(const struct jl_obj *o, const char *schema,
			    uint64_t max_version, char *buf, size_t len);

/*
 * The same, for a reader that refuses the line when a field is wrong:
 * 0, or -EINVAL with jl_why()'s message in @why.  jl_need_text copies a
 * string that fits @size; jl_need_name also wants [a-z0-9_-] only.
 */
int jl_need_u64(const struct jl_obj *o, const char *key, uint64_t max,
		uint64_t *out, char *why, size_t len);
int jl_need_bool(const struct jl_obj *o, const char *key, bool *out,
		 char *why, size_t len);
int jl_need_text(const struct jl_obj *o, const char *key, char *dst,
		 size_t size, char *why, size_t len);
int jl_need_name(const struct jl_obj *o, const char *key, char *dst,
		 size_t size, char *why, size_t len);

/*
 * Lenient, for fields a reader only shows: a number, or @dflt when it is
 * absent, null, not a finite number.
 */
double jl_num(const struct jl_obj *o, const char *key, double dflt);

/*
 * A whole JSON document (meta.json: nested objects and arrays), with the
 * same grammar and the same refusals as a line, at most JL_MAX_DEPTH
 * deep.  Nodes are kept in one array; members are found by a dotted
 * path ("machine.l2_bytes").
 */
#define JL_MAX_DEPTH	32

enum jl_node_kind {
	JL_N_NULL,
	JL_N_STR,
	JL_N_NUM,
	JL_N_BOOL,
	JL_N_OBJECT,
	JL_N_ARRAY,
};

struct jl_node {
	enum jl_node_kind kind;
	const char *key;	/* member name; NULL in an array and at the top */
	const char *text;	/* strings unescaped, numbers as written */
	int child, next;	/* node indices, -1 for none */
};

struct jl_doc {
	struct jl_node *node;	/* node[0] is the document's value */
	unsigned int nr, alloc;
	char *buf;
};

/* Parse @len bytes at @buf; NULL, else why not (@d is then empty). */
const char *jl_doc_parse(const char *buf, size_t len, struct jl_doc *d);
void jl_doc_free(struct jl_doc *d);
/* The node at @path under the top object, NULL when there is none. */
const struct jl_node *jl_doc_get(const struct jl_doc *d, const char *path);
/* The same checks as the line accessors: 0, -ENOENT, -EINVAL, -ERANGE. */
int jl_node_u64(const struct jl_node *n, uint64_t max, uint64_t *out);
int jl_node_str(const struct jl_node *n, const char **out);

#endif /* LUBENCH_JSONL_H */
