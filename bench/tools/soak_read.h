/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reading of a soak's guest run (scripts/host/soak.sh) for
 * lubench-soak-report and its fuzz target: the plan's jumps, cycle.meta's
 * KEY=VALUE lines and the guest's JSON lines (results.txt), each line
 * taken or refused with the reason.
 */
#ifndef LUBENCH_SOAK_READ_H
#define LUBENCH_SOAK_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cycle_meta.h"
#include "cycle_plan.h"

struct soak_jump {
	struct cp_entry plan;
	bool has_stress, has_freeze, has_restore;
	bool stress_lost;
	uint64_t ops, refused, preserved, entries, bridges, threads;
	/* The hot-plug thread's (0 in rows written before it existed). */
	uint64_t hp_events, hp_unplug_preserved, sriov;
	/* Allocations the module failed during the stress, and the ops
	 * that saw -ENOMEM (0 in rows written before they existed). */
	uint64_t alloc_faults, refused_nomem;
	/* Hot-plugged devices kept preserved across the jump, and the ones
	 * the next kernel's restore expected missing (0 in older rows). */
	uint64_t kept_plugged, missing;
	char why[160];			/* the stress's, or the restore's */
	uint64_t handed;		/* entries the freeze handed over */
	bool restore_pass, refused_handover;
	char reason[64];
	int dmesg_freeze, dmesg_restore;	/* -1 not checked, 0 dirty, 1 clean */
	char dmesg_first[160];
};

struct soak {
	struct soak_jump *j;
	unsigned int nr;
	bool has_run, stopped_by_clock;
	/* stop_stage: the jump the clock found no time for, 1..nr + 1. */
	uint64_t stop_stage, elapsed_ms, limit_ms, wall_ms, exit_rc;
	char run_reason[128], clock[16];	/* clock: real or icount */
	struct cycle_meta meta;			/* cycle.meta (soak.sh) */
};

/* The jumps of @p (1 or more), none of them seen yet: 0 or -ENOMEM. */
int soak_set_plan(struct soak *s, const struct cp_plan *p);

/*
 * One line of results.txt, @n bytes: 0 taken (or not a lubench-guest
 * row), -EINVAL with the reason in @why, -ENOMEM.
 */
int soak_result_line(struct soak *s, const char *line, size_t n, char *why,
		     size_t len);

/* The value of cycle.meta's @key, "" when it has none. */
const char *soak_meta(const struct soak *s, const char *key);

/* Why jump @j did not pass (in @buf or a constant); NULL when it did. */
const char *soak_jump_fail(const struct soak_jump *j, char *buf, size_t len);

void soak_free(struct soak *s);

#endif /* LUBENCH_SOAK_READ_H */
