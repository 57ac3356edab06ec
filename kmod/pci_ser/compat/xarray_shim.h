/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel's own include/linux/xarray.h and lib/xarray.c need
 * beyond kernel.h, for building them in user space.  Both come from the
 * Debian package linux-source-6.12, extracted at build time into the
 * build tree (kmod/pci_ser/compat/linux_source.cmake); nothing of them
 * is in this repository.  The headers under compat/include/linux/ that
 * xarray.h and xarray.c include all lead here.
 *
 * What differs from the kernel, on purpose:
 * - Spinlocks are a test-and-set flag (atomic exchange to take, release
 *   store to drop): what a kernel spinlock does when uncontended, without
 *   preemption or interrupts to mask.  The xarray's lock is therefore
 *   real for writers; nothing here spins in the tests, because every
 *   user-space caller already holds a lock of its own around the table
 *   (lubench-stress takes one around every op).
 * - RCU is empty: rcu_read_lock() does nothing and call_rcu() runs the
 *   callback at once, so a node is freed when the xarray drops it.  The
 *   kernel lets lockless readers walk a tree a writer is changing; here a
 *   reader must not run beside a writer (the callers' own locks see to
 *   it), which is also why no grace period is needed.
 * - Nodes come from calloc() through pci_ser_alloc_fails() (alloc.c), so
 *   the failure injection reaches the xarray's own allocations.  The
 *   xarray allocates a node with GFP_NOWAIT under its lock and, when that
 *   fails, once more with the caller's flags in xas_nomem(); a single
 *   injected failure is therefore absorbed by that retry, as it would be
 *   in the kernel, and xa_store() returns -ENOMEM only when the retry
 *   fails as well (pci_ser_fail_alloc_times = 2, kernel.h).
 * - WARN prints to stderr and goes on, BUG aborts, lockdep and
 *   might_sleep checks are empty.
 */
#ifndef LUBENCH_COMPAT_XARRAY_SHIM_H
#define LUBENCH_COMPAT_XARRAY_SHIM_H

#include <limits.h>
#include <stdio.h>

/* The guest kernel's configuration (Debian 6.1 amd64) for the xarray. */
#define CONFIG_XARRAY_MULTI	1
#define CONFIG_64BIT		1

/*
 * IS_ENABLED(CONFIG_X): 1 when CONFIG_X is defined as 1, else 0.  A
 * defined option expands to 1, which pastes into a name that expands to
 * "0," and shifts a 1 into the second argument's place.
 */
#define LUBENCH_ARG_IS_1_1		0,
#define lubench_second(ignored, val, ...) val
#define lubench_is_one3(junk)		lubench_second(junk 1, 0, 0)
#define lubench_is_one2(val)		lubench_is_one3(LUBENCH_ARG_IS_1_##val)
#define IS_ENABLED(option)		lubench_is_one2(option)

/* Annotations for sparse and the compiler. */
#ifndef __bitwise
#define __bitwise
#endif
#define __force
#define __rcu
#define __must_check		__attribute__((warn_unused_result))
#define __must_hold(x)
#ifndef __always_inline
#define __always_inline		inline __attribute__((always_inline))
#endif
#define noinline		__attribute__((noinline))

#define BITS_PER_LONG		(8 * (int)sizeof(long))
#define BITS_TO_LONGS(n)	DIV_ROUND_UP(n, BITS_PER_LONG)
#define MAX_ERRNO		4095

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define EXPORT_SYMBOL(sym)	_Static_assert(1, #sym)
#define EXPORT_SYMBOL_GPL(sym)	_Static_assert(1, #sym)

/* bug.h */
#define BUG()		abort()
#define BUG_ON(c)	do { if (unlikely(c)) BUG(); } while (0)
#define WARN_ON(c) ({							\
	int lubench_warn = !!(c);					\
	if (unlikely(lubench_warn))					\
		fprintf(stderr, "WARNING: %s:%d: %s\n", __FILE__,	\
			__LINE__, #c);					\
	unlikely(lubench_warn);						\
})
#define WARN_ON_ONCE(c)	WARN_ON(c)
#define pr_info(...)	printf(__VA_ARGS__)
#define pr_cont(...)	printf(__VA_ARGS__)

/* gfp.h: the kernel's meaning, not its bit positions. */
#define __GFP_IO		0x01u
#define __GFP_FS		0x02u
#define __GFP_ZERO		0x04u
#define __GFP_DIRECT_RECLAIM	0x08u
#define __GFP_KSWAPD_RECLAIM	0x10u
#define __GFP_NOWARN		0x20u
#define __GFP_ACCOUNT		0x40u
#define __GFP_HIGH		0x80u
#define __GFP_RECLAIM		(__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define __GFP_BITS_SHIFT	26	/* xa_flags keeps its marks above */
#define GFP_ATOMIC		(__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_NOWAIT		__GFP_KSWAPD_RECLAIM
#define GFP_KERNEL		(__GFP_RECLAIM | __GFP_IO | __GFP_FS)

static inline bool gfpflags_allow_blocking(gfp_t gfp)
{
	return gfp & __GFP_DIRECT_RECLAIM;
}

/* sched/mm.h, lockdep.h */
#define might_alloc(gfp)	do { (void)(gfp); } while (0)
#define lockdep_is_held(lock)	((void)(lock), 1)

