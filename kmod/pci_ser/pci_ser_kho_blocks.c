// SPDX-License-Identifier: GPL-2.0
/*
 * kho-blocks: the layout of the newest revision of "PCI: Add API to track
 * PCI devices preserved across Live Update" seen in public trees.  A
 * struct pci_ser { u32 version; u32 nr_devices; u64 devices; } names the
 * first block of a KHO block set: page-sized blocks, each a header
 * { u64 next; u64 count; } and 510 entries { u32 domain; u16 bdf; u16
 * refcount; }.  The set grows a block at a time and never shrinks while
 * the table lives; an entry whose refcount dropped to 0 is zeroed and
 * reused.  Preserve scans every written entry, for the device and for a
 * free one, before it grows the set: O(entries).  The incoming side
 * checks the version, walks the blocks and puts every live entry into
 * an xarray keyed by domain << 16 | bdf; lookups then are xa_load().
 *
 * Upstream, devices and next are physical addresses.  This payload is
 * self-contained: the struct pci_ser comes first, and devices and next
 * are byte offsets of blocks within the payload (0: none), the blocks
 * written in the order of the chain.
 */
#include "pci_ser.h"

#define KB_VERSION	1		/* upstream's PCI_LUO_FLB_VERSION */
#define KB_BLOCK_SIZE	4096		/* a page */
#define KB_MAX_BLOCKS	10000		/* upstream's KHO_MAX_BLOCKS */

/* struct pci_ser of the revision: the top of the payload. */
struct kb_top {
	__le32 version;
	__le32 nr_devices;
	__le64 devices;		/* offset of the first block, 0 for none */
};

struct kb_block_hdr {
	__le64 next;		/* offset of the next block, 0 for none */
	__le64 count;		/* entries written so far, used or freed */
};

#define KB_PER_BLOCK	((KB_BLOCK_SIZE - sizeof(struct kb_block_hdr)) / \
			 sizeof(struct pci_ser_entry))

struct kb_block {
	struct kb_block_hdr h;	/* next is 0 in memory, set when serialized */
	struct pci_ser_entry e[KB_PER_BLOCK];
};

/*
 * @index:	after retrieve (@indexed), every used entry's slot by key,
 *		kept up to date by the ops after it.  The outgoing side
 *		has none: it finds entries by scanning, as upstream's
 *		outgoing block set is scanned for a free entry.
 * @hint:	the slot last found by a scan.  Upstream finds the entry of
 *		a device already preserved (a bridge again) through a
 *		pointer in its struct pci_dev; the front end here asks for
 *		a refcount and then sets it, and the hint makes the second
 *		ask cost what the pointer does instead of another scan.
 * @missed:	the same for a device the scan did not find (a new bridge:
 *		its refcount is read, 0, then set to 1), until the table
 *		changes.
 */
struct kb_table {
	struct kb_block **block;
	u32 nr_blocks;
	u32 max_blocks;		/* room in @block */
	u32 hint;
	bool missed;		/* the last scan found @miss_key absent */
	u64 miss_key;
	u32 miss_free;		/* and this first free slot */
	bool indexed;
	struct xarray index;
};

static struct kb_table *kb_table(const struct pci_ser *ser)
{
	return ser->priv;
}

static u32 kb_fill(const struct kb_block *b)
{
	return (u32)le64_to_cpu(b->h.count);
}

static struct pci_ser_entry *kb_slot(const struct kb_table *t, u32 slot)
{
	return &t->block[slot / KB_PER_BLOCK]->e[slot % KB_PER_BLOCK];
}

#define KB_NONE	U32_MAX

/* Whether @slot is a written slot holding the device. */
static bool kb_holds(const struct kb_table *t, u32 slot, u32 domain, u16 bdf)
{
	const struct kb_block *blk;

	if (slot / KB_PER_BLOCK >= t->nr_blocks)
		return false;
	blk = t->block[slot / KB_PER_BLOCK];
	return slot % KB_PER_BLOCK < kb_fill(blk) &&
	       blk->e[slot % KB_PER_BLOCK].tail &&
	       pci_ser_entry_is(&blk->e[slot % KB_PER_BLOCK], domain, bdf);
}

