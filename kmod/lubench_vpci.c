// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual PCI host bridges whose config space is emulated in software, so
 * that the real PCI core enumerates thousands of struct pci_dev: plain
 * functions, multi-function devices, and SR-IOV PFs whose VFs the core
 * itself creates when SR-IOV is enabled.
 *
 * Layout for N functions (a pure function of N, so the kernel after a
 * live update can recreate the same devices):
 *  - N >= 64: N/16 VFs on two PFs.  PF A (domain 0x0001, 00:00.0) has up
 *    to 120 VFs on its own bus from devfn 8 on; PF B (domain 0x10000,
 *    00:00.0) has the rest on the following buses (First VF Offset 0x100),
 *    which the core adds as bridge-less child buses.
 *  - The other functions go on root buses, one bus number each, spread
 *    round-robin over domains 0x0001, 0x10000, 0x0002, 0x10001 (more when
 *    those are full) at sparse bus numbers.  Slots cycle through an
 *    8-function device, a single function, an empty slot and a device
 *    with functions 0, 2, 5 and 7.
 * No function has BARs, a ROM or INTx, so enumeration needs no resources.
 * Functions are PCIe Root Complex Integrated Endpoints: no link, no
 * upstream port for the core to look at.
 *
 * The `switches` topology (LUBENCH_TOPOLOGY_SWITCHES) keeps the two PFs
 * and puts every other function behind real PCI-to-PCI bridges: each
 * root bus holds up to LB_RC_PORTS root ports; even ones lead to a switch
 * (an upstream port, an internal bus, LB_SW_DPS downstream ports, behind
 * each one an 8-function device), odd ones straight to a device with
 * functions 0, 2, 5 and 7.  Bridges are type-1 headers with a PCIe
 * capability of the right port type and bus numbers set as firmware
 * would (the core keeps them: BDFs stay the same across the jump).
 * Configuration requests are routed by those numbers as laid out here.
 * With renumber (the next kernel numbering buses otherwise) root-port
 * pairs swap their ranges, and each function remembers its BDF without
 * renumbering as its physical id (lb_renumber_rc()).
 * The N functions are the endpoints; the bridges come on top.
 */
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/numa.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "lubench.h"
#include "lubench_uapi.h"

#define LB_PCIE_CAP		0x40
#define LB_SRIOV_CAP		0x100
#define LB_HDR_MULTI		0x80	/* header type: multi-function device */
#define LB_SUP_PGSIZE		0x553	/* 4K, 8K, 64K, 256K, 1M, 4M */

#define LB_VFS_SAME_BUS_MAX	120
#define LB_VF_OFFSET_SAME_BUS	8	/* VFs of PF A start at devfn 8 */
#define LB_VF_OFFSET_NEXT_BUS	0x100	/* VFs of PF B start on the next bus */

#define LB_BOOT_DOMAINS		4	/* used at least; more if they fill */
#define LB_MAX_DOMAINS		64

#define LB_RC_PORTS		8	/* root ports on a switches root bus */
#define LB_SW_DPS		4	/* downstream ports of a switch */
/* Buses of one root complex at most: root, 4 switches, 4 direct ports. */
#define LB_RC_BUSES		(1 + LB_RC_PORTS / 2 * (2 + LB_SW_DPS) + \
				 LB_RC_PORTS / 2)

enum lb_kind {
	LB_NONE,
	LB_PLAIN,
	LB_PF,
	LB_VF,
	LB_PORT,	/* a PCI-to-PCI bridge: root, upstream or downstream port */
};

/* One function's emulated state; everything else is computed. */
struct lb_fn {
	u8 kind;
	u8 hdr_type;
	u16 command;
	u8 pcie_type;	/* PCI_EXP_TYPE_*: RC_END on a root bus, else ENDPOINT */
	/* PORT: the bus numbers register and bridge control */
	u8 primary, secondary, subordinate;
	u16 bridge_ctl;
	/* PF */
	u16 sriov_ctrl;
	u16 num_vfs;
	u16 total_vfs;
	u16 vf_offset;
	u32 sys_pgsize;
	/* VF: its PF's index in the bridge's table, and its number */
	u32 pf;
	u16 vf_id;
	/* its BDF without renumbering: which device it is (lb_renumber_rc()) */
	u16 phys;
};

/*
 * A root bus and the bus numbers below it that VFs use.  The PCI core
 * hands @sd back to us as bus->sysdata, on x86 a struct pci_sysdata
 * whose domain is the PCI segment.
 */
