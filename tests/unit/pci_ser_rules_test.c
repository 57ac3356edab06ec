// SPDX-License-Identifier: GPL-2.0
/*
 * The rules of each revision (enum pci_ser_rules), through the front end
 * every caller uses, on every registered layout: each test checks what
 * the layout's own rules say.  Bridges, refcounts along a path, the
 * frozen state, full tables, finish, the handover keeping refcounts, and
 * a preserve that fails partway along its path leaving nothing behind,
 * whichever allocation fails.
 */
#include "test_util.h"
#include "kselftest_harness.h"

PSER_FIXTURE()

#define ID(d, bus, dev, fn)	{ (d), (u16)((bus) << 8 | (dev) << 3 | (fn)) }

/*
 * A small tree: root port R (00:01.0), switch upstream port U (01:00.0)
 * below it, downstream ports D0 (02:00.0) and D1 (02:01.0) below U, and
 * endpoints E0 (03:00.0) under D0, E1 (04:00.0) under D1, E2 (03:00.1)
 * under D0.  Paths are nearest bridge first.
 */
static const struct pci_ser_id R = ID(0, 0, 1, 0), U = ID(0, 1, 0, 0),
	D0 = ID(0, 2, 0, 0), D1 = ID(0, 2, 1, 0);
static const struct pci_ser_id path_e0[] = { ID(0, 2, 0, 0), ID(0, 1, 0, 0),
					     ID(0, 0, 1, 0) };
static const struct pci_ser_id path_e1[] = { ID(0, 2, 1, 0), ID(0, 1, 0, 0),
					     ID(0, 0, 1, 0) };

static struct pci_ser_dev endpoint(u32 bus, u32 fn, const struct pci_ser_id *p,
				   u32 nr)
{
	return (struct pci_ser_dev) { .domain = 0, .bdf = (u16)(bus << 8 | fn),
				      .nr_path = nr, .path = p };
}

static const struct pci_ser_dev E0 = { .bdf = 3 << 8, .nr_path = 3,
				       .path = path_e0 };
static const struct pci_ser_dev E1 = { .bdf = 4 << 8, .nr_path = 3,
				       .path = path_e1 };
static const struct pci_ser_dev E2 = { .bdf = 3 << 8 | 1, .nr_path = 3,
				       .path = path_e0 };

static u16 ref(struct pci_ser *ser, struct pci_ser_id id)
{
	return pci_ser_refcount(ser, id.domain, id.bdf);
}

static bool counted(const struct pci_ser *ser)
{
	return pci_ser_rules_refcounted(ser->ops->rules);
}

TEST_F(pser, rules_name_round_trip)
{
	enum pci_ser_rules r = self->ser.ops->rules;

	ASSERT_LT(r, PCI_SER_NR_RULES);
	EXPECT_EQ(r, pci_ser_rules_by_name(pci_ser_rules_name(r)));
	EXPECT_EQ(PCI_SER_NR_RULES, pci_ser_rules_by_name("v3"));
	/* Refcounted rules need the refcount ops, v2's have none. */
	EXPECT_EQ(counted(&self->ser), self->ser.ops->refcount != NULL);
	EXPECT_EQ(counted(&self->ser), self->ser.ops->set_refcount != NULL);
}

TEST_F(pser, vf_and_endpoint_twice)
{
	struct pci_ser *ser = &self->ser;
	struct pci_ser_dev vf = E0;


	vf.is_vf = true;
	EXPECT_EQ(-EINVAL, pci_ser_preserve_dev(ser, &vf, 16));
	EXPECT_EQ(NULL, ser->priv);
	ASSERT_EQ(0, pci_ser_preserve_dev(ser, &E0, 16));
	EXPECT_EQ(-EBUSY, pci_ser_preserve_dev(ser, &E0, 16));
	EXPECT_EQ(-EINVAL, pci_ser_preserve_dev(ser, &vf, 16));
	EXPECT_EQ(1, ref(ser, (struct pci_ser_id){ 0, 3 << 8 }));
	/* A refused second preserve moved no refcount. */
	EXPECT_EQ(counted(ser) ? 1 : 0, ref(ser, R));
}

