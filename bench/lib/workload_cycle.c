// SPDX-License-Identifier: GPL-2.0
/*
 * The [cycle] stage: the options of `./lubench cycle`.  cycle.sh is
 * shell, so its table lives here, next to the workload parser; cycle.sh
 * checks its own command line with it (lubench-workload args cycle),
 * and tests/cli/workload_test.sh keeps the two in step.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "pci_ser.h"
#include "workload.h"
#include "stageopt_values.h"
#include "workload_cycle.h"

/* What the module can create (kmod/lubench_main.c: nr_devices). */
#define CYCLE_MIN_DEVICES	16
#define CYCLE_MAX_DEVICES	65536
#define CYCLE_MAX_SIZES		16
#define CYCLE_MAX_REPS		1000
#define CYCLE_MAX_TIMEOUT	86400
#define CYCLE_MAX_SMP		16

/* What a cycle and a soak both ask of the guest run (first in both). */
struct guest_cfg {
	u32 smp;		/* 0: the clock's default */
	bool icount;		/* --clock icount: one vCPU */
};

struct cycle_cfg {
	struct guest_cfg g;
	u32 devices[CYCLE_MAX_SIZES];
	u32 nr_devices;
	u32 preserve;		/* 0: N/2 */
};

#define CY_ERR(err, len, ...) (snprintf(err, len, __VA_ARGS__), -1)

static void variant_choices(FILE *f)
{
	fprintf(f, " none");
	lb_layout_choices(f);
}

static void fault_choices(FILE *f)
{
	const char *name;
	unsigned int i;

	for (i = 0; (name = lb_fault_name(i)); i++)
		if (lb_fault_defect(i))
			fprintf(f, " %s", name);
}

/* Append what @choices prints, and ")", to the message in @err. */
static int choices_err(char *err, size_t len, void (*choices)(FILE *f))
{
	size_t at = strlen(err);
	FILE *f;

	if (at + 1 < len && (f = fmemopen(err + at, len - at, "w"))) {
		choices(f);
		fputc(')', f);
		fclose(f);
	}
	return -1;
}

static int variant_item(void *ctx, const char *v, char *err, size_t len)
{
	(void)ctx;
	if (!strcmp(v, "none") || pci_ser_variant(v))
		return 0;
	snprintf(err, len, "--variant: no variant '%s' (all, or", v);
	return choices_err(err, len, variant_choices);
}

/* "all" alone, as cycle.sh expands it. */
static int set_variant(void *ctx, const char *val, char *err, size_t len)
{
	if (!strcmp(val, "all"))
		return 0;
	return lb_opt_items(ctx, "--variant", val, variant_item, err, len);
}

static int devices_item(void *ctx, const char *v, char *err, size_t len)
{
	struct cycle_cfg *c = ctx;
	u64 n;

	if (lb_opt_num("--devices", v, CYCLE_MIN_DEVICES, CYCLE_MAX_DEVICES, &n, err,
		len))
		return -1;
	if (c->nr_devices == CYCLE_MAX_SIZES)
		return CY_ERR(err, len, "--devices: more than %d sizes",
			      CYCLE_MAX_SIZES);
	c->devices[c->nr_devices++] = n;
	return 0;
}

static int set_devices(void *ctx, const char *val, char *err, size_t len)
{
	((struct cycle_cfg *)ctx)->nr_devices = 0;
	return lb_opt_items(ctx, "--devices", val, devices_item, err, len);
}

LB_OPT_NUM_SETTER(set_preserve, struct cycle_cfg, preserve, "--preserve", 1,
		  CYCLE_MAX_DEVICES)

/* lubench.ko's topology= (LUBENCH_FOR_EACH_TOPOLOGY, through faults.h). */
static void topology_choices(FILE *f)
{
	const char *name;
	unsigned int i;

	for (i = 0; (name = lb_topology_name(i)); i++)
		fprintf(f, " %s", name);
}

static int set_topology(void *ctx, const char *val, char *err, size_t len)
{
	const char *name;
	unsigned int i;

	(void)ctx;
	for (i = 0; (name = lb_topology_name(i)); i++)
		if (!strcmp(val, name))
			return 0;
	snprintf(err, len, "--topology: no topology '%s' (one of", val);
	return choices_err(err, len, topology_choices);
}

LB_OPT_NUM_CHECKER(set_reps, "--reps", 1, CYCLE_MAX_REPS)

static int fault_item(void *ctx, const char *v, char *err, size_t len)
{
	int nr = lb_fault_parse(v);

	(void)ctx;
	if (nr >= 0 && lb_fault_defect(nr))
		return 0;
	snprintf(err, len, "--faults: no fault '%s' (all, or", v);
	return choices_err(err, len, fault_choices);
}

static int set_faults(void *ctx, const char *val, char *err, size_t len)
{
	if (!strcmp(val, "all"))
		return 0;
	return lb_opt_items(ctx, "--faults", val, fault_item, err, len);
}

static int set_out(void *ctx, const char *val, char *err, size_t len)
{
	(void)ctx;
	return *val ? 0 : CY_ERR(err, len, "--out: empty path");
}

