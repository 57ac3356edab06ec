// SPDX-License-Identifier: GPL-2.0
/*
 * Reading one guest run of `lubench cycle` (cycle_report.h).  Every line
 * of ours is checked when it is read and kept as typed values, so the
 * computation never meets a missing stamp, a negative count or a number
 * that is not one; a line that fails is refused with its reason.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cycle_report.h"
#include "input.h"
#include "jsonl.h"
#include "numparse.h"

/* TSC stamps and nanosecond counts: anything below 2^63 is a value. */
#define CR_MAX_STAMP	INT64_MAX

struct cr_line {
	const struct jl_obj *o;
	char *why;
	size_t len;
};

static int count(struct cr_line *l, const char *key, uint64_t *out)
{
	return jl_need_u64(l->o, key, CR_MAX_STAMP, out, l->why, l->len);
}

static int flag(struct cr_line *l, const char *key, bool *out)
{
	return jl_need_bool(l->o, key, out, l->why, l->len);
}

static int text(struct cr_line *l, const char *key, char *dst, size_t size)
{
	return jl_need_text(l->o, key, dst, size, l->why, l->len);
}

/* The jump a line is about: "cycle" must name one of the plan. */
static int cycle_of(struct run *r, struct cr_line *l, struct cycle **c)
{
	uint64_t k;

	if (jl_need_u64(l->o, "cycle", UINT32_MAX, &k, l->why, l->len))
		return -EINVAL;
	if (k < 1 || k > r->nr) {
		snprintf(l->why, l->len, "\"cycle\": %llu is not a jump of the "
			 "plan (1..%u)", (unsigned long long)k, r->nr);
		return -EINVAL;
	}
	*c = &r->c[k - 1];
	return 0;
}

static int twice(struct cr_line *l, const char *type, unsigned int k)
{
	snprintf(l->why, l->len, "a second %s line for cycle %u", type, k);
	return -EINVAL;
}

static int read_freeze(struct run *r, struct cr_line *l)
{
	struct cycle *c;
	struct cr_freeze *f;

	if (cycle_of(r, l, &c))
		return -EINVAL;
	if (c->has_freeze)
		return twice(l, "lubench-cycle-freeze", c->k);
	f = &c->freeze;
	if (count(l, "freeze_tsc", &f->freeze_tsc) ||
	    count(l, "blob_bytes", &f->blob_bytes) ||
	    flag(l, "constant_tsc", &f->constant_tsc) ||
	    flag(l, "nonstop_tsc", &f->nonstop_tsc))
		return -EINVAL;
	c->has_freeze = true;
	c->has_preserve = r->pending_preserve;
	r->pending_preserve = false;
	return 0;
}

static int restore_stamps(struct cr_line *l, struct cr_restore *s)
{
	const struct {
		const char *key;
		uint64_t *v;
	} f[] = {
		{ "tsc_khz", &s->tsc_khz },
		{ "old_tsc_khz", &s->old_tsc_khz },
		{ "freeze_tsc", &s->freeze_tsc },
		{ "serialized_tsc", &s->serialized_tsc },
		{ "kexec_tsc", &s->kexec_tsc },
		{ "init_tsc", &s->init_tsc },
		{ "init_sched_clock_ns", &s->init_sched_clock_ns },
		{ "mapped_tsc", &s->mapped_tsc },
		{ "retrieved_tsc", &s->retrieved_tsc },
		{ "enumerated_tsc", &s->enumerated_tsc },
		{ "ready_tsc", &s->ready_tsc },
		{ "finish_tsc", &s->finish_tsc },
		{ "lookup_cycles", &s->lookup_cycles },
		{ "lookups", &s->lookups },
		{ "tsc_pair_cycles", &s->tsc_pair_cycles },
		{ "preserved", &s->preserved },
	};
	unsigned int i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (count(l, f[i].key, f[i].v))
			return -EINVAL;
	return 0;
}

