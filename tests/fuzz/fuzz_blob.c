// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the handover blob as the next kernel retrieves it, in every
 * registered layout.  Each input is tried twice: as given (the header and
 * checksum checks) and resealed, its sizes and CRC32C fixed, so that the
 * layouts' payload validation is reached.  A blob that is accepted must
 * then hold exactly what its header says and behave like a table.
 */
#include "pci_ser_blob.h"
#include "fuzz.h"

#define HDR_SIZE	sizeof(struct pci_ser_blob_hdr)

/*
 * Above these the other layouts are not built: hashed costs 16 bytes a
 * slot, and linear and kho-blocks preserves are O(n) each.
 */
#define CROSS_MAX_CAPACITY	4096
#define CROSS_MAX_DEVICES	512

/* Neighbours are looked up around this many keys (linear finds are O(n)). */
#define NEIGHBOURS_MAX_KEYS	256

/* The table a refused blob must leave alone. */
#define TARGET_DOMAIN	0x7777
#define TARGET_NR	3
#define TARGET_CAP	9

struct keys {
	u64 *k;
	u32 nr, alloc;
};

static void keys_add(void *arg, u32 domain, u16 bdf)
{
	struct keys *ks = arg;

	if (ks->nr == ks->alloc) {
		ks->alloc = ks->alloc ? 2 * ks->alloc : 64;
		ks->k = realloc(ks->k, ks->alloc * sizeof(*ks->k));
		if (!ks->k)
			abort();
	}
	ks->k[ks->nr++] = pci_ser_key(domain, bdf);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static bool keys_has(const struct keys *sorted, u64 key)
{
	return bsearch(&key, sorted->k, sorted->nr, sizeof(key), cmp_u64);
}

static u32 key_domain(u64 key)
{
	return key >> 16;
}

static u16 key_bdf(u64 key)
{
	return key & 0xffff;
}

/* The devices of @ser in layout order, and a sorted copy. */
static void collect(const struct pci_ser *ser, struct keys *order,
		    struct keys *sorted)
{
	memset(order, 0, sizeof(*order));
	pci_ser_for_each(ser, keys_add, order);
	sorted->nr = sorted->alloc = order->nr;
	sorted->k = malloc((order->nr + 1) * sizeof(u64));
	if (!sorted->k)
		abort();
	if (order->nr)
		memcpy(sorted->k, order->k, order->nr * sizeof(u64));
	qsort(sorted->k, sorted->nr, sizeof(u64), cmp_u64);
}

/* A key next to @key: another function, device, or 16-bit alias. */
static u64 neighbour(u64 key, unsigned int i)
{
	u32 dom = key_domain(key);
	u16 bdf = key_bdf(key);

	switch (i) {
	case 0:	return pci_ser_key(dom, bdf ^ 1);
	case 1:	return pci_ser_key(dom, bdf + 8);
	case 2:	return pci_ser_key(dom ^ 0x10000, bdf);
	default: return pci_ser_key(dom + 1, bdf - 1);
	}
}

/* Every device is found, in both orders; its neighbours only if present. */
static void check_finds(struct pci_ser *ser, const struct keys *order,
			const struct keys *sorted)
{
	u32 i, j;

	for (i = 0; i < order->nr; i++)
		FUZZ_CHECK(pci_ser_find(ser, key_domain(order->k[i]),
					key_bdf(order->k[i])),
			   "%s: device %u of %u not found", ser->ops->name, i,
			   order->nr);
	for (i = 0; i < sorted->nr; i++) {
		u64 k = sorted->k[i];

		FUZZ_CHECK(pci_ser_find(ser, key_domain(k), key_bdf(k)),
			   "%s: key %#llx not found in sorted order",
			   ser->ops->name, (unsigned long long)k);
		for (j = 0; i < NEIGHBOURS_MAX_KEYS && j < 4; j++) {
			u64 n = neighbour(k, j);

			FUZZ_CHECK(pci_ser_find(ser, key_domain(n), key_bdf(n)) ==
				   keys_has(sorted, n),
				   "%s: key %#llx: find disagrees with the set",
				   ser->ops->name, (unsigned long long)n);
		}
	}
}

/* Write @ser's blob and retrieve it into @out with the same layout. */
static u8 *round_trip(const struct pci_ser *ser, struct pci_ser *out,
		      u64 tsc, u64 khz, size_t *len)
{
	enum pci_ser_defect d;
	u8 *b;

	*len = pci_ser_blob_size(ser);
	b = malloc(*len);
	if (!b)
		abort();
	pci_ser_blob_write(ser, b, tsc, khz);
	memset(out, 0, sizeof(*out));
	out->ops = ser->ops;
	d = pci_ser_blob_retrieve(out, b, *len, ser->ops);
	FUZZ_CHECK(d == PCI_SER_OK, "%s: own blob refused: %s",
		   ser->ops->name, pci_ser_defect_str(d));
	return b;
}

static void check_same_set(const struct pci_ser *ser, const struct keys *want)
{
	struct keys order, sorted;

	collect(ser, &order, &sorted);
	FUZZ_CHECK(sorted.nr == want->nr &&
		   !memcmp(sorted.k, want->k, want->nr * sizeof(u64)),
		   "%s: %u devices after the round trip, %u before",
		   ser->ops->name, sorted.nr, want->nr);
	free(order.k);
	free(sorted.k);
}

/* Every other layout holds the same devices and answers the same. */
static void check_cross(const struct pci_ser *src, const struct keys *order,
			const struct keys *sorted)
{
	const struct pci_ser_ops *const *v;

	if (src->capacity > CROSS_MAX_CAPACITY || order->nr > CROSS_MAX_DEVICES)
		return;
	for (v = pci_ser_variants; *v; v++) {
		struct pci_ser o = { .ops = *v }, back;
		size_t len;
		u32 i;
		int ret;

		for (i = 0; i < order->nr; i++) {
			ret = pci_ser_preserve(&o, key_domain(order->k[i]),
					       key_bdf(order->k[i]), false,
					       src->capacity);
			FUZZ_CHECK(!ret, "%s: preserve of device %u from %s: %d",
				   (*v)->name, i, src->ops->name, ret);
		}
		check_finds(&o, order, sorted);
		free(round_trip(&o, &back, 0, 0, &len));
		check_same_set(&back, sorted);
		pci_ser_destroy(&back);
		pci_ser_destroy(&o);
	}
}

/* A key near the table's that it does not hold. */
static u64 absent_key(const struct keys *sorted)
{
	u64 k = sorted->nr ? sorted->k[0] : 0;
	unsigned int i;

	for (i = 0; keys_has(sorted, k); i++)
		k = neighbour(k, i % 4);
	return k;
}

/* The retrieved table keeps the rules, and empties down to nothing. */
static void check_rules(struct pci_ser *ser, const struct keys *sorted)
{
	u64 k = absent_key(sorted);
	int ret, want;
	u32 i;

	if (!sorted->nr)
		return;
	ret = pci_ser_preserve(ser, key_domain(sorted->k[0]),
			       key_bdf(sorted->k[0]), false, ser->capacity);
	FUZZ_CHECK(ret == -EBUSY, "%s: preserving a held device: %d",
		   ser->ops->name, ret);
	want = ser->nr_devices < ser->capacity ||
	       pci_ser_rules_grow(ser->ops->rules) ? 0 : -ENOSPC;
	ret = pci_ser_preserve(ser, key_domain(k), key_bdf(k), false,
			       ser->capacity);
	FUZZ_CHECK(ret == want, "%s: preserve of a new device at %u/%u: %d",
		   ser->ops->name, ser->nr_devices, ser->capacity, ret);
	if (!ret) {
		FUZZ_CHECK(pci_ser_find(ser, key_domain(k), key_bdf(k)),
			   "%s: new device not found", ser->ops->name);
		ret = pci_ser_unpreserve(ser, key_domain(k), key_bdf(k));
		FUZZ_CHECK(!ret, "%s: unpreserve of the new device: %d",
			   ser->ops->name, ret);
	}
	for (i = 0; i < sorted->nr; i++) {
		u32 dom = key_domain(sorted->k[i]);
		u16 bdf = key_bdf(sorted->k[i]);

		ret = pci_ser_unpreserve(ser, dom, bdf);
		FUZZ_CHECK(!ret, "%s: unpreserve %u: %d", ser->ops->name, i,
			   ret);
		FUZZ_CHECK(!pci_ser_find(ser, dom, bdf),
			   "%s: found after unpreserve", ser->ops->name);
	}
	FUZZ_CHECK(!ser->priv && !ser->nr_devices,
		   "%s: table left after the last unpreserve", ser->ops->name);
}

/* An accepted blob: header, contents, round trip, other layouts, rules. */
static void check_accepted(struct pci_ser *ser, const u8 *blob, size_t len)
{
	const struct pci_ser_blob_hdr *hdr = (const void *)blob;
	u32 nr = le32_to_cpu(hdr->nr_devices);
	struct keys order, sorted;
	struct pci_ser back;
	size_t blen;
	u8 *b;
	u32 i;

	FUZZ_CHECK(ser->nr_devices == nr && ser->capacity ==
		   le32_to_cpu(hdr->capacity),
		   "%s: %u/%u devices, header says %u/%u", ser->ops->name,
		   ser->nr_devices, ser->capacity, nr,
		   le32_to_cpu(hdr->capacity));
	FUZZ_CHECK(!ser->priv == !nr, "%s: table kept for %u devices",
		   ser->ops->name, nr);
	collect(ser, &order, &sorted);
	FUZZ_CHECK(order.nr == nr, "%s: %u devices visited, header says %u",
		   ser->ops->name, order.nr, nr);
	for (i = 1; i < sorted.nr; i++)
		FUZZ_CHECK(sorted.k[i - 1] != sorted.k[i],
			   "%s: duplicate key %#llx accepted", ser->ops->name,
			   (unsigned long long)sorted.k[i]);
	check_finds(ser, &order, &sorted);

	b = round_trip(ser, &back, le64_to_cpu(hdr->freeze_tsc),
		       le64_to_cpu(hdr->tsc_khz), &blen);
	/* An empty table is not kept, so its blob is the canonical one. */
	if (nr)
		FUZZ_CHECK(blen == len && !memcmp(b, blob, len),
			   "%s: re-serialized blob differs", ser->ops->name);
	check_same_set(&back, &sorted);
	pci_ser_destroy(&back);
	free(b);

	check_cross(ser, &order, &sorted);
	check_rules(ser, &sorted);
	free(order.k);
	free(sorted.k);
}

static void fill_target(struct pci_ser *t)
{
	u16 i;

	memset(t, 0, sizeof(*t));
	t->ops = &pci_ser_v2_ops;
	for (i = 0; i < TARGET_NR; i++)
		pci_ser_preserve(t, TARGET_DOMAIN, i, false, TARGET_CAP);
}

static void check_target_intact(struct pci_ser *t, const void *priv)
{
	u16 i;

	FUZZ_CHECK(t->ops == &pci_ser_v2_ops && t->priv == priv &&
		   t->nr_devices == TARGET_NR && t->capacity == TARGET_CAP,
		   "a refused blob changed the table");
	for (i = 0; i <= TARGET_NR; i++)
		FUZZ_CHECK(pci_ser_find(t, TARGET_DOMAIN, i) == (i < TARGET_NR),
			   "a refused blob changed the table's contents");
}

static void try_blob(const u8 *blob, size_t len)
{
	const struct pci_ser_ops *const *v, *ops = NULL;
	enum pci_ser_defect hd, d;
	struct pci_ser ser;
	const void *priv;

	hd = pci_ser_blob_check(blob, len, NULL, &ops);
	FUZZ_CHECK(hd < PCI_SER_NR_DEFECTS, "defect %d", hd);
	/* Naming the layout changes nothing but the mismatch. */
	for (v = pci_ser_variants; *v; v++) {
		d = pci_ser_blob_check(blob, len, *v, NULL);
		if (!hd)
			FUZZ_CHECK(d == (*v == ops ? PCI_SER_OK :
					 PCI_SER_COMPATIBLE_MISMATCH),
				   "want %s: %s", (*v)->name,
				   pci_ser_defect_str(d));
	}

	fill_target(&ser);
	priv = ser.priv;
	d = pci_ser_blob_retrieve(&ser, blob, len, NULL);
	FUZZ_CHECK(d < PCI_SER_NR_DEFECTS, "defect %d", d);
	FUZZ_CHECK(!hd || d == hd, "header check says %s, retrieve %s",
		   pci_ser_defect_str(hd), pci_ser_defect_str(d));
	if (d)
		check_target_intact(&ser, priv);
	else
		check_accepted(&ser, blob, len);
	pci_ser_destroy(&ser);
}

/* Sizes and checksum as the input's length demands. */
static void reseal(u8 *blob, size_t len)
{
	struct pci_ser_blob_hdr *hdr = (void *)blob;

	hdr->hdr_size = cpu_to_le32(HDR_SIZE);
	hdr->payload_size = cpu_to_le64(len - HDR_SIZE);
	pci_ser_blob_seal(blob);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An aligned copy: the header is read through its struct. */
	u8 *b = malloc(size ? size : 1);

	if (!b)
		abort();
	memcpy(b, data, size);
	try_blob(b, size);
	if (size >= HDR_SIZE) {
		reseal(b, size);
		try_blob(b, size);
	}
	free(b);
	return 0;
}