LB_OPT_NUM_CHECKER(set_timeout, "--timeout", 1, CYCLE_MAX_TIMEOUT)

/* The guest's (struct guest_cfg, first in the context of cycle and soak). */
LB_OPT_NUM_SETTER(set_smp, struct guest_cfg, smp, "--smp", 1, CYCLE_MAX_SMP)

/* real: multi-threaded TCG; icount: exact virtual time (guest-run.sh). */
static int set_clock(void *ctx, const char *val, char *err, size_t len)
{
	struct guest_cfg *c = ctx;

	if (strcmp(val, "real") && strcmp(val, "icount"))
		return CY_ERR(err, len, "--clock: '%s' is not real or icount",
			      val);
	c->icount = !strcmp(val, "icount");
	return 0;
}

static const struct lb_option cycle_options[] = {
	{ "variant", "LIST", "layouts and none, comma-separated, or all:",
	  variant_choices, .set = set_variant },
	{ "devices", "LIST", "PCI functions the module creates, "
	  "comma-separated", .set = set_devices },
	{ "preserve", "M", "devices preserved per cycle (default N/2)",
	  .set = set_preserve },
	{ "reps", "R", "jumps per (variant, N)", .set = set_reps },
	{ "topology", "NAME", "the population's PCI topology:",
	  topology_choices, .set = set_topology },
	{ "faults", "LIST", "faults to inject, comma-separated, or all:",
	  fault_choices, .set = set_faults },
	{ "out", "DIR", "result directory", .run_sets = true,
	  .set = set_out },
	{ "timeout", "SECS", "wall-clock limit of the guest run",
	  .set = set_timeout },
	{ "kexec-checks", NULL, "let purgatory verify the segments",
	  .set = lb_opt_any },
	{ "smp", "N", "guest vCPUs", .set = set_smp },
	{ "clock", "real|icount", "TCG on the host's clock, or exact "
	  "virtual time", .set = set_clock },
	{ "no-warmup", NULL, "measure the first jump too", .set = lb_opt_any },
	{ "warmup", NULL, "an unreported first jump, under icount too",
	  .set = lb_opt_any },
	{ "no-plot", NULL, "skip the plots", .set = lb_opt_any },
	{ "verbose", NULL, "show the guest's console", .set = lb_opt_any,
	  .alias = "-v" },
	{ }
};

/* Functions the module makes that are not VFs (kmod/lubench_vpci.c). */
static u32 non_vfs(u32 n)
{
	return n >= 64 ? n - n / 16 : n;
}

static int guest_finish(const struct guest_cfg *g, char *err, size_t len)
{
	if (g->icount && g->smp > 1)
		return CY_ERR(err, len, "--clock icount runs one vCPU (--smp 1), "
			      "not %u", g->smp);
	return 0;
}

static int cycle_finish(void *ctx, char *err, size_t len)
{
	struct cycle_cfg *c = ctx;
	u32 i;

	if (guest_finish(&c->g, err, len))
		return -1;
	if (!c->nr_devices)
		c->devices[c->nr_devices++] = CYCLE_DEFAULT_DEVICES;
	for (i = 0; c->preserve && i < c->nr_devices; i++)
		if (c->preserve > non_vfs(c->devices[i]))
			return CY_ERR(err, len, "--preserve %u is more than the "
				      "%u functions that are not VFs at "
				      "--devices %u", c->preserve,
				      non_vfs(c->devices[i]), c->devices[i]);
	return 0;
}

static void *cycle_ctx_new(void)
{
	return calloc(1, sizeof(struct cycle_cfg));
}

const struct lb_stage cycle_stage = {
	.name		= "cycle",
	.opts		= cycle_options,
	.ctx_new	= cycle_ctx_new,
	.finish		= cycle_finish,
	.ctx_free	= free,
};

/* --- the soak (`./lubench soak`, scripts/host/soak.sh) ------------------ */

#define SOAK_MAX_JUMPS		1000	/* CP_MAX_CYCLES: the longest plan */
#define SOAK_MAX_THREADS	16	/* lubench-dev soak-stress */
#define SOAK_MAX_OPS		1000000
#define SOAK_MAX_HOTPLUG	1000	/* DS_MAX_HOTPLUG, dev_stress.h */
#define SOAK_MAX_FAIL_ALLOC	1000000	/* DS_MAX_FAIL_ALLOC, dev_stress.h */
#define SOAK_MAX_DURATION_MS	(24ULL * 3600 * 1000)

struct soak_cfg {
	struct guest_cfg g;
	u32 devices;
	u32 threads;
};

static int soak_variant_item(void *ctx, const char *v, char *err, size_t len)
{
	(void)ctx;
	if (!strcmp(v, "none"))
		return CY_ERR(err, len, "--variant: none hands no table over; "
			      "a soak needs layouts");
	if (pci_ser_variant(v))
		return 0;
	snprintf(err, len, "--variant: no layout '%s' (all, or", v);
	return choices_err(err, len, lb_layout_choices);
}

static int soak_set_variant(void *ctx, const char *val, char *err, size_t len)
{
	if (!strcmp(val, "all"))
		return 0;
	return lb_opt_items(ctx, "--variant", val, soak_variant_item, err, len);
}

