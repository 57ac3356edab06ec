// SPDX-License-Identifier: GPL-2.0
/* cycle.plan's one reader (cycle_plan.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cycle_plan.h"
#include "input.h"
#include "numparse.h"

#define CP_MAX_WORDS	6

/* A layout or fault name: [a-z0-9_-], not empty, shorter than CP_NAME_LEN. */
static int get_name(const char *word, const char *what, char *dst,
		    char *why, size_t len)
{
	size_t n = strlen(word);

	if (!n || n >= CP_NAME_LEN ||
	    strspn(word, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n) {
		snprintf(why, len, "%s '%.40s' is not a name ([a-z0-9_-], "
			 "at most %d characters)", what, word, CP_NAME_LEN - 1);
		return -EINVAL;
	}
	memcpy(dst, word, n + 1);
	return 0;
}

static int get_num(const char *word, const char *what, uint64_t min,
		   uint64_t max, uint32_t *out, char *why, size_t len)
{
	uint64_t v;
	int ret = lb_parse_u64(word, min, max, &v);

	if (ret) {
		lb_parse_error(why, len, what, word, ret, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* Split @buf at blanks into at most CP_MAX_WORDS words; their count. */
static int split(char *buf, char *word[CP_MAX_WORDS])
{
	char *save = NULL, *p;
	int n = 0;

	for (p = strtok_r(buf, " \t", &save); p && n < CP_MAX_WORDS;
	     p = strtok_r(NULL, " \t", &save))
		word[n++] = p;
	return p ? CP_MAX_WORDS + 1 : n;
}

int cp_parse_line(const char *line, struct cp_entry *e, char *why,
		  size_t len)
{
	char buf[256], *w[CP_MAX_WORDS];
	int n;

	memset(e, 0, sizeof(*e));
	if (strlen(line) >= sizeof(buf)) {
		snprintf(why, len, "line longer than %zu characters",
			 sizeof(buf) - 1);
		return -EINVAL;
	}
	strcpy(buf, line);
	n = split(buf, w);
	if (!n || w[0][0] == '#')
		return 0;
	if (n < 4 || n > 5) {
		snprintf(why, len, "want VARIANT FAULT N M [warmup], got %d words",
			 n);
		return -EINVAL;
	}
	if (get_name(w[0], "variant", e->variant, why, len) ||
	    get_name(w[1], "fault", e->fault, why, len) ||
	    get_num(w[2], "N", CP_MIN_DEVICES, CP_MAX_DEVICES, &e->devices,
		    why, len) ||
	    get_num(w[3], "M", 0, e->devices, &e->preserve, why, len))
		return -EINVAL;
	if (n == 5 && strcmp(w[4], "warmup")) {
		snprintf(why, len, "'%.40s' after M: only 'warmup' may follow",
			 w[4]);
		return -EINVAL;
	}
	e->warmup = n == 5;
	return 1;
}

static int cp_add(struct cp_plan *p, const struct cp_entry *e)
{
	struct cp_entry *n = realloc(p->e, (p->nr + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	p->e = n;
	p->e[p->nr++] = *e;
	return 0;
}

/* One line of the file: 0 taken or skipped, -errno with l->err set. */
static int plan_line(struct cp_plan *p, struct lb_lines *l)
{
	char reason[128];
	struct cp_entry e;
	int ret = cp_parse_line(l->line, &e, reason, sizeof(reason));

	if (ret < 0) {
		snprintf(l->err, sizeof(l->err), "%s:%u: %s", l->name,
			 l->lineno, reason);
		return ret;
	}
	if (!ret)
		return 0;
	if (p->nr == CP_MAX_CYCLES) {
		snprintf(l->err, sizeof(l->err), "%s:%u: more than %d jumps",
			 l->name, l->lineno, CP_MAX_CYCLES);
		return -E2BIG;
	}
	if (cp_add(p, &e)) {
		snprintf(l->err, sizeof(l->err), "%s: out of memory", l->name);
		return -ENOMEM;
	}
	return 0;
}

int cp_read(const char *path, struct cp_plan *p, char *why, size_t len)
{
	struct lb_lines l;
	int ret;

	memset(p, 0, sizeof(*p));
	ret = lb_lines_open(&l, path);
	while (!ret && (ret = lb_lines_next(&l)) > 0)
		ret = plan_line(p, &l);
	if (!ret && !p->nr) {
		snprintf(l.err, sizeof(l.err), "%s: no jump in the plan", path);
		ret = -EINVAL;
	}
	if (ret)
		snprintf(why, len, "%s", l.err);
	lb_lines_close(&l);
	if (ret)
		cp_free(p);
	return ret;
}

void cp_free(struct cp_plan *p)
{
	free(p->e);
	memset(p, 0, sizeof(*p));
}
