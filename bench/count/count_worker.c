// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-count-worker: the process `lubench count` runs under callgrind,
 * one per N.  It builds the benchmark's population and each layout's
 * table, and counts a fixed number of operations per point with
 * callgrind's client requests: collection is on only around the
 * operations, and every region ends in a dump of its own, which the
 * driver reads (results/SCHEMA.md says what a point counts).
 *
 * Each layout, and each op of a layout, runs in a child forked from the
 * same state, so a point's count depends on nothing but its own
 * (N, layout, op, seed, share, ops): not on which other layouts or ops
 * were asked for, nor on what they left in the heap or in a hint.
 *
 * Input: one line on stdin, so that argv (and with it the stack layout)
 * is the same for every run: "n=N share=PCT seed=S ops=K variant=A,B
 * op=X,Y".  Output: one JSON line per point on stdout naming its dumps.
 * Exit 0, 1 bad input, 2 a layout answered wrongly, 3 system error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <valgrind/callgrind.h>

#include "die.h"
#include "bench.h"
#include "count_proto.h"
#include "numparse.h"
#include "pci_ser.h"
#include "pci_ser_blob.h"
#include "population.h"
#include "results.h"

/*
 * The marks of the benchmark's loops switch collection on and off: on at
 * mark_on, off at mark_off, so only the op a point counts is counted.
 * The few instructions of the switch itself are the same in every region
 * and show in the empty loop's count.
 */
static int mark_on = -1, mark_off = -1;

static inline u64 count_mark(int i)
{
	if (i == mark_on || i == mark_off)
		CALLGRIND_TOGGLE_COLLECT;
	return 0;
}

#define LOOP_MARK(i)	count_mark(i)
#include "timed_loops.h"


struct wcfg {
	u32 n;
	u32 share_pct;
	u64 seed;
	u32 ops;
	const struct pci_ser_ops *variant[COUNT_MAX_VARIANTS];
	u32 nr_variants;
	bool op[NR_OPS];
};

/* One layout at one N: the table user space filled, and its blob. */
struct wctx {
	const struct wcfg *cfg;
	const struct population *pop;
	const struct pci_ser_ops *ops;
	struct pci_ser ser;
	void *blob;
	size_t blob_len;
	u64 table_bytes;
	struct pci_ser_id *hit_keys;	/* the preserved, in lookup order */
	bool counted;			/* refcounted rules: bridges along */
	u32 entries;			/* the table's entries when full */
	const u32 *prefix;		/* entries among the first i enumerated */
	unsigned int dumps;		/* made by this process so far */
};

/* What one point reports besides its dumps. */
struct wpoint {
	enum bench_op_id op;
	const char *method;
	u64 ops;		/* operations counted */
	u64 ops_per_total;
	u64 lookups;		/* restore: lookups counted (the window) */
	u64 level_min, level_max;
	bool extrapolated;
	u64 checked;
	int dump_ops, dump_retrieve, dump_lookups, dump_empty;
};

static void __attribute__((noreturn))
wrong(const struct wctx *c, const char *op, const char *what, u64 got,
      u64 want)
{
	lb_die(LB_EXIT_WRONG, "%s at N=%u: %s %s: got %llu, expected %llu",
	    c->ops->name, c->pop->nr_preserved, op, what,
	    (unsigned long long)got, (unsigned long long)want);
}

/* ---- counting: regions and their dumps ---- */

/* Count what lies between marks @on and @off of the next loop. */
static void count_marks(int on, int off)
{
	mark_on = on;
	mark_off = off;
}

/* Close a region: its events go to a dump the driver finds by name. */
static int dump(struct wctx *c, const char *op, const char *part)
{
	char name[COUNT_MAX_NAME];

	snprintf(name, sizeof(name), "%s/%s/%s", c->ops ? c->ops->name : "-",
		 op, part);
	CALLGRIND_DUMP_STATS_AT(name);
	return (int)++c->dumps;
}

/* ---- one point: the benchmark's loop, a fixed number of ops ---- */