TEST_F(pser, bridges_along_the_path)
{
	struct pci_ser *ser = &self->ser;
	/* E0 and, under refcounted rules, D0, U and R. */
	u32 entries = counted(ser) ? 4 : 1;

	ASSERT_EQ(0, pci_ser_preserve_dev(ser, &E0, 16));
	EXPECT_EQ(entries, ser->nr_devices);
	ASSERT_EQ(0, pci_ser_preserve_dev(ser, &E1, 16));
	ASSERT_EQ(0, pci_ser_preserve_dev(ser, &E2, 16));
	if (counted(ser)) {
		/* A bridge counts the preserved devices below it. */
		EXPECT_EQ(3, ref(ser, R));
		EXPECT_EQ(3, ref(ser, U));
		EXPECT_EQ(2, ref(ser, D0));
		EXPECT_EQ(1, ref(ser, D1));
		EXPECT_EQ(7, ser->nr_devices);
	} else {
		/* v2 preserves no bridge. */
		EXPECT_EQ(0, ref(ser, R));
		EXPECT_EQ(0, ref(ser, D0));
		EXPECT_EQ(3, ser->nr_devices);
	}
	ASSERT_EQ(0, pci_ser_unpreserve_dev(ser, &E1));
	EXPECT_EQ(0, ref(ser, D1));
	EXPECT_EQ(counted(ser) ? 2 : 0, ref(ser, U));
	EXPECT_EQ(-ENOENT, pci_ser_unpreserve_dev(ser, &E1));
	EXPECT_EQ(counted(ser) ? 2 : 0, ref(ser, U));
	ASSERT_EQ(0, pci_ser_unpreserve_dev(ser, &E0));
	ASSERT_EQ(0, pci_ser_unpreserve_dev(ser, &E2));
	/* The last device gone, bridges and all: no table. */
	EXPECT_EQ(NULL, ser->priv);
	EXPECT_EQ(0, ser->nr_devices);
}

TEST_F(pser, bridge_preserved_itself)
{
	struct pci_ser *ser = &self->ser;
	static const struct pci_ser_id above_d0[] = { ID(0, 1, 0, 0),
						      ID(0, 0, 1, 0) };
	struct pci_ser_dev d0 = { .domain = D0.domain, .bdf = D0.bdf,
				  .is_bridge = true, .nr_path = 2,
				  .path = above_d0 };

	ASSERT_EQ(0, pci_ser_preserve_dev(ser, &d0, 16));
	if (!counted(ser)) {
		EXPECT_EQ(-EBUSY, pci_ser_preserve_dev(ser, &d0, 16));
		return;
	}
	/* Again is one more reference, never -EBUSY. */
	ASSERT_EQ(0, pci_ser_preserve_dev(ser, &d0, 16));
	ASSERT_EQ(0, pci_ser_preserve_dev(ser, &E0, 16));
	EXPECT_EQ(3, ref(ser, D0));
	EXPECT_EQ(3, ref(ser, R));
	ASSERT_EQ(0, pci_ser_unpreserve_dev(ser, &d0));
	EXPECT_EQ(2, ref(ser, D0));
	EXPECT_EQ(2, ref(ser, U));
}

TEST_F(pser, frozen)
{
	struct pci_ser *ser = &self->ser;

	ASSERT_EQ(0, pci_ser_preserve_dev(ser, &E0, 16));
	pci_ser_freeze(ser);
	if (!counted(ser)) {
		/* v2 has no frozen state. */
		EXPECT_EQ(0, pci_ser_preserve_dev(ser, &E1, 16));
		EXPECT_EQ(0, pci_ser_unpreserve_dev(ser, &E1));
		return;
	}
	EXPECT_EQ(-EINVAL, pci_ser_preserve_dev(ser, &E1, 16));
	EXPECT_EQ(-EINVAL, pci_ser_unpreserve_dev(ser, &E0));
	EXPECT_EQ(0, ref(ser, D1));
	EXPECT_EQ(1, ref(ser, R));
	/* finish is the incoming side's, frozen or not. */
	ASSERT_EQ(0, pci_ser_finish_dev(ser, &E0));
	EXPECT_EQ(NULL, ser->priv);
}

