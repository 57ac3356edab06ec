// SPDX-License-Identifier: GPL-2.0
/*
 * A strict reader for flat JSON objects, one per line (jsonl.h).  Values
 * are kept as text (strings unescaped) in one buffer owned by the object;
 * every number is checked against JSON's grammar when the line is read,
 * so the accessors only convert.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "numparse.h"

struct jl_in {
	const char *p, *end;
	char *out;		/* next free byte of the object's buffer */
	const char *why;
};

static bool at_end(const struct jl_in *in)
{
	return in->p >= in->end;
}

static char peek(const struct jl_in *in)
{
	return at_end(in) ? '\0' : *in->p;
}

static void skip_ws(struct jl_in *in)
{
	while (!at_end(in) && (*in->p == ' ' || *in->p == '\t' ||
			       *in->p == '\r' || *in->p == '\n'))
		in->p++;
}

static bool fail(struct jl_in *in, const char *why)
{
	if (!in->why)
		in->why = why;
	return false;
}

static int hex4(const char *s)
{
	int v = 0, i;

	for (i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static void put_utf8(struct jl_in *in, unsigned int cp)
{
	if (cp < 0x80) {
		*in->out++ = cp;
	} else if (cp < 0x800) {
		*in->out++ = 0xc0 | cp >> 6;
		*in->out++ = 0x80 | (cp & 0x3f);
	} else if (cp < 0x10000) {
		*in->out++ = 0xe0 | cp >> 12;
		*in->out++ = 0x80 | ((cp >> 6) & 0x3f);
		*in->out++ = 0x80 | (cp & 0x3f);
	} else {
		*in->out++ = 0xf0 | cp >> 18;
		*in->out++ = 0x80 | ((cp >> 12) & 0x3f);
		*in->out++ = 0x80 | ((cp >> 6) & 0x3f);
		*in->out++ = 0x80 | (cp & 0x3f);
	}
}

/*
 * \uXXXX, a surrogate pair as one code point.  Six input bytes give at
 * most three output bytes and a pair (twelve) four, so the output never
 * outgrows the input.
 */
static bool read_u_escape(struct jl_in *in)
{
	int cp, lo;

	if (in->end - in->p < 4 || (cp = hex4(in->p)) < 0)
		return fail(in, "truncated \\u escape");
	in->p += 4;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(in, "lone low surrogate in \\u escape");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (in->end - in->p < 6 || in->p[0] != '\\' ||
		    in->p[1] != 'u' || (lo = hex4(in->p + 2)) < 0 ||
		    lo < 0xdc00 || lo > 0xdfff)
			return fail(in, "unpaired surrogate in \\u escape");
		in->p += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (!cp)
		return fail(in, "\\u0000 in a string");
	put_utf8(in, cp);
	return true;
}

static bool read_escape(struct jl_in *in)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	char c;

	if (at_end(in))
		return fail(in, "truncated escape");
	c = *in->p++;
	if (c == 'u')
		return read_u_escape(in);
	e = strchr(from, c);
	if (!c || !e)
		return fail(in, "unknown escape in a string");
	*in->out++ = to[e - from];
	return true;
}

/* A string after its opening quote; its text at *@s. */
static bool read_str(struct jl_in *in, char **s)
{
	*s = in->out;
	for (;;) {
		unsigned char c;

		if (at_end(in))
			return fail(in, "unterminated string");
		c = *in->p++;
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(in, "control character in a string");
		if (c == '\\') {
			if (!read_escape(in))
				return false;
			continue;
		}
		*in->out++ = c;
	}
	*in->out++ = '\0';
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?, copied to the buffer. */
static bool read_number(struct jl_in *in)
{
	const char *s = in->p;

	if (peek(in) == '-')
		in->p++;
	if (peek(in) == '0') {
		in->p++;
	} else if (is_digit(peek(in))) {
		while (is_digit(peek(in)))
			in->p++;
	} else {
		return fail(in, "not a JSON value");
	}
	if (peek(in) == '.') {
		in->p++;
		if (!is_digit(peek(in)))
			return fail(in, "malformed number");
		while (is_digit(peek(in)))
			in->p++;
	}
	if (peek(in) == 'e' || peek(in) == 'E') {
		in->p++;
		if (peek(in) == '+' || peek(in) == '-')
			in->p++;
		if (!is_digit(peek(in)))
			return fail(in, "malformed number");
		while (is_digit(peek(in)))
			in->p++;
	}
	memcpy(in->out, s, in->p - s);
	in->out += in->p - s;
	return true;
}

static bool read_word(struct jl_in *in, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(in->end - in->p) < n || memcmp(in->p, w, n))
		return fail(in, "not a JSON value");
	in->p += n;
	return true;
}

/* [n, n, ...]: kept as "n,n,..." for jl_f64_array(). */
static bool read_array(struct jl_in *in)
{
	in->p++;
	skip_ws(in);
	if (peek(in) == ']') {
		in->p++;
		return true;
	}
	for (;;) {
		skip_ws(in);
		if (at_end(in))
			return fail(in, "truncated array");
		if (peek(in) != '-' && !is_digit(peek(in)))
			return fail(in, "an array holds something other than numbers");
		if (!read_number(in))
			return false;
		skip_ws(in);
		if (peek(in) == ']') {
			in->p++;
			return true;
		}
		if (peek(in) != ',')
			return fail(in, at_end(in) ? "truncated array" :
				    "malformed array");
		*in->out++ = ',';
		in->p++;
	}
}

static bool read_value(struct jl_in *in, struct jl_obj *o, unsigned int i)
{
	char c = peek(in);

	o->val[i] = in->out;
	switch (c) {
	case '"':
		o->kind[i] = JL_STR;
		in->p++;
		return read_str(in, &o->val[i]);
	case '[':
		o->kind[i] = JL_ARRAY;
		if (!read_array(in))
			return false;
		break;
	case 't':
	case 'f':
		o->kind[i] = JL_BOOL;
		if (!read_word(in, c == 't' ? "true" : "false"))
			return false;
		memcpy(in->out, c == 't' ? "true" : "false", 5 - (c == 't'));
		in->out += 5 - (c == 't');
		break;
	case 'n':
		o->kind[i] = JL_NULL;
		o->val[i] = NULL;
		return read_word(in, "null");
	case '{':
		return fail(in, "nested object");
	default:
		o->kind[i] = JL_NUM;
		if (!read_number(in))
			return false;
	}
	*in->out++ = '\0';
	return true;
}

static bool read_member(struct jl_in *in, struct jl_obj *o)
{
	unsigned int i = o->nr, j;

	if (i == JL_MAX_FIELDS)
		return fail(in, "too many fields");
	if (peek(in) != '"')
		return fail(in, "expected a key");
	in->p++;
	if (!read_str(in, &o->key[i]))
		return false;
	for (j = 0; j < i; j++)
		if (!strcmp(o->key[j], o->key[i]))
			return fail(in, "duplicate key");
	skip_ws(in);
	if (peek(in) != ':')
		return fail(in, "expected ':' after a key");
	in->p++;
	skip_ws(in);
	if (!read_value(in, o, i))
		return false;
	o->nr++;
	return true;
}

static bool read_object(struct jl_in *in, struct jl_obj *o)
{
	skip_ws(in);
	if (peek(in) != '{')
		return fail(in, "not a JSON object");
	in->p++;
	skip_ws(in);
	if (peek(in) == '}') {
		in->p++;
	} else {
		for (;;) {
			if (!read_member(in, o))
				return false;
			skip_ws(in);
			if (peek(in) == '}') {
				in->p++;
				break;
			}
			if (peek(in) != ',')
				return fail(in, at_end(in) ? "truncated object" :
					    "expected ',' or '}'");
			in->p++;
			skip_ws(in);
		}
	}
	skip_ws(in);
	if (!at_end(in))
		return fail(in, "text after the object");
	return true;
}

const char *jl_parse_buf(const char *buf, size_t len, struct jl_obj *o)
{
	struct jl_in in = { .p = buf, .end = buf + len };

	memset(o, 0, sizeof(*o));
	if (memchr(buf, '\0', len))
		return "NUL byte in the line";
	/* Unescaping never grows the text; +1 for each value's NUL. */
	o->buf = malloc(len + 1);
	if (!o->buf)
		return "out of memory";
	in.out = o->buf;
	if (read_object(&in, o))
		return NULL;
	jl_free(o);
	return in.why ? in.why : "malformed line";
}

bool jl_parse(const char *line, struct jl_obj *o)
{
	return !jl_parse_buf(line, strlen(line), o);
}

void jl_free(struct jl_obj *o)
{
	free(o->buf);
	memset(o, 0, sizeof(*o));
}

static int find(const struct jl_obj *o, const char *key)
{
	unsigned int i;

	for (i = 0; o && i < o->nr; i++)
		if (!strcmp(o->key[i], key))
			return i;
	return -1;
}

const char *jl_get(const struct jl_obj *o, const char *key)
{
	int i = find(o, key);

	return i < 0 ? NULL : o->val[i];
}

bool jl_has(const struct jl_obj *o, const char *key)
{
	return find(o, key) >= 0;
}

bool jl_is(const struct jl_obj *o, const char *type)
{
	const char *t;

	return !jl_str(o, "type", &t) && !strcmp(t, type);
}

/* The value of @key if it is of @kind; -ENOENT absent or null. */
static int value_of(const struct jl_obj *o, const char *key,
		    enum jl_kind kind, const char **v)
{
	int i = find(o, key);

	if (i < 0 || o->kind[i] == JL_NULL)
		return -ENOENT;
	if (o->kind[i] != kind)
		return -EINVAL;
	*v = o->val[i];
	return 0;
}

int jl_str(const struct jl_obj *o, const char *key, const char **out)
{
	return value_of(o, key, JL_STR, out);
}

int jl_u64(const struct jl_obj *o, const char *key, uint64_t max,
	   uint64_t *out)
{
	const char *v;
	int ret = value_of(o, key, JL_NUM, &v);

	if (ret)
		return ret;
	/* JSON's grammar has no hex: a digit string is decimal. */
	return lb_parse_u64(v, 0, max, out);
}

int jl_f64(const struct jl_obj *o, const char *key, double min, double max,
	   double *out)
{
	const char *v;
	int ret = value_of(o, key, JL_NUM, &v);

	if (ret)
		return ret;
	return lb_parse_double(v, min, max, out);
}

int jl_bool(const struct jl_obj *o, const char *key, bool *out)
{
	const char *v;
	int ret = value_of(o, key, JL_BOOL, &v);

	if (ret)
		return ret;
	*out = v[0] == 't';
	return 0;
}

int jl_f64_array(const struct jl_obj *o, const char *key, double min,
		 double max, double *out, size_t max_n, size_t *n)
{
	const char *v;
	char num[64];
	int ret = value_of(o, key, JL_ARRAY, &v);

	*n = 0;
	if (ret)
		return ret;
	while (*v) {
		size_t len = strcspn(v, ",");

		if (*n == max_n)
			return -E2BIG;
		if (len >= sizeof(num))
			return -ERANGE;
		memcpy(num, v, len);
		num[len] = '\0';
		ret = lb_parse_double(num, min, max, &out[*n]);
		if (ret)
			return ret;
		(*n)++;
		v += len;
		if (*v == ',')
			v++;
	}
	return 0;
}

const char *jl_strerror(int err)
{
	switch (err) {
	case 0:		return "ok";
	case -ENOENT:	return "missing";
	case -EINVAL:	return "of the wrong kind";
	case -ERANGE:	return "out of range";
	case -E2BIG:	return "too many values";
	}
	return "malformed";
}

const char *jl_why(char *buf, size_t len, const struct jl_obj *o,
		   const char *key, int err, const char *want)
{
	int i = find(o, key);
	const char *v = i < 0 ? NULL : o->val[i];

	if (err == -ENOENT)
		snprintf(buf, len, "\"%s\" is %s, expected %s", key,
			 i < 0 ? "missing" : "null", want);
	else if (err == -ERANGE)
		snprintf(buf, len, "\"%s\": %.40s is out of range for %s", key,
			 v ? v : "", want);
	else
		snprintf(buf, len, "\"%s\": %s%.40s%s is not %s", key,
			 i >= 0 && o->kind[i] == JL_STR ? "\"" : "",
			 v ? v : "", i >= 0 && o->kind[i] == JL_STR ? "\"" : "",
			 want);
	return buf;
}

const char *jl_why_elem(char *buf, size_t len, const struct jl_obj *o,
			const char *key, size_t i, int err, const char *want)
{
	const char *v = jl_get(o, key);
	size_t k, n;

	if (!v || err == -ENOENT || err == -E2BIG)
		return jl_why(buf, len, o, key, err, want);
	for (k = 0; k < i && *v; k++)
		v += strcspn(v, ",") + (v[strcspn(v, ",")] == ',');
	n = strcspn(v, ",");
	snprintf(buf, len, "\"%s\"[%zu]: %.*s is %s %s", key, i,
		 (int)(n < 40 ? n : 40), v,
		 err == -ERANGE ? "out of range for" : "not", want);
	return buf;
}

int jl_need_u64(const struct jl_obj *o, const char *key, uint64_t max,
		uint64_t *out, char *why, size_t len)
{
	int ret = jl_u64(o, key, max, out);

	if (ret)
		jl_why(why, len, o, key, ret, "a count");
	return ret ? -EINVAL : 0;
}

int jl_need_bool(const struct jl_obj *o, const char *key, bool *out,
		 char *why, size_t len)
{
	int ret = jl_bool(o, key, out);

	if (ret)
		jl_why(why, len, o, key, ret, "true or false");
	return ret ? -EINVAL : 0;
}

int jl_need_text(const struct jl_obj *o, const char *key, char *dst,
		 size_t size, char *why, size_t len)
{
	const char *v;
	int ret = jl_str(o, key, &v);

	if (ret) {
		jl_why(why, len, o, key, ret, "a string");
		return -EINVAL;
	}
	if (strlen(v) >= size) {
		snprintf(why, len, "\"%s\": longer than %zu characters", key,
			 size - 1);
		return -EINVAL;
	}
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

int jl_need_name(const struct jl_obj *o, const char *key, char *dst,
		 size_t size, char *why, size_t len)
{
	static const char name_chars[] = "abcdefghijklmnopqrstuvwxyz"
					 "0123456789_-";
	const char *v;
	int ret = jl_str(o, key, &v);

	if (ret) {
		jl_why(why, len, o, key, ret, "a name");
		return -EINVAL;
	}
	if (!*v || strlen(v) >= size || strspn(v, name_chars) != strlen(v)) {
		snprintf(why, len, "\"%s\": \"%.40s\" is not a name "
			 "([a-z0-9_-], at most %zu characters)", key, v,
			 size - 1);
		return -EINVAL;
	}
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

int jl_read_ours(const char *line, size_t len, const char *schema,
		 uint64_t max_version, struct jl_obj *o, char *why,
		 size_t whylen)
{
	const char *bad;

	if (!len || line[0] != '{')
		return 0;
	bad = jl_parse_buf(line, len, o);
	if (bad) {
		snprintf(why, whylen, "%s", bad);
		return -EINVAL;
	}
	if (jl_check_schema(o, schema, max_version, why, whylen)) {
		jl_free(o);
		return -EINVAL;
	}
	return 1;
}

const char *jl_check_schema(const struct jl_obj *o, const char *schema,
			    uint64_t max_version, char *buf, size_t len)
{
	const char *s;
	uint64_t v;
	int ret;

	if (jl_str(o, "schema", &s)) {
		snprintf(buf, len, "no \"schema\" (expected \"%s\")", schema);
		return buf;
	}
	if (strcmp(s, schema)) {
		snprintf(buf, len, "schema \"%.64s\", expected \"%s\"", s,
			 schema);
		return buf;
	}
	ret = jl_u64(o, "schema_version", UINT64_MAX, &v);
	if (ret) {
		snprintf(buf, len, "schema_version %s", jl_strerror(ret));
		return buf;
	}
	if (v < 1 || v > max_version) {
		snprintf(buf, len, "%s schema_version %llu is not one this "
			 "reader knows (1..%llu)", schema,
			 (unsigned long long)v, (unsigned long long)max_version);
		return buf;
	}
	return NULL;
}

/* ---- documents ---- */

static int doc_node(struct jl_doc *d, struct jl_in *in, enum jl_node_kind k,
		    const char *key)
{
	struct jl_node *n;

	if (d->nr == d->alloc) {
		unsigned int a = d->alloc ? 2 * d->alloc : 64;

		n = realloc(d->node, a * sizeof(*n));
		if (!n) {
			fail(in, "out of memory");
			return -1;
		}
		d->node = n;
		d->alloc = a;
	}
	n = &d->node[d->nr];
	n->kind = k;
	n->key = key;
	n->text = NULL;
	n->child = n->next = -1;
	return d->nr++;
}

static int doc_value(struct jl_doc *d, struct jl_in *in, const char *key,
		     int depth);

/* The members of an object or the elements of an array, linked in order. */
static bool doc_items(struct jl_doc *d, struct jl_in *in, int parent,
		      bool object, int depth)
{
	char close = object ? '}' : ']';
	int prev = -1, item;
	char *key = NULL;

	in->p++;
	skip_ws(in);
	if (peek(in) == close) {
		in->p++;
		return true;
	}
	for (;;) {
		if (object) {
			if (peek(in) != '"')
				return fail(in, "expected a key");
			in->p++;
			if (!read_str(in, &key))
				return false;
			skip_ws(in);
			if (peek(in) != ':')
				return fail(in, "expected ':' after a key");
			in->p++;
			skip_ws(in);
		}
		item = doc_value(d, in, key, depth + 1);
		if (item < 0)
			return false;
		if (prev < 0)
			d->node[parent].child = item;
		else
			d->node[prev].next = item;
		prev = item;
		skip_ws(in);
		if (peek(in) == close) {
			in->p++;
			return true;
		}
		if (peek(in) != ',')
			return fail(in, at_end(in) ? "truncated document" :
				    "expected ',' or a closing bracket");
		in->p++;
		skip_ws(in);
	}
}

static int doc_value(struct jl_doc *d, struct jl_in *in, const char *key,
		     int depth)
{
	char c = peek(in);
	int n;

	if (depth > JL_MAX_DEPTH) {
		fail(in, "nested too deep");
		return -1;
	}
	if (c == '{' || c == '[') {
		n = doc_node(d, in, c == '{' ? JL_N_OBJECT : JL_N_ARRAY, key);
		if (n < 0 || !doc_items(d, in, n, c == '{', depth))
			return -1;
		return n;
	}
	n = doc_node(d, in, c == '"' ? JL_N_STR : c == 'n' ? JL_N_NULL :
		     c == 't' || c == 'f' ? JL_N_BOOL : JL_N_NUM, key);
	if (n < 0)
		return -1;
	d->node[n].text = in->out;
	if (c == '"') {
		char *s;

		in->p++;
		if (!read_str(in, &s))
			return -1;
		d->node[n].text = s;
		return n;
	}
	if (c == 'n') {
		d->node[n].text = NULL;
		return read_word(in, "null") ? n : -1;
	}
	if (c == 't' || c == 'f') {
		if (!read_word(in, c == 't' ? "true" : "false"))
			return -1;
		*in->out++ = c;
	} else if (!read_number(in)) {
		return -1;
	}
	*in->out++ = '\0';
	return n;
}

const char *jl_doc_parse(const char *buf, size_t len, struct jl_doc *d)
{
	struct jl_in in = { .p = buf, .end = buf + len };

	memset(d, 0, sizeof(*d));
	if (memchr(buf, '\0', len))
		return "NUL byte in the document";
	/* Unescaping never grows the text; +1 for each value's NUL. */
	d->buf = malloc(len + 1);
	if (!d->buf)
		return "out of memory";
	in.out = d->buf;
	skip_ws(&in);
	if (doc_value(d, &in, NULL, 0) >= 0) {
		skip_ws(&in);
		if (at_end(&in))
			return NULL;
		fail(&in, "text after the document");
	}
	jl_doc_free(d);
	return in.why ? in.why : "malformed document";
}

void jl_doc_free(struct jl_doc *d)
{
	free(d->node);
	free(d->buf);
	memset(d, 0, sizeof(*d));
}

const struct jl_node *jl_doc_get(const struct jl_doc *d, const char *path)
{
	const struct jl_node *n = d->nr ? &d->node[0] : NULL;

	while (n && *path) {
		size_t len = strcspn(path, ".");
		int i;

		if (n->kind != JL_N_OBJECT)
			return NULL;
		for (i = n->child; i >= 0; i = d->node[i].next)
			if (strlen(d->node[i].key) == len &&
			    !memcmp(d->node[i].key, path, len))
				break;
		n = i >= 0 ? &d->node[i] : NULL;
		path += len + (path[len] == '.');
	}
	return n;
}

int jl_node_u64(const struct jl_node *n, uint64_t max, uint64_t *out)
{
	if (!n || n->kind == JL_N_NULL)
		return -ENOENT;
	if (n->kind != JL_N_NUM)
		return -EINVAL;
	return lb_parse_u64(n->text, 0, max, out);
}

int jl_node_str(const struct jl_node *n, const char **out)
{
	if (!n || n->kind == JL_N_NULL)
		return -ENOENT;
	if (n->kind != JL_N_STR)
		return -EINVAL;
	*out = n->text;
	return 0;
}

double jl_num(const struct jl_obj *o, const char *key, double dflt)
{
	const char *v;
	double d;

	if (value_of(o, key, JL_NUM, &v))
		return dflt;
	d = strtod(v, NULL);
	return isfinite(d) ? d : dflt;
}
