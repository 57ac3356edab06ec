// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-stress's option table: the command line and a workload's
 * [stress] section go through the same setters, so a scenario file is
 * refused as FILE:LINE before anything runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "numparse.h"
#include "stageopt_values.h"
#include "stress.h"

static const char *const op_names[SOP_NR] = {
	[SOP_PRESERVE]		= "preserve",
	[SOP_UNPRESERVE]	= "unpreserve",
	[SOP_FIND]		= "find",
	[SOP_FINISH]		= "finish",
	[SOP_FREEZE]		= "freeze",
	[SOP_HOTPLUG]		= "hotplug",
};

static const char *const fault_names[SF_NR] = {
	[SF_ALLOC_PRESERVE]	= "alloc-preserve",
	[SF_ALLOC_GROW]		= "alloc-grow",
	[SF_ALLOC_FREEZE]	= "alloc-freeze",
	[SF_ALLOC_RETRIEVE]	= "alloc-retrieve",
	[SF_HALFWAY]		= "halfway",
	[SF_DOUBLE_JUMP]	= "double-jump",
	[SF_DOUBLE_FINISH]	= "double-finish",
	[SF_MISSING]		= "missing",
	[SF_RENUMBER]		= "renumber",
};

const char *stress_fault_name(enum stress_fault k)
{
	return (unsigned int)k < SF_NR ? fault_names[k] : "?";
}

static struct stress_cfg *C(void *ctx)
{
	return ctx;
}

static int add_variant(void *ctx, const char *item, char *err, size_t len)
{
	struct stress_cfg *cfg = C(ctx);
	const struct pci_ser_ops *const *v;
	const struct pci_ser_ops *ops;
	unsigned int i;

	if (!strcmp(item, "all")) {
		for (v = pci_ser_variants; *v; v++)
			if (add_variant(ctx, (*v)->name, err, len))
				return -1;
		return 0;
	}
	ops = pci_ser_variant(item);
	if (!ops) {
		snprintf(err, len, "--variant: unknown layout '%.40s'", item);
		return -1;
	}
	for (i = 0; i < cfg->nr_variants; i++)
		if (cfg->variant[i] == ops)
			return 0;
	if (cfg->nr_variants == STRESS_MAX_VARIANTS) {
		snprintf(err, len, "--variant: more than %d layouts",
			 STRESS_MAX_VARIANTS);
		return -1;
	}
	cfg->variant[cfg->nr_variants++] = ops;
	return 0;
}

static int set_variant(void *ctx, const char *val, char *err, size_t len)
{
	C(ctx)->nr_variants = 0;
	return lb_opt_items(ctx, "--variant", val, add_variant, err, len);
}

static int add_threads(void *ctx, const char *item, char *err, size_t len)
{
	struct stress_cfg *cfg = C(ctx);
	uint64_t v;

	if (lb_opt_num("--threads", item, 1, STRESS_MAX_THREADS, &v, err,
		       len))
		return -1;
	if (cfg->nr_threads == STRESS_MAX_POINTS) {
		snprintf(err, len, "--threads: more than %d thread counts",
			 STRESS_MAX_POINTS);
		return -1;
	}
	if (cfg->nr_threads && v <= cfg->threads[cfg->nr_threads - 1]) {
		snprintf(err, len, "--threads: %s after %u: give them ascending",
			 item, cfg->threads[cfg->nr_threads - 1]);
		return -1;
	}
	cfg->threads[cfg->nr_threads++] = v;
	return 0;
}

/* A list of thread counts, or one T: every count 1..T. */
static int set_threads(void *ctx, const char *val, char *err, size_t len)
{
	struct stress_cfg *cfg = C(ctx);
	uint64_t t;
	unsigned int i;

	cfg->nr_threads = 0;
	if (!strchr(val, ',')) {
		if (lb_opt_num("--threads", val, 1, STRESS_MAX_POINTS, &t, err,
			       len)) {
			snprintf(err, len, "--threads: '%.40s': one count T "
				 "(1..%d: runs 1..T) or an ascending list up "
				 "to %d", val, STRESS_MAX_POINTS,
				 STRESS_MAX_THREADS);
			return -1;
		}
		for (i = 1; i <= t; i++)
			cfg->threads[cfg->nr_threads++] = i;
		return 0;
	}
	return lb_opt_items(ctx, "--threads", val, add_threads, err, len);
}

#define NUM_SETTER(fn, opt, field, lo, hi) \
	LB_OPT_NUM_SETTER(fn, struct stress_cfg, field, opt, lo, hi)

NUM_SETTER(set_ops, "--ops", ops, 1, 10000000)
NUM_SETTER(set_own, "--own", own, 0, 4096)
NUM_SETTER(set_shared, "--shared", shared, 0, 4096)
NUM_SETTER(set_domains, "--domains", domains, 1, 16)
NUM_SETTER(set_root_ports, "--root-ports", root_ports, 1, 31)
NUM_SETTER(set_switch_ports, "--switch-ports", switch_ports, 1, 32)
NUM_SETTER(set_functions, "--functions", functions, 1, 8)
NUM_SETTER(set_vf, "--vf", vf_pct, 0, 100)
NUM_SETTER(set_spare, "--spare", spare_pct, 0, 90)
NUM_SETTER(set_faults, "--faults", fault_pct, 0, 100)
NUM_SETTER(set_window, "--freeze-window", freeze_window, 1, 1000)
NUM_SETTER(set_check_every, "--check-every", check_every, 1, 1000000)
NUM_SETTER(set_seed, "--seed", seed, 0, UINT64_MAX)
NUM_SETTER(set_break, "--break-model-at", break_model_at, 1, UINT64_MAX)

