/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the pci_ser tests: a fixture run over every registered
 * layout, a seeded generator, device universes, and set comparison.
 */
#ifndef LUBENCH_TEST_UTIL_H
#define LUBENCH_TEST_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "pci_ser_blob.h"

/* Defines fixture @f with one FIXTURE_VARIANT per registered layout. */
#define PSER_VARIANT_ADD(f, name) \
	FIXTURE_VARIANT_ADD(f, name) { .ops = &pci_ser_##name##_ops };
#define PSER_VARIANT_ADD_pser(name) PSER_VARIANT_ADD(pser, name)

#define PSER_FIXTURE()							\
	FIXTURE(pser) {							\
		struct pci_ser ser;					\
	};								\
	FIXTURE_VARIANT(pser) {						\
		const struct pci_ser_ops *ops;				\
	};								\
	PCI_SER_FOR_EACH_VARIANT(PSER_VARIANT_ADD_pser)			\
	FIXTURE_SETUP(pser)						\
	{								\
		memset(&self->ser, 0, sizeof(self->ser));		\
		self->ser.ops = variant->ops;				\
	}								\
	FIXTURE_TEARDOWN(pser)						\
	{								\
		pci_ser_destroy(&self->ser);				\
	}

/* xorshift64*: small, seedable, good enough to pick ops and devices. */
static inline u64 rnd_next(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static inline u32 rnd_below(u64 *s, u32 n)
{
	return (u32)((rnd_next(s) >> 32) * n >> 32);
}

struct udev {
	u32 domain;
	u16 bdf;
	bool vf;
};

/*
 * @n distinct devices over domains that include 16-bit aliases of each
 * other (0x1 and 0x10001, 0x0 and 0x10000), in a shuffled order; about
 * one in sixteen is a VF.  Unique because k -> (k % 8, (k / 8) * odd)
 * is injective for k / 8 < 65536.
 */
static inline struct udev *universe_make(u32 n, u64 seed)
{
	static const u32 doms[8] = { 0x0, 0x1, 0xffff, 0x10000, 0x10001,
				     0x1ffff, 0xabcdef, 0xffffffff };
	struct udev *u = calloc(n ? n : 1, sizeof(*u));
	u64 s = seed * 0x9e3779b97f4a7c15ULL + 1;
	u32 k;

	for (k = 0; u && k < n; k++) {
		u[k].domain = doms[k % 8];
		u[k].bdf = (u16)((k / 8) * 40503u + seed);
		u[k].vf = rnd_below(&s, 16) == 0;
	}
	for (k = n; u && k > 1; k--) {
		u32 j = rnd_below(&s, k);
		struct udev t = u[k - 1];

		u[k - 1] = u[j];
		u[j] = t;
	}
	return u;
}

/* Collects a table's devices as sorted keys, to compare sets. */
struct keyset {
	u64 *k;
	u32 nr;
	u32 alloc;
};

static inline void keyset_add(void *arg, u32 domain, u16 bdf)
{
	struct keyset *ks = arg;

	if (ks->nr == ks->alloc) {
		ks->alloc = ks->alloc ? 2 * ks->alloc : 64;
		ks->k = realloc(ks->k, ks->alloc * sizeof(u64));
	}
	ks->k[ks->nr++] = pci_ser_key(domain, bdf);
}

static inline int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static inline struct keyset keyset_of(const struct pci_ser *ser)
{
	struct keyset ks = { };

	pci_ser_for_each(ser, keyset_add, &ks);
	if (ks.nr)
		qsort(ks.k, ks.nr, sizeof(u64), cmp_u64);
	return ks;
}

static inline bool keyset_equal(const struct keyset *a,
				const struct keyset *b)
{
	return a->nr == b->nr &&
	       (!a->nr || !memcmp(a->k, b->k, a->nr * sizeof(u64)));
}

/* A sealed blob of @ser in a fresh buffer; its length in *len. */
static inline u8 *blob_of(const struct pci_ser *ser, size_t *len)
{
	u8 *buf;

	*len = pci_ser_blob_size(ser);
	buf = calloc(1, *len);
	if (buf)
		pci_ser_blob_write(ser, buf, 0x1234, 2000000);
	return buf;
}

#endif /* LUBENCH_TEST_UTIL_H */
