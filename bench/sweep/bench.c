// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-bench: what preserve, unpreserve, lookup, retrieve and restore
 * cost in each pci_ser layout as the number of preserved devices grows,
 * measured in user space on the very code the module runs.
 *
 * How a point is measured (results/SCHEMA.md has the details):
 * - a sample is a batch of operations timed as one, about --sample-us of
 *   work, so the clock's cost and granularity do not dominate;
 * - every point has a warm-up sample (discarded) and --reps samples;
 * - the same loop is run with empty operations to measure the harness
 *   itself, and reported next to the result: nothing is subtracted;
 * - every answer is checked (find-hit must hit, restore must find exactly
 *   the preserved devices), which also keeps the compiler from dropping
 *   the work, and makes a run a correctness check of the layouts.
 */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "die.h"
#include "bench.h"
#include "findings.h"
#include "numparse.h"
#include "pci_ser.h"
#include "pci_ser_blob.h"
#include "population.h"
#include "results.h"
#include "stageopt.h"
#include "stats.h"
#include "topology.h"

#define BENCH_SCHEMA		"lubench-bench"
#define BENCH_META_SCHEMA	"lubench-bench-meta"
#define BENCH_SCHEMA_VERSION	1

/* Exit codes, as `lubench bench --help` lists them. */

/* Tables alive at once in one retrieve or restore sample. */
#define MAX_TABLES	4096
#define MAX_TABLES_BYTES (256ULL << 20)
/* A restore costing more than this is sampled in windows (see SCHEMA.md). */
#define RESTORE_FULL_NS	(20 * 1000 * 1000ULL)
/* A restore window is about this many samples' worth of lookups. */
#define RESTORE_WINDOW_SAMPLES	4
/* First lookups to estimate a restore's cost before choosing how. */
#define RESTORE_PROBE	64
/*
 * A sample of an O(N) layout holds few operations; these floors make it
 * cover enough different devices that which ones were drawn moves a
 * median by well under 1% (a linear hit costs its random position).
 */
#define MIN_LOOKUPS	1024
#define MIN_CHURN	256

struct ctx;

/*
 * How ops are measured: @prepare calibrates a point's batch, @sample
 * takes sample i (a negative i is a warm-up), @finish checks the
 * answers.  One loop may time several ops (a churn times preserve and
 * unpreserve at once); it runs when any of them is asked for.
 */
struct bench_loop {
	void (*prepare)(struct ctx *c, int arg);
	void (*sample)(struct ctx *c, int arg, int i);
	void (*finish)(struct ctx *c, int arg);
	int arg;
};

/* A benchmark op: an entry of bench_ops[]. */
struct bench_op {
	const char *name;
	const char *what;		/* what one op is, for --help */
	enum bench_total total;
	const struct bench_loop *loop;	/* its setup and its timed call */
	bool parts;			/* reports retrieve_ms and lookup_ns */
};

static const struct bench_op bench_ops[NR_OPS];

static const u32 default_sizes[] = { 16, 64, 256, 1024, 4096, 16384, 65536 };
#define LARGE_SIZE	262144
/* Highest --cpu: a PU index hwloc could report. */
#define MAX_CPU		65535

struct cfg {
	struct bench_points p;	/* first: the shared setters take a cfg */
	u32 samples;
	u32 visits;		/* times each point is revisited */
	u64 sample_ns;
	bool large;		/* --large: add LARGE_SIZE */
	int cpu;
	char out[PATH_MAX];
	char run_id[192];
	char command[1024];
};

/* One measured point: a variant, an op, an N. */
struct point {
	enum bench_op_id op;
	bool on;		/* asked for with --op */
	const char *method;
	u32 nr;			/* samples */
	double *ns;		/* per-op ns of each sample */
	double *empty;		/* the same loop with empty ops */
	double *part_a;		/* restore: retrieve ns per sample */
	double *part_b;		/* restore: lookup ns per lookup */
	u64 ops_per_sample;
	u64 ops_per_total;
	u64 level_min, level_max;	/* churn: table fill while timed */
	bool extrapolated;
	u64 checked;		/* answers checked against the population */
	struct stats st, st_empty;
};

static inline u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static u64 heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* What the stdout table needs of a point. */
struct summary {
	u32 n;
	u32 variant;
	enum bench_op_id op;
	double median, mad, p99, total_ms, empty, speedup, lookup_ns;
};

/* ---- the operations under test and the loops that time them ---- */

/* The clock every timed loop reads at its marks. */
#define LOOP_MARK(i)	now_ns()
#include "timed_loops.h"

/* ---- one (N, variant): its table and how each op is sampled ---- */

struct ctx {
	const struct cfg *cfg;
	const struct population *pop;
	const struct pci_ser_ops *ops;
	u32 variant;		/* index into cfg->p.variant */
	struct pci_ser ser;	/* the outgoing table, N devices */
	void *blob;		/* what it leaves the next kernel */
	size_t blob_len;
	struct pci_ser_id *hit_keys;
	struct pci_ser_id *churn_keys;
	u64 table_bytes;
	struct rng rng;
	struct point pt[NR_OPS];
	/* Fixed by calibration, so every sample of a point is alike. */
	struct lookups look[2], look_empty[2];	/* [0] miss, [1] hit */
	u64 look_count[2];
	struct churn churn, churn_empty;
	u64 churn_rounds;
	u32 retrieve_k;
	struct restore rs, rs_empty;
	u32 restore_reps, restore_window;
	struct pci_ser *sers;	/* scratch tables for retrieve and restore */
	u32 nr_sers;
	/* Refcounted rules: bridges along, churn and fill with paths. */
	bool counted;
	u32 entries;		/* the table's entries after the N preserves */
	const u32 *prefix;	/* entries among the first i enumerated */
	struct pci_ser_dev *churn_dev_keys;
	struct churn_dev churn_dev, churn_dev_empty;
	struct pci_ser_dev *dup_keys;
	struct dups dup, dup_empty;
	u64 dup_count;
	struct fills fill, fill_empty;
	u32 fill_k, fill_every;
	struct fills grow, grow_empty;
	u32 grow_k;
	bool grew;		/* grow: that preserve added a block */
};

static u64 clamp_u64(double v, u64 lo, u64 hi)
{
	if (!(v >= lo))
		return lo;
	if (v >= hi)
		return hi;
	return (u64)v;
}

static void __attribute__((noreturn))
wrong(const struct ctx *c, const char *op, const char *what, u64 got,
      u64 want)
{
	lb_die(LB_EXIT_WRONG, "%s at N=%u: %s %s: got %llu, expected %llu",
	    c->ops->name, c->pop->nr_preserved, op, what,
	    (unsigned long long)got, (unsigned long long)want);
}

/* find-hit ([1]: preserved devices) or find-miss ([0]: not preserved). */
static void find_prepare(struct ctx *c, int hit)
{
	const struct population *pop = c->pop;
	struct point *pt = &c->pt[hit ? OP_FIND_HIT : OP_FIND_MISS];
	struct lookups *l = &c->look[hit];
	u64 count = 1, t;

	*l = (struct lookups){
		.find = c->ops->find,
		.ser = &c->ser,
		.key = hit ? c->hit_keys : c->counted ? pop->absent_rc :
		       pop->absent,
		.nr_keys = hit ? pop->nr_preserved : c->counted ?
			   pop->nr_absent_rc : pop->nr_absent,
	};
	/* Double the batch until it is a quarter of a sample. */
	while ((t = time_lookups(l, count)) < c->cfg->sample_ns / 4 &&
	       count < (1ULL << 32))
		count *= 2;
	count = clamp_u64(ceil((double)c->cfg->sample_ns * count /
			       max(t, 1ULL)), 1, 1ULL << 34);
	count = max(count, (u64)min(l->nr_keys, MIN_LOOKUPS));
	c->look_count[hit] = count;
	c->look_empty[hit] = *l;
	c->look_empty[hit].find = empty_find;
	pt->method = "batch";
	pt->ops_per_sample = count;
	/* A batch shorter than the keys is a random subset of them. */
	pt->extrapolated = count < l->nr_keys;
}

static void find_sample(struct ctx *c, int hit, int i)
{
	struct point *pt = &c->pt[hit ? OP_FIND_HIT : OP_FIND_MISS];
	u64 count = c->look_count[hit];
	double a, b;

	a = (double)time_lookups(&c->look[hit], count) / count;
	b = (double)time_lookups(&c->look_empty[hit], count) / count;
	if (i >= 0) {
		pt->ns[i] = a;
		pt->empty[i] = b;
	}
}

static void find_finish(struct ctx *c, int hit)
{
	struct point *pt = &c->pt[hit ? OP_FIND_HIT : OP_FIND_MISS];
	struct lookups *l = &c->look[hit];
	u64 want = hit ? l->done : 0;

	if (l->hits != want)
		wrong(c, bench_ops[pt->op].name, "hits", l->hits, want);
	pt->checked = l->done;
}

