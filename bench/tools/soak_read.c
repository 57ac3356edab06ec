// SPDX-License-Identifier: GPL-2.0
/*
 * The reading of a soak's guest run (soak_read.h): every field a line
 * gives is checked where it is read, so the report and the fuzz target
 * get only what the computation may trust.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "soak_read.h"

#define GUEST_SCHEMA		"lubench-guest"
#define GUEST_SCHEMA_VERSION	1

static int need(const struct jl_obj *o, const char *k, uint64_t *v, char *why,
		size_t len)
{
	return jl_need_u64(o, k, INT64_MAX, v, why, len);
}

/* @k when the row has it (rows older than it do not), else 0. */
static int maybe(const struct jl_obj *o, const char *k, uint64_t *v,
		 char *why, size_t len)
{
	*v = 0;
	return jl_has(o, k) ? need(o, k, v, why, len) : 0;
}

static struct soak_jump *jump_of(struct soak *s, const struct jl_obj *o, char *why,
			    size_t len)
{
	uint64_t k;

	if (jl_need_u64(o, "cycle", UINT32_MAX, &k, why, len))
		return NULL;
	if (k < 1 || k > s->nr) {
		snprintf(why, len, "\"cycle\": %" PRIu64 " is not a jump of "
			 "the plan (1..%u)", k, s->nr);
		return NULL;
	}
	return &s->j[k - 1];
}

static int read_stress(struct soak *s, const struct jl_obj *o, char *why,
		       size_t len)
{
	struct soak_jump *j = jump_of(s, o, why, len);
	uint64_t lost;

	if (!j)
		return -EINVAL;
	if (j->has_stress) {
		snprintf(why, len, "a second lubench-soak-stress line for "
			 "cycle %u", (unsigned int)(j - s->j) + 1);
		return -EINVAL;
	}
	if (need(o, "ops", &j->ops, why, len) ||
	    need(o, "refused", &j->refused, why, len) ||
	    need(o, "preserved", &j->preserved, why, len) ||
	    need(o, "entries", &j->entries, why, len) ||
	    need(o, "bridges", &j->bridges, why, len) ||
	    need(o, "threads", &j->threads, why, len) ||
	    maybe(o, "hotplug_events", &j->hp_events, why, len) ||
	    maybe(o, "hotplug_unplug_preserved", &j->hp_unplug_preserved,
		  why, len) ||
	    maybe(o, "sriov_switches", &j->sriov, why, len) ||
	    maybe(o, "alloc_faults", &j->alloc_faults, why, len) ||
	    maybe(o, "refused_enomem", &j->refused_nomem, why, len) ||
	    maybe(o, "kept_plugged", &j->kept_plugged, why, len) ||
	    jl_need_u64(o, "lost", 1, &lost, why, len) ||
	    jl_need_text(o, "why", j->why, sizeof(j->why), why, len))
		return -EINVAL;
	j->stress_lost = lost;
	j->has_stress = true;
	return 0;
}

static int read_freeze(struct soak *s, const struct jl_obj *o, char *why,
		       size_t len)
{
	struct soak_jump *j = jump_of(s, o, why, len);

	if (!j)
		return -EINVAL;
	if (j->has_freeze) {
		snprintf(why, len, "a second lubench-cycle-freeze line");
		return -EINVAL;
	}
	if (need(o, "preserved", &j->handed, why, len))
		return -EINVAL;
	j->has_freeze = true;
	return 0;
}

static int read_restore(struct soak *s, const struct jl_obj *o, char *why,
			size_t len)
{
	struct soak_jump *j = jump_of(s, o, why, len);
	char verdict[8], w[160];

	if (!j)
		return -EINVAL;
	if (j->has_restore) {
		snprintf(why, len, "a second lubench-cycle-restore line");
		return -EINVAL;
	}
	if (jl_need_text(o, "verdict", verdict, sizeof(verdict), why, len) ||
	    jl_need_bool(o, "refused", &j->refused_handover, why, len) ||
	    maybe(o, "missing", &j->missing, why, len) ||
	    jl_need_text(o, "reason", j->reason, sizeof(j->reason), why, len) ||
	    jl_need_text(o, "why", w, sizeof(w), why, len))
		return -EINVAL;
	if (strcmp(verdict, "pass") && strcmp(verdict, "fail")) {
		snprintf(why, len, "\"verdict\": \"%s\" is not pass or fail",
			 verdict);
		return -EINVAL;
	}
	j->restore_pass = !strcmp(verdict, "pass");
	if (!j->restore_pass && !j->why[0])
		snprintf(j->why, sizeof(j->why), "%s", w);
	j->has_restore = true;
	return 0;
}

static int read_dmesg(struct soak *s, const struct jl_obj *o, char *why,
		      size_t len)
{
	struct soak_jump *j = jump_of(s, o, why, len);
	char where[24], first[160];
	bool clean;
	int *slot;

	if (!j)
		return -EINVAL;
	if (jl_need_text(o, "where", where, sizeof(where), why, len) ||
	    jl_need_bool(o, "clean", &clean, why, len) ||
	    jl_need_text(o, "first", first, sizeof(first), why, len))
		return -EINVAL;
	if (!strcmp(where, "after-freeze")) {
		slot = &j->dmesg_freeze;
	} else if (!strcmp(where, "after-restore")) {
		slot = &j->dmesg_restore;
	} else {
		snprintf(why, len, "\"where\": \"%s\" is not after-freeze or "
			 "after-restore", where);
		return -EINVAL;
	}
	if (*slot >= 0) {
		snprintf(why, len, "a second %s log check", where);
		return -EINVAL;
	}
	*slot = clean;
	if (!clean && !j->dmesg_first[0])
		snprintf(j->dmesg_first, sizeof(j->dmesg_first), "%s", first);
	return 0;
}