static int read_restore(struct run *r, struct cr_line *l)
{
	char verdict[8];
	struct cr_restore *s;
	struct cycle *c;

	if (cycle_of(r, l, &c))
		return -EINVAL;
	if (c->has_restore)
		return twice(l, "lubench-cycle-restore", c->k);
	s = &c->restore;
	if (restore_stamps(l, s) ||
	    flag(l, "refused", &s->refused) ||
	    flag(l, "constant_tsc", &s->constant_tsc) ||
	    flag(l, "nonstop_tsc", &s->nonstop_tsc) ||
	    text(l, "reason", s->reason, sizeof(s->reason)) ||
	    text(l, "why", s->why, sizeof(s->why)) ||
	    text(l, "mode", s->mode, sizeof(s->mode)) ||
	    text(l, "variant", s->variant, sizeof(s->variant)) ||
	    text(l, "clocksource", s->clocksource, sizeof(s->clocksource)) ||
	    text(l, "verdict", verdict, sizeof(verdict)))
		return -EINVAL;
	/* Endpoints and bridges apart: since the switches topology. */
	s->has_bridges = jl_has(l->o, "bridges");
	if (s->has_bridges &&
	    (count(l, "endpoints", &s->endpoints) ||
	     count(l, "bridges", &s->bridges)))
		return -EINVAL;
	if (strcmp(verdict, "pass") && strcmp(verdict, "fail")) {
		snprintf(l->why, l->len, "\"verdict\": \"%s\" is not pass or fail",
			 verdict);
		return -EINVAL;
	}
	s->pass = !strcmp(verdict, "pass");
	c->has_restore = true;
	return 0;
}

static int read_plan_line(struct run *r, struct cr_line *l)
{
	struct cr_guest *g = &r->g;

	if (g->has_plan) {
		snprintf(l->why, l->len, "a second lubench-cycle-plan line");
		return -EINVAL;
	}
	if (jl_need_u64(l->o, "cycles", CP_MAX_CYCLES, &g->cycles, l->why,
			l->len) ||
	    flag(l, "kexec_checks", &g->kexec_checks) ||
	    text(l, "kernel", g->kernel, sizeof(g->kernel)))
		return -EINVAL;
	if (g->cycles != r->nr) {
		snprintf(l->why, l->len, "the guest ran a plan of %llu jumps, "
			 "cycle.plan has %u", (unsigned long long)g->cycles,
			 r->nr);
		return -EINVAL;
	}
	g->has_plan = true;
	return 0;
}

static int read_run_line(struct run *r, struct cr_line *l)
{
	struct cr_guest *g = &r->g;
	uint64_t exit_rc;

	if (g->has_run) {
		snprintf(l->why, l->len, "a second lubench-run line");
		return -EINVAL;
	}
	/* "clock" came later in version 1: without it, the run was real. */
	strcpy(g->clock, "real");
	if (text(l, "accel", g->accel, sizeof(g->accel)) ||
	    (jl_has(l->o, "clock") &&
	     text(l, "clock", g->clock, sizeof(g->clock))) ||
	    text(l, "cpu", g->cpu, sizeof(g->cpu)) ||
	    text(l, "mem", g->mem, sizeof(g->mem)) ||
	    text(l, "reason", g->reason, sizeof(g->reason)) ||
	    jl_need_u64(l->o, "smp", 4096, &g->smp, l->why, l->len) ||
	    count(l, "wall_ms", &g->wall_ms) || count(l, "boots", &g->boots) ||
	    jl_need_u64(l->o, "exit", 255, &exit_rc, l->why, l->len))
		return -EINVAL;
	if (strcmp(g->clock, "real") && strcmp(g->clock, "icount")) {
		snprintf(l->why, l->len, "\"clock\": \"%s\" is not real or icount",
			 g->clock);
		return -EINVAL;
	}
	g->exit = exit_rc;
	g->has_run = true;
	return 0;
}