/*
 * preserve and unpreserve: one churn loop times both: the layout's ops
 * under v2's rules, the front end with paths under refcounted ones.
 */
static void churn_time(struct ctx *c, bool empty, u64 rounds, u64 *tu,
		       u64 *tp)
{
	if (c->counted)
		time_churn_dev(empty ? &c->churn_dev_empty : &c->churn_dev,
			       rounds, tu, tp);
	else
		time_churn(empty ? &c->churn_empty : &c->churn, rounds, tu, tp);
}

static void churn_prepare(struct ctx *c, int arg)
{
	u32 n = c->pop->nr_preserved, i;
	struct churn *ch = &c->churn;
	u64 rounds = 1, tu = 0, tp = 0, kmax = max(1U, n / 4);
	double per_op;

	(void)arg;
	*ch = (struct churn){
		.unpreserve = c->ops->unpreserve,
		.preserve = c->ops->preserve,
		.ser = &c->ser,
		.key = c->churn_keys,
		.nr_keys = n,
		/* Keep the fill level within a quarter of N. */
		.k = max(1U, min(n / 4, 16U)),
	};
	rng_seed(&ch->rng, rng_next(&c->rng));
	c->churn_dev = (struct churn_dev){
		.unpreserve = fe_unpreserve,
		.preserve = fe_preserve,
		.ser = &c->ser,
		.key = c->churn_dev_keys,
		.nr_keys = n,
		.k = ch->k,
		.capacity = c->pop->nr,
		.rng = ch->rng,
	};
	while (tu + tp < c->cfg->sample_ns / 2 && rounds < (1ULL << 30)) {
		tu = tp = 0;
		c->churn_dev.k = ch->k;
		churn_time(c, false, rounds, &tu, &tp);
		rounds *= 2;
	}
	rounds /= 2;
	/* Cost of the cheaper op: both phases get at least a sample's work. */
	per_op = (double)min(tu, tp) / ((double)rounds * ch->k);
	ch->k = clamp_u64(ceil(c->cfg->sample_ns / max(per_op, 0.1)),
			  min(kmax, (u64)MIN_CHURN), kmax);
	c->churn_rounds = clamp_u64(ceil(c->cfg->sample_ns / (per_op * ch->k)),
				    1, 1ULL << 30);
	c->churn_empty = *ch;
	c->churn_empty.unpreserve = c->churn_empty.preserve = empty_update;
	c->churn_dev.k = ch->k;
	c->churn_dev_empty = c->churn_dev;
	c->churn_dev_empty.unpreserve = empty_dev_update;
	c->churn_dev_empty.preserve = empty_dev_update;
	for (i = OP_PRESERVE; i <= OP_UNPRESERVE; i++) {
		struct point *pt = &c->pt[i];

		pt->method = "churn";
		pt->ops_per_sample = c->churn_rounds * ch->k;
		pt->level_min = n - ch->k;
		pt->level_max = n;
		pt->extrapolated = true;
	}
}

static void churn_sample(struct ctx *c, int arg, int i)
{
	double ops = (double)c->churn_rounds * c->churn.k;
	u64 tu = 0, tp = 0, eu = 0, ep = 0;

	(void)arg;
	churn_time(c, false, c->churn_rounds, &tu, &tp);
	churn_time(c, true, c->churn_rounds, &eu, &ep);
	if (i < 0)
		return;
	c->pt[OP_UNPRESERVE].ns[i] = tu / ops;
	c->pt[OP_PRESERVE].ns[i] = tp / ops;
	c->pt[OP_UNPRESERVE].empty[i] = eu / ops;
	c->pt[OP_PRESERVE].empty[i] = ep / ops;
}

static void churn_finish(struct ctx *c, int arg)
{
	u32 n = c->pop->nr_preserved;

	(void)arg;
	if (c->churn.err || c->churn_dev.err)
		lb_die(LB_EXIT_WRONG, "%s at N=%u: preserve/unpreserve failed (%d)",
		    c->ops->name, n, c->churn.err | c->churn_dev.err);
	if (c->ser.nr_devices != c->entries)
		wrong(c, "churn", "entries left", c->ser.nr_devices,
		      c->entries);
	c->pt[OP_PRESERVE].checked = c->pt[OP_UNPRESERVE].checked =
		c->pt[OP_PRESERVE].ops_per_sample * c->cfg->samples;
}

static void destroy_all(struct pci_ser *sers, u32 k)
{
	u32 i;

	for (i = 0; i < k; i++)
		pci_ser_destroy(&sers[i]);
	memset(sers, 0, k * sizeof(*sers));
}

static void check_retrieved(const struct ctx *c, const struct pci_ser *sers,
			    u32 k, u32 bad)
{
	u32 i;

	if (bad)
		wrong(c, "retrieve", "refused blobs", bad, 0);
	for (i = 0; i < k; i++)
		if (sers[i].nr_devices != c->entries || !sers[i].priv)
			wrong(c, "retrieve", "entries", sers[i].nr_devices,
			      c->entries);
}

/* @k retrieves timed as one, checked, freed untimed; ns per retrieve. */
static double retrieve_batch(struct ctx *c, retrieve_fn fn, u32 k)
{
	u32 bad = 0;
	u64 t;

	t = time_retrieves(fn, c->sers, k, c->blob, c->blob_len, c->ops, &bad);
	if (fn != empty_retrieve)
		check_retrieved(c, c->sers, k, bad);
	destroy_all(c->sers, k);
	return (double)t / k;
}

static void retrieve_prepare(struct ctx *c, int arg)
{
	struct point *pt = &c->pt[OP_RETRIEVE];
	u32 n = c->pop->nr_preserved, k = 1;
	double t;

	(void)arg;
	for (;;) {
		t = retrieve_batch(c, pci_ser_blob_retrieve, k) * k;
		if (t >= c->cfg->sample_ns / 4 || k >= c->nr_sers)
			break;
		k = min(k * 2, c->nr_sers);
	}
	c->retrieve_k = clamp_u64(ceil(c->cfg->sample_ns * k / max(t, 1.0)),
				  1, c->nr_sers);
	pt->method = "batch";
	pt->ops_per_sample = (u64)c->retrieve_k * n;
}

static void retrieve_sample(struct ctx *c, int arg, int i)
{
	struct point *pt = &c->pt[OP_RETRIEVE];
	u32 n = c->pop->nr_preserved, k = c->retrieve_k;
	double a, b;

	(void)arg;
	a = retrieve_batch(c, pci_ser_blob_retrieve, k) / n;
	b = retrieve_batch(c, empty_retrieve, k) / n;
	pt->checked += k;
	if (i >= 0) {
		pt->ns[i] = a;
		pt->empty[i] = b;
	}
}

/*
 * One restore sample: @reps whole restores, or one retrieve and a window
 * of @window lookups starting at a random device, scaled to the whole
 * enumeration.  Returns the estimate of one restore, in ns; @ret_ns and
 * @lookup_ns get its parts.
 */
static double restore_once(struct ctx *c, struct restore *r, u32 reps,
			   u32 window, double *ret_ns, double *lookup_ns)
{
	const struct population *pop = c->pop;
	u64 t_ret = 0, t_walk = 0, hits0 = r->hits, want;
	u32 first = 0, i;
	bool real = r->find != empty_find;

	if (window < pop->nr)
		first = rng_below(&c->rng, pop->nr - window + 1);
	for (i = 0; i < reps; i++)
		time_restore(r, &c->sers[i], first, window, &t_ret, &t_walk);
	if (real) {
		check_retrieved(c, c->sers, reps, r->bad);
		want = (u64)reps * (c->prefix[first + window] -
				    c->prefix[first]);
		if (r->hits - hits0 != want)
			wrong(c, "restore", "hits", r->hits - hits0, want);
	}
	destroy_all(c->sers, reps);
	*ret_ns = (double)t_ret / reps;
	*lookup_ns = (double)t_walk / reps / window;
	return *ret_ns + *lookup_ns * pop->nr;
}

static void restore_prepare(struct ctx *c, int arg)
{
	const struct population *pop = c->pop;
	struct point *pt = &c->pt[OP_RESTORE];
	double ret, look, full;

	(void)arg;
	c->rs = (struct restore){
		.retrieve = pci_ser_blob_retrieve,
		.find = c->ops->find,
		.blob = c->blob,
		.len = c->blob_len,
		.want = c->ops,
		.dev = pop->dev,
	};
	c->rs_empty = c->rs;
	c->rs_empty.retrieve = empty_retrieve;
	c->rs_empty.find = empty_find;
	c->restore_reps = 1;
	c->restore_window = pop->nr;
	/* Estimate a whole restore from a retrieve and a few lookups. */
	restore_once(c, &c->rs, 1, min(pop->nr, RESTORE_PROBE), &ret, &look);
	full = ret + look * pop->nr;
	if (full <= max(RESTORE_FULL_NS, 2 * c->cfg->sample_ns)) {
		pt->method = "full";
		c->restore_reps = clamp_u64(ceil(c->cfg->sample_ns /
						 max(full, 1.0)), 1, c->nr_sers);
	} else {
		pt->method = "window";
		c->restore_window = clamp_u64(ceil(RESTORE_WINDOW_SAMPLES *
						   c->cfg->sample_ns /
						   max(look, 0.1)),
					      min(pop->nr, MIN_LOOKUPS),
					      pop->nr);
		pt->extrapolated = c->restore_window < pop->nr;
	}
	pt->ops_per_sample = (u64)c->restore_reps * c->restore_window;
}

