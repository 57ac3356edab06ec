/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How the measuring tools (lubench-bench, lubench-count and its worker)
 * stop: one message on stderr, prefixed with the tool's name, and a
 * status that says whose fault it was.
 */
#ifndef LUBENCH_DIE_H
#define LUBENCH_DIE_H

#include <stdbool.h>
#include <stddef.h>

#define LB_EXIT_USAGE	1	/* the arguments or the input */
#define LB_EXIT_WRONG	2	/* a layout gave a wrong answer */
#define LB_EXIT_SYSTEM	3	/* memory, files, pinning */

/*
 * Name the tool for the messages.  @quick: leave by _exit() (a worker
 * under valgrind whose parent reads its output), not exit().
 */
void lb_die_setup(const char *prog, bool quick);

void __attribute__((format(printf, 2, 3), noreturn))
lb_die(int code, const char *fmt, ...);

/* calloc() of at least one byte, or lb_die(LB_EXIT_SYSTEM, ...). */
void *lb_xcalloc(size_t n, size_t size);

#endif /* LUBENCH_DIE_H */
