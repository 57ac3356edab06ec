// SPDX-License-Identifier: GPL-2.0
/*
 * A bounded fuzz run of lubench.ko inside the guest: threads issue random
 * ioctls and uring_cmds, good and bad, for --seconds; every verdict is
 * checked against a model of the devices each thread owns, the whole
 * table against the models between epochs, and a watchdog names the
 * call a thread is in when it stops making progress.  At the end the
 * module is unloaded and reloaded and the kernel log must be clean.
 *
 * usage: guest_fuzz [--seconds S] [--threads T] [--seed N] [--stall-ms MS]
 *                   [--epoch-ms MS] [--ko MODULE.ko] [--devices N[,N...]]
 *
 * --devices runs one round of --seconds per size, in order: the module
 * is reloaded with nr_devices=N for a round when it has another number
 * of functions, and each round ends by unloading it and loading it with
 * the next round's size (the last round's own).  Without --devices, one
 * round at what is loaded.  KTAP names are fuzz.N.{progress,verdicts,
 * model,unload_reload} per round, then fuzz.dmesg_clean (nothing bad in
 * the log since the module's first line) and fuzz.dmesg_check (a planted
 * WARNING line is seen, so the log check itself works).
 *
 * Each thread owns every T-th plain (non-VF) function lubench.ko made,
 * and is the only one to preserve or unpreserve those, so its model of
 * them is exact.  Calls that change the whole table (reset, layout
 * switch, freeze, hot-plug) are made by the main thread between epochs,
 * while the others wait.  uring_cmds are never drained on a ring that
 * also gets SQEs io_uring rejects: io_uring 6.1 can stall that drain
 * for ever (kmod/lubench_uapi.h); a ring of its own carries the drained
 * ones, which the module refuses.
 *
 * Output is KTAP; exit status 0 when every line is ok.  LUBENCH_KO in
 * the environment stands for --ko.  Without a module file the unload
 * and reload step is skipped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lubench_dev.h"

#define MAX_THREADS	16
#define RING_ENTRIES	64
#define LIST_GUARD	300	/* entries after a LIST array, untouched */
#define GUARD_BYTE	0xa5
#define MAX_BATCH	600
#define MAX_ROUNDS	8
#define MAX_FUNCTIONS	65536	/* the module's limit (kmod/lubench.h) */

static struct {
	int seconds;
	int threads;
	uint64_t seed;
	int stall_ms;
	int epoch_ms;
	const char *ko;
	unsigned int sizes[MAX_ROUNDS];	/* functions of each round */
	int nr_rounds;
} opt = {
	.seconds = 60,
	.threads = 4,
	.seed = 1,
	.stall_ms = 15000,
	.epoch_ms = 2000,
};

/* The world as the threads share it between two barriers. */
static struct lubench_devid *all_ids;	/* LIST of every device */
static int nr_all;
static struct lubench_devid vf_id;	/* one VF, if any */
static bool have_vf;
static atomic_bool frozen;		/* preserve/unpreserve are refused: */
static atomic_bool counted;		/* -EINVAL (refcounted rules), else -EBUSY */
static atomic_bool epoch_over;
static atomic_bool stop_all;
static pthread_barrier_t barrier;

/* The KTAP lines so far, the round now running, and any line not ok. */
#define ROUND_TESTS	4	/* progress, verdicts, model, unload_reload */
static int ktap_no;
static int cur_round;
static bool ktap_failed;

/* Failures, counted for the KTAP lines; the first few are printed. */
static atomic_uint nr_verdicts, bad_verdicts, bad_model;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

struct worker {
	int id;
	pthread_t thread;
	pid_t tid;
	struct lbdev d;			/* its own fd and ring */
	struct io_uring drain_ring;	/* drained SQEs only */
	bool have_drain_ring;
	uint64_t rng;
	/* the devices it owns and whether each is preserved */
	struct lubench_devid *own;
	uint8_t *state;
	int nr_own;
	/* for the watchdog */
	_Atomic(const char *) call;
	atomic_ullong progress;
	atomic_ullong since_ns;
	unsigned long long calls[16];
	struct lubench_op ops[MAX_BATCH + 64];
};

static struct worker workers[MAX_THREADS + 1];	/* last: the main thread */

enum {
	K_IOCTL, K_BATCH, K_URING, K_URING_MULTI, K_URING_BATCH, K_FOREIGN,
	K_RULES, K_BAD, K_LIST, K_READ, K_DRAIN, NR_KINDS
};

static const char *const kind_name[NR_KINDS] = {
	"ioctl", "batch", "uring", "uring-multi", "uring-batch", "foreign",
	"rules", "bad-input", "list", "read-only", "drain",
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint32_t rnd(struct worker *w, uint32_t n)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return n ? (uint32_t)(w->rng % n) : 0;
}

/* Enter a call the watchdog can name; leave it with done(). */
static void enter(struct worker *w, const char *call)
{
	atomic_store(&w->since_ns, now_ns());
	atomic_store(&w->call, call);
}

static void done(struct worker *w)
{
	atomic_store(&w->call, (const char *)NULL);
	atomic_fetch_add(&w->progress, 1);
}

static void note(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&log_lock);
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	pthread_mutex_unlock(&log_lock);
}

/* One verdict: @got must be @want. */
static void verdict(struct worker *w, const char *what, int got, int want,
		    const struct lubench_devid *id)
{
	atomic_fetch_add(&nr_verdicts, 1);
	if (got == want)
		return;
	if (atomic_fetch_add(&bad_verdicts, 1) >= 20)
		return;
	if (id)
		note("thread %d: %s on %x:%04x: %d, model says %d", w->id, what,
		     id->domain, id->bdf, got, want);
	else
		note("thread %d: %s: %d, model says %d", w->id, what, got, want);
}

/* --- the model of one owned device --------------------------------- */

/* Expected result of @op on owned device @i, and the state after it. */
static int frozen_verdict(void)
{
	return atomic_load(&counted) ? -EINVAL : -EBUSY;
}

