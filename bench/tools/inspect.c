// SPDX-License-Identifier: GPL-2.0
/*
 * lubench inspect: print a handover blob's header and validate all of it
 * exactly as the next kernel would.  Exit 0 only for a valid blob; else
 * name the defect and exit 2.  Only a regular file of at most 257 MiB
 * (LB_MAX_BLOB) is read.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "pci_ser_blob.h"
#include "trace.h"

static void print_dev(void *arg, u32 domain, u16 bdf)
{
	char dev[PCI_DEV_STR_LEN];

	(void)arg;
	pci_dev_format(dev, domain, bdf);
	printf("  %s\n", dev);
}

static void print_header(const struct pci_ser_blob_hdr *h, size_t len)
{
	printf("file_size:    %zu\n", len);
	printf("magic:        0x%016" PRIx64 "%s\n", le64_to_cpu(h->magic),
	       le64_to_cpu(h->magic) == PCI_SER_BLOB_MAGIC ? "" : " (bad)");
	if (len < sizeof(*h))
		return;
	printf("version:      %u\n", le32_to_cpu(h->version));
	printf("hdr_size:     %u\n", le32_to_cpu(h->hdr_size));
	printf("compatible:   %.*s\n", PCI_SER_COMPAT_LEN, h->compatible);
	printf("payload_size: %" PRIu64 "\n", le64_to_cpu(h->payload_size));
	printf("capacity:     %u\n", le32_to_cpu(h->capacity));
	printf("nr_devices:   %u\n", le32_to_cpu(h->nr_devices));
	printf("freeze_tsc:   %" PRIu64 "\n", le64_to_cpu(h->freeze_tsc));
	printf("tsc_khz:      %" PRIu64 "\n", le64_to_cpu(h->tsc_khz));
	printf("checksum:     0x%08x\n", le32_to_cpu(h->checksum));
}

/*
 * A version defect names whose version it is: the header's, or that of
 * the layout's own payload header (a PCI_SER_HEAD_VERSION field).
 */
static void print_version_defect(const char *path, const char *buf,
				 size_t len)
{
	const struct pci_ser_blob_hdr *h = (const void *)buf;
	const struct pci_ser_payload_desc *d;
	const struct pci_ser_ops *ops;
	size_t off = 0;
	__le32 v;
	u32 w;

	if (le32_to_cpu(h->version) != PCI_SER_BLOB_VERSION) {
		fprintf(stderr, "%s: invalid blob: unsupported header version %u "
			"(this build reads %u)\n", path,
			le32_to_cpu(h->version), PCI_SER_BLOB_VERSION);
		return;
	}
	ops = pci_ser_variant_by_compatible(h->compatible);
	for (w = 0; ops && w < PCI_SER_HEAD_MAX && ops->payload.top[w]; w++) {
		d = &ops->payload;
		if (d->top[w] == PCI_SER_HEAD_VERSION &&
		    sizeof(*h) + off + sizeof(v) <= len) {
			memcpy(&v, buf + sizeof(*h) + off, sizeof(v));
			fprintf(stderr, "%s: invalid blob: unsupported %s payload "
				"version %u (this build reads %u)\n", path,
				ops->name, le32_to_cpu(v), d->version);
			return;
		}
		off += pci_ser_head_bytes(d->top[w]);
	}
	fprintf(stderr, "%s: invalid blob: %s\n", path,
		pci_ser_defect_str(PCI_SER_BAD_VERSION));
}

int main(int argc, char **argv)
{
	bool list = false;
	struct pci_ser ser = { };
	enum pci_ser_defect d;
	const char *path;
	char *buf = NULL, err[300];
	size_t len = 0;

	if (argc == 3 && !strcmp(argv[1], "--entries"))
		list = true;
	if (argc != 2 + list || argv[argc - 1][0] == '-') {
		fprintf(stderr, "usage: lubench inspect [--entries] BLOB\n");
		return 2;
	}
	path = argv[argc - 1];
	if (lb_read_file(path, LB_MAX_BLOB, (void **)&buf, &len, err,
			 sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}

	if (len >= sizeof(u64))
		print_header((const void *)buf, len);
	d = pci_ser_blob_retrieve(&ser, buf, len, NULL);
	if (d) {
		printf("valid:        no\n");
		if (d == PCI_SER_BAD_VERSION)
			print_version_defect(path, buf, len);
		else
			fprintf(stderr, "%s: invalid blob: %s\n", path,
				pci_ser_defect_str(d));
		free(buf);
		return 2;
	}
	printf("layout:       %s\n", ser.ops->name);
	printf("entries:      %u\n", ser.nr_devices);
	printf("valid:        yes\n");
	if (list)
		pci_ser_for_each(&ser, print_dev, NULL);
	pci_ser_destroy(&ser);
	free(buf);
	return 0;
}