struct lb_bridge {
	struct pci_sysdata sd;
	struct list_head node;
	struct pci_bus *bus;
	struct resource busn;
	u32 domain;
	unsigned int busnr;
	unsigned int nr_bus;
	unsigned int nr_fns;	/* scanned by the core, PFs included */
	unsigned int nr_ports;	/* bridges below the root bus, scanned too */
	unsigned int nr_vfs;	/* enabled on the PF at 00.0 */
	bool hotplug;
	struct lb_fn *fn;	/* nr_bus * 256, by (bus - busnr) << 8 | devfn */
};

static DEFINE_MUTEX(lb_vpci_lock);
static LIST_HEAD(lb_bridges);		/* newest first */
static u64 lb_enum_ns, lb_sriov_ns;
static u32 lb_hotplug_seq;
static u32 lb_topology;
static u32 lb_renumbered, lb_pairs_swapped, lb_pairs_kept;

static struct lb_bridge *lb_bridge_of(struct pci_bus *bus)
{
	return container_of((struct pci_sysdata *)bus->sysdata,
			    struct lb_bridge, sd);
}

/* The function at @bus/@devfn if it responds to config requests. */
static struct lb_fn *lb_fn_lookup(struct pci_bus *bus, unsigned int devfn)
{
	struct lb_bridge *br = lb_bridge_of(bus);
	struct lb_fn *f, *pf;

	if (bus->number < br->busnr || bus->number >= br->busnr + br->nr_bus)
		return NULL;
	f = &br->fn[(bus->number - br->busnr) << 8 | devfn];
	switch (f->kind) {
	case LB_NONE:
		return NULL;
	case LB_VF:
		/* A VF exists while VF Enable is set and NumVFs covers it. */
		pf = &br->fn[f->pf];
		if (!(pf->sriov_ctrl & PCI_SRIOV_CTRL_VFE) ||
		    f->vf_id >= pf->num_vfs)
			return NULL;
		return f;
	default:
		return f;
	}
}

static u32 lb_sriov_dword(const struct lb_fn *f, unsigned int off)
{
	switch (off) {
	case 0:		/* extended capability header, version 1, last */
		return PCI_EXT_CAP_ID_SRIOV | 1 << 16;
	case PCI_SRIOV_CTRL:
		return f->sriov_ctrl;
	case PCI_SRIOV_INITIAL_VF:
		return f->total_vfs | (u32)f->total_vfs << 16;
	case PCI_SRIOV_NUM_VF:
		/* Function Dependency Link 0: the PF is function 0. */
		return f->num_vfs;
	case PCI_SRIOV_VF_OFFSET:
		return f->vf_offset | 1 << 16;	/* stride 1 */
	case PCI_SRIOV_VF_DID - 2:
		return (u32)LUBENCH_PCI_DEV_VF << 16;
	case PCI_SRIOV_SUP_PGSIZE:
		return LB_SUP_PGSIZE;
	case PCI_SRIOV_SYS_PGSIZE:
		return f->sys_pgsize;
	default:	/* no VF BARs, no VF migration */
		return 0;
	}
}

/* Device IDs of the ports, by PCIe port type. */
static u16 lb_port_did(const struct lb_fn *f)
{
	switch (f->pcie_type) {
	case PCI_EXP_TYPE_ROOT_PORT:
		return LUBENCH_PCI_DEV_ROOT_PORT;
	case PCI_EXP_TYPE_UPSTREAM:
		return LUBENCH_PCI_DEV_UP_PORT;
	default:
		return LUBENCH_PCI_DEV_DOWN_PORT;
	}
}

/*
 * A type-1 header.  No BARs; the I/O, memory and prefetchable windows
 * closed (base above limit, read-only: nothing is ever routed below, so
 * the core assigns and enables no window); no interrupt pin; bus numbers
 * and bridge control are writable.
 */
static u32 lb_port_dword(const struct lb_fn *f, unsigned int reg)
{
	u16 did = lb_port_did(f);

	switch (reg) {
	case PCI_VENDOR_ID:
		return LUBENCH_PCI_VENDOR | (u32)did << 16;
	case PCI_COMMAND:
		return f->command | (u32)PCI_STATUS_CAP_LIST << 16;
	case PCI_CLASS_REVISION:
		return (u32)PCI_CLASS_BRIDGE_PCI << 16 | 0x01;
	case PCI_CACHE_LINE_SIZE:
		return (u32)(PCI_HEADER_TYPE_BRIDGE | f->hdr_type) << 16;
	case PCI_PRIMARY_BUS:
		return f->primary | (u32)f->secondary << 8 |
		       (u32)f->subordinate << 16;
	case PCI_IO_BASE:	/* secondary status 0 */
		return 0x00f0;
	case PCI_MEMORY_BASE:
	case PCI_PREF_MEMORY_BASE:
		return 0xfff0;
	case PCI_CAPABILITY_LIST:
		return LB_PCIE_CAP;
	case PCI_INTERRUPT_LINE:
		return (u32)f->bridge_ctl << 16;
	case LB_PCIE_CAP:	/* PCIe v2, the port's type, last cap */
		return PCI_CAP_ID_EXP | (u32)(2 | f->pcie_type << 4) << 16;
	default:
		return 0;
	}
}