static int model_apply(struct worker *w, int i, unsigned int op)
{
	bool fz = atomic_load(&frozen);

	switch (op) {
	case LUBENCH_OP_PRESERVE:
		if (fz)
			return frozen_verdict();
		if (w->state[i])
			return -EBUSY;
		w->state[i] = 1;
		return 0;
	case LUBENCH_OP_UNPRESERVE:
		if (fz)
			return frozen_verdict();
		if (!w->state[i])
			return -ENOENT;
		w->state[i] = 0;
		return 0;
	default:
		return w->state[i];
	}
}

static unsigned int rnd_op(struct worker *w)
{
	return LUBENCH_OP_PRESERVE + rnd(w, 3);
}

static const char *op_name(unsigned int op)
{
	switch (op) {
	case LUBENCH_OP_PRESERVE:
		return "PRESERVE";
	case LUBENCH_OP_UNPRESERVE:
		return "UNPRESERVE";
	case LUBENCH_OP_FIND:
		return "FIND";
	default:
		return "BATCH";
	}
}

/* --- io_uring with bounded waits ------------------------------------ */

static void prep_cmd(struct io_uring_sqe *sqe, int fd, unsigned int op,
		     const struct lubench_ucmd *c, uint64_t ud)
{
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = op;
	memcpy(sqe->cmd, c, sizeof(*c));
	sqe->user_data = ud;
}

/*
 * Submit what is queued on @ring (all of it: @n SQEs) and reap @n CQEs
 * into @res by user_data.  Returns 0, or -ETIME when a CQE did not come
 * within a third of --stall-ms (5 s by default; lost: the watchdog,
 * which would name the wait, comes later), or the submit's error.
 */
static int submit_reap(struct io_uring *ring, unsigned int n, int *res)
{
	struct __kernel_timespec ts = {
		.tv_sec = opt.stall_ms / 3000,
		.tv_nsec = (opt.stall_ms / 3 % 1000) * 1000000L,
	};
	unsigned int sub = 0, got = 0;
	int ret;

	while (sub < n) {
		ret = io_uring_submit(ring);
		if (ret < 0)
			return ret;
		if (!ret)
			return -EAGAIN;
		sub += ret;
	}
	while (got < n) {
		struct io_uring_cqe *cqe;

		ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
		if (ret)
			return ret;
		if (cqe->user_data < n)
			res[cqe->user_data] = cqe->res;
		got++;
		io_uring_cqe_seen(ring, cqe);
	}
	return 0;
}

/*
 * A ring whose wait failed may still get the CQEs it waited for: count
 * the failure and start again on a new ring.
 */
static void uring_verdict(struct worker *w, const char *what, int ret)
{
	verdict(w, what, ret, 0, NULL);
	if (ret)
		lbdev_uring_init(&w->d, RING_ENTRIES);
}

/* --- one random call of each kind ----------------------------------- */

static void do_ioctl(struct worker *w)
{
	int i = rnd(w, w->nr_own);
	unsigned int op = rnd_op(w);
	int got, want;

	enter(w, op == LUBENCH_OP_PRESERVE ? "ioctl(LUBENCH_IOC_PRESERVE)" :
		 op == LUBENCH_OP_UNPRESERVE ? "ioctl(LUBENCH_IOC_UNPRESERVE)" :
		 "ioctl(LUBENCH_IOC_FIND)");
	got = lbdev_dev_op(&w->d, op, w->own[i].domain, w->own[i].bdf, NULL);
	done(w);
	want = model_apply(w, i, op);
	verdict(w, op_name(op), got, want, &w->own[i]);
}

/* A batch of owned devices, duplicates allowed, run in order. */
static void do_batch(struct worker *w, bool uring)
{
	uint32_t nr = rnd(w, 8) ? 1 + rnd(w, 64) : 1 + rnd(w, MAX_BATCH);
	uint32_t flags = rnd(w, 4) ? 0 : LUBENCH_BATCH_STOP_ON_ERROR;
	struct lubench_op *ops = w->ops;
	struct lubench_batch b;
	int idx[MAX_BATCH], ret;
	uint32_t i, stop = nr;

	memset(ops, GUARD_BYTE, sizeof(*ops) * (nr + 64));
	for (i = 0; i < nr; i++) {
		idx[i] = rnd(w, w->nr_own);
		memset(&ops[i], 0, sizeof(ops[i]));
		ops[i].domain = w->own[idx[i]].domain;
		ops[i].bdf = w->own[idx[i]].bdf;
		ops[i].op = rnd_op(w);
		ops[i].result = -1000;
	}
	enter(w, uring ? "uring_cmd(LUBENCH_OP_BATCH)" : "ioctl(LUBENCH_IOC_BATCH)");
	ret = uring ? lbdev_uring_batch(&w->d, ops, nr, flags, &b) :
		      lbdev_batch(&w->d, ops, nr, flags, &b);
	done(w);
	verdict(w, uring ? "uring batch" : "batch", ret, 0, NULL);
	if (ret)
		return;
	for (i = 0; i < nr; i++) {
		int want = model_apply(w, idx[i], ops[i].op);

		verdict(w, uring ? "uring batch op" : "batch op", ops[i].result,
			want, &w->own[idx[i]]);
		if (want < 0 && (flags & LUBENCH_BATCH_STOP_ON_ERROR)) {
			stop = i + 1;
			break;
		}
	}
	verdict(w, "batch nr_done", b.nr_done, stop, NULL);
	/* Not run, not written; nothing written past @nr. */
	for (i = stop; i < nr; i++)
		verdict(w, "batch op not run", ops[i].result, -1000, NULL);
	for (i = nr; i < nr + 64; i++) {
		const unsigned char *p = (const unsigned char *)&ops[i];
		size_t k;

		for (k = 0; k < sizeof(ops[i]); k++)
			if (p[k] != GUARD_BYTE) {
				verdict(w, "batch wrote past nr", 1, 0, NULL);
				return;
			}
	}
}

static void do_uring(struct worker *w)
{
	int i = rnd(w, w->nr_own), res = -1000, ret;
	unsigned int op = rnd_op(w);
	struct lubench_ucmd c = {
		.domain = w->own[i].domain,
		.bdf = w->own[i].bdf,
		.version = LUBENCH_UCMD_VERSION,
	};

	prep_cmd(io_uring_get_sqe(&w->d.ring), w->d.fd, op, &c, 0);
	enter(w, op == LUBENCH_OP_PRESERVE ? "uring_cmd(LUBENCH_OP_PRESERVE)" :
		 op == LUBENCH_OP_UNPRESERVE ? "uring_cmd(LUBENCH_OP_UNPRESERVE)" :
		 "uring_cmd(LUBENCH_OP_FIND)");
	ret = submit_reap(&w->d.ring, 1, &res);
	done(w);
	uring_verdict(w, "uring wait", ret);
	verdict(w, op_name(op), res, model_apply(w, i, op), &w->own[i]);
}

