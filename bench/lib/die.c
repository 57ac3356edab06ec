// SPDX-License-Identifier: GPL-2.0
/* One way for the measuring tools to stop (die.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "die.h"

static const char *die_prog = "lubench";
static bool die_quick;

void lb_die_setup(const char *prog, bool quick)
{
	die_prog = prog;
	die_quick = quick;
}

void lb_die(int code, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", die_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (die_quick)
		_exit(code);
	exit(code);
}

void *lb_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		lb_die(LB_EXIT_SYSTEM, "out of memory (%zu x %zu bytes)", n,
		       size);
	return p;
}