LB_OPT_NUM_SETTER(soak_set_devices, struct soak_cfg, devices, "--devices",
		  CYCLE_MIN_DEVICES, CYCLE_MAX_DEVICES)
LB_OPT_NUM_CHECKER(soak_set_jumps, "--jumps", 1, SOAK_MAX_JUMPS)

/* A number with ms, s, m or h; at most a day. */
static int soak_set_duration(void *ctx, const char *val, char *err, size_t len)
{
	u64 ms;
	int ret = lb_opt_duration("--duration", val, true, SOAK_MAX_DURATION_MS,
				  &ms, err, len);

	(void)ctx;
	if (ret == -EINVAL)
		return CY_ERR(err, len, "--duration: '%.40s' is not a number "
			      "with ms, s, m or h (at most 24h)", val);
	return ret ? -1 : 0;
}

LB_OPT_NUM_SETTER(soak_set_threads, struct soak_cfg, threads, "--threads", 1,
		  SOAK_MAX_THREADS)
LB_OPT_NUM_CHECKER(soak_set_ops, "--ops", 1, SOAK_MAX_OPS)
LB_OPT_NUM_CHECKER(soak_set_hotplug, "--hotplug", 0, SOAK_MAX_HOTPLUG)
LB_OPT_NUM_CHECKER(soak_set_fail_alloc, "--fail-alloc", 0, SOAK_MAX_FAIL_ALLOC)

static int soak_set_faults(void *ctx, const char *val, char *err, size_t len)
{
	if (!strcmp(val, "none"))
		return 0;
	return set_faults(ctx, val, err, len);
}

LB_OPT_NUM_CHECKER(soak_set_fault_every, "--fault-every", 1, SOAK_MAX_JUMPS)
LB_OPT_NUM_CHECKER(soak_set_seed, "--seed", 0, UINT32_MAX)

static const struct lb_option soak_options[] = {
	{ "variant", "LIST", "layouts, one per jump in turn, or all:",
	  lb_layout_choices, .set = soak_set_variant },
	{ "devices", "N", "PCI functions the module creates (default 256)",
	  .set = soak_set_devices },
	{ "jumps", "J", "kexec jumps (default 20, or up to 1000 with "
	  "--duration)", .set = soak_set_jumps },
	{ "duration", "D", "stop jumping once D passed on the guest's TSC\n"
	  "(500ms, 90s, 10m, 2h)", .set = soak_set_duration },
	{ "threads", "T", "stress threads between jumps (default 4)",
	  .set = soak_set_threads },
	{ "ops", "K", "ops per thread between jumps (default 2000)",
	  .set = soak_set_ops },
	{ "hotplug", "E", "hot-plug events beside the threads in every "
	  "kernel (default 0):\nfunctions added, one preserved, removed; "
	  "SR-IOV off and on", .set = soak_set_hotplug },
	{ "fail-alloc", "A", "A > 0: one allocation of the module's table "
	  "code in\nevery 1..A fails while the threads run (default 0)",
	  .set = soak_set_fail_alloc },
	{ "faults", "LIST", "handover faults, in turn, or all (default) or "
	  "none:", fault_choices, .set = soak_set_faults },
	{ "fault-every", "K", "every K-th jump carries a fault (default 4)",
	  .set = soak_set_fault_every },
	{ "topology", "NAME", "the population (default switches):",
	  topology_choices, .set = set_topology },
	{ "seed", "S", "the stress's seed (default 1; jump k uses S + k)",
	  .set = soak_set_seed },
	{ "clock", "real|icount", "TCG on the host's clock, or exact "
	  "virtual time", .set = set_clock },
	{ "smp", "N", "guest vCPUs (default 2; icount 1)", .set = set_smp },
	{ "out", "DIR", "result directory", .set = set_out },
	{ "timeout", "SECS", "wall-clock limit of the guest run",
	  .set = set_timeout },
	{ "no-plot", NULL, "accepted for symmetry with cycle (a soak has no "
	  "plot)", .set = lb_opt_any },
	{ "verbose", NULL, "show the guest's console", .set = lb_opt_any,
	  .alias = "-v" },
	{ }
};

static int soak_finish(void *ctx, char *err, size_t len)
{
	struct soak_cfg *c = ctx;

	if (guest_finish(&c->g, err, len))
		return -1;
	if (c->threads > non_vfs(c->devices))
		return CY_ERR(err, len, "--threads %u is more than the %u "
			      "functions that are not VFs at --devices %u",
			      c->threads, non_vfs(c->devices), c->devices);
	return 0;
}

static void *soak_ctx_new(void)
{
	struct soak_cfg *c = calloc(1, sizeof(*c));

	if (c) {
		c->devices = SOAK_DEFAULT_DEVICES;
		c->threads = SOAK_DEFAULT_THREADS;
	}
	return c;
}

const struct lb_stage soak_stage = {
	.name		= "soak",
	.opts		= soak_options,
	.ctx_new	= soak_ctx_new,
	.finish		= soak_finish,
	.ctx_free	= free,
};