static u32 lb_cfg_dword(const struct lb_fn *f, unsigned int reg)
{
	u16 did = f->kind == LB_PF ? LUBENCH_PCI_DEV_PF :
		  f->kind == LB_VF ? LUBENCH_PCI_DEV_VF : LUBENCH_PCI_DEV_PLAIN;

	if (f->kind == LB_PORT)
		return reg < PCI_CFG_SPACE_SIZE ? lb_port_dword(f, reg) : 0;
	if (reg >= LB_SRIOV_CAP && reg < LB_SRIOV_CAP + 0x40)
		return f->kind == LB_PF ?
		       lb_sriov_dword(f, reg - LB_SRIOV_CAP) : 0;

	switch (reg) {
	case PCI_VENDOR_ID:
		if (f->kind == LB_VF)
			return 0xffffffff;
		return LUBENCH_PCI_VENDOR | (u32)did << 16;
	case PCI_COMMAND:
		return f->command | (u32)PCI_STATUS_CAP_LIST << 16;
	case PCI_CLASS_REVISION:
		return (u32)PCI_CLASS_OTHERS << 24 | 0x01;
	case PCI_CACHE_LINE_SIZE:
		return (u32)f->hdr_type << 16;
	case PCI_SUBSYSTEM_VENDOR_ID:
		return LUBENCH_PCI_VENDOR | (u32)did << 16;
	case PCI_CAPABILITY_LIST:
		return LB_PCIE_CAP;
	case LB_PCIE_CAP:	/* PCIe v2, RC integrated endpoint or not */
		return PCI_CAP_ID_EXP | (u32)(2 | f->pcie_type << 4) << 16;
	default:
		return 0;
	}
}

/* Keep the few writable fields of a written dword. */
static void lb_cfg_store(struct lb_fn *f, unsigned int reg, u32 val)
{
	if (reg == PCI_COMMAND) {
		f->command = val & 0xffff;
		return;
	}
	if (f->kind == LB_PORT) {
		if (reg == PCI_PRIMARY_BUS) {
			f->primary = val & 0xff;
			f->secondary = (val >> 8) & 0xff;
			f->subordinate = (val >> 16) & 0xff;
		} else if (reg == PCI_INTERRUPT_LINE) {
			f->bridge_ctl = val >> 16;
		}
		return;
	}
	if (f->kind != LB_PF)
		return;
	switch (reg) {
	case LB_SRIOV_CAP + PCI_SRIOV_CTRL:
		f->sriov_ctrl = val & (PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE |
				       PCI_SRIOV_CTRL_ARI);
		break;
	case LB_SRIOV_CAP + PCI_SRIOV_NUM_VF:
		f->num_vfs = min_t(u16, val & 0xffff, f->total_vfs);
		break;
	case LB_SRIOV_CAP + PCI_SRIOV_SYS_PGSIZE:
		f->sys_pgsize = val & LB_SUP_PGSIZE;
		break;
	}
}

/* Called under the PCI core's pci_lock (a raw spinlock): must not sleep. */
static int lb_cfg_read(struct pci_bus *bus, unsigned int devfn, int where,
		       int size, u32 *val)
{
	struct lb_fn *f = lb_fn_lookup(bus, devfn);
	unsigned int shift = (where & 3) * 8;
	u32 dw;

	if (!f || where < 0 || where + size > PCI_CFG_SPACE_EXP_SIZE) {
		*val = size == 4 ? ~0U : (1U << (size * 8)) - 1;
		return PCIBIOS_DEVICE_NOT_FOUND;
	}
	dw = lb_cfg_dword(f, where & ~3) >> shift;
	*val = size == 4 ? dw : dw & ((1U << (size * 8)) - 1);
	return PCIBIOS_SUCCESSFUL;
}

static int lb_cfg_write(struct pci_bus *bus, unsigned int devfn, int where,
			int size, u32 val)
{
	struct lb_fn *f = lb_fn_lookup(bus, devfn);
	unsigned int shift = (where & 3) * 8;
	u32 mask, dw;

	if (!f || where < 0 || where + size > PCI_CFG_SPACE_EXP_SIZE)
		return PCIBIOS_DEVICE_NOT_FOUND;
	mask = (size == 4 ? ~0U : (1U << (size * 8)) - 1) << shift;
	dw = lb_cfg_dword(f, where & ~3);
	dw = (dw & ~mask) | ((val << shift) & mask);
	lb_cfg_store(f, where & ~3, dw);
	return PCIBIOS_SUCCESSFUL;
}

