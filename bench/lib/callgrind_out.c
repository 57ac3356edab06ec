// SPDX-License-Identifier: GPL-2.0
/*
 * The parts of callgrind's output format `lubench count` needs
 * (callgrind_out.h): the header lines, "events:" and "totals:".  The cost
 * lines are skipped, except that the names of the functions they belong
 * to tell which memcpy/memmove/memset variant glibc picked for this CPU.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callgrind_out.h"
#include "input.h"

static const char *after(const char *line, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(line, prefix, n) ? NULL : line + n;
}

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
}

/* "events: Ir Dr Dw ..." */
static int parse_events(struct cg_dump *d, char *s)
{
	char *save = NULL, *tok;

	d->nr_events = 0;
	for (tok = strtok_r(s, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (d->nr_events == CG_MAX_EVENTS || strlen(tok) >= sizeof(d->event[0]))
			return -1;
		copy(d->event[d->nr_events++], sizeof(d->event[0]), tok);
	}
	return d->nr_events ? 0 : -1;
}

/* "totals: 611 2 2": trailing zero totals may be left out. */
static int parse_totals(struct cg_dump *d, char *s)
{
	char *save = NULL, *tok, *end;
	unsigned int i = 0;

	memset(d->total, 0, sizeof(d->total));
	for (tok = strtok_r(s, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (i == d->nr_events || *tok < '0' || *tok > '9')
			return -1;
		errno = 0;
		d->total[i++] = strtoull(tok, &end, 10);
		if (errno || *end)
			return -1;
	}
	return i ? 0 : -1;
}

/* fn=NAME, or fn=(ID) NAME when strings are compressed; cfn= alike. */
static void note_fn(struct cg_dump *d, const char *s)
{
	const char *name = s;
	unsigned int i;

	if (*s == '(') {
		name = strchr(s, ')');
		if (!name || name[1] != ' ')
			return;
		name += 2;
	}
	/* glibc's ifunc variants: __memmove_avx_unaligned_erms and kin. */
	if (strncmp(name, "__mem", 5) || !strchr(name + 5, '_') ||
	    strlen(name) >= sizeof(d->fn[0]))
		return;
	for (i = 0; i < d->nr_fns; i++)
		if (!strcmp(d->fn[i], name))
			return;
	if (d->nr_fns < CG_MAX_FNS)
		copy(d->fn[d->nr_fns++], sizeof(d->fn[0]), name);
}

static int parse_line(struct cg_dump *d, char *line, bool *events, bool *totals)
{
	const char *v;

	if ((v = after(line, "creator: ")))
		copy(d->creator, sizeof(d->creator), v);
	else if ((v = after(line, "part: ")))
		d->part = (unsigned int)strtoul(v, NULL, 10);
	else if ((v = after(line, "desc: Trigger: Client Request: ")))
		copy(d->trigger, sizeof(d->trigger), v);
	else if ((v = after(line, "desc: I1 cache: ")))
		copy(d->i1, sizeof(d->i1), v);
	else if ((v = after(line, "desc: D1 cache: ")))
		copy(d->d1, sizeof(d->d1), v);
	else if ((v = after(line, "desc: LL cache: ")))
		copy(d->ll, sizeof(d->ll), v);
	else if ((v = after(line, "events: "))) {
		if (parse_events(d, line + strlen("events: ")))
			return -1;
		*events = true;
	} else if ((v = after(line, "totals: "))) {
		if (!*events || parse_totals(d, line + strlen("totals: ")))
			return -1;
		*totals = true;
	} else if ((v = after(line, "fn=")) || (v = after(line, "cfn="))) {
		note_fn(d, v);
	}
	return 0;
}

int cg_read(const char *path, struct cg_dump *d, char *err, size_t errlen)
{
	bool events = false, totals = false;
	struct lb_lines l;
	int ret;

	memset(d, 0, sizeof(*d));
	if (lb_lines_open(&l, path)) {
		snprintf(err, errlen, "%s", l.err);
		return -1;
	}
	while ((ret = lb_lines_next(&l)) > 0) {
		if (l.lineno == 1 && strcmp(l.line, "# callgrind format")) {
			snprintf(err, errlen, "%s: not a callgrind output file",
				 path);
			goto fail;
		}
		if (parse_line(d, l.line, &events, &totals)) {
			snprintf(err, errlen, "%s:%u: malformed '%.40s'", path,
				 l.lineno, l.line);
			goto fail;
		}
	}
	if (ret < 0) {
		snprintf(err, errlen, "%s", l.err);
		goto fail;
	}
	if (!l.lineno || !events || !totals) {
		snprintf(err, errlen, "%s: no %s line", path,
			 !l.lineno ? "header" : events ? "totals:" : "events:");
		goto fail;
	}
	lb_lines_close(&l);
	return 0;
fail:
	lb_lines_close(&l);
	return -1;
}

bool cg_total(const struct cg_dump *d, const char *name, uint64_t *v)
{
	unsigned int i;

	for (i = 0; i < d->nr_events; i++)
		if (!strcmp(d->event[i], name)) {
			*v = d->total[i];
			return true;
		}
	return false;
}
