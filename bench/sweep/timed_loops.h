/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark's timed loops, written once and compiled twice: with the
 * clock (lubench-bench) and with callgrind's collection switch
 * (lubench-count's worker), so a count measures exactly the call a time
 * measures.  The includer defines LOOP_MARK(i): the loop's i-th
 * timestamp of a round (0, 1, 2), in ns; a counting includer switches
 * collection at the marks that bracket the op it counts and returns 0.
 */
#ifndef LUBENCH_TIMED_LOOPS_H
#define LUBENCH_TIMED_LOOPS_H

#ifndef LOOP_MARK
#error "define LOOP_MARK(i) before including timed_loops.h"
#endif

#include "pci_ser.h"
#include "population.h"

#define noipa __attribute__((noipa))

typedef bool (*find_fn)(struct pci_ser *ser, u32 domain, u16 bdf);
typedef int (*update_fn)(struct pci_ser *ser, u32 domain, u16 bdf);
typedef enum pci_ser_defect (*retrieve_fn)(struct pci_ser *ser,
					   const void *buf, size_t len,
					   const struct pci_ser_ops *want);

/* ---- empty operations of the same shape: the harness's own cost ---- */

/* noipa: the compiler may neither inline these nor assume their result. */
static noipa bool empty_find(struct pci_ser *ser, u32 domain, u16 bdf)
{
	(void)ser;
	(void)domain;
	(void)bdf;
	return false;
}

static noipa int empty_update(struct pci_ser *ser, u32 domain, u16 bdf)
{
	(void)ser;
	(void)domain;
	(void)bdf;
	return 0;
}

static noipa enum pci_ser_defect empty_retrieve(struct pci_ser *ser,
						const void *buf, size_t len,
						const struct pci_ser_ops *want)
{
	(void)ser;
	(void)buf;
	(void)len;
	(void)want;
	return PCI_SER_OK;
}

/*
 * The outgoing table as user space fills it: init for every enumerated
 * device, then a preserve of each preserved device in the population's
 * random order: the layout's own preserve under v2's rules, the front end
 * with the device's path (its bridges) under refcounted ones.  0, or the
 * failing call's error (*@failed: the index of the device, or -1 for init).
 */
static inline int fill_table(struct pci_ser *ser, const struct pci_ser_ops *ops,
			     const struct population *pop, int *failed)
{
	u32 i;
	int err;

	*ser = (struct pci_ser){ .ops = ops, .capacity = pop->nr };
	*failed = -1;
	err = ops->init(ser);
	for (i = 0; !err && i < pop->nr_preserved; i++) {
		err = pci_ser_rules_refcounted(ops->rules) ?
		      pci_ser_preserve_dev(ser, &pop->preserved_dev[i],
					   pop->nr) :
		      ops->preserve(ser, pop->preserved[i].domain,
				    pop->preserved[i].bdf);
		*failed = (int)i;
	}
	return err;
}

/* ---- the loops: marks around each batch, nothing else inside ---- */

struct lookups {
	find_fn find;
	struct pci_ser *ser;
	const struct pci_ser_id *key;
	u32 nr_keys;
	u32 pos;		/* next key; batches walk the keys cyclically */
	u64 done;
	u64 hits;
};

/* @count lookups between marks 0 and 1. */
static noipa u64 time_lookups(struct lookups *l, u64 count)
{
	const struct pci_ser_id *key = l->key;
	struct pci_ser *ser = l->ser;
	find_fn find = l->find;
	u32 pos = l->pos, nr = l->nr_keys;
	u64 hits = 0, i, t0, t1;

	t0 = LOOP_MARK(0);
	for (i = 0; i < count; i++) {
		hits += find(ser, key[pos].domain, key[pos].bdf);
		if (++pos == nr)
			pos = 0;
	}
	t1 = LOOP_MARK(1);
	l->pos = pos;
	l->done += count;
	l->hits += hits;
	return t1 - t0;
}

/*
 * Preserve and unpreserve on a full table: take @k random devices out
 * (unpreserves, marks 0 to 1), put them back (preserves, marks 1 to 2),
 * @rounds times.  The table holds between N - k and N devices
 * throughout.  Each round draws a fresh random subset, outside the
 * marks: walking a fixed order would make the layouts that append
 * (linear) sort themselves by that order, and every later batch would
 * find its devices at the front.
 */
struct churn {
	update_fn unpreserve;
	update_fn preserve;
	struct pci_ser *ser;
	struct pci_ser_id *key;	/* the preserved devices; [0, k) is drawn */
	u32 nr_keys;
	u32 k;
	struct rng rng;
	int err;
};

/* A random @k-subset of @key into key[0, k): a partial Fisher-Yates. */
static inline void draw(struct rng *rng, struct pci_ser_id *key, u32 nr,
			u32 k)
{
	struct pci_ser_id t;
	u32 i, j;

	for (i = 0; i < k; i++) {
		j = i + rng_below(rng, nr - i);
		t = key[i];
		key[i] = key[j];
		key[j] = t;
	}
}

static noipa void time_churn(struct churn *c, u64 rounds, u64 *t_unp,
			     u64 *t_pre)
{
	const struct pci_ser_id *key = c->key;
	struct pci_ser *ser = c->ser;
	update_fn unp = c->unpreserve, pre = c->preserve;
	u32 k = c->k, i;
	u64 r, t0, t1, t2, a = 0, b = 0;
	int err = 0;

	for (r = 0; r < rounds; r++) {
		draw(&c->rng, c->key, c->nr_keys, k);
		t0 = LOOP_MARK(0);
		for (i = 0; i < k; i++)
			err |= unp(ser, key[i].domain, key[i].bdf);
		t1 = LOOP_MARK(1);
		for (i = 0; i < k; i++)
			err |= pre(ser, key[i].domain, key[i].bdf);
		t2 = LOOP_MARK(2);
		a += t1 - t0;
		b += t2 - t1;
	}
	c->err |= err;
	*t_unp += a;
	*t_pre += b;
}

/* @k retrieves of one blob into @sers[0, k), between marks 0 and 1. */
static noipa u64 time_retrieves(retrieve_fn fn, struct pci_ser *sers, u32 k,
				const void *blob, size_t len,
				const struct pci_ser_ops *want, u32 *bad)
{
	u64 t0, t1;
	u32 i, b = 0;

	t0 = LOOP_MARK(0);
	for (i = 0; i < k; i++)
		b += fn(&sers[i], blob, len, want) != PCI_SER_OK;
	t1 = LOOP_MARK(1);
	*bad += b;
	return t1 - t0;
}

/* The incoming side: retrieve, then look up the enumerated devices. */
struct restore {
	retrieve_fn retrieve;
	find_fn find;
	const void *blob;
	size_t len;
	const struct pci_ser_ops *want;
	const struct pop_dev *dev;
	u64 hits;
	u32 bad;
};

/* A retrieve (marks 0 to 1), then @count lookups from dev[@first] (1 to 2). */
static noipa void time_restore(struct restore *r, struct pci_ser *ser,
			       u32 first, u32 count, u64 *t_ret, u64 *t_walk)
{
	const struct pop_dev *d = r->dev + first;
	find_fn find = r->find;
	u64 t0, t1, t2, hits = 0;
	u32 i;

	t0 = LOOP_MARK(0);
	r->bad += r->retrieve(ser, r->blob, r->len, r->want) != PCI_SER_OK;
	t1 = LOOP_MARK(1);
	for (i = 0; i < count; i++)
		hits += find(ser, d[i].domain, d[i].bdf);
	t2 = LOOP_MARK(2);
	r->hits += hits;
	*t_ret += t1 - t0;
	*t_walk += t2 - t1;
}

/* ---- the front end, with a device's path: refcounted rules and the
 * ops that go through pci_ser_preserve_dev() for every layout ---- */

typedef int (*dev_update_fn)(struct pci_ser *ser,
			     const struct pci_ser_dev *dev, u32 capacity);

static noipa int fe_preserve(struct pci_ser *ser,
			     const struct pci_ser_dev *dev, u32 capacity)
{
	return pci_ser_preserve_dev(ser, dev, capacity);
}

static noipa int fe_unpreserve(struct pci_ser *ser,
			       const struct pci_ser_dev *dev, u32 capacity)
{
	(void)capacity;
	return pci_ser_unpreserve_dev(ser, dev);
}

static noipa int empty_dev_update(struct pci_ser *ser,
				  const struct pci_ser_dev *dev, u32 capacity)
{
	(void)ser;
	(void)dev;
	(void)capacity;
	return 0;
}

/* The churn of time_churn() on devices with paths (refcounted rules). */
struct churn_dev {
	dev_update_fn unpreserve;
	dev_update_fn preserve;
	struct pci_ser *ser;
	struct pci_ser_dev *key;
	u32 nr_keys;
	u32 k;
	u32 capacity;
	struct rng rng;
	int err;
};

static inline void draw_dev(struct rng *rng, struct pci_ser_dev *key, u32 nr,
			    u32 k)
{
	struct pci_ser_dev t;
	u32 i, j;

	for (i = 0; i < k; i++) {
		j = i + rng_below(rng, nr - i);
		t = key[i];
		key[i] = key[j];
		key[j] = t;
	}
}

static noipa void time_churn_dev(struct churn_dev *c, u64 rounds, u64 *t_unp,
				 u64 *t_pre)
{
	const struct pci_ser_dev *key = c->key;
	struct pci_ser *ser = c->ser;
	dev_update_fn unp = c->unpreserve, pre = c->preserve;
	u32 k = c->k, cap = c->capacity, i;
	u64 r, t0, t1, t2, a = 0, b = 0;
	int err = 0;

	for (r = 0; r < rounds; r++) {
		draw_dev(&c->rng, c->key, c->nr_keys, k);
		t0 = LOOP_MARK(0);
		for (i = 0; i < k; i++)
			err |= unp(ser, &key[i], cap);
		t1 = LOOP_MARK(1);
		for (i = 0; i < k; i++)
			err |= pre(ser, &key[i], cap);
		t2 = LOOP_MARK(2);
		a += t1 - t0;
		b += t2 - t1;
	}
	c->err |= err;
	*t_unp += a;
	*t_pre += b;
}

/*
 * preserve-dup: @count preserves of devices already in the table, each
 * through the front end as an endpoint (so -EBUSY under every rule),
 * between marks 0 and 1.  What the layout's search for the duplicate
 * costs; a per-device flag would be one load.
 */
struct dups {
	dev_update_fn preserve;
	struct pci_ser *ser;
	const struct pci_ser_dev *key;
	u32 nr_keys;
	u32 capacity;
	u32 pos;
	u64 done;
	u64 busy;		/* answers that were -EBUSY */
};

static noipa u64 time_dups(struct dups *d, u64 count)
{
	const struct pci_ser_dev *key = d->key;
	struct pci_ser *ser = d->ser;
	dev_update_fn pre = d->preserve;
	u32 pos = d->pos, nr = d->nr_keys, cap = d->capacity;
	u64 busy = 0, i, t0, t1;

	t0 = LOOP_MARK(0);
	for (i = 0; i < count; i++) {
		busy += pre(ser, &key[pos], cap) == -EBUSY;
		if (++pos == nr)
			pos = 0;
	}
	t1 = LOOP_MARK(1);
	d->pos = pos;
	d->done += count;
	d->busy += busy;
	return t1 - t0;
}

/*
 * fill and grow: @k fresh tables, each holding dev[0, first) preserved
 * untimed (fills_setup), then dev[first, last) preserved into each of
 * them between marks 0 and 1, through the front end.
 */
struct fills {
	dev_update_fn preserve;
	const struct pci_ser_ops *ops;
	const struct pci_ser_dev *dev;
	u32 first, last;
	u32 capacity;
	int err;
};

static inline int fills_setup(struct fills *f, struct pci_ser *sers, u32 k)
{
	u32 t, i;
	int err = 0;

	for (t = 0; t < k && !err; t++) {
		sers[t] = (struct pci_ser){ .ops = f->ops,
					    .capacity = f->capacity };
		err = f->ops->init(&sers[t]);
		for (i = 0; !err && i < f->first; i++)
			err = pci_ser_preserve_dev(&sers[t], &f->dev[i],
						   f->capacity);
	}
	return err;
}

static noipa u64 time_fills(struct fills *f, struct pci_ser *sers, u32 k)
{
	const struct pci_ser_dev *dev = f->dev;
	dev_update_fn pre = f->preserve;
	u32 first = f->first, last = f->last, cap = f->capacity, t, i;
	u64 t0, t1;
	int err = 0;

	t0 = LOOP_MARK(0);
	for (t = 0; t < k; t++)
		for (i = first; i < last; i++)
			err |= pre(&sers[t], &dev[i], cap);
	t1 = LOOP_MARK(1);
	f->err |= err;
	return t1 - t0;
}

/* The preserves grow looks for a block among, at most. */
#define GROW_SCAN	2048
/* Where grow measures a layout that adds no block within GROW_SCAN. */
#define GROW_PLAIN	512

/*
 * Which preserve grow measures (1-based, in fill order): the first after
 * the first (which makes the table), among the first GROW_SCAN, after
 * which the payload grew by more than the entries it added (a layout of
 * blocks took a new one: *@grew), else min(N, GROW_PLAIN).  0 if a
 * preserve or init failed.
 */
static inline u32 grow_at(const struct pci_ser_ops *ops,
			  const struct population *pop, bool *grew)
{
	struct pci_ser s = { .ops = ops, .capacity = pop->nr };
	u32 n = pop->nr_preserved, g = 0, i, had;
	size_t before, after;

	*grew = false;
	if (ops->init(&s))
		return 0;
	for (i = 0; i < min(n, (u32)GROW_SCAN) && !g; i++) {
		before = ops->payload_size(&s);
		had = s.nr_devices;
		if (pci_ser_preserve_dev(&s, &pop->preserved_dev[i], pop->nr)) {
			pci_ser_destroy(&s);
			return 0;
		}
		after = ops->payload_size(&s);
		/* The first preserve makes the table: not a growth. */
		if (i && after > before + (size_t)(s.nr_devices - had) *
		    sizeof(struct pci_ser_entry))
			g = i + 1;
	}
	pci_ser_destroy(&s);
	*grew = g;
	return g ? g : min(n, (u32)GROW_PLAIN);
}

#endif /* LUBENCH_TIMED_LOOPS_H */
