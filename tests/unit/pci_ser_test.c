// SPDX-License-Identifier: GPL-2.0
/*
 * Differential tests of the pci_ser layouts: the rules of the series,
 * domain aliasing, long random op sequences against a trivial model,
 * and the serialize -> retrieve round trip.  Every TEST_F runs once per
 * registered layout.
 */
#include "test_util.h"
#include "kselftest_harness.h"

PSER_FIXTURE()

#define DEV(d, bus, dev, fn)	(d), (u16)((bus) << 8 | (dev) << 3 | (fn))

/* A table that grows (kho-blocks) is never full: -ENOSPC becomes 0. */
static bool grows(const struct pci_ser *ser)
{
	return pci_ser_rules_grow(ser->ops->rules);
}

static int nospc(const struct pci_ser *ser)
{
	return grows(ser) ? 0 : -ENOSPC;
}

/*
 * Each layout's ops->name is its line of layouts.list, and its symbol is
 * that name with '-' made '_' (pci_ser_kho_blocks_ops is "kho-blocks").
 */
TEST(names_are_the_list)
{
	const struct pci_ser_ops *const *v = pci_ser_variants;
	char id[64];
	size_t i;

#define PSER_NAME_CHECK(id_, nm)					\
	ASSERT_EQ(&pci_ser_##id_##_ops, *v);				\
	ASSERT_STREQ(nm, (*v)->name);					\
	ASSERT_EQ(*v, pci_ser_variant(nm));				\
	ASSERT_LT(strlen(nm), sizeof(id));				\
	for (i = 0; i <= strlen(nm); i++)				\
		id[i] = nm[i] == '-' ? '_' : nm[i];			\
	ASSERT_STREQ(#id_, id);					\
	v++;
	PCI_SER_FOR_EACH_VARIANT_NAME(PSER_NAME_CHECK)
#undef PSER_NAME_CHECK
	ASSERT_EQ(NULL, *v);
}

TEST_F(pser, vf_is_einval)
{
	struct pci_ser *ser = &self->ser;

	ASSERT_EQ(-EINVAL, pci_ser_preserve(ser, DEV(0, 1, 0, 1), true, 8));
	/* A refused VF does not create the table. */
	ASSERT_EQ(NULL, ser->priv);
	ASSERT_EQ(0, pci_ser_preserve(ser, DEV(0, 1, 0, 0), false, 1));
	/* Full and present do not matter: the VF rule comes first. */
	ASSERT_EQ(-EINVAL, pci_ser_preserve(ser, DEV(0, 1, 0, 0), true, 1));
	ASSERT_EQ(-EINVAL, pci_ser_preserve(ser, DEV(0, 2, 0, 0), true, 1));
	ASSERT_FALSE(pci_ser_find(ser, DEV(0, 1, 0, 1)));
	ASSERT_EQ(1, ser->nr_devices);
}

TEST_F(pser, busy_before_nospc)
{
	struct pci_ser *ser = &self->ser;

	ASSERT_EQ(0, pci_ser_preserve(ser, DEV(0, 0, 1, 0), false, 2));
	ASSERT_EQ(-EBUSY, pci_ser_preserve(ser, DEV(0, 0, 1, 0), false, 2));
	ASSERT_EQ(0, pci_ser_preserve(ser, DEV(0, 0, 2, 0), false, 2));
	/* Full: a present device is still -EBUSY, a new one -ENOSPC. */
	ASSERT_EQ(-EBUSY, pci_ser_preserve(ser, DEV(0, 0, 2, 0), false, 2));
	ASSERT_EQ(nospc(ser), pci_ser_preserve(ser, DEV(0, 0, 3, 0), false, 2));
	ASSERT_EQ(grows(ser), pci_ser_find(ser, DEV(0, 0, 3, 0)));
	ASSERT_TRUE(pci_ser_find(ser, DEV(0, 0, 1, 0)));
	ASSERT_TRUE(pci_ser_find(ser, DEV(0, 0, 2, 0)));
	ASSERT_EQ(grows(ser) ? 3 : 2, ser->nr_devices);
	/* A grown table's capacity says what it holds. */
	ASSERT_EQ(grows(ser) ? 3 : 2, ser->capacity);
}

TEST_F(pser, unpreserve_and_lifecycle)
{
	struct pci_ser *ser = &self->ser;

	ASSERT_EQ(-ENOENT, pci_ser_unpreserve(ser, DEV(0, 0, 1, 0)));
	ASSERT_FALSE(pci_ser_find(ser, DEV(0, 0, 1, 0)));
	ASSERT_EQ(0, pci_ser_preserve(ser, DEV(0, 0, 1, 0), false, 4));
	ASSERT_NE(NULL, ser->priv);
	ASSERT_EQ(-ENOENT, pci_ser_unpreserve(ser, DEV(0, 0, 1, 1)));
	ASSERT_EQ(0, pci_ser_unpreserve(ser, DEV(0, 0, 1, 0)));
	/* The last unpreserve frees the table. */
	ASSERT_EQ(NULL, ser->priv);
	ASSERT_EQ(-ENOENT, pci_ser_unpreserve(ser, DEV(0, 0, 1, 0)));
	ASSERT_FALSE(pci_ser_find(ser, DEV(0, 0, 1, 0)));
}

TEST_F(pser, capacity_fixed_at_first_preserve)
{
	struct pci_ser *ser = &self->ser;
	u32 i;

	/* Sized for 3; devices hot-plugged later do not grow it. */
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, pci_ser_preserve(ser, DEV(0, 0, i, 0), false,
					      3 + i));
	ASSERT_EQ(3, ser->capacity);
	ASSERT_EQ(nospc(ser), pci_ser_preserve(ser, DEV(0, 0, 9, 0), false, 10));
	if (grows(ser)) {
		/* It grew by one, not to what was offered. */
		ASSERT_EQ(4, ser->capacity);
		ASSERT_EQ(0, pci_ser_unpreserve(ser, DEV(0, 0, 9, 0)));
	}
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, pci_ser_unpreserve(ser, DEV(0, 0, i, 0)));
	/* A new table is sized by the devices present now. */
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, pci_ser_preserve(ser, DEV(0, 0, i, 0), false, 10));
	ASSERT_EQ(nospc(ser), pci_ser_preserve(ser, DEV(0, 0, 11, 0), false, 12));
}

