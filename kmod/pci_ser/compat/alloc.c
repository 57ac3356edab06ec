// SPDX-License-Identifier: GPL-2.0
/*
 * The allocation failure injection of compat/kernel.h (user space only),
 * and the slab cache the kernel's lib/xarray.c takes its nodes from.
 */
#include "kernel.h"
#include "lib/radix-tree.h"	/* extracted with lib/xarray.c */

unsigned long pci_ser_fail_alloc_in;
unsigned long pci_ser_fail_alloc_times;

/*
 * lib/radix-tree.c's node cache, which the xarray shares: objects of one
 * size, handed out zeroed with an empty private list, as the kernel's
 * constructor (radix_tree_node_ctor) leaves them.
 */
struct kmem_cache {
	size_t size;
};

static struct kmem_cache xa_node_cache = { .size = sizeof(struct xa_node) };
struct kmem_cache *radix_tree_node_cachep = &xa_node_cache;

void *kmem_cache_alloc_lru(struct kmem_cache *cache, struct list_lru *lru,
			   gfp_t gfp)
{
	struct xa_node *node;

	(void)lru;
	(void)gfp;
	if (pci_ser_alloc_fails())
		return NULL;
	node = calloc(1, cache->size);
	if (node)
		INIT_LIST_HEAD(&node->private_list);
	return node;
}

void kmem_cache_free(struct kmem_cache *cache, void *obj)
{
	(void)cache;
	free(obj);
}

/* What call_rcu() runs once no reader can see the node (at once here). */
void radix_tree_node_rcu_free(struct rcu_head *head)
{
	kmem_cache_free(radix_tree_node_cachep,
			container_of(head, struct xa_node, rcu_head));
}
