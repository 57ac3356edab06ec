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
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "lubench_dev.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))


static const char *const path_names[] = {
	"ioctl", "batch", "uring", "uring-batch",
};

enum bench_path { P_IOCTL, P_BATCH, P_URING, P_URING_BATCH, P_NR };

static const char *const phase_names[] = {
	[LUBENCH_OP_PRESERVE]	= "preserve",
	[LUBENCH_OP_UNPRESERVE]	= "unpreserve",
	[LUBENCH_OP_FIND]	= "find",
};

static void usage(void)
{
	fprintf(stderr,
"usage: lubench-dev [--dev PATH] COMMAND [ARGS]\n"
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
"        preserve M devices picked by a seeded shuffle; write them to FILE\n"
"  cycle-freeze [--none] [--fault none|corrupt|compat|truncate|variant]\n"
"        [--cycle K] [--list FILE]\n"
"        hand the table over for kexec (JSON on stdout, marker on stderr)\n"
"  cycle-restore [--list FILE] [--expect ok|refused] [--cycle K]\n"
"        after the jump: retrieve FILE's devices, finish, verify (JSON)\n");
	exit(2);
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "lubench-dev: %s: %s\n", what, strerror(-err));
	return 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void print_info(const struct lubench_info *in)
{
	printf("{\"type\":\"lubench-dev-info\",\"abi\":%u,\"functions\":%u,"
	       "\"vfs\":%u,\"domains\":%u,\"root_buses\":%u,"
	       "\"pci_devs\":%u,\"variants\":%u,\"variant\":%u,"
	       "\"capacity\":%u,\"preserved\":%u,\"enum_ns\":%" PRIu64
	       ",\"sriov_ns\":%" PRIu64 ",\"tsc_khz\":%" PRIu64 "}\n",
	       in->abi_version, in->nr_functions, in->nr_vfs,
	       in->nr_domains, in->nr_root_buses, in->nr_pci_devs,
	       in->nr_variants, in->variant, in->capacity,
	       in->nr_preserved, (uint64_t)in->enum_ns,
	       (uint64_t)in->sriov_ns, (uint64_t)in->tsc_khz);
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

	for (i = 0; (ret = lbdev_variant_get(d, i, &v)) == 0; i++)
		printf("{\"type\":\"lubench-dev-variant\",\"index\":%u,"
		       "\"name\":\"%s\",\"compatible\":\"%s\"}\n",
		       i, v.name, v.compatible);
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
		printf("%s%s%s\n", name,
		       ids[i].flags & LUBENCH_DEVF_VF ? " vf" : "",
		       ids[i].flags & LUBENCH_DEVF_OWN ? " own" : "");
	}
	free(ids);
	return 0;
}

static int cmd_dev(struct lbdev *d, unsigned int op, int argc, char **argv)
{
	struct lubench_dev dev;
	uint32_t domain;
	uint16_t bdf;
	int ret;

	if (argc != 2 || lbdev_parse_bdf(argv[1], &domain, &bdf))
		usage();
	ret = lbdev_dev_op(d, op, domain, bdf, &dev);
	printf("{\"type\":\"lubench-dev-op\",\"op\":\"%s\",\"dev\":\"%s\","
	       "\"result\":%d,\"error\":\"%s\",\"found\":%u,\"vf\":%s,"
	       "\"ns\":%" PRIu64 "}\n",
	       phase_names[op], argv[1], ret, ret < 0 ? strerror(-ret) : "",
	       dev.found, dev.dev_flags & LUBENCH_DEVF_VF ? "true" : "false",
	       (uint64_t)dev.ns);
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
	int ret;

	if (argc != 2)
		usage();
	ret = lbdev_hotplug(d, strtoul(argv[1], NULL, 0), &h);
	if (ret)
		return fail("hotplug", ret);
	printf("{\"type\":\"lubench-dev-hotplug\",\"domain\":%u,\"added\":%u,"
	       "\"ns\":%" PRIu64 "}\n", h.domain, h.nr_added, (uint64_t)h.ns);
	return 0;
}