/* 500ms, 10s, 2m: at most an hour. */
static int add_fault_kind(void *ctx, const char *item, char *err, size_t len)
{
	unsigned int k;

	if (!strcmp(item, "all")) {
		C(ctx)->fault_kinds = SF_BIT(SF_NR) - 1;
		return 0;
	}
	for (k = 0; k < SF_NR; k++)
		if (!strcmp(item, fault_names[k]))
			break;
	if (k == SF_NR) {
		snprintf(err, len, "--fault-kinds: unknown kind '%.40s' "
			 "(alloc-preserve, alloc-grow, alloc-freeze, "
			 "alloc-retrieve, halfway, double-jump, double-finish, "
			 "missing, renumber, or all)", item);
		return -1;
	}
	C(ctx)->fault_kinds |= SF_BIT(k);
	return 0;
}

static int set_fault_kinds(void *ctx, const char *val, char *err, size_t len)
{
	C(ctx)->fault_kinds = 0;
	return lb_opt_items(ctx, "--fault-kinds", val, add_fault_kind, err,
			    len);
}

static int set_duration(void *ctx, const char *val, char *err, size_t len)
{
	uint64_t ms;
	int ret = lb_opt_duration("--duration", val, false, 3600000, &ms, err,
				  len);

	if (ret == -EINVAL)
		snprintf(err, len, "--duration: '%.40s': a number with ms, s "
			 "or m (at most 60m)", val);
	if (ret)
		return -1;
	C(ctx)->duration_ms = ms;
	return 0;
}

static int add_mix(void *ctx, const char *item, char *err, size_t len)
{
	const char *colon = strchr(item, ':');
	char name[16];
	uint64_t w;
	unsigned int i;

	if (!colon || colon == item || (size_t)(colon - item) >= sizeof(name)) {
		snprintf(err, len, "--mix: '%.40s': OP:WEIGHT", item);
		return -1;
	}
	memcpy(name, item, colon - item);
	name[colon - item] = '\0';
	for (i = 0; i < SOP_NR; i++)
		if (!strcmp(name, op_names[i]))
			break;
	if (i == SOP_NR) {
		snprintf(err, len, "--mix: unknown op '%s' (preserve, "
			 "unpreserve, find, finish, freeze, hotplug)", name);
		return -1;
	}
	if (lb_opt_num("--mix", colon + 1, 0, 1000, &w, err, len))
		return -1;
	C(ctx)->mix[i] = w;
	return 0;
}

static int set_mix(void *ctx, const char *val, char *err, size_t len)
{
	memset(C(ctx)->mix, 0, sizeof(C(ctx)->mix));
	return lb_opt_items(ctx, "--mix", val, add_mix, err, len);
}

static int set_path(char *dst, size_t size, const char *opt, const char *val,
		    char *err, size_t len)
{
	if (!*val || strlen(val) >= size) {
		snprintf(err, len, "%s: %s path", opt, *val ? "too long a" :
			 "an empty");
		return -1;
	}
	strcpy(dst, val);
	return 0;
}

static int set_out(void *ctx, const char *val, char *err, size_t len)
{
	return set_path(C(ctx)->out, sizeof(C(ctx)->out), "--out", val, err,
			len);
}

static int set_trace(void *ctx, const char *val, char *err, size_t len)
{
	return set_path(C(ctx)->trace, sizeof(C(ctx)->trace), "--trace", val,
			err, len);
}

static int set_check(void *ctx, const char *val, char *err, size_t len)
{
	(void)val;
	(void)err;
	(void)len;
	C(ctx)->check = true;
	return 0;
}

