/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cycle.plan, the chain of live updates the host hands the guest
 * (results/GUEST-PROTOCOL.md): one jump per line, "VARIANT FAULT N M
 * [warmup]".  The one reader, shared by the guest's cycle job (through
 * lubench-dev cycle-step) and the cycle report.
 */
#ifndef LUBENCH_CYCLE_PLAN_H
#define LUBENCH_CYCLE_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* lubench.ko's nr_devices range, and the longest chain a run may plan. */
#define CP_MIN_DEVICES	16
#define CP_MAX_DEVICES	65536
#define CP_MAX_CYCLES	1000
#define CP_NAME_LEN	32

struct cp_entry {
	char variant[CP_NAME_LEN];	/* a layout, or "none" (the control) */
	char fault[CP_NAME_LEN];	/* "none" or a fault's name */
	uint32_t devices;		/* N, CP_MIN_DEVICES..CP_MAX_DEVICES */
	uint32_t preserve;		/* M, 0..N */
	bool warmup;			/* verified, left out of the tables */
};

struct cp_plan {
	struct cp_entry *e;
	unsigned int nr;
};

/*
 * One line into @e.  1 a jump; 0 a blank or '#' comment line; -EINVAL
 * with the reason in @why.  The entry point for fuzzing.
 */
int cp_parse_line(const char *line, struct cp_entry *e, char *why,
		  size_t len);

/*
 * The whole plan at @path (bounded, input.h): 0, or -errno with
 * "PATH:LINE: reason" in @why.  A plan holds 1..CP_MAX_CYCLES jumps.
 */
int cp_read(const char *path, struct cp_plan *p, char *why, size_t len);
void cp_free(struct cp_plan *p);

#endif /* LUBENCH_CYCLE_PLAN_H */