static int cmd_stats(struct lbdev *d, int argc, char **argv)
{
	struct lubench_stats s;
	int i, ret;

	ret = lbdev_stats(d, &s, argc > 1 && !strcmp(argv[1], "--reset"));
	if (ret)
		return fail("stats", ret);
	printf("{\"type\":\"lubench-dev-stats\"");
	for (i = 0; i < LUBENCH_NR_TABLE_OPS; i++)
		printf(",\"%s\":{\"count\":%" PRIu64 ",\"failed\":%" PRIu64 "}",
		       phase_names[i + 1], (uint64_t)s.op[i].count,
		       (uint64_t)s.op[i].failed);
	printf(",\"table_ns\":%" PRIu64 ",\"batches\":%" PRIu64
	       ",\"batch_ns\":%" PRIu64 ",\"last_batch_ns\":%" PRIu64
	       ",\"uring_cmds\":%" PRIu64 "}\n",
	       (uint64_t)s.table_ns, (uint64_t)s.batches,
	       (uint64_t)s.batch_ns, (uint64_t)s.last_batch_ns,
	       (uint64_t)s.uring_cmds);
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

static int bench_phase(struct bench *b, unsigned int op)
{
	uint64_t sum_user = 0, sum_table = 0, user, table;
	uint32_t base, k, i, failed_phase = 0, nb = 0;
	int64_t kbatch, sum_kbatch = 0;
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
		printf("{\"type\":\"lubench-dev-batch\",\"variant\":\"%s\","
		       "\"path\":\"%s\",\"phase\":\"%s\",\"rep\":%u,"
		       "\"batch\":%u,\"ops\":%u,\"user_ns\":%" PRIu64
		       ",\"kernel_table_ns\":%" PRIu64 ",\"kernel_batch_ns\":",
		       b->variant, path_names[b->path], phase_names[op],
		       b->rep, nb, k, user, table);
		if (kbatch >= 0)
			printf("%" PRId64, kbatch);
		else
			printf("null");
		printf(",\"unexpected\":%u}\n", failed);
	}
	printf("{\"type\":\"lubench-dev-phase\",\"variant\":\"%s\","
	       "\"path\":\"%s\",\"phase\":\"%s\",\"rep\":%u,\"n\":%u,"
	       "\"batch\":%u,\"batches\":%u,\"user_ns\":%" PRIu64
	       ",\"kernel_table_ns\":%" PRIu64 ",\"kernel_batch_ns\":",
	       b->variant, path_names[b->path], phase_names[op], b->rep,
	       b->n, b->batch, nb, sum_user, sum_table);
	if (b->path == P_BATCH || b->path == P_URING_BATCH)
		printf("%" PRId64, sum_kbatch);
	else
		printf("null");
	printf(",\"user_ns_per_op\":%.1f,\"table_ns_per_op\":%.1f,"
	       "\"unexpected\":%u}\n",
	       b->n ? (double)sum_user / b->n : 0.0,
	       b->n ? (double)sum_table / b->n : 0.0, failed_phase);
	fflush(stdout);
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

static int cmd_bench(struct lbdev *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "variant", required_argument, NULL, 'v' },
		{ "path", required_argument, NULL, 'p' },
		{ "n", required_argument, NULL, 'n' },
		{ "batch", required_argument, NULL, 'b' },
		{ "reps", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "cpu", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench b = { .d = d, .batch = 256, .seed = 1 };
	const char *variant = "all";
	struct lubench_devid *all;
	struct lubench_variant v;
	struct lubench_info info;
	unsigned int reps = 1;
	int path = P_NR, cpu = -1, c, n, i, p, ret, rc = 0;
	uint32_t want = 0, vi;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			variant = optarg;
			break;
		case 'p':
			path = parse_path(optarg);
			break;
		case 'n':
			want = strtoul(optarg, NULL, 0);
			break;
		case 'b':
			b.batch = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			reps = strtoul(optarg, NULL, 0);
			break;
		case 's':
			b.seed = strtoull(optarg, NULL, 0);
			break;
		case 'c':
			cpu = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (path < 0 || !b.batch || b.batch > LUBENCH_BATCH_MAX ||
	    optind != argc)
		usage();
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			return fail("sched_setaffinity", -errno);
	}

	/* The module's own functions minus VFs: what can be preserved. */
	n = lbdev_list(d, LUBENCH_LIST_OWN, &all);
	if (n < 0)
		return fail("list", n);
	for (i = 0, b.n = 0; i < n; i++)
		if (!(all[i].flags & LUBENCH_DEVF_VF))
			all[b.n++] = all[i];
	if (want && want > b.n) {
		fprintf(stderr, "lubench-dev: only %u devices to preserve\n",
			b.n);
		free(all);
		return 1;
	}
	if (want) {
		/* Spread over the whole population rather than its head. */
		for (i = 0; i < (int)want; i++)
			all[i] = all[(uint64_t)i * b.n / want];
		b.n = want;
	}
	b.devs = all;
	b.order = calloc(b.n ? b.n : 1, sizeof(*b.order));
	b.ops = calloc(b.batch, sizeof(*b.ops));
	if (!b.order || !b.ops)
		return fail("bench", -ENOMEM);
	ret = lbdev_uring_init(d, b.batch < 4096 ? b.batch : 4096);
	if (ret)
		return fail("io_uring_queue_init", ret);
	ret = lbdev_info(d, &info);
	if (ret)
		return fail("info", ret);
	print_info(&info);

	for (vi = 0; lbdev_variant_get(d, vi, &v) == 0; vi++) {
		if (strcmp(variant, "all") && strcmp(variant, v.name))
			continue;
		b.variant = v.name;
		for (p = 0; p < P_NR; p++) {
			if (path != P_NR && path != p)
				continue;
			b.path = p;
			for (b.rep = 0; b.rep < reps; b.rep++)
				rc |= bench_one(&b);
		}
	}
	if (!b.variant) {
		fprintf(stderr, "lubench-dev: no variant %s\n", variant);
		rc = 1;
	}
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
static void print_tsc_env(void)
{
	bool constant = false, nonstop = false, known = false, reliable = false;
	char line[8192], cs[64] = "";
	FILE *f;

	f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *tok, *save, *colon = strchr(line, ':');

		if (strncmp(line, "flags", 5) || !colon)
			continue;
		for (tok = strtok_r(colon, " :\n", &save); tok;
		     tok = strtok_r(NULL, " \n", &save)) {
			constant |= !strcmp(tok, "constant_tsc");
			nonstop |= !strcmp(tok, "nonstop_tsc");
			known |= !strcmp(tok, "tsc_known_freq");
			reliable |= !strcmp(tok, "tsc_reliable");
		}
		break;	/* the boot CPU's line */
	}
	if (f)
		fclose(f);
	f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  "r");
	if (f) {
		if (fgets(cs, sizeof(cs), f))
			cs[strcspn(cs, "\n")] = '\0';
		fclose(f);
	}
	printf(",\"constant_tsc\":%s,\"nonstop_tsc\":%s,\"tsc_known_freq\":%s,"
	       "\"tsc_reliable\":%s,\"clocksource\":\"%s\"",
	       constant ? "true" : "false", nonstop ? "true" : "false",
	       known ? "true" : "false", reliable ? "true" : "false", cs);
}