/*
 * The slot of the device, or KB_NONE, and in *@first the first free slot
 * among those written (KB_NONE if none).  Every written entry is looked
 * at: the device may be anywhere.  Writes nothing.
 */
static u32 kb_search(const struct kb_table *t, u32 domain, u16 bdf,
		     u32 *first)
{
	u32 b, i;

	*first = KB_NONE;
	for (b = 0; b < t->nr_blocks; b++) {
		const struct kb_block *blk = t->block[b];
		u32 fill = kb_fill(blk);

		for (i = 0; i < fill; i++) {
			const struct pci_ser_entry *e = &blk->e[i];

			if (!e->tail) {
				if (*first == KB_NONE)
					*first = b * KB_PER_BLOCK + i;
				continue;
			}
			if (pci_ser_entry_is(e, domain, bdf))
				return b * KB_PER_BLOCK + i;
		}
	}
	return KB_NONE;
}

/*
 * kb_search() through the hints, which it then updates; with @free, the
 * first free slot too.  Only where the table may change (the callers
 * hold the lock that excludes every other op): find uses kb_peek().
 */
static u32 kb_scan(struct kb_table *t, u32 domain, u16 bdf, u32 *free)
{
	u32 first, slot;

	if (kb_holds(t, t->hint, domain, bdf))
		return t->hint;
	if (t->missed && t->miss_key == pci_ser_key(domain, bdf)) {
		if (free)
			*free = t->miss_free;
		return KB_NONE;
	}
	slot = kb_search(t, domain, bdf, &first);
	if (slot != KB_NONE) {
		t->hint = slot;
		return slot;
	}
	t->missed = true;
	t->miss_key = pci_ser_key(domain, bdf);
	t->miss_free = first;
	if (free)
		*free = first;
	return KB_NONE;
}

/*
 * kb_scan() that only reads the hints: a find may run beside other
 * finds (the read side of the revision's rw-semaphore), so it writes
 * nothing in the table.
 */
static u32 kb_peek(const struct kb_table *t, u32 domain, u16 bdf)
{
	u32 first;

	if (kb_holds(t, t->hint, domain, bdf))
		return t->hint;
	if (t->missed && t->miss_key == pci_ser_key(domain, bdf))
		return KB_NONE;
	return kb_search(t, domain, bdf, &first);
}

static u32 kb_locate(struct kb_table *t, u32 domain, u16 bdf)
{
	void *v;

	if (!t->indexed)
		return kb_scan(t, domain, bdf, NULL);
	v = xa_load(&t->index, pci_ser_key(domain, bdf));
	return v ? (u32)xa_to_value(v) : KB_NONE;
}

static int kb_init(struct pci_ser *ser)
{
	struct kb_table *t = kzalloc(sizeof(*t), GFP_KERNEL);

	BUILD_BUG_ON(sizeof(struct kb_block) != KB_BLOCK_SIZE);
	BUILD_BUG_ON(KB_PER_BLOCK != 510);
	BUILD_BUG_ON(sizeof(unsigned long) < 8);
	if (!t)
		return -ENOMEM;
	xa_init(&t->index);
	ser->priv = t;
	return 0;
}

/* Append an empty block; -ENOMEM (nothing changed) when that fails. */
static int kb_grow(struct kb_table *t)
{
	struct kb_block *blk;

	if (t->nr_blocks >= KB_MAX_BLOCKS)
		return -ENOSPC;		/* upstream's safeguard, as upstream */
	if (t->nr_blocks == t->max_blocks) {
		u32 max = t->max_blocks ? 2 * t->max_blocks : 4;
		struct kb_block **a = kvmalloc_array(max, sizeof(*a),
						     GFP_KERNEL);

		if (!a)
			return -ENOMEM;
		if (t->nr_blocks)
			memcpy(a, t->block, t->nr_blocks * sizeof(*a));
		kvfree(t->block);
		t->block = a;
		t->max_blocks = max;
	}
	blk = kzalloc(sizeof(*blk), GFP_KERNEL);
	if (!blk)
		return -ENOMEM;
	t->block[t->nr_blocks++] = blk;
	return 0;
}

