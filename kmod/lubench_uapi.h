/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/lubench: the ABI between lubench.ko and its user-space driver
 * (bench/lib/lubench_dev.c) and tests.  Included by both sides.
 *
 * Rules for every struct passed by ioctl:
 *  - it starts with @size (sizeof the struct as the caller knows it) and
 *    @version (LUBENCH_ABI_VERSION); a mismatch is -EINVAL;
 *  - every field marked "in: 0", named reserved*, or documented as out
 *    must be zero on entry, else -EINVAL, so that a later version can give
 *    it a meaning;
 *  - a later out field takes a reserved one's place without changing the
 *    struct's size or LUBENCH_ABI_VERSION (a caller that knows it not
 *    still passes 0 and ignores what comes back); the version changes
 *    only when a field changes meaning or moves;
 *  - structs have no implicit padding and every __u64 is 8-byte aligned,
 *    so 32-bit callers share the layout;
 *  - a pointer that cannot be read or written is -EFAULT;
 *  - an ioctl number the module does not know is -ENOTTY.
 *
 * Devices are named by PCI segment (domain, 32 bits: VMD uses 0x10000 and
 * up) and bus/device/function (bdf = bus << 8 | devfn).
 */
#ifndef _UAPI_LUBENCH_H
#define _UAPI_LUBENCH_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define LUBENCH_DEV_NAME	"lubench"
#define LUBENCH_DEV_PATH	"/dev/lubench"
#define LUBENCH_ABI_VERSION	1

/*
 * The IDs of the functions the module creates (vendor: Red Hat, whose ID
 * QEMU's virtual devices use; these device IDs are not QEMU's).  A VF
 * reads 0xffff as vendor and device, as SR-IOV requires; the PCI core
 * takes its IDs from the PF.
 */
#define LUBENCH_PCI_VENDOR	0x1b36
#define LUBENCH_PCI_DEV_PLAIN	0x7c00
#define LUBENCH_PCI_DEV_PF	0x7c01
#define LUBENCH_PCI_DEV_VF	0x7c02
#define LUBENCH_PCI_DEV_ROOT_PORT	0x7c03	/* the switches topology's bridges */
#define LUBENCH_PCI_DEV_UP_PORT		0x7c04
#define LUBENCH_PCI_DEV_DOWN_PORT	0x7c05

/*
 * Populations (the module's topology= parameter, struct lubench_info
 * .topology).  flat: every function on a root bus, no bridge.  switches:
 * the two PFs as in flat, every other function behind root ports and
 * PCIe switches (kmod/lubench_vpci.c); N counts the endpoints, the
 * bridges come on top.  X(ID, number, name).
 */
#define LUBENCH_FOR_EACH_TOPOLOGY(X)	\
	X(FLAT,		0, "flat")	\
	X(SWITCHES,	1, "switches")

#define LUBENCH_TOPOLOGY_ENUM(id, nr, name) LUBENCH_TOPOLOGY_##id = nr,
enum lubench_topology {
	LUBENCH_FOR_EACH_TOPOLOGY(LUBENCH_TOPOLOGY_ENUM)
	LUBENCH_NR_TOPOLOGIES
};
#undef LUBENCH_TOPOLOGY_ENUM

#define LUBENCH_NAME_LEN	32
#define LUBENCH_COMPAT_LEN	48

/* The table operations, in a batch entry and as uring_cmd cmd_op. */
enum lubench_op_code {
	LUBENCH_OP_PRESERVE	= 1,
	LUBENCH_OP_UNPRESERVE	= 2,
	LUBENCH_OP_FIND		= 3,
	LUBENCH_OP_BATCH	= 4,	/* uring_cmd only: run a struct lubench_batch */
};
#define LUBENCH_NR_TABLE_OPS	3	/* preserve, unpreserve, find */

