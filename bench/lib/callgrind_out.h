/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading one callgrind output file (one dump of `lubench count`'s
 * worker): the tool version, the cache geometry, what triggered the dump,
 * the event names and their totals, and which glibc string functions ran.
 */
#ifndef LUBENCH_CALLGRIND_OUT_H
#define LUBENCH_CALLGRIND_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CG_MAX_EVENTS	16
#define CG_MAX_FNS	16

struct cg_dump {
	char creator[64];	/* "callgrind-3.19.0" */
	unsigned int part;	/* dump number, from 1 */
	char trigger[128];	/* the client request's name, "" for others */
	char i1[64], d1[64], ll[64];	/* "32768 B, 64 B, 8-way associative" */
	unsigned int nr_events;
	char event[CG_MAX_EVENTS][16];
	uint64_t total[CG_MAX_EVENTS];	/* the "totals:" line */
	/* Names of the glibc mem* variants that ran (ifunc choices). */
	unsigned int nr_fns;
	char fn[CG_MAX_FNS][64];
};

/*
 * Read @path into @d.  0, or -1 with the reason in @err (the file, the
 * line and what is wrong): no callgrind header, no events or totals
 * line, a total that is not a number, more totals than events.
 */
int cg_read(const char *path, struct cg_dump *d, char *err, size_t errlen);

/* The total of event @name (e.g. "Ir"); false if the dump has no such event. */
bool cg_total(const struct cg_dump *d, const char *name, uint64_t *v);

#endif /* LUBENCH_CALLGRIND_OUT_H */