TEST_F(pser, capacity_zero)
{
	struct pci_ser *ser = &self->ser;

	ASSERT_EQ(nospc(ser), pci_ser_preserve(ser, DEV(0, 0, 1, 0), false, 0));
	if (grows(ser)) {
		ASSERT_EQ(1, ser->capacity);
		ASSERT_EQ(0, pci_ser_unpreserve(ser, DEV(0, 0, 1, 0)));
	}
	ASSERT_EQ(NULL, ser->priv);
	ASSERT_EQ(0, pci_ser_preserve(ser, DEV(0, 0, 1, 0), false, 1));
}

TEST_F(pser, domains_do_not_alias)
{
	static const u32 doms[] = { 0x0, 0x10000, 0x1, 0x10001, 0xffff,
				    0x1ffff, 0xffffffff, 0x80000000 };
	struct pci_ser *ser = &self->ser;
	u32 i, j;

	/* Same BDF everywhere; the domains agree in their low 16 bits. */
	for (i = 0; i < ARRAY_SIZE(doms); i += 2) {
		ASSERT_EQ(0, pci_ser_preserve(ser, DEV(doms[i], 0xff, 0x1f, 7),
					      false, 64));
		ASSERT_FALSE(pci_ser_find(ser, DEV(doms[i + 1], 0xff, 0x1f, 7)));
	}
	for (i = 1; i < ARRAY_SIZE(doms); i += 2)
		ASSERT_EQ(0, pci_ser_preserve(ser, DEV(doms[i], 0xff, 0x1f, 7),
					      false, 64));
	for (i = 0; i < ARRAY_SIZE(doms); i++) {
		ASSERT_EQ(0, pci_ser_unpreserve(ser, DEV(doms[i], 0xff, 0x1f, 7)));
		for (j = 0; j < ARRAY_SIZE(doms); j++)
			ASSERT_EQ(j > i, pci_ser_find(ser, DEV(doms[j], 0xff,
							       0x1f, 7)));
	}
}

