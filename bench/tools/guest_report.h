/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lubench-guest-report's reading of the guest's output (the JSON lines of
 * `lubench-dev bench` on ttyS1, results/GUEST-PROTOCOL.md), apart from
 * its main so a fuzzer can drive it one line at a time.
 */
#ifndef LUBENCH_GUEST_REPORT_H
#define LUBENCH_GUEST_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "stats.h"

#define GR_MAX_POINTS	256
/* The guest's lines, and the host's lubench-run line among them. */
#define GR_SCHEMA		"lubench-guest"
#define GR_SCHEMA_VERSION	1

/* One (variant, path, op): its batches as ns per op. */
struct gr_point {
	char variant[32];
	char path[16];
	char op[16];
	uint64_t n;
	uint64_t batch;
	double *user, *table, *kbatch;	/* per-op times of each batch */
	size_t nr, nr_kbatch, alloc;
	uint64_t ops, unexpected;
	struct stats st;
};

struct gr_report {
	struct gr_point pt[GR_MAX_POINTS];
	unsigned int nr;
	char accel[16];
	char kernel[64];
	char cpu_model[128];
	uint64_t functions, vfs, domains, enum_ns;
	double wall_ms;
};

/*
 * Take one line of the guest's output into @r.  0: taken, or not ours
 * (console noise that is no JSON object at all); -EINVAL: a line of ours
 * that is malformed, with the reason in @why; -ENOMEM.
 */
int gr_read_line(struct gr_report *r, const char *line, size_t len,
		 char *why, size_t whylen);
/* The paths lubench-dev bench can take, NULL-terminated. */
extern const char *const gr_paths[];
void gr_free(struct gr_report *r);

#endif /* LUBENCH_GUEST_REPORT_H */
