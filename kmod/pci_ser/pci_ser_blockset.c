// SPDX-License-Identifier: GPL-2.0
/*
 * blockset: the shape of the newest revision.  Entries
 * {u32 domain; u16 bdf; u16 refcount} live in fixed-size blocks that are
 * added as the table fills; preserve scans every block for the device
 * and for the first free slot (refcount 0).  Lookups are linear.  The
 * payload is the blocks in order, each one page.
 */
#include "pci_ser.h"

#define BLOCKSET_ENTRIES	511	/* a block is one 4 KiB page */

struct pci_ser_block {
	__le32 used;
	__le32 reserved;
	struct pci_ser_entry e[BLOCKSET_ENTRIES];
};

struct pci_ser_blockset {
	u32 nr_blocks;
	u32 max_blocks;
	struct pci_ser_block *block[];
};

static struct pci_ser_blockset *bs_table(const struct pci_ser *ser)
{
	return ser->priv;
}

static u32 blockset_max_blocks(u32 capacity)
{
	return DIV_ROUND_UP(capacity, BLOCKSET_ENTRIES);
}

static bool bs_slot_used(const struct pci_ser_entry *e)
{
	return e->tail != 0;
}

/* The used slot holding the device, or NULL; the first free slot too. */
static struct pci_ser_entry *bs_lookup(const struct pci_ser_blockset *t,
				       u32 domain, u16 bdf,
				       struct pci_ser_entry **free_slot)
{
	u32 b, i;

	for (b = 0; b < t->nr_blocks; b++) {
		struct pci_ser_block *blk = t->block[b];
		u32 left = le32_to_cpu(blk->used);

		if (free_slot && !*free_slot && left < BLOCKSET_ENTRIES) {
			for (i = 0; bs_slot_used(&blk->e[i]); i++)
				;
			*free_slot = &blk->e[i];
		}
		/* Stop scanning a block once all its used slots were seen. */
		for (i = 0; left && i < BLOCKSET_ENTRIES; i++) {
			if (!bs_slot_used(&blk->e[i]))
				continue;
			if (pci_ser_entry_is(&blk->e[i], domain, bdf))
				return &blk->e[i];
			left--;
		}
	}
	return NULL;
}

static struct pci_ser_block *bs_block_of(const struct pci_ser_blockset *t,
					 const struct pci_ser_entry *e)
{
	u32 b;

	for (b = 0; b < t->nr_blocks; b++)
		if (e >= t->block[b]->e && e < t->block[b]->e + BLOCKSET_ENTRIES)
			return t->block[b];
	return NULL;
}

