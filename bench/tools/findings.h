/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The answers to the review (issue 12, README.md "Findings"), each
 * computed from the rows of one run and one clock: the sweep's wall
 * clock (lubench-bench rows) or the counted instructions (lubench-count
 * rows).  Nothing in them is typed in.
 */
#ifndef LUBENCH_FINDINGS_H
#define LUBENCH_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A least-squares fit of ln(total) = ln(a) + k ln(N), and of total = c N^2. */
struct fd_fit {
	unsigned int nr;	/* points fitted */
	double k;		/* the exponent */
	double r2;		/* R^2 of the log-log fit */
	double c;		/* total ~ c * N^2, least squares with k fixed at 2 */
};

/* Fit @nr points (@n[i], @t[i]), all > 0; false when fewer than 2. */
bool fd_fit_power(const double *n, const double *t, unsigned int nr,
		  struct fd_fit *fit);

/*
 * Print the findings section to @f from @bench_dir's rows (a bench run:
 * results.jsonl) and @count_dir's (a count run), either NULL or without
 * rows, lines wrapped at @cols (96 in the summary, 72 in the report).
 * @brief (the summary): finding c as the counted fill and its fit only,
 * when there are counted fills; the wall-clock fill and the free list
 * stay in the full findings (findings.txt, the report, lubench bench).
 * 0, or 2 when a row is malformed (the reason on stderr, @prog
 * naming the tool).
 */
int findings_print(FILE *f, const char *prog, const char *bench_dir,
		   const char *count_dir, int cols, bool brief);

#endif /* LUBENCH_FINDINGS_H */
