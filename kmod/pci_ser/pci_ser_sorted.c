// SPDX-License-Identifier: GPL-2.0
/*
 * sorted: an array kept in (domain, bdf) order, what the v1/v2 series
 * did.  Insert and delete move the tail with memmove; find is a binary
 * search.  The payload is the array, so the next kernel checks the order
 * and uses it as it is.
 */
#include "pci_ser_sorted.h"

int sorted_init(struct pci_ser *ser)
{
	ser->priv = kvcalloc(1, sizeof(struct pci_ser_sorted) +
			     max(ser->capacity, 1U) *
			     sizeof(struct pci_ser_entry), GFP_KERNEL);
	return ser->priv ? 0 : -ENOMEM;
}

int sorted_preserve(struct pci_ser *ser, u32 domain, u16 bdf)
{
	struct pci_ser_entry *e = sorted_table(ser)->e;
	u64 key = pci_ser_key(domain, bdf);
	u32 n = ser->nr_devices;
	u32 pos = sorted_lower_bound(e, 0, n, key);

	if (pos < n && pci_ser_entry_key(&e[pos]) == key)
		return -EBUSY;
	if (n >= ser->capacity)
		return -ENOSPC;
	memmove(&e[pos + 1], &e[pos], (n - pos) * sizeof(*e));
	pci_ser_entry_set(&e[pos], domain, bdf, 0);
	ser->nr_devices++;
	return 0;
}

int sorted_unpreserve(struct pci_ser *ser, u32 domain, u16 bdf)
{
	struct pci_ser_entry *e = sorted_table(ser)->e;
	u64 key = pci_ser_key(domain, bdf);
	u32 n = ser->nr_devices;
	u32 pos = sorted_lower_bound(e, 0, n, key);

	if (pos >= n || pci_ser_entry_key(&e[pos]) != key)
		return -ENOENT;
	memmove(&e[pos], &e[pos + 1], (n - pos - 1) * sizeof(*e));
	ser->nr_devices--;
	return 0;
}

static bool sorted_find(struct pci_ser *ser, u32 domain, u16 bdf)
{
	struct pci_ser_entry *e = sorted_table(ser)->e;
	u64 key = pci_ser_key(domain, bdf);
	u32 pos = sorted_lower_bound(e, 0, ser->nr_devices, key);

	pci_ser_calibrate_find();
	return pos < ser->nr_devices && pci_ser_entry_key(&e[pos]) == key;
}

size_t sorted_payload_size(const struct pci_ser *ser)
{
	return (size_t)ser->nr_devices * sizeof(struct pci_ser_entry);
}

void sorted_serialize(const struct pci_ser *ser, void *payload)
{
	memcpy(payload, sorted_table(ser)->e, sorted_payload_size(ser));
}

enum pci_ser_defect sorted_retrieve(struct pci_ser *ser, const void *payload,
				    size_t size)
{
	enum pci_ser_defect d;

	if (size != sorted_payload_size(ser))
		return PCI_SER_SIZE_MISMATCH;
	d = pci_ser_check_sorted(payload, ser->nr_devices);
	if (d)
		return d;
	if (sorted_init(ser))
		return PCI_SER_NO_MEMORY;
	memcpy(sorted_table(ser)->e, payload, size);
	return PCI_SER_OK;
}

void sorted_for_each(const struct pci_ser *ser, pci_ser_visit_t fn, void *arg)
{
	pci_ser_for_each_entry(sorted_table(ser)->e, ser->nr_devices, fn, arg);
}

void sorted_free(struct pci_ser *ser)
{
	kvfree(ser->priv);
}

const struct pci_ser_ops pci_ser_sorted_ops = {
	.name		= "sorted",
	.compatible	= "lubench,pci-ser-sorted-v1",
	.init		= sorted_init,
	.preserve	= sorted_preserve,
	.unpreserve	= sorted_unpreserve,
	.find		= sorted_find,
	.payload_size	= sorted_payload_size,
	.serialize	= sorted_serialize,
	.retrieve	= sorted_retrieve,
	.for_each	= sorted_for_each,
	.free		= sorted_free,
	/* Packed, sorted by key. */
	.payload	= { .used_tail = 0, .placed = true },
};
