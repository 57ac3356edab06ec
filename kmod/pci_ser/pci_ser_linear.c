// SPDX-License-Identifier: GPL-2.0
/*
 * linear: an unsorted array scanned from the start, the naive layout the
 * review discussion is about.  Preserve appends; unpreserve moves the
 * last entry into the hole.  The payload is the array itself.
 */
#include "pci_ser.h"

static struct pci_ser_entry *linear_entries(const struct pci_ser *ser)
{
	return ser->priv;
}

static long linear_index(const struct pci_ser *ser, u32 domain, u16 bdf)
{
	const struct pci_ser_entry *e = linear_entries(ser);
	u32 i;

	for (i = 0; i < ser->nr_devices; i++)
		if (pci_ser_entry_is(&e[i], domain, bdf))
			return i;
	return -1;
}

static int linear_init(struct pci_ser *ser)
{
	ser->priv = kvcalloc(max(ser->capacity, 1U),
			     sizeof(struct pci_ser_entry), GFP_KERNEL);
	return ser->priv ? 0 : -ENOMEM;
}

static int linear_preserve(struct pci_ser *ser, u32 domain, u16 bdf)
{
	if (linear_index(ser, domain, bdf) >= 0)
		return -EBUSY;
	if (ser->nr_devices >= ser->capacity)
		return -ENOSPC;
	pci_ser_entry_set(&linear_entries(ser)[ser->nr_devices++], domain,
			  bdf, 0);
	return 0;
}

static int linear_unpreserve(struct pci_ser *ser, u32 domain, u16 bdf)
{
	struct pci_ser_entry *e = linear_entries(ser);
	long i = linear_index(ser, domain, bdf);

	if (i < 0)
		return -ENOENT;
	e[i] = e[--ser->nr_devices];
	return 0;
}

static bool linear_find(struct pci_ser *ser, u32 domain, u16 bdf)
{
	pci_ser_calibrate_find();
	return linear_index(ser, domain, bdf) >= 0;
}

static size_t linear_payload_size(const struct pci_ser *ser)
{
	return (size_t)ser->nr_devices * sizeof(struct pci_ser_entry);
}

static void linear_serialize(const struct pci_ser *ser, void *payload)
{
	memcpy(payload, ser->priv, linear_payload_size(ser));
}

static enum pci_ser_defect linear_retrieve(struct pci_ser *ser,
					   const void *payload, size_t size)
{
	enum pci_ser_defect d;

	if (size != linear_payload_size(ser))
		return PCI_SER_SIZE_MISMATCH;
	d = pci_ser_check_tails(payload, ser->nr_devices);
	if (!d)
		d = pci_ser_check_unique(payload, ser->nr_devices);
	if (d)
		return d;
	if (linear_init(ser))
		return PCI_SER_NO_MEMORY;
	memcpy(ser->priv, payload, size);
	return PCI_SER_OK;
}

static void linear_free(struct pci_ser *ser)
{
	kvfree(ser->priv);
}

static void linear_for_each(const struct pci_ser *ser, pci_ser_visit_t fn,
			    void *arg)
{
	pci_ser_for_each_entry(linear_entries(ser), ser->nr_devices, fn, arg);
}

const struct pci_ser_ops pci_ser_linear_ops = {
	.name		= "linear",
	.compatible	= "lubench,pci-ser-linear-v1",
	.init		= linear_init,
	.preserve	= linear_preserve,
	.unpreserve	= linear_unpreserve,
	.find		= linear_find,
	.payload_size	= linear_payload_size,
	.serialize	= linear_serialize,
	.retrieve	= linear_retrieve,
	.for_each	= linear_for_each,
	.free		= linear_free,
	/* Packed, in any order. */
	.payload	= { .used_tail = 0, .placed = false },
};