static void restore_sample(struct ctx *c, int arg, int i)
{
	struct point *pt = &c->pt[OP_RESTORE];
	u32 reps = c->restore_reps, window = c->restore_window, t = c->pop->nr;
	double ret, look, full, a, b, empty;

	(void)arg;
	full = restore_once(c, &c->rs, reps, window, &ret, &look);
	empty = restore_once(c, &c->rs_empty, reps, window, &a, &b);
	if (i < 0)
		return;
	pt->ns[i] = full / t;
	pt->part_a[i] = ret;
	pt->part_b[i] = look;
	pt->empty[i] = empty / t;
}

static void restore_finish(struct ctx *c, int arg)
{
	(void)arg;
	c->pt[OP_RESTORE].checked = c->rs.hits;
}

/* preserve-dup: a preserve of a device the table holds, -EBUSY. */
static void dup_prepare(struct ctx *c, int arg)
{
	struct point *pt = &c->pt[OP_PRESERVE_DUP];
	struct dups *d = &c->dup;
	u64 count = 1, t;

	(void)arg;
	*d = (struct dups){
		.preserve = fe_preserve,
		.ser = &c->ser,
		.key = c->dup_keys,
		.nr_keys = c->pop->nr_preserved,
		.capacity = c->pop->nr,
	};
	while ((t = time_dups(d, count)) < c->cfg->sample_ns / 4 &&
	       count < (1ULL << 32))
		count *= 2;
	count = clamp_u64(ceil((double)c->cfg->sample_ns * count /
			       max(t, 1ULL)), 1, 1ULL << 34);
	count = max(count, (u64)min(d->nr_keys, MIN_LOOKUPS));
	c->dup_count = count;
	c->dup_empty = *d;
	c->dup_empty.preserve = empty_dev_update;
	pt->method = "batch";
	pt->ops_per_sample = count;
	pt->extrapolated = count < d->nr_keys;
}

static void dup_sample(struct ctx *c, int arg, int i)
{
	struct point *pt = &c->pt[OP_PRESERVE_DUP];
	u64 count = c->dup_count;
	double a, b;

	(void)arg;
	a = (double)time_dups(&c->dup, count) / count;
	b = (double)time_dups(&c->dup_empty, count) / count;
	if (i >= 0) {
		pt->ns[i] = a;
		pt->empty[i] = b;
	}
}

static void dup_finish(struct ctx *c, int arg)
{
	(void)arg;
	if (c->dup.busy != c->dup.done)
		wrong(c, "preserve-dup", "-EBUSY answers", c->dup.busy,
		      c->dup.done);
	if (c->ser.nr_devices != c->entries)
		wrong(c, "preserve-dup", "entries", c->ser.nr_devices,
		      c->entries);
	c->pt[OP_PRESERVE_DUP].checked = c->dup.done;
}

/*
 * fill and grow share this: @k fresh tables prepared untimed, the
 * preserves of dev[first, last) into each timed, the tables checked and
 * freed untimed; ns per table.
 */
static double fills_batch(struct ctx *c, struct fills *f, u32 k, u32 want,
			  const char *op)
{
	u32 i;
	u64 t;

	if (fills_setup(f, c->sers, k))
		lb_die(LB_EXIT_SYSTEM, "%s at N=%u: %s: its setup failed",
		    c->ops->name, c->pop->nr_preserved, op);
	t = time_fills(f, c->sers, k);
	if (f->err)
		lb_die(LB_EXIT_WRONG, "%s at N=%u: %s: a preserve failed (%d)",
		    c->ops->name, c->pop->nr_preserved, op, f->err);
	for (i = 0; want && i < k; i++)
		if (c->sers[i].nr_devices != want)
			wrong(c, op, "entries", c->sers[i].nr_devices, want);
	destroy_all(c->sers, k);
	return (double)t / k;
}

/* Work a fill or grow point may cost in all, beyond which it samples less. */
#define FILL_BUDGET_NS	(4000 * 1000 * 1000ULL)
#define FILL_MIN_SAMPLES 3

/*
 * fill: init, then the N preserves of the population's order (with
 * paths), timed whole.  A fill of an O(N) preserve costs O(N^2): when
 * cfg->samples of them would pass FILL_BUDGET_NS, only every
 * fill_every-th sample is taken (at least FILL_MIN_SAMPLES) and warm-ups
 * are skipped; the row's `samples` says how many.
 */
static void fill_prepare(struct ctx *c, int arg)
{
	struct point *pt = &c->pt[OP_FILL];
	u32 n = c->pop->nr_preserved, k = 1, every;
	double t;

	(void)arg;
	c->fill = (struct fills){
		.preserve = fe_preserve,
		.ops = c->ops,
		.dev = c->pop->preserved_dev,
		.first = 0,
		.last = n,
		.capacity = c->pop->nr,
	};
	c->fill_empty = c->fill;
	c->fill_empty.preserve = empty_dev_update;
	for (;;) {
		t = fills_batch(c, &c->fill, k, c->entries, "fill") * k;
		if (t >= c->cfg->sample_ns / 4 || k >= c->nr_sers)
			break;
		k = min(k * 2, c->nr_sers);
	}
	c->fill_k = clamp_u64(ceil(c->cfg->sample_ns * k / max(t, 1.0)), 1,
			      c->nr_sers);
	t = t / k * c->fill_k;
	every = clamp_u64(ceil(t * c->cfg->samples / FILL_BUDGET_NS), 1,
			  c->cfg->samples / FILL_MIN_SAMPLES);
	c->fill_every = max(every, 1U);
	pt->nr = DIV_ROUND_UP(c->cfg->samples, c->fill_every);
	pt->method = "full";
	pt->ops_per_sample = (u64)c->fill_k * n;
}

static void fill_sample(struct ctx *c, int arg, int i)
{
	struct point *pt = &c->pt[OP_FILL];
	u32 n = c->pop->nr_preserved, k = c->fill_k;
	double a, b;

	(void)arg;
	if (c->fill_every > 1 && (i < 0 || i % c->fill_every))
		return;
	a = fills_batch(c, &c->fill, k, c->entries, "fill") / n;
	b = fills_batch(c, &c->fill_empty, k, 0, "fill") / n;
	pt->checked += k;
	if (i >= 0) {
		pt->ns[i / c->fill_every] = a;
		pt->empty[i / c->fill_every] = b;
	}
}

#define GROW_MAX_TABLES	64

/*
 * grow: the preserve that adds a block.  The first preserve, in fill
 * order among the first GROW_SCAN, after which the payload grew by more
 * than the entries it added (a layout of blocks took a new one); a
 * layout that does not grow there (a fixed array, a table sized at
 * init) is measured at preserve min(N, GROW_PLAIN) instead, the same
 * kind of preserve without growth (method "plain").  Each sample: fresh
 * tables holding the devices before it, untimed, then that preserve
 * into each, timed.
 */
static void grow_prepare(struct ctx *c, int arg)
{
	const struct population *pop = c->pop;
	struct point *pt = &c->pt[OP_GROW];
	u32 g, k;
	double t;

	(void)arg;
	g = grow_at(c->ops, pop, &c->grew);
	if (!g)
		lb_die(LB_EXIT_WRONG, "%s: grow: a preserve failed", c->ops->name);
	c->grow = (struct fills){
		.preserve = fe_preserve,
		.ops = c->ops,
		.dev = pop->preserved_dev,
		.first = g - 1,
		.last = g,
		.capacity = pop->nr,
	};
	c->grow_empty = c->grow;
	c->grow_empty.preserve = empty_dev_update;
	k = min(c->nr_sers, 8U);
	t = fills_batch(c, &c->grow, k, 0, "grow");
	c->grow_k = clamp_u64(ceil(c->cfg->sample_ns / max(t, 1.0)), 1,
			      min(c->nr_sers, (u32)GROW_MAX_TABLES));
	pt->method = c->grew ? "block" : "plain";
	pt->ops_per_sample = c->grow_k;
	pt->level_min = pt->level_max = g - 1;
}

