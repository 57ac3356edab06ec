// SPDX-License-Identifier: GPL-2.0
/*
 * hashed: open addressing with linear probing, laid out in the payload
 * itself, so the next kernel validates the slots and looks up in them
 * with no rebuild.  The table has a power-of-two number of slots, at
 * least twice the capacity, so a probe always meets an empty slot.
 * A used slot has tail 1; an empty slot is all zero.  Deletion shifts
 * later entries of the run back, so there are no tombstones.
 */
#include "pci_ser.h"

#define HASHED_USED	1

struct pci_ser_hashed {
	u32 mask;
	u32 bits;
	struct pci_ser_entry slot[];
};

static struct pci_ser_hashed *hashed_table(const struct pci_ser *ser)
{
	return ser->priv;
}

static u32 hashed_nr_slots(u32 capacity)
{
	return roundup_pow_of_two(max(2UL * capacity, 2UL));
}

/* Fibonacci hashing: PCI keys are clustered, the multiply spreads them. */
static u32 hashed_home(const struct pci_ser_hashed *t, u64 key)
{
	return (key * 0x9e3779b97f4a7c15ULL) >> (64 - t->bits);
}

static bool hashed_used(const struct pci_ser_entry *e)
{
	return e->tail != 0;
}

/* The slot holding @key, or the empty slot where its probe ends. */
static u32 hashed_probe(const struct pci_ser_hashed *t, u32 domain, u16 bdf)
{
	u32 i = hashed_home(t, pci_ser_key(domain, bdf));

	while (hashed_used(&t->slot[i]) &&
	       !pci_ser_entry_is(&t->slot[i], domain, bdf))
		i = (i + 1) & t->mask;
	return i;
}

static int hashed_init(struct pci_ser *ser)
{
	u32 n = hashed_nr_slots(ser->capacity);
	struct pci_ser_hashed *t;

	t = kvcalloc(1, sizeof(*t) + n * sizeof(struct pci_ser_entry),
		     GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->mask = n - 1;
	t->bits = ilog2(n);
	ser->priv = t;
	return 0;
}

static int hashed_preserve(struct pci_ser *ser, u32 domain, u16 bdf)
{
	struct pci_ser_hashed *t = hashed_table(ser);
	u32 i = hashed_probe(t, domain, bdf);

	if (hashed_used(&t->slot[i]))
		return -EBUSY;
	if (ser->nr_devices >= ser->capacity)
		return -ENOSPC;
	pci_ser_entry_set(&t->slot[i], domain, bdf, HASHED_USED);
	ser->nr_devices++;
	return 0;
}

/* Whether home slot @h lies cyclically in (@hole, @j]. */
static bool hashed_between(u32 hole, u32 h, u32 j)
{
	return hole <= j ? hole < h && h <= j : hole < h || h <= j;
}

static int hashed_unpreserve(struct pci_ser *ser, u32 domain, u16 bdf)
{
	struct pci_ser_hashed *t = hashed_table(ser);
	u32 hole = hashed_probe(t, domain, bdf), j = hole;

	if (!hashed_used(&t->slot[hole]))
		return -ENOENT;
	/*
	 * Pull back every later entry of the run whose home is not between
	 * the hole and itself, so no probe is cut short by the new gap.
	 */
	for (;;) {
		j = (j + 1) & t->mask;
		if (!hashed_used(&t->slot[j]))
			break;
		if (hashed_between(hole, hashed_home(t,
				pci_ser_entry_key(&t->slot[j])), j))
			continue;
		t->slot[hole] = t->slot[j];
		hole = j;
	}
	memset(&t->slot[hole], 0, sizeof(t->slot[hole]));
	ser->nr_devices--;
	return 0;
}

static bool hashed_find(struct pci_ser *ser, u32 domain, u16 bdf)
{
	struct pci_ser_hashed *t = hashed_table(ser);

	pci_ser_calibrate_find();
	return hashed_used(&t->slot[hashed_probe(t, domain, bdf)]);
}

static size_t hashed_payload_size(const struct pci_ser *ser)
{
	return (size_t)hashed_nr_slots(ser->capacity) *
	       sizeof(struct pci_ser_entry);
}

static void hashed_serialize(const struct pci_ser *ser, void *payload)
{
	memcpy(payload, hashed_table(ser)->slot, hashed_payload_size(ser));
}

/*
 * Every used slot must be where a lookup of its key stops: that catches
 * misplaced entries (the probe meets a gap first) and duplicates (the
 * probe stops at the earlier copy).
 */
static enum pci_ser_defect hashed_check(const struct pci_ser_hashed *t,
					u32 nr)
{
	const struct pci_ser_entry *s = t->slot;
	u32 i, used = 0;

	for (i = 0; i <= t->mask; i++) {
		if (!hashed_used(&s[i])) {
			if (s[i].domain || s[i].bdf)
				return PCI_SER_BAD_ENTRY;
			continue;
		}
		if (le16_to_cpu(s[i].tail) != HASHED_USED)
			return PCI_SER_BAD_ENTRY;
		used++;
	}
	if (used != nr)
		return PCI_SER_SIZE_MISMATCH;
	for (i = 0; i <= t->mask; i++) {
		u32 at;

		if (!hashed_used(&s[i]))
			continue;
		at = hashed_probe(t, le32_to_cpu(s[i].domain),
				  le16_to_cpu(s[i].bdf));
		if (at != i)
			return hashed_used(&s[at]) ? PCI_SER_DUPLICATE :
						     PCI_SER_ORDER;
	}
	return PCI_SER_OK;
}

static void hashed_free(struct pci_ser *ser)
{
	kvfree(ser->priv);
}

static enum pci_ser_defect hashed_retrieve(struct pci_ser *ser,
					   const void *payload, size_t size)
{
	enum pci_ser_defect d;

	/* More devices than half the slots and a probe might never end. */
	if (ser->nr_devices > ser->capacity)
		return PCI_SER_TOO_MANY;
	if (size != hashed_payload_size(ser))
		return PCI_SER_SIZE_MISMATCH;
	if (hashed_init(ser))
		return PCI_SER_NO_MEMORY;
	memcpy(hashed_table(ser)->slot, payload, size);
	d = hashed_check(hashed_table(ser), ser->nr_devices);
	if (d) {
		hashed_free(ser);
		ser->priv = NULL;
	}
	return d;
}

static void hashed_for_each(const struct pci_ser *ser, pci_ser_visit_t fn,
			    void *arg)
{
	const struct pci_ser_hashed *t = hashed_table(ser);
	u32 i;

	for (i = 0; i <= t->mask; i++)
		if (hashed_used(&t->slot[i]))
			pci_ser_for_each_entry(&t->slot[i], 1, fn, arg);
}

const struct pci_ser_ops pci_ser_hashed_ops = {
	.name		= "hashed",
	.compatible	= "lubench,pci-ser-hashed-v1",
	.init		= hashed_init,
	.preserve	= hashed_preserve,
	.unpreserve	= hashed_unpreserve,
	.find		= hashed_find,
	.payload_size	= hashed_payload_size,
	.serialize	= hashed_serialize,
	.retrieve	= hashed_retrieve,
	.for_each	= hashed_for_each,
	.free		= hashed_free,
	/* Slots; an entry sits where the probe of its key stops. */
	.payload	= { .used_tail = HASHED_USED, .placed = true },
};
