// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the workload parser (bench/lib/workload.c) against every
 * stage's option table, as `lubench-workload check` reads a file.  A
 * refused file names NAME:LINE and keeps nothing; an accepted one holds
 * only known, distinct sections and options with clean values, reads
 * back the same from its own canonical text, and each section passes as
 * the command line `./lubench run` makes of it (wl_check_args).
 */
#define _GNU_SOURCE	/* asprintf */
#include <stdbool.h>

#include "bench.h"
#include "count_opts.h"
#include "workload.h"
#include "workload_cycle.h"
#include "fuzz.h"

static const struct lb_stage *const stages[] = {
	&bench_stage,
	&cycle_stage,
	&count_stage,
	&ab_stage,
	NULL,
};

#define NR_STAGES	(sizeof(stages) / sizeof(stages[0]) - 1)

/* The number of lines wl_parse() counts in @data. */
static unsigned int nr_lines(const uint8_t *data, size_t size)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			n++;
	return n + (size && data[size - 1] != '\n');
}

/* "fuzz:LINE: reason" with 1 <= LINE <= the lines there are. */
static void check_refusal(const struct workload *w, const char *err,
			  const uint8_t *data, size_t size)
{
	unsigned int max = nr_lines(data, size) ?: 1;
	unsigned long line;
	char *end;

	FUZZ_CHECK(!w->s && !w->nr, "refused file kept %u sections", w->nr);
	FUZZ_CHECK(!strncmp(err, "fuzz:", 5), "error '%s' names no file", err);
	line = strtoul(err + 5, &end, 10);
	FUZZ_CHECK(end > err + 5 && err[5] != '0' && line <= max &&
		   !strncmp(end, ": ", 2) && end[2],
		   "error '%s' names no line of %u", err, max);
}

static bool value_ok(const char *v)
{
	if (!*v)
		return false;
	for (; *v; v++)
		if (!((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
		      (*v >= '0' && *v <= '9') || strchr("_.,:+-", *v)))
			return false;
	return true;
}

static bool in_table(const struct lb_option *opts, const struct lb_option *o)
{
	for (; opts->name; opts++)
		if (opts == o)
			return true;
	return false;
}

static void check_accepted(const struct workload *w)
{
	unsigned int i, j, k, last = 0;

	FUZZ_CHECK(w->nr >= 1 && w->nr <= NR_STAGES, "%u sections", w->nr);
	for (i = 0; i < w->nr; i++) {
		const struct wl_section *s = &w->s[i];

		for (k = 0; stages[k] && stages[k] != s->stage; k++)
			;
		FUZZ_CHECK(stages[k], "section %u of no stage", i);
		FUZZ_CHECK(s->line > last, "section at line %u after %u",
			   s->line, last);
		last = s->line;
		for (j = 0; j < i; j++)
			FUZZ_CHECK(w->s[j].stage != s->stage,
				   "[%s] twice", s->stage->name);
		for (j = 0; j < s->nr; j++) {
			const struct wl_entry *e = &s->e[j];

			FUZZ_CHECK(in_table(s->stage->opts, e->opt),
				   "[%s]: an option of another table",
				   s->stage->name);
			FUZZ_CHECK(!e->opt->run_sets, "[%s]: %s is run's",
				   s->stage->name, e->opt->name);
			FUZZ_CHECK(e->line > last, "%s at line %u after %u",
				   e->opt->name, e->line, last);
			last = e->line;
			FUZZ_CHECK(strlen(e->value) < WL_MAX_VALUE &&
				   value_ok(e->value), "%s: value '%s'",
				   e->opt->name, e->value);
			FUZZ_CHECK(e->opt->arg || !strcmp(e->value, "yes") ||
				   !strcmp(e->value, "no"), "flag %s = '%s'",
				   e->opt->name, e->value);
			for (k = 0; k < j; k++)
				FUZZ_CHECK(s->e[k].opt != e->opt, "%s twice",
					   e->opt->name);
		}
	}
}

/* The workload as one line a section and an option, as a user writes it. */
static char *canonical(const struct workload *w, size_t *size)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, size);
	unsigned int i, j;

	if (!f)
		abort();
	for (i = 0; i < w->nr; i++) {
		fprintf(f, "[%s]\n", w->s[i].stage->name);
		for (j = 0; j < w->s[i].nr; j++)
			fprintf(f, "%s = %s\n", w->s[i].e[j].opt->name,
				w->s[i].e[j].value);
	}
	if (fclose(f))
		abort();
	return buf;
}

static void check_same(const struct workload *a, const struct workload *b)
{
	unsigned int i, j;

	FUZZ_CHECK(a->nr == b->nr, "%u sections read back as %u", a->nr,
		   b->nr);
	for (i = 0; i < a->nr; i++) {
		const struct wl_section *s = &a->s[i], *t = &b->s[i];

		FUZZ_CHECK(s->stage == t->stage && s->nr == t->nr,
			   "[%s] read back as [%s], %u options as %u",
			   s->stage->name, t->stage->name, s->nr, t->nr);
		for (j = 0; j < s->nr; j++)
			FUZZ_CHECK(s->e[j].opt == t->e[j].opt &&
				   !strcmp(s->e[j].value, t->e[j].value),
				   "[%s] %s = %s read back as %s = %s",
				   s->stage->name, s->e[j].opt->name,
				   s->e[j].value, t->e[j].opt->name,
				   t->e[j].value);
	}
}

/* A section as the command line run.sh gives its stage (--key value). */
static void check_args(const struct wl_section *s)
{
	char *argv[2 * 64], *flags[64];
	char err[512] = "";
	unsigned int j, nr_flags = 0;
	int argc = 0;

	FUZZ_CHECK(s->nr <= 64, "[%s]: %u options", s->stage->name, s->nr);
	for (j = 0; j < s->nr; j++) {
		const struct wl_entry *e = &s->e[j];
		char *flag;

		if (!e->opt->arg && strcmp(e->value, "yes"))
			continue;
		if (asprintf(&flag, "--%s", e->opt->name) < 0)
			abort();
		flags[nr_flags++] = flag;
		argv[argc++] = flag;
		if (e->opt->arg)
			argv[argc++] = (char *)e->value;
	}
	FUZZ_CHECK(!wl_check_args(s->stage, argc, argv, err, sizeof(err)),
		   "[%s] accepted in a file, refused as arguments: %s",
		   s->stage->name, err);
	for (j = 0; j < nr_flags; j++)
		free(flags[j]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct workload w, back;
	char err[512] = "";
	unsigned int i;
	size_t len;
	char *text;

	if (wl_parse(&w, "fuzz", (const char *)data, size, stages, err,
		     sizeof(err))) {
		check_refusal(&w, err, data, size);
		return 0;
	}
	check_accepted(&w);
	text = canonical(&w, &len);
	FUZZ_CHECK(!wl_parse(&back, "canonical", text, len, stages, err,
			     sizeof(err)), "own text refused: %s", err);
	check_same(&w, &back);
	for (i = 0; i < w.nr; i++)
		check_args(&w.s[i]);
	wl_free(&back);
	wl_free(&w);
	free(text);
	return 0;
}