TEST_F(pser, full_table)
{
	struct pci_ser *ser = &self->ser;
	u32 cap = counted(ser) ? 5 : 1, i, nr;
	int ret;

	ASSERT_EQ(0, pci_ser_preserve_dev(ser, &E0, cap));
	nr = ser->nr_devices;
	/*
	 * E1 needs D1 too: past the capacity for fixed tables (refcounted:
	 * E1 takes the last slot, D1 finds none).
	 */
	ret = pci_ser_preserve_dev(ser, &E1, cap);
	if (pci_ser_rules_grow(ser->ops->rules)) {
		/* The newest revision grows: no capacity to run out of. */
		ASSERT_EQ(0, ret);
		for (i = 0; i < 2000; i++) {
			struct pci_ser_dev e = endpoint(0x10 + i / 256, i % 256,
							path_e1, 3);

			ASSERT_EQ(0, pci_ser_preserve_dev(ser, &e, cap));
		}
		EXPECT_EQ(2002, ref(ser, R));
		return;
	}
	ASSERT_EQ(-ENOSPC, ret);
	/* Nothing of the refused preserve is left. */
	EXPECT_EQ(0, ref(ser, (struct pci_ser_id){ 0, 4 << 8 }));
	EXPECT_EQ(0, ref(ser, D1));
	EXPECT_EQ(counted(ser) ? 1 : 0, ref(ser, U));
	EXPECT_EQ(nr, ser->nr_devices);
}

/*
 * Preserve with the next allocation made to fail (what `fault alloc 1`
 * of a trace does): -ENOMEM, and the table as it was, refcounts along
 * the path included.
 */
static int preserve_failing(struct __test_metadata *_metadata,
			    struct pci_ser *ser, const struct pci_ser_dev *dev)
{
	u32 nr = ser->nr_devices;
	u16 r = ref(ser, R), u = ref(ser, U), d1 = ref(ser, D1);
	int ret;

	pci_ser_fail_alloc_in = 1;
	ret = pci_ser_preserve_dev(ser, dev, 16);
	pci_ser_fail_alloc_in = 0;
	if (ret == -ENOMEM) {
		EXPECT_EQ(nr, ser->nr_devices);
		EXPECT_EQ(r, ref(ser, R));
		EXPECT_EQ(u, ref(ser, U));
		EXPECT_EQ(d1, ref(ser, D1));
		EXPECT_EQ(0, ref(ser, ((struct pci_ser_id){ dev->domain,
							    dev->bdf })));
	}
	return ret;
}

/*
 * A table that grows: no -ENOSPC, but -ENOMEM when growing fails, and
 * only then (creating the table, adding a block); retried, it goes in.
 */
TEST_F(pser, growth_fails_enomem)
{
	struct pci_ser *ser = &self->ser;
	u32 i, fails = 0, first = 0;
	int ret;

	if (!pci_ser_rules_grow(ser->ops->rules))
		SKIP(return, "%s does not grow (full_table: -ENOSPC)",
		     ser->ops->name);
	for (i = 0; i < 2000; i++) {
		struct pci_ser_dev e = endpoint(0x10 + i / 256, i % 256,
						path_e1, 3);

		ret = preserve_failing(_metadata, ser, &e);
		if (ret == -ENOMEM) {
			if (fails++ == 1)
				first = i;
			ASSERT_EQ(0, pci_ser_preserve_dev(ser, &e, 16));
			continue;
		}
		ASSERT_EQ(0, ret) TH_LOG("endpoint %u", i);
	}
	EXPECT_EQ(2000, ref(ser, R));
	EXPECT_EQ(2003, ser->nr_devices);
	/* Created at the first, grown at least three times for 2,003. */
	EXPECT_GE(fails, 4);
	EXPECT_GT(first, 100) TH_LOG("a block holds %u entries", first);
}

/*
 * The review's question for a growing table: the endpoint takes the last
 * free slot, its bridges need a new block, and growing fails.  Nothing of
 * the endpoint or the path is left.
 */
