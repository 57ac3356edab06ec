// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-dev: the tool run inside the guest to inspect the module, time
 * the table operations through ioctl, batched ioctl and io_uring, and
 * drive the live-update cycle (cycle-preserve, -freeze, -restore).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cycle_plan.h"
#include "dev_stress.h"
#include "guest_paths.h"
#include "lubench_dev.h"
#include "lubench_version.h"
#include "numparse.h"
#include "results.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Every line this tool prints (results/GUEST-PROTOCOL.md). */
#define GUEST_SCHEMA		"lubench-guest"
#define GUEST_SCHEMA_VERSION	1


#define PATH_NAME(e, name)	[e] = name,
#define PATH_ENUM(e, name)	e,
enum bench_path { LB_FOR_EACH_GUEST_PATH(PATH_ENUM) P_NR };
static const char *const path_names[] = {
	LB_FOR_EACH_GUEST_PATH(PATH_NAME)
};

static const char *const phase_names[] = {
	[LUBENCH_OP_PRESERVE]	= "preserve",
	[LUBENCH_OP_UNPRESERVE]	= "unpreserve",
	[LUBENCH_OP_FIND]	= "find",
};

static void usage(void)
{
	const char *f;
	uint32_t i;

	fprintf(stderr,
"usage: lubench-dev [--dev PATH] COMMAND [ARGS] | --version\n"
"  info                      module, population and table state (JSON)\n"
"  variants                  the layouts the module knows (JSON)\n"
"  list [--own] [--no-vf]    devices the module sees, one per line\n"
"  preserve|unpreserve|find DDDD:BB:DD.F\n"
"  reset [table|stats|hotplug|all]...\n"
"  hotplug N                 add N functions in new domains\n"
"  stats [--reset]           kernel counters (JSON)\n"
"  bench [--variant NAME|all] [--path ioctl|batch|uring|uring-batch|all]\n"
"        [--n N] [--batch B] [--reps R] [--seed S] [--cpu C]\n"
"        preserve, find and unpreserve N of the module's devices (default\n"
"        all but VFs) in batches of B (default 256); one JSON line per\n"
"        batch with user and in-kernel times, and one per phase\n"
"  cycle-preserve --list FILE [--variant NAME] [--n M] [--seed S]\n"
"        preserve M endpoints picked by a seeded shuffle; write the table\n"
"        to come back to FILE: them, and the bridges above them under\n"
"        refcounted rules, with their refcounts (\"DDDD:BB:DD.F REF\")\n"
"  cycle-freeze [--none] [--fault FAULT] [--cycle K] [--list FILE]\n"
"        hand the table over for kexec (JSON on stdout, marker on stderr)\n"
"  cycle-restore [--list FILE] [--missing FILE] [--expect ok|refused]\n"
"                [--cycle K]\n"
"        after the jump: retrieve the list's devices, finish, verify the\n"
"        set and every refcount (JSON); --missing: the devices of the\n"
"        list this kernel does not have (soak-stress --keep-plugged)\n"
"  guest-info                the guest's kernel and CPU model (JSON)\n"
"  cycle-plan --plan FILE --kexec-checks 0|1\n"
"        check the plan; its line for the results (JSON)\n"
"  cycle-step --plan FILE [--cycle K]\n"
"        jump K of the plan as shell assignments (plan_variant=...)\n"
"  soak-stress --variant NAME --list FILE [--threads T] [--ops K] [--seed S]\n"
"              [--hotplug E]  E hot-plug events beside the threads\n"
"              [--fail-alloc A]  one allocation in 1..A made to fail\n"
"              [--keep-plugged FILE]  then one function hot-plugged,\n"
"              preserved and kept for the jump; FILE lists it\n"
"        [--cycle K]  T threads on their own endpoints by ioctl, batch,\n"
"        uring_cmd and uring batch at once, K ops each, checked against\n"
"        their models, then the whole table; the table to hand over to\n"
"        FILE (JSON)\n"
"  soak-clock --start FILE [--limit-ms MS] [--stage S]\n"
"        ms on the TSC since FILE was written (written when missing);\n"
"        exit 3 once past MS (JSON)\n"
"  dmesg-check [--where TEXT] [--cycle K] [--stage S]\n"
"        this kernel's log: exit 1 on WARNING, BUG, Oops, KASAN,\n"
"        UBSAN or \"cut here\" (JSON)\n"
"Every JSON line is one object of results/GUEST-PROTOCOL.md.\n"
"FAULT:");
	for (i = 0; (f = lbdev_fault_name(i)); i++)
		fprintf(stderr, " %s", f);
	fprintf(stderr, "\n");
	exit(2);
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "lubench-dev: %s: %s\n", what, strerror(-err));
	return 1;
}

/* A row of type @type; emit() prints it through the one writer. */
static void row_begin(struct res_row *r, const char *type)
{
	res_row_reset(r);
	res_add_str(r, "type", type);
}

static int emit(const struct res_row *r)
{
	return res_line(stdout, GUEST_SCHEMA, GUEST_SCHEMA_VERSION, r);
}

/* A 64-bit hash as the lines carry it: 16 hex digits, a string. */
static const char *hex64(char buf[17], uint64_t v)
{
	snprintf(buf, 17, "%016" PRIx64, v);
	return buf;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

#define TOPOLOGY_NAME(id, nr, name) [nr] = name,
static const char *const topology_names[] = {
	LUBENCH_FOR_EACH_TOPOLOGY(TOPOLOGY_NAME)
};
#undef TOPOLOGY_NAME

static const char *topology_name(uint32_t t)
{
	return t < LUBENCH_NR_TOPOLOGIES ? topology_names[t] : "?";
}

static const char *const rules_names[] = {
	[LUBENCH_RULES_V2]	= "v2",
	[LUBENCH_RULES_V6]	= "v6",
	[LUBENCH_RULES_KHO]	= "kho-blocks",
};

static const char *rules_name(uint32_t r)
{
	return r <= LUBENCH_RULES_KHO ? rules_names[r] : "?";
}

static void print_info(const struct lubench_info *in)
{
	struct res_row r;

	row_begin(&r, "lubench-dev-info");
	res_add_u64(&r, "abi", in->abi_version);
	res_add_u64(&r, "functions", in->nr_functions);
	res_add_u64(&r, "vfs", in->nr_vfs);
	res_add_u64(&r, "domains", in->nr_domains);
	res_add_u64(&r, "root_buses", in->nr_root_buses);
	res_add_u64(&r, "bridges", in->nr_bridges);
	res_add_str(&r, "topology", topology_name(in->topology));
	res_add_u64(&r, "pci_devs", in->nr_pci_devs);
	res_add_u64(&r, "variants", in->nr_variants);
	res_add_u64(&r, "variant", in->variant);
	res_add_u64(&r, "capacity", in->capacity);
	res_add_u64(&r, "preserved", in->nr_preserved);
	res_add_u64(&r, "enum_ns", in->enum_ns);
	res_add_u64(&r, "sriov_ns", in->sriov_ns);
	res_add_u64(&r, "tsc_khz", in->tsc_khz);
	emit(&r);
}

static int cmd_info(struct lbdev *d)
{
	struct lubench_info in;
	int ret = lbdev_info(d, &in);

	if (ret)
		return fail("info", ret);
	print_info(&in);
	return 0;
}

static int cmd_variants(struct lbdev *d)
{
	struct lubench_variant v;
	uint32_t i;
	int ret;

	for (i = 0; (ret = lbdev_variant_get(d, i, &v)) == 0; i++) {
		struct res_row r;

		row_begin(&r, "lubench-dev-variant");
		res_add_u64(&r, "index", i);
		res_add_str(&r, "name", v.name);
		res_add_str(&r, "compatible", v.compatible);
		res_add_str(&r, "rules", rules_name(v.rules));
		emit(&r);
	}
	return ret == -ENOENT ? 0 : fail("variant", ret);
}

static int cmd_list(struct lbdev *d, int argc, char **argv)
{
	struct lubench_devid *ids;
	uint32_t flags = 0;
	bool no_vf = false;
	char name[32];
	int i, n;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--own"))
			flags |= LUBENCH_LIST_OWN;
		else if (!strcmp(argv[i], "--no-vf"))
			no_vf = true;
		else
			usage();
	}
	n = lbdev_list(d, flags, &ids);
	if (n < 0)
		return fail("list", n);
	for (i = 0; i < n; i++) {
		if (no_vf && (ids[i].flags & LUBENCH_DEVF_VF))
			continue;
		lbdev_format_bdf(name, sizeof(name), ids[i].domain,
				 ids[i].bdf);
		printf("%s%s%s%s\n", name,
		       ids[i].flags & LUBENCH_DEVF_VF ? " vf" : "",
		       ids[i].flags & LUBENCH_DEVF_BRIDGE ? " bridge" : "",
		       ids[i].flags & LUBENCH_DEVF_OWN ? " own" : "");
	}
	free(ids);
	return 0;
}

static int cmd_dev(struct lbdev *d, unsigned int op, int argc, char **argv)
{
	struct lubench_dev dev = { 0 };
	struct res_row r;
	uint32_t domain;
	uint16_t bdf;
	int ret;

	if (argc != 2 || lbdev_parse_bdf(argv[1], &domain, &bdf))
		usage();
	ret = lbdev_dev_op(d, op, domain, bdf, &dev);
	row_begin(&r, "lubench-dev-op");
	res_add_str(&r, "op", phase_names[op]);
	res_add_str(&r, "dev", argv[1]);
	res_add_i64(&r, "result", ret);
	res_add_str(&r, "error", ret < 0 ? strerror(-ret) : "");
	res_add_u64(&r, "found", dev.found);
	res_add_bool(&r, "vf", dev.dev_flags & LUBENCH_DEVF_VF);
	res_add_u64(&r, "ns", dev.ns);
	emit(&r);
	return ret < 0;
}

