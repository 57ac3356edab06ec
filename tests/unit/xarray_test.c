// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own lib/xarray.c as user space builds it (extracted from
 * linux-source-6.12, over kmod/pci_ser/compat/xarray_shim.h): the API the
 * layouts use against a model, and the failure injection reaching it.
 * An injected failure of a node allocation is retried by the xarray
 * itself (xas_nomem), so one failure is absorbed and two in a row make
 * xa_store() fail; then every layout must refuse a retrieve cleanly.
 */
#include "test_util.h"
#include "kselftest_harness.h"

PSER_FIXTURE()

/* A key of 48 bits, as pci_ser_key() makes them: domain << 16 | bdf. */
static unsigned long key_of(u64 *seed)
{
	switch (rnd_below(seed, 4)) {
	case 0:
		return rnd_below(seed, 64);		/* one leaf node */
	case 1:
		return rnd_below(seed, 1u << 20);	/* a few levels */
	default:
		return pci_ser_key((u32)rnd_next(seed), (u16)rnd_next(seed));
	}
}

struct model {
	unsigned long key;
	unsigned long value;
};

/* Random stores, overwrites and erases against a table of what is there. */
TEST(against_a_model)
{
	enum { KEYS = 512, OPS = 50000 };
	struct model *m = calloc(KEYS, sizeof(*m));
	struct xarray xa;
	u64 seed = 12;
	int i, k;

	ASSERT_NE(NULL, m);
	for (k = 0; k < KEYS; k++) {
		int j;

		do {
			m[k].key = key_of(&seed);
			for (j = 0; j < k && m[j].key != m[k].key; j++)
				;
		} while (j < k);	/* each key once */
	}
	xa_init(&xa);
	for (i = 0; i < OPS; i++) {
		struct model *e = &m[rnd_below(&seed, KEYS)];
		void *want = e->value ? xa_mk_value(e->value - 1) : NULL;
		void *old;

		if (rnd_below(&seed, 3)) {
			unsigned long v = rnd_next(&seed) >> 2;

			old = xa_store(&xa, e->key, xa_mk_value(v), GFP_KERNEL);
			ASSERT_EQ(0, xa_err(old));
			e->value = v + 1;
		} else {
			old = xa_erase(&xa, e->key);
			e->value = 0;
		}
		ASSERT_EQ(want, old);
		if (old)
			ASSERT_TRUE(xa_is_value(old));
	}
	for (k = 0; k < KEYS; k++) {
		void *got = xa_load(&xa, m[k].key);

		if (!m[k].value) {
			ASSERT_EQ(NULL, got);
			continue;
		}
		ASSERT_TRUE(xa_is_value(got));
		ASSERT_EQ(m[k].value - 1, xa_to_value(got));
	}
	/* Keys that differ from stored ones only above bit 31 are absent. */
	for (k = 0; k < KEYS; k++)
		if (m[k].key >> 32 == 0)
			ASSERT_EQ(NULL, xa_load(&xa, m[k].key | 1UL << 40));
	xa_destroy(&xa);
	for (k = 0; k < KEYS; k++)
		ASSERT_EQ(NULL, xa_load(&xa, m[k].key));
	free(m);
}

/*
 * Index 0 lives in the head itself; index 1 needs the first node, which
 * the xarray asks for under its lock with GFP_NOWAIT and, when that
 * fails, once more in xas_nomem().
 */
TEST(one_failure_is_retried)
{
	struct xarray xa;
	void *old;

	xa_init(&xa);
	ASSERT_EQ(NULL, xa_store(&xa, 0, xa_mk_value(7), GFP_KERNEL));
	pci_ser_fail_alloc_in = 1;
	old = xa_store(&xa, 1, xa_mk_value(8), GFP_KERNEL);
	/* The failure was used (the counter ran out), and absorbed. */
	ASSERT_EQ(0, pci_ser_fail_alloc_in);
	ASSERT_EQ(NULL, old);
	ASSERT_EQ(xa_mk_value(8), xa_load(&xa, 1));
	ASSERT_EQ(xa_mk_value(7), xa_load(&xa, 0));
	xa_destroy(&xa);
}

