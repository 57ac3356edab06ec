// SPDX-License-Identifier: GPL-2.0
/*
 * xarray: the payload is the same unsorted array as linear, and an
 * xarray indexed by (domain << 16 | bdf) maps each device to its slot.
 * The outgoing side keeps the index as it goes; the incoming side
 * rebuilds it from the array at retrieve, which is what this layout pays
 * for cheap lookups.  The key needs 48 bits, so 64-bit longs only.
 */
#include "pci_ser.h"

struct pci_ser_xa {
	struct xarray index;
	struct pci_ser_entry e[];
};

static struct pci_ser_xa *xa_table(const struct pci_ser *ser)
{
	return ser->priv;
}

static int xarray_init(struct pci_ser *ser)
{
	struct pci_ser_xa *t;

	BUILD_BUG_ON(sizeof(unsigned long) < 8);
	t = kvcalloc(1, sizeof(*t) + max(ser->capacity, 1U) *
		     sizeof(struct pci_ser_entry), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	xa_init(&t->index);
	ser->priv = t;
	return 0;
}

static int xarray_preserve(struct pci_ser *ser, u32 domain, u16 bdf)
{
	struct pci_ser_xa *t = xa_table(ser);
	unsigned long key = pci_ser_key(domain, bdf);
	int err;

	if (xa_load(&t->index, key))
		return -EBUSY;
	if (ser->nr_devices >= ser->capacity)
		return -ENOSPC;
	err = xa_err(xa_store(&t->index, key, xa_mk_value(ser->nr_devices),
			      GFP_KERNEL));
	if (err)
		return err;
	pci_ser_entry_set(&t->e[ser->nr_devices++], domain, bdf, 0);
	return 0;
}

static int xarray_unpreserve(struct pci_ser *ser, u32 domain, u16 bdf)
{
	struct pci_ser_xa *t = xa_table(ser);
	void *old = xa_erase(&t->index, pci_ser_key(domain, bdf));
	u32 i, last;

	if (!old)
		return -ENOENT;
	i = xa_to_value(old);
	last = --ser->nr_devices;
	if (i != last) {
		t->e[i] = t->e[last];
		/* Replacing a present entry allocates nothing: cannot fail. */
		xa_store(&t->index, pci_ser_entry_key(&t->e[i]),
			 xa_mk_value(i), GFP_KERNEL);
	}
	return 0;
}

static bool xarray_find(struct pci_ser *ser, u32 domain, u16 bdf)
{
	pci_ser_calibrate_find();
	return xa_load(&xa_table(ser)->index, pci_ser_key(domain, bdf));
}

static size_t xarray_payload_size(const struct pci_ser *ser)
{
	return (size_t)ser->nr_devices * sizeof(struct pci_ser_entry);
}

static void xarray_serialize(const struct pci_ser *ser, void *payload)
{
	memcpy(payload, xa_table(ser)->e, xarray_payload_size(ser));
}

static void xarray_free(struct pci_ser *ser)
{
	xa_destroy(&xa_table(ser)->index);
	kvfree(ser->priv);
}

static enum pci_ser_defect xarray_retrieve(struct pci_ser *ser,
					   const void *payload, size_t size)
{
	enum pci_ser_defect d;
	struct pci_ser_xa *t;
	u32 i;

	if (size != xarray_payload_size(ser))
		return PCI_SER_SIZE_MISMATCH;
	d = pci_ser_check_tails(payload, ser->nr_devices);
	if (d)
		return d;
	if (xarray_init(ser))
		return PCI_SER_NO_MEMORY;
	t = xa_table(ser);
	memcpy(t->e, payload, size);
	/* Building the index is also the duplicate check. */
	for (i = 0; i < ser->nr_devices; i++) {
		void *old = xa_store(&t->index, pci_ser_entry_key(&t->e[i]),
				     xa_mk_value(i), GFP_KERNEL);

		if (old)
			d = xa_err(old) ? PCI_SER_NO_MEMORY : PCI_SER_DUPLICATE;
		if (d)
			break;
	}
	if (d) {
		xarray_free(ser);
		ser->priv = NULL;
	}
	return d;
}

static void xarray_for_each(const struct pci_ser *ser, pci_ser_visit_t fn,
			    void *arg)
{
	pci_ser_for_each_entry(xa_table(ser)->e, ser->nr_devices, fn, arg);
}

const struct pci_ser_ops pci_ser_xarray_ops = {
	.name		= "xarray",
	.compatible	= "lubench,pci-ser-xarray-v1",
	.init		= xarray_init,
	.preserve	= xarray_preserve,
	.unpreserve	= xarray_unpreserve,
	.find		= xarray_find,
	.payload_size	= xarray_payload_size,
	.serialize	= xarray_serialize,
	.retrieve	= xarray_retrieve,
	.for_each	= xarray_for_each,
	.free		= xarray_free,
	/* Packed, in any order: the index is built at retrieve. */
	.payload	= { .used_tail = 0, .placed = false },
};
