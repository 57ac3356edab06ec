/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of lubench.ko: the virtual PCI population
 * (lubench_vpci.c) and the live-update handover (lubench_handover.c) as
 * used by the char device (lubench_main.c).
 */
#ifndef LUBENCH_H
#define LUBENCH_H

#include <linux/types.h>

/* Largest population the module parameter accepts. */
#define LUBENCH_MAX_FUNCTIONS	65536

struct lubench_vpci_info {
	u32 nr_functions;	/* created, VFs included, hot-plug included */
	u32 nr_vfs;
	u32 nr_domains;
	u32 nr_root_buses;
	u32 nr_bridges;		/* PCI-to-PCI bridges, switches topology */
	u32 topology;		/* enum lubench_topology */
	u64 enum_ns;		/* lubench_vpci_create(), SR-IOV included */
	u64 sriov_ns;
	/* renumber: what lubench_vpci_create() did to the bus numbers */
	u32 nr_renumbered;	/* functions and bridges at another BDF */
	u32 pairs_swapped;	/* root-port pairs whose ranges it swapped */
	u32 pairs_kept;		/* pairs it kept: preserved devices below */
};

/*
 * Create the boot-time population: @nr functions behind virtual host
 * bridges, in enum lubench_topology @topology.  The layout depends on
 * @nr and @topology only, so the kernel after a live
 * update recreates the same devices by calling this with the same @nr;
 * a bus notifier registered before sees every pci_dev as it is added.
 *
 *  (switches only) stands for firmware or the next kernel
 * numbering the buses otherwise: in every root complex the bus ranges of
 * root ports 0 and 2, 1 and 3, 4 and 6, 5 and 7 are swapped when the two
 * are equally large, the devices behind each port moving with its range
 * (root buses stay).  A pair is kept when the incoming table's rules keep
 * bus numbers (lubench_ho_keeps_busnr()) and a device below either port
 * is in that table.  Every function keeps its BDF of the layout without
 * renumbering as its physical id (lubench_vpci_phys()).
 */
int lubench_vpci_create(u32 nr, u32 topology, bool renumber);

/* Add @nr functions in new domains; the first one is returned. */
int lubench_vpci_hotplug(u32 nr, u32 *domain, u32 *nr_added);

/* Remove what lubench_vpci_hotplug() added. */
void lubench_vpci_remove_hotplug(void);
/* SR-IOV off or on again on the PFs created at load. */
int lubench_vpci_sriov(bool enable, u32 *nr_changed);

/* Remove everything (SR-IOV disabled first). */
void lubench_vpci_destroy(void);

void lubench_vpci_get_info(struct lubench_vpci_info *info);

struct pci_dev;

/* Whether @pdev is one of the module's functions. */
bool lubench_vpci_owns(const struct pci_dev *pdev);

/*
 * The physical id of one of the module's functions: its BDF as the
 * population has it without renumber (the BDF the old kernel gave the
 * same device); pci_dev_id() for a device that is not the module's.
 * Lock-free, like lubench_vpci_owns().
 */
u16 lubench_vpci_phys(struct pci_dev *pdev);

/* --- lubench_handover.c: the table across kexec --- */

/*
 * Memory that survives kexec.  The 6.1 guest kernel has no Kexec
 * HandOver, so the default backend keeps the data in a physical range
 * that both kernels reserve with memmap=SIZE$ADDR.  A backend on KHO
 * would preserve folios on the way out and find them again by name on
 * the way in; the callers see only this.
 */
struct lubench_ho_region {
	void *va;
	size_t size;
	phys_addr_t phys;
	void *priv;
};

struct lubench_ho_backend {
	const char *name;
	/*
	 * Make the region addressable, for writing a handover (@outgoing)
	 * or for reading the one the previous kernel left.  0 or -errno,
	 * with a message saying what is missing.
	 */
	int (*map)(struct lubench_ho_region *r, bool outgoing);
	void (*unmap)(struct lubench_ho_region *r);
	/* The first @len bytes were consumed: no later boot may find them. */
	void (*release)(struct lubench_ho_region *r, size_t len);
};

struct pci_ser;
struct pci_ser_ops;
struct lubench_freeze;
struct lubench_cycle;
struct lubench_finish;

/* Stamp module init; called first thing in the module's init. */
void lubench_ho_begin(void);

/*
 * With restore=1: map the handover, validate the record and the blob
 * (which must be @want's layout unless @want is NULL) and retrieve the
 * table.  Any defect is logged and leaves nothing restored; the module
 * loads either way.
 */
void lubench_ho_restore(const struct pci_ser_ops *want);

/*
 * Look a device being added up in the retrieved table, timed on the
 * TSC: its refcount there (1 for any device found under v2's rules),
 * read after the timed find.  0 at once when there is no table (no
 * restore, refused, `none` cycle, finished).  @phys is the physical id
 * of the device now at @bdf (lubench_vpci_phys()): a device found whose
 * @phys differs counts in nr_aliased.
 */
u16 lubench_ho_lookup(u32 domain, u16 bdf, u16 phys);

/* Whether restore=1 was given. */
bool lubench_ho_restore_asked(void);
/*
 * Whether a retrieved table is there and its rules keep bus numbers
 * (pci_ser_rules_keep_busnr()); *@rules (if not NULL) gets its rules'
 * name, NULL without a table.
 */
bool lubench_ho_keeps_busnr(const char **rules);
/* Whether the retrieved table holds a device; untimed, not counted. */
bool lubench_ho_holds(u32 domain, u16 bdf);
/* Record what renumber did, for struct lubench_cycle. */
void lubench_ho_set_renumbered(u32 nr);


enum lubench_ho_stamp {
	LUBENCH_HO_ENUMERATED,
	LUBENCH_HO_READY,
};

void lubench_ho_stamp(enum lubench_ho_stamp which);

/* Freeze @ser (the caller holds its lock) into the handover region. */
int lubench_ho_freeze(const struct pci_ser *ser, u32 nr_functions,
		      struct lubench_freeze *f);
/* Forget a frozen handover (the table was reset instead of a kexec). */
void lubench_ho_cancel(void);

void lubench_ho_get(struct lubench_cycle *c);
/* Whether a cycle is open: restored or refused, and not finished. */
bool lubench_ho_open(void);
/* @n more devices were retrieved; returns those left and stamps *@tsc. */
u32 lubench_ho_retrieved(u32 n, u64 *tsc);
int lubench_ho_finish(struct lubench_finish *f);

/* Module unload: free the table, unmap (never clear) the region. */
void lubench_ho_exit(void);

#endif /* LUBENCH_H */
