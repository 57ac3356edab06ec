/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sorted-array layout, shared by the sorted variant and by cursor,
 * which keeps the same array and payload and only looks up differently.
 */
#ifndef LUBENCH_PCI_SER_SORTED_H
#define LUBENCH_PCI_SER_SORTED_H

#include "pci_ser.h"

struct pci_ser_sorted {
	u32 hint;	/* cursor: where the next lookup probably lands */
	struct pci_ser_entry e[];
};

static inline struct pci_ser_sorted *sorted_table(const struct pci_ser *ser)
{
	return ser->priv;
}

/* First position in e[lo, hi) whose key is not below @key. */
static inline u32 sorted_lower_bound(const struct pci_ser_entry *e, u32 lo,
				     u32 hi, u64 key)
{
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (pci_ser_entry_key(&e[mid]) < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int sorted_init(struct pci_ser *ser);
int sorted_preserve(struct pci_ser *ser, u32 domain, u16 bdf);
int sorted_unpreserve(struct pci_ser *ser, u32 domain, u16 bdf);
size_t sorted_payload_size(const struct pci_ser *ser);
void sorted_serialize(const struct pci_ser *ser, void *payload);
enum pci_ser_defect sorted_retrieve(struct pci_ser *ser, const void *payload,
				    size_t size);
void sorted_for_each(const struct pci_ser *ser, pci_ser_visit_t fn,
		     void *arg);
void sorted_free(struct pci_ser *ser);

#endif /* LUBENCH_PCI_SER_SORTED_H */
