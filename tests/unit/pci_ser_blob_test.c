// SPDX-License-Identifier: GPL-2.0
/*
 * The handover blob: every defect class is refused with its own reason,
 * any single changed byte is refused, and a refused blob leaves the
 * table it was meant to replace exactly as it was.
 */
#include "test_util.h"
#include "kselftest_harness.h"

PSER_FIXTURE()

#define HDR(b)		((struct pci_ser_blob_hdr *)(b))
#define PAYLOAD(b)	((u8 *)(b) + sizeof(struct pci_ser_blob_hdr))

/* A blob of @nr devices in a table of @capacity, and its length. */
static u8 *make_blob(const struct pci_ser_ops *ops, u32 nr, u32 capacity,
		     size_t *len)
{
	struct pci_ser ser = { .ops = ops };
	struct udev *u = universe_make(2 * nr + 2, nr);
	u32 i, added = 0;
	u8 *blob;

	for (i = 0; added < nr; i++)
		if (!u[i].vf && !pci_ser_preserve(&ser, u[i].domain, u[i].bdf,
						  false, capacity))
			added++;
	ser.capacity = capacity;
	blob = blob_of(&ser, len);
	pci_ser_destroy(&ser);
	free(u);
	return blob;
}

/*
 * The table the refused blob must not touch: a few devices that no blob
 * here contains.
 */
static void fill_target(struct pci_ser *ser)
{
	u32 i;

	for (i = 0; i < 5; i++)
		pci_ser_preserve(ser, 0x7777, (u16)i, false, 9);
}

static bool target_intact(struct pci_ser *ser, const void *priv)
{
	u32 i;

	if (ser->priv != priv || ser->nr_devices != 5 || ser->capacity != 9)
		return false;
	for (i = 0; i < 5; i++)
		if (!pci_ser_find(ser, 0x7777, (u16)i))
			return false;
	return !pci_ser_find(ser, 0x7777, 5);
}

/* Retrieve into the target; on a defect, check it is untouched. */
static enum pci_ser_defect try_blob(struct __test_metadata *_metadata,
				    struct pci_ser *ser, const u8 *blob,
				    size_t len, const struct pci_ser_ops *want)
{
	const void *priv = ser->priv;
	enum pci_ser_defect d = pci_ser_blob_retrieve(ser, blob, len, want);

	if (d)
		EXPECT_TRUE(target_intact(ser, priv));
	return d;
}

#define EXPECT_DEFECT(want_d, blob, len) do {				\
	enum pci_ser_defect _d = try_blob(_metadata, &self->ser, blob,	\
					  len, variant->ops);		\
	EXPECT_EQ(want_d, _d) {						\
		TH_LOG("got '%s', want '%s'", pci_ser_defect_str(_d),	\
		       pci_ser_defect_str(want_d));			\
	}								\
} while (0)

TEST_F(pser, valid_blob_is_accepted)
{
	size_t len;
	u8 *b = make_blob(variant->ops, 40, 64, &len);

	fill_target(&self->ser);
	ASSERT_EQ(PCI_SER_OK, pci_ser_blob_check(b, len, NULL, NULL));
	ASSERT_EQ(PCI_SER_OK, try_blob(_metadata, &self->ser, b, len,
				       variant->ops));
	ASSERT_EQ(40, self->ser.nr_devices);
	ASSERT_EQ(64, self->ser.capacity);
	ASSERT_FALSE(pci_ser_find(&self->ser, 0x7777, 0));
	free(b);
}

TEST_F(pser, truncated)
{
	size_t len, cut;
	u8 *b = make_blob(variant->ops, 40, 64, &len);

	fill_target(&self->ser);
	for (cut = 0; cut < len; cut++)
		EXPECT_DEFECT(PCI_SER_TRUNCATED, b, cut);
	free(b);
}