/* spinlock.h */
typedef struct {
	int locked;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(name)	{ .locked = 0 }

static inline void spin_lock_init(spinlock_t *l)
{
	l->locked = 0;
}

static inline void spin_lock(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			;
}

static inline int spin_trylock(spinlock_t *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* No interrupts or softirqs to mask in user space. */
#define spin_lock_bh(l)				spin_lock(l)
#define spin_unlock_bh(l)			spin_unlock(l)
#define spin_lock_irq(l)			spin_lock(l)
#define spin_unlock_irq(l)			spin_unlock(l)
#define spin_lock_irqsave(l, flags)		\
	do { (flags) = 0; spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, flags)	\
	do { (void)(flags); spin_unlock(l); } while (0)
#define spin_lock_nested(l, sub)		spin_lock(l)
#define spin_lock_bh_nested(l, sub)		spin_lock(l)
#define spin_lock_irq_nested(l, sub)		spin_lock(l)
#define spin_lock_irqsave_nested(l, flags, sub)	spin_lock_irqsave(l, flags)

/* rcupdate.h: no lockless readers beside a writer (see above). */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

#define rcu_read_lock()			do { } while (0)
#define rcu_read_unlock()		do { } while (0)
#define rcu_dereference_raw(p)		READ_ONCE(p)
/* The condition (a lockdep check) is compiled, never run. */
#define rcu_dereference_check(p, c)	((void)sizeof(c), READ_ONCE(p))
#define rcu_dereference_protected(p, c)	((void)sizeof(c), (p))
#define RCU_INIT_POINTER(p, v)		WRITE_ONCE(p, v)
#define rcu_assign_pointer(p, v)					\
	__atomic_store_n(&(p), (__typeof__(p))(v), __ATOMIC_RELEASE)

static inline void call_rcu(struct rcu_head *head,
			    void (*func)(struct rcu_head *head))
{
	func(head);
}

/* list.h: the node's private list is only ever initialised and tested. */
struct list_head {
	struct list_head *next, *prev;
};

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}

static inline bool list_empty(const struct list_head *list)
{
	return list->next == list;
}

/* slab.h: the one cache the xarray allocates from (alloc.c). */
struct kmem_cache;
struct list_lru;
void *kmem_cache_alloc_lru(struct kmem_cache *cache, struct list_lru *lru,
			   gfp_t gfp);
void kmem_cache_free(struct kmem_cache *cache, void *obj);

/* bitops.h, bitmap.h: non-atomic, on arrays of unsigned long. */
#define BIT_WORD(nr)	((nr) / BITS_PER_LONG)
#define BIT_MASK(nr)	(1UL << ((nr) % BITS_PER_LONG))

static inline unsigned long __ffs(unsigned long word)
{
	return __builtin_ctzl(word);
}

static inline bool test_bit(unsigned long nr, const unsigned long *addr)
{
	return addr[BIT_WORD(nr)] & BIT_MASK(nr);
}

static inline void __set_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void __clear_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

static inline bool __test_and_set_bit(unsigned long nr, unsigned long *addr)
{
	bool old = test_bit(nr, addr);

	__set_bit(nr, addr);
	return old;
}

static inline bool __test_and_clear_bit(unsigned long nr, unsigned long *addr)
{
	bool old = test_bit(nr, addr);

	__clear_bit(nr, addr);
	return old;
}

/* The bits of the word holding bit @nbits - 1 that lie below @nbits. */
#define BITMAP_LAST_WORD_MASK(nbits) (~0UL >> (-(nbits) & (BITS_PER_LONG - 1)))

/* The first set bit at or after @offset, or @size when there is none. */
static inline unsigned long find_next_bit(const unsigned long *addr,
					  unsigned long size,
					  unsigned long offset)
{
	unsigned long word;

	if (offset >= size)
		return size;
	word = addr[BIT_WORD(offset)] & (~0UL << (offset % BITS_PER_LONG));
	for (;;) {
		if (word) {
			offset = BIT_WORD(offset) * BITS_PER_LONG + __ffs(word);
			return offset < size ? offset : size;
		}
		offset = (BIT_WORD(offset) + 1) * BITS_PER_LONG;
		if (offset >= size)
			return size;
		word = addr[BIT_WORD(offset)];
	}
}

static inline bool bitmap_empty(const unsigned long *src, unsigned int nbits)
{
	unsigned int i;

	for (i = 0; i + BITS_PER_LONG <= nbits; i += BITS_PER_LONG)
		if (src[BIT_WORD(i)])
			return false;
	return i == nbits || !(src[BIT_WORD(i)] & BITMAP_LAST_WORD_MASK(nbits));
}

static inline void bitmap_fill(unsigned long *dst, unsigned int nbits)
{
	unsigned int i;

	for (i = 0; i + BITS_PER_LONG <= nbits; i += BITS_PER_LONG)
		dst[BIT_WORD(i)] = ~0UL;
	if (i < nbits)
		dst[BIT_WORD(i)] = BITMAP_LAST_WORD_MASK(nbits);
}

static inline void bitmap_clear(unsigned long *map, unsigned int start,
				unsigned int len)
{
	unsigned int i;

	for (i = start; i < start + len; i++)
		__clear_bit(i, map);
}

#endif /* LUBENCH_COMPAT_XARRAY_SHIM_H */
