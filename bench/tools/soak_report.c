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
#include "soak_read.h"

#define SOAK_SCHEMA		"lubench-soak"
#define SOAK_SCHEMA_VERSION	1

/* The lines of @name in @dir, each to the soak's reader (results.txt, or cycle.meta). */
static int read_lines(struct soak *s, const char *dir, const char *name,
		      bool results, char *err, size_t len)
{
	char path[PATH_MAX], why[256];
	struct lb_lines l;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ret = lb_lines_open(&l, path);
	if (ret) {
		snprintf(err, len, "%.400s", l.err);
		return ret;
	}
	why[0] = 0;
	while ((ret = lb_lines_next(&l)) > 0) {
		ret = results ? soak_result_line(s, l.line, l.len, why,
						 sizeof(why))
			      : cm_line(&s->meta, l.line, why, sizeof(why));
		if (ret) {
			if (ret == -ENOMEM)
				snprintf(why, sizeof(why), "out of memory");
			snprintf(err, len, "%.300s:%u: %s", path, l.lineno, why);
			break;
		}
	}
	if (ret < 0 && !err[0])
		snprintf(err, len, "%.400s", l.err);
	lb_lines_close(&l);
	return ret;
}

static const char *const columns[] = {
	"schema", "schema_version", "run_id", "row", "jump", "variant", "fault",
	"threads", "ops", "refused", "preserved", "bridges", "entries",
	"handover", "dmesg_clean", "verdict", "why", "jumps", "planned",
	"stopped", "faults_injected", "handovers_refused", "lost",
	"hotplug_events", "hotplug_unplug_preserved", "sriov_switches",
	"dmesg_dirty", "clock", "guest_ms", "wall_ms", "alloc_faults",
	"refused_enomem", "kept_plugged", "missing", NULL,
};

int main(int argc, char **argv)
{
	struct soak s = { 0 };
	struct res_writer w;
	struct res_row r;
	struct cp_plan p;
	char err[512] = "", buf[200];
	uint64_t ops = 0, refused = 0, faults = 0, refusals = 0, lost = 0,
		 dirty = 0, hp = 0, hp_unpres = 0, sriov = 0, afaults = 0,
		 nomem = 0, kept = 0, missing = 0, expect;
	unsigned int i, done = 0, failed = 0;
	const char *run_id, *stopped, *fa;
	FILE *txt, *mf;

	if (argc != 3) {
		fprintf(stderr, "usage: lubench-soak-report RUN_DIR OUT_DIR\n");
		return 2;
	}
	snprintf(buf, sizeof(buf), "%s/cycle.plan", argv[1]);
	if (cp_read(buf, &p, err, sizeof(err))) {
		fprintf(stderr, "lubench-soak-report: %s\n", err);
		return 2;
	}
	if (soak_set_plan(&s, &p)) {
		fprintf(stderr, "lubench-soak-report: out of memory\n");
		cp_free(&p);
		return 2;
	}
	cp_free(&p);
	if (read_lines(&s, argv[1], "cycle.meta", false, err, sizeof(err)) ||
	    read_lines(&s, argv[1], "results.txt", true, err, sizeof(err))) {
		fprintf(stderr, "lubench-soak-report: %s\n", err);
		soak_free(&s);
		return 2;
	}
	run_id = soak_meta(&s, "run_id");
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
		struct soak_jump *j = &s.j[i];
		const char *why;
		bool clean;

		if (i >= expect && !j->has_stress && !j->has_freeze)
			break;
		why = soak_jump_fail(j, buf, sizeof(buf));
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
		afaults += j->alloc_faults;
		nomem += j->refused_nomem;
		kept += j->kept_plugged;
		missing += j->missing;
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
		res_add_u64(&r, "alloc_faults", j->alloc_faults);
		res_add_u64(&r, "refused_enomem", j->refused_nomem);
		res_add_u64(&r, "kept_plugged", j->kept_plugged);
		res_add_u64(&r, "missing", j->missing);
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
	res_add_u64(&r, "alloc_faults", afaults);
	res_add_u64(&r, "refused_enomem", nomem);
	res_add_u64(&r, "kept_plugged", kept);
	res_add_u64(&r, "missing", missing);
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
	if (kept) {
		fprintf(txt, "devices hot-plugged and kept preserved across "
			"a jump: %" PRIu64 "; found missing in the next kernel "
			"(never marked, counted by finish): %" PRIu64, kept,
			missing);
		if (missing < kept)
			fprintf(txt, "; the other %" PRIu64 " went with refused "
				"handovers", kept - missing);
		fputc('\n', txt);
	}
	fa = soak_meta(&s, "fail_alloc");
	if (afaults || (fa[0] && strcmp(fa, "0")))
		fprintf(txt, "allocation faults beside the stress (fail-alloc "
			"%s): %" PRIu64 " allocations of the module's table code "
			"failed, %" PRIu64 " ops -ENOMEM with nothing changed\n",
			fa[0] ? fa : "?", afaults, nomem);
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
		for (i = 0; i < s.meta.nr; i++)
			json_str(&j, s.meta.key[i], s.meta.val[i]);
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