TEST_F(pser, growth_fails_partway)
{
	struct pci_ser *ser = &self->ser;
	struct pci_ser_dev f;
	u32 i;
	int ret;

	if (!pci_ser_rules_grow(ser->ops->rules))
		SKIP(return, "%s does not grow (full_table: partway ENOSPC)",
		     ser->ops->name);
	/* Endpoints on a root bus until the next one needs a new block. */
	for (i = 0; ; i++) {
		f = endpoint(0x80 + i / 256, i % 256, NULL, 0);
		ASSERT_LT(i, 100000);
		ret = preserve_failing(_metadata, ser, &f);
		if (ret == -ENOMEM && i)
			break;
		if (ret == -ENOMEM)
			ret = pci_ser_preserve_dev(ser, &f, 16);
		ASSERT_EQ(0, ret);
	}
	/* One slot free: E1 fits, D1, U and R do not. */
	f = endpoint(0x80, 0, NULL, 0);
	ASSERT_EQ(0, pci_ser_unpreserve_dev(ser, &f));
	ASSERT_EQ(-ENOMEM, preserve_failing(_metadata, ser, &E1));
	EXPECT_EQ(0, ref(ser, R));
	EXPECT_EQ(0, ref(ser, D1));
	EXPECT_EQ(i - 1, ser->nr_devices);
	/* The slot E1 had is free again: a filler takes it, no growth. */
	ASSERT_EQ(0, preserve_failing(_metadata, ser, &f));
	ASSERT_EQ(0, pci_ser_preserve_dev(ser, &E1, 16));
	EXPECT_EQ(1, ref(ser, D1));
	EXPECT_EQ(1, ref(ser, R));
	EXPECT_EQ(i + 4, ser->nr_devices);
}

/* Every (device, refcount) of a table, sorted, for comparing states. */
struct snap {
	struct pci_ser *ser;
	u32 nr;
	u64 e[64];
};

static void snap_one(void *arg, u32 domain, u16 bdf)
{
	struct snap *s = arg;

	if (s->nr < 64)
		s->e[s->nr] = pci_ser_key(domain, bdf) << 16 |
			      pci_ser_refcount(s->ser, domain, bdf);
	s->nr++;
}

static void snap_take(struct pci_ser *ser, struct snap *s)
{
	memset(s, 0, sizeof(*s));
	s->ser = ser;
	pci_ser_for_each(ser, snap_one, s);
	qsort(s->e, s->nr < 64 ? s->nr : 64, sizeof(s->e[0]), cmp_u64);
}

/*
 * The review's question: a preserve that fails partway along its path
 * must leave no refcount behind.  Make each allocation of the preserve
 * fail in turn, on an empty table and on one that holds other devices.
 */
TEST_F(pser, failure_partway_leaves_nothing)
{
	struct pci_ser *ser = &self->ser;
	struct snap before, after;
	unsigned long n;
	int fails = 0, round;

	for (round = 0; round < 2; round++) {
		for (n = 1; n < 64; n++) {
			int ret;

			snap_take(ser, &before);
			pci_ser_fail_alloc_in = n;
			ret = pci_ser_preserve_dev(ser, &E1, 64);
			pci_ser_fail_alloc_in = 0;
			if (!ret) {
				/* No allocation left to fail: undo, done. */
				ASSERT_EQ(0, pci_ser_unpreserve_dev(ser, &E1));
				break;
			}
			ASSERT_EQ(-ENOMEM, ret);
			fails++;
			snap_take(ser, &after);
			ASSERT_EQ(before.nr, after.nr) {
				TH_LOG("allocation %lu failing left %u entries, not %u",
				       n, after.nr, before.nr);
			}
			ASSERT_EQ(0, memcmp(before.e, after.e,
					    sizeof(before.e))) {
				TH_LOG("allocation %lu failing changed a refcount", n);
			}
		}
		ASSERT_LT(n, 64);
		if (round)
			break;
		/* Round two: the same on a table that holds E0 and E2. */
		ASSERT_EQ(0, pci_ser_preserve_dev(ser, &E0, 64));
		ASSERT_EQ(0, pci_ser_preserve_dev(ser, &E2, 64));
	}
	/* At least creating the table can fail. */
	EXPECT_GT(fails, 0);
}

/*
 * A full table halfway up a path: a device under a second root port,
 * with two slots left for the three entries it needs.  It and its
 * nearest bridge go in, the root port finds no slot: both come out
 * again, every refcount as it was.  Once on the table as preserved, once
 * on the one the next kernel retrieved (whose lookups may differ).
 */