static int cmd_reset(struct lbdev *d, int argc, char **argv)
{
	uint32_t flags = 0;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "table"))
			flags |= LUBENCH_RESET_TABLE;
		else if (!strcmp(argv[i], "stats"))
			flags |= LUBENCH_RESET_STATS;
		else if (!strcmp(argv[i], "hotplug"))
			flags |= LUBENCH_RESET_HOTPLUG;
		else if (!strcmp(argv[i], "all"))
			flags |= LUBENCH_RESET_ALL;
		else
			usage();
	}
	ret = lbdev_reset(d, flags ? flags : LUBENCH_RESET_ALL);
	return ret ? fail("reset", ret) : 0;
}

static int cmd_hotplug(struct lbdev *d, int argc, char **argv)
{
	struct lubench_hotplug h;
	struct res_row r;
	uint64_t n;
	int ret;

	if (argc != 2 || lb_parse_u64(argv[1], 1, UINT32_MAX, &n))
		usage();
	ret = lbdev_hotplug(d, n, &h);
	if (ret)
		return fail("hotplug", ret);
	row_begin(&r, "lubench-dev-hotplug");
	res_add_u64(&r, "domain", h.domain);
	res_add_u64(&r, "added", h.nr_added);
	res_add_u64(&r, "ns", h.ns);
	emit(&r);
	return 0;
}

static int cmd_stats(struct lbdev *d, int argc, char **argv)
{
	char keys[LUBENCH_NR_TABLE_OPS][2][32];
	struct lubench_stats s;
	struct res_row r;
	int i, ret;

	ret = lbdev_stats(d, &s, argc > 1 && !strcmp(argv[1], "--reset"));
	if (ret)
		return fail("stats", ret);
	/* Flat, as every line is: preserve_count, preserve_failed, ... */
	row_begin(&r, "lubench-dev-stats");
	for (i = 0; i < LUBENCH_NR_TABLE_OPS; i++) {
		snprintf(keys[i][0], sizeof(keys[i][0]), "%s_count",
			 phase_names[i + 1]);
		snprintf(keys[i][1], sizeof(keys[i][1]), "%s_failed",
			 phase_names[i + 1]);
		res_add_u64(&r, keys[i][0], s.op[i].count);
		res_add_u64(&r, keys[i][1], s.op[i].failed);
	}
	res_add_u64(&r, "table_ns", s.table_ns);
	res_add_u64(&r, "batches", s.batches);
	res_add_u64(&r, "batch_ns", s.batch_ns);
	res_add_u64(&r, "last_batch_ns", s.last_batch_ns);
	res_add_u64(&r, "uring_cmds", s.uring_cmds);
	emit(&r);
	return 0;
}

/* --- bench ------------------------------------------------------------ */

struct bench {
	struct lbdev *d;
	const char *variant;
	enum bench_path path;
	unsigned int rep;
	uint32_t batch;
	const struct lubench_devid *devs;
	uint32_t n;
	uint32_t *order;
	uint64_t seed;
	struct lubench_op *ops;
	unsigned int errors;
};

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static void shuffle(uint32_t *a, uint32_t n, uint64_t seed)
{
	uint64_t s = seed | 1;
	uint32_t i, j, t;

	for (i = 0; i < n; i++)
		a[i] = i;
	for (i = n; i > 1; i--) {
		j = xorshift(&s) % i;
		t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

/*
 * One batch on the chosen path.  Sets *user (wall time of the submission
 * as user space sees it), *table (kernel time in the pci_ser calls) and
 * *kbatch (kernel time of the whole batch call, or -1 where the path has
 * no single call to time).
 */
static int bench_batch(struct bench *b, unsigned int op, uint32_t k,
		       uint64_t *user, uint64_t *table, int64_t *kbatch)
{
	struct lubench_stats s0, s1;
	struct lubench_batch out;
	struct lubench_dev dev;
	uint64_t t0, t1;
	uint32_t i;
	int ret = 0;

	*table = 0;
	*kbatch = -1;
	switch (b->path) {
	case P_IOCTL:
		t0 = now_ns();
		for (i = 0; i < k; i++) {
			b->ops[i].result = lbdev_dev_op(b->d, op,
							b->ops[i].domain,
							b->ops[i].bdf, &dev);
			*table += dev.ns;
		}
		t1 = now_ns();
		break;
	case P_BATCH:
		t0 = now_ns();
		ret = lbdev_batch(b->d, b->ops, k, 0, &out);
		t1 = now_ns();
		*table = out.table_ns;
		*kbatch = out.batch_ns;
		break;
	case P_URING:
		ret = lbdev_stats(b->d, &s0, false);
		if (ret)
			return ret;
		t0 = now_ns();
		ret = lbdev_uring_ops(b->d, b->ops, k);
		t1 = now_ns();
		if (!ret)
			ret = lbdev_stats(b->d, &s1, false);
		*table = s1.table_ns - s0.table_ns;
		break;
	default:
		t0 = now_ns();
		ret = lbdev_uring_batch(b->d, b->ops, k, 0, &out);
		t1 = now_ns();
		*table = out.table_ns;
		*kbatch = out.batch_ns;
		break;
	}
	*user = t1 - t0;
	return ret;
}

/* The members a batch and a phase line share. */
static void bench_row(const struct bench *b, struct res_row *r,
		      const char *type, unsigned int op)
{
	row_begin(r, type);
	res_add_str(r, "variant", b->variant);
	res_add_str(r, "path", path_names[b->path]);
	res_add_str(r, "phase", phase_names[op]);
	res_add_u64(r, "rep", b->rep);
}

/* The times of a batch or phase; @kbatch < 0: the path has no batch call. */
static void add_times(struct res_row *r, uint64_t user, uint64_t table,
		      int64_t kbatch)
{
	res_add_u64(r, "user_ns", user);
	res_add_u64(r, "kernel_table_ns", table);
	if (kbatch >= 0)
		res_add_i64(r, "kernel_batch_ns", kbatch);
	else
		res_add_null(r, "kernel_batch_ns");
}

static int bench_phase(struct bench *b, unsigned int op)
{
	uint64_t sum_user = 0, sum_table = 0, user, table;
	uint32_t base, k, i, failed_phase = 0, nb = 0;
	int64_t kbatch, sum_kbatch = 0;
	struct res_row r;
	int ret;

	shuffle(b->order, b->n, b->seed + op * 7919 + b->rep);
	for (base = 0; base < b->n; base += k, nb++) {
		uint32_t failed = 0;

		k = b->n - base < b->batch ? b->n - base : b->batch;
		for (i = 0; i < k; i++) {
			const struct lubench_devid *id =
				&b->devs[b->order[base + i]];

			memset(&b->ops[i], 0, sizeof(b->ops[i]));
			b->ops[i].domain = id->domain;
			b->ops[i].bdf = id->bdf;
			b->ops[i].op = op;
		}
		ret = bench_batch(b, op, k, &user, &table, &kbatch);
		if (ret) {
			fprintf(stderr, "lubench-dev: %s %s batch: %s\n",
				path_names[b->path], phase_names[op],
				strerror(-ret));
			return ret;
		}
		/* Preserve and unpreserve give 0, find gives 1 (found). */
		for (i = 0; i < k; i++)
			if (b->ops[i].result != (op == LUBENCH_OP_FIND))
				failed++;
		failed_phase += failed;
		sum_user += user;
		sum_table += table;
		if (kbatch >= 0)
			sum_kbatch += kbatch;
		bench_row(b, &r, "lubench-dev-batch", op);
		res_add_u64(&r, "batch", nb);
		res_add_u64(&r, "ops", k);
		add_times(&r, user, table, kbatch);
		res_add_u64(&r, "unexpected", failed);
		emit(&r);
	}
	bench_row(b, &r, "lubench-dev-phase", op);
	res_add_u64(&r, "n", b->n);
	res_add_u64(&r, "batch", b->batch);
	res_add_u64(&r, "batches", nb);
	add_times(&r, sum_user, sum_table,
		  b->path == P_BATCH || b->path == P_URING_BATCH ?
		  sum_kbatch : -1);
	res_add_f64(&r, "user_ns_per_op", b->n ? (double)sum_user / b->n : 0);
	res_add_f64(&r, "table_ns_per_op",
		    b->n ? (double)sum_table / b->n : 0);
	res_add_u64(&r, "unexpected", failed_phase);
	emit(&r);
	b->errors += failed_phase;
	return 0;
}

static int bench_one(struct bench *b)
{
	static const unsigned int phases[] = {
		LUBENCH_OP_PRESERVE, LUBENCH_OP_FIND, LUBENCH_OP_UNPRESERVE,
	};
	unsigned int i;
	int ret;

	ret = lbdev_reset(b->d, LUBENCH_RESET_TABLE);
	if (ret)
		return fail("reset", ret);
	ret = lbdev_variant_set(b->d, b->variant);
	if (ret < 0)
		return fail(b->variant, ret);
	for (i = 0; i < ARRAY_SIZE(phases); i++) {
		ret = bench_phase(b, phases[i]);
		if (ret)
			return 1;
	}
	return 0;
}

static int parse_path(const char *s)
{
	int i;

	for (i = 0; i < P_NR; i++)
		if (!strcmp(s, path_names[i]))
			return i;
	return strcmp(s, "all") ? -1 : P_NR;
}

struct bench_opts {
	const char *variant;
	int path;		/* a path, or P_NR for all */
	uint32_t want;		/* devices; 0: every preservable one */
	unsigned int reps;
	int cpu;		/* -1: not pinned */
};

/* A subcommand's option: a string, a number in [min, max], or a flag. */
struct sub_opt {
	const char *name;
	enum { SUB_STR, SUB_NUM, SUB_FLAG } kind;
	void *to;		/* const char **, uint64_t * or bool * */
	uint64_t min, max;
};

#define SUB_MAX_OPTS	16
#define SUB_BASE	0x100

/*
 * --NAME VALUE and --FLAG into the places @opts name (NULL-terminated),
 * each number checked; usage() on anything else.
 */
static void sub_args(const struct sub_opt *opts, int argc, char **argv)
{
	struct option lo[SUB_MAX_OPTS + 1] = { };
	const struct sub_opt *o;
	char name[40], why[160];
	int c, i, ret;

	for (i = 0; opts[i].name && i < SUB_MAX_OPTS; i++)
		lo[i] = (struct option){ opts[i].name,
			opts[i].kind == SUB_FLAG ? no_argument :
			required_argument, NULL, SUB_BASE + i };
	/* A table longer than lo[] is this program's bug: say so. */
	if (opts[i].name) {
		fprintf(stderr, "lubench-dev: more than %d options for %s: "
			"raise SUB_MAX_OPTS\n", SUB_MAX_OPTS, argv[0]);
		exit(3);
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c < SUB_BASE)
			usage();
		o = &opts[c - SUB_BASE];
		if (o->kind == SUB_STR) {
			*(const char **)o->to = optarg;
		} else if (o->kind == SUB_FLAG) {
			*(bool *)o->to = true;
		} else {
			ret = lb_parse_u64(optarg, o->min, o->max, o->to);
			if (ret) {
				snprintf(name, sizeof(name), "--%s", o->name);
				fprintf(stderr, "lubench-dev: %s\n",
					lb_parse_error(why, sizeof(why), name,
						       optarg, ret, o->min,
						       o->max));
				usage();
			}
		}
	}
	if (optind != argc)
		usage();
}
static void bench_args(int argc, char **argv, struct bench *b,
		       struct bench_opts *o)
{
	const char *path = "all";
	uint64_t n = 0, batch = b->batch, reps = o->reps, seed = b->seed;
	uint64_t cpu = UINT64_MAX;
	const struct sub_opt opts[] = {
		{ "variant", SUB_STR, &o->variant },
		{ "path", SUB_STR, &path },
		{ "n", SUB_NUM, &n, 1, UINT32_MAX },
		{ "batch", SUB_NUM, &batch, 1, LUBENCH_BATCH_MAX },
		{ "reps", SUB_NUM, &reps, 1, 1000000 },
		{ "seed", SUB_NUM, &seed, 0, UINT64_MAX },
		{ "cpu", SUB_NUM, &cpu, 0, CPU_SETSIZE - 1 },
		{ }
	};

	sub_args(opts, argc, argv);
	o->path = parse_path(path);
	if (o->path < 0)
		usage();
	o->want = n;
	b->batch = batch;
	o->reps = reps;
	b->seed = seed;
	o->cpu = cpu == UINT64_MAX ? -1 : (int)cpu;
}
/*
 * The module's own functions minus VFs (what can be preserved), or
 * @want of them spread over the whole population rather than its head.
 */
static int bench_devices(struct bench *b, uint32_t want,
			 struct lubench_devid **all)
{
	int n, i;

	n = lbdev_list(b->d, LUBENCH_LIST_OWN, all);
	if (n < 0)
		return fail("list", n);
	for (i = 0, b->n = 0; i < n; i++)
		if (!((*all)[i].flags & (LUBENCH_DEVF_VF | LUBENCH_DEVF_BRIDGE)))
			(*all)[b->n++] = (*all)[i];
	if (want > b->n) {
		fprintf(stderr, "lubench-dev: only %u devices to preserve\n",
			b->n);
		return 1;
	}
	if (want) {
		for (i = 0; i < (int)want; i++)
			(*all)[i] = (*all)[(uint64_t)i * b->n / want];
		b->n = want;
	}
	b->devs = *all;
	return 0;
}

static int bench_setup(struct bench *b, const struct bench_opts *o,
		       struct lubench_devid **all)
{
	struct lubench_info info;
	int ret;

	if (o->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(o->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			return fail("sched_setaffinity", -errno);
	}
	ret = bench_devices(b, o->want, all);
	if (ret)
		return ret;
	b->order = calloc(b->n ? b->n : 1, sizeof(*b->order));
	b->ops = calloc(b->batch, sizeof(*b->ops));
	if (!b->order || !b->ops)
		return fail("bench", -ENOMEM);
	ret = lbdev_uring_init(b->d, b->batch < 4096 ? b->batch : 4096);
	if (ret)
		return fail("io_uring_queue_init", ret);
	ret = lbdev_info(b->d, &info);
	if (ret)
		return fail("info", ret);
	print_info(&info);
	return 0;
}

/* Every chosen layout over every chosen path, @o->reps times each. */
static int bench_all(struct bench *b, const struct bench_opts *o)
{
	struct lubench_variant v;
	uint32_t vi;
	int p, rc = 0;

	for (vi = 0; lbdev_variant_get(b->d, vi, &v) == 0; vi++) {
		if (strcmp(o->variant, "all") && strcmp(o->variant, v.name))
			continue;
		b->variant = v.name;
		for (p = 0; p < P_NR; p++) {
			if (o->path != P_NR && o->path != p)
				continue;
			b->path = p;
			for (b->rep = 0; b->rep < o->reps; b->rep++)
				rc |= bench_one(b);
		}
	}
	if (!b->variant) {
		fprintf(stderr, "lubench-dev: no variant %s\n", o->variant);
		rc = 1;
	}
	return rc;
}

static int cmd_bench(struct lbdev *d, int argc, char **argv)
{
	struct bench b = { .d = d, .batch = 256, .seed = 1 };
	struct bench_opts o = { .variant = "all", .path = P_NR, .reps = 1,
				.cpu = -1 };
	struct lubench_devid *all = NULL;
	int rc;

	bench_args(argc, argv, &b, &o);
	rc = bench_setup(&b, &o, &all);
	if (!rc)
		rc = bench_all(&b, &o);
	lbdev_reset(d, LUBENCH_RESET_TABLE);
	if (b.errors) {
		fprintf(stderr, "lubench-dev: %u operations gave an unexpected result\n",
			b.errors);
		rc = 1;
	}
	free(b.ops);
	free(b.order);
	free(all);
	return rc;
}

/* --- live-update cycle ------------------------------------------------- */

/*
 * The TSC flags that decide whether a blackout measured on it can be
 * trusted, and the clocksource the kernel settled on.
 */
struct tsc_env {
	bool constant, nonstop, known, reliable;
	char cs[64];
};

static void read_tsc_env(struct tsc_env *e)
{
	char line[8192];
	FILE *f;

	memset(e, 0, sizeof(*e));
	f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *tok, *save, *colon = strchr(line, ':');

		if (strncmp(line, "flags", 5) || !colon)
			continue;
		for (tok = strtok_r(colon, " :\n", &save); tok;
		     tok = strtok_r(NULL, " \n", &save)) {
			e->constant |= !strcmp(tok, "constant_tsc");
			e->nonstop |= !strcmp(tok, "nonstop_tsc");
			e->known |= !strcmp(tok, "tsc_known_freq");
			e->reliable |= !strcmp(tok, "tsc_reliable");
		}
		break;	/* the boot CPU's line */
	}
	if (f)
		fclose(f);
	f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  "r");
	if (f) {
		if (fgets(e->cs, sizeof(e->cs), f))
			e->cs[strcspn(e->cs, "\n")] = '\0';
		fclose(f);
	}
}