/* Several uring_cmds in one submission, on distinct devices: any order. */
static void do_uring_multi(struct worker *w)
{
	unsigned int n = 2 + rnd(w, RING_ENTRIES - 1), k, op[RING_ENTRIES];
	int res[RING_ENTRIES], idx[RING_ENTRIES], ret;
	unsigned int start = rnd(w, w->nr_own);

	if (n > (unsigned int)w->nr_own)
		n = w->nr_own;
	for (k = 0; k < n; k++) {
		struct lubench_ucmd c = { .version = LUBENCH_UCMD_VERSION };

		idx[k] = (start + k) % w->nr_own;
		op[k] = rnd_op(w);
		c.domain = w->own[idx[k]].domain;
		c.bdf = w->own[idx[k]].bdf;
		prep_cmd(io_uring_get_sqe(&w->d.ring), w->d.fd, op[k], &c, k);
		res[k] = -1000;
	}
	enter(w, "uring_cmd x n (submit, wait_cqe)");
	ret = submit_reap(&w->d.ring, n, res);
	done(w);
	uring_verdict(w, "uring multi wait", ret);
	for (k = 0; k < n; k++)
		verdict(w, op_name(op[k]), res[k], model_apply(w, idx[k], op[k]),
			&w->own[idx[k]]);
}

/* FIND on any device: 0 or 1, never anything else. */
static void do_foreign(struct worker *w)
{
	const struct lubench_devid *id = &all_ids[rnd(w, nr_all)];
	int got;

	enter(w, "ioctl(LUBENCH_IOC_FIND) foreign");
	got = lbdev_dev_op(&w->d, LUBENCH_OP_FIND, id->domain, id->bdf, NULL);
	done(w);
	verdict(w, "foreign FIND", got == 0 || got == 1, 1, id);
}

/* The rules on devices nobody owns: no such device, and a VF. */
static void do_rules(struct worker *w)
{
	unsigned int op = LUBENCH_OP_PRESERVE + rnd(w, 2);
	int got, want;

	if (have_vf && rnd(w, 2)) {
		enter(w, "ioctl(PRESERVE/UNPRESERVE) of a VF");
		got = lbdev_dev_op(&w->d, op, vf_id.domain, vf_id.bdf, NULL);
		done(w);
		if (atomic_load(&frozen))
			want = frozen_verdict();
		else
			want = op == LUBENCH_OP_PRESERVE ? -EINVAL : -ENOENT;
		verdict(w, "VF rule", got, want, &vf_id);
		return;
	}
	enter(w, "ioctl(PRESERVE/UNPRESERVE) of no device");
	got = lbdev_dev_op(&w->d, op, 0x7777 + rnd(w, 16), rnd(w, 0x10000), NULL);
	done(w);
	verdict(w, "no such device", got, -ENODEV, NULL);
}

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

/* Calls the module must refuse, each with its errno, changing nothing. */
static void do_bad(struct worker *w)
{
	static const unsigned long dev_cmds[] = {
		LUBENCH_IOC_PRESERVE, LUBENCH_IOC_UNPRESERVE, LUBENCH_IOC_FIND,
	};
	const struct lubench_devid *id = &w->own[rnd(w, w->nr_own)];
	struct lubench_dev dv;
	struct lubench_batch b;
	struct lubench_list l;
	int fd = w->d.fd, got = 0, want = -EINVAL, res = -1000;
	const char *what = "";

	LBDEV_INIT(&dv);
	dv.domain = id->domain;
	dv.bdf = id->bdf;
	switch (rnd(w, 9)) {
	case 0:
		what = "ioctl(LUBENCH_IOC_PRESERVE) bad size";
		dv.size = sizeof(dv) - 8;
		break;
	case 1:
		what = "ioctl(LUBENCH_IOC_UNPRESERVE) reserved field";
		dv.reserved[rnd(w, 2)] = 1 + rnd(w, 100);
		break;
	case 2:
		what = "ioctl(LUBENCH_IOC_PRESERVE) bad version";
		dv.version = LUBENCH_ABI_VERSION + 1 + rnd(w, 10);
		break;
	case 3:
		what = "ioctl(LUBENCH_IOC_BATCH) unreadable ops";
		LBDEV_INIT(&b);
		b.nr = 1 + rnd(w, 10);
		b.ops = 8;
		want = -EFAULT;
		enter(w, what);
		got = xioctl(fd, LUBENCH_IOC_BATCH, &b);
		done(w);
		verdict(w, what, got, want, NULL);
		return;
	case 4:
		what = "ioctl() unknown number";
		want = -ENOTTY;
		enter(w, what);
		got = xioctl(fd, _IOWR(LUBENCH_IOC_MAGIC, 0x40 + rnd(w, 0x40),
				       struct lubench_dev), &dv);
		done(w);
		verdict(w, what, got, want, NULL);
		return;
	case 5:
		what = "ioctl(LUBENCH_IOC_LIST) cap without ids";
		LBDEV_INIT(&l);
		l.cap = 1 + rnd(w, 1000);
		enter(w, what);
		got = xioctl(fd, LUBENCH_IOC_LIST, &l);
		done(w);
		verdict(w, what, got, want, NULL);
		return;
	case 6:
	case 7: {
		struct lubench_ucmd c = {
			.domain = id->domain,
			.bdf = id->bdf,
			.version = LUBENCH_UCMD_VERSION,
		};
		struct io_uring_sqe *sqe = io_uring_get_sqe(&w->d.ring);
		bool at_submit = rnd(w, 2);
		int ret;

		/* The module's refusal, or io_uring's at submission. */
		what = at_submit ? "uring_cmd with flags io_uring rejects" :
				   "uring_cmd bad version";
		if (!at_submit)
			c.version = 0;
		prep_cmd(sqe, fd, rnd_op(w), &c, 0);
		if (at_submit)
			sqe->uring_cmd_flags = 1U << (1 + rnd(w, 7));
		enter(w, what);
		ret = submit_reap(&w->d.ring, 1, &res);
		done(w);
		uring_verdict(w, what, ret);
		verdict(w, what, res, -EINVAL, NULL);
		return;
	}
	default:
		what = "ioctl(PRESERVE/UNPRESERVE/FIND) flags";
		/* Any bit but LUBENCH_DEV_REFCOUNT alone, which FIND takes. */
		dv.flags = 2 + rnd(w, 0xfffd);
		break;
	}
	enter(w, what);
	got = xioctl(fd, dev_cmds[rnd(w, 3)], &dv);
	done(w);
	verdict(w, what, got, want, id);
}

