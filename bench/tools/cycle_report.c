// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-cycle-report: turn one guest run of `lubench cycle` into result
 * files (results/CYCLE-SCHEMA.md) and a plain-text table: the blackout of
 * every live update split into phases on the guest's TSC, checked against
 * the host's own stamps of the serial console.
 *
 * usage: lubench-cycle-report RUN_DIR OUT_DIR
 *
 * Reads RUN_DIR/results.txt (the guest's JSON lines and the host's
 * lubench-run line), RUN_DIR/console.log (host-stamped console),
 * RUN_DIR/cycle.plan and, if present, RUN_DIR/cycle.meta.  Writes
 * OUT_DIR/results.jsonl, results.csv, meta.json and summary.txt, and
 * prints the table.  Exit: 0 every planned cycle verified, 1 not, 2 usage
 * or input error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "results.h"
#include "topology.h"

#define CYCLE_SCHEMA		"lubench-cycle"
#define CYCLE_META_SCHEMA	"lubench-cycle-meta"
#define CYCLE_SCHEMA_VERSION	1

/*
 * The TSC continuity check.  The two kernels calibrate the TSC on their
 * own; under TCG they agree to a few parts in 10^4, so 0.5% only catches
 * a real change of rate.  The host's stamps are taken when a console
 * line's first byte reaches QEMU's pipe, which lags the guest by at most
 * a few ms on each end; the allowance is for the guest's calibration
 * error over a ~10 s blackout (0.5% -> 50 ms) and scheduling noise of a
 * loaded 2-core host.
 */
#define KHZ_TOLERANCE		0.005
#define HOST_TOLERANCE_MS	250.0
#define HOST_TOLERANCE_FRAC	0.05

/*
 * Under QEMU icount (shift 0) the TSC is virtual: one guest instruction
 * is one ns, so both kernels calibrate it at 1 GHz to within their own
 * rounding, and the host's clock has nothing to do with it.  Continuity
 * is then checked against that calibration instead of the host's stamps.
 */
#define ICOUNT_KHZ		1000000.0
#define ICOUNT_KHZ_TOLERANCE	0.0001

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "lubench-cycle-report: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		die("out of memory");
	return p;
}

static const char *get(const struct jl_obj *o, const char *key)
{
	return o ? jl_get(o, key) : NULL;
}

static const char *get_str(const struct jl_obj *o, const char *key)
{
	const char *v = get(o, key);

	return v ? v : "";
}

static uint64_t get_u64(const struct jl_obj *o, const char *key)
{
	const char *v = get(o, key);

	return v ? strtoull(v, NULL, 10) : 0;
}

static bool get_bool(const struct jl_obj *o, const char *key)
{
	const char *v = get(o, key);

	return v && !strcmp(v, "true");
}

/* Keep a parsed line: the copy takes over its buffer. */
static struct jl_obj *obj_keep(const struct jl_obj *o)
{
	struct jl_obj *c = malloc(sizeof(*c));

	if (!c)
		die("out of memory");
	*c = *o;
	return c;
}

/* ---- one planned cycle ---- */

struct cycle {
	unsigned int k;			/* 1-based, the stage that froze it */
	char variant[32];
	char fault[16];
	unsigned int devices;
	unsigned int preserve;
	unsigned int rep;		/* 1-based among equal (variant, N) */
	bool warmup;			/* a jump to warm the emulator up */
	struct jl_obj *preserved, *freeze, *restore;
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

struct run {
	const char *dir;
	char run_id[128];
	struct cycle *c;
	unsigned int nr;
	struct jl_obj *plan_line;		/* lubench-cycle-plan */
	struct jl_obj *run_line;		/* lubench-run, by the host */
	/* cycle.meta: KEY=VALUE lines from scripts/host/cycle.sh */
	unsigned int nr_meta;
	char *meta_key[64];
	char *meta_val[64];
};

static FILE *open_in(const struct run *r, const char *name, bool must)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	f = fopen(path, "r");
	if (!f && must)
		die("%s: %s", path, strerror(errno));
	return f;
}

