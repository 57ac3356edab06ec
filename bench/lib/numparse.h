/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one number parser of every lubench tool: the whole string must be
 * a number, in range, decimal unless it starts with 0x.  No sign, no
 * spaces, no octal, no empty string, no nan or inf.
 */
#ifndef LUBENCH_NUMPARSE_H
#define LUBENCH_NUMPARSE_H

#include <stdint.h>

/*
 * Parse @s into @out if it lies in [@min, @max].  Returns 0, -EINVAL
 * when @s is not a number of that form, or -ERANGE when it is one out
 * of range (@out untouched on error).
 */
int lb_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* The same for a finite decimal real number (strtod's syntax, no hex). */
int lb_parse_double(const char *s, double min, double max, double *out);

/*
 * A message for a failed parse: "WHAT: 'S' is not a number" or
 * "WHAT: S is out of range (MIN..MAX)", in @buf.
 */
const char *lb_parse_error(char *buf, unsigned long len, const char *what,
			   const char *s, int err, uint64_t min, uint64_t max);

#endif /* LUBENCH_NUMPARSE_H */