static void grow_sample(struct ctx *c, int arg, int i)
{
	struct point *pt = &c->pt[OP_GROW];
	double a, b;

	(void)arg;
	a = fills_batch(c, &c->grow, c->grow_k, 0, "grow");
	b = fills_batch(c, &c->grow_empty, c->grow_k, 0, "grow");
	pt->checked += c->grow_k;
	if (i >= 0) {
		pt->ns[i] = a;
		pt->empty[i] = b;
	}
}

/* ---- the ops: the one table that --op, --help and lubench-list read ---- */

static const struct bench_loop loop_find_hit = {
	find_prepare, find_sample, find_finish, .arg = 1,
};
static const struct bench_loop loop_find_miss = {
	find_prepare, find_sample, find_finish, .arg = 0,
};
static const struct bench_loop loop_churn = {
	churn_prepare, churn_sample, churn_finish,
};
static const struct bench_loop loop_retrieve = {
	retrieve_prepare, retrieve_sample, NULL,
};
static const struct bench_loop loop_restore = {
	restore_prepare, restore_sample, restore_finish,
};
static const struct bench_loop loop_dup = {
	dup_prepare, dup_sample, dup_finish,
};
static const struct bench_loop loop_fill = {
	fill_prepare, fill_sample, NULL,
};
static const struct bench_loop loop_grow = {
	grow_prepare, grow_sample, NULL,
};

static const struct bench_op bench_ops[NR_OPS] = {
	[OP_PRESERVE] = {
		.name	= "preserve",
		.what	= "one preserve into a table of N-k..N devices",
		.total	= TOTAL_N,
		.loop	= &loop_churn,
	},
	[OP_UNPRESERVE] = {
		.name	= "unpreserve",
		.what	= "one unpreserve from a table of N-k..N devices",
		.total	= TOTAL_N,
		.loop	= &loop_churn,
	},
	[OP_FIND_HIT] = {
		.name	= "find-hit",
		.what	= "one lookup of a preserved device, in random order",
		.total	= TOTAL_N,
		.loop	= &loop_find_hit,
	},
	[OP_FIND_MISS] = {
		.name	= "find-miss",
		.what	= "one lookup of a device not preserved",
		.total	= TOTAL_N,
		.loop	= &loop_find_miss,
	},
	[OP_RETRIEVE] = {
		.name	= "retrieve",
		.what	= "a retrieve of the N-device blob, per device",
		.total	= TOTAL_N,
		.loop	= &loop_retrieve,
	},
	[OP_RESTORE] = {
		.name	= "restore",
		.what	= "a retrieve and a lookup of every enumerated device,\n"
			  "per enumerated device",
		.total	= TOTAL_ENUMERATED,
		.loop	= &loop_restore,
		.parts	= true,
	},
	[OP_PRESERVE_DUP] = {
		.name	= "preserve-dup",
		.what	= "a preserve of a device the table holds (-EBUSY),\n"
			  "through the front end: the search for the duplicate",
		.total	= TOTAL_N,
		.loop	= &loop_dup,
	},
	[OP_FILL] = {
		.name	= "fill",
		.what	= "the N preserves that fill an empty table, through\n"
			  "the front end (bridges too), per device",
		.total	= TOTAL_N,
		.loop	= &loop_fill,
	},
	[OP_GROW] = {
		.name	= "grow",
		.what	= "the preserve that adds a block (method block), or a\n"
			  "preserve at min(N, 512) of a layout that adds none",
		.total	= TOTAL_ONE,
		.loop	= &loop_grow,
	},
};

const char *bench_op_name(unsigned int i)
{
	return i < NR_OPS ? bench_ops[i].name : NULL;
}

enum bench_total bench_op_total(unsigned int i)
{
	return bench_ops[i].total;
}

unsigned long long bench_total_of(unsigned int i,
				  const struct population *pop)
{
	switch (bench_ops[i].total) {
	case TOTAL_ENUMERATED:
		return pop->nr;
	case TOTAL_ONE:
		return 1;
	default:
		return pop->nr_preserved;
	}
}

int bench_op_index(const char *name)
{
	int i;

	for (i = 0; i < NR_OPS; i++)
		if (!strcmp(bench_ops[i].name, name))
			return i;
	return -1;
}

const char *bench_op_what(const char *name)
{
	unsigned int i;

	for (i = 0; i < NR_OPS; i++)
		if (!strcmp(bench_ops[i].name, name))
			return bench_ops[i].what;
	return NULL;
}

/* Whether @op runs its loop: asked for, and no earlier op shares it. */
static bool runs_loop(const struct ctx *c, int op)
{
	int o;

	if (!c->pt[op].on)
		return false;
	for (o = 0; o < op; o++)
		if (c->pt[o].on && bench_ops[o].loop == bench_ops[op].loop)
			return false;
	return true;
}

/* Tables one retrieve or restore sample may hold at once. */
static u32 max_tables(const struct ctx *c)
{
	u64 by_mem = MAX_TABLES_BYTES / max(c->table_bytes, 1ULL);

	return (u32)clamp_u64((double)by_mem, 1, MAX_TABLES);
}

void bench_build_table(struct pci_ser *ser, const struct pci_ser_ops *ops,
		       const struct population *pop, uint32_t entries, bool check,
		       uint64_t *table_bytes, void **blob, size_t *blob_len)
{
	u64 heap0 = heap_bytes();
	int err, i;

	/* In the random order user space preserved them in. */
	err = fill_table(ser, ops, pop, &i);
	if (err && i < 0)
		lb_die(LB_EXIT_SYSTEM, "%s: init for %u devices: %d", ops->name,
		    pop->nr, err);
	if (err)
		lb_die(LB_EXIT_WRONG, "%s: preserve %05x:%02x:%02x.%u: %d",
		    ops->name, pop->preserved[i].domain,
		    pop->preserved[i].bdf >> 8,
		    (pop->preserved[i].bdf >> 3) & 0x1f,
		    pop->preserved[i].bdf & 7, err);
	*table_bytes = heap_bytes() - heap0;
	if (ser->nr_devices != entries)
		lb_die(LB_EXIT_WRONG, "%s at N=%u: preserve entries: got %llu, "
		    "expected %llu", ops->name, pop->nr_preserved,
		    (unsigned long long)ser->nr_devices,
		    (unsigned long long)entries);
	*blob_len = pci_ser_blob_size(ser);
	*blob = lb_xcalloc(1, *blob_len);
	pci_ser_blob_write(ser, *blob, 0, 0);
	if (check && pci_ser_blob_check(*blob, *blob_len, ops, NULL))
		lb_die(LB_EXIT_WRONG, "%s: its own blob does not check",
		    ops->name);
}

static void ctx_setup(struct ctx *c)
{
	const struct population *pop = c->pop;
	int op;

	c->counted = pci_ser_rules_refcounted(c->ops->rules);
	c->entries = c->counted ? pop->nr_entries : pop->nr_preserved;
	c->prefix = c->counted ? pop->entry_prefix : pop->prefix;
	/* Same key orders and windows for a variant in every run. */
	rng_seed(&c->rng, c->cfg->p.seed * 0x9e3779b97f4a7c15ULL +
		 pop->nr_preserved * 64 + c->variant);
	for (op = 0; op < NR_OPS; op++) {
		struct point *pt = &c->pt[op];

		pt->op = op;
		pt->on = c->cfg->p.op[op];
		pt->nr = c->cfg->samples;
		pt->ns = lb_xcalloc(pt->nr, sizeof(double));
		pt->empty = lb_xcalloc(pt->nr, sizeof(double));
		pt->part_a = lb_xcalloc(pt->nr, sizeof(double));
		pt->part_b = lb_xcalloc(pt->nr, sizeof(double));
	}
	bench_build_table(&c->ser, c->ops, pop, c->entries, true,
			  &c->table_bytes, &c->blob, &c->blob_len);
	c->nr_sers = max_tables(c);
	c->sers = lb_xcalloc(c->nr_sers, sizeof(*c->sers));
	/* Lookups in an order unrelated to the order of preservation. */
	c->hit_keys = lb_xcalloc(pop->nr_preserved, sizeof(*c->hit_keys));
	memcpy(c->hit_keys, pop->preserved,
	       pop->nr_preserved * sizeof(*c->hit_keys));
	rng_shuffle(&c->rng, c->hit_keys, pop->nr_preserved,
		    sizeof(*c->hit_keys));
	c->churn_keys = lb_xcalloc(pop->nr_preserved, sizeof(*c->churn_keys));
	memcpy(c->churn_keys, pop->preserved,
	       pop->nr_preserved * sizeof(*c->churn_keys));
	c->churn_dev_keys = lb_xcalloc(pop->nr_preserved,
				   sizeof(*c->churn_dev_keys));
	memcpy(c->churn_dev_keys, pop->preserved_dev,
	       pop->nr_preserved * sizeof(*c->churn_dev_keys));
	/* Duplicates: the preserved, in lookup order, each as an endpoint. */
	c->dup_keys = lb_xcalloc(pop->nr_preserved, sizeof(*c->dup_keys));
	for (op = 0; op < (int)pop->nr_preserved; op++) {
		c->dup_keys[op].domain = c->hit_keys[op].domain;
		c->dup_keys[op].bdf = c->hit_keys[op].bdf;
	}

	for (op = 0; op < NR_OPS; op++) {
		const struct bench_loop *l = bench_ops[op].loop;

		if (runs_loop(c, op))
			l->prepare(c, l->arg);
		c->pt[op].ops_per_total = bench_total_of(op, pop);
	}
}

