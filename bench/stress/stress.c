// SPDX-License-Identifier: GPL-2.0
/*
 * The stress engine.  T threads share one table and one exact model of
 * it.  Every op takes the table's lock (a mutex under v2's rules, a
 * rw-semaphore's write side under the later ones, its read side for an
 * outgoing-side find), runs through the front end, and is checked
 * against the model inside the same critical section, so the model is
 * exact however the threads interleave.  Each thread has devices of its
 * own and shares others.  Invariants (count, no duplicate, refcounts,
 * the blob's round trip) are checked every --check-every write ops, and
 * at the end.  Every op goes to a log, written as a trace `lubench
 * replay` reproduces.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pci_ser_blob.h"
#include "stress.h"
#include "bench.h"
#include "topology.h"
#include "trace.h"

const char *stress_op_name(enum stress_op op);

#define NO_DEV		UINT32_MAX

enum { K_ENDPOINT, K_BRIDGE, K_VF };

/*
 * A function or bridge, by physical place: its BDF changes only when a
 * renumbering moves it (@orig_bdf is the first numbering's).
 */
struct sdev {
	u32 domain;
	u16 bdf;
	u16 orig_bdf;
	u8 kind;
	u8 present;
	u32 parent;		/* upstream bridge, NO_DEV on a root bus */
	u16 ref;		/* the model: what the table holds at its BDF */
	u8 named;		/* trace writing: its BDF's path was given */
};

/* One logged op: what replay needs to run it again, and what it gave. */
enum { L_PRESERVE, L_UNPRESERVE, L_FIND, L_FINISH, L_FREEZE, L_JUMP,
       L_CAPACITY, L_FAULT, L_MISSING, L_RENUMBER };

struct logrec {
	u32 dev;		/* or the capacity, or the fault's N */
	u32 dev2;		/* renumber: the other root port */
	int res;
	u8 op;
	u8 how;			/* jump: TRACE_JUMP_*; finish: 1 again */
};

struct world {
	const struct stress_cfg *cfg;
	const struct pci_ser_ops *ops;
	bool counted;
	struct pci_ser ser;
	pthread_mutex_t mu;
	pthread_rwlock_t rw;

	struct sdev *dev;
	u32 nr_dev;
	u64 *by_key;		/* key << 20 | index, sorted: find by key */
	u32 *shared;		/* endpoint function indexes */
	u32 *own;		/* cfg->own per thread, thread-major */
	u32 present;		/* devices present (what the kernel counts) */
	u64 entries;		/* the model's table entries */
	u32 last_capacity;	/* the last one the log recorded */
	u32 frozen_left;	/* write ops until the jump; 0: not frozen */
	u32 block;		/* devices of a root port, itself included */

	struct logrec *log;
	u64 nr_log, max_log;
	u64 writes;		/* write ops done, for --check-every */
	u64 done;		/* ops done, all threads */

	/* Tallies. */
	u64 refused, faults, hotplug, unplug_preserved, jumps;
	u64 kind[SF_NR];	/* faults injected, by kind */
	u64 aliased;		/* entries renumbering gave to another device */
	int stop;		/* a violation was found */
	bool broken;		/* --break-model-at did it */
	char why[512];
	u64 why_log;		/* log records up to it, itself included */
	u32 why_line;		/* its line in the trace written */
};

struct thread {
	struct world *w;
	unsigned int id;
	u64 rng;
	u64 ops;
};