static void read_plan(struct run *r)
{
	FILE *f = open_in(r, "cycle.plan", true);
	char line[256];

	while (fgets(line, sizeof(line), f)) {
		struct cycle *c;
		unsigned int i;

		if (line[0] == '\n' || line[0] == '#')
			continue;
		r->c = realloc(r->c, (r->nr + 1) * sizeof(*r->c));
		if (!r->c)
			die("out of memory");
		c = &r->c[r->nr];
		memset(c, 0, sizeof(*c));
		char flag[16] = "";

		if (sscanf(line, "%31s %15s %u %u %15s", c->variant, c->fault,
			   &c->devices, &c->preserve, flag) < 4)
			die("cycle.plan line %u: want VARIANT FAULT N M [warmup]",
			    r->nr + 1);
		c->warmup = !strcmp(flag, "warmup");
		c->k = ++r->nr;
		c->host_freeze = c->host_end = c->host_boot = NAN;
		for (i = 0; i < c->k - 1; i++)
			if (!r->c[i].warmup &&
			    !strcmp(r->c[i].variant, c->variant) &&
			    r->c[i].devices == c->devices &&
			    !strcmp(r->c[i].fault, c->fault))
				c->rep++;
		c->rep++;
	}
	fclose(f);
	if (!r->nr)
		die("%s/cycle.plan holds no cycle", r->dir);
}

static void read_meta(struct run *r)
{
	FILE *f = open_in(r, "cycle.meta", false);
	char line[1024], *eq;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && r->nr_meta < 64) {
		line[strcspn(line, "\n")] = '\0';
		eq = strchr(line, '=');
		if (!eq)
			continue;
		r->meta_key[r->nr_meta] = xstrndup(line, eq - line);
		r->meta_val[r->nr_meta] = xstrndup(eq + 1, strlen(eq + 1));
		r->nr_meta++;
	}
	fclose(f);
}

static const char *meta(const struct run *r, const char *key)
{
	unsigned int i;

	for (i = 0; i < r->nr_meta; i++)
		if (!strcmp(r->meta_key[i], key))
			return r->meta_val[i];
	return NULL;
}

static struct cycle *cycle_of(struct run *r, uint64_t k)
{
	return k >= 1 && k <= r->nr ? &r->c[k - 1] : NULL;
}

static void read_results(struct run *r)
{
	FILE *f = open_in(r, "results.txt", true);
	struct jl_obj *pending = NULL;	/* a preserve line waits for its freeze */
	char *line = NULL;
	size_t cap = 0;
	struct jl_obj o;

	while (getline(&line, &cap, f) > 0) {
		const char *type;
		struct cycle *c;

		if (!jl_parse(line, &o))
			continue;
		type = get_str(&o, "type");
		if (!strcmp(type, "lubench-cycle-plan")) {
			r->plan_line = obj_keep(&o);
		} else if (!strcmp(type, "lubench-run")) {
			r->run_line = obj_keep(&o);
		} else if (!strcmp(type, "lubench-cycle-preserve")) {
			pending = obj_keep(&o);
		} else if (!strcmp(type, "lubench-cycle-freeze") &&
			   (c = cycle_of(r, get_u64(&o, "cycle")))) {
			c->freeze = obj_keep(&o);
			c->preserved = pending;
			pending = NULL;
		} else if (!strcmp(type, "lubench-cycle-restore") &&
			   (c = cycle_of(r, get_u64(&o, "cycle")))) {
			c->restore = obj_keep(&o);
		} else {
			jl_free(&o);
		}
	}
	free(line);
	fclose(f);
}

/* The host's stamps of the console markers. */
static void read_console(struct run *r)
{
	FILE *f = open_in(r, "console.log", false);
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		unsigned long long k;
		struct cycle *c;
		double ms;
		char *m;

		if (sscanf(line, "[host %lf ms]", &ms) != 1)
			continue;
		m = strstr(line, "LUBENCH-FREEZE cycle=");
		if (m && sscanf(m, "LUBENCH-FREEZE cycle=%llu", &k) == 1 &&
		    (c = cycle_of(r, k)))
			c->host_freeze = ms;
		m = strstr(line, "LUBENCH-RETRIEVED cycle=");
		if (m && sscanf(m, "LUBENCH-RETRIEVED cycle=%llu", &k) == 1 &&
		    (c = cycle_of(r, k)))
			c->host_end = ms;
		m = strstr(line, "LUBENCH-REFUSED cycle=");
		if (m && sscanf(m, "LUBENCH-REFUSED cycle=%llu", &k) == 1 &&
		    (c = cycle_of(r, k)))
			c->host_end = ms;
		/* Stage S + 1 is the kernel cycle S jumped into. */
		m = strstr(line, "LUBENCH-BOOT stage=");
		if (m && sscanf(m, "LUBENCH-BOOT stage=%llu", &k) == 1 &&
		    (c = cycle_of(r, k - 1)))
			c->host_boot = ms;
	}
	free(line);
	fclose(f);
}

/* ---- the computation ---- */

static const char *expected_defect(const char *fault)
{
	if (!strcmp(fault, "corrupt"))
		return "checksum mismatch";
	if (!strcmp(fault, "compat"))
		return "unknown compatible";
	if (!strcmp(fault, "truncate"))
		return "truncated";
	if (!strcmp(fault, "variant"))
		return "compatible mismatch";
	return "";
}

