/* SPDX-License-Identifier: GPL-2.0 */
/* For the kernel's xarray.h and xarray.c: all of it is in compat/. */
#include "../../kernel.h"
