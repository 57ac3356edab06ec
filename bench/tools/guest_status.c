// SPDX-License-Identifier: GPL-2.0
/*
 * RUN_DIR/status and a guest test job's KTAP, for lubench-guest-verdict:
 * the status file's one writer and one reader, and the KTAP tally
 * scripts/host/guest-ktap.sh acts on (guest_status.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "guest_status.h"
#include "input.h"
#include "numparse.h"

static const char *const key_names[GS_NR_KEYS] = {
	[GS_RC] = "rc",
	[GS_ACCEL] = "accel",
	[GS_CLOCK] = "clock",
	[GS_CPU] = "cpu",
	[GS_WALL_MS] = "wall_ms",
	[GS_BOOTS] = "boots",
	[GS_REASON] = "reason",
};

int guest_status_key(const char *name)
{
	for (int k = 0; k < GS_NR_KEYS; k++)
		if (!strcmp(name, key_names[k]))
			return k;
	return -1;
}

const char *guest_status_keys(void)
{
	static char list[128];

	if (!list[0])
		for (int k = 0; k < GS_NR_KEYS; k++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list),
				 "%s%s", k ? ", " : "", key_names[k]);
	return list;
}

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

int guest_status_write(const char *path, const struct guest_status *st,
		       char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	int ret = 0;

	if (!f)
		return fail(err, errlen, -errno, "%s: %s", path, strerror(errno));
	for (int k = 0; k < GS_NR_KEYS; k++)
		if (fprintf(f, "%s=%s\n", key_names[k], st->val[k]) < 0)
			ret = -EIO;
	if (fclose(f) && !ret)
		ret = -EIO;
	if (ret)
		return fail(err, errlen, ret, "%s: %s", path, strerror(-ret));
	return 0;
}

/* Whether @v is a value of key @k's form; why not in @why. */
static bool value_ok(int k, const char *v, char *why, size_t len)
{
	uint64_t max = k == GS_RC ? 255 : UINT32_MAX, n;
	int ret;

	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			snprintf(why, len, "a control character in %s's value",
				 key_names[k]);
			return false;
		}
	switch (k) {
	case GS_RC:
	case GS_WALL_MS:
	case GS_BOOTS:
		/* Decimal only: the writer never writes 0x. */
		ret = strncmp(v, "0x", 2) ? lb_parse_u64(v, 0, max, &n) : -EINVAL;
		if (ret)
			lb_parse_error(why, len, key_names[k], v, ret, 0, max);
		return !ret;
	case GS_CLOCK:
		if (strcmp(v, "real") && strcmp(v, "icount")) {
			snprintf(why, len, "clock: '%s' is neither real nor icount", v);
			return false;
		}
		return true;
	default:
		return true;
	}
}

/*
 * Every line of @l through @fn (0 or -errno, the reason in @err),
 * up to the first that fails.  0, or -errno with the reason in @err.
 */
static int each_line(struct lb_lines *l,
		     int (*fn)(struct lb_lines *l, void *ctx, char *err,
			       size_t errlen),
		     void *ctx, char *err, size_t errlen)
{
	int ret;

	err[0] = '\0';
	while ((ret = lb_lines_next(l)) > 0) {
		ret = fn(l, ctx, err, errlen);
		if (ret)
			break;
	}
	if (ret < 0 && !err[0])
		fail(err, errlen, ret, "%s", l->err);
	return ret;
}

/* @path opened for @read_lines, closed after it. */
static int read_path(const char *path, void *out,
		     int (*read_lines)(struct lb_lines *l, void *out,
				       char *err, size_t errlen),
		     char *err, size_t errlen)
{
	struct lb_lines l;
	int ret = lb_lines_open(&l, path);

	if (ret)
		return fail(err, errlen, ret, "%s", l.err);
	ret = read_lines(&l, out, err, errlen);
	lb_lines_close(&l);
	return ret;
}

struct status_ctx {
	struct guest_status *st;
	unsigned int seen[GS_NR_KEYS];	/* the line that set each key */
};

/* One KEY=VALUE line into the status. */
static int status_line(struct lb_lines *l, void *ctx, char *err, size_t errlen)
{
	struct status_ctx *c = ctx;
	struct guest_status *st = c->st;
	unsigned int *seen = c->seen;
	char *eq = strchr(l->line, '='), why[760];
	int k;

	if (!eq || eq == l->line)
		return fail(err, errlen, -EINVAL, "%s:%u: not a KEY=VALUE line",
			    l->name, l->lineno);
	*eq = '\0';
	k = guest_status_key(l->line);
	if (k < 0)
		return fail(err, errlen, -EINVAL, "%s:%u: unknown key '%.40s' "
			    "(a status file has %s)", l->name, l->lineno,
			    l->line, guest_status_keys());
	if (seen[k])
		return fail(err, errlen, -EINVAL, "%s:%u: a second %s line "
			    "(the first is line %u)", l->name, l->lineno,
			    key_names[k], seen[k]);
	if (strlen(eq + 1) >= sizeof(st->val[k]))
		return fail(err, errlen, -EINVAL, "%s:%u: %s's value is longer "
			    "than %zu bytes", l->name, l->lineno, key_names[k],
			    sizeof(st->val[k]) - 1);
	if (!value_ok(k, eq + 1, why, sizeof(why)))
		return fail(err, errlen, -EINVAL, "%s:%u: %s", l->name,
			    l->lineno, why);
	seen[k] = l->lineno;
	strcpy(st->val[k], eq + 1);
	return 0;
}