static struct pci_ops lb_pci_ops = {
	.read	= lb_cfg_read,
	.write	= lb_cfg_write,
};

static struct lb_bridge *lb_bridge_alloc(u32 domain, unsigned int busnr,
					 unsigned int nr_bus)
{
	struct lb_bridge *br;
	unsigned int i;

	br = kzalloc(sizeof(*br), GFP_KERNEL);
	if (!br)
		return NULL;
	br->fn = kvcalloc(nr_bus * 256, sizeof(*br->fn), GFP_KERNEL);
	if (!br->fn) {
		kfree(br);
		return NULL;
	}
	/* Before any renumbering, every function is where it is. */
	for (i = 0; i < nr_bus * 256; i++)
		br->fn[i].phys = (busnr + (i >> 8)) << 8 | (i & 0xff);
	br->sd.domain = domain;
	br->sd.node = NUMA_NO_NODE;
	br->domain = domain;
	br->busnr = busnr;
	br->nr_bus = nr_bus;
	INIT_LIST_HEAD(&br->node);
	return br;
}

static void lb_bridge_free(struct lb_bridge *br)
{
	kvfree(br->fn);
	kfree(br);
}

/* Slot patterns: function bitmaps, rotated by bus number. */
static const u8 lb_slot_fns[4] = { 0xff, 0x01, 0x00, 0xa5 };

/*
 * Put up to @want plain functions on bus @b of @br from slot @slot on.
 * Returns how many were placed.
 */
static unsigned int lb_fill_plain(struct lb_bridge *br, unsigned int b,
				  unsigned int slot, unsigned int want)
{
	unsigned int placed = 0, fn;

	for (; slot < 32 && placed < want; slot++) {
		u8 fns = lb_slot_fns[(slot + br->busnr + b) % 4];

		for (fn = 0; fn < 8 && placed < want; fn++) {
			struct lb_fn *f = &br->fn[b << 8 | PCI_DEVFN(slot, fn)];

			if (!(fns & BIT(fn)))
				continue;
			f->kind = LB_PLAIN;
			f->pcie_type = PCI_EXP_TYPE_RC_END;
			if (fn == 0 && fns != 0x01)
				f->hdr_type = LB_HDR_MULTI;
			placed++;
		}
	}
	br->nr_fns += placed;
	return placed;
}

/* A PF at 00.0 with @nr_vfs VFs at PF + @offset + i. */
static void lb_place_pf(struct lb_bridge *br, unsigned int nr_vfs,
			unsigned int offset)
{
	struct lb_fn *pf = &br->fn[0];
	unsigned int i;

	pf->kind = LB_PF;
	pf->pcie_type = PCI_EXP_TYPE_RC_END;
	pf->total_vfs = nr_vfs;
	pf->vf_offset = offset;
	for (i = 0; i < nr_vfs; i++) {
		struct lb_fn *vf = &br->fn[offset + i];

		vf->kind = LB_VF;
		vf->pcie_type = PCI_EXP_TYPE_RC_END;
		vf->pf = 0;
		vf->vf_id = i;
	}
	br->nr_fns++;
	br->nr_vfs = nr_vfs;
}

/* The function at bus @bus (an absolute number), @devfn of @br. */
static struct lb_fn *lb_fn_at(struct lb_bridge *br, unsigned int bus,
			      unsigned int devfn)
{
	return &br->fn[(bus - br->busnr) << 8 | devfn];
}

/* A port at @bus/@devfn whose secondary bus is @sec, for now the last. */
static struct lb_fn *lb_place_port(struct lb_bridge *br, unsigned int bus,
				   unsigned int devfn, u8 type,
				   unsigned int sec)
{
	struct lb_fn *f = lb_fn_at(br, bus, devfn);

	f->kind = LB_PORT;
	f->pcie_type = type;
	f->primary = bus;
	f->secondary = sec;
	f->subordinate = sec;
	br->nr_ports++;
	return f;
}

/*
 * Up to @want endpoint functions of the bitmap @fns in the one device
 * behind a port (slot 0 of bus @bus: the core scans no other slot below
 * a root or downstream port).  Returns how many were placed.
 */
static unsigned int lb_fill_behind(struct lb_bridge *br, unsigned int bus,
				   u8 fns, unsigned int want)
{
	unsigned int placed = 0, fn;

	for (fn = 0; fn < 8 && placed < want; fn++) {
		struct lb_fn *f = lb_fn_at(br, bus, PCI_DEVFN(0, fn));

		if (!(fns & BIT(fn)))
			continue;
		f->kind = LB_PLAIN;
		f->pcie_type = PCI_EXP_TYPE_ENDPOINT;
		placed++;
	}
	if (placed > 1)
		lb_fn_at(br, bus, PCI_DEVFN(0, 0))->hdr_type = LB_HDR_MULTI;
	br->nr_fns += placed;
	return placed;
}

