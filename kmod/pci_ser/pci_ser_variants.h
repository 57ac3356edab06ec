/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The registration list: one entry per layout, in the order of
 * `--variant all`, tables and plots.  Adding a layout is its file plus
 * one entry here; the ops array and the tests' FIXTURE_VARIANTs are
 * generated from this list.
 */
#ifndef LUBENCH_PCI_SER_VARIANTS_H
#define LUBENCH_PCI_SER_VARIANTS_H

#define PCI_SER_FOR_EACH_VARIANT(X)	\
	X(linear)			\
	X(sorted)			\
	X(xarray)			\
	X(hashed)			\
	X(blockset)			\
	X(cursor)

#endif /* LUBENCH_PCI_SER_VARIANTS_H */
