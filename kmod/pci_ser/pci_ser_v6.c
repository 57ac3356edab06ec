// SPDX-License-Identifier: GPL-2.0
/*
 * v6: the layout of the v6 posting (May-June 2026) of "PCI: Add API to
 * track PCI devices preserved across Live Update" (compatible "pci-v2"
 * upstream since v4, when the entry's reserved field became a refcount).
 *
 * Outgoing, the table is what the handover carries: a fixed array of
 * @capacity entries {u32 domain; u16 bdf; u16 refcount} behind two words
 * {u32 max_nr_devices; u32 nr_devices}, sized at the first preserve.  A
 * slot with refcount 0 is free and all zero; a new device takes the first
 * free slot found circularly from index nr_devices, and a full table is
 * -ENOSPC.  Finding a device there scans the slots.
 *
 * Incoming, retrieve validates the array and indexes every used slot in
 * an xarray keyed by (domain << 16 | bdf), so the lookup the PCI core
 * makes for every enumerated device is one xa_load.  The array stays the
 * store of the refcounts; a table that keeps working after retrieve keeps
 * the index up to date.  The key needs 48 bits: 64-bit longs only.
 */
#include "pci_ser.h"

/* What the handover carries, little-endian (struct pci_ser upstream). */
struct pci_ser_v6_abi {
	__le32 max_nr_devices;
	__le32 nr_devices;
	struct pci_ser_entry devices[];
};

struct pci_ser_v6 {
	struct xarray index;	/* key -> slot, only once @indexed */
	bool indexed;		/* retrieved: lookups are xa_load */
	struct pci_ser_v6_abi *abi;	/* right behind, in the same allocation */
};

static struct pci_ser_v6 *v6_table(const struct pci_ser *ser)
{
	return ser->priv;
}

static bool v6_used(const struct pci_ser_entry *e)
{
	return e->tail != 0;
}

