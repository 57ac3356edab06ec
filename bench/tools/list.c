// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-list: the suite's registries, one name per line, for scripts
 * and tests that must not keep lists of their own.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "count_opts.h"
#include "faults.h"
#include "pci_ser.h"
#include "stress.h"
#include "workload_cycle.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: lubench list variants|rules|ops|faults|keys\n"
		   "  variants  the pci_ser layouts, in registration order "
		   "(kmod/pci_ser/layouts.list)\n"
		   "  rules     each revision's rules and the layouts that follow "
		   "them:\n            RULES LAYOUT... (a line each, no layout: "
		   "none follows)\n"
		   "  ops       the benchmark's ops (bench_ops[] in "
		   "bench/sweep/bench.c)\n"
		   "  faults    the faults a cycle can inject "
		   "(kmod/lubench_uapi.h)\n"
		   "  keys      the keys of workload files: SECTION.KEY, and "
		   "=ARG when it\n            takes a value (the stages' "
		   "option tables)\n");
}

static int list_variants(void)
{
	const struct pci_ser_ops *const *v;

	for (v = pci_ser_variants; *v; v++)
		printf("%s\n", (*v)->name);
	return 0;
}

static int list_rules(void)
{
	const struct pci_ser_ops *const *v;
	unsigned int r;

	for (r = 0; r < PCI_SER_NR_RULES; r++) {
		printf("%s", pci_ser_rules_name(r));
		for (v = pci_ser_variants; *v; v++)
			if ((*v)->rules == r)
				printf(" %s", (*v)->name);
		putchar('\n');
	}
	return 0;
}

static int list_ops(void)
{
	const char *name;
	unsigned int i;

	for (i = 0; (name = bench_op_name(i)); i++)
		printf("%s\n", name);
	return 0;
}

/* The injectable faults: every one but "none", which has no defect. */
static int list_faults(void)
{
	const char *name;
	unsigned int i;

	for (i = 0; (name = lb_fault_name(i)); i++)
		if (lb_fault_defect(i))
			printf("%s\n", name);
	return 0;
}

static int list_keys(void)
{
	static const struct lb_stage *const stages[] = {
		&bench_stage, &cycle_stage, &count_stage, &ab_stage,
		&stress_stage, &soak_stage,
	};
	const struct lb_option *o;
	unsigned int i;

	for (i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
		for (o = stages[i]->opts; o->name; o++)
			if (!o->run_sets)
				printf("%s.%s%s%s\n", stages[i]->name, o->name,
				       o->arg ? "=" : "", o->arg ? o->arg : "");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "variants"))
		return list_variants();
	if (argc == 2 && !strcmp(argv[1], "rules"))
		return list_rules();
	if (argc == 2 && !strcmp(argv[1], "ops"))
		return list_ops();
	if (argc == 2 && !strcmp(argv[1], "faults"))
		return list_faults();
	if (argc == 2 && !strcmp(argv[1], "keys"))
		return list_keys();
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc == 2)
		fprintf(stderr, "lubench list: unknown registry '%s'\n",
			argv[1]);
	usage(stderr);
	return 2;
}
