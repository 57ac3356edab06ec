// SPDX-License-Identifier: GPL-2.0
/*
 * The user-space side of /dev/lubench (lubench_dev.h): the ioctls and
 * the same table operations as io_uring commands.  Used by the in-guest
 * tool (bench/guest/lubench_dev_cli.c) and the guest tests.
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

void lbdev_hdr_init(void *s, size_t size)
{
	uint32_t *hdr = s;

	memset(s, 0, size);
	hdr[0] = size;
	hdr[1] = LUBENCH_ABI_VERSION;
}

int lbdev_open(struct lbdev *d, const char *path)
{
	memset(d, 0, sizeof(*d));
	d->fd = open(path ? path : LUBENCH_DEV_PATH, O_RDWR | O_CLOEXEC);
	return d->fd < 0 ? -errno : 0;
}

void lbdev_close(struct lbdev *d)
{
	if (d->have_ring)
		io_uring_queue_exit(&d->ring);
	d->have_ring = false;
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

int lbdev_ioctl(struct lbdev *d, unsigned long cmd, void *arg)
{
	return ioctl(d->fd, cmd, arg) < 0 ? -errno : 0;
}

int lbdev_info(struct lbdev *d, struct lubench_info *info)
{
	LBDEV_INIT(info);
	return lbdev_ioctl(d, LUBENCH_IOC_INFO, info);
}

int lbdev_variant_get(struct lbdev *d, uint32_t index,
		      struct lubench_variant *v)
{
	LBDEV_INIT(v);
	v->index = index;
	return lbdev_ioctl(d, LUBENCH_IOC_VARIANT, v);
}

int lbdev_variant_set(struct lbdev *d, const char *name)
{
	struct lubench_variant v;
	int ret;

	LBDEV_INIT(&v);
	v.flags = LUBENCH_VARIANT_SET;
	if (strlen(name) >= sizeof(v.name))
		return -ENAMETOOLONG;
	strcpy(v.name, name);
	ret = lbdev_ioctl(d, LUBENCH_IOC_VARIANT, &v);
	return ret ? ret : (int)v.index;
}

int lbdev_dev_op(struct lbdev *d, unsigned int op, uint32_t domain,
		 uint16_t bdf, struct lubench_dev *out)
{
	static const unsigned long cmds[] = {
		[LUBENCH_OP_PRESERVE]	= LUBENCH_IOC_PRESERVE,
		[LUBENCH_OP_UNPRESERVE]	= LUBENCH_IOC_UNPRESERVE,
		[LUBENCH_OP_FIND]	= LUBENCH_IOC_FIND,
	};
	struct lubench_dev dev;
	int ret;

	if (op < LUBENCH_OP_PRESERVE || op > LUBENCH_OP_FIND)
		return -EINVAL;
	LBDEV_INIT(&dev);
	dev.domain = domain;
	dev.bdf = bdf;
	ret = lbdev_ioctl(d, cmds[op], &dev);
	if (out)
		*out = dev;
	if (ret)
		return ret;
	return op == LUBENCH_OP_FIND ? (int)dev.found : 0;
}

int lbdev_batch(struct lbdev *d, struct lubench_op *ops, uint32_t nr,
		uint32_t flags, struct lubench_batch *out)
{
	struct lubench_batch b;
	int ret;

	LBDEV_INIT(&b);
	b.ops = (uintptr_t)ops;
	b.nr = nr;
	b.flags = flags;
	ret = lbdev_ioctl(d, LUBENCH_IOC_BATCH, &b);
	if (out)
		*out = b;
	return ret;
}

int lbdev_stats(struct lbdev *d, struct lubench_stats *s, bool reset)
{
	LBDEV_INIT(s);
	s->flags = reset ? LUBENCH_STATS_RESET : 0;
	return lbdev_ioctl(d, LUBENCH_IOC_STATS, s);
}

int lbdev_reset(struct lbdev *d, uint32_t flags)
{
	struct lubench_reset r;

	LBDEV_INIT(&r);
	r.flags = flags;
	return lbdev_ioctl(d, LUBENCH_IOC_RESET, &r);
}

int lbdev_hotplug(struct lbdev *d, uint32_t nr, struct lubench_hotplug *out)
{
	struct lubench_hotplug h;
	int ret;

	LBDEV_INIT(&h);
	h.nr = nr;
	ret = lbdev_ioctl(d, LUBENCH_IOC_HOTPLUG, &h);
	if (out)
		*out = h;
	return ret;
}

int lbdev_vfs_switch(struct lbdev *d, uint32_t flags, uint32_t *nr)
{
	struct lubench_hotplug h;
	int ret;

	LBDEV_INIT(&h);
	h.flags = flags;
	ret = lbdev_ioctl(d, LUBENCH_IOC_HOTPLUG, &h);
	*nr = h.nr_added;
	return ret;
}

int lbdev_list(struct lbdev *d, uint32_t flags, struct lubench_devid **ids)
{
	return lbdev_list_refs(d, flags, ids, NULL);
}

int lbdev_list_refs(struct lbdev *d, uint32_t flags,
		    struct lubench_devid **ids, uint16_t **refs)
{
	struct lubench_devid *buf = NULL;
	uint16_t *rbuf = NULL;
	struct lubench_list l;
	int ret;

	/* Count, then fetch; retry if devices came in between. */
	for (;;) {
		uint32_t cap;

		LBDEV_INIT(&l);
		l.flags = flags;
		ret = lbdev_ioctl(d, LUBENCH_IOC_LIST, &l);
		if (ret)
			return ret;
		cap = l.total + 64;
		free(buf);
		free(rbuf);
		buf = calloc(cap, sizeof(*buf));
		rbuf = refs ? calloc(cap, sizeof(*rbuf)) : NULL;
		if (!buf || (refs && !rbuf)) {
			free(buf);
			free(rbuf);
			return -ENOMEM;
		}
		LBDEV_INIT(&l);
		l.flags = flags;
		l.ids = (uintptr_t)buf;
		l.refs = (uintptr_t)rbuf;
		l.cap = cap;
		ret = lbdev_ioctl(d, LUBENCH_IOC_LIST, &l);
		if (ret) {
			free(buf);
			free(rbuf);
			return ret;
		}
		if (l.total <= cap)
			break;
	}
	*ids = buf;
	if (refs)
		*refs = rbuf;
	return l.nr;
}

