// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the soak report's reading of one guest run
 * (bench/tools/soak_read.c) in the order lubench-soak-report reads it,
 * up to the first refused line.  The input is the run's three files,
 * each section ended by a line "--": cycle.plan, cycle.meta,
 * results.txt.  A refused line gives a reason; what is taken is what the
 * report may trust: counts below 2^63, a log check of each kind once per
 * jump, every text field terminated, the clock real or icount, the
 * soak's clock stopped at a jump of the plan or the one after it, and a
 * verdict for every jump.
 */
#include <errno.h>

#include "soak_read.h"
#include "fuzz_sections.h"

enum section { PLAN, META, RESULTS, NR_SECTIONS };

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size);
}

static int read_line(void *ctx, unsigned int sec, const char *line,
		     size_t len)
{
	struct soak *s = ctx;
	char why[256] = "";
	int ret;

	/* lb_lines_next() refuses a NUL byte before any reader sees it. */
	if (memchr(line, '\0', len))
		return -EINVAL;
	if (sec == META) {
		ret = cm_line(&s->meta, line, why, sizeof(why));
		FUZZ_CHECK(!ret || ret == -EINVAL || ret == -ENOMEM,
			   "meta: %d", ret);
		FUZZ_CHECK(ret != -EINVAL || why[0], "meta: no reason");
		return ret;
	}
	ret = soak_result_line(s, line, len, why, sizeof(why));
	FUZZ_CHECK(!ret || ret == -EINVAL || ret == -ENOMEM, "results: %d",
		   ret);
	FUZZ_CHECK(ret != -EINVAL || why[0], "results: no reason");
	FUZZ_CHECK(terminated(why, sizeof(why)), "results: reason");
	return ret;
}

static bool count_ok(uint64_t v)
{
	return v <= INT64_MAX;
}

static void check_jump(const struct soak_jump *j, unsigned int i)
{
	const char *fail;
	char buf[200];

	fz_check_entry(&j->plan);
	FUZZ_CHECK(count_ok(j->ops) && count_ok(j->refused) &&
		   count_ok(j->preserved) && count_ok(j->entries) &&
		   count_ok(j->bridges) && count_ok(j->threads) &&
		   count_ok(j->hp_events) && count_ok(j->hp_unplug_preserved) &&
		   count_ok(j->sriov) && count_ok(j->handed),
		   "jump %u: counts", i);
	FUZZ_CHECK(j->dmesg_freeze >= -1 && j->dmesg_freeze <= 1 &&
		   j->dmesg_restore >= -1 && j->dmesg_restore <= 1,
		   "jump %u: log checks %d %d", i, j->dmesg_freeze,
		   j->dmesg_restore);
	FUZZ_CHECK(terminated(j->why, sizeof(j->why)) &&
		   terminated(j->reason, sizeof(j->reason)) &&
		   terminated(j->dmesg_first, sizeof(j->dmesg_first)),
		   "jump %u: text", i);
	FUZZ_CHECK(!j->restore_pass || j->has_restore, "jump %u: a pass with "
		   "no restore", i);
	fail = soak_jump_fail(j, buf, sizeof(buf));
	FUZZ_CHECK(!fail || (fail[0] && strlen(fail) < sizeof(buf)),
		   "jump %u: its verdict", i);
	/* A jump passes only when every step was seen and clean. */
	if (!fail)
		FUZZ_CHECK(j->has_stress && !j->stress_lost && j->has_freeze &&
			   j->has_restore && j->restore_pass &&
			   j->dmesg_freeze == 1 && j->dmesg_restore == 1,
			   "jump %u: passed without every step", i);
}

static void check_soak(const struct soak *s, unsigned int jumps)
{
	unsigned int i;

	FUZZ_CHECK(s->nr == jumps, "%u jumps of %u planned", s->nr, jumps);
	for (i = 0; i < s->nr; i++)
		check_jump(&s->j[i], i);
	FUZZ_CHECK(s->meta.nr <= CM_MAX_META, "%u meta entries", s->meta.nr);
	for (i = 0; i < s->meta.nr; i++)
		FUZZ_CHECK(s->meta.key[i][0] &&
			   !strchr(s->meta.key[i], '=') &&
			   soak_meta(s, s->meta.key[i]) == s->meta.val[i],
			   "meta \"%s\"", s->meta.key[i]);
	FUZZ_CHECK(!s->stopped_by_clock ||
		   (s->stop_stage >= 1 && s->stop_stage <= (uint64_t)s->nr + 1),
		   "the clock stopped at stage %llu of %u",
		   (unsigned long long)s->stop_stage, s->nr);
	FUZZ_CHECK(count_ok(s->elapsed_ms) && count_ok(s->limit_ms) &&
		   count_ok(s->wall_ms), "clock counts");
	FUZZ_CHECK(terminated(s->clock, sizeof(s->clock)) &&
		   terminated(s->run_reason, sizeof(s->run_reason)),
		   "run text");
	if (s->has_run)
		FUZZ_CHECK((!strcmp(s->clock, "real") ||
			    !strcmp(s->clock, "icount")) && s->exit_rc <= 255,
			   "run: clock \"%s\", exit %llu", s->clock,
			   (unsigned long long)s->exit_rc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_input in = { (const char *)data, (const char *)data + size,
			       PLAN };
	struct soak s = { 0 };
	struct cp_plan p;
	int ret;

	ret = fz_read_plan(&in, &p);
	if (!ret) {
		ret = soak_set_plan(&s, &p);
		FUZZ_CHECK(!ret, "soak_set_plan: %d", ret);
	}
	if (!ret)
		ret = fz_read_sections(&in, NR_SECTIONS, read_line, &s);
	if (!ret)
		check_soak(&s, p.nr);
	cp_free(&p);
	soak_free(&s);
	return 0;
}