/*
 * The reference model: a flag per device of a fixed universe, and the
 * rules written as plainly as possible.
 */
struct model {
	struct udev *u;
	bool *in;
	u32 n;
	u32 count;
	u32 capacity;
	bool live;
	bool grows;	/* the table is never full */
};

static int model_preserve(struct model *m, u32 i, u32 capacity)
{
	if (m->u[i].vf)
		return -EINVAL;
	if (!m->live) {
		m->live = true;
		m->capacity = capacity;
	}
	if (m->in[i])
		return -EBUSY;
	if (m->count == m->capacity && !m->grows) {
		m->live = m->count > 0;
		return -ENOSPC;
	}
	m->in[i] = true;
	m->count++;
	return 0;
}

static int model_unpreserve(struct model *m, u32 i)
{
	if (!m->live || !m->in[i])
		return -ENOENT;
	m->in[i] = false;
	m->live = --m->count > 0;
	return 0;
}

static struct keyset model_keys(const struct model *m)
{
	struct keyset ks = { };
	u32 i;

	for (i = 0; i < m->n; i++)
		if (m->in[i])
			keyset_add(&ks, m->u[i].domain, m->u[i].bdf);
	if (ks.nr)
		qsort(ks.k, ks.nr, sizeof(u64), cmp_u64);
	return ks;
}

static bool same_set(const struct pci_ser *ser, const struct model *m)
{
	struct keyset a = keyset_of(ser), b = model_keys(m);
	bool ok = keyset_equal(&a, &b) && ser->nr_devices == m->count;

	free(a.k);
	free(b.k);
	return ok;
}

/* Replace @ser by what the next kernel would retrieve from its blob. */
static bool hand_over(struct pci_ser *ser)
{
	struct pci_ser next = { .ops = ser->ops };
	size_t len;
	u8 *blob = blob_of(ser, &len);
	bool ok = blob && !pci_ser_blob_retrieve(&next, blob, len, ser->ops);

	free(blob);
	if (ok) {
		pci_ser_destroy(ser);
		*ser = next;
	}
	return ok;
}

/*
 * @nr_ops random ops over a universe of @n devices.  The capacity offered
 * at each preserve drifts upward like a host that gains hot-plugged
 * devices; the table keeps the one it was created with.  Every @check
 * ops the whole set is compared and the table is handed over.
 */
static void random_run(struct __test_metadata *_metadata, struct pci_ser *ser,
		       u64 seed, u32 n, u32 capacity, u32 prefill,
		       u32 nr_ops, u32 check)
{
	struct model m = { .n = n, .grows = grows(ser) };
	u64 s = seed;
	u32 op;

	m.u = universe_make(n, seed);
	m.in = calloc(n, sizeof(bool));
	ASSERT_NE(NULL, m.u);
	ASSERT_NE(NULL, m.in);

	for (op = 0; op < prefill; op++) {
		u32 i = op % n;

		ASSERT_EQ(model_preserve(&m, i, capacity),
			  pci_ser_preserve(ser, m.u[i].domain, m.u[i].bdf,
					   m.u[i].vf, capacity));
	}
	for (op = 0; op < nr_ops; op++) {
		u32 i = rnd_below(&s, n), r = rnd_below(&s, 100);
		u32 cap = capacity + op / 4096;

		if (r < 45) {
			ASSERT_EQ(model_preserve(&m, i, cap),
				  pci_ser_preserve(ser, m.u[i].domain,
						   m.u[i].bdf, m.u[i].vf, cap)) {
				TH_LOG("seed %llu op %u: preserve %x:%04x",
				       (unsigned long long)seed, op,
				       m.u[i].domain, m.u[i].bdf);
			}
		} else if (r < 70) {
			ASSERT_EQ(model_unpreserve(&m, i),
				  pci_ser_unpreserve(ser, m.u[i].domain,
						     m.u[i].bdf)) {
				TH_LOG("seed %llu op %u: unpreserve %x:%04x",
				       (unsigned long long)seed, op,
				       m.u[i].domain, m.u[i].bdf);
			}
		} else {
			ASSERT_EQ(m.live && m.in[i],
				  pci_ser_find(ser, m.u[i].domain,
					       m.u[i].bdf)) {
				TH_LOG("seed %llu op %u: find %x:%04x",
				       (unsigned long long)seed, op,
				       m.u[i].domain, m.u[i].bdf);
			}
		}
		if ((op + 1) % check == 0) {
			ASSERT_TRUE(same_set(ser, &m));
			ASSERT_TRUE(hand_over(ser));
			ASSERT_TRUE(same_set(ser, &m));
		}
	}
	ASSERT_TRUE(same_set(ser, &m));
	free(m.u);
	free(m.in);
}