static int v6_init(struct pci_ser *ser)
{
	struct pci_ser_v6 *t;

	BUILD_BUG_ON(sizeof(unsigned long) < 8);
	t = kvcalloc(1, sizeof(*t) + sizeof(*t->abi) +
		     max(ser->capacity, 1U) * sizeof(struct pci_ser_entry),
		     GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	xa_init(&t->index);
	t->abi = (struct pci_ser_v6_abi *)(t + 1);
	t->abi->max_nr_devices = cpu_to_le32(ser->capacity);
	ser->priv = t;
	return 0;
}

/* The used slot holding the device, or NULL. */
static struct pci_ser_entry *v6_lookup(const struct pci_ser *ser, u32 domain,
				       u16 bdf)
{
	struct pci_ser_v6 *t = v6_table(ser);
	struct pci_ser_entry *e = t->abi->devices;
	void *slot;
	u32 i;

	if (t->indexed) {
		slot = xa_load(&t->index, pci_ser_key(domain, bdf));
		return slot ? &e[xa_to_value(slot)] : NULL;
	}
	for (i = 0; i < ser->capacity; i++)
		if (v6_used(&e[i]) && pci_ser_entry_is(&e[i], domain, bdf))
			return &e[i];
	return NULL;
}

/* A free slot, searched for circularly from nr_devices; -ENOSPC if none. */
static long v6_free_slot(const struct pci_ser *ser)
{
	const struct pci_ser_entry *e = v6_table(ser)->abi->devices;
	u32 i, s;

	for (i = 0; i < ser->capacity; i++) {
		s = (ser->nr_devices + i) % ser->capacity;
		if (!v6_used(&e[s]))
			return s;
	}
	return -ENOSPC;
}

static void v6_set_count(struct pci_ser *ser, u32 nr)
{
	ser->nr_devices = nr;
	v6_table(ser)->abi->nr_devices = cpu_to_le32(nr);
}

/* Put a device that is absent into a free slot with refcount @ref (>= 1). */
static int v6_insert(struct pci_ser *ser, u32 domain, u16 bdf, u16 ref)
{
	struct pci_ser_v6 *t = v6_table(ser);
	long s = v6_free_slot(ser);
	int err;

	if (s < 0)
		return s;
	if (t->indexed) {
		err = xa_err(xa_store(&t->index, pci_ser_key(domain, bdf),
				      xa_mk_value(s), GFP_KERNEL));
		if (err)
			return err;
	}
	pci_ser_entry_set(&t->abi->devices[s], domain, bdf, ref);
	v6_set_count(ser, ser->nr_devices + 1);
	return 0;
}

static void v6_remove(struct pci_ser *ser, struct pci_ser_entry *e)
{
	struct pci_ser_v6 *t = v6_table(ser);

	if (t->indexed)
		xa_erase(&t->index, pci_ser_entry_key(e));
	memset(e, 0, sizeof(*e));
	v6_set_count(ser, ser->nr_devices - 1);
}

static int v6_preserve(struct pci_ser *ser, u32 domain, u16 bdf)
{
	if (v6_lookup(ser, domain, bdf))
		return -EBUSY;
	return v6_insert(ser, domain, bdf, 1);
}

static int v6_unpreserve(struct pci_ser *ser, u32 domain, u16 bdf)
{
	struct pci_ser_entry *e = v6_lookup(ser, domain, bdf);

	if (!e)
		return -ENOENT;
	v6_remove(ser, e);
	return 0;
}

static bool v6_find(struct pci_ser *ser, u32 domain, u16 bdf)
{
	pci_ser_calibrate_find();
	return v6_lookup(ser, domain, bdf);
}

static u16 v6_refcount(struct pci_ser *ser, u32 domain, u16 bdf)
{
	struct pci_ser_entry *e = v6_lookup(ser, domain, bdf);

	return e ? le16_to_cpu(e->tail) : 0;
}

static int v6_set_refcount(struct pci_ser *ser, u32 domain, u16 bdf, u16 ref)
{
	struct pci_ser_entry *e = v6_lookup(ser, domain, bdf);

	if (!e)
		return ref ? v6_insert(ser, domain, bdf, ref) : -ENOENT;
	if (ref)
		e->tail = cpu_to_le16(ref);
	else
		v6_remove(ser, e);
	return 0;
}

static size_t v6_payload_size(const struct pci_ser *ser)
{
	return sizeof(struct pci_ser_v6_abi) +
	       (size_t)ser->capacity * sizeof(struct pci_ser_entry);
}

static void v6_serialize(const struct pci_ser *ser, void *payload)
{
	memcpy(payload, v6_table(ser)->abi, v6_payload_size(ser));
}

static void v6_free(struct pci_ser *ser)
{
	xa_destroy(&v6_table(ser)->index);
	kvfree(ser->priv);
}

/*
 * The array as the previous kernel left it: free slots all zero, a used
 * slot's refcount at least 1 (0 with a device in it is malformed), as
 * many used slots as the header says, and the two words in front
 * agreeing with the header.
 */
static enum pci_ser_defect v6_check(const struct pci_ser *ser,
				    const struct pci_ser_v6_abi *in)
{
	u32 i, used = 0;

	for (i = 0; i < ser->capacity; i++) {
		const struct pci_ser_entry *e = &in->devices[i];

		if (v6_used(e)) {
			used++;
			continue;
		}
		if (e->domain || e->bdf)
			return PCI_SER_BAD_ENTRY;
	}
	if (used != ser->nr_devices)
		return PCI_SER_SIZE_MISMATCH;
	if (le32_to_cpu(in->max_nr_devices) != ser->capacity ||
	    le32_to_cpu(in->nr_devices) != ser->nr_devices)
		return PCI_SER_BAD_ENTRY;
	return PCI_SER_OK;
}

static enum pci_ser_defect v6_retrieve(struct pci_ser *ser,
				       const void *payload, size_t size)
{
	enum pci_ser_defect d;
	struct pci_ser_v6 *t;
	u32 i;

	if (size != v6_payload_size(ser))
		return PCI_SER_SIZE_MISMATCH;
	d = v6_check(ser, payload);
	if (d)
		return d;
	if (v6_init(ser))
		return PCI_SER_NO_MEMORY;
	t = v6_table(ser);
	memcpy(t->abi, payload, size);
	/* The conversion into the xarray is also the duplicate check. */
	for (i = 0; i < ser->capacity && !d; i++) {
		const struct pci_ser_entry *e = &t->abi->devices[i];
		void *old;

		if (!v6_used(e))
			continue;
		old = xa_store(&t->index, pci_ser_entry_key(e), xa_mk_value(i),
			       GFP_KERNEL);
		if (old)
			d = xa_err(old) ? PCI_SER_NO_MEMORY : PCI_SER_DUPLICATE;
	}
	if (d) {
		v6_free(ser);
		ser->priv = NULL;
		return d;
	}
	t->indexed = true;
	return PCI_SER_OK;
}

static void v6_for_each(const struct pci_ser *ser, pci_ser_visit_t fn,
			void *arg)
{
	const struct pci_ser_entry *e = v6_table(ser)->abi->devices;
	u32 i;

	for (i = 0; i < ser->capacity; i++)
		if (v6_used(&e[i]))
			pci_ser_for_each_entry(&e[i], 1, fn, arg);
}

const struct pci_ser_ops pci_ser_v6_ops = {
	.name		= "v6",
	.compatible	= "lubench,pci-ser-v6",
	.rules		= PCI_SER_RULES_V6,
	.init		= v6_init,
	.preserve	= v6_preserve,
	.unpreserve	= v6_unpreserve,
	.find		= v6_find,
	.payload_size	= v6_payload_size,
	.serialize	= v6_serialize,
	.retrieve	= v6_retrieve,
	.for_each	= v6_for_each,
	.free		= v6_free,
	.refcount	= v6_refcount,
	.set_refcount	= v6_set_refcount,
	/* max_nr_devices, nr_devices, then every slot; tail a refcount. */
	.payload	= {
		.head		= { PCI_SER_HEAD_SLOTS, PCI_SER_HEAD_COUNT },
		.used_tail	= 1,
		.refcounted	= true,
		.placed		= false,
	},
};