/* LIST at a random cap: min(cap, total) entries and nothing past them. */
static void do_list(struct worker *w)
{
	uint32_t cap = rnd(w, 4) ? rnd(w, 600) : rnd(w, nr_all + 300);
	size_t len = ((size_t)cap + LIST_GUARD) * sizeof(struct lubench_devid);
	uint32_t want = cap < (uint32_t)nr_all ? cap : nr_all, i;
	struct lubench_devid *buf = malloc(len);
	struct lubench_list l;
	const unsigned char *p;
	int ret;

	if (!buf)
		return;
	memset(buf, GUARD_BYTE, len);
	LBDEV_INIT(&l);
	l.ids = (uintptr_t)buf;
	l.cap = cap;
	enter(w, "ioctl(LUBENCH_IOC_LIST)");
	ret = lbdev_ioctl(&w->d, LUBENCH_IOC_LIST, &l);
	done(w);
	verdict(w, "LIST", ret, 0, NULL);
	verdict(w, "LIST total", l.total, nr_all, NULL);
	verdict(w, "LIST nr", l.nr, want, NULL);
	verdict(w, "LIST head", memcmp(buf, all_ids, want * sizeof(*buf)) != 0,
		0, NULL);
	p = (const unsigned char *)(buf + want);
	for (i = 0; i < len - want * sizeof(*buf); i++)
		if (p[i] != GUARD_BYTE) {
			verdict(w, "LIST wrote past nr", 1, 0, NULL);
			break;
		}
	free(buf);
}

static void do_read(struct worker *w)
{
	struct lubench_variant v;
	struct lubench_stats st;
	struct lubench_info in;
	struct lubench_cycle cy;
	int ret;

	switch (rnd(w, 4)) {
	case 0:
		enter(w, "ioctl(LUBENCH_IOC_INFO)");
		ret = lbdev_info(&w->d, &in);
		done(w);
		verdict(w, "INFO", ret, 0, NULL);
		verdict(w, "INFO capacity iff preserved",
			!in.capacity == !in.nr_preserved, 1, NULL);
		break;
	case 1:
		enter(w, "ioctl(LUBENCH_IOC_STATS)");
		ret = lbdev_stats(&w->d, &st, false);
		done(w);
		verdict(w, "STATS", ret, 0, NULL);
		break;
	case 2:
		enter(w, "ioctl(LUBENCH_IOC_CYCLE)");
		ret = lbdev_cycle(&w->d, &cy);
		done(w);
		verdict(w, "CYCLE", ret, 0, NULL);
		break;
	default:
		enter(w, "ioctl(LUBENCH_IOC_VARIANT) query");
		ret = lbdev_variant_get(&w->d, rnd(w, 12), &v);
		done(w);
		verdict(w, "VARIANT query", ret == 0 || ret == -ENOENT, 1, NULL);
		break;
	}
}

/* A drained uring_cmd, on the ring that never sees a rejected SQE. */
static void do_drain(struct worker *w)
{
	int i = rnd(w, w->nr_own), res = -1000, ret;
	struct lubench_ucmd c = {
		.domain = w->own[i].domain,
		.bdf = w->own[i].bdf,
		.version = LUBENCH_UCMD_VERSION,
	};
	struct io_uring_sqe *sqe;

	if (!w->have_drain_ring)
		return;
	sqe = io_uring_get_sqe(&w->drain_ring);
	prep_cmd(sqe, w->d.fd, rnd_op(w), &c, 0);
	sqe->flags |= IOSQE_IO_DRAIN;
	enter(w, "uring_cmd IOSQE_IO_DRAIN (submit, wait_cqe)");
	ret = submit_reap(&w->drain_ring, 1, &res);
	done(w);
	verdict(w, "drain wait", ret, 0, NULL);
	if (ret) {
		/* Never again on this ring: its drain may be stuck. */
		io_uring_queue_exit(&w->drain_ring);
		w->have_drain_ring = false;
	}
	verdict(w, "drained uring_cmd", res, -EOPNOTSUPP, &w->own[i]);
}

static void one_call(struct worker *w)
{
	static const unsigned char weight[NR_KINDS] = {
		[K_IOCTL] = 25, [K_BATCH] = 15, [K_URING] = 15,
		[K_URING_MULTI] = 10, [K_URING_BATCH] = 5, [K_FOREIGN] = 5,
		[K_RULES] = 5, [K_BAD] = 12, [K_LIST] = 3, [K_READ] = 4,
		[K_DRAIN] = 1,
	};
	unsigned int r = rnd(w, 100), k;

	for (k = 0; k < NR_KINDS - 1 && r >= weight[k]; k++)
		r -= weight[k];
	w->calls[k]++;
	switch (k) {
	case K_IOCTL:
		do_ioctl(w);
		break;
	case K_BATCH:
		do_batch(w, false);
		break;
	case K_URING:
		do_uring(w);
		break;
	case K_URING_MULTI:
		do_uring_multi(w);
		break;
	case K_URING_BATCH:
		do_batch(w, true);
		break;
	case K_FOREIGN:
		do_foreign(w);
		break;
	case K_RULES:
		do_rules(w);
		break;
	case K_BAD:
		do_bad(w);
		break;
	case K_LIST:
		do_list(w);
		break;
	case K_READ:
		do_read(w);
		break;
	default:
		do_drain(w);
		break;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->tid = syscall(SYS_gettid);
	for (;;) {
		enter(w, "barrier: epoch start");
		pthread_barrier_wait(&barrier);
		done(w);
		if (atomic_load(&stop_all))
			break;
		while (!atomic_load(&epoch_over))
			one_call(w);
		enter(w, "barrier: epoch end");
		pthread_barrier_wait(&barrier);
		done(w);
	}
	return NULL;
}

/* --- the watchdog ---------------------------------------------------- */

static void dump_task(pid_t tid)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stack", tid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		printf("#     %s", line);
	fclose(f);
}