static int cmp_devid(const void *a, const void *b)
{
	const struct lubench_devid *x = a, *y = b;
	uint64_t kx = (uint64_t)x->domain << 16 | x->bdf;
	uint64_t ky = (uint64_t)y->domain << 16 | y->bdf;

	return kx < ky ? -1 : kx > ky;
}

/* The preserved list, one device per line; -errno, or the count. */
static int read_list(const char *path, struct lubench_devid **out)
{
	struct lubench_devid *ids = NULL, *tmp;
	uint32_t n = 0, cap = 0;
	char line[128];
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, " \n")] = '\0';
		if (!line[0])
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			tmp = realloc(ids, cap * sizeof(*ids));
			if (!tmp) {
				free(ids);
				fclose(f);
				return -ENOMEM;
			}
			ids = tmp;
		}
		memset(&ids[n], 0, sizeof(ids[n]));
		if (lbdev_parse_bdf(line, &ids[n].domain, &ids[n].bdf)) {
			fprintf(stderr, "lubench-dev: %s: bad device %s\n",
				path, line);
			free(ids);
			fclose(f);
			return -EINVAL;
		}
		n++;
	}
	fclose(f);
	if (n)
		qsort(ids, n, sizeof(*ids), cmp_devid);
	*out = ids;
	return n;
}

