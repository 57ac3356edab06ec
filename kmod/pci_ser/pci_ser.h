/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The table of preserved PCI devices and its layout variants.
 *
 * One struct pci_ser exists while any device is preserved.  Its layout is
 * chosen by a struct pci_ser_ops; every variant lives in one file
 * (pci_ser_<name>.c) and is named once, in layouts.list, from which the
 * build generates pci_ser_layouts.h.  The same files build into the
 * kernel module and into user space.
 */
#ifndef LUBENCH_PCI_SER_H
#define LUBENCH_PCI_SER_H

#include "pci_ser_compat.h"
#include "pci_ser_layouts.h"

/*
 * A device is a PCI segment (domain) and a bus/device/function.  VMD
 * creates domains from 0x10000 up, so the domain is 32 bits wide and the
 * combined key needs 48 bits.
 */
struct pci_ser_id {
	u32 domain;
	u16 bdf;
};

static inline u64 pci_ser_key(u32 domain, u16 bdf)
{
	return (u64)domain << 16 | bdf;
}

/*
 * An entry as it is laid out in the handover payload, little-endian.  The
 * 16-bit tail is a reference count in the layouts of refcounted rules
 * (v6, kho-blocks; 0: a free slot) and must be zero in the others but
 * hashed (a used mark).
 */
struct pci_ser_entry {
	__le32 domain;
	__le16 bdf;
	__le16 tail;
};

static inline u64 pci_ser_entry_key(const struct pci_ser_entry *e)
{
	return pci_ser_key(le32_to_cpu(e->domain), le16_to_cpu(e->bdf));
}

static inline void pci_ser_entry_set(struct pci_ser_entry *e, u32 domain,
				     u16 bdf, u16 tail)
{
	e->domain = cpu_to_le32(domain);
	e->bdf = cpu_to_le16(bdf);
	e->tail = cpu_to_le16(tail);
}

static inline bool pci_ser_entry_is(const struct pci_ser_entry *e,
				    u32 domain, u16 bdf)
{
	return le32_to_cpu(e->domain) == domain && le16_to_cpu(e->bdf) == bdf;
}

/*
 * Why a blob or payload was refused.  The strings are part of the output
 * of `lubench inspect` and of the module's log.
 */
enum pci_ser_defect {
	PCI_SER_OK = 0,
	PCI_SER_TRUNCATED,
	PCI_SER_BAD_MAGIC,
	PCI_SER_BAD_VERSION,
	PCI_SER_BAD_COMPATIBLE,
	PCI_SER_UNKNOWN_COMPATIBLE,
	PCI_SER_COMPATIBLE_MISMATCH,
	PCI_SER_SIZE_MISMATCH,
	PCI_SER_TOO_MANY,
	PCI_SER_RESERVED,
	PCI_SER_CHECKSUM,
	PCI_SER_BAD_ENTRY,
	PCI_SER_DUPLICATE,
	PCI_SER_ORDER,
	PCI_SER_NO_MEMORY,
	PCI_SER_BAD_LINK,
	PCI_SER_NR_DEFECTS,
};

const char *pci_ser_defect_str(enum pci_ser_defect d);

struct pci_ser;

typedef void (*pci_ser_visit_t)(void *arg, u32 domain, u16 bdf);

/*
 * The shape of a layout's payload, as far as the tests need it to make
 * every payload defect without knowing the layout by name
 * (tests/unit/pci_ser_blob_test.c).  The payload starts with the fields
 * of @top (a header of its own, if the layout has one), then the
 * entries: either struct pci_ser_entry after struct pci_ser_entry, or
 * blocks of @block bytes, each starting with the fields of @head (the
 * first block is where a LINK field of @top points).  A
 * field is one little-endian __le32 word, or two (a __le64) where said.
 */
