/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocation failures injected into the pci_ser code of lubench.ko: Kbuild
 * includes this header first in every object built from pci_ser/ (and in
 * no other), so that the layouts' kvcalloc(), kvmalloc_array(), kzalloc()
 * and the rest go through lubench_failalloc.c, where the Nth call from
 * the moment the countdown is armed fails.  The layouts' sources stay as
 * the kernel would build them; the guest kernel (Debian 6.1) has no
 * CONFIG_FAULT_INJECTION to do this for us.
 *
 * The countdown: the module parameter fail_alloc (writable in
 * /sys/module/lubench/parameters/, or given at insmod), and the `alloc-
 * retrieve` handover fault, which arms it before the next kernel's
 * retrieve.  fail_alloc_hits counts the failures made since load.
 * Allocations inside the kernel's xarray (its nodes) are not counted.
 */
#ifndef LUBENCH_FAILALLOC_H
#define LUBENCH_FAILALLOC_H

#include <linux/mm.h>
#include <linux/slab.h>

/* True when this allocation is the one to fail (and counts it). */
bool lb_fail_alloc_now(void);
/* Arm the countdown: the @n-th allocation from now fails (0: disarm). */
void lb_fail_alloc_arm(unsigned long n);
/* Failures injected since load. */
unsigned long lb_fail_alloc_hits(void);

#ifndef LUBENCH_FAILALLOC_IMPL
static inline void *lb_fa_kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	return lb_fail_alloc_now() ? NULL : kvcalloc(n, size, gfp);
}

static inline void *lb_fa_kvmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	return lb_fail_alloc_now() ? NULL : kvmalloc_array(n, size, gfp);
}

static inline void *lb_fa_kvmalloc(size_t size, gfp_t gfp)
{
	return lb_fail_alloc_now() ? NULL : kvmalloc(size, gfp);
}

static inline void *lb_fa_kvzalloc(size_t size, gfp_t gfp)
{
	return lb_fail_alloc_now() ? NULL : kvzalloc(size, gfp);
}

static inline void *lb_fa_kzalloc(size_t size, gfp_t gfp)
{
	return lb_fail_alloc_now() ? NULL : kzalloc(size, gfp);
}

static inline void *lb_fa_kmalloc(size_t size, gfp_t gfp)
{
	return lb_fail_alloc_now() ? NULL : kmalloc(size, gfp);
}

static inline void *lb_fa_kcalloc(size_t n, size_t size, gfp_t gfp)
{
	return lb_fail_alloc_now() ? NULL : kcalloc(n, size, gfp);
}

static inline void *lb_fa_kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	return lb_fail_alloc_now() ? NULL : kmalloc_array(n, size, gfp);
}

/* Past the kernel's own definitions (included above), every later use. */
#define kvcalloc(n, s, g)	lb_fa_kvcalloc(n, s, g)
#define kvmalloc_array(n, s, g)	lb_fa_kvmalloc_array(n, s, g)
#define kvmalloc(s, g)		lb_fa_kvmalloc(s, g)
#define kvzalloc(s, g)		lb_fa_kvzalloc(s, g)
#define kzalloc(s, g)		lb_fa_kzalloc(s, g)
#define kmalloc(s, g)		lb_fa_kmalloc(s, g)
#define kcalloc(n, s, g)	lb_fa_kcalloc(n, s, g)
#define kmalloc_array(n, s, g)	lb_fa_kmalloc_array(n, s, g)
#endif

#endif /* LUBENCH_FAILALLOC_H */