static void set_check(struct cycle *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->tsc_ok)
		return;		/* keep the first reason */
	c->tsc_ok = false;
	va_start(ap, fmt);
	vsnprintf(c->tsc_check, sizeof(c->tsc_check), fmt, ap);
	va_end(ap);
}

static void verify(struct cycle *c)
{
	const struct jl_obj *o = c->restore;
	bool none = !strcmp(c->variant, "none");
	const char *reason;

	snprintf(c->expected, sizeof(c->expected), "%s",
		 expected_defect(c->fault));
	c->pass = false;
	if (!c->freeze) {
		snprintf(c->verification, sizeof(c->verification),
			 "missing: the old kernel never froze");
		return;
	}
	if (!o) {
		snprintf(c->verification, sizeof(c->verification),
			 "missing: no report from the kernel after the jump");
		return;
	}
	reason = get_str(o, "reason");
	if (strcmp(get_str(o, "verdict"), "pass")) {
		snprintf(c->verification, sizeof(c->verification), "fail: %s",
			 get_str(o, "why"));
		return;
	}
	if (c->expected[0] && !get_bool(o, "refused")) {
		snprintf(c->verification, sizeof(c->verification),
			 "fail: accepted, expected a refusal with \"%s\"",
			 c->expected);
		return;
	}
	if (c->expected[0] && strcmp(reason, c->expected)) {
		snprintf(c->verification, sizeof(c->verification),
			 "fail: refused with \"%s\", expected \"%s\"", reason,
			 c->expected);
		return;
	}
	if (strcmp(get_str(o, "mode"), none ? "none" : "table") ||
	    (!none && strcmp(get_str(o, "variant"), c->variant))) {
		snprintf(c->verification, sizeof(c->verification),
			 "fail: the record says %s/%s, the plan %s",
			 get_str(o, "mode"), get_str(o, "variant"), c->variant);
		return;
	}
	if (!c->expected[0] && !none &&
	    get_u64(o, "preserved") != c->preserve) {
		snprintf(c->verification, sizeof(c->verification),
			 "fail: %" PRIu64 " devices came across, %u planned",
			 get_u64(o, "preserved"), c->preserve);
		return;
	}
	c->pass = true;
	snprintf(c->verification, sizeof(c->verification), "pass");
}

static void check_icount_khz(struct cycle *c, const char *which, double khz)
{
	if (fabs(khz - ICOUNT_KHZ) > ICOUNT_KHZ_TOLERANCE * ICOUNT_KHZ)
		set_check(c, "icount: the %s kernel's tsc_khz is %.0f, not the 1 GHz of shift 0",
			  which, khz);
}