static void add_tsc_env(struct res_row *r, const struct tsc_env *e)
{
	res_add_bool(r, "constant_tsc", e->constant);
	res_add_bool(r, "nonstop_tsc", e->nonstop);
	res_add_bool(r, "tsc_known_freq", e->known);
	res_add_bool(r, "tsc_reliable", e->reliable);
	res_add_str(r, "clocksource", e->cs);
}

static int cmp_devid(const void *a, const void *b)
{
	const struct lubench_devid *x = a, *y = b;
	uint64_t kx = (uint64_t)x->domain << 16 | x->bdf;
	uint64_t ky = (uint64_t)y->domain << 16 | y->bdf;

	return kx < ky ? -1 : kx > ky;
}

/*
 * A device of the preserved list and the refcount the table is to hold
 * for it, both sorted by (domain, bdf) together.
 */
struct listed {
	struct lubench_devid id;
	uint16_t ref;
};

static int cmp_listed(const void *a, const void *b)
{
	return cmp_devid(&((const struct listed *)a)->id,
			 &((const struct listed *)b)->id);
}

/*
 * The table the old kernel hands over, one entry per line: "DDDD:BB:DD.F
 * REF", the refcount optional (1).  Into @out sorted, and the refcounts
 * into *@refs (may be NULL); -errno, or the count.
 */
static int read_list_refs(const char *path, struct lubench_devid **out,
			  uint16_t **refs)
{
	struct listed *l = NULL, *tmp;
	struct lubench_devid *ids;
	uint16_t *r = NULL;
	uint32_t n = 0, cap = 0, i;
	char line[128], *sp;
	uint64_t ref;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		sp = strchr(line, ' ');
		if (sp)
			*sp++ = '\0';
		if (!line[0])
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			tmp = realloc(l, cap * sizeof(*l));
			if (!tmp)
				goto nomem;
			l = tmp;
		}
		memset(&l[n], 0, sizeof(l[n]));
		ref = 1;
		if (lbdev_parse_bdf(line, &l[n].id.domain, &l[n].id.bdf) ||
		    (sp && lb_parse_u64(sp, 1, UINT16_MAX, &ref))) {
			fprintf(stderr, "lubench-dev: %s: bad entry %s%s%s\n",
				path, line, sp ? " " : "", sp ? sp : "");
			free(l);
			fclose(f);
			return -EINVAL;
		}
		l[n++].ref = ref;
	}
	fclose(f);
	if (n)
		qsort(l, n, sizeof(*l), cmp_listed);
	ids = calloc(n ? n : 1, sizeof(*ids));
	r = calloc(n ? n : 1, sizeof(*r));
	if (!ids || !r) {
		free(ids);
		free(r);
		free(l);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		ids[i] = l[i].id;
		r[i] = l[i].ref;
	}
	free(l);
	*out = ids;
	if (refs)
		*refs = r;
	else
		free(r);
	return n;
nomem:
	free(r);
	free(l);
	fclose(f);
	return -ENOMEM;
}

static int read_list(const char *path, struct lubench_devid **out)
{
	return read_list_refs(path, out, NULL);
}

static int write_list(const char *path, const struct lubench_devid *ids,
		      const uint16_t *refs, uint32_t n)
{
	char name[32];
	uint32_t i;
	FILE *f;
	int ret = 0;

	f = fopen(path, "w");
	if (!f)
		return -errno;
	for (i = 0; i < n; i++) {
		lbdev_format_bdf(name, sizeof(name), ids[i].domain, ids[i].bdf);
		fprintf(f, "%s %u\n", name, refs ? refs[i] : 1);
	}
	if (fflush(f) || fsync(fileno(f)))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -EIO;
	return ret;
}

