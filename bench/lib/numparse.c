// SPDX-License-Identifier: GPL-2.0
/* Strict number parsing for every lubench tool (numparse.h). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"

static int digit_value(char c, int base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (base == 16 && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (base == 16 && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int lb_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	int base = 10;
	uint64_t v = 0;
	int overflow = 0;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return -EINVAL;
	} else if (s[0] == '0' && s[1]) {
		/* "010" would be octal to strtoul: refuse, do not guess. */
		return -EINVAL;
	}
	for (; *s; s++) {
		int d = digit_value(*s, base);

		if (d < 0)
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			overflow = 1;
		else
			v = v * base + d;
	}
	if (overflow || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int lb_parse_double(const char *s, double min, double max, double *out)
{
	const char *p;
	char *end;
	double v;

	if (!s || !*s)
		return -EINVAL;
	/* Digits, one point, an exponent: strtod alone also takes hex,
	 * "nan", "inf" and leading spaces. */
	for (p = s; *p; p++)
		if (!strchr("0123456789.eE+-", *p))
			return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end)
		return -EINVAL;
	if (errno == ERANGE || !isfinite(v) || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

const char *lb_parse_error(char *buf, unsigned long len, const char *what,
			   const char *s, int err, uint64_t min, uint64_t max)
{
	if (err == -ERANGE)
		snprintf(buf, len, "%s: %s is out of range (%" PRIu64 "..%" PRIu64 ")",
			 what, s, min, max);
	else
		snprintf(buf, len, "%s: '%s' is not a number", what, s ? s : "");
	return buf;
}
