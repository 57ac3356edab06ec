// SPDX-License-Identifier: GPL-2.0
/* lubench-bench: the sweep is in bench.c, which other tools link too. */
#include "bench.h"

int main(int argc, char **argv)
{
	return bench_main(argc, argv);
}
