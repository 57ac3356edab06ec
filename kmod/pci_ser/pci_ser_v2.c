// SPDX-License-Identifier: GPL-2.0
/*
 * v2: the layout of the v1-v3 postings of "PCI: Add API to track PCI
 * devices preserved across Live Update" (compatible "pci-v1" upstream).
 * An array kept in (domain, bdf) order, sized at the first preserve;
 * insert and delete move the tail with memmove; find is a binary search.
 * The payload is the array, so the next kernel checks the order and uses
 * it as it is.  v2's rules: no bridges, no refcount (the tail is 0).
 */
#include "pci_ser_v2.h"

int v2_init(struct pci_ser *ser)
{
	ser->priv = kvcalloc(1, sizeof(struct pci_ser_v2) +
			     max(ser->capacity, 1U) *
			     sizeof(struct pci_ser_entry), GFP_KERNEL);
	return ser->priv ? 0 : -ENOMEM;
}

int v2_preserve(struct pci_ser *ser, u32 domain, u16 bdf)
{
	struct pci_ser_entry *e = v2_table(ser)->e;
	u64 key = pci_ser_key(domain, bdf);
	u32 n = ser->nr_devices;
	u32 pos = v2_lower_bound(e, 0, n, key);

	if (pos < n && pci_ser_entry_key(&e[pos]) == key)
		return -EBUSY;
	if (n >= ser->capacity)
		return -ENOSPC;
	memmove(&e[pos + 1], &e[pos], (n - pos) * sizeof(*e));
	pci_ser_entry_set(&e[pos], domain, bdf, 0);
	ser->nr_devices++;
	return 0;
}

int v2_unpreserve(struct pci_ser *ser, u32 domain, u16 bdf)
{
	struct pci_ser_entry *e = v2_table(ser)->e;
	u64 key = pci_ser_key(domain, bdf);
	u32 n = ser->nr_devices;
	u32 pos = v2_lower_bound(e, 0, n, key);

	if (pos >= n || pci_ser_entry_key(&e[pos]) != key)
		return -ENOENT;
	memmove(&e[pos], &e[pos + 1], (n - pos - 1) * sizeof(*e));
	ser->nr_devices--;
	return 0;
}

static bool v2_find(struct pci_ser *ser, u32 domain, u16 bdf)
{
	struct pci_ser_entry *e = v2_table(ser)->e;
	u64 key = pci_ser_key(domain, bdf);
	u32 pos = v2_lower_bound(e, 0, ser->nr_devices, key);

	pci_ser_calibrate_find();
	return pos < ser->nr_devices && pci_ser_entry_key(&e[pos]) == key;
}

size_t v2_payload_size(const struct pci_ser *ser)
{
	return (size_t)ser->nr_devices * sizeof(struct pci_ser_entry);
}

void v2_serialize(const struct pci_ser *ser, void *payload)
{
	memcpy(payload, v2_table(ser)->e, v2_payload_size(ser));
}

enum pci_ser_defect v2_retrieve(struct pci_ser *ser, const void *payload,
				    size_t size)
{
	enum pci_ser_defect d;

	if (size != v2_payload_size(ser))
		return PCI_SER_SIZE_MISMATCH;
	d = pci_ser_check_sorted(payload, ser->nr_devices);
	if (d)
		return d;
	if (v2_init(ser))
		return PCI_SER_NO_MEMORY;
	memcpy(v2_table(ser)->e, payload, size);
	return PCI_SER_OK;
}

void v2_for_each(const struct pci_ser *ser, pci_ser_visit_t fn, void *arg)
{
	pci_ser_for_each_entry(v2_table(ser)->e, ser->nr_devices, fn, arg);
}

void v2_free(struct pci_ser *ser)
{
	kvfree(ser->priv);
}

const struct pci_ser_ops pci_ser_v2_ops = {
	.name		= "v2",
	.compatible	= "lubench,pci-ser-v2",
	.rules		= PCI_SER_RULES_V2,
	.init		= v2_init,
	.preserve	= v2_preserve,
	.unpreserve	= v2_unpreserve,
	.find		= v2_find,
	.payload_size	= v2_payload_size,
	.serialize	= v2_serialize,
	.retrieve	= v2_retrieve,
	.for_each	= v2_for_each,
	.free		= v2_free,
	/* Packed, sorted by key. */
	.payload	= { .used_tail = 0, .placed = true },
};