/* Device flags (struct lubench_devid.flags, struct lubench_dev.dev_flags). */
#define LUBENCH_DEVF_VF		(1U << 0)	/* pdev->is_virtfn */
#define LUBENCH_DEVF_OWN	(1U << 1)	/* created by lubench.ko */
#define LUBENCH_DEVF_INCOMING	(1U << 2)	/* found in the table handed over */
#define LUBENCH_DEVF_RETRIEVED	(1U << 3)	/* ... and retrieved by user space */
#define LUBENCH_DEVF_BRIDGE	(1U << 4)	/* pci_is_bridge() */

/*
 * LUBENCH_IOC_INFO: what the module built and the state of the table.
 * All fields but @size/@version are out; reserved ones must be 0 on entry.
 */
struct lubench_info {
	__u32 size;
	__u32 version;
	__u32 abi_version;
	__u32 nr_functions;	/* functions lubench.ko created, VFs included */
	__u32 nr_vfs;
	__u32 nr_domains;
	__u32 nr_root_buses;
	__u32 nr_pci_devs;	/* every pci_dev in the system right now */
	__u32 nr_variants;
	__u32 variant;		/* index of the current layout */
	__u32 capacity;		/* of the table; 0 when it does not exist */
	__u32 nr_preserved;
	__u64 enum_ns;		/* load: creating and enumerating the bridges */
	__u64 sriov_ns;		/* the part of it spent enabling SR-IOV */
	__u64 tsc_khz;
	__u32 nr_bridges;	/* PCI-to-PCI bridges lubench.ko created */
	__u32 topology;		/* enum lubench_topology */
	__u64 reserved[3];
};

/*
 * LUBENCH_IOC_VARIANT: with @flags 0, describe layout number @index
 * (-ENOENT past the last); with LUBENCH_VARIANT_SET, select the layout
 * named @name (NUL-terminated; -ENOENT unknown, -EBUSY while the table
 * exists) and return its @index.  @compatible and @rules are out.
 */
#define LUBENCH_VARIANT_SET	(1U << 0)

struct lubench_variant {
	__u32 size;
	__u32 version;
	__u32 flags;
	__u32 index;		/* in (query) / out (set; in: 0) */
	char name[LUBENCH_NAME_LEN];
	char compatible[LUBENCH_COMPAT_LEN];
	__u32 rules;		/* out: the layout's enum pci_ser_rules */
	__u32 reserved0;
	__u64 reserved[1];
};

/*
 * The rules a layout follows (kmod/pci_ser/pci_ser.h, enum pci_ser_rules):
 * v2 keeps no bridges and no frozen state; the refcounted ones preserve
 * every bridge above a device with it (refcount = preserved devices
 * below), and after a freeze preserve and unpreserve are -EINVAL.
 * Only the newest (KHO) keeps bus numbers across the jump (see
 * renumber= and struct lubench_cycle.nr_aliased).
 */
#define LUBENCH_RULES_V2	0
#define LUBENCH_RULES_V6	1
#define LUBENCH_RULES_KHO	2

/*
 * LUBENCH_IOC_PRESERVE / UNPRESERVE / FIND: one device.  The return value
 * is the rule's verdict: -ENODEV no such pci_dev; PRESERVE: -EINVAL for a
 * VF, -EBUSY when already preserved, -ENOSPC when the table is full;
 * UNPRESERVE: -ENOENT when not preserved.  FIND returns 0 and sets
 * @found.  Under refcounted rules a preserve also takes a reference on
 * every bridge above the device (pci_upstream_bridge()), an unpreserve
 * drops them, and after LUBENCH_IOC_FREEZE both are -EINVAL.  FIND with
 * LUBENCH_DEV_REFCOUNT in @flags sets @found to the device's refcount
 * in the table instead (0 absent; 1 for any device under v2's rules).
 */
#define LUBENCH_DEV_REFCOUNT	(1U << 0)