struct cycle_preserve {
	const char *variant, *list;
	uint32_t want;
	uint64_t seed;
};

static void preserve_args(int argc, char **argv, struct cycle_preserve *cp)
{
	uint64_t want = cp->want, seed = cp->seed;
	const struct sub_opt opts[] = {
		{ "variant", SUB_STR, &cp->variant },
		{ "n", SUB_NUM, &want, 0, UINT32_MAX },
		{ "seed", SUB_NUM, &seed, 0, UINT64_MAX },
		{ "list", SUB_STR, &cp->list },
		{ }
	};

	sub_args(opts, argc, argv);
	if (!cp->list)
		usage();
	cp->want = want;
	cp->seed = seed;
}
/*
 * @want of the module's @cand preservable devices in @all, picked by a
 * seeded shuffle, sorted, into @set.  0 or -ENOMEM.
 */
static int pick_set(const struct lubench_devid *all, uint32_t cand,
		    uint32_t want, uint64_t seed, struct lubench_devid *set)
{
	uint32_t *order = calloc(cand ? cand : 1, sizeof(*order)), i;

	if (!order)
		return -ENOMEM;
	shuffle(order, cand, seed);
	for (i = 0; i < want; i++) {
		set[i] = all[order[i]];
		set[i].flags = 0;
	}
	qsort(set, want, sizeof(*set), cmp_devid);
	free(order);
	return 0;
}

static int add_listed(struct listed **l, uint32_t *n, uint32_t *cap,
		      const struct lubench_devid *id, bool bridge)
{
	struct listed *tmp;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		tmp = realloc(*l, *cap * sizeof(**l));
		if (!tmp)
			return -ENOMEM;
		*l = tmp;
	}
	(*l)[*n].id.domain = id->domain;
	(*l)[*n].id.bdf = id->bdf;
	(*l)[*n].id.flags = bridge ? LUBENCH_DEVF_BRIDGE : 0;
	(*l)[(*n)++].ref = 1;
	return 0;
}

/*
 * The bridges above @id as sysfs shows them, read apart from the module:
 * the PCI addresses in its device path (/sys/devices/pciDDDD:BB/...),
 * but for its own, which comes last.  Each is appended to @l; 0 or
 * -errno.
 */
static int sysfs_bridges(const struct lubench_devid *id, struct listed **l,
			 uint32_t *n, uint32_t *cap)
{
	char name[32], link[64], real[PATH_MAX], *tok, *save;
	struct lubench_devid prev = { 0 }, d = { 0 };
	bool have = false;
	int ret;

	lbdev_format_bdf(name, sizeof(name), id->domain, id->bdf);
	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s", name);
	if (!realpath(link, real))
		return -errno;
	for (tok = strtok_r(real, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		if (lbdev_parse_bdf(tok, &d.domain, &d.bdf))
			continue;
		if (have) {
			ret = add_listed(l, n, cap, &prev, true);
			if (ret)
				return ret;
		}
		prev = d;
		have = true;
	}
	if (!have || prev.domain != id->domain || prev.bdf != id->bdf)
		return -ENOENT;
	return 0;
}

/*
 * What the table must hold once @set is preserved: every device of it
 * with refcount 1 and, under refcounted rules, every bridge above one of
 * them with a refcount of the preserved devices below it.  Sorted, into
 * *@ids and *@refs; the count of entries, or -errno.  *@bridges: how
 * many of them are bridges.
 */
static int expected_table(const struct lubench_devid *set, uint32_t n,
			  bool counted, struct lubench_devid **ids,
			  uint16_t **refs, uint32_t *bridges)
{
	struct listed *l = NULL;
	uint32_t nl = 0, cap = 0, i, k = 0;
	int ret = 0;

	*bridges = 0;
	for (i = 0; !ret && i < n; i++) {
		ret = add_listed(&l, &nl, &cap, &set[i], false);
		if (!ret && counted)
			ret = sysfs_bridges(&set[i], &l, &nl, &cap);
	}
	if (ret) {
		free(l);
		return ret;
	}
	if (nl)
		qsort(l, nl, sizeof(*l), cmp_listed);
	*ids = calloc(nl ? nl : 1, sizeof(**ids));
	*refs = calloc(nl ? nl : 1, sizeof(**refs));
	if (!*ids || !*refs) {
		free(*ids);
		free(*refs);
		free(l);
		return -ENOMEM;
	}
	for (i = 0; i < nl; i++) {
		if (k && !cmp_devid(&(*ids)[k - 1], &l[i].id)) {
			(*refs)[k - 1]++;
			continue;
		}
		*bridges += !!(l[i].id.flags & LUBENCH_DEVF_BRIDGE);
		(*ids)[k] = l[i].id;
		(*ids)[k].flags = 0;
		(*refs)[k++] = 1;
	}
	free(l);
	return k;
}

/* Preserve @set in one batch; how many were refused, or -errno. */
static int preserve_set(struct lbdev *d, const struct lubench_devid *set,
			uint32_t n, struct lubench_batch *out)
{
	struct lubench_op *ops = calloc(n ? n : 1, sizeof(*ops));
	uint32_t i, bad = 0;
	int ret;

	if (!ops)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		ops[i].domain = set[i].domain;
		ops[i].bdf = set[i].bdf;
		ops[i].op = LUBENCH_OP_PRESERVE;
	}
	memset(out, 0, sizeof(*out));
	ret = n ? lbdev_batch(d, ops, n, 0, out) : 0;
	for (i = 0; !ret && i < n; i++)
		bad += ops[i].result != 0;
	free(ops);
	return ret ? ret : (int)bad;
}

/*
 * The layout @name selected (NULL: the one in use) and described in @v,
 * then the module's own devices into *@all (@n of them, the caller
 * frees it): what cycle-preserve and soak-stress start from.  0, or the
 * exit status of fail().
 */
static int variant_and_list(struct lbdev *d, const char *name,
			    struct lubench_variant *v,
			    struct lubench_devid **all, int *n)
{
	struct lubench_info in;
	int idx, ret;

	if (name) {
		idx = lbdev_variant_set(d, name);
		if (idx < 0)
			return fail(name, idx);
	} else {
		ret = lbdev_info(d, &in);
		if (ret)
			return fail("info", ret);
		idx = in.variant;
	}
	ret = lbdev_variant_get(d, idx, v);
	if (ret)
		return fail("variant", ret);
	*n = lbdev_list(d, LUBENCH_LIST_OWN, all);
	return *n < 0 ? fail("list", *n) : 0;
}

/*
 * cycle-preserve: pick @n of the module's preservable devices with a
 * seeded shuffle (so successive cycles hand over different sets), select
 * the layout, preserve them in one batch and write the set to @list,
 * which the job keeps across the jump.
 */
static int cmd_cycle_preserve(struct lbdev *d, int argc, char **argv)
{
	struct cycle_preserve cp = { .seed = 1 };
	struct lubench_devid *all, *set, *table;
	struct lubench_variant v;
	struct lubench_batch out;
	uint32_t cand = 0, i, bridges;
	uint16_t *refs;
	struct res_row r;
	char hash[17];
	int n, ret, bad;

	preserve_args(argc, argv, &cp);
	ret = variant_and_list(d, cp.variant, &v, &all, &n);
	if (ret)
		return ret;
	/* Endpoints: the bridges come with them, under refcounted rules. */
	for (i = 0; i < (uint32_t)n; i++)
		if (!(all[i].flags & (LUBENCH_DEVF_VF | LUBENCH_DEVF_BRIDGE)))
			all[cand++] = all[i];
	if (cp.want > cand) {
		fprintf(stderr, "lubench-dev: only %u devices to preserve\n",
			cand);
		free(all);
		return 1;
	}
	set = calloc(cp.want ? cp.want : 1, sizeof(*set));
	if (!set || pick_set(all, cand, cp.want, cp.seed, set))
		return fail("cycle-preserve", -ENOMEM);
	free(all);
	bad = preserve_set(d, set, cp.want, &out);
	if (bad < 0)
		return fail("preserve batch", bad);
	/* The list is the table to come back: endpoints and bridges. */
	n = expected_table(set, cp.want, v.rules != LUBENCH_RULES_V2, &table,
			   &refs, &bridges);
	if (n < 0)
		return fail("the bridges in sysfs", n);
	ret = write_list(cp.list, table, refs, n);
	if (ret)
		return fail(cp.list, ret);
	row_begin(&r, "lubench-cycle-preserve");
	res_add_str(&r, "variant", cp.variant ? cp.variant : "");
	res_add_str(&r, "rules", rules_name(v.rules));
	res_add_u64(&r, "candidates", cand);
	res_add_u64(&r, "preserved", cp.want - bad);
	res_add_u64(&r, "failed", bad);
	res_add_u64(&r, "bridges", bridges);
	res_add_u64(&r, "seed", cp.seed);
	res_add_str(&r, "set_hash", hex64(hash, lbdev_set_hash(table, n)));
	res_add_u64(&r, "kernel_ns", out.batch_ns);
	emit(&r);
	free(table);
	free(refs);
	free(set);
	return bad ? 1 : 0;
}

/*
 * cycle-freeze: hand the table over.  The console marker is written
 * right after the ioctl, so the host's stamp of it is an independent
 * reading of the freeze.
 */
