/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A user-space stand-in for the part of the kernel's xarray API that the
 * xarray variant uses: a radix tree of 64-slot nodes over unsigned long
 * indices.  In the module the kernel's own xarray is used instead.
 */
#ifndef LUBENCH_COMPAT_XARRAY_H
#define LUBENCH_COMPAT_XARRAY_H

#include <stdbool.h>

#define XA_CHUNK_SHIFT	6
#define XA_CHUNK_SIZE	(1UL << XA_CHUNK_SHIFT)

struct xa_node {
	void *slots[XA_CHUNK_SIZE];
	unsigned int count;
};

struct xarray {
	struct xa_node *head;
	unsigned int shift;	/* index bits below the head node's slots */
};

static inline void xa_init(struct xarray *xa)
{
	xa->head = NULL;
	xa->shift = 0;
}

/* Entries that carry an integer, as in the kernel: low bit set. */
static inline void *xa_mk_value(unsigned long v)
{
	return (void *)(v << 1 | 1);
}

static inline unsigned long xa_to_value(const void *entry)
{
	return (unsigned long)entry >> 1;
}

static inline bool xa_is_value(const void *entry)
{
	return (unsigned long)entry & 1;
}

/* Errors are returned as internal entries: ((errno << 2) | 2). */
static inline int xa_err(const void *entry)
{
	if (((unsigned long)entry & 3) == 2)
		return -(int)((long)entry >> 2);
	return 0;
}

void *xa_load(struct xarray *xa, unsigned long index);
void *xa_store(struct xarray *xa, unsigned long index, void *entry,
	       unsigned int gfp);
void *xa_erase(struct xarray *xa, unsigned long index);
void xa_destroy(struct xarray *xa);

#endif /* LUBENCH_COMPAT_XARRAY_H */