static void find_point(struct wctx *c, struct wpoint *p)
{
	const struct population *pop = c->pop;
	bool hit = p->op == OP_FIND_HIT;
	const char *name = bench_op_name(p->op);
	struct lookups l = {
		.find = c->ops->find,
		.ser = &c->ser,
		.key = hit ? c->hit_keys : c->counted ? pop->absent_rc :
		       pop->absent,
		.nr_keys = hit ? pop->nr_preserved : c->counted ?
			   pop->nr_absent_rc : pop->nr_absent,
	};
	struct lookups e = l;

	p->method = "batch";
	p->ops = c->cfg->ops;
	p->extrapolated = p->ops < l.nr_keys;
	count_marks(0, 1);
	time_lookups(&l, p->ops);
	p->dump_ops = dump(c, name, "ops");
	if (l.hits != (hit ? p->ops : 0))
		wrong(c, name, "hits", l.hits, hit ? p->ops : 0);
	p->checked = p->ops;
	e.find = empty_find;
	time_lookups(&e, p->ops);
	p->dump_empty = dump(c, name, "empty");
}

/* churn_point under refcounted rules: the front end, with paths. */
static void churn_dev_point(struct wctx *c, struct wpoint *p, u32 k,
			    u64 rounds)
{
	u32 n = c->pop->nr_preserved;
	const char *name = bench_op_name(p->op);
	u64 t = 0;
	struct churn_dev ch = {
		.unpreserve = fe_unpreserve,
		.preserve = fe_preserve,
		.ser = &c->ser,
		.key = lb_xcalloc(n, sizeof(struct pci_ser_dev)),
		.nr_keys = n,
		.k = k,
		.capacity = c->pop->nr,
	};

	memcpy(ch.key, c->pop->preserved_dev, n * sizeof(*ch.key));
	rng_seed(&ch.rng, c->cfg->seed ^ COUNT_CHURN_SEED);
	p->method = "churn";
	p->ops = rounds * k;
	p->level_min = n - k;
	p->level_max = n;
	p->extrapolated = true;
	if (p->op == OP_UNPRESERVE)
		count_marks(0, 1);
	else
		count_marks(1, 2);
	time_churn_dev(&ch, rounds, &t, &t);
	p->dump_ops = dump(c, name, "ops");
	if (ch.err)
		lb_die(LB_EXIT_WRONG, "%s at N=%u: preserve/unpreserve failed (%d)",
		    c->ops->name, n, ch.err);
	if (c->ser.nr_devices != c->entries)
		wrong(c, name, "entries left", c->ser.nr_devices, c->entries);
	p->checked = 2 * p->ops;
	ch.unpreserve = ch.preserve = empty_dev_update;
	time_churn_dev(&ch, rounds, &t, &t);
	p->dump_empty = dump(c, name, "empty");
	free(ch.key);
}

/*
 * The benchmark's churn, rounds of k draws: only @p's half of each round
 * (unpreserves between marks 0 and 1, preserves between 1 and 2) counts.
 */
static void churn_point(struct wctx *c, struct wpoint *p)
{
	u32 n = c->pop->nr_preserved;
	u32 k = max(1U, min(n / 4, (u32)COUNT_CHURN_K));
	u64 rounds = (c->cfg->ops + k - 1) / k, t = 0;
	const char *name = bench_op_name(p->op);
	struct churn ch = {
		.unpreserve = c->ops->unpreserve,
		.preserve = c->ops->preserve,
		.ser = &c->ser,
		.key = lb_xcalloc(n, sizeof(struct pci_ser_id)),
		.nr_keys = n,
		.k = k,
	};

	memcpy(ch.key, c->pop->preserved, n * sizeof(*ch.key));
	rng_seed(&ch.rng, c->cfg->seed ^ COUNT_CHURN_SEED);
	if (c->counted) {
		free(ch.key);
		churn_dev_point(c, p, k, rounds);
		return;
	}
	p->method = "churn";
	p->ops = rounds * k;
	p->level_min = n - k;
	p->level_max = n;
	p->extrapolated = true;
	if (p->op == OP_UNPRESERVE)
		count_marks(0, 1);
	else
		count_marks(1, 2);
	time_churn(&ch, rounds, &t, &t);
	p->dump_ops = dump(c, name, "ops");
	if (ch.err)
		lb_die(LB_EXIT_WRONG, "%s at N=%u: preserve/unpreserve failed (%d)",
		    c->ops->name, n, ch.err);
	if (c->ser.nr_devices != n)
		wrong(c, name, "devices left", c->ser.nr_devices, n);
	p->checked = 2 * p->ops;
	ch.unpreserve = ch.preserve = empty_update;
	time_churn(&ch, rounds, &t, &t);
	p->dump_empty = dump(c, name, "empty");
	free(ch.key);
}