static int blockset_init(struct pci_ser *ser)
{
	u32 max_blocks = blockset_max_blocks(ser->capacity);
	struct pci_ser_blockset *t;

	t = kvcalloc(1, sizeof(*t) + max_blocks * sizeof(t->block[0]),
		     GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->max_blocks = max_blocks;
	ser->priv = t;
	return 0;
}

static int blockset_add_block(struct pci_ser_blockset *t)
{
	struct pci_ser_block *blk;

	if (t->nr_blocks >= t->max_blocks)
		return -ENOSPC;
	blk = kzalloc(sizeof(*blk), GFP_KERNEL);
	if (!blk)
		return -ENOMEM;
	t->block[t->nr_blocks++] = blk;
	return 0;
}

static int blockset_preserve(struct pci_ser *ser, u32 domain, u16 bdf)
{
	struct pci_ser_blockset *t = bs_table(ser);
	struct pci_ser_entry *slot = NULL;
	struct pci_ser_block *blk;
	int err;

	if (bs_lookup(t, domain, bdf, &slot))
		return -EBUSY;
	if (ser->nr_devices >= ser->capacity)
		return -ENOSPC;
	if (!slot) {
		err = blockset_add_block(t);
		if (err)
			return err;
		slot = &t->block[t->nr_blocks - 1]->e[0];
	}
	blk = bs_block_of(t, slot);
	pci_ser_entry_set(slot, domain, bdf, 1);
	blk->used = cpu_to_le32(le32_to_cpu(blk->used) + 1);
	ser->nr_devices++;
	return 0;
}

static int blockset_unpreserve(struct pci_ser *ser, u32 domain, u16 bdf)
{
	struct pci_ser_blockset *t = bs_table(ser);
	struct pci_ser_entry *slot = bs_lookup(t, domain, bdf, NULL);
	struct pci_ser_block *blk;

	if (!slot)
		return -ENOENT;
	blk = bs_block_of(t, slot);
	memset(slot, 0, sizeof(*slot));
	blk->used = cpu_to_le32(le32_to_cpu(blk->used) - 1);
	ser->nr_devices--;
	return 0;
}

static bool blockset_find(struct pci_ser *ser, u32 domain, u16 bdf)
{
	pci_ser_calibrate_find();
	return bs_lookup(bs_table(ser), domain, bdf, NULL);
}

static size_t blockset_payload_size(const struct pci_ser *ser)
{
	return (size_t)bs_table(ser)->nr_blocks * sizeof(struct pci_ser_block);
}

static void blockset_serialize(const struct pci_ser *ser, void *payload)
{
	const struct pci_ser_blockset *t = bs_table(ser);
	struct pci_ser_block *out = payload;
	u32 b;

	for (b = 0; b < t->nr_blocks; b++)
		out[b] = *t->block[b];
}

static void blockset_free(struct pci_ser *ser)
{
	struct pci_ser_blockset *t = bs_table(ser);
	u32 b;

	for (b = 0; b < t->nr_blocks; b++)
		kfree(t->block[b]);
	kvfree(t);
}

/* Check one block: refcounts 0 or 1, free slots zero, `used` right. */
static enum pci_ser_defect blockset_check_block(const struct pci_ser_block *blk,
						struct pci_ser_entry *keys,
						u32 *nr_keys, u32 room)
{
	u32 i, used = 0;

	if (blk->reserved)
		return PCI_SER_BAD_ENTRY;
	for (i = 0; i < BLOCKSET_ENTRIES; i++) {
		const struct pci_ser_entry *e = &blk->e[i];

		if (!bs_slot_used(e)) {
			if (e->domain || e->bdf)
				return PCI_SER_BAD_ENTRY;
			continue;
		}
		if (le16_to_cpu(e->tail) != 1)
			return PCI_SER_BAD_ENTRY;
		if (*nr_keys >= room)
			return PCI_SER_SIZE_MISMATCH;
		keys[(*nr_keys)++] = *e;
		used++;
	}
	return used == le32_to_cpu(blk->used) ? PCI_SER_OK :
						PCI_SER_BAD_ENTRY;
}

static enum pci_ser_defect blockset_retrieve(struct pci_ser *ser,
					     const void *payload, size_t size)
{
	const struct pci_ser_block *in = payload;
	struct pci_ser_entry *keys;
	struct pci_ser_blockset *t;
	enum pci_ser_defect d = PCI_SER_OK;
	u32 b, nr_blocks, nr_keys = 0;

	if (size % sizeof(*in))
		return PCI_SER_SIZE_MISMATCH;
	nr_blocks = size / sizeof(*in);
	if (nr_blocks > blockset_max_blocks(ser->capacity))
		return PCI_SER_SIZE_MISMATCH;

	keys = kvmalloc_array(max(ser->nr_devices, 1U), sizeof(*keys),
			      GFP_KERNEL);
	if (!keys)
		return PCI_SER_NO_MEMORY;
	for (b = 0; b < nr_blocks && !d; b++)
		d = blockset_check_block(&in[b], keys, &nr_keys,
					 ser->nr_devices);
	if (!d && nr_keys != ser->nr_devices)
		d = PCI_SER_SIZE_MISMATCH;
	if (!d)
		d = pci_ser_check_unique(keys, nr_keys);
	kvfree(keys);
	if (d)
		return d;

	if (blockset_init(ser))
		return PCI_SER_NO_MEMORY;
	t = bs_table(ser);
	for (b = 0; b < nr_blocks; b++) {
		if (blockset_add_block(t)) {
			blockset_free(ser);
			ser->priv = NULL;
			return PCI_SER_NO_MEMORY;
		}
		*t->block[b] = in[b];
	}
	return PCI_SER_OK;
}

static void blockset_for_each(const struct pci_ser *ser, pci_ser_visit_t fn,
			      void *arg)
{
	const struct pci_ser_blockset *t = bs_table(ser);
	u32 b, i;

	for (b = 0; b < t->nr_blocks; b++)
		for (i = 0; i < BLOCKSET_ENTRIES; i++)
			if (bs_slot_used(&t->block[b]->e[i]))
				pci_ser_for_each_entry(&t->block[b]->e[i], 1,
						       fn, arg);
}

const struct pci_ser_ops pci_ser_blockset_ops = {
	.name		= "blockset",
	.compatible	= "lubench,pci-ser-blockset-v1",
	.init		= blockset_init,
	.preserve	= blockset_preserve,
	.unpreserve	= blockset_unpreserve,
	.find		= blockset_find,
	.payload_size	= blockset_payload_size,
	.serialize	= blockset_serialize,
	.retrieve	= blockset_retrieve,
	.for_each	= blockset_for_each,
	.free		= blockset_free,
	/* Blocks of slots behind @used and @reserved; refcount 1 when used. */
	.payload	= {
		.head		= { PCI_SER_HEAD_COUNT, PCI_SER_HEAD_ZERO },
		.block		= sizeof(struct pci_ser_block),
		.used_tail	= 1,
		.placed		= false,
	},
};
