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