TEST(two_failures_reach_xa_store)
{
	struct xarray xa;
	unsigned long far = pci_ser_key(0x10000, 0x0100);
	void *old;

	xa_init(&xa);
	ASSERT_EQ(NULL, xa_store(&xa, 0, xa_mk_value(7), GFP_KERNEL));
	pci_ser_fail_alloc_in = 1;
	pci_ser_fail_alloc_times = 2;
	old = xa_store(&xa, far, xa_mk_value(8), GFP_KERNEL);
	ASSERT_EQ(0, pci_ser_fail_alloc_in);
	ASSERT_EQ(0, pci_ser_fail_alloc_times);
	ASSERT_EQ(-ENOMEM, xa_err(old));
	/* Nothing changed: the old entry is there, the new one is not. */
	ASSERT_EQ(NULL, xa_load(&xa, far));
	ASSERT_EQ(xa_mk_value(7), xa_load(&xa, 0));
	/* And the next store, with memory, works. */
	ASSERT_EQ(NULL, xa_store(&xa, far, xa_mk_value(8), GFP_KERNEL));
	ASSERT_EQ(xa_mk_value(8), xa_load(&xa, far));
	xa_destroy(&xa);
}

/*
 * Every layout's retrieve, with each of its allocations failing twice in
 * a row in turn: PCI_SER_NO_MEMORY and nothing kept (the sanitizer's leak
 * check sees the rest), until no allocation is left to fail and the
 * retrieve gives the table back.  For the layouts that build an xarray at
 * retrieve, this is xa_store() failing.
 */
TEST_F(pser, retrieve_refuses_when_allocations_fail)
{
	enum { N = 600 };
	struct pci_ser *ser = &self->ser;
	struct udev *u = universe_make(2 * N, 3);
	struct keyset ka, kb;
	unsigned long n;
	size_t len;
	u8 *blob;
	u32 i, added = 0;
	int fails = 0;

	ASSERT_NE(NULL, u);
	for (i = 0; i < 2 * N && added < N; i++) {
		if (u[i].vf)
			continue;
		ASSERT_EQ(0, pci_ser_preserve(ser, u[i].domain, u[i].bdf,
					      false, N));
		added++;
	}
	blob = blob_of(ser, &len);
	ASSERT_NE(NULL, blob);
	ka = keyset_of(ser);
	for (n = 1; n < 1000; n++) {
		struct pci_ser in = { .ops = ser->ops };
		enum pci_ser_defect d;

		pci_ser_fail_alloc_in = n;
		pci_ser_fail_alloc_times = 2;
		d = pci_ser_blob_retrieve(&in, blob, len, ser->ops);
		pci_ser_fail_alloc_in = 0;
		pci_ser_fail_alloc_times = 0;
		if (d == PCI_SER_OK) {
			kb = keyset_of(&in);
			ASSERT_TRUE(keyset_equal(&ka, &kb));
			free(kb.k);
			pci_ser_destroy(&in);
			break;
		}
		ASSERT_EQ(PCI_SER_NO_MEMORY, d) {
			TH_LOG("allocations %lu and %lu failing: %s", n, n + 1,
			       pci_ser_defect_str(d));
		}
		fails++;
		pci_ser_destroy(&in);
	}
	ASSERT_LT(n, 1000);
	/* At least the table itself is allocated at retrieve. */
	EXPECT_GT(fails, 0);
	if (!strcmp(ser->ops->name, "xarray"))
		/* The array, then at least one node per leaf of 64 keys. */
		EXPECT_GT(fails, N / 64);
	free(ka.k);
	free(blob);
	free(u);
}

TEST_HARNESS_MAIN