static void check_retrieved(const struct wctx *c, const struct pci_ser *s,
			    u32 bad, const char *op)
{
	if (bad)
		lb_die(LB_EXIT_WRONG, "%s at N=%u: %s: its own blob was refused",
		    c->ops->name, c->pop->nr_preserved, op);
	if (s->nr_devices != c->entries || !s->priv)
		wrong(c, op, "entries", s->nr_devices, c->entries);
}

/* One whole retrieve of the blob the full table wrote. */
static void retrieve_point(struct wctx *c, struct wpoint *p)
{
	struct pci_ser in = { };
	u32 bad = 0;

	p->method = "batch";
	p->ops = c->pop->nr_preserved;
	count_marks(0, 1);
	time_retrieves(pci_ser_blob_retrieve, &in, 1, c->blob, c->blob_len,
		       c->ops, &bad);
	p->dump_ops = dump(c, "retrieve", "ops");
	check_retrieved(c, &in, bad, "retrieve");
	p->checked = 1;
	pci_ser_destroy(&in);
	time_retrieves(empty_retrieve, &in, 1, c->blob, c->blob_len, c->ops,
		       &bad);
	p->dump_empty = dump(c, "retrieve", "empty");
}

/*
 * The benchmark's restore: a retrieve, then the lookups of a window of
 * min(K, enumerated) consecutive enumerated devices from a seeded start
 * (the whole enumeration when it fits), run twice: once counting the
 * retrieve (marks 0 to 1), once the lookups (1 to 2).  The driver scales
 * the window to the whole enumeration.
 */
static void restore_point(struct wctx *c, struct wpoint *p)
{
	const struct population *pop = c->pop;
	u32 w = min(c->cfg->ops, pop->nr), first = 0;
	struct restore r = {
		.retrieve = pci_ser_blob_retrieve,
		.find = c->ops->find,
		.blob = c->blob,
		.len = c->blob_len,
		.want = c->ops,
		.dev = pop->dev,
	};
	struct pci_ser in = { };
	struct rng rng;
	u64 t = 0, want;

	if (w < pop->nr) {
		rng_seed(&rng, c->cfg->seed ^ COUNT_WINDOW_SEED);
		first = rng_below(&rng, pop->nr - w + 1);
	}
	p->method = w < pop->nr ? "window" : "full";
	p->ops = w;
	p->lookups = w;
	p->extrapolated = w < pop->nr;
	want = c->prefix[first + w] - c->prefix[first];

	count_marks(0, 1);
	time_restore(&r, &in, first, w, &t, &t);
	p->dump_retrieve = dump(c, "restore", "retrieve");
	check_retrieved(c, &in, r.bad, "restore");
	pci_ser_destroy(&in);
	r.hits = 0;
	count_marks(1, 2);
	time_restore(&r, &in, first, w, &t, &t);
	p->dump_lookups = dump(c, "restore", "lookups");
	check_retrieved(c, &in, r.bad, "restore");
	if (r.hits != want)
		wrong(c, "restore", "hits", r.hits, want);
	p->checked = w;
	pci_ser_destroy(&in);

	r.retrieve = empty_retrieve;
	r.find = empty_find;
	count_marks(0, 2);
	time_restore(&r, &in, first, w, &t, &t);
	p->dump_empty = dump(c, "restore", "empty");
}