static int write_list(const char *path, const struct lubench_devid *ids,
		      uint32_t n)
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
		fprintf(f, "%s\n", name);
	}
	if (fflush(f) || fsync(fileno(f)))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -EIO;
	return ret;
}

/*
 * cycle-preserve: pick @n of the module's preservable devices with a
 * seeded shuffle (so successive cycles hand over different sets), select
 * the layout, preserve them in one batch and write the set to @list,
 * which the job keeps across the jump.
 */
static int cmd_cycle_preserve(struct lbdev *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "variant", required_argument, NULL, 'v' },
		{ "n", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "list", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *variant = NULL, *list = NULL;
	struct lubench_devid *all, *set;
	struct lubench_batch out;
	struct lubench_op *ops;
	uint32_t want = 0, cand = 0, *order, i, bad = 0;
	uint64_t seed = 1;
	int c, n, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			variant = optarg;
			break;
		case 'n':
			want = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'l':
			list = optarg;
			break;
		default:
			usage();
		}
	}
	if (!list || optind != argc)
		usage();
	if (variant) {
		ret = lbdev_variant_set(d, variant);
		if (ret < 0)
			return fail(variant, ret);
	}
	n = lbdev_list(d, LUBENCH_LIST_OWN, &all);
	if (n < 0)
		return fail("list", n);
	for (i = 0; i < (uint32_t)n; i++)
		if (!(all[i].flags & LUBENCH_DEVF_VF))
			all[cand++] = all[i];
	if (want > cand) {
		fprintf(stderr, "lubench-dev: only %u devices to preserve\n",
			cand);
		free(all);
		return 1;
	}
	order = calloc(cand ? cand : 1, sizeof(*order));
	set = calloc(want ? want : 1, sizeof(*set));
	ops = calloc(want ? want : 1, sizeof(*ops));
	if (!order || !set || !ops)
		return fail("cycle-preserve", -ENOMEM);
	shuffle(order, cand, seed);
	for (i = 0; i < want; i++) {
		set[i] = all[order[i]];
		set[i].flags = 0;
	}
	qsort(set, want, sizeof(*set), cmp_devid);
	for (i = 0; i < want; i++) {
		ops[i].domain = set[i].domain;
		ops[i].bdf = set[i].bdf;
		ops[i].op = LUBENCH_OP_PRESERVE;
	}
	memset(&out, 0, sizeof(out));
	ret = want ? lbdev_batch(d, ops, want, 0, &out) : 0;
	if (ret)
		return fail("preserve batch", ret);
	for (i = 0; i < want; i++)
		bad += ops[i].result != 0;
	ret = write_list(list, set, want);
	if (ret)
		return fail(list, ret);
	printf("{\"type\":\"lubench-cycle-preserve\",\"variant\":\"%s\","
	       "\"candidates\":%u,\"preserved\":%u,\"failed\":%u,"
	       "\"seed\":%" PRIu64 ",\"set_hash\":\"%016" PRIx64 "\","
	       "\"kernel_ns\":%" PRIu64 "}\n",
	       variant ? variant : "", cand, want - bad, bad, seed,
	       lbdev_set_hash(set, want), (uint64_t)out.batch_ns);
	fflush(stdout);
	free(ops);
	free(set);
	free(order);
	free(all);
	return bad ? 1 : 0;
}

