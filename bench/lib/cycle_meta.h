/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cycle.meta, the KEY=VALUE lines scripts/host/cycle.sh and soak.sh
 * write beside a guest run: the one reader, shared by lubench-cycle-report
 * and lubench-soak-report.  A key is [a-z_]; a value is the rest of the
 * line, '=' and all.  A later line with a key seen before is refused.
 */
#ifndef LUBENCH_CYCLE_META_H
#define LUBENCH_CYCLE_META_H

#include <stddef.h>

#define CM_MAX_META	64

struct cycle_meta {
	unsigned int nr;
	char *key[CM_MAX_META];
	char *val[CM_MAX_META];
};

/*
 * One line into @m: 0 taken (or blank), -EINVAL with the reason in @why,
 * -ENOMEM (nothing kept of the line).
 */
int cm_line(struct cycle_meta *m, const char *line, char *why, size_t len);

/* The value of @key, NULL when cycle.meta has none. */
const char *cm_get(const struct cycle_meta *m, const char *key);

void cm_free(struct cycle_meta *m);

#endif /* LUBENCH_CYCLE_META_H */
