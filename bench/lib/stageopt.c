// SPDX-License-Identifier: GPL-2.0
/* Option tables of the workload stages (stageopt.h): lookup and usage. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"
#include "stageopt.h"

int lb_opt_num(const char *opt, const char *val, uint64_t min, uint64_t max,
	       uint64_t *out, char *err, size_t len)
{
	int e = lb_parse_u64(val, min, max, out);

	if (e)
		lb_parse_error(err, len, opt, val, e, min, max);
	return e ? -1 : 0;
}

int lb_opt_any(void *ctx, const char *val, char *err, size_t len)
{
	(void)ctx;
	(void)val;
	(void)err;
	(void)len;
	return 0;
}

int lb_opt_items(void *ctx, const char *opt, const char *val,
		 int (*fn)(void *ctx, const char *item, char *err, size_t len),
		 char *err, size_t len)
{
	const char *p = val, *end;
	char item[64];

	if (!*val) {
		snprintf(err, len, "%s: empty value", opt);
		return -1;
	}
	for (;;) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		if (end == p || end - p >= (long)sizeof(item)) {
			snprintf(err, len, "%s: %s item in '%s'", opt,
				 end == p ? "empty" : "too long an", val);
			return -1;
		}
		memcpy(item, p, end - p);
		item[end - p] = 0;
		if (fn(ctx, item, err, len))
			return -1;
		if (!*end)
			return 0;
		p = end + 1;
	}
}

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

#define OPT_BASE	0x100

int lb_options_parse(const struct lb_stage *stage, void *ctx, int argc,
		     char **argv, char *err, size_t len)
{
	const struct lb_option *opts = stage->opts;
	struct option *lo;
	int c, i, n, ret = -1;

	err[0] = 0;
	for (n = 0; opts[n].name; n++)
		;
	lo = calloc(n + 2, sizeof(*lo));
	if (!lo) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++)
		lo[i] = (struct option){ opts[i].name,
			opts[i].arg ? required_argument : no_argument, NULL,
			OPT_BASE + i };
	lo[n] = (struct option){ "help", no_argument, NULL, 'h' };
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (c == 'h') {
			ret = 1;
			goto out;
		}
		/* getopt said what was wrong. */
		if (c < OPT_BASE)
			goto out;
		if (opts[c - OPT_BASE].set(ctx, optarg, err, len))
			goto out;
	}
	if (optind < argc) {
		snprintf(err, len, "unexpected argument '%s' (see --help)",
			 argv[optind]);
		goto out;
	}
	ret = stage->finish(ctx, err, len) ? -1 : 0;
out:
	free(lo);
	return ret;
}