/* preserve-dup: K preserves of held devices, each -EBUSY. */
static void dup_point(struct wctx *c, struct wpoint *p)
{
	const struct population *pop = c->pop;
	struct pci_ser_dev *key = lb_xcalloc(pop->nr_preserved, sizeof(*key));
	struct dups d = {
		.preserve = fe_preserve,
		.ser = &c->ser,
		.key = key,
		.nr_keys = pop->nr_preserved,
		.capacity = pop->nr,
	};
	struct dups e;
	u32 i;

	for (i = 0; i < pop->nr_preserved; i++) {
		key[i].domain = c->hit_keys[i].domain;
		key[i].bdf = c->hit_keys[i].bdf;
	}
	p->method = "batch";
	p->ops = c->cfg->ops;
	p->extrapolated = p->ops < d.nr_keys;
	count_marks(0, 1);
	time_dups(&d, p->ops);
	p->dump_ops = dump(c, "preserve-dup", "ops");
	if (d.busy != p->ops)
		wrong(c, "preserve-dup", "-EBUSY answers", d.busy, p->ops);
	if (c->ser.nr_devices != c->entries)
		wrong(c, "preserve-dup", "entries", c->ser.nr_devices,
		      c->entries);
	p->checked = p->ops;
	e = d;
	e.preserve = empty_dev_update;
	time_dups(&e, p->ops);
	p->dump_empty = dump(c, "preserve-dup", "empty");
	free(key);
}

/* fill and grow: one table prepared uncounted, its preserves counted. */
static void fills_count(struct wctx *c, struct wpoint *p, struct fills *f,
			const char *name, u32 want)
{
	struct pci_ser s;

	if (fills_setup(f, &s, 1))
		lb_die(LB_EXIT_SYSTEM, "%s: %s: its setup failed", c->ops->name,
		    name);
	count_marks(0, 1);
	time_fills(f, &s, 1);
	p->dump_ops = dump(c, name, "ops");
	if (f->err)
		lb_die(LB_EXIT_WRONG, "%s at N=%u: %s: a preserve failed (%d)",
		    c->ops->name, c->pop->nr_preserved, name, f->err);
	if (want && s.nr_devices != want)
		wrong(c, name, "entries", s.nr_devices, want);
	pci_ser_destroy(&s);
	f->preserve = empty_dev_update;
	if (fills_setup(f, &s, 1))
		lb_die(LB_EXIT_SYSTEM, "%s: %s: its setup failed", c->ops->name,
		    name);
	time_fills(f, &s, 1);
	p->dump_empty = dump(c, name, "empty");
	pci_ser_destroy(&s);
}

/* fill: the N preserves into an empty table, one whole fill. */
static void fill_point(struct wctx *c, struct wpoint *p)
{
	struct fills f = {
		.preserve = fe_preserve,
		.ops = c->ops,
		.dev = c->pop->preserved_dev,
		.last = c->pop->nr_preserved,
		.capacity = c->pop->nr,
	};

	p->method = "full";
	p->ops = c->pop->nr_preserved;
	fills_count(c, p, &f, "fill", c->entries);
	p->checked = 1;
}

/* grow: the preserve that adds a block (grow_at()), counted once. */
static void grow_point(struct wctx *c, struct wpoint *p)
{
	bool grew;
	u32 g = grow_at(c->ops, c->pop, &grew);
	struct fills f = {
		.preserve = fe_preserve,
		.ops = c->ops,
		.dev = c->pop->preserved_dev,
		.first = g - 1,
		.last = g,
		.capacity = c->pop->nr,
	};

	if (!g)
		lb_die(LB_EXIT_WRONG, "%s: grow: a preserve failed", c->ops->name);
	p->method = grew ? "block" : "plain";
	p->ops = 1;
	p->level_min = p->level_max = g - 1;
	fills_count(c, p, &f, "grow", 0);
	p->checked = 1;
}

/* ---- output: one line per point, for the driver ---- */

static void json_dump(struct json *j, const char *key, int d)
{
	if (d)
		json_u64(j, key, d);
	else
		json_null(j, key);
}