TEST_F(pser, header_defects)
{
	size_t len;
	u8 *b = make_blob(variant->ops, 40, 64, &len);
	u8 *c = malloc(len + 1);
	const struct pci_ser_ops *other = pci_ser_variants[0] == variant->ops ?
					  pci_ser_variants[1] :
					  pci_ser_variants[0];

	fill_target(&self->ser);
#define MUTATE(want_d, stmt) do {					\
		memcpy(c, b, len);					\
		stmt;							\
		pci_ser_blob_seal(c);					\
		EXPECT_DEFECT(want_d, c, len);				\
	} while (0)
	memcpy(c, b, len);
	c[0] ^= 0x20;
	EXPECT_DEFECT(PCI_SER_BAD_MAGIC, c, len);
	MUTATE(PCI_SER_BAD_VERSION, HDR(c)->version = cpu_to_le32(2));
	MUTATE(PCI_SER_SIZE_MISMATCH, HDR(c)->hdr_size = cpu_to_le32(96));
	MUTATE(PCI_SER_BAD_COMPATIBLE,
	       memset(HDR(c)->compatible, 'a', PCI_SER_COMPAT_LEN));
	MUTATE(PCI_SER_BAD_COMPATIBLE,
	       memset(HDR(c)->compatible, 0, PCI_SER_COMPAT_LEN));
	MUTATE(PCI_SER_BAD_COMPATIBLE,
	       HDR(c)->compatible[PCI_SER_COMPAT_LEN - 1] = 'x');
	MUTATE(PCI_SER_UNKNOWN_COMPATIBLE,
	       memset(HDR(c)->compatible, 0, PCI_SER_COMPAT_LEN);
	       strcpy(HDR(c)->compatible, "lubench,pci-ser-bogus-v1"));
	MUTATE(PCI_SER_UNKNOWN_COMPATIBLE,
	       HDR(c)->compatible[strlen(variant->ops->compatible) - 1] = '2');
	MUTATE(PCI_SER_COMPATIBLE_MISMATCH,
	       memset(HDR(c)->compatible, 0, PCI_SER_COMPAT_LEN);
	       strcpy(HDR(c)->compatible, other->compatible));
	MUTATE(PCI_SER_TRUNCATED, HDR(c)->payload_size =
	       cpu_to_le64(le64_to_cpu(HDR(b)->payload_size) + 1));
	MUTATE(PCI_SER_SIZE_MISMATCH, HDR(c)->capacity =
	       cpu_to_le32(PCI_SER_MAX_CAPACITY + 1));
	MUTATE(PCI_SER_TOO_MANY, HDR(c)->nr_devices = cpu_to_le32(65));
	MUTATE(PCI_SER_RESERVED, HDR(c)->reserved = cpu_to_le32(1));
	/* One device more than the payload holds. */
	MUTATE(PCI_SER_SIZE_MISMATCH, HDR(c)->nr_devices = cpu_to_le32(41));

	/* Bytes past the payload: the sizes disagree with the file. */
	memcpy(c, b, len);
	c[len] = 0;
	EXPECT_DEFECT(PCI_SER_SIZE_MISMATCH, c, len + 1);
	/* A changed byte without a new checksum. */
	memcpy(c, b, len);
	c[len - 3] ^= 1;
	EXPECT_DEFECT(PCI_SER_CHECKSUM, c, len);
	memcpy(c, b, len);
	HDR(c)->checksum ^= cpu_to_le32(0x10000);
	EXPECT_DEFECT(PCI_SER_CHECKSUM, c, len);
#undef MUTATE
	free(b);
	free(c);
}

/* Index of the first used entry slot in an array of entries. */
static long first_used(const struct pci_ser_entry *e, size_t n, long from)
{
	size_t i;

	for (i = from; i < n; i++)
		if (e[i].tail)
			return i;
	return -1;
}

static long first_free(const struct pci_ser_entry *e, size_t n, long from)
{
	size_t i;

	for (i = from; i < n; i++)
		if (!e[i].tail && (!i || !e[i - 1].tail))
			return i;
	return -1;
}

/*
 * Payload defects need to know the layout: duplicates, order where the
 * layout keeps one, malformed entries.  Each blob is resealed so only
 * the payload check can refuse it.
 */
