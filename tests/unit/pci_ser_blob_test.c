// SPDX-License-Identifier: GPL-2.0
/*
 * The handover blob: every defect class is refused with its own reason,
 * any single changed byte is refused, and a refused blob leaves the
 * table it was meant to replace exactly as it was.
 */
#include "faults.h"
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
	/* The last character one up: "-v1" to "-v2", "v2" to "v3". */
	MUTATE(PCI_SER_UNKNOWN_COMPATIBLE,
	       HDR(c)->compatible[strlen(variant->ops->compatible) - 1]++);
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

/*
 * A blob's entries as its layout's payload descriptor places them
 * (struct pci_ser_payload_desc): the tests below make each payload
 * defect from that alone, never from the layout's name.
 */
struct payload_view {
	const struct pci_ser_payload_desc *desc;
	u8 *payload;
	size_t size;		/* of the payload */
	u8 *top;		/* desc->top's fields */
	u8 *head;		/* desc->head's fields, of the first block */
	size_t block_at;	/* where the first block starts */
	struct pci_ser_entry *e;
	size_t n;		/* slots, or the entries of a packed payload */
};

/* Where field @w of @fields starts, in bytes. */
static size_t field_off(const u8 *fields, u32 w)
{
	size_t off = 0;
	u32 i;

	for (i = 0; i < w; i++)
		off += pci_ser_head_bytes(fields[i]);
	return off;
}

static u32 nr_fields(const u8 *fields)
{
	u32 n = 0;

	while (n < PCI_SER_HEAD_MAX && fields[n])
		n++;
	return n;
}

static u64 field_get(const u8 *base, const u8 *fields, u32 w)
{
	const u8 *p = base + field_off(fields, w);
	__le64 v64;
	__le32 v32;

	if (pci_ser_head_bytes(fields[w]) == 8) {
		memcpy(&v64, p, sizeof(v64));
		return le64_to_cpu(v64);
	}
	memcpy(&v32, p, sizeof(v32));
	return le32_to_cpu(v32);
}

static void field_put(u8 *base, const u8 *fields, u32 w, u64 v)
{
	u8 *p = base + field_off(fields, w);
	__le64 v64 = cpu_to_le64(v);
	__le32 v32 = cpu_to_le32((u32)v);

	if (pci_ser_head_bytes(fields[w]) == 8)
		memcpy(p, &v64, sizeof(v64));
	else
		memcpy(p, &v32, sizeof(v32));
}

/* The first field of @kind in @fields, or -1. */
static long field_find(const u8 *fields, u8 kind)
{
	u32 w;

	for (w = 0; w < nr_fields(fields); w++)
		if (fields[w] == kind)
			return w;
	return -1;
}

static struct payload_view view_of(const struct pci_ser_ops *ops, u8 *blob)
{
	const struct pci_ser_payload_desc *d = &ops->payload;
	struct payload_view v = { .desc = d, .payload = PAYLOAD(blob) };
	long link = field_find(d->top, PCI_SER_HEAD_LINK);
	size_t size;

	v.size = le64_to_cpu(HDR(blob)->payload_size);
	v.top = v.payload;
	v.block_at = field_off(d->top, nr_fields(d->top));
	if (link >= 0 && field_get(v.top, d->top, link))
		v.block_at = field_get(v.top, d->top, link);
	v.head = v.payload + v.block_at;
	v.e = (struct pci_ser_entry *)(v.head +
				       field_off(d->head, nr_fields(d->head)));
	size = v.size - v.block_at;
	if (d->block && d->block < size)
		size = d->block;
	size -= field_off(d->head, nr_fields(d->head));
	v.n = d->used_tail ? size / sizeof(*v.e) :
			     le32_to_cpu(HDR(blob)->nr_devices);
	return v;
}

static bool slot_used(const struct payload_view *v, size_t i)
{
	return !v->desc->used_tail || v->e[i].tail;
}

static long next_used(const struct payload_view *v, size_t from)
{
	for (; from < v->n; from++)
		if (slot_used(v, from))
			return from;
	return -1;
}