static void compute(struct cycle *c)
{
	const struct jl_obj *o = c->restore, *fz = c->freeze;
	uint64_t freeze, ser, kx, init, mapped, retr, enu, ready, fin, kstart;
	uint64_t lk, pair;
	uint64_t nlk;
	double khz, tol;

	c->serialize = c->exit = c->jump = c->map = NAN;
	c->shutdown_jump = c->boot = c->retrieve = NAN;
	c->enumerate = c->lookup = c->user = c->lookup_ns = NAN;
	c->blackout = c->host_blackout = c->host_diff = NAN;
	c->khz = c->old_khz = NAN;
	c->tsc_ok = true;
	verify(c);

	if (!isnan(c->host_freeze) && !isnan(c->host_end))
		c->host_blackout = c->host_end - c->host_freeze;
	if (!o) {
		set_check(c, "no stamps from the kernel after the jump");
		snprintf(c->blackout_why, sizeof(c->blackout_why), "%s",
			 c->tsc_check);
		return;
	}

	khz = get_u64(o, "tsc_khz");
	c->khz = khz;
	c->old_khz = get_u64(o, "old_tsc_khz");
	freeze = get_u64(o, "freeze_tsc");
	ser = get_u64(o, "serialized_tsc");
	kx = get_u64(o, "kexec_tsc");
	mapped = get_u64(o, "mapped_tsc");
	init = get_u64(o, "init_tsc");
	retr = get_u64(o, "retrieved_tsc");
	enu = get_u64(o, "enumerated_tsc");
	ready = get_u64(o, "ready_tsc");
	fin = get_u64(o, "finish_tsc");
	lk = get_u64(o, "lookup_cycles");
	nlk = get_u64(o, "lookups");
	pair = get_u64(o, "tsc_pair_cycles");

	if (!khz || !c->old_khz) {
		set_check(c, "no TSC frequency recorded");
		snprintf(c->blackout_why, sizeof(c->blackout_why), "%s",
			 c->tsc_check);
		return;
	}
	/* sched_clock() counts from the TSC read in tsc_early_init(). */
	kstart = init - (uint64_t)((double)get_u64(o, "init_sched_clock_ns") *
				   khz / 1e6);

#define MS(a, b)	((double)(int64_t)((b) - (a)) / khz)
	c->serialize = MS(freeze, ser);
	c->shutdown_jump = MS(freeze, kstart);
	/* The old kernel's exit stamp, when it wrote it. */
	if (kx > ser) {
		c->exit = MS(freeze, kx);
		c->jump = MS(kx, kstart);
	}
	c->boot = MS(kstart, init);
	c->map = MS(init, mapped);
	c->retrieve = MS(mapped, retr);
	c->enumerate = MS(retr, enu);
	c->user = MS(enu, fin);
	c->blackout = MS(freeze, fin);
	/* Each lookup's own two TSC reads are not the lookup's cost. */
	c->lookup = (double)(lk > nlk * pair ? lk - nlk * pair : 0) / khz;
	c->lookup_ns = nlk ? c->lookup * 1e6 / nlk : NAN;
#undef MS

	if (!fz || !get_bool(fz, "constant_tsc") ||
	    !get_bool(o, "constant_tsc"))
		set_check(c, "no constant_tsc in %s kernel",
			  fz && get_bool(fz, "constant_tsc") ? "the new" :
			  "the old");
	if (fz && get_u64(fz, "freeze_tsc") != freeze)
		set_check(c, "the record's freeze stamp is not the one the old kernel took");
	if (fabs(khz - c->old_khz) > KHZ_TOLERANCE * c->old_khz)
		set_check(c, "tsc_khz %.0f vs %.0f in the old kernel: %.2f%% apart (limit %.1f%%)",
			  khz, c->old_khz,
			  100 * fabs(khz - c->old_khz) / c->old_khz,
			  100 * KHZ_TOLERANCE);
	if (init <= ser || kstart <= ser)
		set_check(c, "TSC not continuous across kexec: the new kernel started %.1f ms before the freeze",
			  (double)(int64_t)(ser - kstart) / khz);
	if (kx && kx >= kstart)
		set_check(c, "TSC not continuous across kexec: the new kernel started before kexec -e");
	if (!(init <= mapped && mapped <= retr && retr <= enu &&
	      enu <= ready && ready <= fin))
		set_check(c, "the new kernel's stamps are out of order");
	if (c->icount) {
		check_icount_khz(c, "new", khz);
		check_icount_khz(c, "old", c->old_khz);
	} else if (!isnan(c->host_blackout)) {
		c->host_diff = c->blackout - c->host_blackout;
		tol = HOST_TOLERANCE_MS + HOST_TOLERANCE_FRAC * c->host_blackout;
		if (fabs(c->host_diff) > tol)
			set_check(c, "TSC blackout %.0f ms vs %.0f ms on the host's clock (limit +-%.0f ms)",
				  c->blackout, c->host_blackout, tol);
	}
	if (c->tsc_ok)
		snprintf(c->tsc_check, sizeof(c->tsc_check), "ok%s",
			 c->icount ? " (icount: 1 GHz calibration)" :
			 isnan(c->host_blackout) ? " (no host stamps)" : "");

	if (get_bool(o, "refused")) {
		snprintf(c->blackout_why, sizeof(c->blackout_why),
			 "handover refused: %s", get_str(o, "reason"));
		c->blackout = NAN;
	} else if (!c->tsc_ok) {
		snprintf(c->blackout_why, sizeof(c->blackout_why), "%s",
			 c->tsc_check);
		c->blackout = NAN;
		c->shutdown_jump = c->jump = NAN;
	} else if (!get_u64(o, "finish_tsc")) {
		snprintf(c->blackout_why, sizeof(c->blackout_why),
			 "finish never ran");
		c->blackout = NAN;
	}
}

/* ---- output ---- */

static const char *const columns[] = {
	"schema", "schema_version", "run_id", "cycle", "rep", "warmup",
	"variant", "fault", "devices", "preserved", "accelerator", "clock",
	"icount_shift", "guest_cpu",
	"guest_kernel", "kexec_checks", "tsc_khz", "old_tsc_khz",
	"constant_tsc", "nonstop_tsc", "clocksource", "tsc_check",
	"serialize_ms", "exit_ms", "jump_ms", "shutdown_jump_ms", "boot_ms",
	"map_ms", "retrieve_ms",
	"enumerate_ms", "lookup_ms", "lookups", "lookup_ns", "user_ms",
	"blackout_ms", "blackout_null_reason", "host_blackout_ms",
	"host_diff_ms", "host_jump_ms", "blob_bytes", "refused",
	"refusal_reason", "expected_reason", "verification", NULL,
};