static int cmd_cycle_freeze(struct lbdev *d, int argc, char **argv)
{
	const char *fault_name = NULL, *list = NULL;
	struct lubench_devid *set = NULL;
	struct lubench_freeze f;
	char uh[17], th[17];
	struct tsc_env env;
	struct res_row r;
	uint64_t cycle = 0, hash = 0;
	bool none = false;
	int n = 0, fault = 0, ret;
	const struct sub_opt opts[] = {
		{ "none", SUB_FLAG, &none },
		{ "fault", SUB_STR, &fault_name },
		{ "cycle", SUB_NUM, &cycle, 0, UINT32_MAX },
		{ "list", SUB_STR, &list },
		{ }
	};

	sub_args(opts, argc, argv);
	if (fault_name) {
		fault = lbdev_fault_parse(fault_name);
		if (fault < 0)
			usage();
	}
	if (list) {
		n = read_list(list, &set);
		if (n < 0)
			return fail(list, n);
		hash = lbdev_set_hash(set, n);
	}
	ret = lbdev_freeze(d, none ? LUBENCH_FREEZE_NONE : 0, fault, cycle,
			   hash, &f);
	if (ret)
		return fail("freeze", ret);
	fprintf(stderr, "LUBENCH-FREEZE cycle=%" PRIu64 " tsc=%" PRIu64 "\n",
		cycle, (uint64_t)f.freeze_tsc);
	read_tsc_env(&env);
	row_begin(&r, "lubench-cycle-freeze");
	res_add_u64(&r, "cycle", cycle);
	res_add_str(&r, "mode", none ? "none" : "table");
	res_add_str(&r, "fault", lbdev_fault_name(fault));
	res_add_u64(&r, "listed", n);
	res_add_str(&r, "user_hash", hex64(uh, hash));
	res_add_str(&r, "table_hash", hex64(th, f.table_hash));
	res_add_u64(&r, "preserved", f.nr_preserved);
	res_add_u64(&r, "blob_bytes", f.blob_size);
	res_add_u64(&r, "freeze_tsc", f.freeze_tsc);
	res_add_u64(&r, "serialized_tsc", f.serialized_tsc);
	res_add_u64(&r, "tsc_khz", f.tsc_khz);
	add_tsc_env(&r, &env);
	emit(&r);
	free(set);
	return 0;
}

static const char *const state_names[] = {
	[LUBENCH_CYCLE_IDLE]		= "idle",
	[LUBENCH_CYCLE_RESTORED]	= "restored",
	[LUBENCH_CYCLE_REFUSED]		= "refused",
	[LUBENCH_CYCLE_FINISHED]	= "finished",
};

/* Compare two sorted sets; the first difference goes to @why. */
static bool same_set(const struct lubench_devid *a, uint32_t na,
		     const struct lubench_devid *b, uint32_t nb,
		     char *why, size_t len)
{
	uint32_t i = 0, j = 0;
	char name[32];

	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : cmp_devid(&a[i], &b[j]);

		if (!c) {
			i++;
			j++;
			continue;
		}
		if (c < 0)
			lbdev_format_bdf(name, sizeof(name), a[i].domain,
					 a[i].bdf);
		else
			lbdev_format_bdf(name, sizeof(name), b[j].domain,
					 b[j].bdf);
		snprintf(why, len, "%s %s", name,
			 c < 0 ? "preserved but not marked incoming" :
				 "marked incoming but not preserved");
		return false;
	}
	return true;
}

struct restore {
	const char *expect;		/* "ok" or "refused" */
	uint64_t cycle;
	struct lubench_devid *set;	/* the list that came across */
	uint16_t *refs;			/* the refcount of each */
	int n;
	/*
	 * What this kernel is to mark: the list but the devices --missing
	 * names (a copy then, else the list itself), and their refcounts.
	 */
	struct lubench_devid *want;
	uint16_t *wrefs;
	int nw;
	struct lubench_cycle cy;
	struct lubench_info in;
	struct lubench_retrieve r;
	struct lubench_finish fin;
	struct lubench_devid *marked;
	uint16_t *mrefs;		/* as the lookups found them */
	int nm;
	uint32_t bridges;		/* marked bridges */
	uint64_t hash;
	uint32_t state;
	bool refused;
	char why[160];			/* "" when the verdict is pass */
	/* After finish: a second finish and a retrieve, -errno each. */
	int finish_again, retrieve_again;
};

static void restore_args(int argc, char **argv, struct restore *rs,
			 const char **list, const char **missing)
{
	const struct sub_opt opts[] = {
		{ "list", SUB_STR, list },
		{ "missing", SUB_STR, missing },
		{ "expect", SUB_STR, &rs->expect },
		{ "cycle", SUB_NUM, &rs->cycle, 0, UINT32_MAX },
		{ }
	};

	sub_args(opts, argc, argv);
	if (strcmp(rs->expect, "ok") && strcmp(rs->expect, "refused"))
		usage();
}
/*
 * The blackout ends here: every listed device retrieved, then finish.
 * The console marker right after is the host's stamp of the end.
 */
static int restore_retrieve(struct lbdev *d, struct restore *rs)
{
	struct lubench_devid *ids;
	int ret, i;

	ret = lbdev_cycle(d, &rs->cy);
	if (ret)
		return fail("cycle", ret);
	if (rs->cy.state == LUBENCH_CYCLE_IDLE) {
		fprintf(stderr, "lubench-dev: the module was not loaded with restore=1\n");
		return 1;
	}
	rs->refused = rs->cy.state == LUBENCH_CYCLE_REFUSED;
	rs->state = rs->cy.state;
	ids = calloc(rs->n ? rs->n : 1, sizeof(*ids));
	if (!ids)
		return fail("cycle-restore", -ENOMEM);
	if (rs->n)
		memcpy(ids, rs->set, rs->n * sizeof(*ids));
	ret = lbdev_retrieve(d, ids, rs->n, &rs->r);
	free(ids);
	if (ret)
		return fail("retrieve", ret);
	ret = lbdev_finish(d, &rs->fin);
	if (ret)
		return fail("finish", ret);
	if (rs->refused)
		fprintf(stderr, "LUBENCH-REFUSED cycle=%" PRIu64 " reason=%s\n",
			rs->cycle, rs->cy.reason);
	else
		fprintf(stderr, "LUBENCH-RETRIEVED cycle=%" PRIu64
			" devices=%u\n", rs->cycle, rs->r.nr_retrieved);
	/*
	 * Finish twice, and a retrieve after it: no cycle is open, so both
	 * must be -ENOENT and change nothing, across a real jump as after a
	 * module reload (guest/module.reload_outcomes).  After the marker:
	 * the blackout ended at the first finish.
	 */
	rs->finish_again = lbdev_finish(d, NULL);
	rs->retrieve_again = -ENOENT;
	if (rs->n) {
		struct lubench_devid one = rs->set[0];

		rs->retrieve_again = lbdev_retrieve(d, &one, 1, NULL);
	}
	/* The state after finish, and what the kernel marked incoming. */
	ret = lbdev_cycle(d, &rs->cy);
	if (ret)
		return fail("cycle", ret);
	rs->nm = lbdev_list_refs(d, LUBENCH_LIST_INCOMING, &rs->marked,
				 &rs->mrefs);
	if (rs->nm < 0)
		return fail("list", rs->nm);
	for (i = 0; i < rs->nm; i++)
		rs->bridges += !!(rs->marked[i].flags & LUBENCH_DEVF_BRIDGE);
	ret = lbdev_info(d, &rs->in);
	if (ret)
		return fail("info", ret);
	rs->hash = lbdev_set_hash(rs->set, rs->n);
	return 0;
}

/*
 * Every entry that came across, endpoint or bridge, with the refcount the
 * list says (marked and wanted are the same sorted set by now).
 */
static void restore_refcounts(struct restore *rs)
{
	char name[32];
	int i;

	for (i = 0; i < rs->nm; i++) {
		if (rs->mrefs[i] == rs->wrefs[i])
			continue;
		lbdev_format_bdf(name, sizeof(name), rs->marked[i].domain,
				 rs->marked[i].bdf);
		snprintf(rs->why, sizeof(rs->why),
			 "%s%s came back with refcount %u, expected %u", name,
			 rs->marked[i].flags & LUBENCH_DEVF_BRIDGE ?
			 " (bridge)" : "", rs->mrefs[i], rs->wrefs[i]);
		return;
	}
}

/* What came across against the list; the first disagreement in rs->why. */
static void restore_verify(struct restore *rs)
{
	const struct lubench_cycle *cy = &rs->cy;
	uint32_t n = rs->n;
	char *why = rs->why;
	size_t len = sizeof(rs->why);

	why[0] = '\0';
	if (strcmp(rs->expect, rs->refused ? "refused" : "ok"))
		snprintf(why, len, "expected %s, the handover was %s%s",
			 rs->expect, rs->refused ? "refused: " : "accepted",
			 rs->refused ? cy->reason : "");
	else if (rs->refused && rs->nm)
		snprintf(why, len, "refused, yet %d devices marked", rs->nm);
	else if (rs->refused && (rs->r.nr_retrieved || cy->nr_lookups))
		snprintf(why, len, "refused, yet %u retrieved, %u lookups",
			 rs->r.nr_retrieved, cy->nr_lookups);
	else if (rs->finish_again != -ENOENT || rs->retrieve_again != -ENOENT)
		snprintf(why, len, "after finish, a second finish gave %d and "
			 "a retrieve %d, not -ENOENT (%d)", rs->finish_again,
			 rs->retrieve_again, -ENOENT);
	else if (rs->refused)
		;
	else if (!same_set(rs->want, rs->nw, rs->marked, rs->nm, why, len))
		;
	else if (cy->nr_incoming != (uint32_t)rs->nw || cy->nr_in_table != n ||
		 cy->nr_preserved != n || rs->r.nr_retrieved != (uint32_t)rs->nw ||
		 rs->fin.nr_unretrieved != n - rs->nw)
		snprintf(why, len, "counts disagree: list %u (%u missing), "
			 "record %u, table %u, marked %u, retrieved %u, "
			 "unretrieved %u", n, n - rs->nw, cy->nr_preserved,
			 cy->nr_in_table, cy->nr_incoming, rs->r.nr_retrieved,
			 rs->fin.nr_unretrieved);
	else if (cy->user_hash != rs->hash || cy->table_hash != rs->hash)
		snprintf(why, len, "set hash disagrees: list %016" PRIx64
			 ", record %016" PRIx64 ", table %016" PRIx64, rs->hash,
			 (uint64_t)cy->user_hash, (uint64_t)cy->table_hash);
	else if (cy->nr_aliased)
		snprintf(why, len, "%u devices marked at a BDF that now holds "
			 "another device", cy->nr_aliased);
	else if (rs->nw == rs->n && !cy->all_retrieved_tsc)
		snprintf(why, len, "never all retrieved");
	/* A missing device is never retrieved: no "all retrieved" stamp. */
	else if (rs->nw != rs->n && cy->all_retrieved_tsc)
		snprintf(why, len, "all retrieved, yet %d listed devices are "
			 "missing", rs->n - rs->nw);
	else if (cy->nr_in_table &&
		 cy->nr_lookups < rs->in.nr_functions + rs->in.nr_bridges)
		snprintf(why, len, "%u lookups for %u functions and %u bridges",
			 cy->nr_lookups, rs->in.nr_functions,
			 rs->in.nr_bridges);
	else
		restore_refcounts(rs);
}

