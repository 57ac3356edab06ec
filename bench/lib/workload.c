// SPDX-License-Identifier: GPL-2.0
/*
 * Workload files (workload.h): read, checked line by line against the
 * stages' option tables, and refused as NAME:LINE: reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "workload.h"

struct parser {
	const char *name;
	const struct lb_stage *const *stages;
	struct workload *w;
	struct wl_section *cur;
	void *ctx;			/* the current section's stage options */
	char *err;
	size_t len;
};

static int __attribute__((format(printf, 3, 4)))
fail(struct parser *p, unsigned int line, const char *fmt, ...)
{
	size_t at;
	va_list ap;

	at = snprintf(p->err, p->len, "%s:%u: ", p->name, line);
	if (at < p->len) {
		va_start(ap, fmt);
		vsnprintf(p->err + at, p->len - at, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* [a-z][a-z0-9-]*, shorter than @max. */
static bool is_name(const char *s, size_t n, size_t max)
{
	size_t i;

	if (!n || n >= max || s[0] < 'a' || s[0] > 'z')
		return false;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* What a value may hold: it ends up as words of a shell command line. */
static bool is_value_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("_.,:+-", c) ||
	       is_blank(c);
}

/* Trim blanks from both ends of [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
	while (*n && is_blank(**s))
		(*s)++, (*n)--;
	while (*n && is_blank((*s)[*n - 1]))
		(*n)--;
}

static const struct lb_stage *stage_of(const struct parser *p,
				       const char *s, size_t n)
{
	const struct lb_stage *const *st;

	for (st = p->stages; *st; st++)
		if (strlen((*st)->name) == n && !memcmp((*st)->name, s, n))
			return *st;
	return NULL;
}

/* The cross-checks of the section being closed. */
static int close_section(struct parser *p)
{
	struct wl_section *s = p->cur;
	char msg[256];
	int ret = 0;

	if (!s)
		return 0;
	if (s->stage->finish(p->ctx, msg, sizeof(msg)))
		ret = fail(p, s->line, "[%s]: %s", s->stage->name, msg);
	s->stage->ctx_free(p->ctx);
	p->ctx = NULL;
	p->cur = NULL;
	return ret;
}

static int header(struct parser *p, unsigned int line, const char *s,
		  size_t n)
{
	const struct lb_stage *st;
	struct wl_section *sec;
	unsigned int i;

	if (n < 2 || s[n - 1] != ']')
		return fail(p, line, "malformed section header");
	s++;
	n -= 2;
	if (!is_name(s, n, WL_MAX_KEY))
		return fail(p, line, "malformed section header");
	st = stage_of(p, s, n);
	if (!st) {
		const struct lb_stage *const *k;
		char names[160] = "";
		size_t len = 0;

		/* Name the sections this command reads: another command's
		 * section ([soak] given to ./lubench run) is unknown here. */
		for (k = p->stages; *k && len < sizeof(names); k++)
			len += snprintf(names + len, sizeof(names) - len,
					"%s[%s]", len ? ", " : "", (*k)->name);
		return fail(p, line, "unknown section \"%.*s\" (this command "
			    "reads %s)", (int)n, s, names);
	}
	for (i = 0; i < p->w->nr; i++)
		if (p->w->s[i].stage == st)
			return fail(p, line, "duplicate section \"%s\" (first "
				    "at line %u)", st->name, p->w->s[i].line);
	if (close_section(p))
		return -1;
	sec = realloc(p->w->s, (p->w->nr + 1) * sizeof(*sec));
	if (!sec)
		return fail(p, line, "out of memory");
	p->w->s = sec;
	p->cur = &sec[p->w->nr++];
	*p->cur = (struct wl_section){ .stage = st, .line = line };
	p->ctx = st->ctx_new();
	if (!p->ctx)
		return fail(p, line, "out of memory");
	return 0;
}

/* Store the value of @opt, words joined by commas, and check it. */
static int set_value(struct parser *p, struct wl_entry *e, const char *v,
		     size_t n)
{
	const char *name = e->opt->name;
	bool gap = false;
	char msg[256];
	size_t i, o = 0;

	/* A run of blanks, or a comma with blanks around it, is one break. */
	for (i = 0; i < n; i++) {
		if (is_blank(v[i])) {
			gap = true;
			continue;
		}
		if (gap && e->value[o - 1] != ',' && v[i] != ',')
			e->value[o++] = ',';
		gap = false;
		e->value[o++] = v[i];
	}
	e->value[o] = 0;
	if (!e->opt->arg) {
		if (strcmp(e->value, "yes") && strcmp(e->value, "no"))
			return fail(p, e->line, "option \"%s\" is a flag: yes "
				    "or no", name);
		if (!strcmp(e->value, "no"))
			return 0;
	}
	if (e->opt->set(p->ctx, e->opt->arg ? e->value : NULL, msg,
			sizeof(msg)))
		return fail(p, e->line, "%s", msg);
	return 0;
}

static int option(struct parser *p, unsigned int line, const char *s,
		  size_t n)
{
	struct wl_section *sec = p->cur;
	const char *eq = memchr(s, '=', n), *k = s, *v;
	size_t kn, vn, i;
	struct wl_entry *e;
	char key[WL_MAX_KEY];
	const struct lb_option *opt;

	if (!sec)
		return fail(p, line, "option outside a section");
	if (!eq)
		return fail(p, line, "expected key = value");
	kn = eq - s;
	v = eq + 1;
	vn = n - kn - 1;
	trim(&k, &kn);
	trim(&v, &vn);
	if (!is_name(k, kn, WL_MAX_KEY))
		return fail(p, line, "bad key \"%.*s\"", (int)kn, k);
	memcpy(key, k, kn);
	key[kn] = 0;
	if (!vn)
		return fail(p, line, "no value for \"%s\"", key);
	for (i = 0; i < vn; i++)
		if (!is_value_char(v[i]))
			return fail(p, line, "unexpected character in the "
				    "value of \"%s\"", key);
	if (vn >= WL_MAX_VALUE)
		return fail(p, line, "value of \"%s\" too long (at most %d "
			    "characters)", key, WL_MAX_VALUE - 1);
	opt = lb_option_find(sec->stage->opts, key);
	if (!opt)
		return fail(p, line, "unknown option \"%s\"", key);
	if (opt->run_sets)
		return fail(p, line, "option \"%s\" is not for a workload: the "
			    "command that reads it sets it", key);
	for (i = 0; i < sec->nr; i++)
		if (sec->e[i].opt == opt)
			return fail(p, line, "duplicate option \"%s\" (first "
				    "at line %u)", key, sec->e[i].line);
	e = realloc(sec->e, (sec->nr + 1) * sizeof(*e));
	if (!e)
		return fail(p, line, "out of memory");
	sec->e = e;
	e = &sec->e[sec->nr++];
	e->opt = opt;
	e->line = line;
	return set_value(p, e, v, vn);
}

static int parse_line(struct parser *p, unsigned int line, const char *s,
		      size_t n)
{
	const char *hash;

	if (n > WL_MAX_LINE)
		return fail(p, line, "line longer than %d bytes", WL_MAX_LINE);
	if (memchr(s, 0, n))
		return fail(p, line, "NUL byte");
	hash = memchr(s, '#', n);
	if (hash)
		n = hash - s;
	trim(&s, &n);
	if (!n)
		return 0;
	if (*s == '[')
		return header(p, line, s, n);
	return option(p, line, s, n);
}

static void stage_names(const struct lb_stage *const *st, char *buf,
			size_t len)
{
	size_t at = 0;

	buf[0] = 0;
	for (; *st && at < len; st++)
		at += snprintf(buf + at, len - at, "%s[%s]", at ? ", " : "",
			       (*st)->name);
}

int wl_parse(struct workload *w, const char *name, const char *buf,
	     size_t size, const struct lb_stage *const *stages, char *err,
	     size_t len)
{
	struct parser p = { .name = name, .stages = stages, .w = w,
			    .err = err, .len = len };
	const char *at = buf, *end = buf + size, *nl;
	unsigned int line = 0;
	char names[128];
	int ret = 0;

	*w = (struct workload){ };
	while (at < end && !ret) {
		nl = memchr(at, '\n', end - at);
		if (!nl)
			nl = end;
		ret = parse_line(&p, ++line, at, nl - at);
		at = nl + 1;
	}
	if (!ret)
		ret = close_section(&p);
	if (!ret && !w->nr) {
		stage_names(stages, names, sizeof(names));
		ret = fail(&p, line ? line : 1, "no section: nothing to run "
			   "(%s)", names);
	}
	if (ret) {
		if (p.ctx)
			p.cur->stage->ctx_free(p.ctx);
		wl_free(w);
	}
	return ret;
}

int wl_load(struct workload *w, const char *path,
	    const struct lb_stage *const *stages, char *err, size_t len)
{
	struct stat st;
	char *buf;
	ssize_t got;
	size_t size = 0;
	int fd, ret;

	*w = (struct workload){ };
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		snprintf(err, len, "%s: cannot read the workload: %s", path,
			 strerror(errno));
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, len, "%s: not a regular file", path);
		goto out_close;
	}
	buf = malloc(WL_MAX_BYTES + 1);
	if (!buf) {
		snprintf(err, len, "%s: out of memory", path);
		goto out_close;
	}
	while (size <= WL_MAX_BYTES &&
	       (got = read(fd, buf + size, WL_MAX_BYTES + 1 - size)) > 0)
		size += got;
	if (got < 0) {
		snprintf(err, len, "%s: cannot read the workload: %s", path,
			 strerror(errno));
		ret = -1;
	} else if (size > WL_MAX_BYTES) {
		snprintf(err, len, "%s: larger than %d bytes", path,
			 WL_MAX_BYTES);
		ret = -1;
	} else {
		ret = wl_parse(w, path, buf, size, stages, err, len);
	}
	free(buf);
	close(fd);
	return ret;
out_close:
	if (fd >= 0)
		close(fd);
	return -1;
}

const struct wl_section *wl_section(const struct workload *w,
				    const char *name)
{
	unsigned int i;

	for (i = 0; i < w->nr; i++)
		if (!strcmp(w->s[i].stage->name, name))
			return &w->s[i];
	return NULL;
}

void wl_free(struct workload *w)
{
	unsigned int i;

	for (i = 0; i < w->nr; i++)
		free(w->s[i].e);
	free(w->s);
	*w = (struct workload){ };
}

static const struct lb_option *arg_option(const struct lb_stage *stage,
					  const char *arg)
{
	const struct lb_option *o;

	if (arg[0] == '-' && arg[1] == '-')
		return lb_option_find(stage->opts, arg + 2);
	for (o = stage->opts; o->name; o++)
		if (o->alias && !strcmp(o->alias, arg))
			return o;
	return NULL;
}

int wl_check_args(const struct lb_stage *stage, int argc, char **argv,
		  char *err, size_t len)
{
	const struct lb_option *o;
	void *ctx = stage->ctx_new();
	int i, ret = -1;

	if (!ctx) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	for (i = 0; i < argc; i++) {
		o = arg_option(stage, argv[i]);
		if (!o) {
			snprintf(err, len, "unknown option '%s'", argv[i]);
			goto out;
		}
		if (o->arg && i + 1 == argc) {
			snprintf(err, len, "--%s needs a value (%s)", o->name,
				 o->arg);
			goto out;
		}
		if (o->set(ctx, o->arg ? argv[++i] : NULL, err, len))
			goto out;
	}
	ret = stage->finish(ctx, err, len);
out:
	stage->ctx_free(ctx);
	return ret;
}
