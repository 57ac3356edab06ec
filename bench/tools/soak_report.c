// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-soak-report RUN_DIR OUT_DIR: the verdict of a soak
 * (scripts/host/soak.sh) from its guest run: the plan (cycle.plan), the
 * guest's JSON lines (results.txt: the stress before every freeze, the
 * freeze, the restore after every jump, the kernel log checks, the
 * soak's clock) and cycle.meta.  Writes OUT_DIR/results.jsonl and
 * results.csv (schema lubench-soak, results/SCHEMA.md), meta.json and
 * soak.txt (printed too).  Exit 0 every jump passed, 1 one did not (or
 * the chain stopped short), 2 bad input.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cycle_plan.h"
#include "input.h"
#include "jsonl.h"
#include "results.h"

#define GUEST_SCHEMA		"lubench-guest"
#define GUEST_SCHEMA_VERSION	1
#define SOAK_SCHEMA		"lubench-soak"
#define SOAK_SCHEMA_VERSION	1
#define MAX_META		32

struct jump {
	struct cp_entry plan;
	bool has_stress, has_freeze, has_restore;
	bool stress_lost;
	uint64_t ops, refused, preserved, entries, bridges, threads;
	/* The hot-plug thread's (0 in rows written before it existed). */
	uint64_t hp_events, hp_unplug_preserved, sriov;
	char why[160];			/* the stress's, or the restore's */
	uint64_t handed;		/* entries the freeze handed over */
	bool restore_pass, refused_handover;
	char reason[64];
	int dmesg_freeze, dmesg_restore;	/* -1 not checked, 0 dirty, 1 clean */
	char dmesg_first[160];
};

struct soak {
	const char *dir;
	struct jump *j;
	unsigned int nr;
	bool has_run, stopped_by_clock;
	uint64_t stop_stage, elapsed_ms, limit_ms, wall_ms, exit_rc;
	char run_reason[128], clock[16];
	char *meta_key[MAX_META], *meta_val[MAX_META];
	unsigned int nr_meta;
};

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

static struct jump *jump_of(struct soak *s, const struct jl_obj *o, char *why,
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
	struct jump *j = jump_of(s, o, why, len);
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
	struct jump *j = jump_of(s, o, why, len);

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
	struct jump *j = jump_of(s, o, why, len);
	char verdict[8], w[160];

	if (!j)
		return -EINVAL;
	if (j->has_restore) {
		snprintf(why, len, "a second lubench-cycle-restore line");
		return -EINVAL;
	}
	if (jl_need_text(o, "verdict", verdict, sizeof(verdict), why, len) ||
	    jl_need_bool(o, "refused", &j->refused_handover, why, len) ||
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
	struct jump *j = jump_of(s, o, why, len);
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
	if (!due) {
		s->stopped_by_clock = true;
		s->stop_stage = stage;
	}
	return 0;
}

static int read_run(struct soak *s, const struct jl_obj *o, char *why,
		    size_t len)
{
	strcpy(s->clock, "real");
	if ((jl_has(o, "clock") &&
	     jl_need_text(o, "clock", s->clock, sizeof(s->clock), why, len)) ||
	    jl_need_text(o, "reason", s->run_reason, sizeof(s->run_reason), why,
			 len) ||
	    need(o, "wall_ms", &s->wall_ms, why, len) ||
	    jl_need_u64(o, "exit", 255, &s->exit_rc, why, len))
		return -EINVAL;
	s->has_run = true;
	return 0;
}

static int result_line(struct soak *s, const char *line, size_t n, char *why,
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

static int meta_line(struct soak *s, const char *line)
{
	const char *eq = strchr(line, '=');

	if (!*line)
		return 0;
	if (!eq || eq == line || s->nr_meta == MAX_META)
		return -EINVAL;
	s->meta_key[s->nr_meta] = strndup(line, eq - line);
	s->meta_val[s->nr_meta++] = strdup(eq + 1);
	return 0;
}

static const char *meta(const struct soak *s, const char *key)
{
	unsigned int i;

	for (i = 0; i < s->nr_meta; i++)
		if (s->meta_key[i] && !strcmp(s->meta_key[i], key))
			return s->meta_val[i];
	return "";
}

static int read_lines(struct soak *s, const char *name, bool results,
		      char *err, size_t len)
{
	char path[PATH_MAX], why[256];
	struct lb_lines l;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	ret = lb_lines_open(&l, path);
	if (ret) {
		snprintf(err, len, "%.400s", l.err);
		return ret;
	}
	why[0] = 0;
	while ((ret = lb_lines_next(&l)) > 0) {
		ret = results ? result_line(s, l.line, l.len, why, sizeof(why))
			      : meta_line(s, l.line);
		if (ret) {
			if (!results)
				snprintf(why, sizeof(why), "want KEY=VALUE");
			snprintf(err, len, "%.300s:%u: %s", path, l.lineno, why);
			break;
		}
	}
	if (ret < 0 && !err[0])
		snprintf(err, len, "%.400s", l.err);
	lb_lines_close(&l);
	return ret;
}

/* Why jump @j did not pass; NULL when it did. */
static const char *jump_fail(const struct jump *j, char *buf, size_t len)
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
	if (j->dmesg_restore != 1) {
		snprintf(buf, len, "the new kernel's log: %s",
			 j->dmesg_restore < 0 ? "not checked" : j->dmesg_first);
		return buf;
	}
	return NULL;
}

static void soak_free(struct soak *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_meta; i++) {
		free(s->meta_key[i]);
		free(s->meta_val[i]);
	}
	free(s->j);
}

