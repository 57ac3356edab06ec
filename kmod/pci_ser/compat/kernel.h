/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The slice of the kernel API that the pci_ser variants use, for building
 * them in user space.  Only what the variants need; nothing clever.
 */
#ifndef LUBENCH_COMPAT_KERNEL_H
#define LUBENCH_COMPAT_KERNEL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <endian.h>
/* The C library's UAPI types (__u32, __le64, ...), as the kernel's own
 * xarray.h includes them. */
#include <linux/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define cpu_to_le16(x) htole16(x)
#define cpu_to_le32(x) htole32(x)
#define cpu_to_le64(x) htole64(x)
#define le16_to_cpu(x) le16toh(x)
#define le32_to_cpu(x) le32toh(x)
#define le64_to_cpu(x) le64toh(x)

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON(c)	_Static_assert(!(c), #c)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#define __always_unused	__attribute__((unused))

typedef unsigned int gfp_t;

/*
 * Failure injection for tests: when pci_ser_fail_alloc_in is N > 0, the
 * Nth allocation from now fails (and it goes back to 0).  When
 * pci_ser_fail_alloc_times is T > 1 as well, the T - 1 allocations after
 * it fail too (and both go back to 0): the xarray retries a failed node
 * allocation once (xarray_shim.h), so T = 2 is what makes xa_store()
 * fail.  Every allocation, the kernel xarray's nodes included (alloc.c),
 * asks here.  The module uses the kernel's allocators and has none of
 * this.
 */
extern unsigned long pci_ser_fail_alloc_in;
extern unsigned long pci_ser_fail_alloc_times;

static inline bool pci_ser_alloc_fails(void)
{
	if (!pci_ser_fail_alloc_in || --pci_ser_fail_alloc_in)
		return false;
	if (pci_ser_fail_alloc_times > 1) {
		pci_ser_fail_alloc_times--;
		pci_ser_fail_alloc_in = 1;
	} else {
		pci_ser_fail_alloc_times = 0;
	}
	return true;
}

static inline void *kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	(void)gfp;
	if (pci_ser_alloc_fails())
		return NULL;
	return calloc(n ? n : 1, size ? size : 1);
}

static inline void *kvmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes = n * size;

	(void)gfp;
	if (pci_ser_alloc_fails())
		return NULL;
	if (size && n > SIZE_MAX / size)
		return NULL;
	return malloc(bytes ? bytes : 1);
}

static inline void *kzalloc(size_t size, gfp_t gfp)
{
	return kvcalloc(1, size, gfp);
}

static inline void kvfree(const void *p)
{
	free((void *)p);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	return n <= 1 ? 1 : 1UL << (64 - __builtin_clzl(n - 1));
}

static inline int ilog2(unsigned long n)
{
	return 63 - __builtin_clzl(n);
}

/* lib/sort.c's signature; the swap callback is not needed by qsort. */
typedef int (*cmp_func_t)(const void *a, const void *b);
static inline void sort(void *base, size_t num, size_t size, cmp_func_t cmp,
			void *swap)
{
	(void)swap;
	qsort(base, num, size, cmp);
}

/* What the kernel's config says for this build. */
#ifdef __x86_64__
#define CONFIG_X86_64 1
static inline bool pci_ser_cpu_has_crc32c(void)
{
	return __builtin_cpu_supports("sse4.2");
}
#endif

/*
 * The kernel's own xarray (include/linux/xarray.h of linux-source-6.12,
 * extracted into the build tree), over the shim it needs.
 */
#include "xarray_shim.h"
#include <linux/xarray.h>

#endif /* LUBENCH_COMPAT_KERNEL_H */
