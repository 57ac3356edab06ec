// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-stress [OPTIONS] [WORKLOAD]: the [stress] section of a workload
 * file, then the command line over it, checked whole before anything
 * runs.  Exit 0 lost 0, 1 a violation (its trace written), 2 bad input
 * or a failure to run.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "count_opts.h"
#include "stress.h"
#include "workload.h"
#include "workload_cycle.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: lubench stress [OPTIONS] [WORKLOAD]\n");
	lb_options_synopsis(f, stress_stage.opts, 22);
	lb_options_help(f, stress_stage.opts);
}

/* The one argument that is neither an option nor an option's value. */
static int take_workload(int *argc, char **argv, const char **path)
{
	int i, j;

	*path = NULL;
	for (i = 1; i < *argc; i++) {
		const struct lb_option *o;
		char name[64];
		size_t n;

		if (!strcmp(argv[i], "--"))
			break;
		if (!strncmp(argv[i], "--", 2)) {
			n = strcspn(argv[i] + 2, "=");
			if (n >= sizeof(name))
				continue;
			memcpy(name, argv[i] + 2, n);
			name[n] = '\0';
			o = lb_option_find(stress_stage.opts, name);
			if (o && o->arg && !argv[i][2 + n])
				i++;
			continue;
		}
		if (argv[i][0] == '-')
			continue;
		if (*path) {
			fprintf(stderr, "lubench stress: one workload, not '%s' "
				"and '%s'\n", *path, argv[i]);
			return -1;
		}
		*path = argv[i];
		for (j = i; j + 1 < *argc; j++)
			argv[j] = argv[j + 1];
		(*argc)--;
		i--;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct lb_stage *const stages[] = {
		&bench_stage, &cycle_stage, &count_stage, &ab_stage,
		&stress_stage, NULL,
	};
	static struct stress_cfg cfg;
	const struct wl_section *s;
	const char *path;
	struct workload w;
	char err[512] = "";
	unsigned int k;
	int ret;

	stress_cfg_init(&cfg);
	if (take_workload(&argc, argv, &path))
		return 2;
	if (path) {
		if (wl_load(&w, path, stages, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return 2;
		}
		s = wl_section(&w, "stress");
		if (!s) {
			fprintf(stderr, "%s: no [stress] section\n", path);
			wl_free(&w);
			return 2;
		}
		for (k = 0; k < s->nr; k++)
			if (s->e[k].opt->set(&cfg, s->e[k].value, err,
					     sizeof(err))) {
				fprintf(stderr, "%s:%u: %s\n", path,
					s->e[k].line, err);
				wl_free(&w);
				return 2;
			}
		wl_free(&w);
	}
	ret = lb_options_parse(&stress_stage, &cfg, argc, argv, err,
			       sizeof(err));
	if (ret == 1) {
		usage(stdout);
		return 0;
	}
	if (ret) {
		if (err[0])
			fprintf(stderr, "lubench stress: %s%s%s\n",
				path ? path : "", path ? ": " : "", err);
		else
			usage(stderr);
		return 2;
	}
	if (cfg.check)
		return 0;
	return stress_run(&cfg);
}