static void kb_shrink(struct kb_table *t)
{
	kfree(t->block[--t->nr_blocks]);
}

/*
 * Put a device that is not in the table into @slot (a free one found by
 * the scan) or, with KB_NONE, into the next unwritten one, growing the
 * set when every block is full.  On failure nothing changed.
 */
static int kb_insert(struct pci_ser *ser, u32 slot, u32 domain, u16 bdf,
		     u16 ref)
{
	struct kb_table *t = kb_table(ser);
	struct kb_block *last = NULL;
	bool grew = false, wrote = false;
	int err;

	if (slot == KB_NONE) {
		last = t->nr_blocks ? t->block[t->nr_blocks - 1] : NULL;
		if (!last || kb_fill(last) == KB_PER_BLOCK) {
			err = kb_grow(t);
			if (err)
				return err;
			grew = true;
			last = t->block[t->nr_blocks - 1];
		}
		slot = (t->nr_blocks - 1) * KB_PER_BLOCK + kb_fill(last);
		last->h.count = cpu_to_le64(kb_fill(last) + 1);
		wrote = true;
	}
	if (t->indexed) {
		err = xa_err(xa_store(&t->index, pci_ser_key(domain, bdf),
				      xa_mk_value(slot), GFP_KERNEL));
		if (err) {
			if (wrote)
				last->h.count = cpu_to_le64(kb_fill(last) - 1);
			if (grew)
				kb_shrink(t);
			return err;
		}
	}
	t->missed = false;
	pci_ser_entry_set(kb_slot(t, slot), domain, bdf, ref);
	ser->nr_devices++;
	/* The header's capacity never says less than the table holds. */
	if (ser->nr_devices > ser->capacity)
		ser->capacity = ser->nr_devices;
	return 0;
}

/* The slot is freed and zeroed; the block stays, as upstream. */
static void kb_remove(struct pci_ser *ser, u32 slot)
{
	struct kb_table *t = kb_table(ser);
	struct pci_ser_entry *e = kb_slot(t, slot);

	t->missed = false;
	if (t->indexed)
		xa_erase(&t->index, pci_ser_entry_key(e));
	memset(e, 0, sizeof(*e));
	ser->nr_devices--;
}

static int kb_preserve(struct pci_ser *ser, u32 domain, u16 bdf)
{
	u32 free = KB_NONE;

	if (kb_scan(kb_table(ser), domain, bdf, &free) != KB_NONE)
		return -EBUSY;
	return kb_insert(ser, free, domain, bdf, 1);
}

static int kb_unpreserve(struct pci_ser *ser, u32 domain, u16 bdf)
{
	u32 slot = kb_locate(kb_table(ser), domain, bdf);

	if (slot == KB_NONE)
		return -ENOENT;
	kb_remove(ser, slot);
	return 0;
}

static bool kb_find(struct pci_ser *ser, u32 domain, u16 bdf)
{
	struct kb_table *t = kb_table(ser);

	pci_ser_calibrate_find();
	if (t->indexed)
		return xa_load(&t->index, pci_ser_key(domain, bdf));
	return kb_peek(t, domain, bdf) != KB_NONE;
}

static u16 kb_refcount(struct pci_ser *ser, u32 domain, u16 bdf)
{
	struct kb_table *t = kb_table(ser);
	u32 slot = kb_locate(t, domain, bdf);

	return slot == KB_NONE ? 0 : le16_to_cpu(kb_slot(t, slot)->tail);
}

static int kb_set_refcount(struct pci_ser *ser, u32 domain, u16 bdf, u16 ref)
{
	struct kb_table *t = kb_table(ser);
	u32 free = KB_NONE, slot;

	if (ref)
		slot = kb_scan(t, domain, bdf, &free);
	else
		slot = kb_locate(t, domain, bdf);
	if (slot == KB_NONE)
		return ref ? kb_insert(ser, free, domain, bdf, ref) : -ENOENT;
	if (!ref)
		kb_remove(ser, slot);
	else
		kb_slot(t, slot)->tail = cpu_to_le16(ref);
	return 0;
}

