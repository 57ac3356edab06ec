/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machine a result was measured on, recorded next to every result
 * (curves bend where a table leaves L1, L2 and the LLC), and pinning the
 * measuring thread to one core with hwloc.
 */
#ifndef LUBENCH_TOPOLOGY_H
#define LUBENCH_TOPOLOGY_H

#include <stdbool.h>
#include <stdint.h>

#include "results.h"

/* topology_probe()'s @cpu: pick the last core, or do not pin at all. */
#define TOPO_CPU_AUTO	(-1)
#define TOPO_CPU_NONE	(-2)

struct topology {
	int pinned_pu;		/* OS index of the PU we run on; -1 if unpinned */
	bool membind;		/* memory bound to the PU's NUMA node */
	char pin_note[160];	/* why pinning failed, when it did */
	unsigned int nr_pus;
	unsigned int nr_cores;
	unsigned int nr_packages;
	unsigned int nr_numa;
	/* Caches above the pinned PU (the first PU if unpinned); 0: none. */
	uint64_t l1d_bytes;
	uint64_t l1i_bytes;
	uint64_t l2_bytes;
	uint64_t l3_bytes;
	unsigned int l3_shared_pus;	/* PUs sharing that L3 */
	uint64_t mem_bytes;
	char cpu_model[128];
	char cpu_vendor[64];
	char hostname[128];
	/* This boot of this machine: two VMs of one image share the rest. */
	char boot_id[40];
	char kernel[400];
	char clocksource[64];
	char hwloc_version[32];
	char compiler[128];
	char cflags[512];
	char build_type[32];
	char git_commit[64];
	bool git_dirty;
	char source_dir[512];
};

/*
 * Describe the machine and pin the calling thread to @cpu (an OS PU
 * index, TOPO_CPU_AUTO or TOPO_CPU_NONE).  Returns 0, or -errno when the
 * topology cannot be read or an explicitly asked @cpu does not exist;
 * a failure to pin on TOPO_CPU_AUTO is only recorded in pin_note.
 */
int topology_probe(struct topology *t, int cpu);
void topology_release(void);

/* The members of the meta.json object describing @t. */
void topology_json(const struct topology *t, struct json *j);

/*
 * A "machine" member describing this host, unpinned: for the reports
 * that run after the measurement (the guest's host).  Nothing is written
 * if the topology cannot be read.
 */
void topology_json_host(struct json *j);

#endif /* LUBENCH_TOPOLOGY_H */
