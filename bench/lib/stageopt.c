// SPDX-License-Identifier: GPL-2.0
/* Option tables of the workload stages (stageopt.h): lookup and usage. */
#include <string.h>

#include "stageopt.h"

const struct lb_option *lb_option_find(const struct lb_option *opts,
				       const char *name)
{
	for (; opts->name; opts++)
		if (!strcmp(opts->name, name))
			return opts;
	return NULL;
}

/* " [--name ARG]" for each option, wrapped under column @indent. */
void lb_options_synopsis(FILE *f, const struct lb_option *opts, int indent)
{
	int col = indent;

	for (; opts->name; opts++) {
		int w = (int)strlen(opts->name) + 5 +
			(opts->arg ? (int)strlen(opts->arg) + 1 : 0);

		if (col + w > 78) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		}
		fprintf(f, " [--%s%s%s]", opts->name, opts->arg ? " " : "",
			opts->arg ? opts->arg : "");
		col += w;
	}
}

/* "  --name ARG  help", continuation lines under the help's column. */
void lb_options_help(FILE *f, const struct lb_option *opts)
{
	for (; opts->name; opts++) {
		const char *h = opts->help, *nl;
		char head[40];

		snprintf(head, sizeof(head), "--%s%s%s", opts->name,
			 opts->arg ? " " : "", opts->arg ? opts->arg : "");
		fprintf(f, "  %-14s  ", head);
		while ((nl = strchr(h, '\n'))) {
			fprintf(f, "%.*s\n%18s", (int)(nl - h), h, "");
			h = nl + 1;
		}
		fputs(h, f);
		if (opts->choices)
			opts->choices(f);
		fputc('\n', f);
	}
}