/*
 * cycle-freeze: hand the table over.  The console marker is written
 * right after the ioctl, so the host's stamp of it is an independent
 * reading of the freeze.
 */
static int cmd_cycle_freeze(struct lbdev *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "none", no_argument, NULL, 'z' },
		{ "fault", required_argument, NULL, 'f' },
		{ "cycle", required_argument, NULL, 'c' },
		{ "list", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct lubench_devid *set = NULL;
	struct lubench_freeze f;
	uint32_t flags = 0;
	uint64_t cycle = 0, hash = 0;
	int c, n = 0, fault = 0, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'z':
			flags |= LUBENCH_FREEZE_NONE;
			break;
		case 'f':
			fault = lbdev_fault_parse(optarg);
			if (fault < 0)
				usage();
			break;
		case 'c':
			cycle = strtoull(optarg, NULL, 0);
			break;
		case 'l':
			n = read_list(optarg, &set);
			if (n < 0)
				return fail(optarg, n);
			hash = lbdev_set_hash(set, n);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	ret = lbdev_freeze(d, flags, fault, cycle, hash, &f);
	if (ret)
		return fail("freeze", ret);
	fprintf(stderr, "LUBENCH-FREEZE cycle=%" PRIu64 " tsc=%" PRIu64 "\n",
		cycle, (uint64_t)f.freeze_tsc);
	printf("{\"type\":\"lubench-cycle-freeze\",\"cycle\":%" PRIu64
	       ",\"mode\":\"%s\",\"fault\":\"%s\",\"listed\":%d,"
	       "\"user_hash\":\"%016" PRIx64 "\",\"table_hash\":\"%016" PRIx64
	       "\",\"preserved\":%u,\"blob_bytes\":%" PRIu64
	       ",\"freeze_tsc\":%" PRIu64 ",\"serialized_tsc\":%" PRIu64
	       ",\"tsc_khz\":%" PRIu64,
	       cycle, flags & LUBENCH_FREEZE_NONE ? "none" : "table",
	       lbdev_fault_name(fault), n, hash, (uint64_t)f.table_hash,
	       f.nr_preserved, (uint64_t)f.blob_size,
	       (uint64_t)f.freeze_tsc, (uint64_t)f.serialized_tsc,
	       (uint64_t)f.tsc_khz);
	print_tsc_env();
	printf("}\n");
	fflush(stdout);
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

/*
 * cycle-restore: in the kernel after the jump, retrieve every device the
 * previous kernel's user space preserved (its list came across in a
 * boot-time file), finish, then check what came across: exactly the
 * preserved set marked incoming and nothing else, and the counts and
 * hashes of the record, the table and the list agreeing.  A refused
 * handover must leave no device marked.
 */
/*
 * One console line per jump, for the host's progress report (the
 * stamper's --progress): results/GUEST-PROTOCOL.md has the format.
 */
static void print_progress(uint64_t cycle, const struct lubench_cycle *cy,
			   bool refused, int ok)
{
	fprintf(stderr, "LUBENCH-PROGRESS cycle=%" PRIu64 " variant=%s n=%u",
		cycle, cy->mode == LUBENCH_MODE_NONE ? "none" : cy->variant,
		cy->old_nr_functions);
	if (!refused && cy->tsc_khz && cy->finish_tsc > cy->freeze_tsc)
		fprintf(stderr, " blackout_ms=%.1f",
			(double)(cy->finish_tsc - cy->freeze_tsc) /
			(double)cy->tsc_khz);
	fprintf(stderr, " verdict=%s\n", refused ? "refused" :
		ok ? "pass" : "fail");
}

static int cmd_cycle_restore(struct lbdev *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", required_argument, NULL, 'l' },
		{ "expect", required_argument, NULL, 'e' },
		{ "cycle", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct lubench_devid *set = NULL, *marked = NULL, *ids = NULL;
	const char *list = NULL, *expect = "ok";
	struct lubench_retrieve r = { 0 };
	struct lubench_finish fin = { 0 };
	struct lubench_cycle cy;
	uint64_t cycle = 0, hash;
	int c, n = 0, nm, ret, ok;
	char why[160] = "";
	uint32_t state;
	bool refused;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			list = optarg;
			break;
		case 'e':
			expect = optarg;
			break;
		case 'c':
			cycle = strtoull(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (optind != argc ||
	    (strcmp(expect, "ok") && strcmp(expect, "refused")))
		usage();
	if (list) {
		n = read_list(list, &set);
		if (n < 0)
			return fail(list, n);
	}
	ret = lbdev_cycle(d, &cy);
	if (ret)
		return fail("cycle", ret);
	if (cy.state == LUBENCH_CYCLE_IDLE) {
		fprintf(stderr, "lubench-dev: the module was not loaded with restore=1\n");
		return 1;
	}
	refused = cy.state == LUBENCH_CYCLE_REFUSED;
	state = cy.state;

	/* The blackout ends here: everything retrieved, then finish. */
	ids = calloc(n ? n : 1, sizeof(*ids));
	if (!ids)
		return fail("cycle-restore", -ENOMEM);
	if (n)
		memcpy(ids, set, n * sizeof(*ids));
	ret = lbdev_retrieve(d, ids, n, &r);
	if (ret)
		return fail("retrieve", ret);
	ret = lbdev_finish(d, &fin);
	if (ret)
		return fail("finish", ret);
	if (refused)
		fprintf(stderr, "LUBENCH-REFUSED cycle=%" PRIu64 " reason=%s\n",
			cycle, cy.reason);
	else
		fprintf(stderr, "LUBENCH-RETRIEVED cycle=%" PRIu64
			" devices=%u\n", cycle, r.nr_retrieved);

	ret = lbdev_cycle(d, &cy);
	if (ret)
		return fail("cycle", ret);
	nm = lbdev_list(d, LUBENCH_LIST_INCOMING, &marked);
	if (nm < 0)
		return fail("list", nm);
	hash = lbdev_set_hash(set, n);

	ok = 0;
	if (strcmp(expect, refused ? "refused" : "ok"))
		snprintf(why, sizeof(why), "expected %s, the handover was %s%s",
			 expect, refused ? "refused: " : "accepted",
			 refused ? cy.reason : "");
	else if (refused && nm)
		snprintf(why, sizeof(why), "refused, yet %d devices marked", nm);
	else if (refused && (r.nr_retrieved || cy.nr_lookups))
		snprintf(why, sizeof(why), "refused, yet %u retrieved, %u lookups",
			 r.nr_retrieved, cy.nr_lookups);
	else if (!refused && !same_set(set, n, marked, nm, why, sizeof(why)))
		;
	else if (!refused && (cy.nr_incoming != (uint32_t)n ||
			      cy.nr_in_table != (uint32_t)n ||
			      cy.nr_preserved != (uint32_t)n ||
			      r.nr_retrieved != (uint32_t)n ||
			      fin.nr_unretrieved))
		snprintf(why, sizeof(why), "counts disagree: list %d, record %u, "
			 "table %u, marked %u, retrieved %u, unretrieved %u",
			 n, cy.nr_preserved, cy.nr_in_table, cy.nr_incoming,
			 r.nr_retrieved, fin.nr_unretrieved);
	else if (!refused && (cy.user_hash != hash || cy.table_hash != hash))
		snprintf(why, sizeof(why), "set hash disagrees: list %016" PRIx64
			 ", record %016" PRIx64 ", table %016" PRIx64, hash,
			 (uint64_t)cy.user_hash, (uint64_t)cy.table_hash);
	else if (!refused && !cy.all_retrieved_tsc)
		snprintf(why, sizeof(why), "never all retrieved");
	else
		ok = 1;

	printf("{\"type\":\"lubench-cycle-restore\",\"cycle\":%" PRIu64
	       ",\"record_cycle\":%" PRIu64 ",\"state\":\"%s\","
	       "\"refused\":%s,\"reason\":\"%s\",\"defect\":%u,\"error\":%d,"
	       "\"mode\":\"%s\",\"variant\":\"%s\",\"fault\":\"%s\","
	       "\"old_functions\":%u,\"preserved\":%u,\"listed\":%d,"
	       "\"in_table\":%u,\"lookups\":%u,\"marked\":%d,"
	       "\"retrieved\":%u,\"unretrieved\":%u,"
	       "\"list_hash\":\"%016" PRIx64 "\",\"user_hash\":\"%016" PRIx64
	       "\",\"table_hash\":\"%016" PRIx64 "\",\"blob_bytes\":%" PRIu64
	       ",\"old_tsc_khz\":%" PRIu64 ",\"tsc_khz\":%" PRIu64
	       ",\"freeze_tsc\":%" PRIu64 ",\"serialized_tsc\":%" PRIu64
	       ",\"kexec_tsc\":%" PRIu64 ",\"init_tsc\":%" PRIu64
	       ",\"init_sched_clock_ns\":%" PRIu64 ",\"mapped_tsc\":%" PRIu64
	       ",\"retrieved_tsc\":%" PRIu64 ",\"enumerated_tsc\":%" PRIu64
	       ",\"ready_tsc\":%" PRIu64 ",\"all_retrieved_tsc\":%" PRIu64
	       ",\"finish_tsc\":%" PRIu64 ",\"lookup_cycles\":%" PRIu64
	       ",\"tsc_pair_cycles\":%" PRIu64,
	       cycle, (uint64_t)cy.cycle, state_names[state & 3],
	       refused ? "true" : "false", cy.reason, cy.defect, cy.error,
	       cy.mode == LUBENCH_MODE_NONE ? "none" : "table", cy.variant,
	       lbdev_fault_name(cy.fault) ? lbdev_fault_name(cy.fault) : "?",
	       cy.old_nr_functions, cy.nr_preserved, n, cy.nr_in_table,
	       cy.nr_lookups, nm, r.nr_retrieved, fin.nr_unretrieved, hash,
	       (uint64_t)cy.user_hash, (uint64_t)cy.table_hash,
	       (uint64_t)cy.blob_size, (uint64_t)cy.old_tsc_khz,
	       (uint64_t)cy.tsc_khz, (uint64_t)cy.freeze_tsc,
	       (uint64_t)cy.serialized_tsc, (uint64_t)cy.kexec_tsc,
	       (uint64_t)cy.init_tsc, (uint64_t)cy.init_sched_clock_ns,
	       (uint64_t)cy.mapped_tsc, (uint64_t)cy.retrieved_tsc,
	       (uint64_t)cy.enumerated_tsc, (uint64_t)cy.ready_tsc,
	       (uint64_t)cy.all_retrieved_tsc, (uint64_t)cy.finish_tsc,
	       (uint64_t)cy.lookup_cycles, (uint64_t)cy.tsc_pair_cycles);
	print_tsc_env();
	printf(",\"verdict\":\"%s\",\"why\":\"%s\"}\n", ok ? "pass" : "fail",
	       why);
	fflush(stdout);
	if (!ok)
		fprintf(stderr, "lubench-dev: cycle %" PRIu64 ": FAIL: %s\n",
			cycle, why);
	print_progress(cycle, &cy, refused, ok);
	free(marked);
	free(ids);
	free(set);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *path = LUBENCH_DEV_PATH;
	struct lbdev d;
	int ret;

	if (argc > 2 && !strcmp(argv[1], "--dev")) {
		path = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		usage();
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
	else
		usage();
	lbdev_close(&d);
	return ret;
}
