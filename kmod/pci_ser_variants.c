// SPDX-License-Identifier: GPL-2.0
/*
 * The registration list: one line per layout.  Order is the order of
 * `--variant all`, tables and plots.
 */
#include "pci_ser.h"

const struct pci_ser_ops *const pci_ser_variants[] = {
	&pci_ser_linear_ops,
	&pci_ser_sorted_ops,
	&pci_ser_xarray_ops,
	&pci_ser_hashed_ops,
	&pci_ser_blockset_ops,
	&pci_ser_cursor_ops,
	NULL,
};