/* Sample @i of every op of @c; a negative @i is a warm-up, discarded. */
static void ctx_sample(struct ctx *c, int i)
{
	int op;

	for (op = 0; op < NR_OPS; op++) {
		const struct bench_loop *l = bench_ops[op].loop;

		if (runs_loop(c, op))
			l->sample(c, l->arg, i);
	}
}

static void ctx_finish(struct ctx *c)
{
	int op;

	for (op = 0; op < NR_OPS; op++) {
		const struct bench_loop *l = bench_ops[op].loop;

		if (runs_loop(c, op) && l->finish)
			l->finish(c, l->arg);
	}
	for (op = 0; op < NR_OPS; op++) {
		struct point *pt = &c->pt[op];

		if (!pt->on)
			continue;
		if (stats_compute(pt->ns, pt->nr, &pt->st) ||
		    stats_compute(pt->empty, pt->nr, &pt->st_empty))
			lb_die(LB_EXIT_SYSTEM, "out of memory");
	}
}

static void ctx_teardown(struct ctx *c)
{
	int op;

	pci_ser_destroy(&c->ser);
	free(c->blob);
	free(c->hit_keys);
	free(c->churn_keys);
	free(c->churn_dev_keys);
	free(c->dup_keys);
	free(c->sers);
	for (op = 0; op < NR_OPS; op++) {
		free(c->pt[op].ns);
		free(c->pt[op].empty);
		free(c->pt[op].part_a);
		free(c->pt[op].part_b);
	}
}

/* ---- output ---- */

static const char *const csv_columns[] = {
	"schema", "schema_version", "run_id", "variant", "rules", "op", "n",
	"entries", "enumerated", "capacity", "share_pct", "seed", "population_hash",
	"alias16", "alias16_false_hits",
	"method", "samples", "visits", "ops_per_sample", "ops_per_total",
	"level_min", "level_max",
	"median_ns", "p99_ns", "min_ns", "max_ns", "mean_ns", "mad_ns",
	"total_ms", "overhead_ns", "overhead_p99_ns", "speedup_vs_linear",
	"retrieve_ms", "lookup_ns", "extrapolated", "checked",
	"table_bytes", "payload_bytes", "blob_bytes", "cpu",
	NULL,
};

static double median_of(const double *v, u32 n)
{
	struct stats st;

	if (stats_compute(v, n, &st))
		lb_die(LB_EXIT_SYSTEM, "out of memory");
	return st.median;
}

static void emit(struct res_writer *w, const struct ctx *c,
		 const struct point *pt, double lin_median, int cpu)
{
	const struct population *pop = c->pop;
	const struct stats *st = &pt->st;
	char hash[24];
	struct res_row r;

	snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)pop->hash);
	res_row_reset(&r);
	res_add_str(&r, "run_id", c->cfg->run_id);
	res_add_str(&r, "variant", c->ops->name);
	res_add_str(&r, "rules", pci_ser_rules_name(c->ops->rules));
	res_add_str(&r, "op", bench_ops[pt->op].name);
	res_add_u64(&r, "n", pop->nr_preserved);
	res_add_u64(&r, "entries", c->entries);
	res_add_u64(&r, "enumerated", pop->nr);
	res_add_u64(&r, "capacity", c->ser.capacity);
	res_add_u64(&r, "share_pct", pop->share_pct);
	res_add_u64(&r, "seed", c->cfg->p.seed);
	res_add_str(&r, "population_hash", hash);
	res_add_u64(&r, "alias16", pop->alias16);
	res_add_u64(&r, "alias16_false_hits", pop->alias16_false_hits);
	res_add_str(&r, "method", pt->method);
	res_add_u64(&r, "samples", pt->nr);
	res_add_u64(&r, "visits", c->cfg->visits);
	res_add_u64(&r, "ops_per_sample", pt->ops_per_sample);
	res_add_u64(&r, "ops_per_total", pt->ops_per_total);
	if (pt->level_max) {
		res_add_u64(&r, "level_min", pt->level_min);
		res_add_u64(&r, "level_max", pt->level_max);
	} else {
		res_add_null(&r, "level_min");
		res_add_null(&r, "level_max");
	}
	res_add_f64(&r, "median_ns", st->median);
	res_add_f64(&r, "p99_ns", st->p99);
	res_add_f64(&r, "min_ns", st->min);
	res_add_f64(&r, "max_ns", st->max);
	res_add_f64(&r, "mean_ns", st->mean);
	res_add_f64(&r, "mad_ns", st->mad);
	res_add_f64(&r, "total_ms", st->median * pt->ops_per_total / 1e6);
	res_add_f64(&r, "overhead_ns", pt->st_empty.median);
	res_add_f64(&r, "overhead_p99_ns", pt->st_empty.p99);
	res_add_f64(&r, "speedup_vs_linear", lin_median / st->median);
	if (bench_ops[pt->op].parts) {
		res_add_f64(&r, "retrieve_ms",
			    median_of(pt->part_a, pt->nr) / 1e6);
		res_add_f64(&r, "lookup_ns", median_of(pt->part_b, pt->nr));
	} else {
		res_add_null(&r, "retrieve_ms");
		res_add_null(&r, "lookup_ns");
	}
	res_add_bool(&r, "extrapolated", pt->extrapolated);
	res_add_u64(&r, "checked", pt->checked);
	res_add_u64(&r, "table_bytes", c->table_bytes);
	res_add_u64(&r, "payload_bytes",
		    c->blob_len - sizeof(struct pci_ser_blob_hdr));
	res_add_u64(&r, "blob_bytes", c->blob_len);
	res_add_i64(&r, "cpu", cpu);
	res_add_f64_array(&r, "samples_ns", pt->ns, pt->nr);
	if (res_write(w, &r))
		lb_die(LB_EXIT_SYSTEM, "writing results: %s", strerror(errno));
}

static struct summary *summaries;
static u32 nr_summaries, max_summaries;
static double clock_read_ns;

static void remember(const struct ctx *c, const struct point *pt,
		     double lin_median)
{
	struct summary *s;

	if (nr_summaries == max_summaries) {
		max_summaries = max(64U, max_summaries * 2);
		summaries = realloc(summaries, max_summaries * sizeof(*s));
		if (!summaries)
			lb_die(LB_EXIT_SYSTEM, "out of memory");
	}
	s = &summaries[nr_summaries++];
	s->n = c->pop->nr_preserved;
	s->variant = c->variant;
	s->op = pt->op;
	s->median = pt->st.median;
	s->mad = pt->st.mad;
	s->p99 = pt->st.p99;
	s->total_ms = pt->st.median * pt->ops_per_total / 1e6;
	s->empty = pt->st_empty.median;
	s->speedup = lin_median / pt->st.median;
	s->lookup_ns = bench_ops[pt->op].parts ? median_of(pt->part_b, pt->nr) :
					      NAN;
}

/* ---- the sweep ---- */

struct run {
	const struct cfg *cfg;
	struct res_writer w;
	int cpu;
	u64 t_start;
	struct population *pop;		/* [nr_n] */
	struct ctx *ctx;		/* [nr_n * nr_variants] */
	u32 nr_ctx;
};

/*
 * The machine's own speed, taken before every visit and after the last:
 * the lookup loop with the empty find, which depends on no layout.  If
 * it moves during a run, the machine changed speed (a neighbour on the
 * host, frequency), and every point measured then moved with it.
 */
#define CANARY_CALLS	200000
static double *canary_ns;
static u32 nr_canary;

static double canary(void)
{
	static const struct pci_ser_id key[256];
	struct lookups l = { .find = empty_find, .key = key, .nr_keys = 256 };
	double v[5];
	int i;

	for (i = 0; i < 5; i++)
		v[i] = (double)time_lookups(&l, CANARY_CALLS) / CANARY_CALLS;
	return median_of(v, 5);
}

/* How far apart the slowest and fastest canary were, in percent. */
static double canary_spread(double *lo, double *hi)
{
	u32 i;

	*lo = INFINITY;
	*hi = 0;
	for (i = 0; i < nr_canary; i++) {
		*lo = min(*lo, canary_ns[i]);
		*hi = max(*hi, canary_ns[i]);
	}
	return nr_canary ? 100 * (*hi / *lo - 1) : NAN;
}

static double since(const struct run *run)
{
	return (now_ns() - run->t_start) / 1e9;
}