/* The record's and this kernel's stamps, raw: the report computes. */
static void add_stamps(struct res_row *r, const struct lubench_cycle *cy)
{
	res_add_u64(r, "old_tsc_khz", cy->old_tsc_khz);
	res_add_u64(r, "tsc_khz", cy->tsc_khz);
	res_add_u64(r, "freeze_tsc", cy->freeze_tsc);
	res_add_u64(r, "serialized_tsc", cy->serialized_tsc);
	res_add_u64(r, "kexec_tsc", cy->kexec_tsc);
	res_add_u64(r, "init_tsc", cy->init_tsc);
	res_add_u64(r, "init_sched_clock_ns", cy->init_sched_clock_ns);
	res_add_u64(r, "mapped_tsc", cy->mapped_tsc);
	res_add_u64(r, "retrieved_tsc", cy->retrieved_tsc);
	res_add_u64(r, "enumerated_tsc", cy->enumerated_tsc);
	res_add_u64(r, "ready_tsc", cy->ready_tsc);
	res_add_u64(r, "all_retrieved_tsc", cy->all_retrieved_tsc);
	res_add_u64(r, "finish_tsc", cy->finish_tsc);
	res_add_u64(r, "lookup_cycles", cy->lookup_cycles);
	res_add_u64(r, "tsc_pair_cycles", cy->tsc_pair_cycles);
}

static void restore_emit(const struct restore *rs)
{
	const struct lubench_cycle *cy = &rs->cy;
	const char *fault = lbdev_fault_name(cy->fault);
	char lh[17], uh[17], th[17];
	struct tsc_env env;
	struct res_row r;

	read_tsc_env(&env);
	row_begin(&r, "lubench-cycle-restore");
	res_add_u64(&r, "cycle", rs->cycle);
	res_add_u64(&r, "record_cycle", cy->cycle);
	res_add_str(&r, "state", state_names[rs->state & 3]);
	res_add_bool(&r, "refused", rs->refused);
	res_add_str(&r, "reason", cy->reason);
	res_add_u64(&r, "defect", cy->defect);
	res_add_i64(&r, "error", cy->error);
	res_add_str(&r, "mode", cy->mode == LUBENCH_MODE_NONE ? "none" : "table");
	res_add_str(&r, "variant", cy->variant);
	res_add_str(&r, "fault", fault ? fault : "?");
	res_add_u64(&r, "old_functions", cy->old_nr_functions);
	res_add_u64(&r, "preserved", cy->nr_preserved);
	res_add_u64(&r, "listed", rs->n);
	res_add_u64(&r, "in_table", cy->nr_in_table);
	res_add_u64(&r, "lookups", cy->nr_lookups);
	res_add_u64(&r, "marked", rs->nm);
	res_add_u64(&r, "endpoints", rs->nm - rs->bridges);
	res_add_u64(&r, "bridges", rs->bridges);
	res_add_str(&r, "topology", topology_name(rs->in.topology));
	res_add_u64(&r, "retrieved", rs->r.nr_retrieved);
	res_add_u64(&r, "unretrieved", rs->fin.nr_unretrieved);
	res_add_u64(&r, "missing", rs->refused ? 0 : rs->n - rs->nw);
	res_add_i64(&r, "finish_again", rs->finish_again);
	res_add_i64(&r, "retrieve_again", rs->retrieve_again);
	res_add_u64(&r, "renumbered", cy->nr_renumbered);
	res_add_u64(&r, "aliased", cy->nr_aliased);
	res_add_str(&r, "list_hash", hex64(lh, rs->hash));
	res_add_str(&r, "user_hash", hex64(uh, cy->user_hash));
	res_add_str(&r, "table_hash", hex64(th, cy->table_hash));
	res_add_u64(&r, "blob_bytes", cy->blob_size);
	add_stamps(&r, cy);
	add_tsc_env(&r, &env);
	res_add_str(&r, "verdict", rs->why[0] ? "fail" : "pass");
	res_add_str(&r, "why", rs->why);
	emit(&r);
}

/*
 * One console line per jump, for the host's progress report (the
 * stamper's --progress): results/GUEST-PROTOCOL.md has the format.
 */
static void print_progress(const struct restore *rs)
{
	const struct lubench_cycle *cy = &rs->cy;
	/* The population's N: the old kernel's functions but a soak's kept
	 * hot-plugged ones (--missing). */
	uint32_t kept = (uint32_t)(rs->n - rs->nw);
	uint32_t n = cy->old_nr_functions;

	fprintf(stderr, "LUBENCH-PROGRESS cycle=%" PRIu64 " variant=%s n=%u",
		rs->cycle, cy->mode == LUBENCH_MODE_NONE ? "none" : cy->variant,
		n > kept ? n - kept : n);
	if (!rs->refused && cy->tsc_khz && cy->finish_tsc > cy->freeze_tsc)
		fprintf(stderr, " blackout_ms=%.1f",
			(double)(cy->finish_tsc - cy->freeze_tsc) /
			(double)cy->tsc_khz);
	fprintf(stderr, " verdict=%s\n", rs->refused ? "refused" :
		rs->why[0] ? "fail" : "pass");
}

/*
 * --missing FILE: the listed devices this kernel is not to have (the
 * old kernel hot-plugged them, preserved them and jumped: soak-stress
 * --keep-plugged).  rs->want becomes the list without them; each must
 * be on the list.  Without the option the list itself.
 */
static int restore_want(struct restore *rs, const char *missing)
{
	struct lubench_devid *gone = NULL;
	char name[32];
	int ng, i, j = 0;

	rs->want = rs->set;
	rs->wrefs = rs->refs;
	rs->nw = rs->n;
	if (!missing)
		return 0;
	ng = read_list(missing, &gone);
	if (ng < 0)
		return fail(missing, ng);
	rs->want = calloc(rs->n ? rs->n : 1, sizeof(*rs->want));
	rs->wrefs = calloc(rs->n ? rs->n : 1, sizeof(*rs->wrefs));
	if (!rs->want || !rs->wrefs) {
		free(gone);
		return fail("cycle-restore", -ENOMEM);
	}
	rs->nw = 0;
	/* Both sorted: a merge. */
	for (i = 0; i < rs->n; i++) {
		if (j < ng && cmp_devid(&gone[j], &rs->set[i]) < 0)
			break;	/* gone[j] is not on the list */
		if (j < ng && !cmp_devid(&gone[j], &rs->set[i])) {
			j++;
			continue;
		}
		rs->want[rs->nw] = rs->set[i];
		rs->wrefs[rs->nw++] = rs->refs[i];
	}
	if (j < ng) {
		lbdev_format_bdf(name, sizeof(name), gone[j].domain,
				 gone[j].bdf);
		fprintf(stderr, "lubench-dev: %s: %s is not on the list of "
			"preserved devices\n", missing, name);
		free(gone);
		return 1;
	}
	free(gone);
	return 0;
}

/*
 * cycle-restore: in the kernel after the jump, retrieve every device the
 * previous kernel's user space preserved (its list came across in a
 * boot-time file), finish, then check what came across: exactly the
 * preserved set marked incoming and nothing else, and the counts and
 * hashes of the record, the table and the list agreeing (less the
 * devices --missing names, which must not come back).  A refused
 * handover must leave no device marked.
 */
static int cmd_cycle_restore(struct lbdev *d, int argc, char **argv)
{
	struct restore rs = { .expect = "ok" };
	const char *list = NULL, *missing = NULL;
	int ret;

	restore_args(argc, argv, &rs, &list, &missing);
	if (list) {
		rs.n = read_list_refs(list, &rs.set, &rs.refs);
		if (rs.n < 0)
			return fail(list, rs.n);
	}
	ret = restore_want(&rs, missing);
	if (!ret)
		ret = restore_retrieve(d, &rs);
	if (!ret) {
		restore_verify(&rs);
		restore_emit(&rs);
		if (rs.why[0])
			fprintf(stderr, "lubench-dev: cycle %" PRIu64 ": FAIL: %s\n",
				rs.cycle, rs.why);
		print_progress(&rs);
		ret = rs.why[0] ? 1 : 0;
	}
	free(rs.marked);
	free(rs.mrefs);
	if (rs.want != rs.set) {
		free(rs.want);
		free(rs.wrefs);
	}
	free(rs.set);
	free(rs.refs);
	return ret;
}

/* --- the soak: a stress scenario between jumps, dmesg, the deadline ---- */

static int find_ref(struct lbdev *d, const struct lubench_devid *id,
		    uint32_t *ref)
{
	struct lubench_dev dev;
	int ret;

	LBDEV_INIT(&dev);
	dev.domain = id->domain;
	dev.bdf = id->bdf;
	dev.flags = LUBENCH_DEV_REFCOUNT;
	ret = lbdev_ioctl(d, LUBENCH_IOC_FIND, &dev);
	*ref = dev.found;
	return ret;
}

/*
 * After the threads: every device of the module (endpoints and bridges)
 * has the refcount the models say, and the table holds exactly the
 * expected entries.  "" when all hold, else the first difference.
 */