static size_t kb_payload_size(const struct pci_ser *ser)
{
	return sizeof(struct kb_top) +
	       (size_t)kb_table(ser)->nr_blocks * KB_BLOCK_SIZE;
}

static u64 kb_offset(u32 b)
{
	return sizeof(struct kb_top) + (u64)b * KB_BLOCK_SIZE;
}

static void kb_serialize(const struct pci_ser *ser, void *payload)
{
	const struct kb_table *t = kb_table(ser);
	struct kb_top *top = payload;
	struct kb_block *out = (struct kb_block *)(top + 1);
	u32 b;

	top->version = cpu_to_le32(KB_VERSION);
	top->nr_devices = cpu_to_le32(ser->nr_devices);
	top->devices = cpu_to_le64(t->nr_blocks ? kb_offset(0) : 0);
	for (b = 0; b < t->nr_blocks; b++) {
		memcpy(&out[b], t->block[b], sizeof(out[b]));
		out[b].h.next = cpu_to_le64(b + 1 < t->nr_blocks ?
					    kb_offset(b + 1) : 0);
	}
}

static void kb_free(struct pci_ser *ser)
{
	struct kb_table *t = kb_table(ser);

	while (t->nr_blocks)
		kb_shrink(t);
	kvfree(t->block);
	xa_destroy(&t->index);
	kfree(t);
}

/* The block an offset names, or -1: inside the payload, at a block. */
static long kb_block_at(u64 off, u32 nr_blocks)
{
	if (off < sizeof(struct kb_top) ||
	    (off - sizeof(struct kb_top)) % KB_BLOCK_SIZE)
		return -1;
	off = (off - sizeof(struct kb_top)) / KB_BLOCK_SIZE;
	return off < nr_blocks ? (long)off : -1;
}

/*
 * One block: 1 to 510 entries written, all 510 unless it is the last
 * (the set grows only when every block is full), free slots all zero,
 * nothing past the written ones.  Adds its used entries to @live.
 */
static enum pci_ser_defect kb_check_block(const struct kb_block *blk,
					  bool last, u32 *live)
{
	u64 fill = le64_to_cpu(blk->h.count);
	u32 i;

	if (!fill || fill > KB_PER_BLOCK || (!last && fill != KB_PER_BLOCK))
		return PCI_SER_BAD_ENTRY;
	for (i = 0; i < KB_PER_BLOCK; i++) {
		const struct pci_ser_entry *e = &blk->e[i];

		if (i < fill && e->tail)
			(*live)++;
		else if (e->domain || e->bdf || e->tail)
			return PCI_SER_BAD_ENTRY;
	}
	return PCI_SER_OK;
}

/*
 * Walk the chain from top->devices: every offset a block's, no loop, every
 * block of the payload on it once; then check each block.  @order gets
 * the blocks in chain order when not NULL.
 */
static enum pci_ser_defect kb_walk(const struct kb_top *top,
				   const struct kb_block *in, u32 nr_blocks,
				   u32 *live, u32 *order)
{
	enum pci_ser_defect d;
	u32 steps = 0;
	u64 off;
	long b;

	for (off = le64_to_cpu(top->devices); off; steps++) {
		b = kb_block_at(off, nr_blocks);
		/* A chain longer than the blocks there are comes round. */
		if (b < 0 || steps == nr_blocks)
			return PCI_SER_BAD_LINK;
		off = le64_to_cpu(in[b].h.next);
	}
	/* Blocks the chain does not reach. */
	if (steps != nr_blocks)
		return PCI_SER_SIZE_MISMATCH;
	for (off = le64_to_cpu(top->devices), steps = 0; off; steps++) {
		b = kb_block_at(off, nr_blocks);
		off = le64_to_cpu(in[b].h.next);
		d = kb_check_block(&in[b], !off, live);
		if (d)
			return d;
		if (order)
			order[steps] = (u32)b;
	}
	return PCI_SER_OK;
}

