/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lets the pci_ser variant files build unchanged in the kernel module and
 * in user space: the kernel gets its own headers, user space gets the
 * small shim under compat/ beside this file.
 */
#ifndef LUBENCH_PCI_SER_COMPAT_H
#define LUBENCH_PCI_SER_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/sort.h>
#include <linux/xarray.h>
#include <linux/log2.h>
#include <linux/compiler.h>
#include <asm/byteorder.h>
#ifdef CONFIG_X86_64
#include <asm/cpufeature.h>
#define pci_ser_cpu_has_crc32c()	boot_cpu_has(X86_FEATURE_XMM4_2)
#endif
#else
#include "compat/kernel.h"
#endif

#endif /* LUBENCH_PCI_SER_COMPAT_H */