static const char *const columns[] = {
	"schema", "schema_version", "run_id", "row", "jump", "variant", "fault",
	"threads", "ops", "refused", "preserved", "bridges", "entries",
	"handover", "dmesg_clean", "verdict", "why", "jumps", "planned",
	"stopped", "faults_injected", "handovers_refused", "lost",
	"hotplug_events", "hotplug_unplug_preserved", "sriov_switches",
	"dmesg_dirty", "clock", "guest_ms", "wall_ms", NULL,
};

int main(int argc, char **argv)
{
	struct soak s = { 0 };
	struct res_writer w;
	struct res_row r;
	struct cp_plan p;
	char err[512] = "", buf[200];
	uint64_t ops = 0, refused = 0, faults = 0, refusals = 0, lost = 0,
		 dirty = 0, hp = 0, hp_unpres = 0, sriov = 0, expect;
	unsigned int i, done = 0, failed = 0;
	const char *run_id, *stopped;
	FILE *txt, *mf;

	if (argc != 3) {
		fprintf(stderr, "usage: lubench-soak-report RUN_DIR OUT_DIR\n");
		return 2;
	}
	s.dir = argv[1];
	snprintf(buf, sizeof(buf), "%s/cycle.plan", s.dir);
	if (cp_read(buf, &p, err, sizeof(err))) {
		fprintf(stderr, "lubench-soak-report: %s\n", err);
		return 2;
	}
	s.nr = p.nr;
	s.j = calloc(p.nr, sizeof(*s.j));
	if (!s.j)
		return 2;
	for (i = 0; i < p.nr; i++) {
		s.j[i].plan = p.e[i];
		s.j[i].dmesg_freeze = s.j[i].dmesg_restore = -1;
	}
	cp_free(&p);
	if (read_lines(&s, "cycle.meta", false, err, sizeof(err)) ||
	    read_lines(&s, "results.txt", true, err, sizeof(err))) {
		fprintf(stderr, "lubench-soak-report: %s\n", err);
		soak_free(&s);
		return 2;
	}
	run_id = meta(&s, "run_id");
	/* What should have run: the plan, or up to the stage that saw the time up. */
	expect = s.stopped_by_clock && s.stop_stage <= s.nr ? s.stop_stage - 1
							  : s.nr;
	stopped = s.stopped_by_clock && expect < s.nr ? "duration" : "jumps";
	if (res_open(&w, argv[2], SOAK_SCHEMA, SOAK_SCHEMA_VERSION, columns)) {
		fprintf(stderr, "lubench-soak-report: cannot write %s\n", argv[2]);
		return 2;
	}
	txt = res_create(argv[2], "soak.txt");
	if (!txt) {
		fprintf(stderr, "lubench-soak-report: cannot write soak.txt\n");
		return 2;
	}
	fprintf(txt, "%-5s %-10s %-9s %8s %8s %6s %7s  %-9s %-5s %s\n", "jump",
		"layout", "fault", "ops", "refused", "endpt", "entries",
		"handover", "dmesg", "verdict");
	for (i = 0; i < s.nr; i++) {
		struct jump *j = &s.j[i];
		const char *why;
		bool clean;

		if (i >= expect && !j->has_stress && !j->has_freeze)
			break;
		why = jump_fail(j, buf, sizeof(buf));
		clean = j->dmesg_freeze == 1 && j->dmesg_restore == 1;
		done += j->has_freeze;
		failed += why != NULL;
		ops += j->ops;
		refused += j->refused;
		faults += j->has_freeze && strcmp(j->plan.fault, "none");
		refusals += j->refused_handover;
		hp += j->hp_events;
		hp_unpres += j->hp_unplug_preserved;
		sriov += j->sriov;
		lost += (j->stress_lost || (j->has_restore && !j->restore_pass));
		dirty += j->dmesg_freeze == 0 || j->dmesg_restore == 0;
		res_row_reset(&r);
		res_add_str(&r, "run_id", run_id);
		res_add_str(&r, "row", "jump");
		res_add_u64(&r, "jump", i + 1);
		res_add_str(&r, "variant", j->plan.variant);
		res_add_str(&r, "fault", j->plan.fault);
		res_add_u64(&r, "threads", j->threads);
		res_add_u64(&r, "ops", j->ops);
		res_add_u64(&r, "refused", j->refused);
		res_add_u64(&r, "preserved", j->preserved);
		res_add_u64(&r, "bridges", j->bridges);
		res_add_u64(&r, "entries", j->entries);
		res_add_u64(&r, "hotplug_events", j->hp_events);
		res_add_u64(&r, "hotplug_unplug_preserved",
			    j->hp_unplug_preserved);
		res_add_u64(&r, "sriov_switches", j->sriov);
		res_add_str(&r, "handover", !j->has_restore ? "none" :
			    j->refused_handover ? "refused" : "restored");
		res_add_bool(&r, "dmesg_clean", clean);
		res_add_str(&r, "verdict", why ? "fail" : "pass");
		res_add_str(&r, "why", why ? why : "");
		res_add_str(&r, "clock", s.clock);
		res_write(&w, &r);
		fprintf(txt, "%-5u %-10s %-9s %8" PRIu64 " %8" PRIu64 " %6"
			PRIu64 " %7" PRIu64 "  %-9s %-5s %s%s%s\n", i + 1,
			j->plan.variant, j->plan.fault, j->ops, j->refused,
			j->preserved, j->entries, !j->has_restore ? "-" :
			j->refused_handover ? "refused" : "restored",
			clean ? "clean" : "DIRTY", why ? "FAIL: " : "pass",
			why ? why : "", "");
	}
	if (done < expect) {
		failed++;
		stopped = "failure";
	}
	res_row_reset(&r);
	res_add_str(&r, "run_id", run_id);
	res_add_str(&r, "row", "total");
	res_add_u64(&r, "jumps", done);
	res_add_u64(&r, "planned", s.nr);
	res_add_str(&r, "stopped", stopped);
	res_add_u64(&r, "ops", ops);
	res_add_u64(&r, "refused", refused);
	res_add_u64(&r, "faults_injected", faults);
	res_add_u64(&r, "handovers_refused", refusals);
	res_add_u64(&r, "lost", lost);
	res_add_u64(&r, "hotplug_events", hp);
	res_add_u64(&r, "hotplug_unplug_preserved", hp_unpres);
	res_add_u64(&r, "sriov_switches", sriov);
	res_add_u64(&r, "dmesg_dirty", dirty);
	res_add_str(&r, "verdict", failed ? "fail" : "pass");
	res_add_str(&r, "clock", s.clock);
	res_add_u64(&r, "guest_ms", s.elapsed_ms);
	res_add_u64(&r, "wall_ms", s.wall_ms);
	res_write(&w, &r);
	fprintf(txt, "soak: %u jumps of %u planned (stopped: %s), %" PRIu64
		" ops, %" PRIu64 " refused as the model said, %" PRIu64
		" faults injected, %" PRIu64 " handovers refused, lost %" PRIu64
		", dmesg %s\n", done, s.nr, stopped, ops, refused, faults,
		refusals, lost, dirty ? "DIRTY" : "clean");
	if (hp || sriov)
		fprintf(txt, "hot-plug beside the stress: %" PRIu64 " events "
			"(%" PRIu64 " preserved devices unplugged, unpreserved "
			"as they went), SR-IOV off and on %" PRIu64 " times\n",
			hp, hp_unpres, sriov);
	fprintf(txt, "clock: %s; guest TSC since the first stress %" PRIu64
		" ms%s, host wall %" PRIu64 " ms\n", s.clock, s.elapsed_ms,
		!strcmp(s.clock, "icount") ? " (icount virtual time)" : "",
		s.wall_ms);
	if (s.has_run && s.exit_rc)
		fprintf(txt, "guest run: exit %" PRIu64 ": %s\n", s.exit_rc,
			s.run_reason);
	fprintf(txt, "verdict: %s\n", failed ? "FAIL" : "pass");
	fclose(txt);
	mf = res_create(argv[2], "meta.json");
	if (mf) {
		struct json j;

		json_init(&j, mf, true);
		json_obj_begin(&j, NULL);
		json_str(&j, "schema", "lubench-soak-meta");
		json_u64(&j, "schema_version", SOAK_SCHEMA_VERSION);
		for (i = 0; i < s.nr_meta; i++)
			json_str(&j, s.meta_key[i], s.meta_val[i]);
		json_obj_end(&j);
		fputc('\n', mf);
		fclose(mf);
	}
	if (res_close(&w)) {
		fprintf(stderr, "lubench-soak-report: writing %s failed\n",
			argv[2]);
		return 2;
	}
	snprintf(buf, sizeof(buf), "%s/soak.txt", argv[2]);
	txt = fopen(buf, "r");
	if (txt) {
		int c;

		while ((c = fgetc(txt)) != EOF)
			putchar(c);
		fclose(txt);
	}
	soak_free(&s);
	return failed || (s.has_run && s.exit_rc) ? 1 : 0;
}
