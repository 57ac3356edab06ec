// SPDX-License-Identifier: GPL-2.0
#include "cycle_meta.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cm_line(struct cycle_meta *m, const char *line, char *why, size_t len)
{
	const char *eq = strchr(line, '=');
	size_t klen = eq ? (size_t)(eq - line) : 0;
	char *k, *v;

	if (!*line)
		return 0;
	if (!klen || strspn(line, "abcdefghijklmnopqrstuvwxyz_") != klen) {
		snprintf(why, len, "want KEY=VALUE with KEY in [a-z_]");
		return -EINVAL;
	}
	if (m->nr == CM_MAX_META) {
		snprintf(why, len, "more than %d entries", CM_MAX_META);
		return -EINVAL;
	}
	k = strndup(line, klen);
	if (!k)
		return -ENOMEM;
	if (cm_get(m, k)) {
		snprintf(why, len, "%.64s given twice", k);
		free(k);
		return -EINVAL;
	}
	v = strdup(eq + 1);
	if (!v) {
		free(k);
		return -ENOMEM;
	}
	m->key[m->nr] = k;
	m->val[m->nr++] = v;
	return 0;
}

const char *cm_get(const struct cycle_meta *m, const char *key)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (!strcmp(m->key[i], key))
			return m->val[i];
	return NULL;
}

void cm_free(struct cycle_meta *m)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++) {
		free(m->key[i]);
		free(m->val[i]);
	}
	m->nr = 0;
}
