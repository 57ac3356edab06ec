// SPDX-License-Identifier: GPL-2.0
/*
 * lubench replay: run a trace of preserve / unpreserve / find against one
 * pci_ser variant or all of them in lockstep, printing one line per op.
 * With every variant, any disagreement is a bug in one of them.
 *
 * Exit: 0 done (whatever the ops returned), 1 variants disagree,
 * 2 bad usage, trace or blob.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input.h"
#include "pci_ser_blob.h"
#include "trace.h"


struct lane {
	const struct pci_ser_ops *ops;
	struct pci_ser ser;
	struct trace_env env;
};


/* A blob, bounded (LB_MAX_BLOB); NULL with the reason printed. */
static void *read_blob(const char *path, size_t *len)
{
	char err[300];
	void *buf;

	if (lb_read_file(path, LB_MAX_BLOB, &buf, len, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	return buf;
}

struct import_ctx {
	struct pci_ser *ser;
	struct pci_ser *src;
	int err;
};

static void import_one(void *arg, u32 domain, u16 bdf)
{
	struct import_ctx *ctx = arg;
	struct pci_ser *ser = ctx->ser;
	int ret;

	if (!pci_ser_rules_refcounted(ser->ops->rules)) {
		ret = pci_ser_preserve(ser, domain, bdf, false, ser->capacity);
	} else {
		/* The same entry, refcount and all. */
		ret = ser->priv ? 0 : ser->ops->init(ser);
		if (!ret)
			ret = ser->ops->set_refcount(ser, domain, bdf,
					pci_ser_refcount(ctx->src, domain, bdf));
	}

	if (ret && !ctx->err)
		ctx->err = ret;
}

/*
 * Start every lane from the blob: its own layout retrieves it, the others
 * are filled with the same devices in the same order.
 */
static int load_lanes(struct lane *lanes, int nr, const char *path,
		      const struct pci_ser_ops *want, u32 *capacity)
{
	const struct pci_ser_ops *blob_ops = NULL;
	struct pci_ser src = { };
	enum pci_ser_defect d;
	size_t len = 0;
	void *buf;
	int i;

	buf = read_blob(path, &len);
	if (!buf)
		return -1;
	d = pci_ser_blob_check(buf, len, want, &blob_ops);
	if (!d)
		d = pci_ser_blob_retrieve(&src, buf, len, blob_ops);
	if (d) {
		const struct pci_ser_blob_hdr *h = buf;

		if (d == PCI_SER_COMPATIBLE_MISMATCH)
			fprintf(stderr, "%s: %s: blob is %.48s, variant %s expects %s\n",
				path, pci_ser_defect_str(d), h->compatible,
				want->name, want->compatible);
		else
			fprintf(stderr, "%s: invalid blob: %s\n", path,
				pci_ser_defect_str(d));
		free(buf);
		return -1;
	}
	*capacity = src.capacity;
	for (i = 0; i < nr; i++) {
		struct import_ctx ctx = { .ser = &lanes[i].ser, .src = &src };

		lanes[i].ser.ops = lanes[i].ops;
		lanes[i].ser.capacity = src.capacity;
		if (lanes[i].ops == blob_ops) {
			d = pci_ser_blob_retrieve(&lanes[i].ser, buf, len,
						  blob_ops);
			if (d)
				ctx.err = -ENOMEM;
		} else {
			pci_ser_for_each(&src, import_one, &ctx);
		}
		if (ctx.err) {
			fprintf(stderr, "%s: cannot load into %s: %s\n", path,
				lanes[i].ops->name, trace_result_str(ctx.err));
			free(buf);
			pci_ser_destroy(&src);
			return -1;
		}
	}
	pci_ser_destroy(&src);
	free(buf);
	return 0;
}

/*
 * --save: a temporary file next to the target, made before any op runs
 * so a path that cannot be written is refused first, and renamed over
 * the target only when the blob is complete.
 */
struct save_target {
	const char *path;
	char tmp[PATH_MAX];
	int fd;
};

static int save_open(struct save_target *s, const char *path)
{
	struct stat st;
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path) + 1 : 0;

	s->path = path;
	s->fd = -1;
	if (!stat(path, &st) && !S_ISREG(st.st_mode)) {
		fprintf(stderr, "--save %s: %s\n", path, S_ISDIR(st.st_mode) ?
			"is a directory" : "not a regular file");
		return -1;
	}
	if (snprintf(s->tmp, sizeof(s->tmp), "%.*s.lubench-save.XXXXXX",
		     dirlen, path) >= (int)sizeof(s->tmp)) {
		fprintf(stderr, "--save %s: path too long\n", path);
		return -1;
	}
	s->fd = mkstemp(s->tmp);
	if (s->fd < 0) {
		fprintf(stderr, "--save %s: cannot write there: %m\n", path);
		return -1;
	}
	return 0;
}

static void save_abort(struct save_target *s)
{
	if (s->fd < 0)
		return;
	close(s->fd);
	unlink(s->tmp);
	s->fd = -1;
}

static int save_commit(struct save_target *s, const struct pci_ser *ser)
{
	size_t len = pci_ser_blob_size(ser), done = 0;
	char *buf = calloc(1, len);
	ssize_t n;
	int ret;

	if (!buf) {
		fprintf(stderr, "--save %s: out of memory\n", s->path);
		save_abort(s);
		return -1;
	}
	pci_ser_blob_write(ser, buf, 0, 0);
	while (done < len && (n = write(s->fd, buf + done, len - done)) > 0)
		done += n;
	free(buf);
	/* mkstemp() made it 0600; a saved blob is as readable as any file. */
	if (done < len || fchmod(s->fd, 0644)) {
		fprintf(stderr, "--save %s: cannot write: %m\n", s->path);
		save_abort(s);
		return -1;
	}
	ret = close(s->fd);
	s->fd = -1;
	if (ret || rename(s->tmp, s->path)) {
		fprintf(stderr, "--save %s: cannot write: %m\n", s->path);
		unlink(s->tmp);
		return -1;
	}
	return 0;
}

static void usage(FILE *f)
{
	const struct pci_ser_ops *const *v;

	fprintf(f, "usage: lubench replay [--variant NAME|all] [--rules v2|v6|kho-blocks]\n"
		   "                      [--load BLOB] "
		   "[--save BLOB] TRACE\n  variants:");
	for (v = pci_ser_variants; *v; v++)
		fprintf(f, " %s", (*v)->name);
	fprintf(f, " (default: all, or the blob's with --load)\n");
}

/* What one op did in one lane: its result and the bridges it moved. */
struct outcome {
	int res;
	u32 nr;			/* bridges looked at: the path, and itself */
	u16 before[TRACE_MAX_PATH + 1];
	u16 after[TRACE_MAX_PATH + 1];
};

/*
 * The bridges an op on @r can move, root first, as the lanes see them
 * after any renumbering (every lane renumbers alike); returns how many.
 */
static u32 op_bridges(const struct trace *t, const struct trace_rec *r,
		      const struct trace_env *env, struct trace_id *ids)
{
	const struct trace_dev *d;
	u32 n;

	if (r->dev == TRACE_NO_DEV)
		return 0;
	d = &t->dev[r->dev];
	n = trace_op_path(t, r, env, ids);
	if (d->bridge) {
		ids[n].domain = d->domain;
		ids[n].bdf = d->bdf;
		n++;
	}
	return n;
}

static void run_lane(struct lane *l, const struct trace *t,
		     const struct trace_rec *r,
		     const struct trace_id *ids, u32 nr, struct outcome *o)
{
	bool counted = pci_ser_rules_refcounted(l->ops->rules);
	u32 j;

	o->nr = counted ? nr : 0;
	for (j = 0; j < o->nr; j++)
		o->before[j] = pci_ser_refcount(&l->ser, ids[j].domain,
						ids[j].bdf);
	o->res = trace_run_op(&l->ser, t, r, &l->env);
	for (j = 0; j < o->nr; j++)
		o->after[j] = pci_ser_refcount(&l->ser, ids[j].domain,
					       ids[j].bdf);
}

static bool same_outcome(const struct outcome *a, const struct outcome *b)
{
	return a->res == b->res && a->nr == b->nr &&
	       !memcmp(a->after, b->after, a->nr * sizeof(a->after[0]));
}

/* The op as the output shows it: normalised, `via` only if the line had it. */
static void format_op(char *buf, size_t len, const struct trace *t,
		      const struct trace_rec *r)
{
	char dev[PCI_DEV_STR_LEN];
	const struct trace_dev *d;
	const struct trace_id *ids;
	size_t o;
	u32 j;

	if (r->op == TRACE_CAPACITY) {
		snprintf(buf, len, "capacity %u", r->value);
		return;
	}
	if (r->op == TRACE_FAULT) {
		if (r->value == TRACE_FAULT_ALL)
			snprintf(buf, len, "fault alloc all");
		else
			snprintf(buf, len, "fault alloc %u", r->value);
		return;
	}
	if (r->op == TRACE_JUMP) {
		snprintf(buf, len, "jump%s", r->how == TRACE_JUMP_HALFWAY ?
			 " halfway" : r->how == TRACE_JUMP_AGAIN ? " again" : "");
		return;
	}
	if (r->op == TRACE_RENUMBER) {
		char other[PCI_DEV_STR_LEN];

		pci_dev_format(dev, t->dev[r->dev].domain, t->dev[r->dev].bdf);
		pci_dev_format(other, t->dev[r->dev2].domain,
			       t->dev[r->dev2].bdf);
		snprintf(buf, len, "renumber %s %s", dev, other);
		return;
	}
	if (r->dev == TRACE_NO_DEV) {
		snprintf(buf, len, "%s", trace_op_name(r->op));
		return;
	}
	pci_dev_format(dev, r->domain, r->bdf);
	o = snprintf(buf, len, "%s %s%s", trace_op_name(r->op), dev,
		     r->vf ? " vf" : "");
	d = &t->dev[r->dev];
	ids = trace_dev_path(t, d);
	for (j = 0; r->via && j < d->nr_path && o < len; j++) {
		pci_dev_format(dev, ids[j].domain, ids[j].bdf);
		o += snprintf(buf + o, len - o, "%s%s", j ? "," : " via ", dev);
	}
	if (r->op == TRACE_FINISH && r->how && o < len)
		snprintf(buf + o, len - o, " again");
}

static void print_disagreement(FILE *f, const char *trace,
			       const struct trace_rec *r, const char *op,
			       const struct lane *lanes,
			       const struct outcome *out, int nr)
{
	int i;
	u32 j;

	fprintf(f, "%s:%u: variants disagree on '%s':", trace, r->line, op);
	for (i = 0; i < nr; i++) {
		fprintf(f, " %s -> %s", lanes[i].ops->name,
			trace_result_str(out[i].res));
		for (j = 0; j < out[i].nr; j++)
			fprintf(f, "%s%u", j ? "/" : " refcounts ",
				out[i].after[j]);
		fputs(i + 1 < nr ? "," : "\n", f);
	}
}

static int replay(struct lane *lanes, int nr, const struct trace *t,
		  const char *trace, u32 capacity)
{
	struct trace_id ids[TRACE_MAX_PATH + 1];
	struct outcome out[16];
	char op[40 + (TRACE_MAX_PATH + 1) * PCI_DEV_STR_LEN];
	size_t k;
	int i;
	u32 j, n;

	for (i = 0; i < nr; i++)
		lanes[i].env.capacity = capacity;
	for (k = 0; k < t->nr; k++) {
		const struct trace_rec *r = &t->rec[k];
		bool faulted = lanes[0].env.fault != 0;

		n = op_bridges(t, r, &lanes[0].env, ids);
		for (i = 0; i < nr; i++)
			run_lane(&lanes[i], t, r, ids, n, &out[i]);
		format_op(op, sizeof(op), t, r);
		for (i = 1; i < nr; i++)
			if (!same_outcome(&out[i], &out[0]))
				break;
		if (i < nr) {
			fflush(stdout);
			print_disagreement(stdout, trace, r, op, lanes, out, nr);
			print_disagreement(stderr, trace, r, op, lanes, out, nr);
			return 1;
		}
		printf("%s -> %s\n", op, trace_result_str(out[0].res));
		for (j = 0; j < out[0].nr; j++) {
			char dev[PCI_DEV_STR_LEN];

			if (out[0].before[j] == out[0].after[j])
				continue;
			pci_dev_format(dev, ids[j].domain, ids[j].bdf);
			printf("  bridge %s refcount %u -> %u\n", dev,
			       out[0].before[j], out[0].after[j]);
		}
		if (out[0].res <= TRACE_RESULT_DEFECT_BASE && !faulted &&
		    !lanes[0].env.handover_bad) {
			/* Refusing its own handover, unprovoked, is a bug. */
			fprintf(stderr, "%s:%u: %s: the handover was refused: %s\n",
				trace, r->line, lanes[0].ops->name,
				trace_result_str(out[0].res));
			return 1;
		}
	}
	return 0;
}

/*
 * The rules the replay follows: --rules, else the trace's `rules` line,
 * else those of the one layout given (or the blob's), else v2's.  Both
 * given and different is refused, as is a layout that follows others.
 */
static int pick_rules(const char *opt, const struct trace *t,
		      const char *path, const struct pci_ser_ops *one,
		      enum pci_ser_rules *out)
{
	enum pci_ser_rules r = PCI_SER_RULES_V2;

	if (opt) {
		r = pci_ser_rules_by_name(opt);
		if (r == PCI_SER_NR_RULES) {
			fprintf(stderr, "--rules %s: unknown (v2, v6, kho-blocks)\n",
				opt);
			return -1;
		}
		if (t->has_rules && strcmp(t->rules, opt)) {
			fprintf(stderr, "%s:%u: rules %s, but --rules %s\n",
				path, t->rules_line, t->rules, opt);
			return -1;
		}
	} else if (t->has_rules) {
		r = pci_ser_rules_by_name(t->rules);
	} else if (one) {
		r = one->rules;
	}
	if (one && one->rules != r) {
		fprintf(stderr, "%s: follows %s's rules, the replay %s's\n",
			one->name, pci_ser_rules_name(one->rules),
			pci_ser_rules_name(r));
		return -1;
	}
	*out = r;
	return 0;
}

/* The layout whose compatible the blob at @path carries; NULL if refused. */
static const struct pci_ser_ops *blob_layout(const char *path)
{
	const struct pci_ser_ops *ops = NULL;
	enum pci_ser_defect d;
	size_t len;
	void *buf = read_blob(path, &len);

	if (!buf)
		return NULL;
	d = pci_ser_blob_check(buf, len, NULL, &ops);
	free(buf);
	if (d) {
		fprintf(stderr, "%s: invalid blob: %s\n", path,
			pci_ser_defect_str(d));
		return NULL;
	}
	return ops;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "variant", required_argument, NULL, 'v' },
		{ "rules", required_argument, NULL, 'r' },
		{ "load", required_argument, NULL, 'l' },
		{ "save", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	const char *variant = NULL, *rules_opt = NULL, *load = NULL;
	const char *save = NULL, *path;
	const struct pci_ser_ops *const *v;
	const struct pci_ser_ops *want = NULL, *one = NULL;
	enum pci_ser_rules rules;
	struct lane lanes[16] = { };
	struct save_target target;
	struct stat st;
	char err[256];
	struct trace t;
	u32 capacity;
	int c, nr = 0, ret, i;
	FILE *f;

	while ((c = getopt_long(argc, argv, "v:r:l:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'v': variant = optarg; break;
		case 'r': rules_opt = optarg; break;
		case 'l': load = optarg; break;
		case 's': save = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	path = argv[optind];

	if (variant && strcmp(variant, "all")) {
		want = pci_ser_variant(variant);
		if (!want) {
			fprintf(stderr, "unknown variant '%s'\n", variant);
			usage(stderr);
			return 2;
		}
	}
	if (save && !want && !(load && !variant)) {
		fprintf(stderr, "--save needs one --variant NAME (or --load)\n");
		return 2;
	}

	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		fprintf(stderr, "%s: cannot open: %m\n", path);
		return 2;
	}
	if (!fstat(fileno(f), &st) && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: is a directory\n", path);
		fclose(f);
		return 2;
	}
	ret = trace_parse(f, path, &t, err, sizeof(err));
	if (f != stdin)
		fclose(f);
	if (ret) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	if (!load && t.nr && !t.has_capacity) {
		fprintf(stderr, "%s:%u: no capacity line before the first op\n",
			path, t.rec[0].line);
		trace_free(&t);
		return 2;
	}

	/* The lanes: one layout, or every layout that follows the rules. */
	one = want;
	if (load && !want) {
		one = blob_layout(load);
		if (!one) {
			trace_free(&t);
			return 2;
		}
	}
	if (pick_rules(rules_opt, &t, path, one, &rules)) {
		trace_free(&t);
		return 2;
	}
	if (want || (load && !variant)) {
		lanes[nr++].ops = one;
	} else {
		for (v = pci_ser_variants; *v && nr < 16; v++)
			if ((*v)->rules == rules)
				lanes[nr++].ops = *v;
		if (!nr) {
			fprintf(stderr, "no layout follows %s's rules\n",
				pci_ser_rules_name(rules));
			trace_free(&t);
			return 2;
		}
	}

	capacity = t.capacity;
	if (load) {
		if (load_lanes(lanes, nr, load, want, &capacity)) {
			trace_free(&t);
			return 2;
		}
		if (t.has_capacity && t.capacity != capacity) {
			fprintf(stderr, "%s: capacity %u does not match the blob's %u\n",
				path, t.capacity, capacity);
			ret = 2;
			goto out;
		}
	} else {
		for (i = 0; i < nr; i++) {
			lanes[i].ser.ops = lanes[i].ops;
			lanes[i].ser.capacity = capacity;
		}
	}

	if (save && save_open(&target, save)) {
		ret = 2;
		goto out;
	}
	ret = replay(lanes, nr, &t, path, capacity);
	if (fflush(stdout)) {
		fprintf(stderr, "stdout: write error\n");
		ret = 2;
	}
	if (save && !ret && save_commit(&target, &lanes[0].ser))
		ret = 2;
	if (save)
		save_abort(&target);
out:
	for (i = 0; i < nr; i++) {
		pci_ser_destroy(&lanes[i].ser);
		trace_env_release(&lanes[i].env);
	}
	trace_free(&t);
	return ret;
}