int lbdev_uring_init(struct lbdev *d, unsigned int entries)
{
	int ret;

	if (d->have_ring)
		io_uring_queue_exit(&d->ring);
	d->have_ring = false;
	ret = io_uring_queue_init(entries, &d->ring, 0);
	if (ret)
		return ret;
	d->have_ring = true;
	d->ring_entries = entries;
	return 0;
}

static void lbdev_prep_cmd(struct lbdev *d, struct io_uring_sqe *sqe,
			   uint32_t cmd_op, const struct lubench_ucmd *cmd)
{
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, d->fd, NULL, 0, 0);
	/* cmd_op shares its bytes with off, which the prep just zeroed. */
	sqe->cmd_op = cmd_op;
	memcpy(sqe->cmd, cmd, sizeof(*cmd));
}

int lbdev_uring_cmd(struct lbdev *d, uint32_t cmd_op,
		    const struct lubench_ucmd *cmd, uint32_t uring_cmd_flags)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int ret;

	if (!d->have_ring)
		return -ENXIO;
	sqe = io_uring_get_sqe(&d->ring);
	if (!sqe)
		return -EBUSY;
	lbdev_prep_cmd(d, sqe, cmd_op, cmd);
	sqe->uring_cmd_flags = uring_cmd_flags;
	ret = io_uring_submit_and_wait(&d->ring, 1);
	if (ret < 0)
		return ret;
	ret = io_uring_wait_cqe(&d->ring, &cqe);
	if (ret)
		return ret;
	ret = cqe->res;
	io_uring_cqe_seen(&d->ring, cqe);
	return ret;
}

int lbdev_uring_ops(struct lbdev *d, struct lubench_op *ops, uint32_t nr)
{
	uint32_t base = 0, n, i;
	int ret;

	if (!d->have_ring)
		return -ENXIO;
	while (base < nr) {
		n = nr - base;
		if (n > d->ring_entries)
			n = d->ring_entries;
		for (i = 0; i < n; i++) {
			const struct lubench_op *o = &ops[base + i];
			struct lubench_ucmd c = {
				.domain = o->domain,
				.bdf = o->bdf,
				.version = LUBENCH_UCMD_VERSION,
			};
			struct io_uring_sqe *sqe = io_uring_get_sqe(&d->ring);

			if (!sqe)
				return -EBUSY;
			lbdev_prep_cmd(d, sqe, o->op, &c);
			sqe->user_data = base + i;
		}
		ret = io_uring_submit_and_wait(&d->ring, n);
		if (ret < 0)
			return ret;
		for (i = 0; i < n; i++) {
			struct io_uring_cqe *cqe;

			ret = io_uring_wait_cqe(&d->ring, &cqe);
			if (ret)
				return ret;
			if (cqe->user_data < nr)
				ops[cqe->user_data].result = cqe->res;
			io_uring_cqe_seen(&d->ring, cqe);
		}
		base += n;
	}
	return 0;
}

