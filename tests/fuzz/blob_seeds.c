// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the blob target's seed corpus at build time: a few tables of
 * every registered layout (empty, small, domains above 0xffff, full,
 * after unpreserves, more than one kho-blocks block; under refcounted rules
 * endpoints behind shared bridges, so refcounts above 1), as handover
 * blobs.
 *
 * usage: fuzz-blob-seeds OUT_DIR MAX_BYTES
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pci_ser_blob.h"

struct shape {
	const char *name;
	u32 capacity;
	u32 preserve;	/* devices preserved, then unpreserved: */
	u32 drop;	/* every drop-th of them (0: none) */
	u32 keep;	/* all but every keep-th of them (0: none) */
};

static const struct shape shapes[] = {
	{ "empty",	4,	0,	0,	0 },
	{ "small",	4,	3,	0,	0 },
	{ "full",	8,	8,	0,	0 },
	{ "holes",	12,	10,	3,	0 },
	/* Few devices left in two blocks: small, and quick to check. */
	{ "two-blocks",	600,	515,	0,	32 },
};

/* Spread over domains, some of them 16-bit aliases of others. */
static void device(u32 i, u32 *domain, u16 *bdf)
{
	static const u32 domains[] = { 0, 1, 0x10000, 0x10001, 0xffffffff };

	*domain = domains[i % 5];
	*bdf = (u16)((i / 5) * 0x0109 + 0x0800);
}

static int write_blob(const char *dir, const struct pci_ser *ser,
		      const char *shape, size_t max)
{
	size_t len = pci_ser_blob_size(ser);
	char path[4096];
	void *buf;
	FILE *f;
	int ret = 0;

	if (len > max)
		return 0;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	pci_ser_blob_write(ser, buf, 0x123456789aULL, 1000000);
	snprintf(path, sizeof(path), "%s/%s-%s.blob", dir, ser->ops->name,
		 shape);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len)
		ret = -errno ?: -EIO;
	if (f && fclose(f) && !ret)
		ret = -errno;
	if (ret)
		fprintf(stderr, "fuzz-blob-seeds: %s: %s\n", path,
			strerror(-ret));
	free(buf);
	return ret;
}

static int make(const char *dir, const struct pci_ser_ops *ops,
		const struct shape *s, size_t max)
{
	struct pci_ser ser = { .ops = ops, .capacity = s->capacity };
	u32 i, domain;
	u16 bdf;
	int ret;

	for (i = 0; i < s->preserve; i++) {
		device(i, &domain, &bdf);
		ret = pci_ser_preserve(&ser, domain, bdf, false, s->capacity);
		if (ret)
			goto out;
	}
	for (i = 0; i < s->preserve; i++) {
		if (!(s->drop && i % s->drop == 0) &&
		    !(s->keep && i % s->keep))
			continue;
		device(i, &domain, &bdf);
		ret = pci_ser_unpreserve(&ser, domain, bdf);
		if (ret)
			goto out;
	}
	ret = write_blob(dir, &ser, s->name, max);
out:
	if (ret)
		fprintf(stderr, "fuzz-blob-seeds: %s %s: %d\n", ops->name,
			s->name, ret);
	pci_ser_destroy(&ser);
	return ret;
}

/*
 * Under refcounted rules: 12 endpoints behind one root port, each four
 * behind a port of their own, and the last port preserved itself: the
 * ports end at 4, 4 and 5, the root port at 13.
 */
static int make_bridges(const char *dir, const struct pci_ser_ops *ops,
			size_t max)
{
	struct pci_ser ser = { .ops = ops };
	struct pci_ser_id path[2] = { { 0x10000, 0 }, { 0x10000, 0x0008 } };
	struct pci_ser_dev dev = { .domain = 0x10000, .nr_path = 2,
				   .path = path };
	u32 i;
	int ret = 0;

	for (i = 0; i < 12 && !ret; i++) {
		path[0].bdf = (u16)((1 + i / 4) << 8);
		dev.bdf = (u16)((4 + i / 4) << 8 | (i % 4));
		ret = pci_ser_preserve_dev(&ser, &dev, 32);
	}
	if (!ret) {
		struct pci_ser_dev port = { .domain = 0x10000,
					    .bdf = path[0].bdf,
					    .is_bridge = true, .nr_path = 1,
					    .path = &path[1] };

		ret = pci_ser_preserve_dev(&ser, &port, 32);
	}
	if (!ret)
		ret = write_blob(dir, &ser, "bridges", max);
	else
		fprintf(stderr, "fuzz-blob-seeds: %s bridges: %d\n", ops->name,
			ret);
	pci_ser_destroy(&ser);
	return ret;
}

int main(int argc, char **argv)
{
	const struct pci_ser_ops *const *v;
	unsigned int i;
	size_t max;

	if (argc != 3 || !(max = strtoul(argv[2], NULL, 10))) {
		fprintf(stderr, "usage: fuzz-blob-seeds OUT_DIR MAX_BYTES\n");
		return 2;
	}
	for (v = pci_ser_variants; *v; v++)
		for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
			if (make(argv[1], *v, &shapes[i], max))
				return 1;
	for (v = pci_ser_variants; *v; v++)
		if (pci_ser_rules_refcounted((*v)->rules) &&
		    make_bridges(argv[1], *v, max))
			return 1;
	return 0;
}
