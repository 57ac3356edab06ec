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

#define RESULT_FOUND	1
#define RESULT_ABSENT	2

struct lane {
	const struct pci_ser_ops *ops;
	struct pci_ser ser;
};

static const char *result_str(int r)
{
	static char other[16];

	switch (r) {
	case 0:			return "ok";
	case RESULT_FOUND:	return "found";
	case RESULT_ABSENT:	return "absent";
	case -EINVAL:		return "EINVAL";
	case -EBUSY:		return "EBUSY";
	case -ENOSPC:		return "ENOSPC";
	case -ENOENT:		return "ENOENT";
	case -ENOMEM:		return "ENOMEM";
	}
	snprintf(other, sizeof(other), "E%d", -r);
	return other;
}

static int run_op(struct pci_ser *ser, const struct trace_rec *r,
		  u32 capacity)
{
	switch (r->op) {
	case TRACE_PRESERVE:
		return pci_ser_preserve(ser, r->domain, r->bdf, r->vf,
					capacity);
	case TRACE_UNPRESERVE:
		return pci_ser_unpreserve(ser, r->domain, r->bdf);
	case TRACE_FIND:
		return pci_ser_find(ser, r->domain, r->bdf) ? RESULT_FOUND :
							      RESULT_ABSENT;
	}
	return -EINVAL;
}

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
	int err;
};

static void import_one(void *arg, u32 domain, u16 bdf)
{
	struct import_ctx *ctx = arg;
	int ret = pci_ser_preserve(ctx->ser, domain, bdf, false,
				   ctx->ser->capacity);

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
		struct import_ctx ctx = { .ser = &lanes[i].ser };

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
				lanes[i].ops->name, result_str(ctx.err));
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

	fprintf(f, "usage: lubench replay [--variant NAME|all] [--load BLOB] "
		   "[--save BLOB] TRACE\n  variants:");
	for (v = pci_ser_variants; *v; v++)
		fprintf(f, " %s", (*v)->name);
	fprintf(f, " (default: all, or the blob's with --load)\n");
}

static void print_disagreement(FILE *f, const char *trace,
			       const struct trace_rec *r, const char *dev,
			       const struct lane *lanes, const int *res,
			       int nr)
{
	int i;

	fprintf(f, "%s:%u: variants disagree on '%s %s%s':", trace, r->line,
		trace_op_name(r->op), dev, r->vf ? " vf" : "");
	for (i = 0; i < nr; i++)
		fprintf(f, " %s -> %s%s", lanes[i].ops->name,
			result_str(res[i]), i + 1 < nr ? "," : "\n");
}

static int replay(struct lane *lanes, int nr, const struct trace *t,
		  const char *trace, u32 capacity)
{
	int res[16];
	size_t k;
	int i;

	for (k = 0; k < t->nr; k++) {
		const struct trace_rec *r = &t->rec[k];
		char dev[PCI_DEV_STR_LEN];

		for (i = 0; i < nr; i++)
			res[i] = run_op(&lanes[i].ser, r, capacity);
		pci_dev_format(dev, r->domain, r->bdf);
		for (i = 1; i < nr; i++)
			if (res[i] != res[0])
				break;
		if (i < nr) {
			fflush(stdout);
			print_disagreement(stdout, trace, r, dev, lanes, res,
					   nr);
			print_disagreement(stderr, trace, r, dev, lanes, res,
					   nr);
			return 1;
		}
		printf("%s %s%s -> %s\n", trace_op_name(r->op), dev,
		       r->vf ? " vf" : "", result_str(res[0]));
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "variant", required_argument, NULL, 'v' },
		{ "load", required_argument, NULL, 'l' },
		{ "save", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	const char *variant = NULL, *load = NULL, *save = NULL, *path;
	const struct pci_ser_ops *const *v;
	const struct pci_ser_ops *want = NULL;
	struct lane lanes[16] = { };
	struct save_target target;
	struct stat st;
	char err[256];
	struct trace t;
	u32 capacity;
	int c, nr = 0, ret, i;
	FILE *f;

	while ((c = getopt_long(argc, argv, "v:l:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'v': variant = optarg; break;
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
		lanes[nr++].ops = want;
	} else if (load && !variant) {
		/* The blob names its layout; resolved when it is loaded. */
	} else {
		for (v = pci_ser_variants; *v; v++)
			lanes[nr++].ops = *v;
	}
	if (save && nr != 1 && !(load && !variant)) {
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

	capacity = t.capacity;
	if (load) {
		if (!nr) {
			/* Find the blob's own variant first. */
			const struct pci_ser_ops *ops = NULL;
			size_t len;
			void *buf = read_blob(load, &len);
			enum pci_ser_defect d;

			if (!buf) {
				trace_free(&t);
				return 2;
			}
			d = pci_ser_blob_check(buf, len, NULL, &ops);
			free(buf);
			if (d) {
				fprintf(stderr, "%s: invalid blob: %s\n", load,
					pci_ser_defect_str(d));
				trace_free(&t);
				return 2;
			}
			lanes[nr++].ops = ops;
		}
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
	for (i = 0; i < nr; i++)
		pci_ser_destroy(&lanes[i].ser);
	trace_free(&t);
	return ret;
}
