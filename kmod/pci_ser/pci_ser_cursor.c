// SPDX-License-Identifier: GPL-2.0
/*
 * cursor: v2's sorted array plus a remembered position.  The next kernel
 * looks devices up in enumeration order (ascending bus/devfn within a
 * domain), so the answer is usually at or just after the previous one:
 * check there first, gallop forward from it, and fall back to a binary
 * search only for a backward jump.  The hint is only ever a hint: any
 * value is range-checked, so a stale one costs time, never correctness.
 */
#include "pci_ser_v2.h"

static bool cursor_find(struct pci_ser *ser, u32 domain, u16 bdf)
{
	struct pci_ser_v2 *t = v2_table(ser);
	const struct pci_ser_entry *e = t->e;
	u64 key = pci_ser_key(domain, bdf);
	u32 n = ser->nr_devices;
	u32 pos = min(READ_ONCE(t->hint), n);
	bool hit;

	pci_ser_calibrate_find();
	if (pos > 0 && pci_ser_entry_key(&e[pos - 1]) >= key) {
		/* Went backwards: a new domain or a rescan. */
		pos = v2_lower_bound(e, 0, pos, key);
	} else if (pos < n && pci_ser_entry_key(&e[pos]) < key) {
		/* Forwards past the hint: gallop, then bisect the last step. */
		u32 lo = pos + 1, step = 1;

		while (lo + step < n && pci_ser_entry_key(&e[lo + step]) < key) {
			lo += step + 1;
			step <<= 1;
		}
		pos = v2_lower_bound(e, lo, min(lo + step, n), key);
	}
	/* Here e[pos - 1] < key <= e[pos], with both ends open. */
	hit = pos < n && pci_ser_entry_key(&e[pos]) == key;
	WRITE_ONCE(t->hint, pos + hit);
	return hit;
}

const struct pci_ser_ops pci_ser_cursor_ops = {
	.name		= "cursor",
	.compatible	= "lubench,pci-ser-cursor-v1",
	.init		= v2_init,
	.preserve	= v2_preserve,
	.unpreserve	= v2_unpreserve,
	.find		= cursor_find,
	.payload_size	= v2_payload_size,
	.serialize	= v2_serialize,
	.retrieve	= v2_retrieve,
	.for_each	= v2_for_each,
	.free		= v2_free,
	/* Packed, sorted by key. */
	.payload	= { .used_tail = 0, .placed = true },
};