TEST_F(pser, payload_defects)
{
	const char *name = variant->ops->name;
	size_t len, n;
	u8 *b = make_blob(variant->ops, 40, 64, &len);
	u8 *c = malloc(len);
	struct pci_ser_entry *e = (struct pci_ser_entry *)PAYLOAD(c);

	fill_target(&self->ser);
	n = le64_to_cpu(HDR(b)->payload_size) / sizeof(*e);
	memcpy(c, b, len);

	if (!strcmp(name, "hashed")) {
		long i = first_used(e, n, 0), j;

		/* A copy of an entry at the end of its own run. */
		for (j = i; e[j].tail; j = (j + 1) % n)
			;
		e[j] = e[i];
		HDR(c)->nr_devices = cpu_to_le32(41);
		pci_ser_blob_seal(c);
		EXPECT_DEFECT(PCI_SER_DUPLICATE, c, len);

		/* An entry moved past a gap its probe cannot cross. */
		for (j = 1; ; j++) {
			long from, to;

			memcpy(c, b, len);
			from = first_used(e, n, 0);
			to = first_free(e, n, j);
			ASSERT_GE(to, 0);
			j = to;
			e[to] = e[from];
			memset(&e[from], 0, sizeof(e[from]));
			pci_ser_blob_seal(c);
			/* Its home may happen to be that very slot. */
			if (pci_ser_blob_retrieve(&(struct pci_ser){ }, c, len,
						  NULL) == PCI_SER_OK)
				continue;
			EXPECT_DEFECT(PCI_SER_ORDER, c, len);
			break;
		}
		memcpy(c, b, len);
		e[first_used(e, n, 0)].tail = cpu_to_le16(2);
		pci_ser_blob_seal(c);
		EXPECT_DEFECT(PCI_SER_BAD_ENTRY, c, len);
		memcpy(c, b, len);
		e[first_free(e, n, 0)].bdf = cpu_to_le16(1);
		pci_ser_blob_seal(c);
		EXPECT_DEFECT(PCI_SER_BAD_ENTRY, c, len);
	} else if (!strcmp(name, "blockset")) {
		/* Each block: __le32 used, __le32 reserved, then entries. */
		struct pci_ser_entry *be = e + 1;
		__le32 *used = (__le32 *)PAYLOAD(c);

		be[40] = be[0];
		*used = cpu_to_le32(41);
		HDR(c)->nr_devices = cpu_to_le32(41);
		pci_ser_blob_seal(c);
		EXPECT_DEFECT(PCI_SER_DUPLICATE, c, len);
		memcpy(c, b, len);
		be[3].tail = cpu_to_le16(2);
		pci_ser_blob_seal(c);
		EXPECT_DEFECT(PCI_SER_BAD_ENTRY, c, len);
		memcpy(c, b, len);
		*used = cpu_to_le32(39);
		pci_ser_blob_seal(c);
		EXPECT_DEFECT(PCI_SER_BAD_ENTRY, c, len);
		memcpy(c, b, len);
		used[1] = cpu_to_le32(1);
		pci_ser_blob_seal(c);
		EXPECT_DEFECT(PCI_SER_BAD_ENTRY, c, len);
	} else {
		/* The array layouts: linear, xarray, sorted, cursor. */
		bool ordered = !strcmp(name, "sorted") ||
			       !strcmp(name, "cursor");
		struct pci_ser_entry t;

		e[7] = e[6];
		pci_ser_blob_seal(c);
		EXPECT_DEFECT(PCI_SER_DUPLICATE, c, len);
		memcpy(c, b, len);
		t = e[3];
		e[3] = e[30];
		e[30] = t;
		pci_ser_blob_seal(c);
		/* Unordered layouts take any order. */
		if (ordered)
			EXPECT_DEFECT(PCI_SER_ORDER, c, len);
		else
			EXPECT_EQ(PCI_SER_OK, pci_ser_blob_check(c, len, NULL,
								 NULL));
		memcpy(c, b, len);
		e[5].tail = cpu_to_le16(1);
		pci_ser_blob_seal(c);
		EXPECT_DEFECT(PCI_SER_BAD_ENTRY, c, len);
	}
	free(b);
	free(c);
}

/* Any single changed byte, anywhere, whatever it becomes, is refused. */
TEST_F_TIMEOUT(pser, single_byte_flips, 120)
{
	static const u8 masks[] = { 0x01, 0x02, 0x10, 0x80, 0xff, 0x5a };
	size_t len, i, k;
	u8 *b = make_blob(variant->ops, 40, 64, &len);
	u8 *c = malloc(len);

	fill_target(&self->ser);
	for (i = 0; i < len; i++) {
		for (k = 0; k < ARRAY_SIZE(masks); k++) {
			enum pci_ser_defect d;

			memcpy(c, b, len);
			c[i] ^= masks[k];
			d = try_blob(_metadata, &self->ser, c, len,
				     variant->ops);
			ASSERT_NE(PCI_SER_OK, d) {
				TH_LOG("byte %zu ^ 0x%02x accepted", i,
				       masks[k]);
			}
		}
	}
	/* Unchanged, it still goes through, and replaces the target. */
	ASSERT_EQ(PCI_SER_OK, try_blob(_metadata, &self->ser, b, len,
				       variant->ops));
	ASSERT_EQ(40, self->ser.nr_devices);
	free(b);
	free(c);
}

TEST_F(pser, empty_table_blob)
{
	size_t len;
	u8 *b = make_blob(variant->ops, 0, 16, &len);

	ASSERT_EQ(PCI_SER_OK, pci_ser_blob_check(b, len, NULL, NULL));
	ASSERT_EQ(PCI_SER_OK, try_blob(_metadata, &self->ser, b, len,
				       variant->ops));
	ASSERT_EQ(0, self->ser.nr_devices);
	ASSERT_EQ(16, self->ser.capacity);
	ASSERT_FALSE(pci_ser_find(&self->ser, 0, 0));
	free(b);
}

/* The fast CRC (hardware where there is one) agrees with the reference. */
TEST(crc32c)
{
	u8 buf[1031];
	u64 s = 99;
	size_t i, off, len;

	ASSERT_EQ(0xe3069283, pci_ser_crc32c(0, "123456789", 9));
	ASSERT_EQ(0xe3069283, pci_ser_crc32c_generic(0, "123456789", 9));
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = rnd_next(&s);
	for (off = 0; off < 9; off++)
		for (len = 0; off + len <= sizeof(buf); len += 1 + len / 3)
			ASSERT_EQ(pci_ser_crc32c_generic(7, buf + off, len),
				  pci_ser_crc32c(7, buf + off, len));
}

TEST_HARNESS_MAIN
