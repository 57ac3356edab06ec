/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lubench-cycle-report's reading of one guest run (results/GUEST-PROTOCOL.md):
 * the plan, the guest's JSON lines, the host-stamped console and
 * cycle.meta, each line checked and kept as typed values.  Apart from
 * the report's main so a fuzzer can drive it one line at a time.
 */
#ifndef LUBENCH_CYCLE_REPORT_H
#define LUBENCH_CYCLE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cycle_meta.h"
#include "cycle_plan.h"

#define CR_SCHEMA		"lubench-guest"
#define CR_SCHEMA_VERSION	1

/* lubench-cycle-freeze: what the old kernel reported at the freeze. */
struct cr_freeze {
	uint64_t freeze_tsc, blob_bytes;
	bool constant_tsc, nonstop_tsc;
};

/* lubench-cycle-restore: the new kernel's record, stamps and verdict. */
struct cr_restore {
	uint64_t tsc_khz, old_tsc_khz;
	uint64_t freeze_tsc, serialized_tsc, kexec_tsc;
	uint64_t init_tsc, init_sched_clock_ns, mapped_tsc, retrieved_tsc;
	uint64_t enumerated_tsc, ready_tsc, finish_tsc;
	uint64_t lookup_cycles, lookups, tsc_pair_cycles, preserved;
	/* what came back, when the line says (older runs do not) */
	bool has_bridges;
	uint64_t endpoints, bridges;
	bool refused, constant_tsc, nonstop_tsc, pass;
	char reason[64], why[200], mode[8], variant[CP_NAME_LEN];
	char clocksource[32];
};

/* One planned jump: the plan's line, then what was seen of it. */
struct cycle {
	unsigned int k;			/* 1-based, the stage that froze it */
	struct cp_entry plan;
	unsigned int rep;		/* 1-based among equal (variant, N, fault) */
	bool has_preserve, has_freeze, has_restore;
	struct cr_freeze freeze;
	struct cr_restore restore;
	double host_freeze, host_end;	/* ms; NAN when not seen */
	double host_boot;		/* next kernel's /init started */
	bool icount;			/* the run's clock is QEMU icount */

	/* computed */
	bool tsc_ok;
	char tsc_check[160];
	double khz, old_khz;
	double serialize, exit, jump, shutdown_jump;
	double boot, map, retrieve, enumerate, lookup, user;
	double lookup_ns, blackout, host_blackout, host_diff;
	char blackout_why[200];
	char expected[48];
	char verification[240];
	bool pass;
};

/* The stage-1 plan line and the host's lubench-run line. */
struct cr_guest {
	bool has_plan, has_run;
	uint64_t cycles;
	bool kexec_checks;
	char kernel[64];
	char accel[16], clock[16], cpu[64], mem[16], reason[300];
	uint64_t smp, wall_ms, boots;
	int64_t exit;
};

struct run {
	const char *dir;
	char run_id[128];
	struct cycle *c;
	unsigned int nr;
	struct cr_guest g;
	bool pending_preserve;		/* a preserve line waits for its freeze */
	struct cycle_meta meta;		/* cycle.meta (scripts/host/cycle.sh) */
};

/* The plan's jumps into @r (before any other line is read). */
int cr_set_plan(struct run *r, const struct cp_plan *p);

/*
 * One line of results.txt, console.log or cycle.meta into @r.  0 taken
 * or not ours (console noise); -EINVAL with the reason in @why; -ENOMEM.
 */
int cr_result_line(struct run *r, const char *line, size_t len, char *why,
		   size_t whylen);
int cr_console_line(struct run *r, const char *line, char *why,
		    size_t whylen);

/* Read every file of the run directory; 0, or -errno with the reason. */
int cr_read_run(struct run *r, char *why, size_t whylen);
void cr_free(struct run *r);

#endif /* LUBENCH_CYCLE_REPORT_H */
