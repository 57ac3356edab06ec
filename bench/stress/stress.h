/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lubench stress: threads driving one pci_ser table through the front
 * end, under the lock its revision uses, every result checked against an
 * exact model (README.md, "stress").
 */
#ifndef LUBENCH_STRESS_H
#define LUBENCH_STRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "pci_ser.h"
#include "stageopt.h"

#define STRESS_MAX_VARIANTS	16
#define STRESS_MAX_THREADS	64
#define STRESS_MAX_POINTS	16

/* The ops a thread draws, by weight (the `mix` option). */
enum stress_op {
	SOP_PRESERVE,
	SOP_UNPRESERVE,
	SOP_FIND,
	SOP_FINISH,
	SOP_FREEZE,
	SOP_HOTPLUG,
	SOP_NR,
};

/*
 * The faults the `faults` percentage draws from (the `fault-kinds`
 * option), each at the op it belongs to (README.md, "Stress").
 */
enum stress_fault {
	SF_ALLOC_PRESERVE,	/* preserve: its Nth allocation fails */
	SF_ALLOC_GROW,		/* preserve into a table: every allocation */
	SF_ALLOC_FREEZE,	/* freeze: its Nth allocation fails */
	SF_ALLOC_RETRIEVE,	/* jump: the next kernel's Nth allocation */
	SF_HALFWAY,		/* jump: the blob written halfway */
	SF_DOUBLE_JUMP,		/* jump: taken twice without finish */
	SF_DOUBLE_FINISH,	/* finish: called twice */
	SF_MISSING,		/* jump: a preserved device not there after */
	SF_RENUMBER,		/* jump: the next kernel numbers buses otherwise */
	SF_NR,
};

#define SF_BIT(k)		(1U << (k))
#define SF_DEFAULT		(SF_BIT(SF_ALLOC_PRESERVE) | \
				 SF_BIT(SF_ALLOC_RETRIEVE))

const char *stress_fault_name(enum stress_fault k);

struct stress_cfg {
	const struct pci_ser_ops *variant[STRESS_MAX_VARIANTS];
	unsigned int nr_variants;
	unsigned int threads[STRESS_MAX_POINTS];	/* thread counts to run */
	unsigned int nr_threads;
	uint64_t ops;			/* per thread and point */
	uint64_t duration_ms;		/* instead of ops, when set */
	unsigned int mix[SOP_NR];	/* weights */
	unsigned int own;		/* endpoints of each thread alone */
	unsigned int shared;		/* endpoints every thread uses */
	/* The population: domains x root ports x switch ports x functions. */
	unsigned int domains;
	unsigned int root_ports;
	unsigned int switch_ports;
	unsigned int functions;
	unsigned int vf_pct;		/* endpoint functions that are VFs */
	unsigned int spare_pct;		/* absent at the start: hot-plug */
	unsigned int fault_pct;		/* ops (of a kind's) given a fault */
	unsigned int fault_kinds;	/* SF_BIT()s the faults are drawn from */
	unsigned int freeze_window;	/* write ops between freeze and jump */
	uint64_t check_every;		/* write ops between full checks */
	uint64_t seed;
	uint64_t break_model_at;	/* tests: corrupt the model at op N */
	char out[256];
	char trace[256];		/* always write the trace here */
	bool check;
};

void stress_cfg_init(struct stress_cfg *cfg);
extern const struct lb_stage stress_stage;

/* 0: lost 0; 1: a violation (trace written); 2: could not run. */
int stress_run(const struct stress_cfg *cfg);

#endif /* LUBENCH_STRESS_H */