static const char *accel(const struct run *r)
{
	const char *a = get(r->run_line, "accel");

	return a ? a : meta(r, "accel") ? meta(r, "accel") : "unknown";
}

/* The clock every time of the run is on: real (host-paced) or icount. */
static const char *run_clock(const struct run *r)
{
	const char *c = get(r->run_line, "clock");

	return c ? c : meta(r, "clock") ? meta(r, "clock") : "real";
}

static bool run_icount(const struct run *r)
{
	return !strcmp(run_clock(r), "icount");
}

static void add_f64(struct res_row *row, const char *key, double v)
{
	if (isnan(v))
		res_add_null(row, key);
	else
		res_add_f64(row, key, v);
}

static int write_rows(struct run *r, const char *out)
{
	struct res_writer w;
	struct res_row row;
	unsigned int i;
	int ret;

	ret = res_open(&w, out, CYCLE_SCHEMA, CYCLE_SCHEMA_VERSION, columns);
	if (ret)
		return ret;
	for (i = 0; i < r->nr && !ret; i++) {
		struct cycle *c = &r->c[i];
		const struct jl_obj *o = c->restore;
		const char *kexec = get(r->plan_line, "kexec_checks");

		res_row_reset(&row);
		res_add_str(&row, "run_id", r->run_id);
		res_add_u64(&row, "cycle", c->k);
		res_add_u64(&row, "rep", c->rep);
		res_add_bool(&row, "warmup", c->warmup);
		res_add_str(&row, "variant", c->variant);
		res_add_str(&row, "fault", c->fault);
		res_add_u64(&row, "devices", c->devices);
		res_add_u64(&row, "preserved", o ? get_u64(o, "preserved") : 0);
		res_add_str(&row, "accelerator", accel(r));
		res_add_str(&row, "clock", run_clock(r));
		add_f64(&row, "icount_shift", run_icount(r) ? 0 : NAN);
		res_add_str(&row, "guest_cpu", get_str(r->run_line, "cpu"));
		res_add_str(&row, "guest_kernel",
			    get_str(r->plan_line, "kernel"));
		res_add_bool(&row, "kexec_checks", kexec && !strcmp(kexec, "1"));
		add_f64(&row, "tsc_khz", c->khz);
		add_f64(&row, "old_tsc_khz", c->old_khz);
		res_add_bool(&row, "constant_tsc",
			     o && get_bool(o, "constant_tsc") &&
			     c->freeze && get_bool(c->freeze, "constant_tsc"));
		res_add_bool(&row, "nonstop_tsc",
			     o && get_bool(o, "nonstop_tsc") &&
			     c->freeze && get_bool(c->freeze, "nonstop_tsc"));
		res_add_str(&row, "clocksource", get_str(o, "clocksource"));
		res_add_str(&row, "tsc_check", c->tsc_check);
		add_f64(&row, "serialize_ms", c->serialize);
		add_f64(&row, "exit_ms", c->exit);
		add_f64(&row, "jump_ms", c->jump);
		add_f64(&row, "shutdown_jump_ms", c->shutdown_jump);
		add_f64(&row, "boot_ms", c->boot);
		add_f64(&row, "map_ms", c->map);
		add_f64(&row, "retrieve_ms", c->retrieve);
		add_f64(&row, "enumerate_ms", c->enumerate);
		add_f64(&row, "lookup_ms", c->lookup);
		res_add_u64(&row, "lookups", get_u64(o, "lookups"));
		add_f64(&row, "lookup_ns", c->lookup_ns);
		add_f64(&row, "user_ms", c->user);
		add_f64(&row, "blackout_ms", c->blackout);
		if (isnan(c->blackout))
			res_add_str(&row, "blackout_null_reason",
				    c->blackout_why);
		else
			res_add_null(&row, "blackout_null_reason");
		add_f64(&row, "host_blackout_ms", c->host_blackout);
		add_f64(&row, "host_diff_ms", c->host_diff);
		add_f64(&row, "host_jump_ms", c->host_boot - c->host_freeze);
		res_add_u64(&row, "blob_bytes",
			    c->freeze ? get_u64(c->freeze, "blob_bytes") : 0);
		res_add_bool(&row, "refused", o && get_bool(o, "refused"));
		if (o && get_bool(o, "refused"))
			res_add_str(&row, "refusal_reason",
				    get_str(o, "reason"));
		else
			res_add_null(&row, "refusal_reason");
		if (c->expected[0])
			res_add_str(&row, "expected_reason", c->expected);
		else
			res_add_null(&row, "expected_reason");
		res_add_str(&row, "verification", c->verification);
		ret = res_write(&w, &row);
	}
	if (res_close(&w) && !ret)
		ret = -EIO;
	return ret;
}

