// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the cycle report's reading of one guest run
 * (bench/lib/cycle_plan.c, bench/tools/cycle_read.c) in the order
 * cr_read_run() reads it, up to the first refused line.  The input is the
 * run's four files, each section ended by a line "--": cycle.plan,
 * cycle.meta, results.txt, console.log.  What is taken must be what the
 * computation may trust: stamps below 2^63, host times finite, names
 * terminated, one record per jump.
 */
#include <errno.h>
#include <math.h>

#include "cycle_report.h"
#include "fuzz_sections.h"

enum section { PLAN, META, RESULTS, CONSOLE, NR_SECTIONS };

static int read_line(void *ctx, unsigned int s, const char *line, size_t len)
{
	struct run *r = ctx;
	char why[256] = "";
	int ret;

	/* lb_lines_next() refuses a NUL byte before any reader sees it. */
	if (memchr(line, '\0', len))
		return -EINVAL;
	if (s == META)
		ret = cm_line(&r->meta, line, why, sizeof(why));
	else if (s == RESULTS)
		ret = cr_result_line(r, line, len, why, sizeof(why));
	else
		ret = cr_console_line(r, line, why, sizeof(why));
	FUZZ_CHECK(!ret || ret == -EINVAL || ret == -ENOMEM,
		   "section %d: %d", s, ret);
	FUZZ_CHECK(ret != -EINVAL || why[0], "section %d: no reason", s);
	return ret;
}

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size);
}

static bool host_time_ok(double ms)
{
	return isnan(ms) || isfinite(ms);
}

static void check_cycle(const struct cycle *c, unsigned int i)
{
	const struct cr_restore *o = &c->restore;

	FUZZ_CHECK(c->k == i + 1 && c->rep >= 1 && c->rep <= c->k,
		   "jump %u: k %u rep %u", i, c->k, c->rep);
	fz_check_entry(&c->plan);
	FUZZ_CHECK(host_time_ok(c->host_freeze) && host_time_ok(c->host_end) &&
		   host_time_ok(c->host_boot), "jump %u: host time", i);
	if (c->has_freeze)
		FUZZ_CHECK(c->freeze.freeze_tsc <= INT64_MAX &&
			   c->freeze.blob_bytes <= INT64_MAX,
			   "jump %u: freeze stamps", i);
	if (!c->has_restore)
		return;
	FUZZ_CHECK(o->tsc_khz <= INT64_MAX && o->old_tsc_khz <= INT64_MAX &&
		   o->init_tsc <= INT64_MAX && o->finish_tsc <= INT64_MAX &&
		   o->init_sched_clock_ns <= INT64_MAX &&
		   o->lookups <= INT64_MAX && o->preserved <= INT64_MAX,
		   "jump %u: restore stamps", i);
	FUZZ_CHECK(terminated(o->reason, sizeof(o->reason)) &&
		   terminated(o->why, sizeof(o->why)) &&
		   terminated(o->mode, sizeof(o->mode)) &&
		   terminated(o->variant, sizeof(o->variant)) &&
		   terminated(o->clocksource, sizeof(o->clocksource)),
		   "jump %u: restore text", i);
}

static void check_run(const struct run *r, unsigned int jumps)
{
	unsigned int i;

	FUZZ_CHECK(r->nr == jumps, "%u jumps of %u planned", r->nr, jumps);
	for (i = 0; i < r->nr; i++)
		check_cycle(&r->c[i], i);
	FUZZ_CHECK(r->meta.nr <= CM_MAX_META, "%u meta entries", r->meta.nr);
	for (i = 0; i < r->meta.nr; i++)
		FUZZ_CHECK(cm_get(&r->meta, r->meta.key[i]) == r->meta.val[i],
			   "meta \"%s\" not found again", r->meta.key[i]);
	FUZZ_CHECK(terminated(r->g.kernel, sizeof(r->g.kernel)) &&
		   terminated(r->g.accel, sizeof(r->g.accel)) &&
		   terminated(r->g.clock, sizeof(r->g.clock)) &&
		   terminated(r->g.cpu, sizeof(r->g.cpu)) &&
		   terminated(r->g.mem, sizeof(r->g.mem)) &&
		   terminated(r->g.reason, sizeof(r->g.reason)),
		   "run text");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_input in = { (const char *)data, (const char *)data + size,
			    PLAN };
	struct run r = { .dir = "fuzz" };
	struct cp_plan p;
	int ret;

	ret = fz_read_plan(&in, &p);
	if (!ret) {
		ret = cr_set_plan(&r, &p);
		FUZZ_CHECK(!ret, "cr_set_plan: %d", ret);
	}
	if (!ret)
		ret = fz_read_sections(&in, NR_SECTIONS, read_line, &r);
	if (!ret)
		check_run(&r, p.nr);
	cp_free(&p);
	cr_free(&r);
	return 0;
}