/* Every (N, variant): population, table, blob, calibration. */
static void run_setup(struct run *run)
{
	const struct cfg *cfg = run->cfg;
	u32 i, v;
	int err;

	run->pop = lb_xcalloc(cfg->p.nr_n, sizeof(*run->pop));
	run->nr_ctx = cfg->p.nr_n * cfg->p.nr_variants;
	run->ctx = lb_xcalloc(run->nr_ctx, sizeof(*run->ctx));
	for (i = 0; i < cfg->p.nr_n; i++) {
		struct population *pop = &run->pop[i];

		err = population_make(pop, cfg->p.n[i], cfg->p.share_pct,
				      cfg->p.seed);
		if (err)
			lb_die(LB_EXIT_SYSTEM, "population of %u: %s", cfg->p.n[i],
			    strerror(-err));
		fprintf(stderr, "bench: N=%u: %u devices enumerated in %u "
			"domains, %u buses\n", cfg->p.n[i], pop->nr,
			pop->nr_domains, pop->nr_buses);
		for (v = 0; v < cfg->p.nr_variants; v++) {
			struct ctx *c = &run->ctx[i * cfg->p.nr_variants + v];
			u64 t0 = now_ns();

			c->cfg = cfg;
			c->pop = pop;
			c->ops = cfg->p.variant[v];
			c->variant = v;
			ctx_setup(c);
			fprintf(stderr, "bench: setup N=%-7u %-9s %6.2f s "
				"(%.0f s so far)\n", cfg->p.n[i], c->ops->name,
				(now_ns() - t0) / 1e9, since(run));
		}
	}
}

/*
 * Visit every point cfg->visits times, in a shuffled order, taking a
 * warm-up and a share of its samples each time: a point's samples are
 * spread over the whole run, so a stretch of time when the machine was
 * slower (a neighbour on the host) hits all points alike instead of
 * moving a few of them.
 */
static void run_visits(struct run *run)
{
	const struct cfg *cfg = run->cfg;
	u32 *order = lb_xcalloc(run->nr_ctx, sizeof(*order));
	u32 visit, i, s, lo, hi;
	struct rng rng;

	canary_ns = lb_xcalloc(cfg->visits + 1, sizeof(*canary_ns));
	rng_seed(&rng, cfg->p.seed ^ 0x5ca1ab1e);
	for (i = 0; i < run->nr_ctx; i++)
		order[i] = i;
	for (visit = 0; visit < cfg->visits; visit++) {
		lo = (u64)cfg->samples * visit / cfg->visits;
		hi = (u64)cfg->samples * (visit + 1) / cfg->visits;
		canary_ns[nr_canary++] = canary();
		rng_shuffle(&rng, order, run->nr_ctx, sizeof(*order));
		for (i = 0; i < run->nr_ctx; i++) {
			struct ctx *c = &run->ctx[order[i]];

			ctx_sample(c, -1);
			for (s = lo; s < hi; s++)
				ctx_sample(c, s);
		}
		fprintf(stderr, "bench: visit %u/%u done (%.0f s so far)\n",
			visit + 1, cfg->visits, since(run));
	}
	canary_ns[nr_canary++] = canary();
	free(order);
}

/* Check, summarise and write every point, in N, variant, op order. */
static void run_emit(struct run *run)
{
	double lin[NR_OPS];
	u32 i, op;

	for (i = 0; i < run->nr_ctx; i++) {
		struct ctx *c = &run->ctx[i];

		if (c->variant == 0)
			for (op = 0; op < NR_OPS; op++)
				lin[op] = NAN;
		ctx_finish(c);
		for (op = 0; op < NR_OPS; op++) {
			struct point *pt = &c->pt[op];

			if (!pt->on)
				continue;
			if (!strcmp(c->ops->name, "linear"))
				lin[op] = pt->st.median;
			emit(&run->w, c, pt, lin[op], run->cpu);
			remember(c, pt, lin[op]);
		}
	}
}

static void run_teardown(struct run *run)
{
	u32 i;

	for (i = 0; i < run->nr_ctx; i++)
		ctx_teardown(&run->ctx[i]);
	free(run->ctx);
	for (i = 0; i < run->cfg->p.nr_n; i++)
		population_free(&run->pop[i]);
	free(run->pop);
}

/*
 * ---- what else ran ----
 * Other work on the machine (a hypervisor stealing the vCPU, a neighbour
 * on the same core) shows up as noise; record it so a noisy run can be
 * told from a regression instead of being silently averaged in.
 */
struct noise {
	double loadavg;
	u64 steal_ticks;	/* of the pinned CPU, or all CPUs */
	long nivcsw;		/* involuntary context switches of ours */
};

static u64 read_steal(int cpu)
{
	char want[16], line[512], name[16];
	unsigned long long v[8] = { };
	FILE *f = fopen("/proc/stat", "r");

	if (!f)
		return 0;
	if (cpu >= 0)
		snprintf(want, sizeof(want), "cpu%d", cpu);
	else
		snprintf(want, sizeof(want), "cpu");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%15s %llu %llu %llu %llu %llu %llu %llu %llu",
			   name, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			   &v[6], &v[7]) == 9 && !strcmp(name, want))
			break;
		v[7] = 0;
	}
	fclose(f);
	return v[7];
}

static void noise_read(struct noise *n, int cpu)
{
	struct rusage ru;
	double la[1];

	n->loadavg = getloadavg(la, 1) == 1 ? la[0] : NAN;
	n->steal_ticks = read_steal(cpu);
	n->nivcsw = getrusage(RUSAGE_SELF, &ru) ? 0 : ru.ru_nivcsw;
}

static void noise_canary_json(struct json *j)
{
	double lo, hi, spread = canary_spread(&lo, &hi);
	u32 i;

	json_arr_begin(j, "canary_ns");
	for (i = 0; i < nr_canary; i++)
		json_f64(j, NULL, canary_ns[i]);
	json_arr_end(j);
	json_f64(j, "canary_spread_pct", spread);
}

static void noise_json(struct json *j, const struct noise *a,
		       const struct noise *b)
{
	long hz = sysconf(_SC_CLK_TCK);

	json_obj_begin(j, "noise");
	json_f64(j, "loadavg_start", a->loadavg);
	json_f64(j, "loadavg_end", b ? b->loadavg : NAN);
	if (b) {
		json_f64(j, "steal_ms", hz > 0 ? (b->steal_ticks -
			 a->steal_ticks) * 1000.0 / hz : NAN);
		json_i64(j, "involuntary_switches", b->nivcsw - a->nivcsw);
		noise_canary_json(j);
	} else {
		json_null(j, "steal_ms");
		json_null(j, "involuntary_switches");
		json_null(j, "canary_spread_pct");
	}
	json_obj_end(j);
}

/* ---- meta.json ---- */

