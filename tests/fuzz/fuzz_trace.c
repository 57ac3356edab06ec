// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the trace parser (bench/lib/trace.c).  A refused trace
 * leaves nothing behind and names its line; an accepted one holds only
 * devices that print and parse back the same and paths of declared
 * bridges, and replays to the same
 * answers (and refcounts) in every layout of the same rules, as
 * `replay --variant all` checks.
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
	u32 j;

	FUZZ_CHECK(!t->has_capacity || t->capacity <= PCI_SER_MAX_CAPACITY,
		   "capacity %u", t->capacity);
	FUZZ_CHECK(!t->has_rules ||
		   pci_ser_rules_by_name(t->rules) < PCI_SER_NR_RULES,
		   "rules '%s'", t->rules);
	for (i = 0; i < t->nr; i++) {
		const struct trace_rec *r = &t->rec[i];
		char dev[PCI_DEV_STR_LEN];
		const char *why;
		u32 domain;
		u16 bdf;

		FUZZ_CHECK(r->op < TRACE_NR_OPS, "op %d", r->op);
		FUZZ_CHECK(r->line > last, "line %u after %u", r->line, last);
		last = r->line;
		FUZZ_CHECK(trace_op_has_dev(r->op) == (r->dev < t->nr_dev),
			   "line %u: device index %u", r->line, r->dev);
		/* renumber A B: two root ports of one domain. */
		FUZZ_CHECK(r->op != TRACE_RENUMBER ||
			   (r->dev2 < t->nr_dev && r->dev2 != r->dev &&
			    t->dev[r->dev].bridge && t->dev[r->dev2].bridge &&
			    !t->dev[r->dev].nr_path && !t->dev[r->dev2].nr_path &&
			    t->dev[r->dev].domain == t->dev[r->dev2].domain),
			   "line %u: renumber of no two root ports", r->line);
		if (r->dev == TRACE_NO_DEV)
			continue;
		FUZZ_CHECK(t->dev[r->dev].domain == r->domain &&
			   t->dev[r->dev].bdf == r->bdf,
			   "line %u: device index %u names another device",
			   r->line, r->dev);
		pci_dev_format(dev, r->domain, r->bdf);
		why = pci_dev_parse(dev, &domain, &bdf);
		FUZZ_CHECK(!why && domain == r->domain && bdf == r->bdf,
			   "'%s' does not parse back: %s", dev, why ?: "");
	}
	/* Every path: declared bridges, each below the ones before it. */
	for (i = 0; i < t->nr_dev; i++) {
		const struct trace_dev *d = &t->dev[i];
		const struct trace_id *p = trace_dev_path(t, d);

		FUZZ_CHECK(d->nr_path <= TRACE_MAX_PATH, "path of %u",
			   d->nr_path);
		for (j = 0; j < d->nr_path; j++) {
			u32 k;

			for (k = 0; k < t->nr_dev; k++)
				if (t->dev[k].domain == p[j].domain &&
				    t->dev[k].bdf == p[j].bdf)
					break;
			FUZZ_CHECK(k < t->nr_dev && t->dev[k].bridge &&
				   t->dev[k].nr_path == j,
				   "path element %u is no bridge at depth %u",
				   j, j);
		}
	}
}

static void count_one(void *arg, u32 domain, u16 bdf)
{
	(void)domain;
	(void)bdf;
	++*(u32 *)arg;
}

/*
 * Every layout that follows @rules in lockstep, results and final
 * refcounts compared; then each hands over to itself.
 */
static void lockstep(const struct trace *t, enum pci_ser_rules rules)
{
	struct pci_ser lane[32] = { };
	struct trace_env env[32] = { };
	unsigned int nr = 0, i, v;
	u32 kept;
	size_t k;

	for (v = 0; pci_ser_variants[v] && nr < 32; v++)
		if (pci_ser_variants[v]->rules == rules)
			lane[nr++].ops = pci_ser_variants[v];
	if (!nr)
		return;
	for (i = 0; i < nr; i++)
		env[i].capacity = t->capacity;
	for (k = 0; k < t->nr; k++) {
		int want = trace_run_op(&lane[0], t, &t->rec[k], &env[0]);
		/*
		 * A blob written halfway is refused, but each layout's blob
		 * is cut at another place: which check refuses it may differ.
		 */
		bool halfway = t->rec[k].op == TRACE_JUMP && env[0].handover_bad;

		FUZZ_CHECK(want > TRACE_RESULT_DEFECT_BASE || halfway,
			   "line %u: %s refuses its own handover",
			   t->rec[k].line, lane[0].ops->name);
		for (i = 1; i < nr; i++) {
			int got = trace_run_op(&lane[i], t, &t->rec[k],
					       &env[i]);

			FUZZ_CHECK(got == want || halfway,
				   "line %u: %s says %d, %s %d",
				   t->rec[k].line, lane[0].ops->name, want,
				   lane[i].ops->name, got);
		}
		/* Layouts allocate differently: no faults in lockstep. */
		for (i = 0; i < nr; i++)
			env[i].fault = 0;
	}
	for (k = 0; k < t->nr_dev; k++) {
		u16 want = pci_ser_refcount(&lane[0], t->dev[k].domain,
					    t->dev[k].bdf);

		for (i = 1; i < nr; i++)
			FUZZ_CHECK(pci_ser_refcount(&lane[i], t->dev[k].domain,
						    t->dev[k].bdf) == want,
				   "%s and %s disagree on a refcount",
				   lane[0].ops->name, lane[i].ops->name);
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
		trace_env_release(&env[i]);
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
	if (t.has_capacity && t.capacity <= LOCKSTEP_MAX_CAPACITY) {
		enum pci_ser_rules r;

		for (r = 0; r < PCI_SER_NR_RULES; r++)
			lockstep(&t, r);
	}
	trace_free(&t);
	return 0;
}
