/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The options of a command that a workload section sets: one table per
 * stage of `./lubench run`.  A command parses its own command line with
 * its table, and the workload checker (bench/tools/workload.c) checks a
 * section against the same table, so the two never disagree.
 */
#ifndef LUBENCH_STAGEOPT_H
#define LUBENCH_STAGEOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct lb_option {
	const char *name;	/* the long option, without "--" */
	const char *arg;	/* how usage names its value; NULL: a flag */
	const char *help;	/* --help text; '\n' starts another line */
	/* Prints what follows the help line on it (a list of names). */
	void (*choices)(FILE *f);
	bool run_sets;		/* ./lubench run gives it: not in a workload */
	/*
	 * Check @val (NULL for a flag) and store it in @ctx.  Returns 0, or
	 * -1 with a message that names the option in @err.
	 */
	int (*set)(void *ctx, const char *val, char *err, size_t len);
	const char *alias;	/* a short form the command takes ("-v") */
};

/* A command as a workload stage: its options and their cross-checks. */
struct lb_stage {
	const char *name;		/* the workload section */
	const struct lb_option *opts;	/* ends with a NULL name */
	void *(*ctx_new)(void);		/* defaults, as on a bare command */
	/* After every option is set: what no single option can tell. */
	int (*finish)(void *ctx, char *err, size_t len);
	void (*ctx_free)(void *ctx);
};

const struct lb_option *lb_option_find(const struct lb_option *opts,
				       const char *name);

/*
 * For setters.  lb_opt_num: @val as a number of option @opt in [@min,
 * @max] (numparse.h).  lb_opt_items: each comma-separated item of @val
 * through @fn; an empty value or item is refused.  Both return 0, or -1
 * with the reason in @err.
 */
int lb_opt_num(const char *opt, const char *val, uint64_t min, uint64_t max,
	       uint64_t *out, char *err, size_t len);
int lb_opt_items(void *ctx, const char *opt, const char *val,
		 int (*fn)(void *ctx, const char *item, char *err, size_t len),
		 char *err, size_t len);

/*
 * Setters of one number (lb_opt_num()) for a table: LB_OPT_NUM_SETTER
 * stores it in ((TYPE *)ctx)->FIELD, LB_OPT_NUM_CHECKER only checks it
 * (a value the command that reads it takes as it is).
 */
#define LB_OPT_NUM_SETTER(fn, type, field, opt, lo, hi)			\
static int fn(void *ctx, const char *val, char *err, size_t len)	\
{									\
	uint64_t v;							\
									\
	if (lb_opt_num(opt, val, lo, hi, &v, err, len))			\
		return -1;						\
	((type *)ctx)->field = v;					\
	return 0;							\
}
#define LB_OPT_NUM_CHECKER(fn, opt, lo, hi)				\
static int fn(void *ctx, const char *val, char *err, size_t len)	\
{									\
	uint64_t v;							\
									\
	(void)ctx;							\
	return lb_opt_num(opt, val, lo, hi, &v, err, len);		\
}

/*
 * A setter that takes any value and stores nothing: a flag nobody reads
 * back, or a value the command that reads it checks itself.
 */
int lb_opt_any(void *ctx, const char *val, char *err, size_t len);

/*
 * A command's own command line through its table (getopt_long: --key
 * VALUE, --key=VALUE, --flag, --help) into @ctx, then @stage->finish.
 * Returns 0; 1 for --help; -1 with the reason in @err, or @err empty
 * when getopt has printed it (then print the usage).
 */
int lb_options_parse(const struct lb_stage *stage, void *ctx, int argc,
		     char **argv, char *err, size_t len);

/* Usage text from a table: the synopsis, and a line per option. */
void lb_options_synopsis(FILE *f, const struct lb_option *opts, int indent);
void lb_options_help(FILE *f, const struct lb_option *opts);

#endif /* LUBENCH_STAGEOPT_H */
