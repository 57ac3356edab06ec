// SPDX-License-Identifier: GPL-2.0
/*
 * User-space radix tree behind compat/xarray.h.  Each level resolves six
 * bits of the index; the tree grows upward when a larger index arrives
 * and frees nodes that become empty.
 */
#include <errno.h>
#include <stdlib.h>

#include "xarray.h"

#define XA_MAX_DEPTH	11	/* 64 index bits / 6, rounded up */

static void *xa_mk_err(int err)
{
	return (void *)((long)-err << 2 | 2);
}

static unsigned int xa_slot(unsigned long index, unsigned int shift)
{
	return (index >> shift) & (XA_CHUNK_SIZE - 1);
}

/* Whether @index lies below the range the head node covers. */
static bool xa_fits(const struct xarray *xa, unsigned long index)
{
	return xa->shift + XA_CHUNK_SHIFT >= 64 ||
	       (index >> (xa->shift + XA_CHUNK_SHIFT)) == 0;
}

void *xa_load(struct xarray *xa, unsigned long index)
{
	struct xa_node *node = xa->head;
	unsigned int shift = xa->shift;

	if (!node || !xa_fits(xa, index))
		return NULL;
	for (;;) {
		void *slot = node->slots[xa_slot(index, shift)];

		if (shift == 0 || !slot)
			return slot;
		node = slot;
		shift -= XA_CHUNK_SHIFT;
	}
}

void *xa_erase(struct xarray *xa, unsigned long index)
{
	struct xa_node *path[XA_MAX_DEPTH];
	struct xa_node *node = xa->head;
	unsigned int shift = xa->shift;
	int depth = 0;
	void *old;

	if (!node || !xa_fits(xa, index))
		return NULL;
	for (;;) {
		path[depth++] = node;
		if (shift == 0)
			break;
		node = node->slots[xa_slot(index, shift)];
		if (!node)
			return NULL;
		shift -= XA_CHUNK_SHIFT;
	}
	old = node->slots[xa_slot(index, 0)];
	if (!old)
		return NULL;
	node->slots[xa_slot(index, 0)] = NULL;

	/* Free the nodes that became empty, from the leaf up. */
	for (shift = 0; depth > 0; shift += XA_CHUNK_SHIFT) {
		node = path[--depth];
		if (--node->count)
			break;
		free(node);
		if (depth == 0) {
			xa->head = NULL;
			xa->shift = 0;
		} else {
			path[depth - 1]->slots[xa_slot(index,
					shift + XA_CHUNK_SHIFT)] = NULL;
		}
	}
	return old;
}

void *xa_store(struct xarray *xa, unsigned long index, void *entry,
	       unsigned int gfp)
{
	struct xa_node *node;
	unsigned int shift;
	void *old;

	(void)gfp;
	if (!entry)
		return xa_erase(xa, index);

	if (!xa->head) {
		xa->head = calloc(1, sizeof(*xa->head));
		if (!xa->head)
			return xa_mk_err(ENOMEM);
		xa->shift = 0;
	}
	while (!xa_fits(xa, index)) {
		struct xa_node *root = calloc(1, sizeof(*root));

		if (!root)
			return xa_mk_err(ENOMEM);
		root->slots[0] = xa->head;
		root->count = 1;
		xa->head = root;
		xa->shift += XA_CHUNK_SHIFT;
	}

	node = xa->head;
	for (shift = xa->shift; shift > 0; shift -= XA_CHUNK_SHIFT) {
		void **slot = &node->slots[xa_slot(index, shift)];

		if (!*slot) {
			*slot = calloc(1, sizeof(struct xa_node));
			if (!*slot)
				return xa_mk_err(ENOMEM);
			node->count++;
		}
		node = *slot;
	}
	old = node->slots[xa_slot(index, 0)];
	node->slots[xa_slot(index, 0)] = entry;
	if (!old)
		node->count++;
	return old;
}

static void xa_free_node(struct xa_node *node, unsigned int shift)
{
	unsigned long i;

	if (shift > 0) {
		for (i = 0; i < XA_CHUNK_SIZE; i++)
			if (node->slots[i])
				xa_free_node(node->slots[i],
					     shift - XA_CHUNK_SHIFT);
	}
	free(node);
}

void xa_destroy(struct xarray *xa)
{
	if (xa->head)
		xa_free_node(xa->head, xa->shift);
	xa_init(xa);
}