static int write_meta(const struct run *r, const char *out)
{
	FILE *f = res_create(out, "meta.json");
	struct json j;
	unsigned int i;

	if (!f)
		return -errno;
	json_init(&j, f, true);
	json_obj_begin(&j, NULL);
	json_str(&j, "schema", CYCLE_META_SCHEMA);
	json_i64(&j, "schema_version", CYCLE_SCHEMA_VERSION);
	json_str(&j, "run_id", r->run_id);
	json_str(&j, "guest_run_dir", r->dir);
	json_str(&j, "accelerator", accel(r));
	json_str(&j, "clock", run_clock(r));
	json_str(&j, "guest_cpu", get_str(r->run_line, "cpu"));
	json_str(&j, "guest_mem", get_str(r->run_line, "mem"));
	json_u64(&j, "guest_smp", get_u64(r->run_line, "smp"));
	json_str(&j, "guest_kernel", get_str(r->plan_line, "kernel"));
	json_u64(&j, "wall_ms", get_u64(r->run_line, "wall_ms"));
	json_u64(&j, "boots", get_u64(r->run_line, "boots"));
	json_i64(&j, "guest_exit", r->run_line ?
		 (int64_t)strtoll(get_str(r->run_line, "exit"), NULL, 10) : -1);
	json_str(&j, "guest_reason", get_str(r->run_line, "reason"));
	json_bool(&j, "kexec_checks",
		  !strcmp(get_str(r->plan_line, "kexec_checks"), "1"));
	json_u64(&j, "cycles", r->nr);
	json_obj_begin(&j, "tsc_check");
	json_f64(&j, "khz_tolerance_pct", 100 * KHZ_TOLERANCE);
	json_f64(&j, "host_tolerance_ms", HOST_TOLERANCE_MS);
	json_f64(&j, "host_tolerance_pct", 100 * HOST_TOLERANCE_FRAC);
	json_obj_end(&j);
	/* The machine that ran the emulator, as every result records it. */
	topology_json_host(&j);
	json_obj_begin(&j, "host");
	for (i = 0; i < r->nr_meta; i++)
		json_str(&j, r->meta_key[i], r->meta_val[i]);
	json_obj_end(&j);
	json_obj_end(&j);
	if (ferror(f) | fclose(f))
		return -EIO;
	return 0;
}

/* ---- the table ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of a field over the cycles of @idx that have it; NAN if none. */
static double median(const struct run *r, const unsigned int *idx,
		     unsigned int n, size_t off)
{
	double v[256];
	unsigned int i, m = 0;

	for (i = 0; i < n && m < 256; i++) {
		double x = *(const double *)((const char *)&r->c[idx[i]] + off);

		if (!isnan(x))
			v[m++] = x;
	}
	if (!m)
		return NAN;
	qsort(v, m, sizeof(*v), cmp_double);
	return m & 1 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
}

struct group {
	char variant[32];
	unsigned int devices, preserve;
	unsigned int idx[256];
	unsigned int n, passed;
	double exit, jump, boot, map, retrieve, enumerate, lookup, user;
	double blackout, host;
};

static void cell(FILE *f, double v, int width, int prec)
{
	if (isnan(v))
		fprintf(f, " %*s", width, "-");
	else
		fprintf(f, " %*.*f", width, prec, v);
}

/* The measured cycles (no fault, no warm-up) by (variant, N), medians. */
static unsigned int make_groups(const struct run *r, struct group *g,
				unsigned int max)
{
	unsigned int i, j, ng = 0;

	for (i = 0; i < r->nr; i++) {
		const struct cycle *c = &r->c[i];

		if (strcmp(c->fault, "none") || c->warmup)
			continue;
		for (j = 0; j < ng; j++)
			if (!strcmp(g[j].variant, c->variant) &&
			    g[j].devices == c->devices)
				break;
		if (j == ng) {
			if (ng == max)
				continue;
			memset(&g[ng], 0, sizeof(g[ng]));
			snprintf(g[ng].variant, sizeof(g[ng].variant), "%s",
				 c->variant);
			g[ng].devices = c->devices;
			g[ng].preserve = c->preserve;
			ng++;
		}
		if (g[j].n < 256)
			g[j].idx[g[j].n++] = i;
		g[j].passed += c->pass;
	}
	for (j = 0; j < ng; j++) {
		struct group *x = &g[j];

#define MED(field) median(r, x->idx, x->n, offsetof(struct cycle, field))
		x->exit = MED(exit);
		x->map = MED(map);
		x->jump = MED(jump);
		x->boot = MED(boot);
		x->retrieve = MED(retrieve);
		x->enumerate = MED(enumerate);
		x->lookup = MED(lookup);
		x->user = MED(user);
		x->blackout = MED(blackout);
		x->host = MED(host_blackout);
#undef MED
	}
	return ng;
}