static enum pci_ser_defect kb_retrieve(struct pci_ser *ser,
				       const void *payload, size_t size)
{
	const struct kb_top *top = payload;
	const struct kb_block *in = (const struct kb_block *)(top + 1);
	enum pci_ser_defect d;
	struct kb_table *t;
	u32 nr_blocks, live = 0, b, i, *order;

	if (size < sizeof(*top) || (size - sizeof(*top)) % KB_BLOCK_SIZE)
		return PCI_SER_SIZE_MISMATCH;
	if (le32_to_cpu(top->version) != KB_VERSION)
		return PCI_SER_BAD_VERSION;
	if (le32_to_cpu(top->nr_devices) != ser->nr_devices)
		return PCI_SER_SIZE_MISMATCH;
	nr_blocks = (size - sizeof(*top)) / KB_BLOCK_SIZE;
	if (nr_blocks > KB_MAX_BLOCKS)
		return PCI_SER_BAD_LINK;
	d = kb_walk(top, in, nr_blocks, &live, NULL);
	if (d)
		return d;
	if (live != ser->nr_devices)
		return PCI_SER_SIZE_MISMATCH;

	order = kvmalloc_array(max(nr_blocks, 1U), sizeof(*order), GFP_KERNEL);
	if (!order)
		return PCI_SER_NO_MEMORY;
	kb_walk(top, in, nr_blocks, &live, order);
	if (kb_init(ser)) {
		kvfree(order);
		return PCI_SER_NO_MEMORY;
	}
	t = kb_table(ser);
	t->indexed = true;
	for (b = 0; b < nr_blocks && !d; b++) {
		if (kb_grow(t)) {
			d = PCI_SER_NO_MEMORY;
			break;
		}
		memcpy(t->block[b], &in[order[b]], sizeof(*in));
		t->block[b]->h.next = 0;
		/* Every live entry into the xarray: also the duplicate check. */
		for (i = 0; i < kb_fill(t->block[b]) && !d; i++) {
			const struct pci_ser_entry *e = &t->block[b]->e[i];
			void *old;

			if (!e->tail)
				continue;
			old = xa_store(&t->index, pci_ser_entry_key(e),
				       xa_mk_value(b * KB_PER_BLOCK + i),
				       GFP_KERNEL);
			if (old)
				d = xa_err(old) ? PCI_SER_NO_MEMORY :
						  PCI_SER_DUPLICATE;
		}
	}
	kvfree(order);
	if (d) {
		kb_free(ser);
		ser->priv = NULL;
	}
	return d;
}

static void kb_for_each(const struct pci_ser *ser, pci_ser_visit_t fn,
			void *arg)
{
	const struct kb_table *t = kb_table(ser);
	u32 b, i;

	for (b = 0; b < t->nr_blocks; b++)
		for (i = 0; i < kb_fill(t->block[b]); i++)
			if (t->block[b]->e[i].tail)
				pci_ser_for_each_entry(&t->block[b]->e[i], 1,
						       fn, arg);
}

const struct pci_ser_ops pci_ser_kho_blocks_ops = {
	.name		= "kho-blocks",
	.compatible	= "lubench,pci-ser-kho-blocks-v1",
	.rules		= PCI_SER_RULES_KHO,
	.init		= kb_init,
	.preserve	= kb_preserve,
	.unpreserve	= kb_unpreserve,
	.find		= kb_find,
	.payload_size	= kb_payload_size,
	.serialize	= kb_serialize,
	.retrieve	= kb_retrieve,
	.for_each	= kb_for_each,
	.free		= kb_free,
	.refcount	= kb_refcount,
	.set_refcount	= kb_set_refcount,
	/* struct pci_ser, then the chain of blocks; tails are refcounts. */
	.payload	= {
		.top		= { PCI_SER_HEAD_VERSION, PCI_SER_HEAD_DEVICES,
				    PCI_SER_HEAD_LINK },
		.head		= { PCI_SER_HEAD_LINK, PCI_SER_HEAD_FILL },
		.block		= sizeof(struct kb_block),
		.version	= KB_VERSION,
		.used_tail	= 1,
		.refcounted	= true,
		.placed		= false,
	},
};
