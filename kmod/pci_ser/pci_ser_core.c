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
	[PCI_SER_BAD_VERSION]		= "unsupported version",
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
	[PCI_SER_BAD_LINK]		= "bad block link",
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

static const char *const pci_ser_rules_names[PCI_SER_NR_RULES] = {
	[PCI_SER_RULES_V2]	= "v2",
	[PCI_SER_RULES_V6]	= "v6",
	[PCI_SER_RULES_KHO]	= "kho-blocks",
};

const char *pci_ser_rules_name(enum pci_ser_rules r)
{
	return (unsigned int)r < PCI_SER_NR_RULES ? pci_ser_rules_names[r] : "?";
}

enum pci_ser_rules pci_ser_rules_by_name(const char *name)
{
	unsigned int r;

	for (r = 0; r < PCI_SER_NR_RULES; r++)
		if (!strcmp(pci_ser_rules_names[r], name))
			break;
	return r;
}

static bool pci_ser_counted(const struct pci_ser *ser)
{
	return pci_ser_rules_refcounted(ser->ops->rules);
}

u16 pci_ser_refcount(struct pci_ser *ser, u32 domain, u16 bdf)
{
	if (!ser->priv)
		return 0;
	if (!pci_ser_counted(ser))
		return ser->ops->find(ser, domain, bdf);
	return ser->ops->refcount(ser, domain, bdf);
}

/* Add @delta (+1 or -1) to a refcount; lowering one never fails. */
static int pci_ser_ref_add(struct pci_ser *ser, u32 domain, u16 bdf,
			   int delta)
{
	u16 ref = ser->ops->refcount(ser, domain, bdf);

	if (delta > 0 && ref == U16_MAX)
		return -EOVERFLOW;
	if (delta < 0 && !ref)
		return -ENOENT;
	return ser->ops->set_refcount(ser, domain, bdf, ref + delta);
}

/* Drop one reference of @dev itself and of each bridge of its path. */
static void pci_ser_drop_path(struct pci_ser *ser,
			      const struct pci_ser_dev *dev, u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++)
		pci_ser_ref_add(ser, dev->path[i].domain, dev->path[i].bdf, -1);
}

static int pci_ser_preserve_counted(struct pci_ser *ser,
				    const struct pci_ser_dev *dev)
{
	u32 i;
	int ret;

	if (dev->nr_path > PCI_SER_MAX_PATH)
		return -EINVAL;
	if (dev->is_bridge)
		ret = pci_ser_ref_add(ser, dev->domain, dev->bdf, 1);
	else
		ret = ser->ops->preserve(ser, dev->domain, dev->bdf);
	if (ret)
		return ret;
	for (i = 0; i < dev->nr_path; i++) {
		ret = pci_ser_ref_add(ser, dev->path[i].domain,
				      dev->path[i].bdf, 1);
		if (ret) {
			/* Undo what this call did, nearest bridge last. */
			pci_ser_drop_path(ser, dev, i);
			pci_ser_ref_add(ser, dev->domain, dev->bdf, -1);
			return ret;
		}
	}
	return 0;
}

int pci_ser_preserve_dev(struct pci_ser *ser, const struct pci_ser_dev *dev,
			 u32 capacity)
{
	int ret;

	if (dev->is_vf)
		return -EINVAL;
	if (!pci_ser_counted(ser))
		return pci_ser_preserve(ser, dev->domain, dev->bdf, false, capacity);
	if (ser->frozen)
		return -EINVAL;
	if (!ser->priv) {
		ser->capacity = capacity;
		ser->nr_devices = 0;
		ret = ser->ops->init(ser);
		if (ret)
			return ret;
	}
	ret = pci_ser_preserve_counted(ser, dev);
	if (ret && !ser->nr_devices)
		pci_ser_destroy(ser);
	return ret;
}

/* unpreserve and finish under refcounted rules: all but the frozen check. */
static int pci_ser_drop_counted(struct pci_ser *ser,
				const struct pci_ser_dev *dev)
{
	int ret;

	if (!ser->priv)
		return -ENOENT;
	if (dev->nr_path > PCI_SER_MAX_PATH)
		return -EINVAL;
	ret = pci_ser_ref_add(ser, dev->domain, dev->bdf, -1);
	if (ret)
		return ret;
	pci_ser_drop_path(ser, dev, dev->nr_path);
	if (!ser->nr_devices)
		pci_ser_destroy(ser);
	return 0;
}

int pci_ser_unpreserve_dev(struct pci_ser *ser, const struct pci_ser_dev *dev)
{
	if (!pci_ser_counted(ser))
		return pci_ser_unpreserve(ser, dev->domain, dev->bdf);
	if (ser->frozen)
		return -EINVAL;
	return pci_ser_drop_counted(ser, dev);
}

int pci_ser_finish_dev(struct pci_ser *ser, const struct pci_ser_dev *dev)
{
	if (!pci_ser_counted(ser))
		return pci_ser_unpreserve(ser, dev->domain, dev->bdf);
	return pci_ser_drop_counted(ser, dev);
}

void pci_ser_freeze(struct pci_ser *ser)
{
	ser->frozen = true;
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
