// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the trace parser (bench/lib/trace.c).  A refused trace
 * leaves nothing behind and names its line; an accepted one holds only
 * devices that print and parse back the same, and replays to the same
 * answers in every registered layout, as `replay --variant all` checks.
 */
#include "pci_ser_blob.h"
#include "trace.h"
#include "fuzz.h"

/* Larger tables cost too much per input for the lockstep replay. */
#define LOCKSTEP_MAX_CAPACITY	4096

static void check_records(const struct trace *t)
{
	unsigned int last = 0;
	size_t i;

	FUZZ_CHECK(!t->has_capacity || t->capacity <= PCI_SER_MAX_CAPACITY,
		   "capacity %u", t->capacity);
	for (i = 0; i < t->nr; i++) {
		const struct trace_rec *r = &t->rec[i];
		char dev[PCI_DEV_STR_LEN];
		const char *why;
		u32 domain;
		u16 bdf;

		FUZZ_CHECK(r->op <= TRACE_FIND, "op %d", r->op);
		FUZZ_CHECK(r->line > last, "line %u after %u", r->line, last);
		last = r->line;
		pci_dev_format(dev, r->domain, r->bdf);
		why = pci_dev_parse(dev, &domain, &bdf);
		FUZZ_CHECK(!why && domain == r->domain && bdf == r->bdf,
			   "'%s' does not parse back: %s", dev, why ?: "");
	}
}

static int run_op(struct pci_ser *ser, const struct trace_rec *r, u32 cap)
{
	switch (r->op) {
	case TRACE_PRESERVE:
		return pci_ser_preserve(ser, r->domain, r->bdf, r->vf, cap);
	case TRACE_UNPRESERVE:
		return pci_ser_unpreserve(ser, r->domain, r->bdf);
	case TRACE_FIND:
		return pci_ser_find(ser, r->domain, r->bdf);
	}
	return -EINVAL;
}

static void count_one(void *arg, u32 domain, u16 bdf)
{
	(void)domain;
	(void)bdf;
	++*(u32 *)arg;
}

/* Every layout in lockstep; then each hands over to itself. */
static void lockstep(const struct trace *t)
{
	struct pci_ser lane[32] = { };
	unsigned int nr = 0, i;
	u32 kept;
	size_t k;

	while (pci_ser_variants[nr] && nr < 32) {
		lane[nr].ops = pci_ser_variants[nr];
		nr++;
	}
	for (k = 0; k < t->nr; k++) {
		int want = run_op(&lane[0], &t->rec[k], t->capacity);

		for (i = 1; i < nr; i++) {
			int got = run_op(&lane[i], &t->rec[k], t->capacity);

			FUZZ_CHECK(got == want, "line %u: %s says %d, %s %d",
				   t->rec[k].line, lane[0].ops->name, want,
				   lane[i].ops->name, got);
		}
	}
	kept = lane[0].nr_devices;
	for (i = 0; i < nr; i++) {
		struct pci_ser back = { .ops = lane[i].ops };
		enum pci_ser_defect d;
		u32 seen = 0;
		size_t len;
		u8 *b;

		/* A lane that never made its table: an empty one. */
		if (!lane[i].priv)
			lane[i].capacity = t->capacity;
		len = pci_ser_blob_size(&lane[i]);
		b = malloc(len);
		if (!b)
			abort();
		pci_ser_blob_write(&lane[i], b, 0, 0);
		d = pci_ser_blob_retrieve(&back, b, len, lane[i].ops);
		FUZZ_CHECK(!d, "%s: own blob refused: %s", lane[i].ops->name,
			   pci_ser_defect_str(d));
		pci_ser_for_each(&back, count_one, &seen);
		FUZZ_CHECK(seen == kept && seen == back.nr_devices,
			   "%s: %u devices after the handover, %u before",
			   lane[i].ops->name, seen, kept);
		pci_ser_destroy(&back);
		pci_ser_destroy(&lane[i]);
		free(b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	char err[256] = "";
	struct trace t;
	int ret;

	/* fmemopen refuses a zero size; an empty trace is no test anyway. */
	if (!f)
		return 0;
	ret = trace_parse(f, "fuzz", &t, err, sizeof(err));
	fclose(f);
	if (ret) {
		FUZZ_CHECK(ret == -1 && !t.rec && !t.nr, "refused trace kept");
		FUZZ_CHECK(!strncmp(err, "fuzz:", 5) && strlen(err) > 7,
			   "error '%s' names no line", err);
		return 0;
	}
	check_records(&t);
	if (t.has_capacity && t.capacity <= LOCKSTEP_MAX_CAPACITY)
		lockstep(&t);
	trace_free(&t);
	return 0;
}
