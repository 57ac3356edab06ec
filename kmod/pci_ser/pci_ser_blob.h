/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The handover blob: a self-describing header followed by one variant's
 * payload.  It is what the old kernel leaves for the next one, and what
 * `lubench replay --save` writes.  All fields are little-endian.
 */
#ifndef LUBENCH_PCI_SER_BLOB_H
#define LUBENCH_PCI_SER_BLOB_H

#include "pci_ser.h"

#define PCI_SER_BLOB_MAGIC	0x5245535f4943504cULL	/* "LPCI_SER" */
#define PCI_SER_BLOB_VERSION	1
#define PCI_SER_COMPAT_LEN	48

struct pci_ser_blob_hdr {
	__le64 magic;
	__le32 version;		/* of this header layout */
	__le32 hdr_size;	/* sizeof(struct pci_ser_blob_hdr) */
	char compatible[PCI_SER_COMPAT_LEN];	/* NUL-padded */
	__le64 payload_size;
	__le32 capacity;
	__le32 nr_devices;
	__le64 freeze_tsc;	/* TSC when the old kernel froze the table */
	__le64 tsc_khz;		/* the old kernel's TSC frequency */
	__le32 checksum;	/* CRC32C of header (this field 0) + payload */
	__le32 reserved;	/* must be zero */
};

/* Largest table a blob may describe; keeps a bad header from OOMing. */
#define PCI_SER_MAX_CAPACITY	(1U << 24)

/* CRC32C; the generic version is the reference the fast one is tested on. */
u32 pci_ser_crc32c(u32 crc, const void *buf, size_t len);
u32 pci_ser_crc32c_generic(u32 crc, const void *buf, size_t len);

/* Bytes of the blob for @ser as it is now (header + payload). */
size_t pci_ser_blob_size(const struct pci_ser *ser);

/*
 * Write @ser's blob into @buf (pci_ser_blob_size() bytes).  A table that
 * does not exist yet gives an empty payload of @ser->ops's layout.
 */
void pci_ser_blob_write(const struct pci_ser *ser, void *buf,
			u64 freeze_tsc, u64 tsc_khz);

/* Update the freeze stamp of a written blob and reseal its checksum. */
void pci_ser_blob_stamp(void *buf, u64 freeze_tsc, u64 tsc_khz);

/* Recompute the checksum of a blob whose header is intact. */
void pci_ser_blob_seal(void *buf);

/*
 * Check the header of @len bytes at @buf.  With @want non-NULL, the blob
 * must carry that variant's compatible; otherwise any registered variant
 * is accepted and returned through @ops_out.  Checks the checksum.
 */
enum pci_ser_defect pci_ser_blob_check(const void *buf, size_t len,
				       const struct pci_ser_ops *want,
				       const struct pci_ser_ops **ops_out);

/*
 * Validate the whole blob and build @ser from it.  On any defect @ser is
 * left exactly as it was; on success any table @ser held is replaced.
 */
enum pci_ser_defect pci_ser_blob_retrieve(struct pci_ser *ser,
					  const void *buf, size_t len,
					  const struct pci_ser_ops *want);

#endif /* LUBENCH_PCI_SER_BLOB_H */
