/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest run's files as one fuzz input, each section ended by a line
 * "--", for the targets that read a run in the order its reader does
 * (fuzz_cycle_report, fuzz_soak_report); the first section is the plan.
 */
#ifndef LUBENCH_FUZZ_SECTIONS_H
#define LUBENCH_FUZZ_SECTIONS_H

#include <errno.h>

#include "cycle_plan.h"
#include "fuzz.h"

struct fz_input {
	const char *p, *end;
	unsigned int s;		/* the section the next line is in */
};

/* The next line of the current section, NUL-terminated; NULL at its end. */
static inline char *fz_next_line(struct fz_input *in, size_t *len)
{
	const char *nl;
	char *line;

	if (in->p >= in->end)
		return NULL;
	nl = memchr(in->p, '\n', in->end - in->p);
	*len = (nl ? nl : in->end) - in->p;
	if (*len == 2 && !memcmp(in->p, "--", 2)) {
		in->p += 3;
		in->s++;
		return NULL;
	}
	line = fuzz_strdup((const uint8_t *)in->p, *len);
	in->p += *len + 1;
	return line;
}

static inline void fz_check_entry(const struct cp_entry *e)
{
	FUZZ_CHECK(memchr(e->variant, '\0', sizeof(e->variant)) &&
		   memchr(e->fault, '\0', sizeof(e->fault)) && e->variant[0] &&
		   e->fault[0], "plan names");
	FUZZ_CHECK(e->devices >= CP_MIN_DEVICES && e->devices <= CP_MAX_DEVICES &&
		   e->preserve <= e->devices, "plan: N=%u M=%u", e->devices,
		   e->preserve);
}

/* Section 0, the plan: 1..CP_MAX_CYCLES jumps, as cp_read() wants. */
static inline int fz_read_plan(struct fz_input *in, struct cp_plan *p)
{
	char why[256] = "", *line;
	struct cp_entry e;
	size_t len;
	int ret = 0;

	memset(p, 0, sizeof(*p));
	while (in->s == 0 && (line = fz_next_line(in, &len))) {
		ret = memchr(line, '\0', len) ? -EINVAL :
		      cp_parse_line(line, &e, why, sizeof(why));
		free(line);
		FUZZ_CHECK(ret == 1 || ret == 0 || ret == -EINVAL,
			   "cp_parse_line: %d", ret);
		if (ret < 0)
			return ret;
		if (!ret)
			continue;
		fz_check_entry(&e);
		if (p->nr == CP_MAX_CYCLES)
			return -EINVAL;
		p->e = realloc(p->e, (p->nr + 1) * sizeof(*p->e));
		if (!p->e)
			abort();
		p->e[p->nr++] = e;
	}
	return p->nr ? 0 : -EINVAL;
}

/*
 * The lines of the sections after the plan, up to section @nr, each to
 * @fn(@ctx, section, line, length) until one is refused: its status.
 */
static inline int fz_read_sections(struct fz_input *in, unsigned int nr,
				   int (*fn)(void *, unsigned int, const char *,
					     size_t), void *ctx)
{
	int ret = 0;

	while (!ret && in->s < nr) {
		unsigned int s = in->s;
		size_t len;
		char *line = fz_next_line(in, &len);

		if (!line) {
			if (in->p >= in->end)
				break;
			continue;
		}
		ret = fn(ctx, s, line, len);
		free(line);
	}
	return ret;
}

#endif /* LUBENCH_FUZZ_SECTIONS_H */