static void iso_time(char *buf, size_t len, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void meta_populations(struct json *j, const struct population *ps,
			     u32 nr)
{
	char dom[24];
	u32 i, d;

	json_arr_begin(j, "populations");
	for (i = 0; i < nr; i++) {
		const struct population *p = &ps[i];

		json_obj_begin(j, NULL);
		json_u64(j, "n", p->nr_preserved);
		json_u64(j, "enumerated", p->nr);
		json_u64(j, "share_pct", p->share_pct);
		json_u64(j, "domains", p->nr_domains);
		json_u64(j, "vmd_domains", p->nr_vmd_domains);
		json_u64(j, "buses", p->nr_buses);
		json_u64(j, "bridges", p->nr_bridges);
		json_u64(j, "entries_refcounted", p->nr_entries);
		json_u64(j, "alias16", p->alias16);
		json_u64(j, "alias16_false_hits", p->alias16_false_hits);
		json_u64(j, "multifunction_devices", p->nr_multifn);
		json_u64(j, "max_functions", p->max_functions);
		snprintf(dom, sizeof(dom), "%016llx",
			 (unsigned long long)p->hash);
		json_str(j, "hash", dom);
		/* Host-bridge order: the order the walk visits them in. */
		json_arr_begin(j, "domain_order");
		for (d = 0; d < p->nr_domains; d++) {
			snprintf(dom, sizeof(dom), "%04x", p->domain[d]);
			json_str(j, NULL, dom);
		}
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static int write_meta(const struct cfg *cfg, const struct topology *topo,
		      const struct population *ps, u32 nr_ps, time_t started,
		      double elapsed, const struct noise *n0,
		      const struct noise *n1)
{
	FILE *f = res_create(cfg->out, "meta.json");
	struct timespec res;
	char when[32];
	struct json j;
	u32 i;

	if (!f)
		return -errno;
	json_init(&j, f, true);
	json_obj_begin(&j, NULL);
	json_str(&j, "schema", BENCH_META_SCHEMA);
	json_i64(&j, "schema_version", BENCH_SCHEMA_VERSION);
	json_str(&j, "run_id", cfg->run_id);
	json_str(&j, "command", cfg->command);
	iso_time(when, sizeof(when), started);
	json_str(&j, "started", when);
	json_bool(&j, "complete", n1 != NULL);
	json_f64(&j, "elapsed_s", elapsed);
	json_u64(&j, "seed", cfg->p.seed);
	json_u64(&j, "share_pct", cfg->p.share_pct);
	json_u64(&j, "samples", cfg->samples);
	json_u64(&j, "visits", cfg->visits);
	json_u64(&j, "sample_ns", cfg->sample_ns);
	json_arr_begin(&j, "variants");
	for (i = 0; i < cfg->p.nr_variants; i++)
		json_str(&j, NULL, cfg->p.variant[i]->name);
	json_arr_end(&j);
	json_arr_begin(&j, "ops");
	for (i = 0; i < NR_OPS; i++)
		if (cfg->p.op[i])
			json_str(&j, NULL, bench_ops[i].name);
	json_arr_end(&j);
	json_arr_begin(&j, "n");
	for (i = 0; i < cfg->p.nr_n; i++)
		json_u64(&j, NULL, cfg->p.n[i]);
	json_arr_end(&j);
	json_obj_begin(&j, "clock");
	json_str(&j, "id", "CLOCK_MONOTONIC_RAW");
	clock_getres(CLOCK_MONOTONIC_RAW, &res);
	json_u64(&j, "resolution_ns", res.tv_sec * 1000000000ULL + res.tv_nsec);
	json_f64(&j, "read_ns", clock_read_ns);
	json_obj_end(&j);
	json_obj_begin(&j, "machine");
	topology_json(topo, &j);
	json_obj_end(&j);
	noise_json(&j, n0, n1);
	meta_populations(&j, ps, nr_ps);
	json_obj_end(&j);
	if (ferror(f) | fclose(f))
		return -EIO;
	return 0;
}

/* ---- the stdout table ---- */

static void print_table(const struct cfg *cfg, const struct topology *topo,
			double elapsed)
{
	double lo, hi, spread;
	u32 op, i;

	printf("lubench bench  run %s  seed %llu  share %u%%  %u samples of "
	       ">= %llu us in %u visits\n", cfg->run_id,
	       (unsigned long long)cfg->p.seed, cfg->p.share_pct, cfg->samples,
	       (unsigned long long)(cfg->sample_ns / 1000), cfg->visits);
	printf("%s, %s, cpu %d, L1d %llu KiB, L2 %llu KiB, L3 %llu KiB\n",
	       topo->cpu_model, topo->kernel, topo->pinned_pu,
	       (unsigned long long)topo->l1d_bytes >> 10,
	       (unsigned long long)topo->l2_bytes >> 10,
	       (unsigned long long)topo->l3_bytes >> 10);
	printf("commit %.12s%s, %s %s, sweep %.1f s\n", topo->git_commit,
	       topo->git_dirty ? "-dirty" : "", topo->compiler, topo->cflags,
	       elapsed);
	spread = canary_spread(&lo, &hi);
	printf("machine speed: empty call %.2f..%.2f ns across the visits "
	       "(%.1f%% apart)%s\n", lo, hi, spread, spread > 3 ?
	       "; a run this unsteady does not reproduce to 3%" : "");
	printf("ns/op: median of samples; +-: MAD in %% of it; restore is per "
	       "enumerated device;\nharness: the same loop with empty ops "
	       "(not subtracted)\n\n");
	printf("%-10s %7s %-8s %10s %6s %10s %12s %9s %8s\n", "op", "N",
	       "variant", "ns/op", "+-", "p99", "total ms", "vs linear",
	       "harness");
	for (op = 0; op < NR_OPS; op++) {
		bool any = false;

		for (i = 0; i < nr_summaries; i++) {
			const struct summary *s = &summaries[i];
			char sp[16] = "-";

			if (s->op != op)
				continue;
			any = true;
			if (isfinite(s->speedup))
				snprintf(sp, sizeof(sp), "%.1fx", s->speedup);
			printf("%-10s %7u %-8s %10.2f %5.1f%% %10.2f %12.3f "
			       "%9s %8.2f\n", bench_ops[op].name, s->n,
			       cfg->p.variant[s->variant]->name, s->median,
			       100 * s->mad / s->median, s->p99, s->total_ms,
			       sp, s->empty);
		}
		if (any)
			printf("\n");
	}
}

/* The restore headline: at the largest N, fastest layout vs linear. */
static void print_restore_summary(const struct cfg *cfg)
{
	const struct summary *best = NULL, *lin = NULL, *cur = NULL;
	u32 i, n = 0;

	for (i = 0; i < nr_summaries; i++)
		if (summaries[i].op == OP_RESTORE)
			n = max(n, summaries[i].n);
	for (i = 0; i < nr_summaries; i++) {
		const struct summary *s = &summaries[i];
		const char *name = cfg->p.variant[s->variant]->name;

		if (s->op != OP_RESTORE || s->n != n)
			continue;
		if (!best || s->total_ms < best->total_ms)
			best = s;
		if (!strcmp(name, "linear"))
			lin = s;
		if (!strcmp(name, "cursor"))
			cur = s;
	}
	if (!best)
		return;
	printf("restore at N=%u: fastest %s %.3f ms", n,
	       cfg->p.variant[best->variant]->name, best->total_ms);
	if (lin)
		printf(", linear %.3f ms (%.0fx)", lin->total_ms,
		       lin->total_ms / best->total_ms);
	printf("\n");
	if (cur)
		printf("cursor: %.2f ns per lookup in enumeration order "
		       "(restore at N=%u, harness included)\n",
		       cur->lookup_ns, n);
}

/* ---- the run's id and directory ---- */

/* Registration order, so tables and plots list layouts the same way. */
void bench_order_variants(const struct pci_ser_ops **variant, unsigned int nr)
{
	const struct pci_ser_ops *const *v;
	const struct pci_ser_ops *sorted[BENCH_MAX_VARIANTS];
	unsigned int k = 0, i;

	for (v = pci_ser_variants; *v && k < BENCH_MAX_VARIANTS; v++)
		for (i = 0; i < nr; i++)
			if (variant[i] == *v)
				sorted[k++] = *v;
	memcpy(variant, sorted, k * sizeof(sorted[0]));
}

void bench_run_dir(char *run_id, size_t id_len, char *out, size_t out_len,
		   const struct topology *topo, const char *suffix)
{
	time_t t = time(NULL);
	struct stat st;
	struct tm tm;
	char stamp[32];
	int i;

	localtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(run_id, id_len, "%s-%s%s", stamp, topo->hostname, suffix);
	if (out[0])
		return;
	/* results/<run-id>, next to the sources; -2, -3... if it exists. */
	snprintf(out, out_len, "%s/results/%s", topo->source_dir, run_id);
	for (i = 2; !stat(out, &st) && i < 100; i++)
		snprintf(out, out_len, "%s/results/%s-%d", topo->source_dir,
			 run_id, i);
}

/* ---- command line: one option table, which workload files are checked against ---- */

#define OPT_ERR(err, len, ...) (snprintf(err, len, __VA_ARGS__), -1)

static void cfg_defaults(struct cfg *cfg)
{
	cfg->samples = 31;
	cfg->sample_ns = 1000 * 1000;
	bench_points_init(&cfg->p, default_sizes, ARRAY_SIZE(default_sizes));
	cfg->cpu = TOPO_CPU_AUTO;
}

static int set_large(void *ctx, const char *val, char *err, size_t len)
{
	(void)val;
	(void)err;
	(void)len;
	((struct cfg *)ctx)->large = true;
	return 0;
}

static int set_reps(void *ctx, const char *val, char *err, size_t len)
{
	u64 v;

	if (lb_opt_num("--reps", val, 3, 100000, &v, err, len))
		return -1;
	((struct cfg *)ctx)->samples = v;
	return 0;
}

static int set_out(void *ctx, const char *val, char *err, size_t len)
{
	struct cfg *cfg = ctx;

	if (!*val)
		return OPT_ERR(err, len, "--out: empty path");
	if (strlen(val) >= sizeof(cfg->out))
		return OPT_ERR(err, len, "--out: path too long");
	strcpy(cfg->out, val);
	return 0;
}

static int set_cpu(void *ctx, const char *val, char *err, size_t len)
{
	struct cfg *cfg = ctx;
	u64 v;

	if (!strcmp(val, "none")) {
		cfg->cpu = TOPO_CPU_NONE;
		return 0;
	}
	if (lb_opt_num("--cpu", val, 0, MAX_CPU, &v, err, len))
		return -1;
	cfg->cpu = v;
	return 0;
}

static int set_sample_us(void *ctx, const char *val, char *err, size_t len)
{
	u64 v;

	if (lb_opt_num("--sample-us", val, 1, 10000000, &v, err, len))
		return -1;
	((struct cfg *)ctx)->sample_ns = v * 1000;
	return 0;
}

static int set_visits(void *ctx, const char *val, char *err, size_t len)
{
	u64 v;

	if (lb_opt_num("--visits", val, 1, 100000, &v, err, len))
		return -1;
	((struct cfg *)ctx)->visits = v;
	return 0;
}

static const struct lb_option bench_options[] = {
	{ "variant", "LIST", "layouts, comma-separated, or all (default):",
	  bench_variant_choices, .set = bench_set_variant },
	{ "n", "LIST", "preserved devices, comma-separated; k and M suffixes;\n"
	  "default: 16,64,256,1024,4096,16384,65536", .set = bench_set_n },
	{ "large", NULL, "add N=262144 to the list", .set = set_large },
	{ "op", "LIST", "operations, or all (default):", bench_op_choices,
	  .set = bench_set_op },
	{ "reps", "K", "timed samples per point (default 31; at least 15\n"
	  "for meaningful statistics)", .set = set_reps },
	{ "seed", "S", "population and order seed (default 1)",
	  .set = bench_set_seed },
	{ "share", "PCT", "preserved share of the enumerated devices "
	  "(default 50)", .set = bench_set_share },
	{ "out", "DIR", "result directory (default results/<run-id>)",
	  .run_sets = true, .set = set_out },
	{ "cpu", "N|none", "pin to PU N (default: the last core)",
	  .set = set_cpu },
	{ "sample-us", "US", "work per sample, microseconds (default 1000)",
	  .set = set_sample_us },
	{ "visits", "V", "spread each point's samples over V passes through "
	  "all\npoints, each with a warm-up (default 8)", .set = set_visits },
	{ }
};

/* What no single option can tell, and the defaults of what is not given. */
static int bench_finish(void *ctx, char *err, size_t len)
{
	struct cfg *cfg = ctx;

	if (!cfg->visits)
		cfg->visits = min(8U, cfg->samples);
	if (cfg->visits > cfg->samples)
		return OPT_ERR(err, len, "--visits must be 1..--reps (%u)",
			       cfg->samples);
	if (cfg->large) {
		if (!cfg->p.nr_n && bench_set_n(&cfg->p, "default", err, len))
			return -1;
		if (bench_points_add_n(&cfg->p, LARGE_SIZE, err, len))
			return -1;
	}
	return bench_points_finish(&cfg->p, err, len);
}

static void *bench_ctx_new(void)
{
	struct cfg *cfg = calloc(1, sizeof(*cfg));

	if (cfg)
		cfg_defaults(cfg);
	return cfg;
}

const struct lb_stage bench_stage = {
	.name		= "bench",
	.opts		= bench_options,
	.ctx_new	= bench_ctx_new,
	.finish		= bench_finish,
	.ctx_free	= free,
};

static void usage(FILE *f)
{
	int i;

	fprintf(f, "usage: lubench bench");
	lb_options_synopsis(f, bench_options, 21);
	fprintf(f, "\n");
	lb_options_help(f, bench_options);
	fprintf(f, "\nOne op of each, as ns/op counts it:\n");
	for (i = 0; i < NR_OPS; i++) {
		const char *w = bench_ops[i].what, *nl;

		fprintf(f, "  %-11s ", bench_ops[i].name);
		while ((nl = strchr(w, '\n'))) {
			fprintf(f, "%.*s\n%14s", (int)(nl - w), w, "");
			w = nl + 1;
		}
		fprintf(f, "%s\n", w);
	}
	fprintf(f,
"\n"
"Writes DIR/results.jsonl, results.csv, meta.json (results/SCHEMA.md),\n"
"a table on stdout and progress on stderr.\n"
"Exit: 0 done, 1 usage, 2 a layout answered wrongly, 3 system error.\n");
}

static void record_command(struct cfg *cfg, int argc, char **argv)
{
	size_t at = 0;
	int i;

	for (i = 0; i < argc && at < sizeof(cfg->command) - 1; i++)
		at += snprintf(cfg->command + at, sizeof(cfg->command) - at,
			       "%s%s", i ? " " : "", argv[i]);
}

static void parse_args(struct cfg *cfg, int argc, char **argv)
{
	char err[256];

	cfg_defaults(cfg);
	record_command(cfg, argc, argv);
	switch (lb_options_parse(&bench_stage, cfg, argc, argv, err,
				 sizeof(err))) {
	case 0:
		break;
	case 1:
		usage(stdout);
		exit(0);
	default:
		if (!err[0]) {
			usage(stderr);
			exit(LB_EXIT_USAGE);
		}
		lb_die(LB_EXIT_USAGE, "%s", err);
	}
	if (cfg->samples < 15)
		fprintf(stderr, "lubench-bench: warning: %u samples: p99 and "
			"MAD mean little below 15\n", cfg->samples);
}

/* ---- main ---- */

static void measure_clock(void)
{
	u64 t0, t1, sink = 0;
	int i;

	t0 = now_ns();
	for (i = 0; i < 100000; i++)
		sink += now_ns();
	t1 = now_ns();
	clock_read_ns = (double)(t1 - t0) / 100000;
	if (!sink)
		fprintf(stderr, "lubench-bench: the clock does not move\n");
}

/* Let the core leave any idle or low-frequency state before measuring. */
static void spin_up(void)
{
	u64 end = now_ns() + 200 * 1000 * 1000ULL;

	while (now_ns() < end)
		;
}

int bench_main(int argc, char **argv)
{
	static struct cfg cfg;
	struct topology topo;
	struct run run = { .cfg = &cfg };
	struct noise n0, n1;
	time_t started = time(NULL);
	double elapsed, lo, hi;
	int err;

	lb_die_setup("lubench-bench", false);

	parse_args(&cfg, argc, argv);
	err = topology_probe(&topo, cfg.cpu);
	if (err)
		lb_die(LB_EXIT_SYSTEM, "topology / pinning to cpu %d: %s%s%s",
		    cfg.cpu, strerror(-err), topo.pin_note[0] ? ": " : "",
		    topo.pin_note);
	if (topo.pinned_pu < 0 && cfg.cpu != TOPO_CPU_NONE)
		fprintf(stderr, "lubench-bench: warning: not pinned: %s\n",
			topo.pin_note);
	run.cpu = topo.pinned_pu;
	bench_run_dir(cfg.run_id, sizeof(cfg.run_id), cfg.out, sizeof(cfg.out),
		      &topo, "");
	/*
	 * Keep freed memory in the heap: a table freed after one sample is
	 * reused by the next, so samples do not pay the kernel's page faults
	 * for fresh mappings, as the module's kvzalloc would not either.
	 */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, INT_MAX);
	err = res_open(&run.w, cfg.out, BENCH_SCHEMA, BENCH_SCHEMA_VERSION,
		       csv_columns);
	if (err)
		lb_die(LB_EXIT_SYSTEM, "%s: %s", cfg.out, strerror(-err));
	measure_clock();
	noise_read(&n0, topo.pinned_pu);
	if (n0.loadavg >= 0.5)
		fprintf(stderr, "lubench-bench: warning: load average %.2f: "
			"other work is running, expect noise\n", n0.loadavg);
	if (write_meta(&cfg, &topo, NULL, 0, started, 0, &n0, NULL))
		lb_die(LB_EXIT_SYSTEM, "%s/meta.json: %s", cfg.out, strerror(errno));
	fprintf(stderr, "bench: run %s -> %s (cpu %d)\n", cfg.run_id, cfg.out,
		topo.pinned_pu);
	spin_up();
	run.t_start = now_ns();
	run_setup(&run);
	run_visits(&run);
	run_emit(&run);
	elapsed = since(&run);
	noise_read(&n1, topo.pinned_pu);
	if (res_close(&run.w))
		lb_die(LB_EXIT_SYSTEM, "writing results in %s", cfg.out);
	if (write_meta(&cfg, &topo, run.pop, cfg.p.nr_n, started, elapsed, &n0,
		       &n1))
		lb_die(LB_EXIT_SYSTEM, "%s/meta.json: %s", cfg.out, strerror(errno));
	print_table(&cfg, &topo, elapsed);
	print_restore_summary(&cfg);
	printf("\n");
	if (findings_print(stdout, "lubench-bench", cfg.out, NULL, 96, false))
		lb_die(LB_EXIT_SYSTEM, "%s: the findings could not read the rows",
		    cfg.out);
	if (canary_spread(&lo, &hi) > 3)
		fprintf(stderr, "lubench-bench: warning: the machine's speed "
			"changed by %.0f%% during the run (empty call %.2f..%.2f "
			"ns): compare runs with care\n",
			canary_spread(&lo, &hi), lo, hi);
	fprintf(stderr, "bench: done in %.1f s: %s\n", elapsed, cfg.out);
	run_teardown(&run);
	free(summaries);
	free(canary_ns);
	topology_release();
	return 0;
}