static int lb_count_fn(struct pci_dev *pdev, void *data)
{
	(*(unsigned int *)data)++;
	return 0;
}

static int lb_bridge_scan(struct lb_bridge *br)
{
	struct pci_bus *bus;
	unsigned int found = 0;
	LIST_HEAD(resources);

	br->busn.name = "lubench";
	br->busn.start = br->busnr;
	br->busn.end = br->busnr + br->nr_bus - 1;
	br->busn.flags = IORESOURCE_BUS;
	pci_add_resource(&resources, &br->busn);

	pci_lock_rescan_remove();
	bus = pci_scan_root_bus(NULL, br->busnr, &lb_pci_ops, &br->sd,
				&resources);
	if (bus)
		pci_bus_add_devices(bus);
	pci_unlock_rescan_remove();
	if (!bus) {
		pci_free_resource_list(&resources);
		pr_err("lubench: cannot create root bus %04x:%02x\n",
		       br->domain, br->busnr);
		return -ENODEV;
	}
	br->bus = bus;

	pci_walk_bus(bus, lb_count_fn, &found);
	if (found != br->nr_fns + br->nr_ports) {
		pr_err("lubench: bus %04x:%02x: %u functions, expected %u\n",
		       br->domain, br->busnr, found,
		       br->nr_fns + br->nr_ports);
		return -EIO;
	}
	return 0;
}

static int lb_bridge_enable_sriov(struct lb_bridge *br)
{
	struct pci_dev *pf;
	int ret;

	pf = pci_get_slot(br->bus, PCI_DEVFN(0, 0));
	if (!pf)
		return -ENODEV;
	pci_lock_rescan_remove();
	ret = pci_enable_sriov(pf, br->nr_vfs);
	pci_unlock_rescan_remove();
	if (!ret && pci_num_vf(pf) != br->nr_vfs)
		ret = -EIO;
	if (ret)
		pci_err(pf, "lubench: enabling %u VFs failed: %d\n",
			br->nr_vfs, ret);
	pci_dev_put(pf);
	return ret;
}

static void lb_bridge_remove(struct lb_bridge *br)
{
	struct pci_dev *pf;

	list_del(&br->node);
	if (br->bus) {
		pci_lock_rescan_remove();
		/* The core BUG()s on releasing a PF that still has VFs. */
		pf = br->nr_vfs ? pci_get_slot(br->bus, PCI_DEVFN(0, 0)) : NULL;
		if (pf) {
			pci_disable_sriov(pf);
			pci_dev_put(pf);
		}
		pci_stop_root_bus(br->bus);
		pci_remove_root_bus(br->bus);
		pci_unlock_rescan_remove();
	}
	lb_bridge_free(br);
}

/* Create, scan and (for a PF) enable SR-IOV; on error nothing is left. */
static int lb_bridge_add(struct lb_bridge *br, bool hotplug)
{
	u64 t;
	int ret;

	br->hotplug = hotplug;
	list_add(&br->node, &lb_bridges);
	ret = lb_bridge_scan(br);
	if (!ret && br->nr_vfs) {
		t = ktime_get_ns();
		ret = lb_bridge_enable_sriov(br);
		lb_sriov_ns += ktime_get_ns() - t;
	}
	if (ret)
		lb_bridge_remove(br);
	return ret;
}

/*
 * PF A: VFs on the PF's own bus, then up to *@left plain functions.  The
 * PF and its VFs are already counted out of *@left by the caller.
 */
static int lb_add_pf_same_bus(u32 domain, unsigned int busnr,
			      unsigned int nr_vfs, u32 *left)
{
	struct lb_bridge *br = lb_bridge_alloc(domain, busnr, 1);
	unsigned int first;

	if (!br)
		return -ENOMEM;
	lb_place_pf(br, nr_vfs, LB_VF_OFFSET_SAME_BUS);
	first = DIV_ROUND_UP(LB_VF_OFFSET_SAME_BUS + nr_vfs, 8);
	*left -= lb_fill_plain(br, 0, first, *left);
	return lb_bridge_add(br, false);
}

/* PF B: VFs on the buses after the PF's; returns the buses used. */
static int lb_add_pf_next_bus(u32 domain, unsigned int busnr,
			      unsigned int nr_vfs, u32 *left)
{
	unsigned int nr_bus = 1 + DIV_ROUND_UP(nr_vfs, 256);
	struct lb_bridge *br;
	int ret;

	if (busnr + nr_bus > 256)
		return -ENOSPC;
	br = lb_bridge_alloc(domain, busnr, nr_bus);
	if (!br)
		return -ENOMEM;
	lb_place_pf(br, nr_vfs, LB_VF_OFFSET_NEXT_BUS);
	*left -= lb_fill_plain(br, 0, 1, *left);
	ret = lb_bridge_add(br, false);
	return ret ? ret : nr_bus;
}

