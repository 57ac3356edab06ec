// SPDX-License-Identifier: GPL-2.0
/* The fault and topology lists of lubench_uapi.h for user space (faults.h). */
#include <stddef.h>
#include <string.h>

#include "faults.h"
#include "lubench_uapi.h"

struct lb_fault {
	const char *name;
	const char *defect;
};

#define LB_FAULT(id, nr, n, d) [nr] = { .name = n, .defect = d },
static const struct lb_fault lb_faults[LUBENCH_NR_FAULTS] = {
	LUBENCH_FOR_EACH_FAULT(LB_FAULT)
};
#undef LB_FAULT

const char *lb_fault_name(unsigned int nr)
{
	return nr < LUBENCH_NR_FAULTS ? lb_faults[nr].name : NULL;
}

const char *lb_fault_defect(unsigned int nr)
{
	return nr < LUBENCH_NR_FAULTS ? lb_faults[nr].defect : NULL;
}

int lb_fault_parse(const char *name)
{
	unsigned int i;

	for (i = 0; i < LUBENCH_NR_FAULTS; i++)
		if (lb_faults[i].name && !strcmp(lb_faults[i].name, name))
			return i;
	return -1;
}

#define LB_TOPOLOGY(id, nr, n) [nr] = n,
static const char *const lb_topologies[LUBENCH_NR_TOPOLOGIES] = {
	LUBENCH_FOR_EACH_TOPOLOGY(LB_TOPOLOGY)
};
#undef LB_TOPOLOGY

const char *lb_topology_name(unsigned int nr)
{
	return nr < LUBENCH_NR_TOPOLOGIES ? lb_topologies[nr] : NULL;
}
