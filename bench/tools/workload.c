// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-workload: checks a workload file against the option tables of
 * its stages (lubench-bench's own, the cycle stage's, ab's, soak's) and
 * prints a stage's options; checks a command line of a stage the same
 * way (cycle.sh runs it on its arguments).
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "count_opts.h"
#include "stress.h"
#include "workload.h"
#include "workload_cycle.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* Every section a workload may have. */
static const struct lb_stage *const all_stages[] = {
	&bench_stage,
	&cycle_stage,
	&count_stage,
	&ab_stage,
	&stress_stage,
	&soak_stage,
	NULL,
};

static int usage(FILE *f)
{
	fprintf(f,
"usage: lubench-workload check FILE [SECTION...]\n"
"       lubench-workload opts FILE SECTION\n"
"       lubench-workload args SECTION [ARGS...]\n"
"  check  check every line of FILE; nothing on stdout.  With SECTIONs,\n"
"         those are the only sections FILE may have (./lubench run:\n"
"         bench cycle)\n"
"  opts   check FILE, then print SECTION's options, one word a line\n"
"         (--key, then its value with words joined by commas)\n"
"  args   check ARGS as a command line of SECTION's stage\n"
"Exit: 0; 1 FILE has no SECTION (opts); 2 a bad file, a bad command\n"
"line, or usage (the reason on stderr).\n");
	return f == stdout ? 0 : 2;
}

static const struct lb_stage *stage_named(const char *name)
{
	const struct lb_stage *const *st;

	for (st = all_stages; *st; st++)
		if (!strcmp((*st)->name, name))
			return *st;
	return NULL;
}

static void print_opts(const struct wl_section *s)
{
	unsigned int i;

	for (i = 0; i < s->nr; i++) {
		const struct wl_entry *e = &s->e[i];

		if (!e->opt->arg && strcmp(e->value, "yes"))
			continue;
		printf("--%s\n", e->opt->name);
		if (e->opt->arg)
			printf("%s\n", e->value);
	}
}

/* check FILE [SECTION...] */
static int cmd_check(int argc, char **argv)
{
	const struct lb_stage *some[ARRAY_LEN(all_stages)];
	const struct lb_stage *const *stages = all_stages;
	struct workload w;
	char err[512];
	int i;

	if (argc < 2 || argc - 2 >= (int)ARRAY_LEN(all_stages))
		return usage(stderr);
	if (argc > 2) {
		for (i = 2; i < argc; i++) {
			some[i - 2] = stage_named(argv[i]);
			if (!some[i - 2]) {
				fprintf(stderr, "lubench-workload: no stage "
					"'%s'\n", argv[i]);
				return 2;
			}
		}
		some[argc - 2] = NULL;
		stages = some;
	}
	if (wl_load(&w, argv[1], stages, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	wl_free(&w);
	return 0;
}

/* opts FILE SECTION: 1 when FILE has no SECTION. */
static int cmd_opts(int argc, char **argv)
{
	const struct wl_section *s;
	struct workload w;
	char err[512];

	if (argc != 3)
		return usage(stderr);
	if (!stage_named(argv[2])) {
		fprintf(stderr, "lubench-workload: no stage '%s'\n", argv[2]);
		return 2;
	}
	if (wl_load(&w, argv[1], all_stages, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	s = wl_section(&w, argv[2]);
	if (s)
		print_opts(s);
	wl_free(&w);
	return s ? 0 : 1;
}

static int cmd_args(int argc, char **argv)
{
	const struct lb_stage *st;
	char err[512];

	if (argc < 2)
		return usage(stderr);
	st = stage_named(argv[1]);
	if (!st) {
		fprintf(stderr, "lubench-workload: no stage '%s'\n", argv[1]);
		return 2;
	}
	if (wl_check_args(st, argc - 2, argv + 2, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", st->name, err);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return usage(stdout);
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "opts"))
		return cmd_opts(argc - 1, argv + 1);
	if (!strcmp(argv[1], "args"))
		return cmd_args(argc - 1, argv + 1);
	return usage(stderr);
}