static void ktap_end(bool stalled);
static void ktap(bool ok, const char *fmt, ...);
static void ktap_not_run(int upto, const char *why);
static void ktap_dmesg(void);

static void *watchdog_main(void *arg)
{
	uint64_t limit = (uint64_t)opt.stall_ms * 1000000ULL;
	int n = opt.threads + 1, t;

	(void)arg;
	for (;;) {
		usleep(200 * 1000);
		for (t = 0; t < n; t++) {
			struct worker *w = &workers[t];
			const char *call = atomic_load(&w->call);
			uint64_t since = atomic_load(&w->since_ns);

			if (!call || !strncmp(call, "barrier", 7) ||
			    now_ns() - since < limit)
				continue;
			pthread_mutex_lock(&log_lock);
			printf("# watchdog: %s %d (tid %d) has been in %s for %.1f s, after %llu calls\n",
			       t == opt.threads ? "main thread" : "thread", t,
			       w->tid, call, (now_ns() - since) / 1e9,
			       (unsigned long long)atomic_load(&w->progress));
			dump_task(w->tid);
			pthread_mutex_unlock(&log_lock);
			/* This round's figures if not out yet, the rest not run. */
			if (ktap_no == cur_round * ROUND_TESTS)
				ktap_end(true);
			ktap_not_run(opt.nr_rounds * ROUND_TESTS,
				     "not run: a thread is stuck");
			ktap_dmesg();
			_exit(1);
		}
	}
	return NULL;
}

/* --- between epochs: the whole table against the models ---------- */

static void check_model(struct worker *m, int epoch)
{
	struct lubench_info in;
	uint32_t total = 0, i, nr = 0;
	struct lubench_op *ops;
	struct lubench_batch b;
	int t, j, bad = 0;

	for (t = 0; t < opt.threads; t++)
		total += workers[t].nr_own;
	ops = calloc(total, sizeof(*ops));
	if (!ops)
		return;
	for (t = 0; t < opt.threads; t++)
		for (j = 0; j < workers[t].nr_own; j++, nr++) {
			ops[nr].domain = workers[t].own[j].domain;
			ops[nr].bdf = workers[t].own[j].bdf;
			ops[nr].op = LUBENCH_OP_FIND;
		}
	enter(m, "model check: ioctl(LUBENCH_IOC_BATCH) of FINDs");
	if (lbdev_batch(&m->d, ops, nr, 0, &b)) {
		done(m);
		atomic_fetch_add(&bad_model, 1);
		note("epoch %d: the model check's batch failed", epoch);
		free(ops);
		return;
	}
	done(m);
	total = 0;
	for (t = 0, nr = 0; t < opt.threads; t++)
		for (j = 0; j < workers[t].nr_own; j++, nr++) {
			total += workers[t].state[j];
			if (ops[nr].result != workers[t].state[j] && bad++ < 5)
				note("epoch %d: %x:%04x is %s, thread %d's model says %s",
				     epoch, ops[nr].domain, ops[nr].bdf,
				     ops[nr].result ? "preserved" : "not preserved",
				     t, workers[t].state[j] ? "preserved" :
				     "not preserved");
		}
	enter(m, "model check: ioctl(LUBENCH_IOC_INFO)");
	i = lbdev_info(&m->d, &in);
	done(m);
	if (i || in.nr_preserved != total) {
		bad++;
		note("epoch %d: INFO says %u preserved, the models %u", epoch,
		     in.nr_preserved, total);
	}
	if (bad)
		atomic_fetch_add(&bad_model, 1);
	free(ops);
}

static void clear_models(void)
{
	int t;

	for (t = 0; t < opt.threads; t++)
		memset(workers[t].state, 0, workers[t].nr_own);
}

static int refresh_all_ids(struct worker *m)
{
	free(all_ids);
	all_ids = NULL;
	enter(m, "lbdev_list(all)");
	nr_all = lbdev_list(&m->d, 0, &all_ids);
	done(m);
	return nr_all > 0 ? 0 : -1;
}

/* What the main thread does to the whole table between two epochs. */
static void global_call(struct worker *m, int epoch, bool *hotplugged)
{
	static unsigned int nr_variants;
	struct lubench_variant v;
	int ret;

	if (!nr_variants)
		while (!lbdev_variant_get(&m->d, nr_variants, &v))
			nr_variants++;
	if (atomic_load(&frozen) || *hotplugged) {
		/* A frozen table or hot-plugged bridges last one epoch. */
		enter(m, "ioctl(LUBENCH_IOC_RESET) table+hotplug");
		ret = lbdev_reset(&m->d, LUBENCH_RESET_TABLE | LUBENCH_RESET_HOTPLUG);
		done(m);
		if (ret)
			note("epoch %d: reset: %d", epoch, ret);
		atomic_store(&frozen, false);
		*hotplugged = false;
		clear_models();
		refresh_all_ids(m);
		return;
	}
	switch (rnd(m, 6)) {
	case 0:
		enter(m, "ioctl(LUBENCH_IOC_RESET) table");
		ret = lbdev_reset(&m->d, LUBENCH_RESET_TABLE);
		done(m);
		if (ret)
			note("epoch %d: reset: %d", epoch, ret);
		clear_models();
		break;
	case 1:
		enter(m, "ioctl(LUBENCH_IOC_RESET) + ioctl(LUBENCH_IOC_VARIANT) set");
		lbdev_reset(&m->d, LUBENCH_RESET_TABLE);
		clear_models();
		if (!lbdev_variant_get(&m->d, rnd(m, nr_variants), &v) &&
		    lbdev_variant_set(&m->d, v.name) >= 0)
			atomic_store(&counted, v.rules != LUBENCH_RULES_V2);
		done(m);
		break;
	case 2:
		enter(m, "ioctl(LUBENCH_IOC_FREEZE)");
		ret = lbdev_freeze(&m->d, 0, 0, epoch, 0, NULL);
		done(m);
		if (!ret)
			atomic_store(&frozen, true);
		else if (ret != -ENXIO)
			note("epoch %d: freeze: %d", epoch, ret);
		break;
	case 3: {
		struct lubench_hotplug h;

		enter(m, "ioctl(LUBENCH_IOC_HOTPLUG)");
		ret = lbdev_hotplug(&m->d, 1 + rnd(m, 16), &h);
		done(m);
		if (!ret)
			*hotplugged = true;
		else
			note("epoch %d: hotplug: %d", epoch, ret);
		refresh_all_ids(m);
		break;
	}
	default:
		break;	/* the same table goes on */
	}
}

