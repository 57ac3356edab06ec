/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Workload files: `key = value` lines under `[section]` headers, one
 * section per stage of `./lubench run`.  Everything in a file is checked
 * against the stages' option tables (stageopt.h) when it is read, so a
 * run refuses a bad file before any stage starts.
 */
#ifndef LUBENCH_WORKLOAD_H
#define LUBENCH_WORKLOAD_H

#include <stddef.h>

#include "stageopt.h"

/* Limits, as README.md documents them. */
#define WL_MAX_BYTES	65536	/* a whole file */
#define WL_MAX_LINE	1024
#define WL_MAX_KEY	32
#define WL_MAX_VALUE	256

struct wl_entry {
	const struct lb_option *opt;
	char value[WL_MAX_VALUE];	/* words joined by commas */
	unsigned int line;
};

struct wl_section {
	const struct lb_stage *stage;
	unsigned int line;		/* of its header */
	struct wl_entry *e;
	unsigned int nr;
};

struct workload {
	struct wl_section *s;
	unsigned int nr;
};

/*
 * Parse @size bytes of @buf, named @name in messages, against @stages
 * (NULL-terminated): syntax, sections, options and their values, and
 * each section's cross-checks.  Returns 0, or -1 with
 * "NAME:LINE: reason" in @err and nothing left allocated.
 */
int wl_parse(struct workload *w, const char *name, const char *buf,
	     size_t size, const struct lb_stage *const *stages, char *err,
	     size_t len);

/* The same for the file @path, read up to WL_MAX_BYTES. */
int wl_load(struct workload *w, const char *path,
	    const struct lb_stage *const *stages, char *err, size_t len);

/* Section @name, NULL when the file has none. */
const struct wl_section *wl_section(const struct workload *w,
				    const char *name);

void wl_free(struct workload *w);

/*
 * Check a command line of @stage (--key value, --flag; as the command
 * itself parses it) against its table.  0, or -1 with a reason in @err.
 */
int wl_check_args(const struct lb_stage *stage, int argc, char **argv,
		  char *err, size_t len);

#endif /* LUBENCH_WORKLOAD_H */