int cr_result_line(struct run *r, const char *line, size_t len, char *why,
		   size_t whylen)
{
	struct cr_line l = { .why = why, .len = whylen };
	struct jl_obj o;
	int ret;

	ret = jl_read_ours(line, len, CR_SCHEMA, CR_SCHEMA_VERSION, &o, why,
			   whylen);
	if (ret <= 0)
		return ret;
	ret = 0;
	l.o = &o;
	if (jl_is(&o, "lubench-cycle-plan"))
		ret = read_plan_line(r, &l);
	else if (jl_is(&o, "lubench-run"))
		ret = read_run_line(r, &l);
	else if (jl_is(&o, "lubench-cycle-preserve"))
		r->pending_preserve = true;
	else if (jl_is(&o, "lubench-cycle-freeze"))
		ret = read_freeze(r, &l);
	else if (jl_is(&o, "lubench-cycle-restore"))
		ret = read_restore(r, &l);
	jl_free(&o);
	return ret;
}

/* "[host 1234.567 ms] " at the start of a console line; its ms. */
static int host_stamp(const char *line, double *ms, const char **rest)
{
	char num[32];
	const char *p, *e;
	size_t n;

	if (strncmp(line, "[host ", 6))
		return -ENOENT;
	p = line + 6 + strspn(line + 6, " ");
	e = strstr(p, " ms] ");
	n = e ? (size_t)(e - p) : 0;
	if (!n || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, p, n);
	num[n] = '\0';
	if (lb_parse_double(num, 0, 1e12, ms))
		return -EINVAL;
	*rest = e + 5;
	return 0;
}

/* "NAME=NUMBER" right after a marker: the number, whole. */
static int marker_num(const char *p, const char *name, uint64_t *out)
{
	char num[24];
	size_t n = strlen(name);

	if (strncmp(p, name, n) || p[n] != '=')
		return -EINVAL;
	p += n + 1;
	n = strcspn(p, " ");
	if (!n || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, p, n);
	num[n] = '\0';
	return lb_parse_u64(num, 0, UINT32_MAX, out);
}

/* The stamp of one marker, taken once per jump. */
static int stamp(double *slot, double ms, const char *marker, uint64_t k,
		 char *why, size_t whylen)
{
	if (!isnan(*slot)) {
		snprintf(why, whylen, "%s for cycle %llu seen twice", marker,
			 (unsigned long long)k);
		return -EINVAL;
	}
	*slot = ms;
	return 0;
}

int cr_console_line(struct run *r, const char *line, char *why,
		    size_t whylen)
{
	static const char *const markers[] = {
		"LUBENCH-FREEZE ", "LUBENCH-RETRIEVED ", "LUBENCH-REFUSED ",
		"LUBENCH-BOOT ",
	};
	const char *rest, *m = NULL;
	unsigned int i;
	uint64_t k;
	double ms;
	int ret;

	ret = host_stamp(line, &ms, &rest);
	if (ret == -ENOENT)
		return 0;
	if (ret) {
		snprintf(why, whylen, "malformed host stamp");
		return -EINVAL;
	}
	for (i = 0; i < sizeof(markers) / sizeof(markers[0]) && !m; i++)
		m = strstr(rest, markers[i]);
	if (!m)
		return 0;
	i--;
	m += strlen(markers[i]);
	if (marker_num(m, i == 3 ? "stage" : "cycle", &k)) {
		snprintf(why, whylen, "%.*s without a valid %s=", (int)
			 strlen(markers[i]) - 1, markers[i],
			 i == 3 ? "stage" : "cycle");
		return -EINVAL;
	}
	/* Stage S + 1 is the kernel cycle S jumped into; stage 1 is none. */
	if (i == 3 && (k < 1 || k > r->nr + 1)) {
		snprintf(why, whylen, "LUBENCH-BOOT stage=%llu: not a stage of "
			 "the plan (1..%u)", (unsigned long long)k, r->nr + 1);
		return -EINVAL;
	}
	if (i == 3)
		return k == 1 ? 0 : stamp(&r->c[k - 2].host_boot, ms,
					  "LUBENCH-BOOT", k - 1, why, whylen);
	if (k < 1 || k > r->nr) {
		snprintf(why, whylen, "%.*s cycle=%llu: not a jump of the plan",
			 (int)strlen(markers[i]) - 1, markers[i],
			 (unsigned long long)k);
		return -EINVAL;
	}
	if (i == 0)
		return stamp(&r->c[k - 1].host_freeze, ms, "LUBENCH-FREEZE", k,
			     why, whylen);
	return stamp(&r->c[k - 1].host_end, ms, "LUBENCH-RETRIEVED/REFUSED",
		     k, why, whylen);
}

