/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Values more than one stage's table takes (stageopt.h): a duration and
 * the layouts' names.  A library of its own (lubench_stageopt_values),
 * linked by the tables that use it and by nothing lubench-count-worker
 * links: the worker's counts move with its own code and data layout.
 */
#ifndef LUBENCH_STAGEOPT_VALUES_H
#define LUBENCH_STAGEOPT_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * A duration of option @opt: a number with ms, s, m or (with @hours) h,
 * as milliseconds, at most @max_ms.  0; -EINVAL when @val is not of that
 * form (@err untouched: the caller says what it takes); -1 with the
 * reason in @err for a number out of range.
 */
int lb_opt_duration(const char *opt, const char *val, bool hours,
		    uint64_t max_ms, uint64_t *ms, char *err, size_t len);

/* The layouts of the registry (pci_ser.h), " NAME" each: a choices printer. */
void lb_layout_choices(FILE *f);

#endif /* LUBENCH_STAGEOPT_VALUES_H */