static int lb_add_plain_bus(u32 domain, unsigned int busnr, u32 *left,
			    bool hotplug)
{
	struct lb_bridge *br = lb_bridge_alloc(domain, busnr, 1);

	if (!br)
		return -ENOMEM;
	*left -= lb_fill_plain(br, 0, 0, *left);
	return lb_bridge_add(br, hotplug);
}

/* Whether a device at or below root port @rp is in the incoming table. */
static bool lb_port_holds(struct lb_bridge *br, const struct lb_fn *rp,
			  unsigned int rp_devfn)
{
	unsigned int bus, devfn;

	if (lubench_ho_holds(br->domain, br->busnr << 8 | rp_devfn))
		return true;
	for (bus = rp->secondary; bus <= rp->subordinate; bus++)
		for (devfn = 0; devfn < 256; devfn++)
			if (lb_fn_at(br, bus, devfn)->kind != LB_NONE &&
			    lubench_ho_holds(br->domain, bus << 8 | devfn))
				return true;
	return false;
}

/*
 * Give root port @a the bus range of root port @b and the reverse (equal
 * in size): the devices behind each move with their port, and every
 * bus number register below and in the two ports follows.  Returns the
 * functions and bridges that moved.
 */
static unsigned int lb_swap_ranges(struct lb_bridge *br, struct lb_fn *a,
				   struct lb_fn *b, struct lb_fn *tmp)
{
	unsigned int sa = a->secondary, sb = b->secondary;
	unsigned int n = a->subordinate - sa + 1, k, i, moved = 0;
	struct lb_fn *pa, *pb, *f;

	for (k = 0; k < n; k++) {
		pa = lb_fn_at(br, sa + k, 0);
		pb = lb_fn_at(br, sb + k, 0);
		memcpy(tmp, pa, 256 * sizeof(*tmp));
		memcpy(pa, pb, 256 * sizeof(*tmp));
		memcpy(pb, tmp, 256 * sizeof(*tmp));
	}
#define LB_MAP(x) ((x) >= sa && (x) < sa + n ? (x) - sa + sb : \
		   (x) >= sb && (x) < sb + n ? (x) - sb + sa : (x))
	for (k = 0; k < n; k++) {
		for (i = 0; i < 2 * 256; i++) {
			f = lb_fn_at(br, (i < 256 ? sa : sb) + k, i & 0xff);
			if (f->kind == LB_NONE)
				continue;
			moved++;
			if (f->kind != LB_PORT)
				continue;
			f->primary = LB_MAP(f->primary);
			f->secondary = LB_MAP(f->secondary);
			f->subordinate = LB_MAP(f->subordinate);
		}
	}
	a->secondary = sb;
	a->subordinate = sb + n - 1;
	b->secondary = sa;
	b->subordinate = sa + n - 1;
#undef LB_MAP
	return moved;
}

/*
 * renumber=1 on one root complex with @nr_ports root ports: the pairs
 * (0, 2), (1, 3), (4, 6), (5, 7) swap their bus ranges when both exist
 * and are as large, unless the incoming table's rules keep bus numbers
 * and a device below either port is in it.
 */