static void soak_check_table(struct lbdev *d, const struct lubench_devid *all,
			     uint32_t nall, const struct lubench_devid *table,
			     const uint16_t *refs, uint32_t n, char *why,
			     size_t len)
{
	struct lubench_info in;
	uint32_t i, got, want;
	char name[32];
	int ret;

	for (i = 0; i < nall; i++) {
		const struct lubench_devid *e;

		if (all[i].flags & LUBENCH_DEVF_VF)
			continue;
		e = bsearch(&all[i], table, n, sizeof(*table), cmp_devid);
		want = e ? refs[e - table] : 0;
		ret = find_ref(d, &all[i], &got);
		lbdev_format_bdf(name, sizeof(name), all[i].domain, all[i].bdf);
		if (ret) {
			snprintf(why, len, "find %s: %s", name, strerror(-ret));
			return;
		}
		if (got != want) {
			snprintf(why, len, "%s %s has refcount %u in the table, "
				 "the models say %u", all[i].flags &
				 LUBENCH_DEVF_BRIDGE ? "bridge" : "endpoint",
				 name, got, want);
			return;
		}
	}
	ret = lbdev_info(d, &in);
	if (ret)
		snprintf(why, len, "info: %s", strerror(-ret));
	else if (n && in.nr_preserved != n)
		snprintf(why, len, "the table holds %u entries, the models "
			 "say %u", in.nr_preserved, n);
}

/*
 * soak-stress --keep-plugged FILE: after the check, one function
 * hot-plugged in a domain of its own and preserved, left in the table
 * the freeze hands over.  The next kernel does not create it, so the
 * handover holds a device that kernel never finds: the missing-device
 * case across a real kexec.  FILE lists it for cycle-restore --missing
 * (empty when the table has no room for it: -ENOSPC, the function
 * unplugged again).  @table and @refs grow by it, in order; a failure
 * of the module's goes to @why (the stress lost), -errno is the tool's.
 */
static int keep_plugged(struct lbdev *d, const char *path,
			struct lubench_devid **table, uint16_t **refs, int *n,
			bool *kept, char *why, size_t len)
{
	struct lubench_devid dev, *t;
	struct lubench_hotplug h;
	uint16_t *r, one = 1;
	int at, ret;

	*kept = false;
	ret = lbdev_hotplug(d, 1, &h);
	if (ret || h.nr_added != 1) {
		snprintf(why, len, "keep-plugged: adding a function: %s, "
			 "%u added", strerror(ret ? -ret : EIO), h.nr_added);
		return 0;
	}
	ret = ds_own_count(d, h.domain, &dev);
	if (ret == -ENODEV) {
		snprintf(why, len, "keep-plugged: no function in the new "
			 "domain %#x", h.domain);
		return 0;
	}
	if (ret < 0)
		return ret;
	dev.flags = 0;
	ret = lbdev_dev_op(d, LUBENCH_OP_PRESERVE, dev.domain, dev.bdf, NULL);
	if (ret == -ENOSPC) {
		ret = lbdev_reset(d, LUBENCH_RESET_HOTPLUG);
		if (ret)
			snprintf(why, len, "keep-plugged: unplugging it: %s",
				 strerror(-ret));
		return write_list(path, NULL, NULL, 0);
	}
	if (ret) {
		snprintf(why, len, "keep-plugged: preserve: %s", strerror(-ret));
		return 0;
	}
	t = realloc(*table, (*n + 1) * sizeof(*t));
	if (!t)
		return -ENOMEM;
	*table = t;
	r = realloc(*refs, (*n + 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	*refs = r;
	for (at = 0; at < *n && cmp_devid(&t[at], &dev) < 0; at++)
		;
	memmove(&t[at + 1], &t[at], (*n - at) * sizeof(*t));
	memmove(&r[at + 1], &r[at], (*n - at) * sizeof(*r));
	t[at] = dev;
	r[at] = 1;
	(*n)++;
	*kept = true;
	return write_list(path, &dev, &one, 1);
}

/*
 * soak-stress: the guest's stress scenario on the table of one layout
 * (dev_stress.c), then the check of the whole table against the
 * threads' models, and the table to hand over written to --list (as
 * cycle-preserve writes it).  Exit 1 on a violation.
 */
static int cmd_soak_stress(struct lbdev *d, int argc, char **argv)
{
	const char *variant = NULL, *list = NULL, *keep = NULL;
	uint64_t threads = 4, ops = 2000, seed = 1, cycle = 0, hotplug = 0;
	uint64_t fail_alloc = 0;
	const struct sub_opt opts[] = {
		{ "variant", SUB_STR, &variant },
		{ "hotplug", SUB_NUM, &hotplug, 0, DS_MAX_HOTPLUG },
		{ "fail-alloc", SUB_NUM, &fail_alloc, 0, DS_MAX_FAIL_ALLOC },
		{ "threads", SUB_NUM, &threads, 1, DS_MAX_THREADS },
		{ "ops", SUB_NUM, &ops, 1, 100000000 },
		{ "seed", SUB_NUM, &seed, 0, UINT32_MAX },
		{ "cycle", SUB_NUM, &cycle, 0, UINT32_MAX },
		{ "list", SUB_STR, &list },
		{ "keep-plugged", SUB_STR, &keep },
		{ }
	};
	struct lubench_devid *all, *ep, *vfs, *table = NULL;
	struct ds_cfg cfg = { .dev = LUBENCH_DEV_PATH };
	struct ds_result res;
	struct lubench_variant v;
	uint32_t i, nep = 0, nvf = 0, bridges = 0;
	uint16_t *refs = NULL;
	char why[256] = "", hash[17], keys[DS_NR_PATHS][32];
	bool kept = false;
	struct res_row r;
	int n, ret;

	sub_args(opts, argc, argv);
	if (!variant || !list)
		usage();
	ret = variant_and_list(d, variant, &v, &all, &n);
	if (ret)
		return ret;
	ep = calloc(n ? n : 1, sizeof(*ep));
	vfs = calloc(n ? n : 1, sizeof(*vfs));
	if (!ep || !vfs)
		return fail("soak-stress", -ENOMEM);
	for (i = 0; i < (uint32_t)n; i++) {
		if (all[i].flags & LUBENCH_DEVF_VF)
			vfs[nvf++] = all[i];
		else if (!(all[i].flags & LUBENCH_DEVF_BRIDGE))
			ep[nep++] = all[i];
	}
	if (nep < threads) {
		fprintf(stderr, "lubench-dev: %u endpoints for %" PRIu64
			" threads\n", nep, threads);
		return 1;
	}
	cfg.threads = threads;
	cfg.ops = ops;
	cfg.seed = seed;
	cfg.endpoints = ep;
	cfg.nr_endpoints = nep;
	cfg.vfs = vfs;
	cfg.nr_vfs = nvf;
	cfg.hotplug = hotplug;
	cfg.fail_alloc = fail_alloc;
	cfg.fail_alloc_param = "/sys/module/lubench/parameters/fail_alloc";
	cfg.fail_alloc_hits = "/sys/module/lubench/parameters/fail_alloc_hits";
	ret = ds_run(&cfg, &res);
	if (ret)
		return fail("soak-stress", ret);
	if (res.lost)
		snprintf(why, sizeof(why), "%s", res.why);
	if (!why[0]) {
		int k = expected_table(res.preserved, res.nr_preserved,
				       v.rules != LUBENCH_RULES_V2, &table,
				       &refs, &bridges);

		if (k < 0)
			return fail("the bridges in sysfs", k);
		soak_check_table(d, all, n, table, refs, k, why, sizeof(why));
		if (!why[0] && keep) {
			ret = keep_plugged(d, keep, &table, &refs, &k, &kept,
					   why, sizeof(why));
			if (ret)
				return fail(keep, ret);
		}
		if (!why[0]) {
			ret = write_list(list, table, refs, k);
			if (ret)
				return fail(list, ret);
		}
		row_begin(&r, "lubench-soak-stress");
		res_add_str(&r, "set_hash", hex64(hash, lbdev_set_hash(table, k)));
		res_add_u64(&r, "entries", k);
	} else {
		row_begin(&r, "lubench-soak-stress");
		res_add_str(&r, "set_hash", "");
		res_add_u64(&r, "entries", 0);
	}
	res_add_u64(&r, "cycle", cycle);
	res_add_str(&r, "variant", variant);
	res_add_str(&r, "rules", rules_name(v.rules));
	res_add_u64(&r, "threads", threads);
	res_add_u64(&r, "endpoints", nep);
	res_add_u64(&r, "vfs", nvf);
	res_add_u64(&r, "ops", res.ops);
	for (i = 0; i < DS_NR_PATHS; i++) {
		size_t j;

		snprintf(keys[i], sizeof(keys[i]), "ops_%s", ds_path_name(i));
		for (j = 0; keys[i][j]; j++)
			if (keys[i][j] == '-')
				keys[i][j] = '_';
		res_add_u64(&r, keys[i], res.path_ops[i]);
	}
	res_add_u64(&r, "observed", res.observed);
	res_add_u64(&r, "refused", res.refused);
	res_add_u64(&r, "refused_ebusy", res.refused_busy);
	res_add_u64(&r, "refused_enoent", res.refused_noent);
	res_add_u64(&r, "refused_einval", res.refused_inval);
	res_add_u64(&r, "refused_enodev", res.refused_nodev);
	res_add_u64(&r, "refused_enomem", res.refused_nomem);
	res_add_u64(&r, "fail_alloc", fail_alloc);
	res_add_u64(&r, "alloc_faults", res.alloc_faults);
	res_add_u64(&r, "hotplug_events", res.hp_events);
	res_add_u64(&r, "hotplug_added", res.hp_added);
	res_add_u64(&r, "hotplug_beside_writers", res.hp_beside);
	res_add_u64(&r, "hotplug_unplug_preserved", res.hp_unplug_preserved);
	res_add_u64(&r, "hotplug_enospc", res.hp_nospc);
	res_add_u64(&r, "sriov_switches", res.hp_sriov);
	res_add_u64(&r, "kept_plugged", kept);
	res_add_u64(&r, "preserved", res.nr_preserved);
	res_add_u64(&r, "bridges", bridges);
	res_add_u64(&r, "wall_ns", res.wall_ns);
	res_add_u64(&r, "seed", seed);
	res_add_u64(&r, "lost", why[0] ? 1 : 0);
	res_add_str(&r, "why", why);
	emit(&r);
	if (why[0])
		fprintf(stderr, "lubench-dev: soak-stress: LOST: %s\n", why);
	free(table);
	free(refs);
	free(res.preserved);
	free(all);
	free(ep);
	free(vfs);
	return why[0] ? 1 : 0;
}

/* What a clean kernel log never holds (an oops panics: oops=panic). */
static const char *const dmesg_bad[] = {
	"WARNING:", "BUG:", "kernel BUG", "Oops", "KASAN", "UBSAN:",
	"cut here", "general protection fault", NULL,
};

/*
 * dmesg-check: the whole kernel log of this kernel so far; a row saying
 * whether it is clean and the first line that is not.  Exit 1 if not.
 */
static int cmd_dmesg_check(int argc, char **argv)
{
	const char *where = "";
	uint64_t cycle = 0, stage = 0;
	const struct sub_opt opts[] = {
		{ "where", SUB_STR, &where },
		{ "cycle", SUB_NUM, &cycle, 0, UINT32_MAX },
		{ "stage", SUB_NUM, &stage, 0, UINT32_MAX },
		{ }
	};
	uint32_t lines = 0, bad = 0;
	char first[200] = "", *buf, *p, *nl;
	struct res_row r;
	int size, n, i;

	sub_args(opts, argc, argv);
	size = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	if (size <= 0)
		return fail("klogctl size", size < 0 ? -errno : -EIO);
	buf = malloc(size + 1);
	if (!buf)
		return fail("dmesg-check", -ENOMEM);
	n = klogctl(3, buf, size);	/* SYSLOG_ACTION_READ_ALL */
	if (n < 0)
		return fail("klogctl read", -errno);
	buf[n] = '\0';
	for (p = buf; *p; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		lines++;
		for (i = 0; dmesg_bad[i]; i++)
			if (strstr(p, dmesg_bad[i]))
				break;
		if (dmesg_bad[i] && !bad++)
			snprintf(first, sizeof(first), "%s", p);
	}
	row_begin(&r, "lubench-dmesg");
	res_add_u64(&r, "cycle", cycle);
	res_add_u64(&r, "stage", stage);
	res_add_str(&r, "where", where);
	res_add_u64(&r, "bytes", n);
	res_add_u64(&r, "lines", lines);
	res_add_bool(&r, "clean", !bad);
	res_add_u64(&r, "matches", bad);
	res_add_str(&r, "first", first);
	emit(&r);
	if (bad)
		fprintf(stderr, "lubench-dev: dmesg: %u suspect lines, the "
			"first: %s\n", bad, first);
	free(buf);
	return bad ? 1 : 0;
}

/*
 * soak-clock: the guest's clock since the soak began, on the TSC (which
 * kexec does not reset): when --start FILE is empty or missing, write
 * the TSC and its rate there (the file must exist at boot to cross a
 * jump: the next kernel gets the files the first one booted with).
 * Exit 0 while under --limit-ms (0: no limit), 3 once past.
 */
static int cmd_soak_clock(struct lbdev *d, int argc, char **argv)
{
	const char *start = NULL;
	uint64_t limit = 0, stage = 0, t0 = 0, khz = 0, now, ms;
	const struct sub_opt opts[] = {
		{ "start", SUB_STR, &start },
		{ "limit-ms", SUB_NUM, &limit, 0, UINT32_MAX },
		{ "stage", SUB_NUM, &stage, 0, UINT32_MAX },
		{ }
	};
	struct lubench_info in;
	struct res_row r;
	FILE *f;
	int ret;

	sub_args(opts, argc, argv);
	if (!start)
		usage();
	now = __builtin_ia32_rdtsc();
	f = fopen(start, "r");
	ret = f ? fscanf(f, "%" SCNu64 " %" SCNu64, &t0, &khz) : EOF;
	if (f)
		fclose(f);
	if (ret != EOF) {
		if (ret != 2 || !khz || t0 > now) {
			fprintf(stderr, "lubench-dev: %s: not a start stamp\n",
				start);
			return 1;
		}
	} else {
		ret = lbdev_info(d, &in);
		if (ret)
			return fail("info", ret);
		t0 = now;
		khz = in.tsc_khz;
		f = fopen(start, "w");
		if (!f || fprintf(f, "%" PRIu64 " %" PRIu64 "\n", t0, khz) < 0 ||
		    fclose(f))
			return fail(start, -errno);
	}
	ms = (now - t0) / khz;
	row_begin(&r, "lubench-soak-clock");
	res_add_u64(&r, "stage", stage);
	res_add_u64(&r, "elapsed_ms", ms);
	res_add_u64(&r, "limit_ms", limit);
	res_add_bool(&r, "due", !limit || ms < limit);
	emit(&r);
	return !limit || ms < limit ? 0 : 3;
}

/* --- what needs no /dev/lubench ---------------------------------------- */

/* "model name" of the boot CPU, as /proc/cpuinfo gives it. */
static void cpu_model(char *buf, size_t len)
{
	char line[512], *colon;
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, len, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) || !colon)
			continue;
		colon += strspn(colon + 1, " \t") + 1;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		break;
	}
	if (f)
		fclose(f);
}

