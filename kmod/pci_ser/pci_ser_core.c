// SPDX-License-Identifier: GPL-2.0
/*
 * The front end every caller goes through (rules and lifecycle of the
 * table), variant lookup, and checks shared by several layouts.
 */
#include "pci_ser.h"

static const char *const pci_ser_defect_names[PCI_SER_NR_DEFECTS] = {
	[PCI_SER_OK]			= "ok",
	[PCI_SER_TRUNCATED]		= "truncated",
	[PCI_SER_BAD_MAGIC]		= "bad magic",
	[PCI_SER_BAD_VERSION]		= "unsupported header version",
	[PCI_SER_BAD_COMPATIBLE]	= "malformed compatible string",
	[PCI_SER_UNKNOWN_COMPATIBLE]	= "unknown compatible",
	[PCI_SER_COMPATIBLE_MISMATCH]	= "compatible mismatch",
	[PCI_SER_SIZE_MISMATCH]		= "sizes disagree",
	[PCI_SER_TOO_MANY]		= "more devices than capacity",
	[PCI_SER_RESERVED]		= "reserved field not zero",
	[PCI_SER_CHECKSUM]		= "checksum mismatch",
	[PCI_SER_BAD_ENTRY]		= "malformed entry",
	[PCI_SER_DUPLICATE]		= "duplicate entry",
	[PCI_SER_ORDER]			= "entries out of order",
	[PCI_SER_NO_MEMORY]		= "out of memory",
};

const char *pci_ser_defect_str(enum pci_ser_defect d)
{
	if ((unsigned int)d >= PCI_SER_NR_DEFECTS)
		return "unknown defect";
	return pci_ser_defect_names[d];
}

const struct pci_ser_ops *pci_ser_variant(const char *name)
{
	const struct pci_ser_ops *const *v;

	for (v = pci_ser_variants; *v; v++)
		if (!strcmp((*v)->name, name))
			return *v;
	return NULL;
}

const struct pci_ser_ops *pci_ser_variant_by_compatible(const char *compat)
{
	const struct pci_ser_ops *const *v;

	for (v = pci_ser_variants; *v; v++)
		if (!strcmp((*v)->compatible, compat))
			return *v;
	return NULL;
}

int pci_ser_preserve(struct pci_ser *ser, u32 domain, u16 bdf, bool is_vf,
		     u32 capacity)
{
	int ret;

	if (is_vf)
		return -EINVAL;
	if (!ser->priv) {
		ser->capacity = capacity;
		ser->nr_devices = 0;
		ret = ser->ops->init(ser);
		if (ret)
			return ret;
	}
	ret = ser->ops->preserve(ser, domain, bdf);
	/* A table that never held a device is not kept around. */
	if (ret && !ser->nr_devices)
		pci_ser_destroy(ser);
	return ret;
}

int pci_ser_unpreserve(struct pci_ser *ser, u32 domain, u16 bdf)
{
	int ret;

	if (!ser->priv)
		return -ENOENT;
	ret = ser->ops->unpreserve(ser, domain, bdf);
	if (!ret && !ser->nr_devices)
		pci_ser_destroy(ser);
	return ret;
}

bool pci_ser_find(struct pci_ser *ser, u32 domain, u16 bdf)
{
	return ser->priv && ser->ops->find(ser, domain, bdf);
}

void pci_ser_destroy(struct pci_ser *ser)
{
	if (ser->priv)
		ser->ops->free(ser);
	ser->priv = NULL;
	ser->nr_devices = 0;
}

void pci_ser_for_each(const struct pci_ser *ser, pci_ser_visit_t fn,
		      void *arg)
{
	if (ser->priv)
		ser->ops->for_each(ser, fn, arg);
}

/* For layouts whose used entries are a plain array. */
void pci_ser_for_each_entry(const struct pci_ser_entry *e, u32 nr,
			    pci_ser_visit_t fn, void *arg)
{
	u32 i;

	for (i = 0; i < nr; i++)
		fn(arg, le32_to_cpu(e[i].domain), le16_to_cpu(e[i].bdf));
}

int pci_ser_cmp_entry(const void *a, const void *b)
{
	u64 ka = pci_ser_entry_key(a), kb = pci_ser_entry_key(b);

	return ka < kb ? -1 : ka > kb;
}

/* Entries of the array layouts carry no refcount: the tail must be 0. */
enum pci_ser_defect pci_ser_check_tails(const struct pci_ser_entry *e,
					       u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++)
		if (e[i].tail)
			return PCI_SER_BAD_ENTRY;
	return PCI_SER_OK;
}

/*
 * For unsorted layouts: sort a copy to find duplicate keys in O(n log n).
 * Only the keys are compared; the tails are the caller's business.
 */
enum pci_ser_defect pci_ser_check_unique(const struct pci_ser_entry *e,
					 u32 nr)
{
	enum pci_ser_defect d = PCI_SER_OK;
	struct pci_ser_entry *copy;
	u32 i;

	if (nr < 2)
		return d;
	copy = kvmalloc_array(nr, sizeof(*e), GFP_KERNEL);
	if (!copy)
		return PCI_SER_NO_MEMORY;
	memcpy(copy, e, nr * sizeof(*e));
	sort(copy, nr, sizeof(*copy), pci_ser_cmp_entry, NULL);
	for (i = 1; i < nr; i++)
		if (pci_ser_entry_key(&copy[i - 1]) ==
		    pci_ser_entry_key(&copy[i]))
			d = PCI_SER_DUPLICATE;
	kvfree(copy);
	return d;
}

enum pci_ser_defect pci_ser_check_sorted(const struct pci_ser_entry *e,
					 u32 nr)
{
	enum pci_ser_defect d;
	u32 i;

	d = pci_ser_check_tails(e, nr);
	if (d)
		return d;
	for (i = 1; i < nr; i++) {
		u64 a = pci_ser_entry_key(&e[i - 1]), b = pci_ser_entry_key(&e[i]);

		if (a == b)
			return PCI_SER_DUPLICATE;
		if (a > b)
			return PCI_SER_ORDER;
	}
	return PCI_SER_OK;
}