/* Small tables that are often full, empty and re-created. */
TEST_F_TIMEOUT(pser, random_small, 300)
{
	u64 seed;

	for (seed = 1; seed <= 3; seed++) {
		random_run(_metadata, &self->ser, seed, 700, 96, 0, 100000,
			   10000);
		pci_ser_destroy(&self->ser);
	}
}

TEST_F_TIMEOUT(pser, random_medium, 300)
{
	random_run(_metadata, &self->ser, 4, 6000, 4096, 3000, 100000, 25000);
}

/* 65,536 devices preserved, then mixed ops around that size. */
TEST_F_TIMEOUT(pser, random_65536, 600)
{
	random_run(_metadata, &self->ser, 5, 72000, 65536, 72000, 40000,
		   20000);
}

TEST_F(pser, round_trip)
{
	static const u32 sizes[] = { 0, 1, 2, 7, 511, 512, 1000, 4096 };
	u32 k;

	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		struct pci_ser a = { .ops = variant->ops };
		struct pci_ser b = { .ops = variant->ops };
		struct udev *u = universe_make(2 * sizes[k] + 1, k);
		struct keyset ka, kb;
		size_t la, lb;
		u8 *ba, *bb;
		u32 i, room, added = 0;

		for (i = 0; i < 2 * sizes[k] + 1 && added < sizes[k]; i++) {
			if (u[i].vf)
				continue;
			ASSERT_EQ(0, pci_ser_preserve(&a, u[i].domain, u[i].bdf,
						      false, sizes[k] + 3));
			added++;
		}
		ASSERT_EQ(sizes[k], added);
		a.capacity = sizes[k] + 3;
		ba = blob_of(&a, &la);
		ASSERT_EQ(PCI_SER_OK, pci_ser_blob_check(ba, la, NULL, NULL));
		ASSERT_EQ(PCI_SER_OK, pci_ser_blob_retrieve(&b, ba, la,
							    variant->ops));
		ASSERT_EQ(sizes[k], b.nr_devices);
		ASSERT_EQ(a.capacity, b.capacity);
		ka = keyset_of(&a);
		kb = keyset_of(&b);
		ASSERT_TRUE(keyset_equal(&ka, &kb));
		for (i = 0; i < 2 * sizes[k] + 1; i++)
			ASSERT_EQ(pci_ser_find(&a, u[i].domain, u[i].bdf),
				  pci_ser_find(&b, u[i].domain, u[i].bdf));
		/* The retrieved table serializes to the very same bytes. */
		bb = blob_of(&b, &lb);
		ASSERT_EQ(la, lb);
		ASSERT_EQ(0, memcmp(ba, bb, la));
		/*
		 * And keeps working: every free slot takes a new device
		 * (domains no universe uses), then the table is full.
		 */
		room = b.capacity - b.nr_devices;
		for (i = 0; i < room; i++)
			ASSERT_EQ(0, pci_ser_preserve(&b, 0xdead0000 + i, 0,
						      false, b.capacity));
		ASSERT_EQ(b.capacity, b.nr_devices);
		ASSERT_EQ(nospc(&b), pci_ser_preserve(&b, 0xdeadffff, 0, false,
						      b.capacity));
		free(ka.k);
		free(kb.k);
		free(ba);
		free(bb);
		free(u);
		pci_ser_destroy(&a);
		pci_ser_destroy(&b);
	}
}

TEST_HARNESS_MAIN