/* guest-info: the guest kernel and CPU, for the guest benchmark's meta. */
static int cmd_guest_info(int argc)
{
	struct utsname u;
	struct res_row r;
	char cpu[256];

	if (argc != 1 || uname(&u))
		usage();
	cpu_model(cpu, sizeof(cpu));
	row_begin(&r, "lubench-guest");
	res_add_str(&r, "kernel", u.release);
	res_add_str(&r, "cpu_model", cpu);
	return emit(&r) ? 1 : 0;
}

static void plan_args(int argc, char **argv, const char **plan,
		      uint64_t *cycle, uint64_t *checks)
{
	const struct sub_opt opts[] = {
		{ "plan", SUB_STR, plan },
		{ "cycle", SUB_NUM, cycle, 1, CP_MAX_CYCLES },
		{ "kexec-checks", SUB_NUM, checks, 0, 1 },
		{ }
	};

	sub_args(opts, argc, argv);
	if (!*plan)
		usage();
}
/*
 * cycle-plan: the plan line of stage 1 (how many jumps, the kernel);
 * cycle-step: jump K of the plan as shell assignments for the cycle job,
 * every value a checked name or number, so the job reads no field by its
 * position.
 */
static int cmd_plan(int argc, char **argv, bool step)
{
	const char *plan = NULL;
	uint64_t cycle = 0;
	struct cp_plan p;
	struct utsname u;
	struct res_row r;
	uint64_t checks = UINT64_MAX;	/* not given */
	int ret;
	char why[300];

	plan_args(argc, argv, &plan, &cycle, &checks);
	if (step ? checks != UINT64_MAX : cycle || checks == UINT64_MAX)
		usage();
	ret = cp_read(plan, &p, why, sizeof(why));
	if (ret) {
		fprintf(stderr, "lubench-dev: %s\n", why);
		return 2;
	}
	if (cycle > p.nr) {
		fprintf(stderr, "lubench-dev: %s: no jump %" PRIu64 " (%u planned)\n",
			plan, cycle, p.nr);
		cp_free(&p);
		return 2;
	}
	if (!step) {
		uname(&u);
		row_begin(&r, "lubench-cycle-plan");
		res_add_u64(&r, "cycles", p.nr);
		res_add_bool(&r, "kexec_checks", checks);
		res_add_str(&r, "kernel", u.release);
		ret = emit(&r) ? 1 : 0;
	} else {
		printf("plan_cycles=%u\n", p.nr);
		if (cycle) {
			const struct cp_entry *e = &p.e[cycle - 1];

			printf("plan_variant=%s\nplan_fault=%s\n"
			       "plan_devices=%u\nplan_preserve=%u\n"
			       "plan_warmup=%d\n", e->variant, e->fault,
			       e->devices, e->preserve, e->warmup);
		}
		ret = fflush(stdout) ? 1 : 0;
	}
	cp_free(&p);
	return ret;
}

int main(int argc, char **argv)
{
	const char *path = LUBENCH_DEV_PATH;
	struct lbdev d;
	int ret;

	/* The commit this binary was built from, as the host records it. */
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("lubench-dev %s\n", LUBENCH_VERSION);
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "--dev")) {
		path = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "guest-info"))
		return cmd_guest_info(argc - 1);
	if (!strcmp(argv[1], "cycle-plan"))
		return cmd_plan(argc - 1, argv + 1, false);
	if (!strcmp(argv[1], "cycle-step"))
		return cmd_plan(argc - 1, argv + 1, true);
	if (!strcmp(argv[1], "dmesg-check"))
		return cmd_dmesg_check(argc - 1, argv + 1);
	ret = lbdev_open(&d, path);
	if (ret)
		return fail(path, ret);
	argc--;
	argv++;

	if (!strcmp(argv[0], "info"))
		ret = cmd_info(&d);
	else if (!strcmp(argv[0], "variants"))
		ret = cmd_variants(&d);
	else if (!strcmp(argv[0], "list"))
		ret = cmd_list(&d, argc, argv);
	else if (!strcmp(argv[0], "preserve"))
		ret = cmd_dev(&d, LUBENCH_OP_PRESERVE, argc, argv);
	else if (!strcmp(argv[0], "unpreserve"))
		ret = cmd_dev(&d, LUBENCH_OP_UNPRESERVE, argc, argv);
	else if (!strcmp(argv[0], "find"))
		ret = cmd_dev(&d, LUBENCH_OP_FIND, argc, argv);
	else if (!strcmp(argv[0], "reset"))
		ret = cmd_reset(&d, argc, argv);
	else if (!strcmp(argv[0], "hotplug"))
		ret = cmd_hotplug(&d, argc, argv);
	else if (!strcmp(argv[0], "stats"))
		ret = cmd_stats(&d, argc, argv);
	else if (!strcmp(argv[0], "bench"))
		ret = cmd_bench(&d, argc, argv);
	else if (!strcmp(argv[0], "cycle-preserve"))
		ret = cmd_cycle_preserve(&d, argc, argv);
	else if (!strcmp(argv[0], "cycle-freeze"))
		ret = cmd_cycle_freeze(&d, argc, argv);
	else if (!strcmp(argv[0], "cycle-restore"))
		ret = cmd_cycle_restore(&d, argc, argv);
	else if (!strcmp(argv[0], "soak-stress"))
		ret = cmd_soak_stress(&d, argc, argv);
	else if (!strcmp(argv[0], "soak-clock"))
		ret = cmd_soak_clock(&d, argc, argv);
	else
		usage();
	lbdev_close(&d);
	return ret;
}