struct lubench_dev {
	__u32 size;
	__u32 version;
	__u32 domain;
	__u16 bdf;
	__u16 flags;		/* in: 0, or FIND: LUBENCH_DEV_REFCOUNT */
	__u32 found;		/* out (FIND): 1 when preserved (or the refcount) */
	__u32 dev_flags;	/* out: LUBENCH_DEVF_* */
	__u64 ns;		/* out: in-kernel time of the table operation */
	__u64 reserved[2];
};

/* One operation of a batch; 16 bytes. */
struct lubench_op {
	__u32 domain;
	__u16 bdf;
	__u8 op;		/* LUBENCH_OP_PRESERVE .. LUBENCH_OP_FIND */
	__u8 flags;		/* in: 0 */
	__s32 result;		/* out: 0 or -errno; FIND: 1 found, 0 not */
	__u32 reserved;
};

/*
 * LUBENCH_IOC_BATCH (or uring_cmd LUBENCH_OP_BATCH): run @nr operations.
 * The call itself fails only for a bad struct (-EINVAL), unreadable or
 * unwritable @ops (-EFAULT) or a batch over LUBENCH_BATCH_MAX (-E2BIG);
 * each operation's verdict is in its @result, an operation with a bad
 * field getting -EINVAL.  With LUBENCH_BATCH_STOP_ON_ERROR the batch
 * stops after the first operation that fails; the ones not run (from
 * @nr_done on) are not written.  The timings cover this call only.
 */
#define LUBENCH_BATCH_MAX		(1U << 20)
#define LUBENCH_BATCH_STOP_ON_ERROR	(1U << 0)

struct lubench_batch {
	__u32 size;
	__u32 version;
	__u64 ops;		/* in: user pointer to struct lubench_op[@nr] */
	__u32 nr;
	__u32 flags;		/* in: LUBENCH_BATCH_* */
	__u32 nr_done;		/* out: operations run */
	__u32 nr_failed;	/* out: of which result < 0 */
	__u64 batch_ns;		/* out: the whole call in the kernel */
	__u64 table_ns;		/* out: the pci_ser calls alone */
	__u64 reserved[4];
};

/*
 * LUBENCH_IOC_STATS: counters since load or the last reset; with
 * LUBENCH_STATS_RESET they are zeroed after being read.
 * op[] is indexed by LUBENCH_OP_* - 1.
 */
#define LUBENCH_STATS_RESET	(1U << 0)

struct lubench_op_stats {
	__u64 count;
	__u64 failed;
};

struct lubench_stats {
	__u32 size;
	__u32 version;
	__u32 flags;
	__u32 reserved0;
	struct lubench_op_stats op[LUBENCH_NR_TABLE_OPS];
	__u64 table_ns;		/* inside the pci_ser calls, every path */
	__u64 batches;		/* ioctl and uring_cmd batches */
	__u64 batch_ns;		/* their summed batch_ns */
	__u64 last_batch_ns;
	__u64 uring_cmds;	/* uring_cmd requests of any op */
	__u64 reserved[4];
};

/*
 * LUBENCH_IOC_RESET: any of the flags (at least one; unknown ones are
 * -EINVAL).  HOTPLUG removes the bridges added by LUBENCH_IOC_HOTPLUG.
 * A preserved device among them is unpreserved as it goes (after a
 * freeze it stays in the handed-over table), with a line in the log.
 */
#define LUBENCH_RESET_TABLE	(1U << 0)	/* destroy the table */
#define LUBENCH_RESET_STATS	(1U << 1)
#define LUBENCH_RESET_HOTPLUG	(1U << 2)
#define LUBENCH_RESET_ALL	(LUBENCH_RESET_TABLE | LUBENCH_RESET_STATS | \
				 LUBENCH_RESET_HOTPLUG)

struct lubench_reset {
	__u32 size;
	__u32 version;
	__u32 flags;
	__u32 reserved0;
	__u64 reserved[2];
};