static void report(const struct wctx *c, const struct wpoint *p)
{
	const struct population *pop = c->pop;
	char hash[24];
	struct json j;

	snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)pop->hash);
	json_init(&j, stdout, false);
	json_obj_begin(&j, NULL);
	json_str(&j, "schema", COUNT_PROTO_SCHEMA);
	json_u64(&j, "schema_version", COUNT_PROTO_VERSION);
	json_str(&j, "variant", c->ops->name);
	json_str(&j, "rules", pci_ser_rules_name(c->ops->rules));
	json_str(&j, "op", bench_op_name(p->op));
	json_u64(&j, "n", pop->nr_preserved);
	json_u64(&j, "entries", c->entries);
	json_u64(&j, "enumerated", pop->nr);
	json_u64(&j, "capacity", c->ser.capacity);
	json_u64(&j, "share_pct", pop->share_pct);
	json_u64(&j, "seed", c->cfg->seed);
	json_str(&j, "population_hash", hash);
	json_str(&j, "method", p->method);
	json_u64(&j, "ops", p->ops);
	json_u64(&j, "ops_per_total", p->ops_per_total);
	json_u64(&j, "lookups", p->lookups);
	json_u64(&j, "level_min", p->level_min);
	json_u64(&j, "level_max", p->level_max);
	json_bool(&j, "extrapolated", p->extrapolated);
	json_u64(&j, "checked", p->checked);
	json_u64(&j, "table_bytes", c->table_bytes);
	json_u64(&j, "payload_bytes",
		 c->blob_len - sizeof(struct pci_ser_blob_hdr));
	json_u64(&j, "blob_bytes", c->blob_len);
	json_i64(&j, "pid", getpid());
	json_dump(&j, "dump_ops", p->dump_ops);
	json_dump(&j, "dump_retrieve", p->dump_retrieve);
	json_dump(&j, "dump_lookups", p->dump_lookups);
	json_dump(&j, "dump_empty", p->dump_empty);
	json_obj_end(&j);
	if (fflush(stdout))
		lb_die(LB_EXIT_SYSTEM, "writing the report: %s", strerror(errno));
}

/* ---- one layout: its table, then each op in a child of its own ---- */

/*
 * How each of the benchmark's ops (bench_ops[] in bench.c) is counted.
 * An op added there without a line here is refused when asked for.
 */
static void (*const count_point[NR_OPS])(struct wctx *, struct wpoint *) = {
	[OP_PRESERVE]	= churn_point,
	[OP_UNPRESERVE]	= churn_point,
	[OP_FIND_HIT]	= find_point,
	[OP_FIND_MISS]	= find_point,
	[OP_RETRIEVE]	= retrieve_point,
	[OP_RESTORE]	= restore_point,
	[OP_PRESERVE_DUP] = dup_point,
	[OP_FILL]	= fill_point,
	[OP_GROW]	= grow_point,
};

static void run_op(struct wctx *c, enum bench_op_id op)
{
	struct wpoint p = { .op = op };

	p.ops_per_total = bench_total_of(op, c->pop);
	count_point[op](c, &p);
	report(c, &p);
}

/* Run @fn(@arg) in a child, from this process's state; its exit code. */
static void in_child(void (*fn)(void *, int), void *arg, int i)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		lb_die(LB_EXIT_SYSTEM, "fork: %s", strerror(errno));
	if (!pid) {
		fn(arg, i);
		fflush(NULL);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0)
		lb_die(LB_EXIT_SYSTEM, "waitpid: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	/* The child said why; pass its verdict on. */
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : LB_EXIT_SYSTEM);
}

static void op_child(void *arg, int op)
{
	struct wctx *c = arg;

	c->dumps = 0;
	CALLGRIND_START_INSTRUMENTATION;
	run_op(c, op);
	CALLGRIND_STOP_INSTRUMENTATION;
}

static void variant_child(void *arg, int v)
{
	struct wctx *c = arg;
	int op;

	c->ops = c->cfg->variant[v];
	c->counted = pci_ser_rules_refcounted(c->ops->rules);
	c->entries = c->counted ? c->pop->nr_entries : c->pop->nr_preserved;
	c->prefix = c->counted ? c->pop->entry_prefix : c->pop->prefix;
	/* The table as user space filled it, as the benchmark builds it. */
	bench_build_table(&c->ser, c->ops, c->pop, c->entries, false,
			  &c->table_bytes, &c->blob, &c->blob_len);
	for (op = 0; op < NR_OPS; op++)
		if (c->cfg->op[op])
			in_child(op_child, c, op);
}

/*
 * Which memcpy, memmove and memset glibc chose for the CPU valgrind
 * shows it: the driver reads their names from this dump.  Counts compare
 * only between runs that used the same ones.
 */