int cr_set_plan(struct run *r, const struct cp_plan *p)
{
	unsigned int i, j;

	r->c = calloc(p->nr, sizeof(*r->c));
	if (!r->c)
		return -ENOMEM;
	r->nr = p->nr;
	for (i = 0; i < p->nr; i++) {
		struct cycle *c = &r->c[i];

		c->k = i + 1;
		c->plan = p->e[i];
		c->host_freeze = c->host_end = c->host_boot = NAN;
		for (j = 0; j < i; j++)
			if (!r->c[j].plan.warmup &&
			    !strcmp(r->c[j].plan.variant, c->plan.variant) &&
			    r->c[j].plan.devices == c->plan.devices &&
			    !strcmp(r->c[j].plan.fault, c->plan.fault))
				c->rep++;
		c->rep++;
	}
	return 0;
}

enum cr_file { CR_RESULTS, CR_CONSOLE, CR_META };

/* Every line of RUN_DIR/@name through its reader; a missing optional file is none. */
static int read_file(struct run *r, const char *name, enum cr_file kind,
		     bool must, char *why, size_t whylen)
{
	char path[PATH_MAX], reason[256];
	struct lb_lines l;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	ret = lb_lines_open(&l, path);
	if (ret == -ENOENT && !must)
		return 0;
	if (ret)
		snprintf(why, whylen, "%s", l.err);
	while (!ret && (ret = lb_lines_next(&l)) > 0) {
		if (kind == CR_RESULTS)
			ret = cr_result_line(r, l.line, l.len, reason,
					     sizeof(reason));
		else if (kind == CR_CONSOLE)
			ret = cr_console_line(r, l.line, reason, sizeof(reason));
		else
			ret = cm_line(&r->meta, l.line, reason, sizeof(reason));
		if (ret == -ENOMEM)
			snprintf(why, whylen, "out of memory");
		else if (ret)
			snprintf(why, whylen, "%s:%u: %s", path, l.lineno,
				 reason);
	}
	if (ret < 0 && ret != -EINVAL && ret != -ENOMEM)
		snprintf(why, whylen, "%s", l.err);
	lb_lines_close(&l);
	return ret;
}

int cr_read_run(struct run *r, char *why, size_t whylen)
{
	char path[PATH_MAX];
	struct cp_plan p;
	int ret;

	snprintf(path, sizeof(path), "%s/cycle.plan", r->dir);
	ret = cp_read(path, &p, why, whylen);
	if (ret)
		return ret;
	ret = cr_set_plan(r, &p);
	cp_free(&p);
	if (ret)
		return ret;
	ret = read_file(r, "cycle.meta", CR_META, false, why, whylen);
	if (!ret)
		ret = read_file(r, "results.txt", CR_RESULTS, true, why, whylen);
	if (!ret)
		ret = read_file(r, "console.log", CR_CONSOLE, false, why, whylen);
	return ret;
}

void cr_free(struct run *r)
{
	cm_free(&r->meta);
	free(r->c);
	r->c = NULL;
	r->nr = 0;
}