/*
 * LUBENCH_IOC_HOTPLUG: add @nr functions (no VFs) behind new host bridges
 * in new domains from LUBENCH_HOTPLUG_DOMAIN up.  A table sized before
 * has no room for them.  With @flags LUBENCH_HOTPLUG_VFS_OFF or _ON
 * (and @nr 0) instead: SR-IOV off on every PF created at load (its VFs
 * removed) or on again (VFs that appear after the table was sized);
 * @nr_added counts the VFs removed or added.  RESET_HOTPLUG turns them
 * on again too.
 */
#define LUBENCH_HOTPLUG_VFS_OFF	(1U << 0)
#define LUBENCH_HOTPLUG_VFS_ON	(1U << 1)
#define LUBENCH_HOTPLUG_MAX	16384
#define LUBENCH_HOTPLUG_DOMAIN	0x20000

struct lubench_hotplug {
	__u32 size;
	__u32 version;
	__u32 nr;
	__u32 flags;		/* in: 0 or one LUBENCH_HOTPLUG_VFS_* */
	__u32 domain;		/* out: first new domain */
	__u32 nr_added;		/* out */
	__u64 ns;		/* out: creation and enumeration time */
	__u64 reserved[2];
};

/*
 * LUBENCH_IOC_LIST: the PCI devices the module sees, sorted by
 * (domain, bdf).  Writes min(@cap, total) entries to @ids (@ids may be 0
 * with @cap 0 to count) and returns the count in @total.  With
 * LUBENCH_LIST_OWN only the functions lubench.ko created (bridges
 * included) are listed, with LUBENCH_LIST_INCOMING only the devices
 * marked incoming (both: both).  When @refs is not 0 it points at
 * __u16[@cap], which gets each listed device's refcount in the retrieved
 * table as the lookup at its enumeration found it (0: not incoming; 1
 * under v2's rules).
 */
#define LUBENCH_LIST_OWN	(1U << 0)
#define LUBENCH_LIST_INCOMING	(1U << 1)

struct lubench_devid {
	__u32 domain;
	__u16 bdf;
	__u16 flags;		/* LUBENCH_DEVF_* */
};

struct lubench_list {
	__u32 size;
	__u32 version;
	__u64 ids;		/* in: user pointer to struct lubench_devid[@cap] */
	__u32 cap;
	__u32 flags;		/* in: LUBENCH_LIST_* */
	__u32 nr;		/* out: entries written */
	__u32 total;		/* out: entries that match */
	__u64 refs;		/* in: 0, or user pointer to __u16[@cap] */
	__u64 reserved[1];
};

/*
 * Live update across kexec.  The old kernel freezes: LUBENCH_IOC_FREEZE
 * writes a handover record and the blob of the table into memory that
 * survives kexec (kmod/lubench_handover.c), then user space runs
 * `kexec -e`.  The new kernel's module, loaded with restore=1, validates
 * and retrieves the blob before it creates its devices, and looks every
 * added PCI device up in the retrieved table (standing for
 * pci_setup_device() calling pci_ser_find()), marking the ones it finds
 * LUBENCH_DEVF_INCOMING.  User space then retrieves them
 * (LUBENCH_IOC_RETRIEVE), calls LUBENCH_IOC_FINISH, which frees the
 * table and clears the region, and reads the stamps (LUBENCH_IOC_CYCLE).
 * Every *_tsc field is a raw TSC value, which kexec does not reset.
 */

/* LUBENCH_IOC_FREEZE flags: a control cycle hands over no table at all. */
#define LUBENCH_FREEZE_NONE	(1U << 0)

/*
 * Defects injected into the handover at freeze (struct lubench_freeze.fault)
 * and the reason the next kernel must give for refusing the blob (the
 * blob's defect as pci_ser_defect_str() names it).  The one list of
 * faults: the enum, lubench-dev, the cycle report and `lubench list
 * faults` (cycle.sh) expand it.  X(ID, number, name, defect).
 */
