// SPDX-License-Identifier: GPL-2.0
/*
 * Writing and validating the handover blob.  Validation never trusts a
 * field before the ones it depends on were checked, and builds the new
 * table on the side so that a refused blob changes nothing.
 */
#include "pci_ser_blob.h"

/*
 * CRC32C (Castagnoli, reflected polynomial 0x82f63b78): detects every
 * error burst up to 32 bits, so any single changed byte.  x86 computes
 * it with the SSE4.2 crc32 instruction, which works on general-purpose
 * registers (no FPU state to save in the kernel); elsewhere a nibble
 * table keeps it small and free of the kernel's crypto layer.
 */
static const u32 crc32c_nibble[16] = {
	0x00000000, 0x105ec76f, 0x20bd8ede, 0x30e349b1,
	0x417b1dbc, 0x5125dad3, 0x61c69362, 0x7198540d,
	0x82f63b78, 0x92a8fc17, 0xa24bb5a6, 0xb21572c9,
	0xc38d26c4, 0xd3d3e1ab, 0xe330a81a, 0xf36e6f75,
};

u32 pci_ser_crc32c_generic(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ crc32c_nibble[crc & 15];
		crc = (crc >> 4) ^ crc32c_nibble[crc & 15];
	}
	return ~crc;
}

#ifdef CONFIG_X86_64
static u32 pci_ser_crc32c_x86(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;
	u64 c = ~crc;

	for (; len >= 8; len -= 8, p += 8) {
		u64 v;

		memcpy(&v, p, sizeof(v));
		asm("crc32q %1, %0" : "+r" (c) : "rm" (v));
	}
	crc = c;
	for (; len; len--, p++)
		asm("crc32b %1, %0" : "+r" (crc) : "rm" (*p));
	return ~crc;
}
#endif

u32 pci_ser_crc32c(u32 crc, const void *buf, size_t len)
{
#ifdef CONFIG_X86_64
	if (pci_ser_cpu_has_crc32c())
		return pci_ser_crc32c_x86(crc, buf, len);
#endif
	return pci_ser_crc32c_generic(crc, buf, len);
}

static u32 pci_ser_blob_crc(const void *buf)
{
	struct pci_ser_blob_hdr hdr = *(const struct pci_ser_blob_hdr *)buf;
	u32 crc;

	hdr.checksum = 0;
	crc = pci_ser_crc32c(0, &hdr, sizeof(hdr));
	return pci_ser_crc32c(crc, (const u8 *)buf + sizeof(hdr),
			      le64_to_cpu(hdr.payload_size));
}

void pci_ser_blob_seal(void *buf)
{
	struct pci_ser_blob_hdr *hdr = buf;

	hdr->checksum = cpu_to_le32(pci_ser_blob_crc(buf));
}

static size_t pci_ser_payload_size(const struct pci_ser *ser)
{
	struct pci_ser empty = { .ops = ser->ops, .capacity = ser->capacity };
	size_t size;

	if (ser->priv)
		return ser->ops->payload_size(ser);
	/* No table yet: the payload of an empty one of this capacity. */
	if (ser->ops->init(&empty))
		return 0;
	size = ser->ops->payload_size(&empty);
	ser->ops->free(&empty);
	return size;
}

/*
 * No table yet: what an empty one of this capacity writes (a layout may
 * carry words that are not zero, such as its size).  Zeros if even that
 * cannot be allocated, as pci_ser_payload_size() then said 0 bytes.
 */
static void pci_ser_serialize_empty(const struct pci_ser *ser, void *payload,
				    size_t size)
{
	struct pci_ser empty = { .ops = ser->ops, .capacity = ser->capacity };

	if (!size)
		return;
	if (ser->ops->init(&empty)) {
		memset(payload, 0, size);
		return;
	}
	ser->ops->serialize(&empty, payload);
	ser->ops->free(&empty);
}

size_t pci_ser_blob_size(const struct pci_ser *ser)
{
	return sizeof(struct pci_ser_blob_hdr) + pci_ser_payload_size(ser);
}

