/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device populations for the benchmark: what a host's PCI hierarchy
 * looks like to the kernel that enumerates it (several segments, VMD
 * domains from 0x10000 up, multi-function and ARI devices, switches,
 * sparse bus numbers), generated from a seed, and which of its devices
 * the old kernel preserved.
 */
#ifndef LUBENCH_POPULATION_H
#define LUBENCH_POPULATION_H

#include "pci_ser.h"

/* xoshiro256**, seeded through splitmix64: small, fast, reproducible. */
struct rng {
	u64 s[4];
};

void rng_seed(struct rng *r, u64 seed);
u64 rng_next(struct rng *r);

/* Uniform in [0, bound), bound > 0 (multiply-shift; bias < 2^-32). */
static inline u32 rng_below(struct rng *r, u32 bound)
{
	return (u32)(((unsigned __int128)rng_next(r) * bound) >> 64);
}

/* Uniform in [0, 1). */
static inline double rng_unit(struct rng *r)
{
	return (rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Fisher-Yates over an array of @nr elements of @size bytes. */
void rng_shuffle(struct rng *r, void *base, u32 nr, size_t size);

/* No upstream bridge: the device sits on a root bus. */
#define POP_NO_PARENT	0xffffffffU

/* A device as the new kernel enumerates it. */
struct pop_dev {
	u32 domain;
	u16 bdf;
	u8 preserved;
	u8 vmd;		/* lives in a VMD domain (0x10000 and up) */
};

struct population {
	u64 seed;		/* what the population was generated from */
	u32 share_pct;		/* preserved share of the enumerated devices */
	u32 nr;			/* devices the new kernel enumerates */
	u32 nr_preserved;
	/* Every device, in the order pci_setup_device() sees them. */
	struct pop_dev *dev;
	/*
	 * Next to dev[i] (arrays of their own, so that struct pop_dev and the
	 * heap stay as they were): bridge[i] for a root port or a switch's
	 * upstream or downstream port; parent[i] the index of its upstream
	 * bridge, or POP_NO_PARENT on a root bus; in_table[i] under
	 * refcounted rules: preserved, or a bridge above a preserved device.
	 */
	u8 *bridge;
	u32 *parent;
	u8 *in_table;
	/* prefix[i]: preserved devices among dev[0 .. i-1]; nr + 1 entries. */
	u32 *prefix;
	/* Domains in the order their host bridges appear. */
	u32 nr_domains;
	u32 *domain;
	u32 nr_vmd_domains;
	u32 nr_buses;		/* distinct (domain, bus) holding a device */
	u32 nr_multifn;		/* devices (slots) with more than one function */
	u32 max_functions;	/* most functions of one device (ARI: > 8) */
	/* The preserved devices, in the random order user space preserved. */
	struct pci_ser_id *preserved;
	/*
	 * Devices that are not in the table: the enumerated ones that were
	 * not preserved, or made-up keys when every device was preserved.
	 */
	struct pci_ser_id *absent;
	u32 nr_absent;
	/*
	 * Under refcounted rules (pci_ser_rules_refcounted()) the table also
	 * holds every bridge above a preserved device: @nr_entries entries in
	 * all, @nr_bridges_in of them bridges not preserved themselves.
	 * @preserved_dev[i] is @preserved[i] as the front end takes it (its
	 * path, nearest bridge first; a preserved bridge has is_bridge set).
	 * @entry_prefix[i]: entries among dev[0 .. i-1]; @absent_rc: the
	 * devices not in that table (made-up keys when there are none).
	 */
	u32 nr_bridges;		/* bridges enumerated */
	u32 nr_entries;
	u32 nr_bridges_in;
	struct pci_ser_dev *preserved_dev;
	struct pci_ser_id *path;	/* the paths preserved_dev[] point into */
	u32 *entry_prefix;
	struct pci_ser_id *absent_rc;
	u32 nr_absent_rc;
	/*
	 * A 16-bit domain: @alias16 enumerated devices share (domain & 0xffff,
	 * bdf) with another one; @alias16_false_hits of them are not preserved
	 * but share it with a preserved device (a lookup would wrongly hit).
	 */
	u32 alias16;
	u32 alias16_false_hits;
	u64 hash;		/* FNV-1a of the list, to tell populations apart */
};

/*
 * Generate a host whose kernel enumerates ceil(@nr_preserved * 100 /
 * @share_pct) devices, of which @nr_preserved were preserved.  The same
 * arguments give the same population.  0 or -ENOMEM / -EINVAL.
 */
int population_make(struct population *p, u32 nr_preserved, u32 share_pct,
		    u64 seed);
void population_free(struct population *p);

/* Devices enumerated for @nr_preserved at @share_pct (the table capacity). */
u32 population_size(u32 nr_preserved, u32 share_pct);

#endif /* LUBENCH_POPULATION_H */
