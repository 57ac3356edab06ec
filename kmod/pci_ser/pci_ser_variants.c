// SPDX-License-Identifier: GPL-2.0
/* The ops array, in the order of layouts.list (pci_ser_layouts.h). */
#include "pci_ser.h"

#define PCI_SER_VARIANT_PTR(name) &pci_ser_##name##_ops,

const struct pci_ser_ops *const pci_ser_variants[] = {
	PCI_SER_FOR_EACH_VARIANT(PCI_SER_VARIANT_PTR)
	NULL,
};
