// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the guest report's reading of the guest's output
 * (gr_read_line(), bench/tools/guest_report_read.c), line by line until
 * the first refused line, as lubench-guest-report reads it.  What it
 * takes must be what the report can trust: bounded counts, no more wrong
 * answers than ops, finite times, and statistics that can be computed.
 */
#include <errno.h>
#include <math.h>

#include "guest_report.h"
#include "fuzz.h"

static struct gr_report report;

static void check_name(const char *s, size_t size, const char *what)
{
	FUZZ_CHECK(memchr(s, '\0', size), "%s not terminated", what);
}

static void check_point(const struct gr_point *pt)
{
	struct stats st;
	size_t i;

	check_name(pt->variant, sizeof(pt->variant), "variant");
	check_name(pt->path, sizeof(pt->path), "path");
	check_name(pt->op, sizeof(pt->op), "op");
	FUZZ_CHECK(pt->nr <= pt->alloc && pt->nr_kbatch <= pt->nr,
		   "%zu batches, %zu kernel batches, room for %zu", pt->nr,
		   pt->nr_kbatch, pt->alloc);
	FUZZ_CHECK(pt->unexpected <= pt->ops, "%llu wrong answers in %llu ops",
		   (unsigned long long)pt->unexpected,
		   (unsigned long long)pt->ops);
	FUZZ_CHECK(pt->batch <= pt->ops, "batch %llu, ops %llu",
		   (unsigned long long)pt->batch, (unsigned long long)pt->ops);
	for (i = 0; i < pt->nr; i++)
		FUZZ_CHECK(isfinite(pt->user[i]) && pt->user[i] >= 0 &&
			   isfinite(pt->table[i]) && pt->table[i] >= 0,
			   "batch %zu: time %g / %g", i, pt->user[i],
			   pt->table[i]);
	for (i = 0; i < pt->nr_kbatch; i++)
		FUZZ_CHECK(isfinite(pt->kbatch[i]) && pt->kbatch[i] >= 0,
			   "kernel batch %zu: %g", i, pt->kbatch[i]);
	FUZZ_CHECK(!stats_compute(pt->user, pt->nr, &st), "stats");
	FUZZ_CHECK(!pt->nr || (isfinite(st.median) && isfinite(st.p99) &&
			       isfinite(st.mad)),
		   "statistics of %zu batches not finite", pt->nr);
}

static void check_report(const struct gr_report *r)
{
	unsigned int i;

	FUZZ_CHECK(r->nr <= GR_MAX_POINTS, "%u points", r->nr);
	check_name(r->accel, sizeof(r->accel), "accel");
	check_name(r->kernel, sizeof(r->kernel), "kernel");
	check_name(r->cpu_model, sizeof(r->cpu_model), "cpu_model");
	FUZZ_CHECK(isfinite(r->wall_ms) && r->wall_ms >= 0, "wall_ms %g",
		   r->wall_ms);
	for (i = 0; i < r->nr; i++)
		check_point(&r->pt[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	int ret = 0;

	memset(&report, 0, sizeof(report));
	while (p < end && !ret) {
		const char *nl = memchr(p, '\n', end - p);
		size_t len = (nl ? nl : end) - p;
		char *line = malloc(len ? len : 1), why[256] = "";

		if (!line)
			abort();
		memcpy(line, p, len);
		ret = gr_read_line(&report, line, len, why, sizeof(why));
		FUZZ_CHECK(!ret || ret == -EINVAL || ret == -ENOMEM,
			   "gr_read_line: %d", ret);
		FUZZ_CHECK(ret != -EINVAL || why[0], "refused with no reason");
		free(line);
		p += len + 1;
	}
	check_report(&report);
	gr_free(&report);
	return 0;
}