/* --- the report ------------------------------------------------------ */

static const char *const round_test[ROUND_TESTS] = {
	"progress", "verdicts", "model", "unload_reload",
};

/* The name of KTAP line @idx (from 0): the order is fixed by the plan. */
static void test_name(int idx, char *buf, size_t len)
{
	int end = opt.nr_rounds * ROUND_TESTS;

	if (idx < end)
		snprintf(buf, len, "fuzz.%u.%s", opt.sizes[idx / ROUND_TESTS],
			 round_test[idx % ROUND_TESTS]);
	else
		snprintf(buf, len, "fuzz.%s",
			 idx == end ? "dmesg_clean" : "dmesg_check");
}

/* The next KTAP line of the plan, with an optional directive/comment. */
static void ktap(bool ok, const char *fmt, ...)
{
	char name[64];
	va_list ap;

	pthread_mutex_lock(&log_lock);
	test_name(ktap_no, name, sizeof(name));
	printf("%sok %d %s", ok ? "" : "not ", ++ktap_no, name);
	if (fmt) {
		printf(" # ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	fflush(stdout);
	pthread_mutex_unlock(&log_lock);
	if (!ok)
		ktap_failed = true;
}

/* Every line before @upto not printed yet: failed, for @why. */
static void ktap_not_run(int upto, const char *why)
{
	while (ktap_no < upto)
		ktap(false, "%s", why);
}

/* fuzz.N.progress, .verdicts and .model of the round now ending. */
static void ktap_end(bool stalled)
{
	ktap(!stalled, stalled ? "a thread stopped" : NULL);
	ktap(!atomic_load(&bad_verdicts), "%u of %u verdicts against the model",
	     atomic_load(&bad_verdicts), atomic_load(&nr_verdicts));
	ktap(!atomic_load(&bad_model), "%u epochs where the table was not the model",
	     atomic_load(&bad_model));
}

/* --- the module: unload, load, the log --------------------------------- */

/* Wait up to 5 s for the device node to be there (@want) or gone. */
static bool wait_node(bool want)
{
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	int tries;

	for (tries = 0; tries < 50; tries++) {
		if (!access(LUBENCH_DEV_PATH, F_OK) == want)
			return true;
		nanosleep(&pause, NULL);
	}
	return !access(LUBENCH_DEV_PATH, F_OK) == want;
}

/* Functions of the loaded module, or -1 when there is none. */
static int loaded_functions(void)
{
	struct lubench_info in;
	struct lbdev d;
	int ret;

	if (lbdev_open(&d, NULL))
		return -1;
	ret = lbdev_info(&d, &in);
	lbdev_close(&d);
	return ret ? -1 : (int)in.nr_functions;
}

/* Unload lubench.ko; each step watched. */
static int unload_module(struct worker *m)
{
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	int ret, tries;

	enter(m, "delete_module(lubench)");
	/* io_uring drops its file references asynchronously: retry. */
	for (tries = 0; tries < 100; tries++) {
		ret = syscall(__NR_delete_module, "lubench", O_NONBLOCK);
		if (!ret || (errno != EWOULDBLOCK && errno != EBUSY))
			break;
		nanosleep(&pause, NULL);
	}
	done(m);
	if (ret) {
		note("delete_module: %s", strerror(errno));
		return -1;
	}
	enter(m, "wait for " LUBENCH_DEV_PATH " to go");
	ret = wait_node(false);
	done(m);
	if (!ret) {
		note("%s still there after unload", LUBENCH_DEV_PATH);
		return -1;
	}
	return 0;
}

/* Load --ko with @nr functions and see that it has them. */
static int load_module(struct worker *m, unsigned int nr)
{
	char params[64];
	int fd, ret, got;

	fd = open(opt.ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		note("%s: %s", opt.ko, strerror(errno));
		return -1;
	}
	snprintf(params, sizeof(params), "nr_devices=%u", nr);
	enter(m, "finit_module(lubench.ko)");
	ret = syscall(__NR_finit_module, fd, params, 0);
	done(m);
	close(fd);
	if (ret) {
		note("finit_module %s: %s", params, strerror(errno));
		return -1;
	}
	enter(m, "wait for " LUBENCH_DEV_PATH);
	wait_node(true);
	got = loaded_functions();
	done(m);
	if (got < 0) {
		note("no %s after loading", LUBENCH_DEV_PATH);
		return -1;
	}
	if ((unsigned int)got != nr) {
		note("loaded with %d functions, not %u", got, nr);
		return -1;
	}
	return 0;
}

/*
 * In every planted line, so the scan never counts one as bad; the pid
 * after it tells this run's from an earlier run's in the same boot.
 */
#define PLANTED	"guest_fuzz: planted to check the log check"
static char planted_mine[96];

/*
 * Bad lines from the module's first line of the log on, or -1 when the
 * log cannot be read.  Planted lines are not bad; this run's are counted
 * in @planted.  The first few bad lines are printed when @show.
 */
static int dmesg_scan(int *planted, bool show)
{
	static const char *const bad[] = {
		"WARNING:", "BUG:", "KASAN", "UBSAN", "Oops", "Call Trace",
		"general protection fault", "list_add corruption",
		"list_del corruption", "refcount_t:", "kernel BUG",
		"hung_task", "blocked for more than",
	};
	char *buf, *line, *save;
	int size, len, hits = 0;
	unsigned int i;

	*planted = 0;
	size = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	if (size <= 0)
		return -1;
	buf = malloc(size + 1);
	if (!buf)
		return -1;
	len = klogctl(3, buf, size);	/* SYSLOG_ACTION_READ_ALL */
	if (len < 0) {
		free(buf);
		return -1;
	}
	buf[len] = '\0';
	line = strstr(buf, "lubench: ");
	if (line)
		while (line > buf && line[-1] != '\n')
			line--;
	else
		line = buf;
	for (line = strtok_r(line, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			if (!strstr(line, bad[i]))
				continue;
			if (!strstr(line, PLANTED)) {
				if (hits++ < 10 && show)
					note("dmesg: %s", line);
			} else if (*planted_mine && strstr(line, planted_mine)) {
				++*planted;
			}
			break;
		}
	free(buf);
	return hits;
}

/*
 * Put a line the scan must call bad into the log: one write(), as
 * /dev/kmsg takes a record per write (and refuses the SEEK_CUR that
 * dprintf() starts with).
 */
static int plant_warning(void)
{
	char line[128];
	int fd, ret, len;

	snprintf(planted_mine, sizeof(planted_mine), "%s (pid %d)", PLANTED,
		 (int)getpid());
	len = snprintf(line, sizeof(line), "<4>WARNING: %s\n", planted_mine);
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = write(fd, line, len) == len ? 0 : -1;
	close(fd);
	return ret;
}

/* fuzz.dmesg_clean, then fuzz.dmesg_check: the scan sees a planted line. */
static void ktap_dmesg(void)
{
	int hits, again, planted;

	hits = dmesg_scan(&planted, true);
	if (hits < 0)
		ktap(false, "cannot read the log");
	else
		ktap(hits == 0, hits ? "%d lines" : NULL, hits);
	if (plant_warning()) {
		ktap(false, "cannot write /dev/kmsg: %s", strerror(errno));
		return;
	}
	again = dmesg_scan(&planted, false);
	ktap(planted == 1 && again == hits,
	     "%d planted WARNING lines seen (want 1), %d others", planted, again);
}

/* --- one round ----------------------------------------------------- */

/* Everything a round changes, as it was before the first. */
static void round_reset(void)
{
	int t;

	for (t = 0; t <= opt.threads; t++) {
		struct worker *w = &workers[t];

		free(w->own);
		free(w->state);
		w->own = NULL;
		w->state = NULL;
		w->nr_own = 0;
		memset(w->calls, 0, sizeof(w->calls));
		/* Closed by teardown(); opened again by setup_workers(). */
		w->d.fd = -1;
		w->d.have_ring = false;
		w->have_drain_ring = false;
	}
	have_vf = false;
	atomic_store(&frozen, false);
	/* Each round loads the module afresh: its first layout, v2's rules. */
	atomic_store(&counted, false);
	atomic_store(&epoch_over, false);
	atomic_store(&stop_all, false);
	atomic_store(&nr_verdicts, 0);
	atomic_store(&bad_verdicts, 0);
	atomic_store(&bad_model, 0);
}

static int setup_workers(int round)
{
	struct lubench_devid *own;
	struct lbdev d;
	int n, i, t, plain = 0;

	if (lbdev_open(&d, NULL))
		return -1;
	n = lbdev_list(&d, LUBENCH_LIST_OWN, &own);
	lbdev_close(&d);
	if (n <= 0)
		return -1;
	for (t = 0; t < opt.threads; t++) {
		workers[t].own = calloc(n, sizeof(*own));
		workers[t].state = calloc(n, 1);
		if (!workers[t].own || !workers[t].state)
			return -1;
	}
	for (i = 0; i < n; i++) {
		struct worker *w;

		if (own[i].flags & LUBENCH_DEVF_VF) {
			if (!have_vf)
				vf_id = own[i];
			have_vf = true;
			continue;
		}
		w = &workers[plain++ % opt.threads];
		w->own[w->nr_own++] = own[i];
	}
	free(own);
	for (t = 0; t <= opt.threads; t++) {
		struct worker *w = &workers[t];

		w->id = t;
		w->rng = (opt.seed + round) * 0x9e3779b97f4a7c15ULL + t + 1;
		if (lbdev_open(&w->d, NULL))
			return -1;
		if (t == opt.threads)
			continue;
		if (!w->nr_own) {
			note("thread %d owns no device: fewer threads please", t);
			return -1;
		}
		if (lbdev_uring_init(&w->d, RING_ENTRIES))
			return -1;
		w->have_drain_ring =
			!io_uring_queue_init(4, &w->drain_ring, 0);
	}
	return 0;
}

/* Nothing held: every fd and ring closed, so the module can go. */
static void teardown(struct worker *m)
{
	int t;

	enter(m, "teardown: reset and close");
	if (m->d.fd >= 0)
		lbdev_reset(&m->d, LUBENCH_RESET_ALL);
	for (t = 0; t <= opt.threads; t++) {
		if (workers[t].have_drain_ring)
			io_uring_queue_exit(&workers[t].drain_ring);
		workers[t].have_drain_ring = false;
		lbdev_close(&workers[t].d);
	}
	done(m);
}

/* The calls of each kind, per thread and in all. */
static void print_calls(int epochs)
{
	unsigned long long all[NR_KINDS] = { 0 };
	char line[512];
	int t, k, len;

	for (t = 0; t < opt.threads; t++) {
		struct worker *w = &workers[t];

		for (k = 0, len = 0; k < NR_KINDS; k++) {
			len += snprintf(line + len, sizeof(line) - len, " %s=%llu",
					kind_name[k], w->calls[k]);
			all[k] += w->calls[k];
		}
		note("thread %d (%d devices):%s", t, w->nr_own, line);
	}
	for (k = 0, len = 0; k < NR_KINDS; k++)
		len += snprintf(line + len, sizeof(line) - len, " %s=%llu",
				kind_name[k], all[k]);
	note("all threads:%s", line);
	note("%d epochs", epochs);
}

/* The epochs of one round, from the first barrier to the last. */
static void fuzz_epochs(struct worker *m)
{
	bool hotplugged = false;
	uint64_t end;
	int t, epoch = 0;

	lbdev_reset(&m->d, LUBENCH_RESET_ALL);
	pthread_barrier_init(&barrier, NULL, opt.threads + 1);
	for (t = 0; t < opt.threads; t++)
		pthread_create(&workers[t].thread, NULL, worker_main, &workers[t]);
	end = now_ns() + (uint64_t)opt.seconds * 1000000000ULL;
	for (;;) {
		struct timespec ep = {
			.tv_sec = opt.epoch_ms / 1000,
			.tv_nsec = (opt.epoch_ms % 1000) * 1000000L,
		};

		atomic_store(&epoch_over, false);
		if (now_ns() >= end)
			atomic_store(&stop_all, true);
		enter(m, "barrier: epoch start");
		pthread_barrier_wait(&barrier);
		done(m);
		if (atomic_load(&stop_all))
			break;
		nanosleep(&ep, NULL);
		atomic_store(&epoch_over, true);
		enter(m, "barrier: epoch end");
		pthread_barrier_wait(&barrier);
		done(m);
		check_model(m, epoch);
		global_call(m, epoch, &hotplugged);
		epoch++;
	}
	for (t = 0; t < opt.threads; t++)
		pthread_join(workers[t].thread, NULL);
	pthread_barrier_destroy(&barrier);
	check_model(m, epoch);
	print_calls(epoch);
}

/*
 * Round @r at opt.sizes[@r] functions: its four KTAP lines.  A round
 * after a failed reload loads the module itself, if it can.
 */
static void fuzz_round(int r)
{
	struct worker *m = &workers[opt.threads];
	unsigned int size = opt.sizes[r];
	unsigned int next = r + 1 < opt.nr_rounds ? opt.sizes[r + 1] : size;
	int got = loaded_functions();

	cur_round = r;
	note("round %d: %u functions, %d s", r, size, opt.seconds);
	round_reset();
	/* Not loaded (insmod failed, or the last reload): load it. */
	if (got != (int)size &&
	    (!opt.ko || (got >= 0 && unload_module(m)) || load_module(m, size))) {
		note("round %d: no module with %u functions (%d loaded)%s", r,
		     size, got, opt.ko ? "" : "; --ko to reload it");
		ktap_not_run((r + 1) * ROUND_TESTS, "not run: no module");
		return;
	}
	if (setup_workers(r) || refresh_all_ids(m)) {
		note("round %d: no %s or no devices to own", r, LUBENCH_DEV_PATH);
		teardown(m);
		ktap_not_run((r + 1) * ROUND_TESTS, "not run: setup failed");
		return;
	}
	fuzz_epochs(m);
	ktap_end(false);
	teardown(m);
	if (!opt.ko || access(opt.ko, R_OK)) {
		ktap(true, "SKIP no module file (--ko)");
		return;
	}
	if (unload_module(m) || load_module(m, next))
		ktap(false, "reload with %u functions failed", next);
	else
		ktap(true, NULL);
}

/* --- options and main ------------------------------------------------ */

static void usage(void)
{
	fprintf(stderr,
		"usage: guest_fuzz [--seconds S] [--threads T] [--seed N] [--stall-ms MS]\n"
		"                  [--epoch-ms MS] [--ko MODULE.ko] [--devices N[,N...]]\n");
	exit(2);
}

/* --devices: up to MAX_ROUNDS sizes, each 1..MAX_FUNCTIONS. */
static void parse_sizes(const char *arg)
{
	const char *p = arg;

	opt.nr_rounds = 0;
	while (*p) {
		char *e;
		unsigned long v;

		errno = 0;
		v = strtoul(p, &e, 10);
		if (errno || e == p || *p == '-' || !v || v > MAX_FUNCTIONS ||
		    (*e && *e != ',') || opt.nr_rounds == MAX_ROUNDS) {
			fprintf(stderr,
				"guest_fuzz: --devices %s: want up to %d sizes of 1..%d, comma-separated\n",
				arg, MAX_ROUNDS, MAX_FUNCTIONS);
			exit(2);
		}
		opt.sizes[opt.nr_rounds++] = v;
		p = *e ? e + 1 : e;
	}
	if (!opt.nr_rounds)
		usage();
}

static void parse_args(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "threads", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 'S' },
		{ "stall-ms", required_argument, NULL, 'w' },
		{ "epoch-ms", required_argument, NULL, 'e' },
		{ "ko", required_argument, NULL, 'k' },
		{ "devices", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opt.ko = getenv("LUBENCH_KO");
	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		char *e = NULL;
		long v = 0;

		if (c != 'k' && c != 'd') {
			if (c == '?')
				usage();
			errno = 0;
			v = strtol(optarg, &e, 0);
			if (errno || !*optarg || *e || v < 1 || v > INT32_MAX)
				usage();
		}
		switch (c) {
		case 's':
			opt.seconds = v;
			break;
		case 't':
			if (v > MAX_THREADS)
				usage();
			opt.threads = v;
			break;
		case 'S':
			opt.seed = v;
			break;
		case 'w':
			opt.stall_ms = v;
			break;
		case 'e':
			opt.epoch_ms = v;
			break;
		case 'k':
			opt.ko = optarg;
			break;
		case 'd':
			parse_sizes(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
}

int main(int argc, char **argv)
{
	pthread_t watchdog;
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_args(argc, argv);
	if (!opt.nr_rounds) {
		int got = loaded_functions();

		if (got <= 0) {
			printf("TAP version 13\nBail out! no %s to fuzz\n",
			       LUBENCH_DEV_PATH);
			return 1;
		}
		opt.sizes[opt.nr_rounds++] = got;
	}
	if (opt.nr_rounds > 1 && !opt.ko) {
		fprintf(stderr, "guest_fuzz: several --devices sizes need --ko (or LUBENCH_KO) to reload the module\n");
		return 2;
	}

	printf("TAP version 13\n1..%d\n", opt.nr_rounds * ROUND_TESTS + 2);
	printf("# guest_fuzz: seconds=%d threads=%d seed=%" PRIu64 " stall-ms=%d epoch-ms=%d rounds=%d\n",
	       opt.seconds, opt.threads, opt.seed, opt.stall_ms, opt.epoch_ms,
	       opt.nr_rounds);
	/* The main thread sits in the last slot, watched like the others. */
	workers[opt.threads].tid = syscall(SYS_gettid);
	pthread_create(&watchdog, NULL, watchdog_main, NULL);
	for (r = 0; r < opt.nr_rounds; r++)
		fuzz_round(r);
	ktap_dmesg();
	return ktap_failed ? 1 : 0;
}