/* A free slot after a free slot: a probe from elsewhere cannot reach it. */
static long next_gap(const struct payload_view *v, size_t from)
{
	for (; from < v->n; from++)
		if (!slot_used(v, from) && (!from || !slot_used(v, from - 1)))
			return from;
	return -1;
}

/* What the layout itself says of a blob, payload included. */
static enum pci_ser_defect layout_verdict(const u8 *blob, size_t len)
{
	struct pci_ser s = { };
	enum pci_ser_defect d = pci_ser_blob_retrieve(&s, blob, len, NULL);

	pci_ser_destroy(&s);
	return d;
}

/*
 * A head field made wrong, by its kind, and what that must give: @top
 * says whether it is one of the payload's own header (else of the first
 * block).  Each blob is resealed so only the payload check refuses it.
 */
static void wrong_field(struct __test_metadata *_metadata,
			struct pci_ser *target, const struct pci_ser_ops *ops,
			const u8 *b, u8 *c, size_t len, bool top, u32 w)
{
	const struct pci_ser_payload_desc *desc = &ops->payload;
	const u8 *fields = top ? desc->top : desc->head;
	struct payload_view v;
	u64 was, to[3];
	enum pci_ser_defect want;
	unsigned int k, nr = 1;

	memcpy(c, b, len);
	v = view_of(ops, c);
	was = field_get(top ? v.top : v.head, fields, w);
	switch (fields[w]) {
	case PCI_SER_HEAD_COUNT:
	case PCI_SER_HEAD_SLOTS:
		/* One entry or slot fewer counted. */
		to[0] = was - 1;
		want = PCI_SER_BAD_ENTRY;
		break;
	case PCI_SER_HEAD_VERSION:
		to[0] = was + 1;
		want = PCI_SER_BAD_VERSION;
		break;
	case PCI_SER_HEAD_DEVICES:
		to[0] = was + 1;
		want = PCI_SER_SIZE_MISMATCH;
		break;
	case PCI_SER_HEAD_LINK:
		/* Past the payload, inside it but at no block, a loop. */
		to[0] = v.size;
		to[1] = 1;
		to[2] = v.block_at;
		nr = top ? 2 : 3;
		want = PCI_SER_BAD_LINK;
		break;
	case PCI_SER_HEAD_FILL:
		/* None, more than the block has, one short of a used slot. */
		ASSERT_TRUE(was > 0 && slot_used(&v, was - 1));
		to[0] = 0;
		to[1] = v.n + 1;
		to[2] = was - 1;
		nr = 3;
		want = PCI_SER_BAD_ENTRY;
		break;
	default:
		to[0] = 1;
		want = PCI_SER_BAD_ENTRY;
		break;
	}
	for (k = 0; k < nr; k++) {
		enum pci_ser_defect d;

		memcpy(c, b, len);
		field_put(top ? v.top : v.head, fields, w, to[k]);
		pci_ser_blob_seal(c);
		d = try_blob(_metadata, target, c, len, ops);
		EXPECT_EQ(want, d) {
			TH_LOG("%s field %u (kind %u) %llu -> %llu: got '%s', want '%s'",
			       top ? "top" : "head", w, fields[w],
			       (unsigned long long)was,
			       (unsigned long long)to[k], pci_ser_defect_str(d),
			       pci_ser_defect_str(want));
		}
	}
}

/*
 * Payload defects: the same device twice, an entry out of its place,
 * malformed entries, free slots and head fields.  Each blob is resealed
 * so only the payload check can refuse it.
 */