enum pci_ser_head_word {
	PCI_SER_HEAD_END = 0,
	PCI_SER_HEAD_COUNT,	/* the number of used entries that follow */
	PCI_SER_HEAD_ZERO,	/* reserved: must be zero */
	PCI_SER_HEAD_SLOTS,	/* the number of slots that follow (the capacity) */
	PCI_SER_HEAD_VERSION,	/* @version; any other is PCI_SER_BAD_VERSION */
	PCI_SER_HEAD_DEVICES,	/* used entries of the whole payload, as the
				 * blob header's nr_devices: else
				 * PCI_SER_SIZE_MISMATCH */
	PCI_SER_HEAD_LINK,	/* __le64: the byte offset of a block within
				 * the payload, 0 for none; an offset that is
				 * no block's, or a loop, is PCI_SER_BAD_LINK */
	PCI_SER_HEAD_FILL,	/* __le64: the block's slots written so far,
				 * used or freed since, 1 up to all of them;
				 * the slots past it are zero.  Wrong, or a
				 * used slot past it, is a malformed entry. */
};

#define PCI_SER_HEAD_MAX	4

/* Bytes a head field takes. */
static inline unsigned int pci_ser_head_bytes(u8 word)
{
	return word == PCI_SER_HEAD_LINK || word == PCI_SER_HEAD_FILL ? 8 : 4;
}

/*
 * @top:	the fields before the first block or entry, END-terminated.
 * @head:	the fields before the entries of each block (or of the one
 *		payload), END-terminated; a wrong count (of entries or of
 *		slots) or a reserved word
 *		not zero is a malformed entry.
 * @used_tail:	the tail of a used entry, any other is a malformed entry.
 *		0: the entries are packed, nr_devices of them; otherwise
 *		they are slots, a free slot has tail 0 and is all zero.
 * @refcounted: a used entry's tail is a refcount: any tail from
 *		@used_tail up is valid, and a tail of 0 under a device (a
 *		free slot not all zero) is the malformed one.
 * @placed:	where an entry is follows from its key (an order, a hash):
 *		an entry moved elsewhere is PCI_SER_ORDER.
 * @block:	bytes of one block, head included, when the payload is a
 *		sequence of blocks of this shape; 0 when it is one.
 * @version:	what a PCI_SER_HEAD_VERSION field holds.
 */
struct pci_ser_payload_desc {
	u8 top[PCI_SER_HEAD_MAX];
	u8 head[PCI_SER_HEAD_MAX];
	u32 block;
	u32 version;
	u16 used_tail;
	bool refcounted;
	bool placed;
};

/*
 * A layout.  Every op but retrieve works on a table made by init.
 *
 * @init:	allocate an empty table for @ser->capacity devices.
 * @preserve:	add a device: 0, -EBUSY if present, -ENOSPC if the table
 *		already holds @ser->capacity devices (in that precedence).
 *		A layout that grows (rules PCI_SER_RULES_KHO) has no
 *		-ENOSPC: -ENOMEM when growing fails, and it raises
 *		@ser->capacity to what it holds when it outgrows it.
 * @unpreserve:	remove a device: 0 or -ENOENT.
 * @find:	whether a device is in the table.  May update hints kept in
 *		the table (cursor), so callers serialise it like the others.
 * @payload_size: bytes serialize will write for the table as it is.
 * @serialize:	write the payload (little-endian, self-contained).
 * @retrieve:	the incoming side: validate @size bytes of payload for
 *		@ser->capacity and @ser->nr_devices (set by the caller from
 *		the header) and build the table.  On a defect return it,
 *		leaving nothing allocated.
 * @for_each:	call @fn for every device in the table, in layout order.
 * @free:	release the table.
 * @payload:	the shape of what serialize writes.
 */
/*
 * The rules a layout follows: those of the revision of the series it
 * belongs to (README.md, "Revisions").  A layout of the alternatives
 * follows v2's.
 *
 * @PCI_SER_RULES_V2:  a VF is -EINVAL, a device preserved twice -EBUSY, a
 *		full table -ENOSPC.  Bridges are not preserved; there is no
 *		frozen state; entries carry no refcount.
 * @PCI_SER_RULES_V6:  v2's, and: every bridge upstream of a preserved
 *		device is preserved with it, its refcount counting the
 *		preserved devices below it (a bridge preserved itself counts
 *		once more, and is never -EBUSY); after freeze, preserve and
 *		unpreserve are -EINVAL; finish drops the refcounts along the
 *		path.  A fixed table: full is -ENOSPC.
 * @PCI_SER_RULES_KHO: v6's, on a table that grows: no -ENOSPC, -ENOMEM when
 *		growth fails.  Bus numbers above preserved devices are kept
 *		across the jump (pci_ser_rules_keep_busnr()).
 */
