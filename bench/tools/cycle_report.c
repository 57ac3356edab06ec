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

#include "stats.h"
#include "cycle_report.h"
#include "faults.h"
#include "pci_ser.h"
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

static bool is_none(const char *s)
{
	return !strcmp(s, "none");
}

/* ---- the computation ---- */

/* What the next kernel must say of a blob with @fault (faults.h). */
static const char *expected_defect(const char *fault)
{
	const char *d = lb_fault_defect(lb_fault_parse(fault));

	return d ? d : "";
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

/* The preserved endpoints of a jump: the table's entries but bridges. */
static uint64_t endpoints(const struct cr_restore *o)
{
	return o->has_bridges ? o->endpoints : o->preserved;
}

/*
 * Bridges go with the layout's rules (pci_ser.h): none in the table under
 * v2's, and under the refcounted ones, in the switches topology, at least
 * one (every endpoint there is behind a root port).  The refcount of each
 * entry the guest checked (its verdict).
 */
static bool bridges_ok(const struct run *r, const struct cycle *c, char *v,
		       size_t len)
{
	const struct pci_ser_ops *ops = pci_ser_variant(c->plan.variant);
	const struct cr_restore *o = &c->restore;
	const char *topo = cm_get(&r->meta, "topology");

	if (!o->has_bridges || !ops)
		return true;
	if (o->preserved != o->endpoints + o->bridges) {
		snprintf(v, len, "fail: %" PRIu64 " entries, %" PRIu64
			 " endpoints and %" PRIu64 " bridges", o->preserved,
			 o->endpoints, o->bridges);
		return false;
	}
	if (!pci_ser_rules_refcounted(ops->rules) && o->bridges) {
		snprintf(v, len, "fail: %" PRIu64 " bridges came across under "
			 "v2's rules, which keep none", o->bridges);
		return false;
	}
	if (pci_ser_rules_refcounted(ops->rules) && !o->bridges && topo &&
	    !strcmp(topo, "switches")) {
		snprintf(v, len, "fail: no bridge came across under %s's rules "
			 "with switches", pci_ser_rules_name(ops->rules));
		return false;
	}
	return true;
}

static void verify(const struct run *r, struct cycle *c)
{
	const struct cr_restore *o = &c->restore;
	bool none = is_none(c->plan.variant);
	char *v = c->verification;
	size_t len = sizeof(c->verification);

	snprintf(c->expected, sizeof(c->expected), "%s",
		 expected_defect(c->plan.fault));
	c->pass = false;
	if (!c->has_freeze)
		snprintf(v, len, "missing: the old kernel never froze");
	else if (!c->has_restore)
		snprintf(v, len, "missing: no report from the kernel after the jump");
	else if (!o->pass)
		snprintf(v, len, "fail: %s", o->why);
	else if (c->expected[0] && !o->refused)
		snprintf(v, len, "fail: accepted, expected a refusal with \"%s\"",
			 c->expected);
	else if (c->expected[0] && strcmp(o->reason, c->expected))
		snprintf(v, len, "fail: refused with \"%s\", expected \"%s\"",
			 o->reason, c->expected);
	else if (strcmp(o->mode, none ? "none" : "table") ||
		 (!none && strcmp(o->variant, c->plan.variant)))
		snprintf(v, len, "fail: the record says %s/%s, the plan %s",
			 o->mode, o->variant, c->plan.variant);
	else if (!c->expected[0] && !none && endpoints(o) != c->plan.preserve)
		snprintf(v, len, "fail: %" PRIu64 " devices came across, %u planned",
			 endpoints(o), c->plan.preserve);
	else if (!c->expected[0] && !none && !bridges_ok(r, c, v, len))
		;
	else
		c->pass = snprintf(v, len, "pass") > 0;
}

static void check_icount_khz(struct cycle *c, const char *which, double khz)
{
	if (fabs(khz - ICOUNT_KHZ) > ICOUNT_KHZ_TOLERANCE * ICOUNT_KHZ)
		set_check(c, "icount: the %s kernel's tsc_khz is %.0f, not the 1 GHz of shift 0",
			  which, khz);
}

static void no_blackout(struct cycle *c, const char *why)
{
	set_check(c, "%s", why);
	snprintf(c->blackout_why, sizeof(c->blackout_why), "%s", c->tsc_check);
}

/*
 * The new kernel's first TSC clock: sched_clock() counts from the TSC
 * read in tsc_early_init(), so init_tsc less sched_clock() in cycles (0
 * if that would be before 0: the stamps are then out of order anyway).
 */
static uint64_t kernel_start(const struct cr_restore *o, double khz)
{
	double back = (double)o->init_sched_clock_ns * khz / 1e6;

	return back >= (double)o->init_tsc ? 0 : o->init_tsc - (uint64_t)back;
}

/* The phases from the raw stamps, in ms of the new kernel's TSC. */
static void phases(struct cycle *c)
{
	const struct cr_restore *o = &c->restore;
	uint64_t kstart = kernel_start(o, c->khz), lk = o->lookup_cycles;
	double khz = c->khz;

#define MS(a, b)	((double)(int64_t)((b) - (a)) / khz)
	c->serialize = MS(o->freeze_tsc, o->serialized_tsc);
	c->shutdown_jump = MS(o->freeze_tsc, kstart);
	/* The old kernel's exit stamp, when it wrote it. */
	if (o->kexec_tsc > o->serialized_tsc) {
		c->exit = MS(o->freeze_tsc, o->kexec_tsc);
		c->jump = MS(o->kexec_tsc, kstart);
	}
	c->boot = MS(kstart, o->init_tsc);
	c->map = MS(o->init_tsc, o->mapped_tsc);
	c->retrieve = MS(o->mapped_tsc, o->retrieved_tsc);
	c->enumerate = MS(o->retrieved_tsc, o->enumerated_tsc);
	c->user = MS(o->enumerated_tsc, o->finish_tsc);
	c->blackout = MS(o->freeze_tsc, o->finish_tsc);
#undef MS
	/* Each lookup's own two TSC reads are not the lookup's cost. */
	if (o->tsc_pair_cycles && o->lookups > lk / o->tsc_pair_cycles)
		lk = 0;
	else
		lk -= o->lookups * o->tsc_pair_cycles;
	c->lookup = (double)lk / khz;
	c->lookup_ns = o->lookups ? c->lookup * 1e6 / o->lookups : NAN;
}

/* Whether the TSC can be trusted across this jump; the first reason not. */
static void tsc_checks(struct cycle *c)
{
	const struct cr_restore *o = &c->restore;
	const struct cr_freeze *fz = c->has_freeze ? &c->freeze : NULL;
	uint64_t init = o->init_tsc, ser = o->serialized_tsc, kx = o->kexec_tsc;
	uint64_t kstart = kernel_start(o, c->khz);
	double tol;

	if (!fz || !fz->constant_tsc || !o->constant_tsc)
		set_check(c, "no constant_tsc in %s kernel",
			  fz && fz->constant_tsc ? "the new" : "the old");
	if (fz && fz->freeze_tsc != o->freeze_tsc)
		set_check(c, "the record's freeze stamp is not the one the old kernel took");
	if (fabs(c->khz - c->old_khz) > KHZ_TOLERANCE * c->old_khz)
		set_check(c, "tsc_khz %.0f vs %.0f in the old kernel: %.2f%% apart (limit %.1f%%)",
			  c->khz, c->old_khz,
			  100 * fabs(c->khz - c->old_khz) / c->old_khz,
			  100 * KHZ_TOLERANCE);
	if (init <= ser || kstart <= ser)
		set_check(c, "TSC not continuous across kexec: the new kernel started %.1f ms before the freeze",
			  (double)(int64_t)(ser - kstart) / c->khz);
	if (kx && kx >= kstart)
		set_check(c, "TSC not continuous across kexec: the new kernel started before kexec -e");
	if (!(init <= o->mapped_tsc && o->mapped_tsc <= o->retrieved_tsc &&
	      o->retrieved_tsc <= o->enumerated_tsc &&
	      o->enumerated_tsc <= o->ready_tsc && o->ready_tsc <= o->finish_tsc))
		set_check(c, "the new kernel's stamps are out of order");
	if (c->icount) {
		check_icount_khz(c, "new", c->khz);
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
}

/* A blackout stands only for an accepted handover, a trusted TSC, a finish. */
static void blackout_or_why(struct cycle *c)
{
	const struct cr_restore *o = &c->restore;

	if (o->refused) {
		snprintf(c->blackout_why, sizeof(c->blackout_why),
			 "handover refused: %s", o->reason);
		c->blackout = NAN;
	} else if (!c->tsc_ok) {
		snprintf(c->blackout_why, sizeof(c->blackout_why), "%s",
			 c->tsc_check);
		c->blackout = NAN;
		c->shutdown_jump = c->jump = NAN;
	} else if (!o->finish_tsc) {
		snprintf(c->blackout_why, sizeof(c->blackout_why),
			 "finish never ran");
		c->blackout = NAN;
	}
}

static void compute(const struct run *r, struct cycle *c)
{
	c->serialize = c->exit = c->jump = c->map = NAN;
	c->shutdown_jump = c->boot = c->retrieve = NAN;
	c->enumerate = c->lookup = c->user = c->lookup_ns = NAN;
	c->blackout = c->host_blackout = c->host_diff = NAN;
	c->khz = c->old_khz = NAN;
	c->tsc_ok = true;
	verify(r, c);

	if (!isnan(c->host_freeze) && !isnan(c->host_end))
		c->host_blackout = c->host_end - c->host_freeze;
	if (!c->has_restore)
		return no_blackout(c, "no stamps from the kernel after the jump");
	c->khz = c->restore.tsc_khz;
	c->old_khz = c->restore.old_tsc_khz;
	if (!c->restore.tsc_khz || !c->restore.old_tsc_khz)
		return no_blackout(c, "no TSC frequency recorded");
	phases(c);
	tsc_checks(c);
	blackout_or_why(c);
}

/* ---- output ---- */

static const char *const columns[] = {
	"schema", "schema_version", "run_id", "cycle", "rep", "warmup",
	"variant", "fault", "devices", "preserved", "topology", "bridges",
	"accelerator", "clock",
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
	const char *m = cm_get(&r->meta, "accel");

	return r->g.has_run ? r->g.accel : m ? m : "unknown";
}

/* The clock every time of the run is on: real (host-paced) or icount. */
static const char *run_clock(const struct run *r)
{
	const char *m = cm_get(&r->meta, "clock");

	return r->g.has_run ? r->g.clock : m ? m : "real";
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

static void add_str_or_null(struct res_row *row, const char *key, bool set,
			    const char *v)
{
	if (set)
		res_add_str(row, key, v);
	else
		res_add_null(row, key);
}

/* What the jump was: the plan's line, the guest, the TSC it ran on. */
static void add_jump(struct res_row *row, const struct run *r,
		     const struct cycle *c)
{
	const struct cr_restore *o = c->has_restore ? &c->restore : NULL;
	const struct cr_freeze *fz = c->has_freeze ? &c->freeze : NULL;

	res_add_str(row, "run_id", r->run_id);
	res_add_u64(row, "cycle", c->k);
	res_add_u64(row, "rep", c->rep);
	res_add_bool(row, "warmup", c->plan.warmup);
	res_add_str(row, "variant", c->plan.variant);
	res_add_str(row, "fault", c->plan.fault);
	res_add_u64(row, "devices", c->plan.devices);
	res_add_u64(row, "preserved", o ? endpoints(o) : 0);
	res_add_str(row, "topology", cm_get(&r->meta, "topology") ?
		    cm_get(&r->meta, "topology") : "flat");
	res_add_u64(row, "bridges", o && o->has_bridges ? o->bridges : 0);
	res_add_str(row, "accelerator", accel(r));
	res_add_str(row, "clock", run_clock(r));
	add_f64(row, "icount_shift", run_icount(r) ? 0 : NAN);
	res_add_str(row, "guest_cpu", r->g.cpu);
	res_add_str(row, "guest_kernel", r->g.kernel);
	res_add_bool(row, "kexec_checks", r->g.kexec_checks);
	add_f64(row, "tsc_khz", c->khz);
	add_f64(row, "old_tsc_khz", c->old_khz);
	res_add_bool(row, "constant_tsc",
		     o && o->constant_tsc && fz && fz->constant_tsc);
	res_add_bool(row, "nonstop_tsc",
		     o && o->nonstop_tsc && fz && fz->nonstop_tsc);
	res_add_str(row, "clocksource", o ? o->clocksource : "");
	res_add_str(row, "tsc_check", c->tsc_check);
}

static void add_phases(struct res_row *row, const struct cycle *c)
{
	add_f64(row, "serialize_ms", c->serialize);
	add_f64(row, "exit_ms", c->exit);
	add_f64(row, "jump_ms", c->jump);
	add_f64(row, "shutdown_jump_ms", c->shutdown_jump);
	add_f64(row, "boot_ms", c->boot);
	add_f64(row, "map_ms", c->map);
	add_f64(row, "retrieve_ms", c->retrieve);
	add_f64(row, "enumerate_ms", c->enumerate);
	add_f64(row, "lookup_ms", c->lookup);
	res_add_u64(row, "lookups", c->has_restore ? c->restore.lookups : 0);
	add_f64(row, "lookup_ns", c->lookup_ns);
	add_f64(row, "user_ms", c->user);
	add_f64(row, "blackout_ms", c->blackout);
	add_str_or_null(row, "blackout_null_reason", isnan(c->blackout),
			c->blackout_why);
	add_f64(row, "host_blackout_ms", c->host_blackout);
	add_f64(row, "host_diff_ms", c->host_diff);
	add_f64(row, "host_jump_ms", c->host_boot - c->host_freeze);
}

static void add_outcome(struct res_row *row, const struct cycle *c)
{
	bool refused = c->has_restore && c->restore.refused;

	res_add_u64(row, "blob_bytes", c->has_freeze ? c->freeze.blob_bytes : 0);
	res_add_bool(row, "refused", refused);
	add_str_or_null(row, "refusal_reason", refused, c->restore.reason);
	add_str_or_null(row, "expected_reason", c->expected[0], c->expected);
	res_add_str(row, "verification", c->verification);
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
		res_row_reset(&row);
		add_jump(&row, r, &r->c[i]);
		add_phases(&row, &r->c[i]);
		add_outcome(&row, &r->c[i]);
		ret = res_write(&w, &row);
	}
	if (res_close(&w) && !ret)
		ret = -EIO;
	return ret;
}

static int write_meta(const struct run *r, const char *out)
{
	FILE *f = res_create(out, "meta.json");
	const struct cr_guest *g = &r->g;
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
	json_str(&j, "guest_cpu", g->cpu);
	json_str(&j, "guest_mem", g->mem);
	json_u64(&j, "guest_smp", g->smp);
	json_str(&j, "guest_kernel", g->kernel);
	json_u64(&j, "wall_ms", g->wall_ms);
	json_u64(&j, "boots", g->boots);
	json_i64(&j, "guest_exit", g->has_run ? g->exit : -1);
	json_str(&j, "guest_reason", g->reason);
	json_bool(&j, "kexec_checks", g->kexec_checks);
	json_u64(&j, "cycles", r->nr);
	json_obj_begin(&j, "tsc_check");
	json_f64(&j, "khz_tolerance_pct", 100 * KHZ_TOLERANCE);
	json_f64(&j, "host_tolerance_ms", HOST_TOLERANCE_MS);
	json_f64(&j, "host_tolerance_pct", 100 * HOST_TOLERANCE_FRAC);
	json_obj_end(&j);
	/* The machine that ran the emulator, as every result records it. */
	topology_json_host(&j);
	json_obj_begin(&j, "host");
	for (i = 0; i < r->meta.nr; i++)
		json_str(&j, r->meta.key[i], r->meta.val[i]);
	json_obj_end(&j);
	json_obj_end(&j);
	if (ferror(f) | fclose(f))
		return -EIO;
	return 0;
}

/* ---- the table ---- */


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
	qsort(v, m, sizeof(*v), stats_cmp_double);
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

		if (!is_none(c->plan.fault) || c->plan.warmup)
			continue;
		for (j = 0; j < ng; j++)
			if (!strcmp(g[j].variant, c->plan.variant) &&
			    g[j].devices == c->plan.devices)
				break;
		if (j == ng) {
			if (ng == max)
				continue;
			memset(&g[ng], 0, sizeof(g[ng]));
			snprintf(g[ng].variant, sizeof(g[ng].variant), "%s",
				 c->plan.variant);
			g[ng].devices = c->plan.devices;
			g[ng].preserve = c->plan.preserve;
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

/* The run: accelerator, guest, what each bar stands for, the TSC. */
static void print_header(FILE *f, const struct run *r, const struct group *g,
			 unsigned int ng)
{
	const struct cycle *c0 = NULL;
	unsigned int i, tsc_bad = 0, reps = 0, m = 0;
	bool uniform_m = true;

	for (i = 0; i < r->nr; i++) {
		const struct cycle *c = &r->c[i];

		if (!c0 && c->has_restore)
			c0 = c;
		tsc_bad += c->has_restore && !c->tsc_ok;
		reps = c->rep > reps ? c->rep : reps;
	}
	for (i = 0; i < ng; i++) {
		if (!is_none(g[i].variant) && m && g[i].preserve != m)
			uniform_m = false;
		if (!is_none(g[i].variant) && !m)
			m = g[i].preserve;
	}
	fprintf(f, "lubench cycle %s: live update by kexec in a QEMU guest\n",
		r->run_id);
	fprintf(f, "accelerator %s%s, cpu %s, %" PRIu64 " vCPUs, %s RAM\n",
		accel(r), run_icount(r) ?
		" with icount shift 0 (times are icount virtual time:"
		" 1 ns per guest instruction)" : !strcmp(accel(r), "tcg") ?
		" (emulated: times are emulator times)" : "",
		r->g.cpu[0] ? r->g.cpu : "?", r->g.smp, r->g.mem);
	fprintf(f, "guest kernel %s, kexec -l %s, ", r->g.kernel,
		r->g.kexec_checks ? "with purgatory checks" : "--no-checks");
	if (uniform_m && m)
		fprintf(f, "%u devices preserved per cycle, ", m);
	fprintf(f, "%s\n", reps > 1 ? "medians over repetitions" :
		"one jump each");
	if (c0)
		fprintf(f, "TSC %.3f MHz, constant_tsc %s, nonstop_tsc %s, clocksource %s;\ncontinuity %s\n",
			c0->khz / 1000, c0->restore.constant_tsc ? "yes" : "NO",
			c0->restore.nonstop_tsc ? "yes" :
			"no (TCG cannot offer it)", c0->restore.clocksource,
			tsc_bad ? "FAILED on some cycles (no blackout for them)" :
			run_icount(r) ?
			"ok on every cycle (icount: checked by the 1 GHz calibration;"
			" the host column is wall time and is not compared)" :
			"ok on every cycle, the host's clock agrees");
}

static void print_phases(FILE *f, const struct group *g, unsigned int ng)
{
	unsigned int i;

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
}

/* The legend, and how far the layout-independent part spread. */
static void print_legend(FILE *f, const struct run *r)
{
	double lo = INFINITY, hi = -INFINITY;
	unsigned int i, nsp = 0;

	for (i = 0; i < r->nr; i++) {
		const struct cycle *c = &r->c[i];
		double v = c->shutdown_jump + c->boot;

		if (!isnan(v) && is_none(c->plan.fault) && !c->plan.warmup) {
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
			nsp++;
		}
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
}

/* At N: the best layout other than linear, and the control. */
static void best_of(const struct group *g, unsigned int ng, unsigned int n,
		    const struct group **best, const struct group **none)
{
	unsigned int j;

	*best = *none = NULL;
	for (j = 0; j < ng; j++) {
		if (g[j].devices != n)
			continue;
		if (is_none(g[j].variant))
			*none = &g[j];
		else if (strcmp(g[j].variant, "linear") && !isnan(g[j].lookup) &&
			 (!*best || g[j].retrieve + g[j].lookup <
			  (*best)->retrieve + (*best)->lookup))
			*best = &g[j];
	}
}

/* linear against the best layout, per N, with the floor. */
static void print_linear(FILE *f, const struct group *g, unsigned int ng)
{
	const struct group *lin, *best, *none;
	unsigned int i;

	for (i = 0; i < ng; i++) {
		if (strcmp(g[i].variant, "linear"))
			continue;
		lin = &g[i];
		/* No measured linear jump at this N: nothing to compare. */
		if (isnan(lin->retrieve + lin->lookup))
			continue;
		best_of(g, ng, lin->devices, &best, &none);
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
}

/* The faults' refusals, then every cycle that failed and why. */
static void print_outcomes(FILE *f, const struct run *r)
{
	unsigned int i, nfault = 0;

	for (i = 0; i < r->nr; i++)
		nfault += !is_none(r->c[i].plan.fault);
	if (nfault)
		fprintf(f, "\nfault injection (each handover must be refused with its reason, no device marked):\n");
	for (i = 0; i < r->nr && nfault; i++) {
		const struct cycle *c = &r->c[i];

		if (is_none(c->plan.fault))
			continue;
		fprintf(f, "  cycle %-3u %-9s %-9s %-28s %s\n", c->k,
			c->plan.variant, c->plan.fault,
			c->has_restore && c->restore.refused ?
			c->restore.reason : "NOT refused", c->verification);
	}
	for (i = 0; i < r->nr; i++) {
		const struct cycle *c = &r->c[i];

		if (!c->pass)
			fprintf(f, "cycle %u (%s, fault %s): %s\n", c->k,
				c->plan.variant, c->plan.fault, c->verification);
		if (c->has_restore && !c->tsc_ok)
			fprintf(f, "cycle %u (%s): no blackout: %s\n", c->k,
				c->plan.variant, c->tsc_check);
	}
}

static void print_table(FILE *f, const struct run *r)
{
	static struct group g[128];
	unsigned int ng = make_groups(r, g, 128);

	print_header(f, r, g, ng);
	print_phases(f, g, ng);
	print_legend(f, r);
	print_linear(f, g, ng);
	print_outcomes(f, r);
}

int main(int argc, char **argv)
{
	struct run r = { 0 };
	const char *out, *slash;
	unsigned int i, passed = 0;
	char why[400];
	FILE *sum;
	int ret;

	if (argc != 3 || argv[1][0] == '-') {
		fprintf(stderr, "usage: lubench-cycle-report RUN_DIR OUT_DIR\n");
		return 2;
	}
	r.dir = argv[1];
	out = argv[2];
	/* Everything is read and checked before anything is written. */
	ret = cr_read_run(&r, why, sizeof(why));
	if (ret == -ENOMEM)
		die("out of memory");
	if (ret)
		die("%s", why);
	slash = strrchr(out, '/');
	snprintf(r.run_id, sizeof(r.run_id), "%s",
		 cm_get(&r.meta, "run_id") ? cm_get(&r.meta, "run_id") :
		 slash && slash[1] ? slash + 1 : out);

	for (i = 0; i < r.nr; i++) {
		r.c[i].icount = run_icount(&r);
		compute(&r, &r.c[i]);
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
	ret = passed == r.nr ? 0 : 1;
	cr_free(&r);
	return ret;
}