int guest_status_read_lines(struct lb_lines *l, struct guest_status *st,
			    char *err, size_t errlen)
{
	struct status_ctx c = { .st = st };
	int ret;

	memset(st, 0, sizeof(*st));
	ret = each_line(l, status_line, &c, err, errlen);
	if (ret)
		return ret;
	for (int k = 0; k < GS_NR_KEYS; k++)
		if (!c.seen[k])
			return fail(err, errlen, -EINVAL, "%s: no %s line",
				    l->name, key_names[k]);
	return 0;
}

static int status_lines(struct lb_lines *l, void *st, char *err,
			size_t errlen)
{
	return guest_status_read_lines(l, st, err, errlen);
}

int guest_status_read(const char *path, struct guest_status *st,
		      char *err, size_t errlen)
{
	memset(st, 0, sizeof(*st));
	return read_path(path, st, status_lines, err, errlen);
}

/*
 * "ok N" or "not ok N" at the start of @line: N in @num, the rest in
 * @rest.  0 not a result line, 1 one, -1 a malformed one.
 */
static int result_line(const char *line, bool *ok, uint64_t *num,
		       const char **rest)
{
	char digits[24];
	size_t n;

	if (!strncmp(line, "ok ", 3))
		*ok = true, line += 3;
	else if (!strncmp(line, "not ok ", 7))
		*ok = false, line += 7;
	else
		return 0;
	n = strspn(line, "0123456789");
	if (!n || n >= sizeof(digits) || (line[n] && line[n] != ' '))
		return -1;
	memcpy(digits, line, n);
	digits[n] = '\0';
	if (lb_parse_u64(digits, 1, UINT32_MAX, num))
		return -1;
	*rest = line + n;
	return 1;
}

/* "1..N" at the start of @line.  0 not a plan, 1 one, -1 malformed. */
static int plan_line(const char *line, uint64_t *plan)
{
	char digits[24];
	size_t n;

	if (strncmp(line, "1..", 3))
		return 0;
	line += 3;
	n = strspn(line, "0123456789");
	if (!n || n >= sizeof(digits) || (line[n] && line[n] != ' '))
		return -1;
	memcpy(digits, line, n);
	digits[n] = '\0';
	return lb_parse_u64(digits, 0, UINT32_MAX, plan) ? -1 : 1;
}

struct ktap_ctx {
	struct ktap_tally *t;
	unsigned int plan_at;		/* the plan's line, 0 before it */
};

static int ktap_line(struct lb_lines *l, void *ctx, char *err, size_t errlen)
{
	struct ktap_ctx *c = ctx;
	struct ktap_tally *t = c->t;
	unsigned int *plan_at = &c->plan_at;
	const char *rest;
	uint64_t num;
	bool ok;
	int r;

	r = plan_line(l->line, &num);
	if (r < 0)
		return fail(err, errlen, -EINVAL, "%s:%u: malformed plan line "
			    "'%.60s'", l->name, l->lineno, l->line);
	if (r && *plan_at)
		return fail(err, errlen, -EINVAL, "%s:%u: a second plan line "
			    "(the first is line %u)", l->name, l->lineno,
			    *plan_at);
	if (r) {
		t->plan = num;
		*plan_at = l->lineno;
		return 0;
	}
	r = result_line(l->line, &ok, &num, &rest);
	if (r < 0)
		return fail(err, errlen, -EINVAL, "%s:%u: malformed result line "
			    "'%.60s'", l->name, l->lineno, l->line);
	if (!r)
		return 0;
	if (num != t->ok + t->not_ok + 1)
		return fail(err, errlen, -EINVAL, "%s:%u: test %llu where %llu "
			    "was next", l->name, l->lineno,
			    (unsigned long long)num,
			    (unsigned long long)(t->ok + t->not_ok + 1));
	if (!ok)
		t->not_ok++;
	else if (t->ok++, strstr(rest, "# SKIP"))
		t->skipped++;
	return 0;
}

int ktap_tally_lines(struct lb_lines *l, struct ktap_tally *t, char *err,
		     size_t errlen)
{
	struct ktap_ctx c = { .t = t };
	int ret;

	memset(t, 0, sizeof(*t));
	ret = each_line(l, ktap_line, &c, err, errlen);
	if (ret)
		return ret;
	if (!c.plan_at)
		return fail(err, errlen, -ENOENT, "%s: no KTAP plan line (1..N)",
			    l->name);
	return 0;
}

static int ktap_lines(struct lb_lines *l, void *t, char *err, size_t errlen)
{
	return ktap_tally_lines(l, t, err, errlen);
}

int ktap_tally(const char *path, struct ktap_tally *t, char *err,
	       size_t errlen)
{
	memset(t, 0, sizeof(*t));
	return read_path(path, t, ktap_lines, err, errlen);
}