#define LUBENCH_FOR_EACH_FAULT(X)					\
	X(NONE,		0, "none",	NULL)				\
	/* one byte changed after sealing */				\
	X(CORRUPT,	1, "corrupt",	"checksum mismatch")		\
	/* an unknown compatible, resealed */				\
	X(COMPAT,	2, "compat",	"unknown compatible")		\
	/* the next kernel is told 16 bytes less */			\
	X(TRUNCATE,	3, "truncate",	"truncated")			\
	/* the blob of another layout */				\
	X(VARIANT,	4, "variant",	"compatible mismatch")		\
	/* the blob written halfway: its second half stale bytes */	\
	X(HALFWAY,	5, "halfway",	"checksum mismatch")		\
	/* the next kernel's first allocation in retrieve fails */	\
	X(ALLOC_RETRIEVE, 6, "alloc-retrieve", "out of memory")

#define LUBENCH_FAULT_ENUM(id, nr, name, defect) LUBENCH_FAULT_##id = nr,
enum lubench_fault {
	LUBENCH_FOR_EACH_FAULT(LUBENCH_FAULT_ENUM)
	LUBENCH_NR_FAULTS
};
#undef LUBENCH_FAULT_ENUM

/*
 * LUBENCH_IOC_FREEZE: hand the current table over.  @flags, @fault,
 * @cycle and @user_hash are in; the rest is out.  -EBUSY while the
 * incoming side of a previous cycle is not finished; -ENOSPC when the
 * blob does not fit the region; -ENXIO when the handover backend has no
 * memory (e.g. no memmap= range).  Afterwards preserve and unpreserve
 * are -EBUSY (a layout of v2's rules) or -EINVAL (refcounted rules: the
 * table is frozen, pci_ser_freeze()) until LUBENCH_RESET_TABLE, which
 * also discards the handover.
 */
struct lubench_freeze {
	__u32 size;
	__u32 version;
	__u32 flags;		/* in: LUBENCH_FREEZE_* */
	__u32 fault;		/* in: enum lubench_fault */
	__u64 cycle;		/* in: caller's number for this cycle, kept */
	__u64 user_hash;	/* in: caller's lubench_set_hash of its set, kept */
	__u64 freeze_tsc;	/* out: the freeze; stamped in the blob header */
	__u64 serialized_tsc;	/* out: record and blob written */
	__u64 tsc_khz;		/* out */
	__u64 table_hash;	/* out: lubench_set_hash of the table */
	__u64 blob_size;	/* out: bytes of the blob (0 with FREEZE_NONE) */
	__u32 nr_preserved;	/* out: devices in the table */
	__u32 reserved0;
	__u64 reserved[2];
};

/* struct lubench_cycle.state */
enum lubench_cycle_state {
	LUBENCH_CYCLE_IDLE	= 0,	/* not loaded with restore=1 */
	LUBENCH_CYCLE_RESTORED	= 1,	/* handover accepted */
	LUBENCH_CYCLE_REFUSED	= 2,	/* refused: nothing restored or marked */
	LUBENCH_CYCLE_FINISHED	= 3,	/* finish ran; stamps stay readable */
};

/* struct lubench_cycle.mode, as the old kernel froze */
#define LUBENCH_MODE_TABLE	0
#define LUBENCH_MODE_NONE	1

/*
 * LUBENCH_IOC_CYCLE: the incoming side of the cycle.  All fields after
 * @version are out.  Fields from the handover record are valid when the
 * record was (state RESTORED, or REFUSED with @defect non-zero).
 */
