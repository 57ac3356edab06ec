/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sorted-array layout of v2, shared by the v2 layout and by cursor,
 * which keeps the same array and payload and only looks up differently.
 */
#ifndef LUBENCH_PCI_SER_V2_H
#define LUBENCH_PCI_SER_V2_H

#include "pci_ser.h"

struct pci_ser_v2 {
	u32 hint;	/* cursor: where the next lookup probably lands */
	struct pci_ser_entry e[];
};

static inline struct pci_ser_v2 *v2_table(const struct pci_ser *ser)
{
	return ser->priv;
}

/* First position in e[lo, hi) whose key is not below @key. */
static inline u32 v2_lower_bound(const struct pci_ser_entry *e, u32 lo,
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

int v2_init(struct pci_ser *ser);
int v2_preserve(struct pci_ser *ser, u32 domain, u16 bdf);
int v2_unpreserve(struct pci_ser *ser, u32 domain, u16 bdf);
size_t v2_payload_size(const struct pci_ser *ser);
void v2_serialize(const struct pci_ser *ser, void *payload);
enum pci_ser_defect v2_retrieve(struct pci_ser *ser, const void *payload,
				    size_t size);
void v2_for_each(const struct pci_ser *ser, pci_ser_visit_t fn,
		     void *arg);
void v2_free(struct pci_ser *ser);

#endif /* LUBENCH_PCI_SER_V2_H */