int lbdev_uring_batch(struct lbdev *d, struct lubench_op *ops, uint32_t nr,
		      uint32_t flags, struct lubench_batch *out)
{
	struct lubench_ucmd c = { .version = LUBENCH_UCMD_VERSION };
	struct lubench_batch b;
	int ret;

	LBDEV_INIT(&b);
	b.ops = (uintptr_t)ops;
	b.nr = nr;
	b.flags = flags;
	c.batch = (uintptr_t)&b;
	ret = lbdev_uring_cmd(d, LUBENCH_OP_BATCH, &c, 0);
	if (out)
		*out = b;
	return ret;
}

int lbdev_freeze(struct lbdev *d, uint32_t flags, uint32_t fault,
		 uint64_t cycle, uint64_t user_hash, struct lubench_freeze *out)
{
	struct lubench_freeze f;
	int ret;

	LBDEV_INIT(&f);
	f.flags = flags;
	f.fault = fault;
	f.cycle = cycle;
	f.user_hash = user_hash;
	ret = lbdev_ioctl(d, LUBENCH_IOC_FREEZE, &f);
	if (out)
		*out = f;
	return ret;
}

int lbdev_cycle(struct lbdev *d, struct lubench_cycle *c)
{
	LBDEV_INIT(c);
	return lbdev_ioctl(d, LUBENCH_IOC_CYCLE, c);
}

int lbdev_retrieve(struct lbdev *d, struct lubench_devid *ids, uint32_t nr,
		   struct lubench_retrieve *out)
{
	struct lubench_retrieve r;
	int ret;

	LBDEV_INIT(&r);
	r.ids = (uintptr_t)ids;
	r.nr = nr;
	ret = lbdev_ioctl(d, LUBENCH_IOC_RETRIEVE, &r);
	if (out)
		*out = r;
	return ret;
}

int lbdev_finish(struct lbdev *d, struct lubench_finish *out)
{
	struct lubench_finish f;
	int ret;

	LBDEV_INIT(&f);
	ret = lbdev_ioctl(d, LUBENCH_IOC_FINISH, &f);
	if (out)
		*out = f;
	return ret;
}

uint64_t lbdev_set_hash(const struct lubench_devid *ids, uint32_t nr)
{
	uint64_t h = 0;
	uint32_t i;

	for (i = 0; i < nr; i++)
		h = lubench_set_hash_add(h, ids[i].domain, ids[i].bdf);
	return h;
}

#define LBDEV_FAULT_NAME(id, nr, name, defect) [nr] = name,
static const char *const fault_names[LUBENCH_NR_FAULTS] = {
	LUBENCH_FOR_EACH_FAULT(LBDEV_FAULT_NAME)
};

const char *lbdev_fault_name(uint32_t fault)
{
	return fault < LUBENCH_NR_FAULTS ? fault_names[fault] : NULL;
}

int lbdev_fault_parse(const char *s)
{
	int i;

	for (i = 0; i < LUBENCH_NR_FAULTS; i++)
		if (!strcmp(s, fault_names[i]))
			return i;
	return -EINVAL;
}

int lbdev_parse_bdf(const char *s, uint32_t *domain, uint16_t *bdf)
{
	unsigned int dom, bus, dev, fn;
	char tail;

	if (sscanf(s, "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &tail) != 4 ||
	    bus > 0xff || dev > 0x1f || fn > 7)
		return -EINVAL;
	*domain = dom;
	*bdf = bus << 8 | dev << 3 | fn;
	return 0;
}

void lbdev_format_bdf(char *buf, size_t len, uint32_t domain, uint16_t bdf)
{
	snprintf(buf, len, "%04x:%02x:%02x.%u", domain, bdf >> 8,
		 (bdf >> 3) & 0x1f, bdf & 7);
}