struct lubench_cycle {
	__u32 size;
	__u32 version;
	__u32 state;		/* enum lubench_cycle_state */
	__u32 mode;		/* LUBENCH_MODE_* */
	__u32 defect;		/* the blob's enum pci_ser_defect, 0 if none */
	__s32 error;		/* -errno when refused before the blob */
	char reason[64];	/* why refused; "" otherwise */
	char variant[LUBENCH_NAME_LEN];	/* layout the old kernel froze */
	/* from the record written at freeze */
	__u64 cycle;
	__u32 fault;		/* enum lubench_fault injected at freeze */
	__u32 old_nr_functions;
	__u64 freeze_tsc;
	__u64 serialized_tsc;
	__u64 kexec_tsc;	/* kexec -e entered the old kernel (reboot notifier) */
	__u64 old_tsc_khz;
	__u64 user_hash;
	__u64 table_hash;
	__u64 blob_size;	/* as the record gives it */
	__u32 nr_preserved;
	__u32 nr_in_table;	/* devices in the retrieved table */
	/* this kernel */
	__u64 tsc_khz;
	__u64 init_tsc;		/* module init entered */
	__u64 init_sched_clock_ns;	/* sched_clock() next to init_tsc */
	__u64 mapped_tsc;	/* handover memory mapped by the backend */
	__u64 retrieved_tsc;	/* record and blob validated, table built */
	__u64 enumerated_tsc;	/* devices created and enumerated */
	__u64 ready_tsc;	/* /dev/lubench registered, init returns */
	__u64 all_retrieved_tsc;	/* nr_retrieved reached nr_in_table */
	__u64 finish_tsc;
	__u64 lookup_cycles;	/* TSC cycles inside pci_ser_find, summed */
	__u64 tsc_pair_cycles;	/* cost of the two rdtsc around a lookup */
	__u32 nr_lookups;	/* devices looked up */
	__u32 nr_incoming;	/* of which found, hence marked */
	__u32 nr_retrieved;
	/*
	 * renumber=1 (a bus renumbering in this kernel, see the module):
	 *  functions and bridges of the module sit at another
	 * BDF than in the old kernel;  devices were marked
	 * incoming although the device now at that BDF is not the one the
	 * old kernel preserved there (the table handed its state to another
	 * device).  Both 0 without renumber=1.  They took the place of
	 * reserved fields: the struct keeps its size and version, and a
	 * caller built before them reads zeros there.
	 */
	__u32 nr_renumbered;
	__u32 nr_aliased;
	__u32 reserved0;
	__u64 reserved[3];
};

/*
 * LUBENCH_IOC_RETRIEVE: take over @nr devices.  Each @ids entry's @flags
 * is 0 in and the device's LUBENCH_DEVF_* out (0 for no such device):
 * a device marked incoming and not yet retrieved gets
 * LUBENCH_DEVF_RETRIEVED and counts in @nr_retrieved.  -ENOENT when no
 * cycle is open (not restored, or finished).
 */
struct lubench_retrieve {
	__u32 size;
	__u32 version;
	__u64 ids;		/* in: user pointer to struct lubench_devid[@nr] */
	__u32 nr;
	__u32 flags;		/* in: 0 */
	__u32 nr_retrieved;	/* out: by this call */
	__u32 nr_left;		/* out: in the table, not retrieved yet */
	__u64 tsc;		/* out: when this call ended */
	__u64 reserved[2];
};

/*
 * LUBENCH_IOC_FINISH: end the incoming side: free the retrieved table
 * and clear the handover so that no later boot restores it.  Marks stay.
 * -ENOENT when no cycle is open.
 */
struct lubench_finish {
	__u32 size;
	__u32 version;
	__u32 flags;		/* in: 0 */
	__u32 nr_unretrieved;	/* out: in the table, never retrieved */
	__u64 tsc;		/* out: when finish completed */
	__u64 reserved[2];
};

/*
 * The set hash the freeze records and user space checks after the jump:
 * order-independent (a sum of a 64-bit mix of each key), so a set hashes
 * the same whatever order the table or the list holds it in.
 */
