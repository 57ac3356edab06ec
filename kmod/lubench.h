/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of lubench.ko: the virtual PCI population
 * (lubench_vpci.c) as used by the char device (lubench_main.c).
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
	u64 enum_ns;		/* lubench_vpci_create(), SR-IOV included */
	u64 sriov_ns;
};

/*
 * Create the boot-time population: @nr functions behind virtual host
 * bridges.  The layout depends on @nr only, so the kernel after a live
 * update recreates the same devices by calling this with the same @nr;
 * a bus notifier registered before sees every pci_dev as it is added.
 */
int lubench_vpci_create(u32 nr);

/* Add @nr functions in new domains; the first one is returned. */
int lubench_vpci_hotplug(u32 nr, u32 *domain, u32 *nr_added);

/* Remove what lubench_vpci_hotplug() added. */
void lubench_vpci_remove_hotplug(void);

/* Remove everything (SR-IOV disabled first). */
void lubench_vpci_destroy(void);

void lubench_vpci_get_info(struct lubench_vpci_info *info);

struct pci_dev;

/* Whether @pdev is one of the module's functions. */
bool lubench_vpci_owns(const struct pci_dev *pdev);

#endif /* LUBENCH_H */