static const struct lb_option stress_options[] = {
	{ "variant", "LIST", "layouts, comma-separated, or all (default):",
	  lb_layout_choices, .set = set_variant },
	{ "threads", "T|LIST", "thread counts: T runs 1..T (default 4), or an "
	  "ascending list", .set = set_threads },
	{ "ops", "K", "ops per thread at each thread count (default 20000)",
	  .set = set_ops },
	{ "duration", "D", "instead of --ops: run each thread count for D "
	  "(500ms, 10s, 2m)", .set = set_duration },
	{ "mix", "OP:W,...", "weights of preserve, unpreserve, find, finish, "
	  "freeze, hotplug\n(default preserve:40,unpreserve:25,find:25,"
	  "finish:4,freeze:1,hotplug:5)", .set = set_mix },
	{ "own", "N", "endpoints each thread alone uses (default 16)",
	  .set = set_own },
	{ "shared", "N", "endpoints every thread uses (default 32)",
	  .set = set_shared },
	{ "domains", "N", "PCI domains (default 1)", .set = set_domains },
	{ "root-ports", "N", "root ports per domain, each with a switch "
	  "(default 8)", .set = set_root_ports },
	{ "switch-ports", "N", "downstream ports per switch, an endpoint "
	  "below each (default 4)", .set = set_switch_ports },
	{ "functions", "N", "functions per endpoint, 1..8 (default 8)",
	  .set = set_functions },
	{ "vf", "PCT", "endpoint functions that are VFs (default 5)",
	  .set = set_vf },
	{ "spare", "PCT", "endpoint functions absent at the start, for "
	  "hot-plug (default 10)", .set = set_spare },
	{ "faults", "PCT", "ops given a fault of --fault-kinds, at the op each "
	  "kind belongs to\n(default 2)", .set = set_faults },
	{ "fault-kinds", "LIST", "the faults drawn, comma-separated, or all: "
	  "alloc-preserve,\nalloc-grow, alloc-freeze, alloc-retrieve, halfway, "
	  "double-jump,\ndouble-finish, missing, renumber (default "
	  "alloc-preserve,alloc-retrieve)", .set = set_fault_kinds },
	{ "freeze-window", "N", "write ops between a freeze and its jump "
	  "(default 16)", .set = set_window },
	{ "check-every", "N", "write ops between full checks of the table "
	  "(default 256)", .set = set_check_every },
	{ "seed", "S", "population and op seed (default 1)", .set = set_seed },
	{ "out", "DIR", "result directory (default "
	  "results/<run-id>-stress)", .run_sets = true, .set = set_out },
	{ "trace", "FILE", "write the replayable trace of the last run here "
	  "(always\nwritten to the result directory on a violation)",
	  .run_sets = true, .set = set_trace },
	{ "break-model-at", "N", "tests only: corrupt the model at the first "
	  "write op from op N,\nto show a violation is caught", .run_sets = true, .set = set_break },
	{ "check", NULL, "only check the options: exit 0, or 1 naming what "
	  "is wrong", .run_sets = true, .set = set_check },
	{ }
};

static int stress_finish(void *ctx, char *err, size_t len)
{
	struct stress_cfg *cfg = ctx;
	uint64_t endpoints = (uint64_t)cfg->domains * cfg->root_ports *
			     cfg->switch_ports * cfg->functions;
	uint64_t need = cfg->shared + (uint64_t)cfg->own *
			cfg->threads[cfg->nr_threads - 1];
	unsigned int buses = 1 + cfg->root_ports * (2 + cfg->switch_ports);
	unsigned int i, sum = 0;

	if (!cfg->nr_variants && add_variant(cfg, "all", err, len))
		return -1;
	if (buses > 256) {
		snprintf(err, len, "--root-ports %u with --switch-ports %u needs "
			 "%u buses in a domain, more than 256", cfg->root_ports,
			 cfg->switch_ports, buses);
		return -1;
	}
	if (need > endpoints) {
		snprintf(err, len, "the population has %llu endpoint functions, "
			 "--shared + --own x %u threads needs %llu",
			 (unsigned long long)endpoints,
			 cfg->threads[cfg->nr_threads - 1],
			 (unsigned long long)need);
		return -1;
	}
	if (!need) {
		snprintf(err, len, "--own and --shared are both 0: no device "
			 "to stress");
		return -1;
	}
	for (i = 0; i < SOP_NR; i++)
		sum += cfg->mix[i];
	if (!sum) {
		snprintf(err, len, "--mix: every weight is 0");
		return -1;
	}
	return 0;
}

void stress_cfg_init(struct stress_cfg *cfg)
{
	static const unsigned int mix[SOP_NR] = {
		[SOP_PRESERVE] = 40, [SOP_UNPRESERVE] = 25, [SOP_FIND] = 25,
		[SOP_FINISH] = 4, [SOP_FREEZE] = 1, [SOP_HOTPLUG] = 5,
	};
	unsigned int i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < 4; i++)
		cfg->threads[i] = i + 1;
	cfg->nr_threads = 4;
	cfg->ops = 20000;
	memcpy(cfg->mix, mix, sizeof(mix));
	cfg->own = 16;
	cfg->shared = 32;
	cfg->domains = 1;
	cfg->root_ports = 8;
	cfg->switch_ports = 4;
	cfg->functions = 8;
	cfg->vf_pct = 5;
	cfg->spare_pct = 10;
	cfg->fault_pct = 2;
	cfg->fault_kinds = SF_DEFAULT;
	cfg->freeze_window = 16;
	cfg->check_every = 256;
	cfg->seed = 1;
}

static void *stress_ctx_new(void)
{
	struct stress_cfg *cfg = malloc(sizeof(*cfg));

	if (cfg)
		stress_cfg_init(cfg);
	return cfg;
}

const struct lb_stage stress_stage = {
	.name		= "stress",
	.opts		= stress_options,
	.ctx_new	= stress_ctx_new,
	.finish		= stress_finish,
	.ctx_free	= free,
};

const char *stress_op_name(enum stress_op op)
{
	return (unsigned int)op < SOP_NR ? op_names[op] : "?";
}