static inline __u64 lubench_set_hash_add(__u64 h, __u32 domain, __u16 bdf)
{
	__u64 x = ((__u64)domain << 16 | bdf) + 0x9e3779b97f4a7c15ULL;

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return h + (x ^ (x >> 31));
}

#define LUBENCH_IOC_MAGIC	0xB9
#define LUBENCH_IOC_INFO	_IOWR(LUBENCH_IOC_MAGIC, 0x00, struct lubench_info)
#define LUBENCH_IOC_VARIANT	_IOWR(LUBENCH_IOC_MAGIC, 0x01, struct lubench_variant)
#define LUBENCH_IOC_PRESERVE	_IOWR(LUBENCH_IOC_MAGIC, 0x02, struct lubench_dev)
#define LUBENCH_IOC_UNPRESERVE	_IOWR(LUBENCH_IOC_MAGIC, 0x03, struct lubench_dev)
#define LUBENCH_IOC_FIND	_IOWR(LUBENCH_IOC_MAGIC, 0x04, struct lubench_dev)
#define LUBENCH_IOC_BATCH	_IOWR(LUBENCH_IOC_MAGIC, 0x05, struct lubench_batch)
#define LUBENCH_IOC_STATS	_IOWR(LUBENCH_IOC_MAGIC, 0x06, struct lubench_stats)
#define LUBENCH_IOC_RESET	_IOWR(LUBENCH_IOC_MAGIC, 0x07, struct lubench_reset)
#define LUBENCH_IOC_HOTPLUG	_IOWR(LUBENCH_IOC_MAGIC, 0x08, struct lubench_hotplug)
#define LUBENCH_IOC_LIST	_IOWR(LUBENCH_IOC_MAGIC, 0x09, struct lubench_list)
#define LUBENCH_IOC_FREEZE	_IOWR(LUBENCH_IOC_MAGIC, 0x0a, struct lubench_freeze)
#define LUBENCH_IOC_CYCLE	_IOWR(LUBENCH_IOC_MAGIC, 0x0b, struct lubench_cycle)
#define LUBENCH_IOC_RETRIEVE	_IOWR(LUBENCH_IOC_MAGIC, 0x0c, struct lubench_retrieve)
#define LUBENCH_IOC_FINISH	_IOWR(LUBENCH_IOC_MAGIC, 0x0d, struct lubench_finish)

/*
 * IORING_OP_URING_CMD: sqe->cmd_op is an enum lubench_op_code and the
 * 16 bytes of sqe->cmd hold this struct (no IORING_SETUP_SQE128 needed).
 * The CQE's res is the operation's result as in struct lubench_op, or for
 * LUBENCH_OP_BATCH the batch call's status.  @batch is 0 except for
 * LUBENCH_OP_BATCH, where @domain and @bdf are 0.
 *
 * IOSQE_IO_DRAIN is refused: a command io_uring runs drained (the flag
 * on its SQE, or on another SQE of its link, whose head and successor
 * io_uring then drains too) completes with -EOPNOTSUPP and does nothing.
 * io_uring in 6.1 counts completions to release a drained request, and
 * an SQE it rejects at submission (a bad flag or field: its CQE comes
 * at once, io_uring_submit() returns short) is counted too even when it
 * follows the drained one: that request may then run before the ones
 * it should wait for, or, when the count steps over its mark, never,
 * and every SQE after it waits with it until the ring is closed.  The
 * module cannot prevent that, since it sees a command only once the
 * drain let it go: do not combine IOSQE_IO_DRAIN with SQEs that may be
 * rejected on a 6.1 ring, for any opcode.
 */
#define LUBENCH_UCMD_VERSION	1

struct lubench_ucmd {
	__u32 domain;
	__u16 bdf;
	__u8 version;		/* LUBENCH_UCMD_VERSION */
	__u8 flags;		/* in: 0 */
	__u64 batch;		/* user pointer to struct lubench_batch */
};

#endif /* _UAPI_LUBENCH_H */