void pci_ser_blob_write(const struct pci_ser *ser, void *buf,
			u64 freeze_tsc, u64 tsc_khz)
{
	struct pci_ser_blob_hdr *hdr = buf;
	size_t payload = pci_ser_payload_size(ser);

	memset(hdr, 0, sizeof(*hdr));
	hdr->magic = cpu_to_le64(PCI_SER_BLOB_MAGIC);
	hdr->version = cpu_to_le32(PCI_SER_BLOB_VERSION);
	hdr->hdr_size = cpu_to_le32(sizeof(*hdr));
	memcpy(hdr->compatible, ser->ops->compatible,
	       min(strlen(ser->ops->compatible), sizeof(hdr->compatible) - 1));
	hdr->payload_size = cpu_to_le64(payload);
	hdr->capacity = cpu_to_le32(ser->capacity);
	hdr->nr_devices = cpu_to_le32(ser->priv ? ser->nr_devices : 0);
	if (ser->priv)
		ser->ops->serialize(ser, hdr + 1);
	else
		pci_ser_serialize_empty(ser, hdr + 1, payload);
	pci_ser_blob_stamp(buf, freeze_tsc, tsc_khz);
}

void pci_ser_blob_stamp(void *buf, u64 freeze_tsc, u64 tsc_khz)
{
	struct pci_ser_blob_hdr *hdr = buf;

	hdr->freeze_tsc = cpu_to_le64(freeze_tsc);
	hdr->tsc_khz = cpu_to_le64(tsc_khz);
	pci_ser_blob_seal(buf);
}

/* The compatible field: a NUL-terminated string, zero to the end. */
static bool pci_ser_compat_ok(const char *c)
{
	size_t i, len = strnlen(c, PCI_SER_COMPAT_LEN);

	if (len == 0 || len == PCI_SER_COMPAT_LEN)
		return false;
	for (i = len; i < PCI_SER_COMPAT_LEN; i++)
		if (c[i])
			return false;
	return true;
}

enum pci_ser_defect pci_ser_blob_check(const void *buf, size_t len,
				       const struct pci_ser_ops *want,
				       const struct pci_ser_ops **ops_out)
{
	const struct pci_ser_blob_hdr *hdr = buf;
	const struct pci_ser_ops *ops;
	u64 payload;

	if (len < sizeof(hdr->magic))
		return PCI_SER_TRUNCATED;
	if (le64_to_cpu(hdr->magic) != PCI_SER_BLOB_MAGIC)
		return PCI_SER_BAD_MAGIC;
	if (len < sizeof(*hdr))
		return PCI_SER_TRUNCATED;
	if (le32_to_cpu(hdr->version) != PCI_SER_BLOB_VERSION)
		return PCI_SER_BAD_VERSION;
	if (le32_to_cpu(hdr->hdr_size) != sizeof(*hdr))
		return PCI_SER_SIZE_MISMATCH;
	if (!pci_ser_compat_ok(hdr->compatible))
		return PCI_SER_BAD_COMPATIBLE;
	ops = pci_ser_variant_by_compatible(hdr->compatible);
	if (!ops)
		return PCI_SER_UNKNOWN_COMPATIBLE;
	if (want && ops != want)
		return PCI_SER_COMPATIBLE_MISMATCH;
	payload = le64_to_cpu(hdr->payload_size);
	if (payload > len - sizeof(*hdr))
		return PCI_SER_TRUNCATED;
	if (payload != len - sizeof(*hdr))
		return PCI_SER_SIZE_MISMATCH;
	if (le32_to_cpu(hdr->capacity) > PCI_SER_MAX_CAPACITY)
		return PCI_SER_SIZE_MISMATCH;
	if (le32_to_cpu(hdr->nr_devices) > le32_to_cpu(hdr->capacity))
		return PCI_SER_TOO_MANY;
	if (hdr->reserved)
		return PCI_SER_RESERVED;
	if (pci_ser_blob_crc(buf) != le32_to_cpu(hdr->checksum))
		return PCI_SER_CHECKSUM;
	if (ops_out)
		*ops_out = ops;
	return PCI_SER_OK;
}

enum pci_ser_defect pci_ser_blob_retrieve(struct pci_ser *ser,
					  const void *buf, size_t len,
					  const struct pci_ser_ops *want)
{
	const struct pci_ser_blob_hdr *hdr = buf;
	struct pci_ser next = { };
	enum pci_ser_defect d;

	d = pci_ser_blob_check(buf, len, want, &next.ops);
	if (d)
		return d;
	next.capacity = le32_to_cpu(hdr->capacity);
	next.nr_devices = le32_to_cpu(hdr->nr_devices);
	d = next.ops->retrieve(&next, hdr + 1, le64_to_cpu(hdr->payload_size));
	if (d)
		return d;
	/* An empty table is not kept, as after the last unpreserve. */
	if (!next.nr_devices)
		pci_ser_destroy(&next);
	pci_ser_destroy(ser);
	*ser = next;
	return PCI_SER_OK;
}
