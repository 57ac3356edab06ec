/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bounded input for every lubench reader: text files line by line with a
 * limit per line and per file, and whole binary files up to a limit.  A
 * directory, a device or a file past its limit is refused by name, and a
 * read error is never taken for the end of the file.
 */
#ifndef LUBENCH_INPUT_H
#define LUBENCH_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The documented limits (README.md, results/GUEST-PROTOCOL.md): no line
 * the suite writes comes near 1 MiB (the longest, a row with 4096
 * samples, is about 60 KiB), and no text file near 256 MiB.
 */
#define LB_MAX_LINE		(1U << 20)
#define LB_MAX_TEXT		(256ULL << 20)
/*
 * A handover blob: the largest a valid table makes is hashed's at the
 * maximum capacity of 2^24, 2^25 slots of 8 bytes after the 104-byte
 * header; 257 MiB leaves room for that and refuses anything bigger.
 */
#define LB_MAX_BLOB		(257ULL << 20)

struct lb_lines {
	FILE *f;
	bool own;		/* opened here: closed by lb_lines_close() */
	const char *name;	/* for messages */
	char *line;		/* the current line, NUL-terminated, no '\n' */
	size_t len, cap;
	unsigned int lineno;
	uint64_t total;		/* bytes read so far */
	size_t max_line;
	uint64_t max_total;
	char err[320];		/* why the last call failed */
};

/*
 * Open @path for reading line by line: a regular file or a pipe ("-" is
 * stdin), never a directory or a device.  0, or -errno with the reason in
 * l->err ("NAME: is a directory").
 */
int lb_lines_open(struct lb_lines *l, const char *path);
/* Read from an open stream (not closed by lb_lines_close()). */
void lb_lines_init(struct lb_lines *l, FILE *f, const char *name);

/*
 * The next line into l->line (l->len bytes, the newline removed).
 * 1 a line, 0 the end of the file, or -errno: -EFBIG a line or the file
 * past its limit, -EINVAL a NUL byte, else the read error; l->err says
 * which, as "NAME:LINE: reason".
 */
int lb_lines_next(struct lb_lines *l);
void lb_lines_close(struct lb_lines *l);

/*
 * Read the whole regular file @path (at most @max bytes) into a new
 * buffer.  0, or -errno with "PATH: reason" in @err.
 */
int lb_read_file(const char *path, size_t max, void **buf, size_t *len,
		 char *err, size_t errlen);

/* "1 MiB", "256 MiB", "512 KiB", "100 B": a limit as messages print it. */
const char *lb_size_str(char *buf, size_t len, uint64_t bytes);

#endif /* LUBENCH_INPUT_H */
