// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own XArray, lib/xarray.c of the Debian package
 * linux-source-6.12, extracted into the build tree at build time
 * (linux_source.cmake) and compiled here unchanged over the shim of
 * xarray_shim.h, as the kernel's tools/testing/radix-tree compiles it.
 * Its nodes come from alloc.c.
 */
#include "kernel.h"

/* Kernel code, kernel warnings: these it has by design. */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"

#include "lib/xarray.c"
