// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-version: the commit this build was compiled from, for the
 * scripts that record it (scripts/host/cycle.sh), so they never ask git.
 *
 * usage: lubench-version [--commit|--dirty]
 *   no option  the short commit, with "-dirty" when the tree differed
 *   --commit   the full commit ("unknown" outside a git work tree)
 *   --dirty    true or false
 */
#include <stdio.h>
#include <string.h>

#include "lubench_version.h"

int main(int argc, char **argv)
{
	if (argc == 1)
		puts(LUBENCH_VERSION);
	else if (argc == 2 && !strcmp(argv[1], "--commit"))
		puts(LUBENCH_GIT_COMMIT);
	else if (argc == 2 && !strcmp(argv[1], "--dirty"))
		puts(LUBENCH_GIT_DIRTY ? "true" : "false");
	else {
		fprintf(stderr, "usage: lubench-version [--commit|--dirty]\n");
		return 2;
	}
	return 0;
}