static void print_table(FILE *f, const struct run *r)
{
	static struct group g[128];
	unsigned int ng, i, j, nfault = 0, tsc_bad = 0, reps = 0, nsp = 0;
	double lo = INFINITY, hi = -INFINITY, m = 0;
	const struct cycle *c0 = NULL;
	const char *cpu = get_str(r->run_line, "cpu");
	bool uniform_m = true;

	for (i = 0; i < r->nr; i++) {
		const struct cycle *c = &r->c[i];
		double v = c->shutdown_jump + c->boot;

		if (!c0 && c->restore)
			c0 = c;
		nfault += !!strcmp(c->fault, "none");
		tsc_bad += c->restore && !c->tsc_ok;
		reps = c->rep > reps ? c->rep : reps;
		if (!isnan(v) && !strcmp(c->fault, "none") && !c->warmup) {
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
			nsp++;
		}
	}
	ng = make_groups(r, g, 128);
	for (i = 0; i < ng; i++) {
		if (strcmp(g[i].variant, "none") && m && g[i].preserve != m)
			uniform_m = false;
		if (strcmp(g[i].variant, "none") && !m)
			m = g[i].preserve;
	}

	fprintf(f, "lubench cycle %s: live update by kexec in a QEMU guest\n",
		r->run_id);
	fprintf(f, "accelerator %s%s, cpu %s, %" PRIu64 " vCPUs, %s RAM\n",
		accel(r), run_icount(r) ?
		" with icount shift 0 (times are icount virtual time:"
		" 1 ns per guest instruction)" : !strcmp(accel(r), "tcg") ?
		" (emulated: times are emulator times)" : "",
		cpu[0] ? cpu : "?", get_u64(r->run_line, "smp"),
		get_str(r->run_line, "mem"));
	fprintf(f, "guest kernel %s, kexec -l %s, ",
		get_str(r->plan_line, "kernel"),
		!strcmp(get_str(r->plan_line, "kexec_checks"), "1") ?
		"with purgatory checks" : "--no-checks");
	if (uniform_m && m)
		fprintf(f, "%.0f devices preserved per cycle, ", m);
	fprintf(f, "%s\n", reps > 1 ? "medians over repetitions" :
		"one jump each");
	if (c0)
		fprintf(f, "TSC %.3f MHz, constant_tsc %s, nonstop_tsc %s, clocksource %s; continuity %s\n",
			c0->khz / 1000,
			get_bool(c0->restore, "constant_tsc") ? "yes" : "NO",
			get_bool(c0->restore, "nonstop_tsc") ? "yes" :
			"no (TCG cannot offer it)",
			get_str(c0->restore, "clocksource"),
			tsc_bad ? "FAILED on some cycles (no blackout for them)" :
			run_icount(r) ?
			"ok on every cycle (icount: checked by the 1 GHz calibration;\n"
			"the host column is wall time and is not compared)" :
			"ok on every cycle, the host's clock agrees");

	fprintf(f, "\nms   %-8s %6s %5s %6s %6s %5s %6s %6s %7s %5s %8s %8s %s\n",
		"variant", "N", "exit", "jump", "boot", "map", "retrv",
		"enum", "lookup", "user", "blackout", "host", "ok");
	for (i = 0; i < ng; i++) {
		fprintf(f, "     %-8s %6u", g[i].variant, g[i].devices);
		cell(f, g[i].exit, 5, 0);
		cell(f, g[i].jump, 6, 0);
		cell(f, g[i].boot, 6, 0);
		cell(f, g[i].map, 5, 1);
		cell(f, g[i].retrieve, 6, 2);
		cell(f, g[i].enumerate, 6, 0);
		cell(f, g[i].lookup, 7, 2);
		cell(f, g[i].user, 5, 0);
		cell(f, g[i].blackout, 8, 0);
		cell(f, g[i].host, 8, 0);
		fprintf(f, " %u/%u\n", g[i].passed, g[i].n);
	}
	fprintf(f, "\nexit: freeze to kexec -e (old user space); jump: the old kernel's shutdown\n"
		"and the jump, to the new kernel's first TSC clock; boot: to module init;\n"
		"map: the handover memory; retrv: validate the blob, retrieve the table\n"
		"(xarray: build its index); enum: create and enumerate the devices,\n"
		"lookups included; lookup: inside pci_ser_find, summed; user: retrieval\n"
		"through /dev and finish; blackout: freeze to finish, the sum of the\n"
		"phases; host: the same on the host's clock (serial console stamps).\n");
	if (nsp > 1)
		fprintf(f, "exit + jump + boot do not depend on the layout; over the %u jumps of this\n"
			"run they spread from %.0f to %.0f ms: blackouts closer than that are noise.\n",
			nsp, lo, hi);

	/* linear against the best layout, per N, with the floor. */
	for (i = 0; i < ng; i++) {
		const struct group *lin = NULL, *best = NULL, *none = NULL;

		if (strcmp(g[i].variant, "linear"))
			continue;
		lin = &g[i];
		for (j = 0; j < ng; j++) {
			if (g[j].devices != lin->devices)
				continue;
			if (!strcmp(g[j].variant, "none"))
				none = &g[j];
			else if (strcmp(g[j].variant, "linear") &&
				 !isnan(g[j].lookup) &&
				 (!best || g[j].retrieve + g[j].lookup <
				  best->retrieve + best->lookup))
				best = &g[j];
		}
		fprintf(f, "\nN=%u: the layout's own cost (retrieve + lookups): linear %.2f ms",
			lin->devices, lin->retrieve + lin->lookup);
		if (best)
			fprintf(f, ", best other %s %.2f ms (linear: %.1fx that)",
				best->variant, best->retrieve + best->lookup,
				(lin->retrieve + lin->lookup) /
				(best->retrieve + best->lookup));
		if (none)
			fprintf(f, ", none %.2f ms", none->retrieve + none->lookup);
		fprintf(f, ";\n  blackout: linear %.0f ms", lin->blackout);
		if (best)
			fprintf(f, ", %s %.0f ms", best->variant, best->blackout);
		if (none)
			fprintf(f, ", none (floor) %.0f ms", none->blackout);
		fprintf(f, "; linear's lookups are %.2f%% of its blackout.\n",
			100 * lin->lookup / lin->blackout);
	}

	if (nfault) {
		fprintf(f, "\nfault injection (each handover must be refused with its reason, no device marked):\n");
		for (i = 0; i < r->nr; i++) {
			const struct cycle *c = &r->c[i];

			if (!strcmp(c->fault, "none"))
				continue;
			fprintf(f, "  cycle %-3u %-9s %-9s %-28s %s\n", c->k,
				c->variant, c->fault,
				c->restore && get_bool(c->restore, "refused") ?
				get_str(c->restore, "reason") : "NOT refused",
				c->verification);
		}
	}
	for (i = 0; i < r->nr; i++) {
		const struct cycle *c = &r->c[i];

		if (!c->pass)
			fprintf(f, "cycle %u (%s, fault %s): %s\n", c->k,
				c->variant, c->fault, c->verification);
		if (c->restore && !c->tsc_ok)
			fprintf(f, "cycle %u (%s): no blackout: %s\n", c->k,
				c->variant, c->tsc_check);
	}
}