TEST_F(pser, payload_defects)
{
	const struct pci_ser_payload_desc *desc = &variant->ops->payload;
	long fill = field_find(desc->head, PCI_SER_HEAD_FILL);
	size_t len;
	u8 *b = make_blob(variant->ops, 40, 64, &len);
	u8 *c = malloc(len);
	struct payload_view v;
	long i, j;
	u32 w;

	fill_target(&self->ser);
	memcpy(c, b, len);
	v = view_of(variant->ops, c);
	ASSERT_GE(v.n, 40);

	/* A copy of one used entry over the next one. */
	memcpy(c, b, len);
	i = next_used(&v, 0);
	j = next_used(&v, i + 1);
	ASSERT_GE(j, 0);
	v.e[j] = v.e[i];
	pci_ser_blob_seal(c);
	EXPECT_DEFECT(PCI_SER_DUPLICATE, c, len);

	/*
	 * Misplaced: two packed entries swapped, or an entry moved to a free
	 * slot past a gap (whose home may happen to be that very slot: then
	 * the next gap; in a block that counts its written slots, the count
	 * then reaches it).  Layouts that keep no place take it.
	 */
	for (j = 1; ; j++) {
		memcpy(c, b, len);
		if (desc->used_tail) {
			i = next_used(&v, 0);
			j = next_gap(&v, j);
			ASSERT_GE(j, 0);
			v.e[j] = v.e[i];
			memset(&v.e[i], 0, sizeof(v.e[i]));
			if (fill >= 0 &&
			    field_get(v.head, desc->head, fill) <= (u64)j)
				field_put(v.head, desc->head, fill, j + 1);
		} else {
			struct pci_ser_entry t = v.e[3];

			v.e[3] = v.e[30];
			v.e[30] = t;
		}
		pci_ser_blob_seal(c);
		if (!desc->placed) {
			EXPECT_EQ(PCI_SER_OK, layout_verdict(c, len));
			break;
		}
		if (desc->used_tail && layout_verdict(c, len) == PCI_SER_OK)
			continue;
		EXPECT_DEFECT(PCI_SER_ORDER, c, len);
		break;
	}

	/*
	 * A used entry with another tail; where the tail is a refcount, every
	 * tail from used_tail up is one, and 0 under a device is the bad one.
	 */
	memcpy(c, b, len);
	i = next_used(&v, 5);
	ASSERT_GE(i, 0);
	v.e[i].tail = cpu_to_le16(desc->refcounted ? 0 : desc->used_tail + 1);
	pci_ser_blob_seal(c);
	EXPECT_DEFECT(PCI_SER_BAD_ENTRY, c, len);
	if (desc->refcounted) {
		memcpy(c, b, len);
		v.e[i].tail = cpu_to_le16(U16_MAX);
		pci_ser_blob_seal(c);
		EXPECT_EQ(PCI_SER_OK, layout_verdict(c, len));
	}

	/* A free slot that is not all zero. */
	if (desc->used_tail) {
		memcpy(c, b, len);
		j = next_gap(&v, 0);
		ASSERT_GE(j, 0);
		v.e[j].bdf = cpu_to_le16(1);
		pci_ser_blob_seal(c);
		EXPECT_DEFECT(PCI_SER_BAD_ENTRY, c, len);
	}

	/* Each field of the payload's header and of the block's, wrong. */
	for (w = 0; w < nr_fields(desc->top); w++)
		wrong_field(_metadata, &self->ser, variant->ops, b, c, len,
			    true, w);
	for (w = 0; w < nr_fields(desc->head); w++)
		wrong_field(_metadata, &self->ser, variant->ops, b, c, len,
			    false, w);
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

/* Each fault's expected defect (lubench_uapi.h) is one the checks give. */
TEST(fault_defects_exist)
{
	unsigned int i, nr = 0;
	int d;

	for (i = 0; lb_fault_name(i); i++) {
		const char *want = lb_fault_defect(i);

		if (!want)
			continue;
		nr++;
		for (d = 1; d < PCI_SER_NR_DEFECTS; d++)
			if (!strcmp(pci_ser_defect_str(d), want))
				break;
		EXPECT_LT(d, PCI_SER_NR_DEFECTS) {
			TH_LOG("fault %s expects '%s', which no check gives",
			       lb_fault_name(i), want);
		}
	}
	ASSERT_GE(nr, 1);
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