static u64 rnd(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static u32 below(u64 *s, u32 n)
{
	return (u32)((rnd(s) >> 32) * n >> 32);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- the population ---- */

static u32 add_dev(struct world *w, u32 domain, u32 bus, u32 dev, u32 fn,
		   u8 kind, u32 parent)
{
	struct sdev *d = &w->dev[w->nr_dev];

	d->domain = domain;
	d->bdf = (u16)(bus << 8 | dev << 3 | fn);
	d->orig_bdf = d->bdf;
	d->kind = kind;
	d->present = 1;
	d->parent = parent;
	return w->nr_dev++;
}

/*
 * Per domain: root ports on bus 0, a switch below each (upstream port,
 * downstream ports), an endpoint of cfg->functions functions below each
 * downstream port; bus numbers handed out depth-first.
 */
static int cmp_u64(const void *a, const void *b);

/* Sort the devices by key (their BDFs now), for by_key(). */
static void index_keys(struct world *w)
{
	u32 i;

	for (i = 0; i < w->nr_dev; i++)
		w->by_key[i] = pci_ser_key(w->dev[i].domain, w->dev[i].bdf) << 20 | i;
	qsort(w->by_key, w->nr_dev, sizeof(*w->by_key), cmp_u64);
}

static int make_population(struct world *w, u64 *rng)
{
	const struct stress_cfg *c = w->cfg;
	u32 max = c->domains * (c->root_ports * (2 + c->switch_ports +
			       c->switch_ports * c->functions));
	u32 nr_ep = 0, d, r, p, f, i, *ep;
	unsigned int t, maxt = c->threads[c->nr_threads - 1];

	w->block = 2 + c->switch_ports * (1 + c->functions);
	w->dev = calloc(max, sizeof(*w->dev));
	ep = calloc(max, sizeof(*ep));
	if (!w->dev || !ep) {
		free(ep);
		return -1;
	}
	for (d = 0; d < c->domains; d++) {
		u32 bus = 1;

		for (r = 0; r < c->root_ports; r++) {
			u32 rp = add_dev(w, d, 0, 1 + r, 0, K_BRIDGE, NO_DEV);
			u32 up = add_dev(w, d, bus, 0, 0, K_BRIDGE, rp);
			u32 inner = bus + 1;

			bus += 2;
			for (p = 0; p < c->switch_ports; p++) {
				u32 dp = add_dev(w, d, inner, p, 0, K_BRIDGE,
						 up);

				for (f = 0; f < c->functions; f++) {
					u8 kind = below(rng, 100) < c->vf_pct ?
						  K_VF : K_ENDPOINT;

					ep[nr_ep++] = add_dev(w, d, bus, 0, f,
							      kind, dp);
				}
				bus++;
			}
		}
	}
	/* Shuffle the functions, then deal them: shared first. */
	for (i = nr_ep; i > 1; i--) {
		u32 j = below(rng, i), tmp = ep[i - 1];

		ep[i - 1] = ep[j];
		ep[j] = tmp;
	}
	w->shared = ep;
	w->own = ep + c->shared;
	(void)t;
	(void)maxt;
	for (i = 0; i < nr_ep; i++)
		if (below(rng, 100) < c->spare_pct)
			w->dev[ep[i]].present = 0;
	w->by_key = malloc(w->nr_dev * sizeof(*w->by_key));
	if (!w->by_key)
		return -1;
	index_keys(w);
	for (i = 0; i < w->nr_dev; i++)
		w->present += w->dev[i].present;
	return 0;
}

static void dev_path(const struct world *w, u32 i, struct pci_ser_id *path,
		     u32 *nr)
{
	u32 n = 0, p;

	for (p = w->dev[i].parent; p != NO_DEV; p = w->dev[p].parent) {
		path[n].domain = w->dev[p].domain;
		path[n].bdf = w->dev[p].bdf;
		n++;
	}
	*nr = n;
}

static struct pci_ser_dev front_dev(const struct world *w, u32 i,
				    struct pci_ser_id *path)
{
	struct pci_ser_dev d = {
		.domain = w->dev[i].domain, .bdf = w->dev[i].bdf,
		.is_vf = w->dev[i].kind == K_VF,
		.is_bridge = w->dev[i].kind == K_BRIDGE,
		.path = path,
	};

	dev_path(w, i, path, &d.nr_path);
	return d;
}

/* ---- the model ---- */

static void violation(struct world *w, const char *fmt, ...)
{
	va_list ap;

	if (w->stop)
		return;
	va_start(ap, fmt);
	vsnprintf(w->why, sizeof(w->why), fmt, ap);
	va_end(ap);
	w->why_log = w->nr_log;
	__atomic_store_n(&w->stop, 1, __ATOMIC_RELAXED);
}

static void log_rec(struct world *w, struct logrec r)
{
	u64 k = __atomic_fetch_add(&w->nr_log, 1, __ATOMIC_RELAXED);

	if (k < w->max_log)
		w->log[k] = r;
}

static void log_op(struct world *w, u8 op, u32 dev, int res)
{
	log_rec(w, (struct logrec){ .dev = dev, .op = op, .res = res });
}

static const char *dev_str(const struct world *w, u32 i, char *buf)
{
	pci_dev_format(buf, w->dev[i].domain, w->dev[i].bdf);
	return buf;
}

/* What the rules say preserve of @i returns, from the model. */
static int model_preserve(const struct world *w, u32 i)
{
	const struct sdev *d = &w->dev[i];
	u32 need = 0, p, cap;

	if (d->kind == K_VF)
		return -EINVAL;
	if (!w->counted)
		need = d->ref ? 0 : 1;
	else if (w->frozen_left)
		return -EINVAL;
	if (d->ref)
		return -EBUSY;
	if (w->counted) {
		need = 1;
		for (p = d->parent; p != NO_DEV; p = w->dev[p].parent)
			need += !w->dev[p].ref;
	}
	if (w->ops->rules == PCI_SER_RULES_KHO)
		return 0;
	cap = w->ser.priv ? w->ser.capacity : w->present;
	return w->entries + need > cap ? -ENOSPC : 0;
}

/* The model after a successful preserve (+1) or drop (-1) of @i. */
static void model_apply(struct world *w, u32 i, int delta)
{
	struct sdev *d = &w->dev[i];
	u32 p;

	d->ref += delta;
	w->entries += delta;
	if (!w->counted)
		return;
	for (p = d->parent; p != NO_DEV; p = w->dev[p].parent) {
		struct sdev *b = &w->dev[p];

		if (delta > 0) {
			w->entries += !b->ref;
			b->ref++;
		} else if (b->ref) {
			/*
			 * The front end lowers no refcount below 0: after a
			 * renumbering a path may hold fewer than below it.
			 */
			w->entries -= !--b->ref;
		}
	}
}

static int model_drop(const struct world *w, u32 i, bool finish)
{
	if (w->counted && w->frozen_left && !finish)
		return -EINVAL;
	return w->dev[i].ref ? 0 : -ENOENT;
}

struct walk {
	const struct world *w;
	struct pci_ser *ser;
	u64 seen;
	u64 bad;
	u32 domain;
	u16 bdf;
};

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* The model's device of a key, NULL if none. */
static const struct sdev *by_key(const struct world *w, u32 domain, u16 bdf)
{
	u64 k = pci_ser_key(domain, bdf);
	u32 lo = 0, hi = w->nr_dev;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if ((w->by_key[mid] >> 20) < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < w->nr_dev && (w->by_key[lo] >> 20) == k)
		return &w->dev[w->by_key[lo] & 0xfffff];
	return NULL;
}

static void walk_one(void *arg, u32 domain, u16 bdf)
{
	struct walk *k = arg;
	const struct sdev *d = by_key(k->w, domain, bdf);
	u16 want = d ? d->ref : 0;

	k->seen++;
	if ((!d || pci_ser_refcount(k->ser, domain, bdf) !=
		   (k->w->counted ? want : !!want)) && !k->bad++) {
		k->domain = domain;
		k->bdf = bdf;
	}
}

/*
 * The table @ser against the model: as many entries, each one a device
 * the model holds with its refcount (so no extra and no duplicate), and
 * every device the model holds in it.
 */
static void check_table(struct world *w, struct pci_ser *ser, const char *what)
{
	struct walk k = { .w = w, .ser = ser };
	char buf[PCI_DEV_STR_LEN];
	u32 i;

	for (i = 0; i < w->nr_dev; i++) {
		const struct sdev *d = &w->dev[i];

		if (d->ref && pci_ser_refcount(ser, d->domain, d->bdf) !=
			      (w->counted ? d->ref : 1)) {
			violation(w, "%s: %s has refcount %u in the table, %u in "
				  "the model", what, dev_str(w, i, buf),
				  pci_ser_refcount(ser, d->domain, d->bdf),
				  d->ref);
			return;
		}
	}
	pci_ser_for_each(ser, walk_one, &k);
	if (k.seen != w->entries || ser->nr_devices != w->entries)
		violation(w, "%s: the table holds %llu entries (nr_devices %u), "
			  "the model %llu", what, (unsigned long long)k.seen,
			  ser->nr_devices, (unsigned long long)w->entries);
	else if (k.bad) {
		pci_dev_format(buf, k.domain, k.bdf);
		violation(w, "%s: %s has refcount %u, the model says otherwise",
			  what, buf, pci_ser_refcount(ser, k.domain, k.bdf));
	}
}

/* The blob of the table, retrieved by a fresh one; NULL if refused. */
static int round_trip(struct world *w, struct pci_ser *out)
{
	size_t len = pci_ser_blob_size(&w->ser);
	enum pci_ser_defect d;
	void *buf = malloc(len);

	if (!buf)
		return -ENOMEM;
	pci_ser_blob_write(&w->ser, buf, 0, 0);
	*out = (struct pci_ser){ .ops = w->ops };
	d = pci_ser_blob_retrieve(out, buf, len, w->ops);
	free(buf);
	return d ? TRACE_RESULT_DEFECT_BASE - (int)d : 0;
}

static void full_check(struct world *w, bool blob)
{
	struct pci_ser back;
	int ret;

	check_table(w, &w->ser, "check");
	if (!blob || w->stop)
		return;
	ret = round_trip(w, &back);
	if (ret) {
		violation(w, "check: the table's own blob is refused: %s",
			  trace_result_str(ret));
		return;
	}
	check_table(w, &back, "blob round trip");
	pci_ser_destroy(&back);
}

/* ---- the ops, each under the lock ---- */

static void lock_write(struct world *w)
{
	if (w->counted)
		pthread_rwlock_wrlock(&w->rw);
	else
		pthread_mutex_lock(&w->mu);
}

static void lock_read(struct world *w)
{
	if (w->counted)
		pthread_rwlock_rdlock(&w->rw);
	else
		pthread_mutex_lock(&w->mu);
}

static void unlock(struct world *w)
{
	if (w->counted)
		pthread_rwlock_unlock(&w->rw);
	else
		pthread_mutex_unlock(&w->mu);
}

/* ---- faults ---- */

/* The kinds each op draws from. */
#define SITE_PRESERVE	(SF_BIT(SF_ALLOC_PRESERVE) | SF_BIT(SF_ALLOC_GROW))
#define SITE_FREEZE	SF_BIT(SF_ALLOC_FREEZE)
#define SITE_FINISH	SF_BIT(SF_DOUBLE_FINISH)
#define SITE_JUMP	(SF_BIT(SF_ALLOC_RETRIEVE) | SF_BIT(SF_HALFWAY) | \
			 SF_BIT(SF_DOUBLE_JUMP) | SF_BIT(SF_MISSING) | \
			 SF_BIT(SF_RENUMBER))

/*
 * The fault of an op at @site, or -1: `faults` percent of them get one,
 * of a kind drawn among those enabled that can apply now (@can).  An op
 * whose site has no kind enabled draws nothing, so the ops that follow
 * are those of a run without the option.
 */
static int draw_fault(struct world *w, struct thread *t, unsigned int site,
		      unsigned int can)
{
	unsigned int m = site & can & w->cfg->fault_kinds, n, k, pick;

	if (!(site & w->cfg->fault_kinds) ||
	    below(&t->rng, 100) >= w->cfg->fault_pct || !m)
		return -1;
	n = __builtin_popcount(m);
	pick = n == 1 ? 0 : below(&t->rng, n);
	for (k = 0; k < SF_NR; k++)
		if ((m & SF_BIT(k)) && !pick--)
			return k;
	return -1;
}

/* Make the next allocations fail: the Nth, or all (TRACE_FAULT_ALL). */
static void arm(u32 fault)
{
	pci_ser_fail_alloc_in = fault == TRACE_FAULT_ALL ? 1 : fault;
	pci_ser_fail_alloc_times = fault == TRACE_FAULT_ALL ? ULONG_MAX : 0;
}

/* Whether the fault armed with @fault failed an allocation. */
static bool hit(u32 fault)
{
	if (fault == TRACE_FAULT_ALL)
		return pci_ser_fail_alloc_times != ULONG_MAX;
	return fault && !pci_ser_fail_alloc_in;
}

/* An allocation fault N (1..3) for @kind: logged, armed, counted. */
static u32 alloc_fault(struct world *w, struct thread *t, int kind)
{
	u32 n = kind == SF_ALLOC_GROW ? TRACE_FAULT_ALL : 1 + below(&t->rng, 3);

	log_op(w, L_FAULT, n, 0);
	w->kind[kind]++;
	return n;
}

/* Present endpoints (VFs too) whose BDF is in the table; the @k-th in @i. */
static u32 preserved_endpoints(const struct world *w, u32 k, u32 *i)
{
	u32 j, n = 0;

	for (j = 0; j < w->nr_dev; j++) {
		const struct sdev *d = &w->dev[j];

		if (d->kind == K_BRIDGE || !d->present || !d->ref)
			continue;
		if (n++ == k && i)
			*i = j;
	}
	return n;
}

/* Root port @r of domain @d; the devices below it follow it. */
static u32 root_port(const struct world *w, u32 d, u32 r)
{
	return (d * w->cfg->root_ports + r) * w->block;
}

/* Root port @r's partner (as lubench.ko's renumber=1), or NO_DEV. */
static u32 partner(const struct world *w, u32 r)
{
	u32 p = r % 4 < 2 ? r + 2 : r - 2;

	return p < w->cfg->root_ports ? p : NO_DEV;
}

/*
 * Root ports @a and @b swap the buses below them: each device below one
 * takes the BDF of the device at its place below the other (the blocks
 * have one shape), and the model follows the BDFs, as the table does.
 * @ref: the model too (trace writing moves the BDFs only).
 */
static void swap_blocks(struct world *w, u32 a, u32 b, bool ref)
{
	u32 k;

	for (k = 1; k < w->block; k++) {
		struct sdev *x = &w->dev[a + k], *y = &w->dev[b + k];
		u16 t = x->bdf;

		x->bdf = y->bdf;
		y->bdf = t;
		if (ref) {
			t = x->ref;
			x->ref = y->ref;
			y->ref = t;
		}
	}
}

/*
 * The next kernel numbers the buses otherwise: in every domain, root
 * ports 0 and 2, 1 and 3, 4 and 6, ... swap their buses.  Under rules
 * that keep bus numbers a pair with a device at or below either port in
 * the table keeps them; otherwise every entry below either now names
 * the device at its BDF, another one (counted as aliased).
 */
static void renumber(struct world *w)
{
	bool keep = pci_ser_rules_keep_busnr(w->ops->rules);
	u32 d, r, a, b, k, below;
	bool at;

	for (d = 0; d < w->cfg->domains; d++)
		for (r = 0; r < w->cfg->root_ports; r++) {
			if (partner(w, r) == NO_DEV || partner(w, r) < r)
				continue;
			a = root_port(w, d, r);
			b = root_port(w, d, partner(w, r));
			below = 0;
			for (k = 1; k < w->block; k++)
				below += !!w->dev[a + k].ref +
					 !!w->dev[b + k].ref;
			at = below || w->dev[a].ref || w->dev[b].ref;
			if (keep && at) {
				log_rec(w, (struct logrec){ .op = L_RENUMBER,
					.dev = a, .dev2 = b,
					.res = TRACE_RESULT_KEPT });
				continue;
			}
			swap_blocks(w, a, b, true);
			w->aliased += below;
			log_rec(w, (struct logrec){ .op = L_RENUMBER, .dev = a,
				.dev2 = b, .res = TRACE_RESULT_ALIASED + below });
		}
	index_keys(w);
	check_table(w, &w->ser, "after the renumbering");
}

static void jump(struct world *w, struct thread *t)
{
	const u32 hdr = sizeof(struct pci_ser_blob_hdr);
	struct pci_ser next, again;
	size_t len = pci_ser_blob_size(&w->ser), j;
	unsigned int can = SF_BIT(SF_ALLOC_RETRIEVE) | SF_BIT(SF_DOUBLE_JUMP);
	int kind, ret, want = 0;
	u32 fault = 0, nr_missing = 0, x = 0;
	u8 *buf = malloc(len);
	enum pci_ser_defect d;

	if (!buf) {
		violation(w, "jump: out of memory for a blob of %zu bytes", len);
		return;
	}
	pci_ser_blob_write(&w->ser, buf, 0, 0);
	if (len / 2 >= hdr)
		can |= SF_BIT(SF_HALFWAY);	/* the payload only is cut */
	if (w->cfg->fault_kinds & SF_BIT(SF_MISSING))
		nr_missing = preserved_endpoints(w, 0, NULL);
	if (nr_missing)
		can |= SF_BIT(SF_MISSING);
	if (partner(w, 0) != NO_DEV)
		can |= SF_BIT(SF_RENUMBER);
	kind = draw_fault(w, t, SITE_JUMP, can);
	if (kind == SF_ALLOC_RETRIEVE)
		fault = alloc_fault(w, t, kind);
	else if (kind >= 0)
		w->kind[kind]++;
	if (kind == SF_HALFWAY) {
		/* Refused unless the older bytes are the ones written. */
		for (j = len / 2; j < len && buf[j] == 0xa5; j++)
			;
		if (j < len)
			want = TRACE_RESULT_DEFECT_BASE - PCI_SER_CHECKSUM;
		memset(buf + len / 2, 0xa5, len - len / 2);
	}
	next = (struct pci_ser){ .ops = w->ops };
	arm(fault);
	d = pci_ser_blob_retrieve(&next, buf, len, w->ops);
	if (fault && hit(fault))
		w->faults++;
	else
		fault = 0;
	arm(0);
	ret = d ? TRACE_RESULT_DEFECT_BASE - (int)d : 0;
	log_rec(w, (struct logrec){ .op = L_JUMP, .res = ret,
		.how = kind == SF_HALFWAY ? TRACE_JUMP_HALFWAY : 0 });
	w->frozen_left = 0;
	if (ret != want && !(fault && ret == TRACE_RESULT_DEFECT_BASE -
					      PCI_SER_NO_MEMORY)) {
		violation(w, "jump%s: the retrieve says %s, the model %s",
			  kind == SF_HALFWAY ? " halfway" : "",
			  trace_result_str(ret), want ?
			  "refused: checksum mismatch" : "ok");
		free(buf);
		return;
	}
	if (ret) {
		/* Retrieve refused: the old table stays, nothing is lost. */
		w->refused++;
		w->ser.frozen = false;
		free(buf);
		return;
	}
	check_table(w, &next, "after the jump");
	pci_ser_destroy(&w->ser);
	w->ser = next;
	w->jumps++;
	if (kind == SF_DOUBLE_JUMP && !w->stop) {
		/* No finish: the next kernel finds the same handover. */
		again = (struct pci_ser){ .ops = w->ops };
		d = pci_ser_blob_retrieve(&again, buf, len, w->ops);
		ret = d ? TRACE_RESULT_DEFECT_BASE - (int)d : 0;
		log_rec(w, (struct logrec){ .op = L_JUMP, .res = ret,
			.how = TRACE_JUMP_AGAIN });
		if (ret) {
			violation(w, "jump again: the same handover is refused "
				  "the second time: %s", trace_result_str(ret));
		} else {
			check_table(w, &again, "after the jump again");
			pci_ser_destroy(&w->ser);
			w->ser = again;
		}
	}
	free(buf);
	if (kind == SF_MISSING && !w->stop) {
		char name[PCI_DEV_STR_LEN];
		bool found;

		preserved_endpoints(w, below(&t->rng, nr_missing), &x);
		/* Never enumerated: its entry stays, nobody looks it up. */
		found = pci_ser_find(&w->ser, w->dev[x].domain, w->dev[x].bdf);
		log_op(w, L_MISSING, x, found ? TRACE_RESULT_FOUND :
					      TRACE_RESULT_ABSENT);
		if (!found)
			violation(w, "missing %s: its entry did not come across",
				  dev_str(w, x, name));
		w->dev[x].present = 0;
		w->present--;
	}
	if (kind == SF_RENUMBER && !w->stop)
		renumber(w);
}

/* Before a write op: the jump a freeze window ends with, the check. */
static void write_begin(struct world *w, struct thread *t)
{
	w->writes++;
	if (w->frozen_left && !--w->frozen_left) {
		w->frozen_left = 1;	/* the jump sees it frozen */
		jump(w, t);
	}
	if (!(w->writes % w->cfg->check_every))
		full_check(w, !(w->writes % (4 * w->cfg->check_every)));
}

static void expect(struct world *w, const char *op, u32 i, int want, int got)
{
	char buf[PCI_DEV_STR_LEN];

	if (want != got)
		violation(w, "%s %s: the rules say %s, the table gave %s", op,
			  dev_str(w, i, buf), trace_result_str(want),
			  trace_result_str(got));
}

static void do_preserve(struct world *w, struct thread *t, u32 i)
{
	struct pci_ser_id path[PCI_SER_MAX_PATH];
	struct pci_ser_dev d = front_dev(w, i, path);
	int want = model_preserve(w, i), got;
	int kind = draw_fault(w, t, SITE_PRESERVE, w->ser.priv ?
			      SITE_PRESERVE : SF_BIT(SF_ALLOC_PRESERVE));
	u32 fault = 0;
	bool failed;

	if (!w->ser.priv && w->present != w->last_capacity) {
		/* The table is made anew: the trace says with what. */
		log_op(w, L_CAPACITY, w->present, 0);
		w->last_capacity = w->present;
	}
	if (kind >= 0)
		fault = alloc_fault(w, t, kind);
	arm(fault);
	got = pci_ser_preserve_dev(&w->ser, &d, w->present);
	failed = hit(fault);
	arm(0);
	w->faults += failed;
	log_op(w, L_PRESERVE, i, got);
	if (failed && got == -ENOMEM && want == 0) {
		/* ENOMEM, and the table exactly as before. */
		w->refused++;
		check_table(w, &w->ser, "after an injected ENOMEM");
		return;
	}
	expect(w, "preserve", i, want, got);
	if (!got)
		model_apply(w, i, 1);
	else
		w->refused++;
}

static void do_drop(struct world *w, struct thread *t, u32 i, bool finish)
{
	struct pci_ser_id path[PCI_SER_MAX_PATH];
	struct pci_ser_dev d = front_dev(w, i, path);
	int want = model_drop(w, i, finish), got;
	int kind = finish ? draw_fault(w, t, SITE_FINISH, SITE_FINISH) : -1;

	got = finish ? pci_ser_finish_dev(&w->ser, &d) :
		       pci_ser_unpreserve_dev(&w->ser, &d);
	log_op(w, finish ? L_FINISH : L_UNPRESERVE, i, got);
	expect(w, finish ? "finish" : "unpreserve", i, want, got);
	if (!got)
		model_apply(w, i, -1);
	else
		w->refused++;
	if (kind != SF_DOUBLE_FINISH || got || w->stop)
		return;
	/* Finish called twice: ENOENT, and nothing changes. */
	w->kind[kind]++;
	want = model_drop(w, i, true);
	got = pci_ser_finish_dev(&w->ser, &d);
	log_rec(w, (struct logrec){ .op = L_FINISH, .dev = i, .res = got,
				    .how = 1 });
	expect(w, "finish again", i, want, got);
	if (!got)
		model_apply(w, i, -1);
	else
		w->refused++;
	check_table(w, &w->ser, "after finish again");
}

static void do_hotplug(struct world *w, u32 i)
{
	struct sdev *d = &w->dev[i];

	if (!d->present) {
		/* Hot-added: the next table counts it; this one does not. */
		d->present = 1;
		w->present++;
		w->hotplug++;
		return;
	}
	if (w->counted && w->frozen_left)
		return;		/* no removal while frozen: later */
	if (d->ref) {
		/* A preserved device goes away: it leaves the table. */
		do_drop(w, NULL, i, false);
		w->unplug_preserved++;
		if (d->ref)
			return;
	}
	d->present = 0;
	w->present--;
	w->hotplug++;
}

static void do_freeze(struct world *w, struct thread *t)
{
	int kind = draw_fault(w, t, SITE_FREEZE, SITE_FREEZE);
	u32 fault = kind >= 0 ? alloc_fault(w, t, kind) : 0;

	arm(fault);
	pci_ser_freeze(&w->ser);
	/* It cannot report a failure: it must allocate nothing. */
	if (fault && pci_ser_fail_alloc_in != fault)
		violation(w, "freeze: made an allocation (fault alloc %u "
			  "armed, %lu left), but cannot fail", fault,
			  pci_ser_fail_alloc_in);
	arm(0);
	log_op(w, L_FREEZE, 0, 0);
	w->frozen_left = w->cfg->freeze_window;
}

/* An endpoint function this thread may touch: its own or a shared one. */
static u32 pick(struct world *w, struct thread *t)
{
	const struct stress_cfg *c = w->cfg;

	if (c->own && (!c->shared || below(&t->rng, 2)))
		return w->own[t->id * c->own + below(&t->rng, c->own)];
	return w->shared[below(&t->rng, c->shared)];
}

static enum stress_op draw(struct world *w, struct thread *t)
{
	unsigned int sum = 0, i, x;

	for (i = 0; i < SOP_NR; i++)
		sum += w->cfg->mix[i];
	x = below(&t->rng, sum);
	for (i = 0; i < SOP_NR; i++) {
		if (x < w->cfg->mix[i])
			return i;
		x -= w->cfg->mix[i];
	}
	return SOP_FIND;
}

static void one_op(struct world *w, struct thread *t)
{
	enum stress_op op = draw(w, t);
	u32 i = pick(w, t);
	u64 n;

	if (op == SOP_FIND) {
		lock_read(w);
		if (w->dev[i].present && !w->stop) {
			bool got = pci_ser_find(&w->ser, w->dev[i].domain,
						w->dev[i].bdf);

			log_op(w, L_FIND, i, got ? TRACE_RESULT_FOUND :
					       TRACE_RESULT_ABSENT);
			expect(w, "find", i, w->dev[i].ref ?
			       TRACE_RESULT_FOUND : TRACE_RESULT_ABSENT,
			       got ? TRACE_RESULT_FOUND : TRACE_RESULT_ABSENT);
		}
		unlock(w);
		__atomic_fetch_add(&w->done, 1, __ATOMIC_RELAXED);
		return;
	}
	lock_write(w);
	if (w->stop)
		goto out;
	write_begin(w, t);
	n = __atomic_add_fetch(&w->done, 1, __ATOMIC_RELAXED);
	if (w->stop)
		goto out;	/* the jump or the check found it: no more ops */
	if (w->cfg->break_model_at && n >= w->cfg->break_model_at &&
	    !w->broken) {
		/* The first write op from op N on: the model is wrong. */
		w->broken = true;
		w->dev[i].ref ^= 1;
	}
	switch (op) {
	case SOP_PRESERVE:
		if (w->dev[i].present)
			do_preserve(w, t, i);
		else
			do_hotplug(w, i);
		break;
	case SOP_UNPRESERVE:
	case SOP_FINISH:
		if (w->dev[i].present)
			do_drop(w, t, i, op == SOP_FINISH);
		break;
	case SOP_FREEZE:
		if (!w->frozen_left)
			do_freeze(w, t);
		break;
	case SOP_HOTPLUG:
		do_hotplug(w, i);
		break;
	default:
		break;
	}
out:
	unlock(w);
}

struct run_ctl {
	struct world *w;
	u64 ops;
	double deadline;
};

static void *thread_main(void *arg)
{
	struct thread *t = arg;
	struct world *w = t->w;
	const struct stress_cfg *c = w->cfg;
	double end = c->duration_ms ? now_s() + c->duration_ms / 1000.0 : 0;

	while (!__atomic_load_n(&w->stop, __ATOMIC_RELAXED)) {
		if (end ? (t->ops & 255) == 0 && now_s() >= end :
			  t->ops >= c->ops)
			break;
		one_op(w, t);
		t->ops++;
	}
	return NULL;
}

/* ---- the trace ---- */

/*
 * The trace line of an op on device @i into @buf, `via` at the first
 * line naming its BDF.  A trace's paths are those of its first
 * numbering (replay moves them at each `renumber`), so the path given is
 * that of the device that held this BDF then.
 */
static void trace_dev_line(char *buf, size_t len, struct world *w,
			   const char *op, u32 i)
{
	struct sdev *d = &w->dev[i];
	struct sdev *z = (struct sdev *)by_key(w, d->domain, d->bdf);
	u32 chain[PCI_SER_MAX_PATH], n = 0, p;
	char name[PCI_DEV_STR_LEN];
	size_t o;

	o = snprintf(buf, len, "%s %s%s", op, dev_str(w, i, name),
		     d->kind == K_VF && !strcmp(op, "preserve") ? " vf" : "");
	if (!z->named && z->parent != NO_DEV) {
		for (p = z->parent; p != NO_DEV; p = w->dev[p].parent)
			chain[n++] = p;
		o += snprintf(buf + o, len - o, " via");
		for (p = n; p-- && o < len;) {
			pci_dev_format(name, w->dev[chain[p]].domain,
				       w->dev[chain[p]].orig_bdf);
			o += snprintf(buf + o, len - o, "%c%s",
				      p == n - 1 ? ' ' : ',', name);
		}
	}
	z->named = 1;
}

/*
 * The log as a trace: the rules, the first capacity, every bridge, then
 * the ops in the order they took the lock.  @outp gets what each op
 * gave, as replay prints it (bridge lines aside).  The devices are put
 * back at their first BDFs and moved again at each renumbering, so each
 * op names the BDF it had.
 */
static int write_trace(struct world *w, const char *path, const char *outp,
		       u32 first_capacity)
{
	static const char *const names[] = {
		[L_PRESERVE] = "preserve", [L_UNPRESERVE] = "unpreserve",
		[L_FIND] = "find", [L_FINISH] = "finish",
		[L_MISSING] = "missing",
	};
	FILE *f = fopen(path, "w"), *o = fopen(outp, "w");
	u64 k, n = w->nr_log < w->max_log ? w->nr_log : w->max_log;
	char line[64 + (PCI_SER_MAX_PATH + 1) * PCI_DEV_STR_LEN];
	char a[PCI_DEV_STR_LEN], b[PCI_DEV_STR_LEN];
	u32 i, lineno = 4;
	int bad;

	if (!f || !o) {
		fprintf(stderr, "lubench stress: cannot write %s: %m\n",
			!f ? path : outp);
		if (f)
			fclose(f);
		if (o)
			fclose(o);
		return -1;
	}
	fprintf(f, "# lubench stress: %s, seed %llu\nrules %s\ncapacity %u\n",
		w->ops->name, (unsigned long long)w->cfg->seed,
		pci_ser_rules_name(w->ops->rules), first_capacity);
	for (i = 0; i < w->nr_dev; i++) {
		w->dev[i].bdf = w->dev[i].orig_bdf;
		w->dev[i].named = 0;
	}
	index_keys(w);		/* by first BDF, for the whole writing */
	for (i = 0; i < w->nr_dev; i++) {
		if (w->dev[i].kind != K_BRIDGE)
			continue;
		trace_dev_line(line, sizeof(line), w, "bridge", i);
		fprintf(f, "%s\n", line);
		lineno++;
	}
	for (k = 0; k < n; k++) {
		const struct logrec *l = &w->log[k];

		if (k + 1 == w->why_log)
			w->why_line = lineno;
		lineno++;

		switch (l->op) {
		case L_CAPACITY:
			snprintf(line, sizeof(line), "capacity %u", l->dev);
			break;
		case L_FAULT:
			if (l->dev == TRACE_FAULT_ALL)
				snprintf(line, sizeof(line), "fault alloc all");
			else
				snprintf(line, sizeof(line), "fault alloc %u",
					 l->dev);
			break;
		case L_FREEZE:
			snprintf(line, sizeof(line), "freeze");
			break;
		case L_JUMP:
			snprintf(line, sizeof(line), "jump%s",
				 l->how == TRACE_JUMP_HALFWAY ? " halfway" :
				 l->how == TRACE_JUMP_AGAIN ? " again" : "");
			break;
		case L_RENUMBER:
			snprintf(line, sizeof(line), "renumber %s %s",
				 dev_str(w, l->dev, a), dev_str(w, l->dev2, b));
			if (l->res != TRACE_RESULT_KEPT)
				swap_blocks(w, l->dev, l->dev2, false);
			break;
		default:
			trace_dev_line(line, sizeof(line), w, names[l->op],
				       l->dev);
			if (l->how)
				strcat(line, " again");
			break;
		}
		fprintf(f, "%s\n", line);
		fprintf(o, "%s -> %s\n", line, trace_result_str(l->res));
	}
	bad = ferror(f) | ferror(o);
	bad |= fclose(f) | fclose(o);
	if (bad) {
		fprintf(stderr, "lubench stress: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

/* ---- a run: one layout at one thread count ---- */

struct result {
	const char *variant;
	unsigned int threads;
	u64 ops;
	double seconds;
	u64 refused, faults, hotplug, unplug_preserved, jumps, entries;
	u64 kind[SF_NR], aliased;
	int lost;
};

static int run_one(const struct stress_cfg *cfg, const struct pci_ser_ops *ops,
		   unsigned int nr_threads, struct result *res,
		   const char *dir, bool keep_trace)
{
	struct thread th[STRESS_MAX_THREADS];
	pthread_t tid[STRESS_MAX_THREADS];
	struct world w = { .cfg = cfg, .ops = ops };
	u64 rng = cfg->seed * 0x9e3779b97f4a7c15ULL + 0x1234567;
	u32 first;
	double t0;
	unsigned int i;
	int ret = 0;

	w.counted = pci_ser_rules_refcounted(ops->rules);
	w.ser.ops = ops;
	pthread_mutex_init(&w.mu, NULL);
	pthread_rwlock_init(&w.rw, NULL);
	if (make_population(&w, &rng))
		return 2;
	first = w.present;
	w.last_capacity = first;
	/* An op logs up to 3 records, a jump with its faults a few more. */
	w.max_log = cfg->duration_ms ? 4000000 :
		    cfg->ops * nr_threads * 3 + 64;
	w.log = malloc(w.max_log * sizeof(*w.log));
	if (!w.log) {
		free(w.dev);
		free(w.shared);
		return 2;
	}
	for (i = 0; i < nr_threads; i++)
		th[i] = (struct thread){ .w = &w, .id = i,
			.rng = rng ^ (0x51afd6ULL * (i + 1)) };
	/* walk_one finds devices by key: keep w.dev sorted by key. */
	t0 = now_s();
	for (i = 0; i < nr_threads; i++)
		pthread_create(&tid[i], NULL, thread_main, &th[i]);
	for (i = 0; i < nr_threads; i++)
		pthread_join(tid[i], NULL);
	res->seconds = now_s() - t0;
	if (!w.stop)
		full_check(&w, true);
	*res = (struct result){
		.variant = ops->name, .threads = nr_threads, .ops = w.done,
		.seconds = res->seconds, .refused = w.refused,
		.faults = w.faults, .hotplug = w.hotplug,
		.unplug_preserved = w.unplug_preserved, .jumps = w.jumps,
		.entries = w.entries, .aliased = w.aliased, .lost = w.stop,
	};
	memcpy(res->kind, w.kind, sizeof(res->kind));
	if (w.nr_log > w.max_log && w.stop) {
		fprintf(stderr, "lubench stress: the log overflowed; the trace "
			"is cut\n");
	}
	if (w.stop || keep_trace) {
		char tp[512], op[512];

		if (w.stop) {
			snprintf(tp, sizeof(tp), "%s/violation-%s-%u.trace", dir,
				 ops->name, nr_threads);
			snprintf(op, sizeof(op), "%s/violation-%s-%u.out", dir,
				 ops->name, nr_threads);
		} else {
			snprintf(tp, sizeof(tp), "%s", cfg->trace);
			snprintf(op, sizeof(op), "%s.out", cfg->trace);
		}
		if (write_trace(&w, tp, op, first))
			ret = 2;
		if (w.stop)
			printf("%s, %u threads: VIOLATION: %s\n  trace: %s:%u "
			       "(lubench replay --variant %s reproduces it)\n"
			       "  what each op gave: %s\n", ops->name, nr_threads,
			       w.why, tp, w.why_line, ops->name, op);
	}
	pci_ser_destroy(&w.ser);
	free(w.log);
	free(w.dev);
	free(w.by_key);
	free(w.shared);
	pthread_mutex_destroy(&w.mu);
	pthread_rwlock_destroy(&w.rw);
	return ret;
}

/* ---- the whole run: every layout at every thread count ---- */

#define STRESS_SCHEMA		"lubench-stress"
#define STRESS_SCHEMA_VERSION	1

static const char *const csv_columns[] = {
	"schema", "schema_version", "run_id", "clock", "variant", "rules",
	"lock", "threads", "ops", "seconds", "ops_per_s",
	"ops_per_s_per_thread", "refused", "faults", "hotplug",
	"unplug_preserved", "jumps", "entries_left", "lost", "seed",
	"alloc_preserve", "alloc_grow", "alloc_freeze", "alloc_retrieve",
	"halfway", "double_jump", "double_finish", "missing", "renumber",
	"aliased", NULL,
};

/* The row field of a fault kind: its name with '_' for '-'. */
static void kind_field(enum stress_fault k, char *buf, size_t len)
{
	char *p;

	snprintf(buf, len, "%s", stress_fault_name(k));
	for (p = buf; *p; p++)
		if (*p == '-')
			*p = '_';
}

static void emit(struct res_writer *rw, const char *run_id,
		 const struct stress_cfg *cfg, const struct pci_ser_ops *ops,
		 const struct result *r)
{
	struct res_row row;
	double rate = r->seconds > 0 ? r->ops / r->seconds : 0;
	char field[SF_NR][24];
	unsigned int k;

	res_row_reset(&row);
	res_add_str(&row, "run_id", run_id);
	res_add_str(&row, "clock", "wall");
	res_add_str(&row, "variant", ops->name);
	res_add_str(&row, "rules", pci_ser_rules_name(ops->rules));
	res_add_str(&row, "lock", pci_ser_rules_refcounted(ops->rules) ?
		    "rwsem" : "mutex");
	res_add_u64(&row, "threads", r->threads);
	res_add_u64(&row, "ops", r->ops);
	res_add_f64(&row, "seconds", r->seconds);
	res_add_f64(&row, "ops_per_s", rate);
	res_add_f64(&row, "ops_per_s_per_thread", rate / r->threads);
	res_add_u64(&row, "refused", r->refused);
	res_add_u64(&row, "faults", r->faults);
	res_add_u64(&row, "hotplug", r->hotplug);
	res_add_u64(&row, "unplug_preserved", r->unplug_preserved);
	res_add_u64(&row, "jumps", r->jumps);
	res_add_u64(&row, "entries_left", r->entries);
	res_add_u64(&row, "lost", r->lost);
	res_add_u64(&row, "seed", cfg->seed);
	for (k = 0; k < SF_NR; k++) {
		kind_field(k, field[k], sizeof(field[k]));
		res_add_u64(&row, field[k], r->kind[k]);
	}
	res_add_u64(&row, "aliased", r->aliased);
	res_write(rw, &row);
}

static void human(double v, char *buf, size_t len)
{
	if (v >= 1e6)
		snprintf(buf, len, "%.2fM", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, len, "%.1fk", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
}

static int write_meta(const char *out, const char *run_id,
		      const struct stress_cfg *cfg, const struct topology *topo)
{
	FILE *f = res_create(out, "meta.json");
	struct json j;
	unsigned int i;

	if (!f)
		return -1;
	json_init(&j, f, true);
	json_obj_begin(&j, NULL);
	json_str(&j, "schema", "lubench-stress-meta");
	json_i64(&j, "schema_version", STRESS_SCHEMA_VERSION);
	json_str(&j, "run_id", run_id);
	json_str(&j, "clock", "wall");
	json_u64(&j, "seed", cfg->seed);
	json_u64(&j, "ops_per_thread", cfg->duration_ms ? 0 : cfg->ops);
	json_u64(&j, "duration_ms", cfg->duration_ms);
	json_arr_begin(&j, "variants");
	for (i = 0; i < cfg->nr_variants; i++)
		json_str(&j, NULL, cfg->variant[i]->name);
	json_arr_end(&j);
	json_arr_begin(&j, "threads");
	for (i = 0; i < cfg->nr_threads; i++)
		json_u64(&j, NULL, cfg->threads[i]);
	json_arr_end(&j);
	json_obj_begin(&j, "population");
	json_u64(&j, "domains", cfg->domains);
	json_u64(&j, "root_ports", cfg->root_ports);
	json_u64(&j, "switch_ports", cfg->switch_ports);
	json_u64(&j, "functions", cfg->functions);
	json_u64(&j, "vf_pct", cfg->vf_pct);
	json_u64(&j, "spare_pct", cfg->spare_pct);
	json_u64(&j, "own", cfg->own);
	json_u64(&j, "shared", cfg->shared);
	json_obj_end(&j);
	json_u64(&j, "fault_pct", cfg->fault_pct);
	json_arr_begin(&j, "fault_kinds");
	for (i = 0; i < SF_NR; i++)
		if (cfg->fault_kinds & SF_BIT(i))
			json_str(&j, NULL, stress_fault_name(i));
	json_arr_end(&j);
	topology_json(topo, &j);
	json_obj_end(&j);
	fputc('\n', f);
	return fclose(f) ? -1 : 0;
}

int stress_run(const struct stress_cfg *cfg)
{
	struct result *res;
	struct topology topo;
	struct res_writer rw;
	char run_id[128], out[256], a[32], b[32];
	unsigned int v, k, lost = 0, nr = cfg->nr_variants * cfg->nr_threads;
	FILE *txt, *dat;
	int err, ret = 0;

	err = topology_probe(&topo, TOPO_CPU_NONE);
	if (err) {
		fprintf(stderr, "lubench stress: topology: %s\n",
			strerror(-err));
		return 2;
	}
	snprintf(out, sizeof(out), "%s", cfg->out);
	bench_run_dir(run_id, sizeof(run_id), out, sizeof(out), &topo,
		      "-stress");
	err = res_open(&rw, out, STRESS_SCHEMA, STRESS_SCHEMA_VERSION,
		       csv_columns);
	res = calloc(nr, sizeof(*res));
	txt = err ? NULL : res_create(out, "stress.txt");
	dat = err ? NULL : res_create(out, "stress.dat");
	if (err || !res || !txt || !dat) {
		fprintf(stderr, "lubench stress: %s: cannot write results\n",
			out);
		return 2;
	}
	if (write_meta(out, run_id, cfg, &topo)) {
		fprintf(stderr, "lubench stress: %s/meta.json: cannot write\n",
			out);
		return 2;
	}
	fprintf(stderr, "stress: run %s -> %s\n", run_id, out);
	for (v = 0; v < cfg->nr_variants; v++)
		for (k = 0; k < cfg->nr_threads; k++) {
			struct result *r = &res[v * cfg->nr_threads + k];
			bool last = v + 1 == cfg->nr_variants &&
				    k + 1 == cfg->nr_threads;

			if (run_one(cfg, cfg->variant[v], cfg->threads[k], r,
				    out, last && cfg->trace[0]))
				ret = 2;
			emit(&rw, run_id, cfg, cfg->variant[v], r);
			lost += r->lost;
		}
	fprintf(txt, "stress (wall clock: ops/s on this machine only; the "
		"model is checked inside every op)\n");
	fprintf(txt, "%-12s %-6s %7s %10s %10s %9s %7s %7s %6s %5s\n",
		"layout", "lock", "threads", "ops/s", "per thread", "refused",
		"faults", "hotplug", "jumps", "lost");
	for (k = 0; k < nr; k++) {
		const struct result *r = &res[k];
		double rate = r->seconds > 0 ? r->ops / r->seconds : 0;

		human(rate, a, sizeof(a));
		human(rate / r->threads, b, sizeof(b));
		fprintf(txt, "%-12s %-6s %7u %10s %10s %9llu %7llu %7llu %6llu %5d\n",
			r->variant, pci_ser_rules_refcounted(
				cfg->variant[k / cfg->nr_threads]->rules) ?
			"rwsem" : "mutex", r->threads, a, b,
			(unsigned long long)r->refused,
			(unsigned long long)r->faults,
			(unsigned long long)r->hotplug,
			(unsigned long long)r->jumps, r->lost);
	}
	fprintf(txt, "\nfaults injected, by kind (`faults` above: the "
		"allocation failures that hit)\n%-12s %7s", "layout", "threads");
	for (v = 0; v < SF_NR; v++)
		fprintf(txt, " %*s", (int)strlen(stress_fault_name(v)),
			stress_fault_name(v));
	fprintf(txt, " %7s\n", "aliased");
	for (k = 0; k < nr; k++) {
		const struct result *r = &res[k];

		fprintf(txt, "%-12s %7u", r->variant, r->threads);
		for (v = 0; v < SF_NR; v++)
			fprintf(txt, " %*llu", (int)strlen(stress_fault_name(v)),
				(unsigned long long)r->kind[v]);
		fprintf(txt, " %7llu\n", (unsigned long long)r->aliased);
	}
	fprintf(txt, "lost %u\n", lost);
	/* For gnuplot: a block per layout, "threads ops_per_s". */
	for (v = 0; v < cfg->nr_variants; v++) {
		fprintf(dat, "# %s\n", cfg->variant[v]->name);
		for (k = 0; k < cfg->nr_threads; k++) {
			const struct result *r = &res[v * cfg->nr_threads + k];

			fprintf(dat, "%u %.6g\n", r->threads,
				r->seconds > 0 ? r->ops / r->seconds : 0);
		}
		fprintf(dat, "\n\n");
	}
	if (res_close(&rw) | fclose(dat))
		ret = 2;
	fclose(txt);
	{
		char path[512], line[256];
		FILE *f;

		snprintf(path, sizeof(path), "%s/stress.txt", out);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f))
			fputs(line, stdout);
		if (f)
			fclose(f);
	}
	printf("results: %s\n", out);
	free(res);
	topology_release();
	if (ret)
		return ret;
	return lost ? 1 : 0;
}