int main(int argc, char **argv)
{
	struct run r = { 0 };
	const char *out, *slash;
	unsigned int i, passed = 0;
	FILE *sum;
	int ret;

	if (argc != 3 || argv[1][0] == '-') {
		fprintf(stderr, "usage: lubench-cycle-report RUN_DIR OUT_DIR\n");
		return 2;
	}
	r.dir = argv[1];
	out = argv[2];
	read_plan(&r);
	read_meta(&r);
	read_results(&r);
	read_console(&r);
	slash = strrchr(out, '/');
	snprintf(r.run_id, sizeof(r.run_id), "%s",
		 meta(&r, "run_id") ? meta(&r, "run_id") :
		 slash && slash[1] ? slash + 1 : out);

	for (i = 0; i < r.nr; i++) {
		r.c[i].icount = run_icount(&r);
		compute(&r.c[i]);
		passed += r.c[i].pass;
	}
	ret = write_rows(&r, out);
	if (ret)
		die("%s: %s", out, strerror(-ret));
	ret = write_meta(&r, out);
	if (ret)
		die("%s/meta.json: %s", out, strerror(-ret));
	sum = res_create(out, "summary.txt");
	if (!sum)
		die("%s/summary.txt: %s", out, strerror(errno));
	print_table(sum, &r);
	if (ferror(sum) | fclose(sum))
		die("%s/summary.txt: write error", out);
	print_table(stdout, &r);
	printf("\n%u of %u cycles verified\n", passed, r.nr);
	return passed == r.nr ? 0 : 1;
}