static void probe_string_functions(struct wctx *c)
{
	static volatile size_t len = 4096;
	char *a = lb_xcalloc(1, 2 * len), *b = lb_xcalloc(1, 2 * len);

	CALLGRIND_START_INSTRUMENTATION;
	CALLGRIND_TOGGLE_COLLECT;
	memcpy(b, a, len);
	memmove(a + 1, a, len);
	memset(b, 1, len);
	CALLGRIND_TOGGLE_COLLECT;
	dump(c, "probe", "string");
	CALLGRIND_STOP_INSTRUMENTATION;
	printf("{\"schema\":\"%s\",\"schema_version\":%d,\"probe\":\"string\","
	       "\"pid\":%d,\"dump_ops\":1}\n", COUNT_PROTO_SCHEMA,
	       COUNT_PROTO_VERSION, (int)getpid());
	free(a);
	free(b);
}

/* ---- input ---- */

static void add_list(struct wcfg *cfg, const char *key, char *list)
{
	char *save = NULL, *tok;
	int i;

	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(key, "variant")) {
			if (cfg->nr_variants == COUNT_MAX_VARIANTS ||
			    !pci_ser_variant(tok))
				lb_die(LB_EXIT_USAGE, "bad variant '%s'", tok);
			cfg->variant[cfg->nr_variants++] = pci_ser_variant(tok);
			continue;
		}
		i = bench_op_index(tok);
		if (i < 0)
			lb_die(LB_EXIT_USAGE, "bad op '%s'", tok);
		if (!count_point[i])
			lb_die(LB_EXIT_USAGE, "op '%s' has no counted loop "
			    "(count_worker.c: count_point[])", tok);
		cfg->op[i] = true;
	}
}

static void parse_word(struct wcfg *cfg, char *word)
{
	char *v = strchr(word, '=');
	u64 x;

	if (!v)
		lb_die(LB_EXIT_USAGE, "bad input word '%s'", word);
	*v++ = '\0';
	if (!strcmp(word, "variant") || !strcmp(word, "op")) {
		add_list(cfg, word, v);
		return;
	}
	if (lb_parse_u64(v, 1, UINT32_MAX, &x))
		lb_die(LB_EXIT_USAGE, "bad %s '%s'", word, v);
	if (!strcmp(word, "n"))
		cfg->n = x;
	else if (!strcmp(word, "share"))
		cfg->share_pct = x;
	else if (!strcmp(word, "seed"))
		cfg->seed = x;
	else if (!strcmp(word, "ops"))
		cfg->ops = x;
	else
		lb_die(LB_EXIT_USAGE, "unknown input word '%s'", word);
}

static void read_cfg(struct wcfg *cfg)
{
	char line[4096], *save = NULL, *w;

	if (!fgets(line, sizeof(line), stdin) || !strchr(line, '\n'))
		lb_die(LB_EXIT_USAGE, "no input line on stdin (see the header)");
	line[strcspn(line, "\n")] = '\0';
	for (w = strtok_r(line, " ", &save); w; w = strtok_r(NULL, " ", &save))
		parse_word(cfg, w);
	if (!cfg->n || !cfg->share_pct || cfg->share_pct > 100 || !cfg->ops ||
	    !cfg->nr_variants)
		lb_die(LB_EXIT_USAGE, "input needs n, share (1..100), ops, variant");
}

int main(void)
{
	static struct population pop;
	static struct wcfg cfg;
	struct wctx c = { .cfg = &cfg, .pop = &pop };
	struct pci_ser_id *keys;
	struct rng rng;
	u32 v;
	int err;

	lb_die_setup("lubench-count-worker", true);
	read_cfg(&cfg);
	err = population_make(&pop, cfg.n, cfg.share_pct, cfg.seed);
	if (err)
		lb_die(LB_EXIT_SYSTEM, "population of %u: %s", cfg.n, strerror(-err));
	/* One lookup order for every layout, whichever were asked for. */
	keys = lb_xcalloc(pop.nr_preserved, sizeof(*keys));
	memcpy(keys, pop.preserved, pop.nr_preserved * sizeof(*keys));
	rng_seed(&rng, cfg.seed ^ COUNT_KEYS_SEED);
	rng_shuffle(&rng, keys, pop.nr_preserved, sizeof(*keys));
	c.hit_keys = keys;
	probe_string_functions(&c);
	for (v = 0; v < cfg.nr_variants; v++)
		in_child(variant_child, &c, v);
	free(keys);
	population_free(&pop);
	return 0;
}
