// SPDX-License-Identifier: GPL-2.0
/* The allocation failure injection of compat/kernel.h (user space only). */
#include "kernel.h"

unsigned long pci_ser_fail_alloc_in;