static int lb_renumber_rc(struct lb_bridge *br, unsigned int nr_ports)
{
	static const u8 pairs[][2] = { { 0, 2 }, { 1, 3 }, { 4, 6 }, { 5, 7 } };
	bool keep = lubench_ho_keeps_busnr(NULL);
	struct lb_fn *tmp, *a, *b;
	unsigned int p;

	tmp = kmalloc_array(256, sizeof(*tmp), GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	for (p = 0; p < ARRAY_SIZE(pairs); p++) {
		if (pairs[p][1] >= nr_ports)
			continue;
		a = lb_fn_at(br, br->busnr, PCI_DEVFN(pairs[p][0], 0));
		b = lb_fn_at(br, br->busnr, PCI_DEVFN(pairs[p][1], 0));
		if (a->subordinate - a->secondary !=
		    b->subordinate - b->secondary)
			continue;
		if (keep &&
		    (lb_port_holds(br, a, PCI_DEVFN(pairs[p][0], 0)) ||
		     lb_port_holds(br, b, PCI_DEVFN(pairs[p][1], 0)))) {
			lb_pairs_kept++;
			continue;
		}
		lb_renumbered += lb_swap_ranges(br, a, b, tmp);
		lb_pairs_swapped++;
	}
	kfree(tmp);
	return 0;
}

/*
 * One root complex of the switches topology on root bus @busnr: root
 * ports, switches and devices while *@left functions remain; with
 * @renumber, lb_renumber_rc().  Returns the bus numbers it spans.
 */
static int lb_add_switch_rc(u32 domain, unsigned int busnr, u32 *left,
			    bool renumber)
{
	unsigned int next = busnr + 1, i, j, nr_bus;
	struct lb_bridge *br;
	int ret;

	if (busnr + LB_RC_BUSES > 256)
		return -ENOSPC;
	br = lb_bridge_alloc(domain, busnr, LB_RC_BUSES);
	if (!br)
		return -ENOMEM;
	for (i = 0; i < LB_RC_PORTS && *left; i++) {
		struct lb_fn *rp, *up;
		unsigned int sec, internal;

		rp = lb_place_port(br, busnr, PCI_DEVFN(i, 0),
				   PCI_EXP_TYPE_ROOT_PORT, next);
		sec = next++;
		if (i % 2) {
			*left -= lb_fill_behind(br, sec, 0xa5, *left);
		} else {
			up = lb_place_port(br, sec, PCI_DEVFN(0, 0),
					   PCI_EXP_TYPE_UPSTREAM, next);
			internal = next++;
			for (j = 0; j < LB_SW_DPS && *left; j++) {
				lb_place_port(br, internal, PCI_DEVFN(j, 0),
					      PCI_EXP_TYPE_DOWNSTREAM, next);
				*left -= lb_fill_behind(br, next++, 0xff, *left);
			}
			up->subordinate = next - 1;
		}
		rp->subordinate = next - 1;
	}
	nr_bus = next - busnr;
	br->nr_bus = nr_bus;
	if (renumber) {
		ret = lb_renumber_rc(br, i);
		if (ret) {
			lb_bridge_free(br);
			return ret;
		}
	}
	ret = lb_bridge_add(br, false);
	return ret ? ret : nr_bus;
}

/* Boot domains alternate below and above 0xffff: 0x1, 0x10000, 0x2, ... */
static u32 lb_boot_domain(unsigned int k)
{
	return k & 1 ? 0x10000 + k / 2 : 1 + k / 2;
}

/* Gaps of 1, 2, 3 bus numbers between consecutive root buses. */
static unsigned int lb_bus_gap(unsigned int i)
{
	return 1 + i % 3;
}

static void lb_destroy_locked(bool hotplug_only)
{
	struct lb_bridge *br, *tmp;

	list_for_each_entry_safe(br, tmp, &lb_bridges, node)
		if (!hotplug_only || br->hotplug)
			lb_bridge_remove(br);
}

int lubench_vpci_create(u32 nr, u32 topology, bool renumber)
{
	bool sw = topology == LUBENCH_TOPOLOGY_SWITCHES;
	unsigned int span = sw ? LB_RC_BUSES : 1;
	unsigned int next_bus[LB_MAX_DOMAINS] = { 0 };
	unsigned int nr_buses[LB_MAX_DOMAINS] = { 0 };
	unsigned int nd = LB_BOOT_DOMAINS, k = 0, full = 0;
	u32 left = nr, vfs = nr >= 64 ? nr / 16 : 0;
	u64 t0 = ktime_get_ns();
	int ret = 0;

	if (nr > LUBENCH_MAX_FUNCTIONS)
		return -E2BIG;
	if (topology >= LUBENCH_NR_TOPOLOGIES)
		return -EINVAL;
	if (renumber && !sw)
		return -EINVAL;

	mutex_lock(&lb_vpci_lock);
	lb_sriov_ns = 0;
	lb_renumbered = 0;
	lb_pairs_swapped = 0;
	lb_pairs_kept = 0;
	lb_topology = topology;
	if (vfs) {
		unsigned int vfs_a = min_t(u32, vfs / 2, LB_VFS_SAME_BUS_MAX);

		/* Two PFs and their VFs first, the plain functions after. */
		left -= 2 + vfs;
		ret = lb_add_pf_same_bus(lb_boot_domain(0), 0, vfs_a, &left);
		if (ret)
			goto out;
		next_bus[0] = 1 + lb_bus_gap(nr_buses[0]++);
		ret = lb_add_pf_next_bus(lb_boot_domain(1), 0, vfs - vfs_a,
					 &left);
		if (ret < 0)
			goto out;
		next_bus[1] = ret + lb_bus_gap(nr_buses[1]++);
		ret = 0;
	}

	while (left) {
		if (next_bus[k] + span > 256) {
			if (++full == nd) {
				if (nd == LB_MAX_DOMAINS) {
					ret = -ENOSPC;
					goto out;
				}
				nd++;
				full = 0;
			}
			k = (k + 1) % nd;
			continue;
		}
		full = 0;
		if (sw)
			ret = lb_add_switch_rc(lb_boot_domain(k), next_bus[k],
					       &left, renumber);
		else
			ret = lb_add_plain_bus(lb_boot_domain(k), next_bus[k],
					       &left, false) ?: 1;
		if (ret < 0)
			goto out;
		next_bus[k] += ret - 1 + lb_bus_gap(nr_buses[k]++);
		ret = 0;
		k = (k + 1) % nd;
	}
out:
	if (ret)
		lb_destroy_locked(false);
	lb_enum_ns = ktime_get_ns() - t0;
	mutex_unlock(&lb_vpci_lock);
	return ret;
}

int lubench_vpci_hotplug(u32 nr, u32 *domain, u32 *nr_added)
{
	u32 left = nr, dom;
	unsigned int busnr = 0;
	int ret = 0;

	if (!nr || nr > LUBENCH_HOTPLUG_MAX)
		return -EINVAL;

	mutex_lock(&lb_vpci_lock);
	dom = LUBENCH_HOTPLUG_DOMAIN + lb_hotplug_seq;
	*domain = dom;
	while (left) {
		if (busnr > 255) {
			dom++;
			busnr = 0;
		}
		ret = lb_add_plain_bus(dom, busnr++, &left, true);
		if (ret)
			break;
	}
	lb_hotplug_seq = dom + 1 - LUBENCH_HOTPLUG_DOMAIN;
	*nr_added = nr - left;
	mutex_unlock(&lb_vpci_lock);
	return ret;
}

void lubench_vpci_remove_hotplug(void)
{
	mutex_lock(&lb_vpci_lock);
	lb_destroy_locked(true);
	mutex_unlock(&lb_vpci_lock);
}

/*
 * SR-IOV switched off (@enable false: every PF's VFs removed) or on
 * again, on the PFs of the devices created at load: VFs that appear
 * after the table was sized.  Idempotent; *@nr_changed counts the VFs
 * removed or added.
 */
int lubench_vpci_sriov(bool enable, u32 *nr_changed)
{
	struct lb_bridge *br;
	struct pci_dev *pf;
	int ret = 0;

	*nr_changed = 0;
	mutex_lock(&lb_vpci_lock);
	list_for_each_entry(br, &lb_bridges, node) {
		if (!br->nr_vfs || br->hotplug || !br->bus)
			continue;
		pf = pci_get_slot(br->bus, PCI_DEVFN(0, 0));
		if (!pf)
			continue;
		if (enable && !pci_num_vf(pf)) {
			pci_dev_put(pf);
			ret = lb_bridge_enable_sriov(br);
			if (ret)
				break;
			*nr_changed += br->nr_vfs;
			continue;
		}
		if (!enable && pci_num_vf(pf)) {
			*nr_changed += pci_num_vf(pf);
			pci_lock_rescan_remove();
			pci_disable_sriov(pf);
			pci_unlock_rescan_remove();
		}
		pci_dev_put(pf);
	}
	mutex_unlock(&lb_vpci_lock);
	return ret;
}

void lubench_vpci_destroy(void)
{
	mutex_lock(&lb_vpci_lock);
	lb_destroy_locked(false);
	mutex_unlock(&lb_vpci_lock);
}

void lubench_vpci_get_info(struct lubench_vpci_info *info)
{
	u32 domains[64];
	struct lb_bridge *br;
	unsigned int i;

	memset(info, 0, sizeof(*info));
	mutex_lock(&lb_vpci_lock);
	list_for_each_entry(br, &lb_bridges, node) {
		info->nr_functions += br->nr_fns + br->nr_vfs;
		info->nr_vfs += br->nr_vfs;
		info->nr_bridges += br->nr_ports;
		info->nr_root_buses++;
		for (i = 0; i < info->nr_domains; i++)
			if (domains[i] == br->domain)
				break;
		if (i == info->nr_domains && i < ARRAY_SIZE(domains))
			domains[info->nr_domains++] = br->domain;
	}
	info->topology = lb_topology;
	info->enum_ns = lb_enum_ns;
	info->sriov_ns = lb_sriov_ns;
	info->nr_renumbered = lb_renumbered;
	info->pairs_swapped = lb_pairs_swapped;
	info->pairs_kept = lb_pairs_kept;
	mutex_unlock(&lb_vpci_lock);
}

/* Lock-free: called from the PCI bus notifier while buses are created. */
bool lubench_vpci_owns(const struct pci_dev *pdev)
{
	return pdev->bus->ops == &lb_pci_ops;
}

u16 lubench_vpci_phys(struct pci_dev *pdev)
{
	const struct lb_fn *f;

	if (!lubench_vpci_owns(pdev))
		return pci_dev_id(pdev);
	f = lb_fn_lookup(pdev->bus, pdev->devfn);
	return f ? f->phys : pci_dev_id(pdev);
}
