/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two small files of a guest run the host scripts act on, written
 * and read here so that they never parse them: RUN_DIR/status
 * (results/GUEST-PROTOCOL.md) and the KTAP a guest test job prints.
 */
#ifndef LUBENCH_GUEST_STATUS_H
#define LUBENCH_GUEST_STATUS_H

#include <stddef.h>
#include <stdint.h>

/* The keys of the status file, in the order they are written. */
enum guest_status_key {
	GS_RC, GS_ACCEL, GS_CLOCK, GS_CPU, GS_WALL_MS, GS_BOOTS, GS_REASON,
	GS_NR_KEYS
};

/* One value per key, text as written (no newline, no control character). */
struct guest_status {
	char val[GS_NR_KEYS][640];
};

/* The key's index, or -1 for a name the file does not have. */
int guest_status_key(const char *name);
/* "rc, accel, ..., reason": the keys, for messages. */
const char *guest_status_keys(void);

/* Write @st to @path.  0, or -errno with "PATH: reason" in @err. */
int guest_status_write(const char *path, const struct guest_status *st,
		       char *err, size_t errlen);

/*
 * Read @path into @st: every key once, each value of its form (rc 0..255,
 * wall_ms and boots decimal counts, clock real or icount), nothing else.
 * 0, or -errno with "PATH[:LINE]: reason" in @err.
 */
int guest_status_read(const char *path, struct guest_status *st,
		      char *err, size_t errlen);

struct lb_lines;
/*
 * The same from lines already open (input.h: lb_lines_init() on any
 * stream, for the fuzz target), named by l->name in messages; the caller
 * closes @l.
 */
int guest_status_read_lines(struct lb_lines *l, struct guest_status *st,
			    char *err, size_t errlen);

/* What a KTAP file says: its plan and the top-level results. */
struct ktap_tally {
	uint64_t plan;			/* the N of "1..N" */
	uint64_t ok, skipped, not_ok;	/* skipped: "ok" lines with "# SKIP" */
};

/*
 * Tally the KTAP in @path: the first top-level plan line, the top-level
 * "ok N" and "not ok N" lines numbered 1, 2, ... in order.  Other lines
 * (diagnostics, indented subtests, the tests' own output) are passed
 * over.  0; -ENOENT no plan line; or -errno; "PATH[:LINE]: reason" in
 * @err.
 */
int ktap_tally(const char *path, struct ktap_tally *t, char *err,
	       size_t errlen);
/* The same from lines already open, as guest_status_read_lines(). */
int ktap_tally_lines(struct lb_lines *l, struct ktap_tally *t, char *err,
		     size_t errlen);

#endif /* LUBENCH_GUEST_STATUS_H */