enum pci_ser_rules {
	PCI_SER_RULES_V2 = 0,
	PCI_SER_RULES_V6,
	PCI_SER_RULES_KHO,
	PCI_SER_NR_RULES,
};

const char *pci_ser_rules_name(enum pci_ser_rules r);
/* PCI_SER_NR_RULES when  is none of "v2", "v6", "kho-blocks". */
enum pci_ser_rules pci_ser_rules_by_name(const char *name);

static inline bool pci_ser_rules_refcounted(enum pci_ser_rules r)
{
	return r != PCI_SER_RULES_V2;
}

/* Whether the table grows (no -ENOSPC) under these rules. */
static inline bool pci_ser_rules_grow(enum pci_ser_rules r)
{
	return r == PCI_SER_RULES_KHO;
}

/*
 * Whether the next kernel keeps the bus numbers of the bridges above
 * preserved devices (the newest revision: the bus numbers are kept
 * across the jump), so that a BDF in the table names the same device
 * after it even where firmware would number the buses otherwise.  v2
 * and v6 keep none: a bus renumbered leaves the table naming BDFs that
 * now hold other devices.
 */
static inline bool pci_ser_rules_keep_busnr(enum pci_ser_rules r)
{
	return r == PCI_SER_RULES_KHO;
}

struct pci_ser_ops {
	const char *name;
	const char *compatible;
	enum pci_ser_rules rules;
	int (*init)(struct pci_ser *ser);
	int (*preserve)(struct pci_ser *ser, u32 domain, u16 bdf);
	int (*unpreserve)(struct pci_ser *ser, u32 domain, u16 bdf);
	bool (*find)(struct pci_ser *ser, u32 domain, u16 bdf);
	size_t (*payload_size)(const struct pci_ser *ser);
	void (*serialize)(const struct pci_ser *ser, void *payload);
	enum pci_ser_defect (*retrieve)(struct pci_ser *ser,
					const void *payload, size_t size);
	void (*for_each)(const struct pci_ser *ser, pci_ser_visit_t fn,
			 void *arg);
	void (*free)(struct pci_ser *ser);
	/*
	 * Only for refcounted rules (NULL under v2's), where an entry's tail is
	 * its refcount and 0 means free:
	 * @refcount:		the device's refcount, 0 when absent.
	 * @set_refcount:	make it @ref: insert the device when absent (may
	 *			fail -ENOSPC or -ENOMEM, changing nothing), remove it
	 *			at 0 (-ENOENT when absent).  Lowering a refcount never
	 *			fails, which is what lets the front end undo a preserve
	 *			that failed partway along a path.
	 * ->preserve of such a layout inserts with refcount 1.
	 */
	u16 (*refcount)(struct pci_ser *ser, u32 domain, u16 bdf);
	int (*set_refcount)(struct pci_ser *ser, u32 domain, u16 bdf, u16 ref);
	struct pci_ser_payload_desc payload;
};

/*
 * @priv is NULL while the table does not exist: before the first
 * preserve, after the last unpreserve, after free.
 */
struct pci_ser {
	const struct pci_ser_ops *ops;
	u32 capacity;
	u32 nr_devices;		/* entries: endpoints and bridges */
	bool frozen;		/* pci_ser_freeze() was called */
	void *priv;
};

/* Every registered layout (layouts.list), NULL-terminated. */
extern const struct pci_ser_ops *const pci_ser_variants[];
const struct pci_ser_ops *pci_ser_variant(const char *name);
const struct pci_ser_ops *pci_ser_variant_by_compatible(const char *compat);