static int read_clock(struct soak *s, const struct jl_obj *o, char *why,
		      size_t len)
{
	uint64_t stage;
	bool due;

	if (need(o, "stage", &stage, why, len) ||
	    need(o, "elapsed_ms", &s->elapsed_ms, why, len) ||
	    need(o, "limit_ms", &s->limit_ms, why, len) ||
	    jl_need_bool(o, "due", &due, why, len))
		return -EINVAL;
	if (s->stopped_by_clock) {
		snprintf(why, len, "the soak's clock ran after its time was up");
		return -EINVAL;
	}
	/* The jump about to run: one of the plan, or the one after it. */
	if (stage < 1 || stage > (uint64_t)s->nr + 1) {
		snprintf(why, len, "\"stage\": %" PRIu64 " is not a jump of "
			 "the plan or the one after it (1..%u)", stage,
			 s->nr + 1);
		return -EINVAL;
	}
	if (!due) {
		s->stopped_by_clock = true;
		s->stop_stage = stage;
	}
	return 0;
}

static int read_run(struct soak *s, const struct jl_obj *o, char *why,
		    size_t len)
{
	if (s->has_run) {
		snprintf(why, len, "a second lubench-run line");
		return -EINVAL;
	}
	strcpy(s->clock, "real");
	if ((jl_has(o, "clock") &&
	     jl_need_text(o, "clock", s->clock, sizeof(s->clock), why, len)) ||
	    jl_need_text(o, "reason", s->run_reason, sizeof(s->run_reason), why,
			 len) ||
	    need(o, "wall_ms", &s->wall_ms, why, len) ||
	    jl_need_u64(o, "exit", 255, &s->exit_rc, why, len))
		return -EINVAL;
	if (strcmp(s->clock, "real") && strcmp(s->clock, "icount")) {
		snprintf(why, len, "\"clock\": \"%s\" is not real or icount",
			 s->clock);
		return -EINVAL;
	}
	s->has_run = true;
	return 0;
}


int soak_set_plan(struct soak *s, const struct cp_plan *p)
{
	unsigned int i;

	s->j = calloc(p->nr ? p->nr : 1, sizeof(*s->j));
	if (!s->j)
		return -ENOMEM;
	s->nr = p->nr;
	for (i = 0; i < p->nr; i++) {
		s->j[i].plan = p->e[i];
		s->j[i].dmesg_freeze = s->j[i].dmesg_restore = -1;
	}
	return 0;
}

int soak_result_line(struct soak *s, const char *line, size_t n, char *why,
		     size_t len)
{
	struct jl_obj o;
	int ret;

	ret = jl_read_ours(line, n, GUEST_SCHEMA, GUEST_SCHEMA_VERSION, &o, why,
			   len);
	if (ret <= 0)
		return ret;
	ret = 0;
	if (jl_is(&o, "lubench-soak-stress"))
		ret = read_stress(s, &o, why, len);
	else if (jl_is(&o, "lubench-cycle-freeze"))
		ret = read_freeze(s, &o, why, len);
	else if (jl_is(&o, "lubench-cycle-restore"))
		ret = read_restore(s, &o, why, len);
	else if (jl_is(&o, "lubench-dmesg"))
		ret = read_dmesg(s, &o, why, len);
	else if (jl_is(&o, "lubench-soak-clock"))
		ret = read_clock(s, &o, why, len);
	else if (jl_is(&o, "lubench-run"))
		ret = read_run(s, &o, why, len);
	jl_free(&o);
	return ret;
}

const char *soak_meta(const struct soak *s, const char *key)
{
	const char *v = cm_get(&s->meta, key);

	return v ? v : "";
}

/* Why jump @j did not pass; NULL when it did. */
const char *soak_jump_fail(const struct soak_jump *j, char *buf, size_t len)
{
	bool faulted = strcmp(j->plan.fault, "none");

	if (!j->has_stress)
		return "no stress before the freeze";
	if (j->stress_lost) {
		snprintf(buf, len, "the stress lost: %s", j->why);
		return buf;
	}
	if (!j->has_freeze)
		return "not frozen";
	if (j->dmesg_freeze != 1) {
		snprintf(buf, len, "the old kernel's log: %s",
			 j->dmesg_freeze < 0 ? "not checked" : j->dmesg_first);
		return buf;
	}
	if (!j->has_restore)
		return "not restored";
	if (!j->restore_pass) {
		snprintf(buf, len, "the restore failed: %s", j->why);
		return buf;
	}
	if (j->refused_handover != faulted)
		return faulted ? "a faulted handover was accepted"
			       : "a good handover was refused";
	if (!faulted && j->missing != j->kept_plugged) {
		snprintf(buf, len, "%" PRIu64 " hot-plugged devices kept "
			 "across the jump, %" PRIu64 " missing in the next "
			 "kernel", j->kept_plugged, j->missing);
		return buf;
	}
	if (j->dmesg_restore != 1) {
		snprintf(buf, len, "the new kernel's log: %s",
			 j->dmesg_restore < 0 ? "not checked" : j->dmesg_first);
		return buf;
	}
	return NULL;
}

void soak_free(struct soak *s)
{
	cm_free(&s->meta);
	free(s->j);
	s->j = NULL;
	s->nr = 0;
}