TEST_F(pser, full_midway_up_the_path)
{
	static const struct pci_ser_id path_e9[] = { ID(0, 8, 0, 0),
						     ID(0, 0, 2, 0) };
	struct pci_ser_dev e9 = endpoint(9, 0, path_e9, 2);
	struct pci_ser *ser = &self->ser;
	struct pci_ser in = { .ops = ser->ops };
	struct snap before, after;
	size_t len;
	int round, ret;
	u8 *buf;

	ASSERT_EQ(0, pci_ser_preserve_dev(ser, &E0, 6));
	for (round = 0; round < 2; round++) {
		snap_take(ser, &before);
		ret = pci_ser_preserve_dev(ser, &e9, 6);
		if (ser->ops->rules != PCI_SER_RULES_V6) {
			/* v2 takes e9 alone, the newest revision grows. */
			ASSERT_EQ(0, ret);
			return;
		}
		ASSERT_EQ(-ENOSPC, ret);
		snap_take(ser, &after);
		ASSERT_EQ(before.nr, after.nr);
		ASSERT_EQ(0, memcmp(before.e, after.e, sizeof(before.e))) {
			TH_LOG("round %d: a refcount was left behind", round);
		}
		EXPECT_FALSE(pci_ser_find(ser, 0, 9 << 8));
		EXPECT_FALSE(pci_ser_find(ser, 0, 8 << 8));
		EXPECT_EQ(0, ref(ser, path_e9[1]));
		if (round)
			break;
		buf = blob_of(ser, &len);
		ASSERT_NE(NULL, buf);
		ASSERT_EQ(PCI_SER_OK, pci_ser_blob_retrieve(&in, buf, len,
							    ser->ops));
		free(buf);
		pci_ser_destroy(ser);
		*ser = in;
	}
	/* The slots the refused preserve took are free again. */
	ASSERT_EQ(0, pci_ser_preserve_dev(ser, &E2, 6));
	EXPECT_EQ(5, ser->nr_devices);
	EXPECT_EQ(2, ref(ser, R));
	EXPECT_EQ(2, ref(ser, D0));
}

/* The handover keeps every entry and refcount; finish drops them. */
TEST_F(pser, handover_then_finish)
{
	struct pci_ser *ser = &self->ser;
	struct pci_ser in = { .ops = ser->ops };
	struct snap before, after;
	size_t len;
	void *buf;

	ASSERT_EQ(0, pci_ser_preserve_dev(ser, &E0, 16));
	ASSERT_EQ(0, pci_ser_preserve_dev(ser, &E1, 16));
	ASSERT_EQ(0, pci_ser_preserve_dev(ser, &E2, 16));
	pci_ser_freeze(ser);
	snap_take(ser, &before);
	len = pci_ser_blob_size(ser);
	buf = malloc(len);
	ASSERT_NE(NULL, buf);
	pci_ser_blob_write(ser, buf, 0, 0);
	ASSERT_EQ(PCI_SER_OK, pci_ser_blob_retrieve(&in, buf, len, ser->ops));
	free(buf);
	snap_take(&in, &after);
	EXPECT_EQ(before.nr, after.nr);
	EXPECT_EQ(0, memcmp(before.e, after.e, sizeof(before.e)));
	EXPECT_TRUE(pci_ser_find(&in, D0.domain, D0.bdf) == counted(ser));
	ASSERT_EQ(0, pci_ser_finish_dev(&in, &E0));
	EXPECT_EQ(counted(ser) ? 1 : 0, ref(&in, D0));
	EXPECT_EQ(-ENOENT, pci_ser_finish_dev(&in, &E0));
	ASSERT_EQ(0, pci_ser_finish_dev(&in, &E2));
	EXPECT_EQ(0, ref(&in, D0));
	EXPECT_EQ(counted(ser) ? 1 : 0, ref(&in, R));
	ASSERT_EQ(0, pci_ser_finish_dev(&in, &E1));
	EXPECT_EQ(NULL, in.priv);
	pci_ser_destroy(&in);
}

TEST_HARNESS_MAIN