/*
 * The file-lifecycle-bound front end with the rules of the series:
 * a VF is -EINVAL, then the variant's -EBUSY / -ENOSPC.  The table is
 * created at the first preserve with room for @capacity devices (the
 * caller counts the devices present at that moment) and freed when the
 * last device is unpreserved.
 */
int pci_ser_preserve(struct pci_ser *ser, u32 domain, u16 bdf, bool is_vf,
		     u32 capacity);
int pci_ser_unpreserve(struct pci_ser *ser, u32 domain, u16 bdf);

/*
 * A device as the front end sees it: what it is, and the bridges above
 * it (@path[0] the nearest, up to the root port; @nr_path 0 for a device
 * on a root bus).  Under v2's rules the path is ignored.
 */
struct pci_ser_dev {
	u32 domain;
	u16 bdf;
	bool is_vf;
	bool is_bridge;
	u32 nr_path;
	const struct pci_ser_id *path;
};

#define PCI_SER_MAX_PATH	32	/* bridges above one device, at most */

/*
 * preserve_dev: the rules of @ser->ops->rules (enum pci_ser_rules).  On
 * any error the table is exactly as before the call: a bridge refcount
 * raised before a later step failed is lowered again.
 * unpreserve_dev: the reverse; -ENOENT for a device not preserved (a
 * bridge: not preserved itself), -EINVAL once frozen (refcounted rules).
 * finish_dev: the incoming side is done with a device: drop it and,
 * under refcounted rules, the refcounts along its path, frozen or not;
 * -ENOENT when absent.
 * freeze: the table is about to be handed over.
 */
int pci_ser_preserve_dev(struct pci_ser *ser, const struct pci_ser_dev *dev,
			 u32 capacity);
int pci_ser_unpreserve_dev(struct pci_ser *ser, const struct pci_ser_dev *dev);
int pci_ser_finish_dev(struct pci_ser *ser, const struct pci_ser_dev *dev);
void pci_ser_freeze(struct pci_ser *ser);
/* The refcount of a device: 0 absent; under v2's rules 1 when present. */
u16 pci_ser_refcount(struct pci_ser *ser, u32 domain, u16 bdf);
bool pci_ser_find(struct pci_ser *ser, u32 domain, u16 bdf);
void pci_ser_destroy(struct pci_ser *ser);
void pci_ser_for_each(const struct pci_ser *ser, pci_ser_visit_t fn,
		      void *arg);
void pci_ser_for_each_entry(const struct pci_ser_entry *e, u32 nr,
			    pci_ser_visit_t fn, void *arg);

/* Helpers shared by the variants. */
int pci_ser_cmp_entry(const void *a, const void *b);
enum pci_ser_defect pci_ser_check_tails(const struct pci_ser_entry *e,
					u32 nr);
enum pci_ser_defect pci_ser_check_unique(const struct pci_ser_entry *e,
					 u32 nr);
enum pci_ser_defect pci_ser_check_sorted(const struct pci_ser_entry *e,
					 u32 nr);

/*
 * A calibration build (CMake -DLUBENCH_CALIBRATE=LAYOUT:N, for tests and
 * benchmarks only) compiles LAYOUT's file with PCI_SER_CALIBRATE_NOPS=N:
 * its find then runs exactly N more instructions on every call, a change
 * of known size for `lubench ab` to catch.  Otherwise, and always in the
 * module, this is nothing.  Every layout's find starts with it.
 */
#ifdef PCI_SER_CALIBRATE_NOPS
#define PCI_SER_CAL_STR2(x)	#x
#define PCI_SER_CAL_STR(x)	PCI_SER_CAL_STR2(x)
#define pci_ser_calibrate_find() \
	asm volatile(".rept " PCI_SER_CAL_STR(PCI_SER_CALIBRATE_NOPS) \
		     "\n\tnop\n\t.endr")
#else
#define pci_ser_calibrate_find()	do { } while (0)
#endif

#define PCI_SER_DECLARE_OPS(name) extern const struct pci_ser_ops pci_ser_##name##_ops;
PCI_SER_FOR_EACH_VARIANT(PCI_SER_DECLARE_OPS)

#endif /* LUBENCH_PCI_SER_H */
