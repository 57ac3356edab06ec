// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of lubench.ko and /dev/lubench, run inside the QEMU guest by
 * scripts/host/guest-tests.sh: the preservation rules on real struct pci_dev,
 * the strictness of the uapi (ioctl and io_uring), agreement of every
 * layout with the device set in sysfs, clean unload, and a clean dmesg.
 *
 * Environment: LUBENCH_KO, the module file, for the unload/reload test;
 * LUBENCH_EXPECT_MODULE=1 when the module should be loaded already.
 * Tests run in order; the module fixture unloads and reloads lubench.ko
 * and must stay after the others, the dmesg check last.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "lubench_dev.h"
#include "pci_ser_layouts.h"

#define SYS_PCI_DEVICES		"/sys/bus/pci/devices"

/* A device as seen by the test: from sysfs or from LUBENCH_IOC_LIST. */
static uint64_t id_key(const struct lubench_devid *id)
{
	return (uint64_t)id->domain << 16 | id->bdf;
}

static int cmp_id(const void *a, const void *b)
{
	uint64_t ka = id_key(a), kb = id_key(b);

	return ka < kb ? -1 : ka > kb;
}

/*
 * The device set according to the PCI core's sysfs, independent of the
 * module: names "dddd:bb:dd.f" (5+ domain digits above 0xffff), VFs have
 * a physfn link.  Sorted by (domain, bdf).  Returns the count or -errno.
 */
static int sysfs_devices(struct lubench_devid **out)
{
	struct lubench_devid *ids = NULL;
	int n = 0, cap = 0, dfd;
	struct dirent *de;
	DIR *dir;

	dir = opendir(SYS_PCI_DEVICES);
	if (!dir)
		return -errno;
	dfd = dirfd(dir);
	while ((de = readdir(dir))) {
		struct lubench_devid id = { 0 };
		char link[300];

		if (de->d_name[0] == '.')
			continue;
		if (lbdev_parse_bdf(de->d_name, &id.domain, &id.bdf))
			continue;
		snprintf(link, sizeof(link), "%s/physfn", de->d_name);
		if (!faccessat(dfd, link, F_OK, AT_SYMLINK_NOFOLLOW))
			id.flags = LUBENCH_DEVF_VF;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			ids = realloc(ids, cap * sizeof(*ids));
			if (!ids) {
				closedir(dir);
				return -ENOMEM;
			}
		}
		ids[n++] = id;
	}
	closedir(dir);
	qsort(ids, n, sizeof(*ids), cmp_id);
	*out = ids;
	return n;
}

static bool sysfs_has(uint32_t domain, uint16_t bdf)
{
	char name[64], path[128];

	lbdev_format_bdf(name, sizeof(name), domain, bdf);
	snprintf(path, sizeof(path), SYS_PCI_DEVICES "/%s", name);
	return access(path, F_OK) == 0;
}

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

static bool have_dev(void)
{
	return access(LUBENCH_DEV_PATH, F_OK) == 0;
}

/*
 * First: where the job loaded the module (LUBENCH_EXPECT_MODULE=1), its
 * absence is a failure to report, not a reason for the rest to skip.
 */
TEST(module_loaded)
{
	const char *expect = getenv("LUBENCH_EXPECT_MODULE");

	if (have_dev())
		return;
	if (!expect || strcmp(expect, "1"))
		SKIP(return, "%s missing: lubench.ko is not loaded",
		     LUBENCH_DEV_PATH);
	ASSERT_TRUE(have_dev()) TH_LOG("lubench.ko should be loaded");
}

/* --- the rules and the uapi, on the devices the module made --------- */

FIXTURE(dev) {
	struct lbdev d;
	struct lubench_info info;
	struct lubench_devid *ids;	/* LUBENCH_IOC_LIST */
	int nr;
	struct lubench_devid plain;	/* one of ours, not a VF */
	struct lubench_devid vf;	/* one of ours, a VF (if any) */
	bool have_vf;
};

FIXTURE_SETUP(dev)
{
	int i, ret;

	if (!have_dev())
		SKIP(return, "%s missing: lubench.ko is not loaded",
		     LUBENCH_DEV_PATH);
	ASSERT_EQ(0, lbdev_open(&self->d, NULL));
	ASSERT_EQ(0, lbdev_reset(&self->d, LUBENCH_RESET_ALL));
	ASSERT_EQ(0, lbdev_info(&self->d, &self->info));
	ret = lbdev_list(&self->d, 0, &self->ids);
	ASSERT_LT(0, ret);
	self->nr = ret;
	self->plain.domain = UINT32_MAX;
	for (i = 0; i < self->nr; i++) {
		const struct lubench_devid *id = &self->ids[i];

		if (!(id->flags & LUBENCH_DEVF_OWN))
			continue;
		if (id->flags & LUBENCH_DEVF_VF) {
			if (!self->have_vf)
				self->vf = *id;
			self->have_vf = true;
		} else if (self->plain.domain == UINT32_MAX) {
			self->plain = *id;
		}
	}
	ASSERT_NE(UINT32_MAX, self->plain.domain);
}

FIXTURE_TEARDOWN(dev)
{
	if (self->d.fd > 0) {
		lbdev_reset(&self->d, LUBENCH_RESET_ALL);
		lbdev_close(&self->d);
	}
	free(self->ids);
}

TEST_F(dev, unknown_ioctl_enotty)
{
	struct lubench_info info;
	int fd = self->d.fd;

	LBDEV_INIT(&info);
	EXPECT_EQ(-ENOTTY, xioctl(fd, _IOWR(LUBENCH_IOC_MAGIC, 0x7f,
					    struct lubench_info), &info));
	/* A known number with another size is another command. */
	EXPECT_EQ(-ENOTTY, xioctl(fd, _IOWR(LUBENCH_IOC_MAGIC, 0x00,
					    struct lubench_dev), &info));
	EXPECT_EQ(-ENOTTY, xioctl(fd, _IOR(LUBENCH_IOC_MAGIC, 0x00,
					   struct lubench_info), &info));
	EXPECT_EQ(-ENOTTY, xioctl(fd, _IO('x', 1), NULL));
}

TEST_F(dev, bad_header_einval)
{
	struct lubench_info info;

	LBDEV_INIT(&info);
	info.size = sizeof(info) - 8;
	EXPECT_EQ(-EINVAL, xioctl(self->d.fd, LUBENCH_IOC_INFO, &info));
	LBDEV_INIT(&info);
	info.version = LUBENCH_ABI_VERSION + 1;
	EXPECT_EQ(-EINVAL, xioctl(self->d.fd, LUBENCH_IOC_INFO, &info));
	LBDEV_INIT(&info);
	EXPECT_EQ(0, xioctl(self->d.fd, LUBENCH_IOC_INFO, &info));
	EXPECT_EQ(LUBENCH_ABI_VERSION, info.abi_version);
}

TEST_F(dev, reserved_fields_einval)
{
	struct lubench_op ops[4];
	struct lubench_variant v;
	struct lubench_hotplug h;
	struct lubench_batch b;
	struct lubench_stats s;
	struct lubench_reset r;
	struct lubench_info in;
	struct lubench_list l;
	struct lubench_dev dv;
	int fd = self->d.fd, i;

#define EXPECT_EINVAL(cmd, s, field, val) do {			\
		LBDEV_INIT(&(s));					\
		(s).field = (val);					\
		EXPECT_EQ(-EINVAL, xioctl(fd, (cmd), &(s)))		\
			TH_LOG("%s.%s = %s", #s, #field, #val);		\
	} while (0)

	EXPECT_EINVAL(LUBENCH_IOC_INFO, in, reserved[2], 1);
	EXPECT_EINVAL(LUBENCH_IOC_INFO, in, nr_bridges, 1);
	EXPECT_EINVAL(LUBENCH_IOC_INFO, in, nr_functions, 1);
	EXPECT_EINVAL(LUBENCH_IOC_VARIANT, v, reserved[0], 1);
	EXPECT_EINVAL(LUBENCH_IOC_VARIANT, v, reserved0, 1);
	EXPECT_EINVAL(LUBENCH_IOC_VARIANT, v, rules, 1);
	EXPECT_EINVAL(LUBENCH_IOC_VARIANT, v, flags, 0x80);
	EXPECT_EINVAL(LUBENCH_IOC_VARIANT, v, compatible[0], 'x');
	EXPECT_EINVAL(LUBENCH_IOC_VARIANT, v, name[0], 'x');	/* query */
	LBDEV_INIT(&v);
	v.flags = LUBENCH_VARIANT_SET;
	memset(v.name, 'a', sizeof(v.name));			/* no NUL */
	EXPECT_EQ(-EINVAL, xioctl(fd, LUBENCH_IOC_VARIANT, &v));
	LBDEV_INIT(&v);
	v.flags = LUBENCH_VARIANT_SET;
	v.index = 1;
	strcpy(v.name, "linear");
	EXPECT_EQ(-EINVAL, xioctl(fd, LUBENCH_IOC_VARIANT, &v));
	LBDEV_INIT(&v);
	v.flags = LUBENCH_VARIANT_SET;
	strcpy(v.name, "no-such-layout");
	EXPECT_EQ(-ENOENT, xioctl(fd, LUBENCH_IOC_VARIANT, &v));

	EXPECT_EINVAL(LUBENCH_IOC_PRESERVE, dv, flags, 1);
	EXPECT_EINVAL(LUBENCH_IOC_UNPRESERVE, dv, flags, LUBENCH_DEV_REFCOUNT);
	EXPECT_EINVAL(LUBENCH_IOC_FIND, dv, flags, 2);
	EXPECT_EINVAL(LUBENCH_IOC_FIND, dv, reserved[1], 1);
	EXPECT_EINVAL(LUBENCH_IOC_UNPRESERVE, dv, ns, 1);
	EXPECT_EINVAL(LUBENCH_IOC_BATCH, b, reserved[3], 1);
	EXPECT_EINVAL(LUBENCH_IOC_BATCH, b, flags, 0x100);
	EXPECT_EINVAL(LUBENCH_IOC_BATCH, b, nr_done, 1);
	EXPECT_EINVAL(LUBENCH_IOC_STATS, s, reserved0, 1);
	EXPECT_EINVAL(LUBENCH_IOC_STATS, s, reserved[2], 1);
	EXPECT_EINVAL(LUBENCH_IOC_STATS, s, flags, 2);
	EXPECT_EINVAL(LUBENCH_IOC_RESET, r, flags, 0);
	EXPECT_EINVAL(LUBENCH_IOC_RESET, r, flags, 8);
	LBDEV_INIT(&r);
	r.flags = LUBENCH_RESET_STATS;
	r.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, xioctl(fd, LUBENCH_IOC_RESET, &r));
	EXPECT_EINVAL(LUBENCH_IOC_HOTPLUG, h, nr, 0);
	EXPECT_EINVAL(LUBENCH_IOC_HOTPLUG, h, nr, LUBENCH_HOTPLUG_MAX + 1);
	LBDEV_INIT(&h);
	h.nr = 1;
	h.flags = 1;
	EXPECT_EQ(-EINVAL, xioctl(fd, LUBENCH_IOC_HOTPLUG, &h));
	LBDEV_INIT(&h);
	h.nr = 1;
	h.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, xioctl(fd, LUBENCH_IOC_HOTPLUG, &h));
	EXPECT_EINVAL(LUBENCH_IOC_LIST, l, flags, 4);
	EXPECT_EINVAL(LUBENCH_IOC_LIST, l, reserved[0], 1);
	EXPECT_EINVAL(LUBENCH_IOC_LIST, l, cap, 1);	/* and no ids */
#undef EXPECT_EINVAL

	/* A bad entry fails alone, with -EINVAL, and leaves no trace. */
	memset(ops, 0, sizeof(ops));
	for (i = 0; i < 4; i++) {
		ops[i].domain = self->plain.domain;
		ops[i].bdf = self->plain.bdf;
		ops[i].op = LUBENCH_OP_PRESERVE;
	}
	ops[0].op = 0;
	ops[1].op = 9;
	ops[2].flags = 1;
	ops[3].reserved = 1;
	ASSERT_EQ(0, lbdev_batch(&self->d, ops, 4, 0, &b));
	EXPECT_EQ(4, b.nr_done);
	EXPECT_EQ(4, b.nr_failed);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(-EINVAL, ops[i].result);
	ASSERT_EQ(0, lbdev_info(&self->d, &in));
	EXPECT_EQ(0, in.capacity);
}

/*
 * The live-update ioctls (the cycle itself runs in tests/guest/cycle_test.sh):
 * strict structs, no cycle open without restore=1, and a freeze that
 * locks the table until it is reset.
 */
TEST_F(dev, handover_uapi)
{
	struct lubench_retrieve rt;
	struct lubench_freeze fz;
	struct lubench_finish fn;
	struct lubench_cycle cy;
	struct lubench_devid id = self->plain;
	int fd = self->d.fd, ret;

#define EXPECT_EINVAL(cmd, s, field, val) do {			\
		LBDEV_INIT(&(s));					\
		(s).field = (val);					\
		EXPECT_EQ(-EINVAL, xioctl(fd, (cmd), &(s)))		\
			TH_LOG("%s.%s = %s", #s, #field, #val);		\
	} while (0)

	EXPECT_EINVAL(LUBENCH_IOC_FREEZE, fz, flags, 2);
	EXPECT_EINVAL(LUBENCH_IOC_FREEZE, fz, fault, LUBENCH_NR_FAULTS);
	EXPECT_EINVAL(LUBENCH_IOC_FREEZE, fz, freeze_tsc, 1);
	EXPECT_EINVAL(LUBENCH_IOC_FREEZE, fz, reserved0, 1);
	EXPECT_EINVAL(LUBENCH_IOC_FREEZE, fz, reserved[1], 1);
	LBDEV_INIT(&fz);
	fz.flags = LUBENCH_FREEZE_NONE;
	fz.fault = LUBENCH_FAULT_CORRUPT;	/* nothing to corrupt */
	EXPECT_EQ(-EINVAL, xioctl(fd, LUBENCH_IOC_FREEZE, &fz));
	EXPECT_EINVAL(LUBENCH_IOC_CYCLE, cy, state, 1);
	EXPECT_EINVAL(LUBENCH_IOC_CYCLE, cy, nr_renumbered, 1);
	EXPECT_EINVAL(LUBENCH_IOC_CYCLE, cy, nr_aliased, 1);
	EXPECT_EINVAL(LUBENCH_IOC_CYCLE, cy, reserved0, 1);
	EXPECT_EINVAL(LUBENCH_IOC_CYCLE, cy, reserved[2], 1);
	EXPECT_EINVAL(LUBENCH_IOC_RETRIEVE, rt, flags, 1);
	EXPECT_EINVAL(LUBENCH_IOC_RETRIEVE, rt, nr, 1);	/* and no ids */
	EXPECT_EINVAL(LUBENCH_IOC_RETRIEVE, rt, tsc, 1);
	EXPECT_EINVAL(LUBENCH_IOC_RETRIEVE, rt, reserved[1], 1);
	EXPECT_EINVAL(LUBENCH_IOC_FINISH, fn, flags, 1);
	EXPECT_EINVAL(LUBENCH_IOC_FINISH, fn, tsc, 1);
	EXPECT_EINVAL(LUBENCH_IOC_FINISH, fn, reserved[0], 1);
#undef EXPECT_EINVAL

	/* Loaded without restore=1: no cycle to retrieve from or finish. */
	ASSERT_EQ(0, lbdev_cycle(&self->d, &cy));
	EXPECT_EQ(LUBENCH_CYCLE_IDLE, cy.state);
	EXPECT_NE(0, cy.init_tsc);
	EXPECT_EQ(0, cy.nr_renumbered);
	EXPECT_EQ(0, cy.nr_aliased);
	EXPECT_EQ(-ENOENT, lbdev_retrieve(&self->d, &id, 1, NULL));
	EXPECT_EQ(-ENOENT, lbdev_finish(&self->d, NULL));

	/* The guest boots with memmap=, as every cycle does; else skip. */
	ASSERT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_PRESERVE,
				  self->plain.domain, self->plain.bdf, NULL));
	ret = lbdev_freeze(&self->d, 0, 0, 7, 0, &fz);
	if (ret == -ENXIO)
		SKIP(return, "no memmap= range reserved for the handover");
	ASSERT_EQ(0, ret);
	EXPECT_EQ(1, fz.nr_preserved);
	EXPECT_LT(0, fz.blob_size);
	EXPECT_LE(fz.freeze_tsc, fz.serialized_tsc);
	EXPECT_EQ(lubench_set_hash_add(0, self->plain.domain, self->plain.bdf),
		  fz.table_hash);
	/* Frozen: the table no longer changes, lookups still work. */
	EXPECT_EQ(-EBUSY, lbdev_dev_op(&self->d, LUBENCH_OP_UNPRESERVE,
				       self->plain.domain, self->plain.bdf,
				       NULL));
	EXPECT_EQ(1, lbdev_dev_op(&self->d, LUBENCH_OP_FIND,
				  self->plain.domain, self->plain.bdf, NULL));
	/* Freezing again rewrites the handover; a reset cancels it. */
	EXPECT_EQ(0, lbdev_freeze(&self->d, 0, LUBENCH_FAULT_VARIANT, 8, 0,
				  NULL));
	EXPECT_EQ(0, lbdev_reset(&self->d, LUBENCH_RESET_TABLE));
	EXPECT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_PRESERVE,
				  self->plain.domain, self->plain.bdf, NULL));
}

TEST_F(dev, uring_reserved_fields_einval)
{
	struct lubench_ucmd c = { .version = LUBENCH_UCMD_VERSION };
	struct lubench_batch b;
	struct io_uring ring;
	int ret;

	ret = lbdev_uring_init(&self->d, 8);
	if (ret == -ENOSYS || ret == -EPERM)
		SKIP(return, "io_uring unavailable: %s", strerror(-ret));
	ASSERT_EQ(0, ret);

	c.domain = self->plain.domain;
	c.bdf = self->plain.bdf;
	EXPECT_EQ(0, lbdev_uring_cmd(&self->d, LUBENCH_OP_FIND, &c, 0));
	c.version = 0;
	EXPECT_EQ(-EINVAL, lbdev_uring_cmd(&self->d, LUBENCH_OP_FIND, &c, 0));
	c.version = LUBENCH_UCMD_VERSION + 1;
	EXPECT_EQ(-EINVAL, lbdev_uring_cmd(&self->d, LUBENCH_OP_FIND, &c, 0));
	c.version = LUBENCH_UCMD_VERSION;
	c.flags = 1;
	EXPECT_EQ(-EINVAL, lbdev_uring_cmd(&self->d, LUBENCH_OP_PRESERVE, &c, 0));
	c.flags = 0;
	c.batch = 1;
	EXPECT_EQ(-EINVAL, lbdev_uring_cmd(&self->d, LUBENCH_OP_PRESERVE, &c, 0));
	c.batch = 0;
	EXPECT_EQ(-EINVAL, lbdev_uring_cmd(&self->d, 99, &c, 0));
	EXPECT_EQ(-EINVAL, lbdev_uring_cmd(&self->d, LUBENCH_OP_FIND, &c, 1U << 7));
	/* BATCH carries no device. */
	LBDEV_INIT(&b);
	c.batch = (uintptr_t)&b;
	EXPECT_EQ(-EINVAL, lbdev_uring_cmd(&self->d, LUBENCH_OP_BATCH, &c, 0));
	c.domain = 0;
	c.bdf = 0;
	EXPECT_EQ(0, lbdev_uring_cmd(&self->d, LUBENCH_OP_BATCH, &c, 0));
	b.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, lbdev_uring_cmd(&self->d, LUBENCH_OP_BATCH, &c, 0));

	/* On a 128-byte SQE ring the other 64 bytes of cmd are reserved. */
	if (io_uring_queue_init(4, &ring, IORING_SETUP_SQE128) == 0) {
		struct io_uring_sqe *sqe;
		struct io_uring_cqe *cqe;
		int pass, res[2];

		for (pass = 0; pass < 2; pass++) {
			struct lubench_ucmd f = {
				.domain = self->plain.domain,
				.bdf = self->plain.bdf,
				.version = LUBENCH_UCMD_VERSION,
			};

			sqe = io_uring_get_sqe(&ring);
			ASSERT_NE(NULL, sqe);
			io_uring_prep_rw(IORING_OP_URING_CMD, sqe,
					 self->d.fd, NULL, 0, 0);
			sqe->cmd_op = LUBENCH_OP_FIND;
			memset(sqe->cmd, 0, 80);
			memcpy(sqe->cmd, &f, sizeof(f));
			sqe->cmd[40] = pass;
			ASSERT_EQ(1, io_uring_submit_and_wait(&ring, 1));
			ASSERT_EQ(0, io_uring_wait_cqe(&ring, &cqe));
			res[pass] = cqe->res;
			io_uring_cqe_seen(&ring, cqe);
		}
		EXPECT_EQ(0, res[0]);
		EXPECT_EQ(-EINVAL, res[1]);
		io_uring_queue_exit(&ring);
	} else {
		TH_LOG("no IORING_SETUP_SQE128 ring; 128-byte case not run");
	}
}

/* A uring_cmd SQE for one table op on @id. */
static void prep_ucmd(struct io_uring_sqe *sqe, int fd, uint32_t op,
		      const struct lubench_devid *id, uint64_t ud)
{
	struct lubench_ucmd c = {
		.domain = id->domain,
		.bdf = id->bdf,
		.version = LUBENCH_UCMD_VERSION,
	};

	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = op;
	memcpy(sqe->cmd, &c, sizeof(c));
	sqe->user_data = ud;
}

/*
 * Reap CQEs until @n arrived or none came for @ms: res[user_data] and
 * seen[user_data] for user_data < @n.  Returns the number reaped.
 */
static int reap(struct io_uring *ring, unsigned int n, int *res, int *seen,
		int ms)
{
	struct __kernel_timespec ts = {
		.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L,
	};
	struct io_uring_cqe *cqe;
	unsigned int got = 0;

	while (got < n && !io_uring_wait_cqe_timeout(ring, &cqe, &ts)) {
		if (cqe->user_data < n) {
			res[cqe->user_data] = cqe->res;
			seen[cqe->user_data]++;
		}
		got++;
		io_uring_cqe_seen(ring, cqe);
	}
	return got;
}

/*
 * IOSQE_IO_DRAIN is refused (lubench_uapi.h): a drained command
 * completes with -EOPNOTSUPP and does nothing, and every CQE of the
 * round arrives, within a bounded wait, the drained ones included.  In
 * a link, io_uring drains the head and the request after the link too.
 */
TEST_F_TIMEOUT(dev, uring_drain_refused, 60)
{
	enum { N = 64, D1 = 32, D2 = 48 };
	int res[N], seen[N], got, i, bad;
	struct io_uring_sqe *sqe;
	struct lubench_info in;
	struct io_uring ring;
	int ret;

	ret = io_uring_queue_init(N, &ring, 0);
	if (ret == -ENOSYS || ret == -EPERM)
		SKIP(return, "io_uring unavailable: %s", strerror(-ret));
	ASSERT_EQ(0, ret);

	/* FINDs, with a drained PRESERVE and a drained FIND among them. */
	for (i = 0; i < N; i++) {
		sqe = io_uring_get_sqe(&ring);
		ASSERT_NE(NULL, sqe);
		prep_ucmd(sqe, self->d.fd, i == D1 ? LUBENCH_OP_PRESERVE :
			  LUBENCH_OP_FIND, &self->plain, i);
		if (i == D1 || i == D2)
			sqe->flags |= IOSQE_IO_DRAIN;
		res[i] = -1000;
		seen[i] = 0;
	}
	ASSERT_EQ(N, io_uring_submit(&ring));
	got = reap(&ring, N, res, seen, 5000);
	EXPECT_EQ(N, got);
	for (i = 0, bad = 0; i < N; i++) {
		int want = i == D1 || i == D2 ? -EOPNOTSUPP : 0;

		if ((seen[i] != 1 || res[i] != want) && bad++ < 5)
			TH_LOG("SQE %d: %d CQEs, res %d, want %d", i, seen[i],
			       res[i], want);
	}
	EXPECT_EQ(0, bad);
	ASSERT_EQ(0, lbdev_info(&self->d, &in));
	EXPECT_EQ(0, in.capacity);
	EXPECT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_FIND, self->plain.domain,
				  self->plain.bdf, NULL));

	/* Link FIND -> FIND(drain) -> FIND, then a FIND after the link. */
	for (i = 0; i < 4; i++) {
		sqe = io_uring_get_sqe(&ring);
		ASSERT_NE(NULL, sqe);
		prep_ucmd(sqe, self->d.fd, LUBENCH_OP_FIND, &self->plain, i);
		if (i < 2)
			sqe->flags |= IOSQE_IO_LINK;
		if (i == 1)
			sqe->flags |= IOSQE_IO_DRAIN;
		res[i] = -1000;
		seen[i] = 0;
	}
	ASSERT_EQ(4, io_uring_submit(&ring));
	EXPECT_EQ(4, reap(&ring, 4, res, seen, 5000));
	EXPECT_EQ(-EOPNOTSUPP, res[0]);		/* the head, drained */
	EXPECT_EQ(-ECANCELED, res[1]);
	EXPECT_EQ(-ECANCELED, res[2]);
	EXPECT_EQ(-EOPNOTSUPP, res[3]);		/* after the link, drained */

	/* Without the flag, the same ring runs them as ever. */
	sqe = io_uring_get_sqe(&ring);
	ASSERT_NE(NULL, sqe);
	prep_ucmd(sqe, self->d.fd, LUBENCH_OP_FIND, &self->plain, 0);
	ASSERT_EQ(1, io_uring_submit(&ring));
	seen[0] = 0;
	EXPECT_EQ(1, reap(&ring, 1, res, seen, 5000));
	EXPECT_EQ(0, res[0]);
	io_uring_queue_exit(&ring);
}

/*
 * Why the module refuses the drain, with io_uring alone (NOPs): an SQE
 * rejected at submission behind a drained one posts its CQE at once and
 * io_uring 6.1 counts it for the drain; the two NOPs before it then
 * post together and step over the count, and the drained NOP is never
 * run.  Passes either way, and says which this kernel does.
 */
TEST(uring_drain_after_rejected_sqe)
{
	int res[4] = { -1000, -1000, -1000, -1000 }, seen[4] = { 0 }, i;
	struct io_uring_sqe *sqe[4];
	struct io_uring ring;
	int ret;

	ret = io_uring_queue_init(8, &ring, 0);
	if (ret == -ENOSYS || ret == -EPERM)
		SKIP(return, "io_uring unavailable: %s", strerror(-ret));
	ASSERT_EQ(0, ret);
	for (i = 0; i < 4; i++) {
		sqe[i] = io_uring_get_sqe(&ring);
		ASSERT_NE(NULL, sqe[i]);
		io_uring_prep_nop(sqe[i]);
		sqe[i]->user_data = i;
	}
	sqe[2]->flags |= IOSQE_IO_DRAIN;
	sqe[3]->ioprio = 1;	/* NOP takes none: rejected at submission */
	ASSERT_EQ(4, io_uring_submit(&ring));
	reap(&ring, 4, res, seen, 1000);
	EXPECT_EQ(1, seen[0]);
	EXPECT_EQ(1, seen[1]);
	EXPECT_EQ(1, seen[3]);
	EXPECT_EQ(-EINVAL, res[3]);
	if (seen[2])
		TH_LOG("this kernel ran the drained NOP (res %d)", res[2]);
	else
		TH_LOG("the drained NOP never ran: this kernel's drain counted the rejected SQE behind it");
	/* Closing the ring frees the stuck request. */
	io_uring_queue_exit(&ring);
}

/*
 * Entries past the caller's array that must come back as they went in:
 * more than one of the module's 256-entry chunks, so that a chunk copied
 * out whole whatever is left shows.
 */
#define GUARD		300
#define GUARD_BYTE	0xa5

static bool untouched(const void *p, size_t len)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (c[i] != GUARD_BYTE)
			return false;
	return true;
}

static int list_into(int fd, uint32_t flags, struct lubench_devid *buf,
		     uint32_t cap, struct lubench_list *l)
{
	LBDEV_INIT(l);
	l->flags = flags;
	l->ids = (uintptr_t)buf;
	l->cap = cap;
	return xioctl(fd, LUBENCH_IOC_LIST, l);
}

/* Caps around every 256-entry boundary up to @total + 1, and the ends. */
static int list_caps(uint32_t total, uint32_t *caps, int max)
{
	static const uint32_t fixed[] = { 0, 1, 2, 255, 256, 257, 511, 512, 513 };
	uint32_t k, d;
	int n = 0;

	for (k = 0; k < sizeof(fixed) / sizeof(fixed[0]) && n < max; k++)
		caps[n++] = fixed[k];
	for (k = 768; k <= total + 256 && n + 3 <= max; k += 256)
		for (d = 0; d < 3; d++)
			caps[n++] = k - 1 + d;
	for (d = 0; d < 3 && n < max; d++)
		if (total + d >= 1)
			caps[n++] = total + d - 1;	/* total-1, total, total+1 */
	return n;
}

/*
 * LIST writes min(cap, total) entries and not one more, at every cap
 * around the module's chunks, for each selection; the entries written
 * are the head of the whole list.
 */
TEST_F(dev, list_caps_at_chunk_boundaries)
{
	static const uint32_t sel[] = {
		0, LUBENCH_LIST_OWN, LUBENCH_LIST_INCOMING,
		LUBENCH_LIST_OWN | LUBENCH_LIST_INCOMING,
	};
	size_t esz = sizeof(struct lubench_devid);
	long pg = sysconf(_SC_PAGESIZE);
	unsigned int s, bad = 0, calls = 0;
	uint32_t caps[256];
	int fd = self->d.fd;

	for (s = 0; s < sizeof(sel) / sizeof(sel[0]); s++) {
		struct lubench_devid *ref = NULL;
		struct lubench_list l;
		uint32_t total;
		int ncaps, i, ret;

		ret = lbdev_list(&self->d, sel[s], &ref);
		ASSERT_LE(0, ret);
		total = ret;
		ASSERT_EQ(0, list_into(fd, sel[s], NULL, 0, &l));
		ASSERT_EQ(total, l.total);
		EXPECT_EQ(0, l.nr);
		if (sel[s] == LUBENCH_LIST_OWN)
			EXPECT_EQ(self->info.nr_functions, total);

		ncaps = list_caps(total, caps, 256);
		for (i = 0; i < ncaps; i++) {
			uint32_t cap = caps[i];
			uint32_t want = cap < total ? cap : total;
			size_t len = ((size_t)cap + GUARD) * esz;
			struct lubench_devid *buf = malloc(len);

			ASSERT_NE(NULL, buf);
			memset(buf, GUARD_BYTE, len);
			ret = list_into(fd, sel[s], buf, cap, &l);
			calls++;
			if (ret || l.total != total || l.nr != want ||
			    (want && memcmp(buf, ref, want * esz)) ||
			    !untouched(buf + want, len - want * esz)) {
				if (bad++ < 10)
					TH_LOG("flags %#x cap %u: ret %d nr %u total %u (want nr %u total %u), %s",
					       sel[s], cap, ret, l.nr, l.total,
					       want, total,
					       untouched(buf + want, len - want * esz) ?
					       "nothing written past nr" :
					       "written past nr");
			}
			free(buf);
		}

		/*
		 * An array that ends where the mapping does: exactly @cap
		 * entries fit, so any entry more is a fault.
		 */
		for (i = 0; i < ncaps; i++) {
			uint32_t cap = caps[i];
			size_t len = (size_t)cap * esz;
			size_t map = (len + pg - 1) / pg * pg + pg;
			char *m;

			if (!cap || (cap & 0xff) > 2)
				continue;
			m = mmap(NULL, map, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			ASSERT_NE(MAP_FAILED, m);
			ASSERT_EQ(0, mprotect(m + map - pg, pg, PROT_NONE));
			ret = list_into(fd, sel[s],
					(struct lubench_devid *)(m + map - pg - len),
					cap, &l);
			calls++;
			if (ret || l.nr != (cap < total ? cap : total)) {
				if (bad++ < 10)
					TH_LOG("flags %#x cap %u at the end of a mapping: ret %d nr %u",
					       sel[s], cap, ret, l.nr);
			}
			munmap(m, map);
		}
		free(ref);
	}
	EXPECT_EQ(0, bad);
	TH_LOG("%u LIST calls, %u wrong", calls, bad);
}

/* The first @nr of @ops: FINDs of our devices; the rest up to @len: guard. */
static void batch_fill(struct lubench_op *ops, uint32_t nr, uint32_t len,
		       const struct lubench_devid *ids, int nids)
{
	uint32_t i;

	memset(ops, GUARD_BYTE, (size_t)len * sizeof(*ops));
	for (i = 0; i < nr; i++) {
		memset(&ops[i], 0, sizeof(ops[i]));
		ops[i].domain = ids[i % nids].domain;
		ops[i].bdf = ids[i % nids].bdf;
		ops[i].op = LUBENCH_OP_FIND;
		ops[i].result = -1000;
	}
}

/*
 * BATCH (ioctl and uring_cmd) writes back the operations it ran and no
 * others: at sizes around the module's 256-op chunks, and when it stops
 * at an error partway through a chunk.
 */
TEST_F(dev, batch_writes_only_what_ran)
{
	static const uint32_t sizes[] = {
		1, 255, 256, 257, 511, 512, 513, 767, 768, 769, 1000,
	};
	uint32_t len = 1000 + GUARD, i, k;
	struct lubench_batch b;
	struct lubench_op *ops;
	bool uring;
	int path, ret;

	ops = malloc((size_t)len * sizeof(*ops));
	ASSERT_NE(NULL, ops);
	uring = lbdev_uring_init(&self->d, 8) == 0;
	for (path = 0; path < (uring ? 2 : 1); path++) {
		for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			uint32_t nr = sizes[k];

			batch_fill(ops, nr, len, self->ids, self->nr);
			ret = path ? lbdev_uring_batch(&self->d, ops, nr, 0, &b) :
				     lbdev_batch(&self->d, ops, nr, 0, &b);
			ASSERT_EQ(0, ret) TH_LOG("%s nr %u",
						 path ? "uring" : "ioctl", nr);
			EXPECT_EQ(nr, b.nr_done);
			EXPECT_EQ(0, b.nr_failed);
			for (i = 0; i < nr; i++)
				if (ops[i].result != 0)
					break;
			EXPECT_EQ(nr, i) TH_LOG("%s nr %u: op %u result %d",
						path ? "uring" : "ioctl", nr, i,
						i < nr ? ops[i].result : 0);
			EXPECT_TRUE(untouched(ops + nr, (size_t)(len - nr) *
					      sizeof(*ops)))
				TH_LOG("%s nr %u: written past nr",
				       path ? "uring" : "ioctl", nr);
		}

		/* Stop at op 300 of 600: ops 301.. stay as they went in. */
		batch_fill(ops, 600, len, self->ids, self->nr);
		ops[300].op = 0;
		ret = path ? lbdev_uring_batch(&self->d, ops, 600,
					       LUBENCH_BATCH_STOP_ON_ERROR, &b) :
			     lbdev_batch(&self->d, ops, 600,
					 LUBENCH_BATCH_STOP_ON_ERROR, &b);
		ASSERT_EQ(0, ret);
		EXPECT_EQ(301, b.nr_done);
		EXPECT_EQ(1, b.nr_failed);
		EXPECT_EQ(0, ops[299].result);
		EXPECT_EQ(-EINVAL, ops[300].result);
		for (i = 301; i < 600; i++)
			if (ops[i].result != -1000)
				break;
		EXPECT_EQ(600, i) TH_LOG("%s: op %u not run but written",
					 path ? "uring" : "ioctl", i);
		EXPECT_TRUE(untouched(ops + 600, (size_t)(len - 600) *
				      sizeof(*ops)));
	}
	free(ops);
}

TEST_F(dev, bad_pointers_efault)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct lubench_ucmd c = { .version = LUBENCH_UCMD_VERSION };
	struct lubench_op *ro_ops;
	struct lubench_info *ro;
	struct lubench_batch b;
	struct lubench_list l;
	void *none;
	int fd = self->d.fd;

	none = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, none);
	ro = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);

	EXPECT_EQ(-EFAULT, xioctl(fd, LUBENCH_IOC_INFO, NULL));
	EXPECT_EQ(-EFAULT, xioctl(fd, LUBENCH_IOC_INFO, (void *)8));
	EXPECT_EQ(-EFAULT, xioctl(fd, LUBENCH_IOC_INFO, none));
	EXPECT_EQ(-EFAULT, xioctl(fd, LUBENCH_IOC_BATCH, none));
	EXPECT_EQ(-EFAULT, xioctl(fd, LUBENCH_IOC_STATS, (void *)-4096L));

	/* Readable but not writable: the copy back out fails. */
	LBDEV_INIT(ro);
	ro_ops = (struct lubench_op *)((char *)ro + pg);
	ro_ops->domain = self->plain.domain;
	ro_ops->bdf = self->plain.bdf;
	ro_ops->op = LUBENCH_OP_FIND;
	ASSERT_EQ(0, mprotect(ro, 2 * pg, PROT_READ));
	EXPECT_EQ(-EFAULT, xioctl(fd, LUBENCH_IOC_INFO, ro));

	LBDEV_INIT(&b);
	b.nr = 1;
	b.ops = (uintptr_t)none;
	EXPECT_EQ(-EFAULT, xioctl(fd, LUBENCH_IOC_BATCH, &b));
	LBDEV_INIT(&b);
	b.nr = 1;
	b.ops = 8;
	EXPECT_EQ(-EFAULT, xioctl(fd, LUBENCH_IOC_BATCH, &b));
	LBDEV_INIT(&b);
	b.nr = 1;
	b.ops = (uintptr_t)ro_ops;	/* FIND only: no side effect */
	EXPECT_EQ(-EFAULT, xioctl(fd, LUBENCH_IOC_BATCH, &b));

	LBDEV_INIT(&l);
	l.cap = 4;
	l.ids = (uintptr_t)none;
	EXPECT_EQ(-EFAULT, xioctl(fd, LUBENCH_IOC_LIST, &l));

	if (lbdev_uring_init(&self->d, 4) == 0) {
		c.batch = (uintptr_t)none;
		EXPECT_EQ(-EFAULT, lbdev_uring_cmd(&self->d, LUBENCH_OP_BATCH,
						   &c, 0));
		LBDEV_INIT(&b);
		b.nr = 1;
		b.ops = (uintptr_t)none;
		c.batch = (uintptr_t)&b;
		EXPECT_EQ(-EFAULT, lbdev_uring_cmd(&self->d, LUBENCH_OP_BATCH,
						   &c, 0));
	}
	munmap(none, pg);
	munmap(ro, 2 * pg);
}

/*
 * Bad input never costs what was already preserved: with a populated
 * table, every kind of refused call leaves exactly that table.
 */
TEST_F(dev, bad_input_keeps_table)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct lubench_ucmd c = { .version = LUBENCH_UCMD_VERSION };
	struct lubench_op bad[3];
	struct lubench_batch b;
	struct lubench_info in;
	struct lubench_dev dv;
	int fd = self->d.fd, i, kept = 0;
	void *none;

	/* Preserve up to 64 of our plain functions. */
	for (i = 0; i < self->nr && kept < 64; i++) {
		const struct lubench_devid *id = &self->ids[i];

		if (!(id->flags & LUBENCH_DEVF_OWN) ||
		    (id->flags & LUBENCH_DEVF_VF))
			continue;
		ASSERT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_PRESERVE,
					  id->domain, id->bdf, &dv));
		kept++;
	}
	ASSERT_LT(0, kept);

	none = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, none);
	EXPECT_EQ(-ENOTTY, xioctl(fd, _IO('x', 1), NULL));
	EXPECT_EQ(-EFAULT, xioctl(fd, LUBENCH_IOC_PRESERVE, none));
	EXPECT_EQ(-EFAULT, xioctl(fd, LUBENCH_IOC_UNPRESERVE, (void *)8));
	LBDEV_INIT(&dv);
	dv.domain = self->plain.domain;
	dv.bdf = self->plain.bdf;
	dv.flags = 1;
	EXPECT_EQ(-EINVAL, xioctl(fd, LUBENCH_IOC_UNPRESERVE, &dv));
	LBDEV_INIT(&dv);
	dv.domain = self->plain.domain;
	dv.bdf = self->plain.bdf;
	dv.version = LUBENCH_ABI_VERSION + 1;
	EXPECT_EQ(-EINVAL, xioctl(fd, LUBENCH_IOC_UNPRESERVE, &dv));
	LBDEV_INIT(&b);
	b.nr = 1;
	b.ops = (uintptr_t)none;
	EXPECT_EQ(-EFAULT, xioctl(fd, LUBENCH_IOC_BATCH, &b));
	LBDEV_INIT(&b);
	b.nr = LUBENCH_BATCH_MAX + 1;
	b.ops = (uintptr_t)bad;
	EXPECT_NE(0, xioctl(fd, LUBENCH_IOC_BATCH, &b));
	/* Unpreserves with a bad field each: refused one by one. */
	memset(bad, 0, sizeof(bad));
	for (i = 0; i < 3; i++) {
		bad[i].domain = self->plain.domain;
		bad[i].bdf = self->plain.bdf;
		bad[i].op = LUBENCH_OP_UNPRESERVE;
	}
	bad[0].flags = 1;
	bad[1].reserved = 1;
	bad[2].op = 0;
	ASSERT_EQ(0, lbdev_batch(&self->d, bad, 3, 0, &b));
	EXPECT_EQ(3, b.nr_failed);
	if (lbdev_uring_init(&self->d, 4) == 0) {
		c.flags = 1;
		c.domain = self->plain.domain;
		c.bdf = self->plain.bdf;
		EXPECT_EQ(-EINVAL, lbdev_uring_cmd(&self->d,
						   LUBENCH_OP_UNPRESERVE, &c, 0));
	}
	munmap(none, pg);

	/* Exactly the table of before. */
	ASSERT_EQ(0, lbdev_info(&self->d, &in));
	EXPECT_EQ(kept, in.nr_preserved);
	for (i = 0, kept = 0; i < self->nr && kept < 64; i++) {
		const struct lubench_devid *id = &self->ids[i];

		if (!(id->flags & LUBENCH_DEVF_OWN) ||
		    (id->flags & LUBENCH_DEVF_VF))
			continue;
		EXPECT_EQ(1, lbdev_dev_op(&self->d, LUBENCH_OP_FIND,
					  id->domain, id->bdf, &dv));
		kept++;
	}
}

TEST_F(dev, vf_einval)
{
	struct lubench_info in;
	struct lubench_batch b;
	struct lubench_op op;
	char name[32];

	if (!self->info.nr_vfs)
		SKIP(return, "the module made no VFs (nr_devices < 64)");
	ASSERT_TRUE(self->have_vf);
	/* The module's verdict agrees with the PCI core's sysfs. */
	lbdev_format_bdf(name, sizeof(name), self->vf.domain, self->vf.bdf);
	{
		char path[128];

		snprintf(path, sizeof(path), SYS_PCI_DEVICES "/%s/physfn", name);
		EXPECT_EQ(0, access(path, F_OK)) TH_LOG("%s has no physfn", name);
	}
	EXPECT_EQ(-EINVAL, lbdev_dev_op(&self->d, LUBENCH_OP_PRESERVE,
					self->vf.domain, self->vf.bdf, NULL));
	memset(&op, 0, sizeof(op));
	op.domain = self->vf.domain;
	op.bdf = self->vf.bdf;
	op.op = LUBENCH_OP_PRESERVE;
	ASSERT_EQ(0, lbdev_batch(&self->d, &op, 1, 0, &b));
	EXPECT_EQ(-EINVAL, op.result);
	if (lbdev_uring_init(&self->d, 4) == 0) {
		op.result = 0;
		ASSERT_EQ(0, lbdev_uring_ops(&self->d, &op, 1));
		EXPECT_EQ(-EINVAL, op.result);
	}
	EXPECT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_FIND,
				  self->vf.domain, self->vf.bdf, NULL));
	/* A refused first preserve leaves no table behind. */
	ASSERT_EQ(0, lbdev_info(&self->d, &in));
	EXPECT_EQ(0, in.capacity);
}

TEST_F(dev, double_preserve_ebusy)
{
	uint32_t dom = self->plain.domain;
	uint16_t bdf = self->plain.bdf;
	struct lubench_batch b;
	struct lubench_op op;

	ASSERT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_PRESERVE, dom, bdf, NULL));
	EXPECT_EQ(-EBUSY, lbdev_dev_op(&self->d, LUBENCH_OP_PRESERVE, dom, bdf,
				       NULL));
	memset(&op, 0, sizeof(op));
	op.domain = dom;
	op.bdf = bdf;
	op.op = LUBENCH_OP_PRESERVE;
	ASSERT_EQ(0, lbdev_batch(&self->d, &op, 1, 0, &b));
	EXPECT_EQ(-EBUSY, op.result);
	if (lbdev_uring_init(&self->d, 4) == 0) {
		op.result = 0;
		ASSERT_EQ(0, lbdev_uring_ops(&self->d, &op, 1));
		EXPECT_EQ(-EBUSY, op.result);
	}
	EXPECT_EQ(1, lbdev_dev_op(&self->d, LUBENCH_OP_FIND, dom, bdf, NULL));
	EXPECT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_UNPRESERVE, dom, bdf,
				  NULL));
	EXPECT_EQ(-ENOENT, lbdev_dev_op(&self->d, LUBENCH_OP_UNPRESERVE, dom,
					bdf, NULL));
	EXPECT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_FIND, dom, bdf, NULL));
}

TEST_F(dev, unknown_device_enodev)
{
	static const struct { uint32_t domain; uint16_t bdf; } none[] = {
		{ 0x7777, 0x1234 },
		{ 0x0001, 0x0001 },	/* 0001:00:00.1: PF A is single-function */
		{ 0xffffffff, 0x0000 },
		{ 0x0001ffff, 0xffff },
	};
	struct lubench_batch b;
	struct lubench_op op;
	unsigned int i, o;

	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		ASSERT_FALSE(sysfs_has(none[i].domain, none[i].bdf));
		for (o = LUBENCH_OP_PRESERVE; o <= LUBENCH_OP_FIND; o++) {
			EXPECT_EQ(-ENODEV, lbdev_dev_op(&self->d, o,
							none[i].domain,
							none[i].bdf, NULL));
			memset(&op, 0, sizeof(op));
			op.domain = none[i].domain;
			op.bdf = none[i].bdf;
			op.op = o;
			ASSERT_EQ(0, lbdev_batch(&self->d, &op, 1, 0, &b));
			EXPECT_EQ(-ENODEV, op.result);
		}
	}
}

/* Domains are 32 bits: 0x10001 must not alias 0x0001. */
TEST_F(dev, domain_not_truncated)
{
	const struct lubench_devid *hi = NULL, *lo = NULL;
	int i, j;

	for (i = 0; i < self->nr && !lo; i++) {
		const struct lubench_devid *a = &self->ids[i];

		if (a->domain < 0x10000 || (a->flags & LUBENCH_DEVF_VF))
			continue;
		for (j = 0; j < self->nr; j++) {
			const struct lubench_devid *b = &self->ids[j];

			if (b->domain == (a->domain & 0xffff) &&
			    b->bdf == a->bdf && !(b->flags & LUBENCH_DEVF_VF)) {
				hi = a;
				lo = b;
				break;
			}
		}
	}
	ASSERT_NE(NULL, lo) TH_LOG("no device pair aliasing in 16 bits");
	ASSERT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_PRESERVE, lo->domain,
				  lo->bdf, NULL));
	EXPECT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_FIND, hi->domain,
				  hi->bdf, NULL));
	EXPECT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_PRESERVE, hi->domain,
				  hi->bdf, NULL));
	EXPECT_EQ(1, lbdev_dev_op(&self->d, LUBENCH_OP_FIND, hi->domain,
				  hi->bdf, NULL));
	EXPECT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_UNPRESERVE, lo->domain,
				  lo->bdf, NULL));
	EXPECT_EQ(1, lbdev_dev_op(&self->d, LUBENCH_OP_FIND, hi->domain,
				  hi->bdf, NULL));
	EXPECT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_FIND, lo->domain,
				  lo->bdf, NULL));
}

/* The module sees what the PCI core shows, and made what it promised. */
TEST_F(dev, population_matches_sysfs)
{
	unsigned int own = 0, own_vf = 0, multi = 0, hi_dom = 0, gaps = 0;
	struct lubench_devid *sys;
	int n, i;

	n = sysfs_devices(&sys);
	ASSERT_LT(0, n);
	ASSERT_EQ(n, self->nr);
	for (i = 0; i < n; i++) {
		const struct lubench_devid *a = &self->ids[i];

		EXPECT_EQ(id_key(&sys[i]), id_key(a));
		EXPECT_EQ(sys[i].flags & LUBENCH_DEVF_VF,
			  a->flags & LUBENCH_DEVF_VF);
		if (!(a->flags & LUBENCH_DEVF_OWN))
			continue;
		own++;
		own_vf += !!(a->flags & LUBENCH_DEVF_VF);
		multi += (a->bdf & 7) && !(a->flags & LUBENCH_DEVF_VF);
		hi_dom += a->domain >= 0x10000;
		/* Sparse: a later bus of the same domain, not the next one. */
		if (i && self->ids[i - 1].domain == a->domain &&
		    (a->bdf >> 8) > (self->ids[i - 1].bdf >> 8) + 1)
			gaps++;
	}
	EXPECT_EQ(self->info.nr_functions, own);
	EXPECT_EQ(self->info.nr_vfs, own_vf);
	EXPECT_EQ(self->info.nr_pci_devs, (unsigned int)n);
	EXPECT_LT(0, multi);
	EXPECT_LT(0, hi_dom);
	EXPECT_LT(0, gaps);
	EXPECT_LE(4, self->info.nr_domains);
	TH_LOG("%u devices, %u ours (%u VFs, %u functions > 0, %u above 0xffff) on %u root buses in %u domains, enumerated in %.3f s",
	       n, own, own_vf, multi, hi_dom, self->info.nr_root_buses,
	       self->info.nr_domains, self->info.enum_ns / 1e9);
	free(sys);
}

/* Expected FIND result for device @i: every other non-VF is preserved. */
static int concurrent_want(const struct lubench_devid *ids, int i)
{
	return !(ids[i].flags & LUBENCH_DEVF_VF) && !(i & 1);
}

/*
 * Two preservers at once: a child hammers the table with batched ioctls
 * while the parent's uring_cmds contend for the same lock (the module
 * then punts them to io_uring's workers).  Every verdict must hold.
 */
TEST_F_TIMEOUT(dev, concurrent_ioctl_and_uring, 180)
{
	struct lubench_op *ops, *cops;
	struct lubench_stats st;
	struct lubench_batch b;
	int i, round, status, bad = 0;
	pid_t child;

	ops = calloc(self->nr, sizeof(*ops));
	ASSERT_NE(NULL, ops);
	for (i = 0; i < self->nr; i++) {
		ops[i].domain = self->ids[i].domain;
		ops[i].bdf = self->ids[i].bdf;
		ops[i].op = LUBENCH_OP_PRESERVE;
	}
	for (i = 0; i < self->nr; i++)
		if (concurrent_want(self->ids, i))
			ASSERT_EQ(0, lbdev_batch(&self->d, &ops[i], 1, 0, &b));

	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		struct lbdev cd;

		cops = calloc(self->nr, sizeof(*cops));
		if (!cops || lbdev_open(&cd, NULL))
			_exit(2);
		for (round = 0; round < 20; round++) {
			for (i = 0; i < self->nr; i++) {
				cops[i] = ops[i];
				cops[i].op = LUBENCH_OP_FIND;
				cops[i].result = -1000;
			}
			if (lbdev_batch(&cd, cops, self->nr, 0, NULL))
				_exit(3);
			for (i = 0; i < self->nr; i++)
				if (cops[i].result != concurrent_want(self->ids, i))
					_exit(4);
		}
		_exit(0);
	}

	ASSERT_EQ(0, lbdev_uring_init(&self->d, 64));
	for (round = 0; round < 3; round++) {
		for (i = 0; i < self->nr; i++) {
			ops[i].op = LUBENCH_OP_FIND;
			ops[i].result = -1000;
		}
		ASSERT_EQ(0, lbdev_uring_ops(&self->d, ops, self->nr));
		for (i = 0; i < self->nr; i++)
			if (ops[i].result != concurrent_want(self->ids, i) &&
			    bad++ < 5)
				TH_LOG("find %#x:%#x: %d", ops[i].domain,
				       ops[i].bdf, ops[i].result);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, bad);
	ASSERT_EQ(0, lbdev_stats(&self->d, &st, false));
	EXPECT_LE(3 * self->nr, st.uring_cmds);
	free(ops);
}

/*
 * The table is sized by the devices present at the first preserve, so
 * devices hot-plugged after it find it full.
 */
TEST_F_TIMEOUT(dev, hotplug_then_enospc, 180)
{
	uint32_t cap, nr_ok = 0, nr_nospc = 0, nr_vf = 0, k, i;
	struct lubench_devid *ids;
	struct lubench_hotplug h;
	struct lubench_info in;
	struct lubench_batch b;
	struct lubench_op *ops;
	int n;

	ASSERT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_PRESERVE,
				  self->plain.domain, self->plain.bdf, NULL));
	ASSERT_EQ(0, lbdev_info(&self->d, &in));
	cap = in.capacity;
	EXPECT_EQ(in.nr_pci_devs, cap);
	EXPECT_EQ(1, in.nr_preserved);

	/* More new devices than there are VFs, which never take a slot. */
	k = self->info.nr_vfs + 32;
	ASSERT_EQ(0, lbdev_hotplug(&self->d, k, &h));
	EXPECT_EQ(k, h.nr_added);
	EXPECT_LE(LUBENCH_HOTPLUG_DOMAIN, h.domain);
	EXPECT_TRUE(sysfs_has(h.domain, 0));
	TH_LOG("hot-plugged %u functions in domain %#x in %.3f s", k,
	       h.domain, h.ns / 1e9);

	n = lbdev_list(&self->d, 0, &ids);
	ASSERT_EQ(self->nr + (int)k, n);
	ops = calloc(n, sizeof(*ops));
	ASSERT_NE(NULL, ops);
	for (i = 0; i < (uint32_t)n; i++) {
		ops[i].domain = ids[i].domain;
		ops[i].bdf = ids[i].bdf;
		ops[i].op = LUBENCH_OP_PRESERVE;
	}
	ASSERT_EQ(0, lbdev_batch(&self->d, ops, n, 0, &b));
	ASSERT_EQ((uint32_t)n, b.nr_done);
	for (i = 0; i < (uint32_t)n; i++) {
		int want_dup = ids[i].domain == self->plain.domain &&
			       ids[i].bdf == self->plain.bdf;

		if (ids[i].flags & LUBENCH_DEVF_VF) {
			EXPECT_EQ(-EINVAL, ops[i].result);
			nr_vf++;
		} else if (want_dup) {
			EXPECT_EQ(-EBUSY, ops[i].result);
		} else if (ops[i].result == 0) {
			nr_ok++;
		} else {
			EXPECT_EQ(-ENOSPC, ops[i].result);
			/* Sorted order: only new devices can miss out. */
			EXPECT_LE(LUBENCH_HOTPLUG_DOMAIN, ids[i].domain);
			nr_nospc++;
		}
	}
	EXPECT_EQ(cap, nr_ok + 1);
	EXPECT_EQ(n - nr_vf - cap, nr_nospc);
	ASSERT_EQ(0, lbdev_info(&self->d, &in));
	EXPECT_EQ(cap, in.capacity);
	EXPECT_EQ(cap, in.nr_preserved);

	/* The new devices go away again with the hot-plug reset. */
	ASSERT_EQ(0, lbdev_reset(&self->d, LUBENCH_RESET_TABLE |
				 LUBENCH_RESET_HOTPLUG));
	EXPECT_FALSE(sysfs_has(h.domain, 0));
	free(ids);
	n = lbdev_list(&self->d, 0, &ids);
	EXPECT_EQ(self->nr, n);
	free(ids);
	free(ops);
}

/* Lines of the kernel log holding @s. */
static unsigned int klog_count(const char *s)
{
	unsigned int n = 0;
	char *buf, *p;
	int size, len;

	size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	if (size <= 0)
		return 0;
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	buf[len > 0 ? len : 0] = '\0';
	for (p = buf; (p = strstr(p, s)); p += strlen(s))
		n++;
	free(buf);
	return n;
}

#define LB_UNPLUGGED	"lubench: preserved device removed: unpreserved"
#define LB_UNPLUGGED_FROZEN \
	"lubench: preserved device removed after the freeze"

/*
 * A preserved device that goes away (hot-unplug) is unpreserved, with one
 * line in the log per device, and every other preserved device stays;
 * after the freeze the handed-over table keeps
 * its entry, again with one line, for the next kernel not to find.
 */
TEST_F_TIMEOUT(dev, unplug_preserved, 180)
{
	const uint32_t k = 8;
	uint32_t i, n0, nhp = 0, log0, logf;
	struct lubench_devid *ids;
	struct lubench_hotplug h;
	struct lubench_info in;
	int n, ret;

	/* Hot-plugged before the first preserve, so the table has room. */
	ASSERT_EQ(0, lbdev_hotplug(&self->d, k, &h));
	ASSERT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_PRESERVE,
				  self->plain.domain, self->plain.bdf, NULL));
	ASSERT_EQ(0, lbdev_info(&self->d, &in));
	n0 = in.nr_preserved;
	n = lbdev_list(&self->d, 0, &ids);
	ASSERT_EQ(self->nr + (int)k, n);
	for (i = 0; i < (uint32_t)n; i++) {
		if (ids[i].domain < h.domain || ids[i].flags & LUBENCH_DEVF_VF ||
		    ids[i].flags & LUBENCH_DEVF_BRIDGE)
			continue;
		EXPECT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_PRESERVE,
					  ids[i].domain, ids[i].bdf, NULL));
		nhp++;
	}
	free(ids);
	ASSERT_LT(0, nhp);
	ASSERT_EQ(0, lbdev_info(&self->d, &in));
	EXPECT_LE(n0 + nhp, in.nr_preserved);

	log0 = klog_count(LB_UNPLUGGED);
	ASSERT_EQ(0, lbdev_reset(&self->d, LUBENCH_RESET_HOTPLUG));
	EXPECT_FALSE(sysfs_has(h.domain, 0));
	EXPECT_EQ(log0 + nhp, klog_count(LB_UNPLUGGED));
	ASSERT_EQ(0, lbdev_info(&self->d, &in));
	EXPECT_EQ(n0, in.nr_preserved);
	EXPECT_EQ(1, lbdev_dev_op(&self->d, LUBENCH_OP_FIND,
				  self->plain.domain, self->plain.bdf, NULL));

	/* After the freeze: the entry stays for the handover. */
	ASSERT_EQ(0, lbdev_reset(&self->d, LUBENCH_RESET_TABLE));
	ASSERT_EQ(0, lbdev_hotplug(&self->d, 1, &h));
	ASSERT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_PRESERVE,
				  self->plain.domain, self->plain.bdf, NULL));
	n = lbdev_list(&self->d, 0, &ids);
	ASSERT_EQ(self->nr + 1, n);
	for (i = 0; i < (uint32_t)n && ids[i].domain < h.domain; i++)
		;
	ASSERT_LT(i, (uint32_t)n);
	ASSERT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_PRESERVE,
				  ids[i].domain, ids[i].bdf, NULL));
	free(ids);
	ASSERT_EQ(0, lbdev_info(&self->d, &in));
	n0 = in.nr_preserved;
	ret = lbdev_freeze(&self->d, 0, 0, 1, 0, NULL);
	if (ret == -ENXIO)
		SKIP(return, "no memmap= range reserved for the handover");
	ASSERT_EQ(0, ret);
	logf = klog_count(LB_UNPLUGGED_FROZEN);
	ASSERT_EQ(0, lbdev_reset(&self->d, LUBENCH_RESET_HOTPLUG));
	EXPECT_EQ(logf + 1, klog_count(LB_UNPLUGGED_FROZEN));
	ASSERT_EQ(0, lbdev_info(&self->d, &in));
	EXPECT_EQ(n0, in.nr_preserved);
	EXPECT_EQ(0, lbdev_reset(&self->d, LUBENCH_RESET_TABLE));
}


/*
 * SR-IOV enabled after the table was sized: the VFs that appear take no
 * room (a VF is never preserved: -EINVAL), the capacity stays what the
 * first preserve counted, and every other device still fits and is
 * still found.
 */
TEST_F_TIMEOUT(dev, sriov_after_sizing, 180)
{
	uint32_t nr, i, cap, np, nr_ok = 0, nr_vf = 0;
	struct lubench_devid *ids;
	struct lubench_info in;
	struct lubench_hotplug h;
	int n;

	if (!self->have_vf)
		SKIP(return, "no VFs in this topology");
	LBDEV_INIT(&h);
	h.nr = 1;
	h.flags = LUBENCH_HOTPLUG_VFS_OFF;
	EXPECT_EQ(-EINVAL, xioctl(self->d.fd, LUBENCH_IOC_HOTPLUG, &h));
	h.nr = 0;
	h.flags = LUBENCH_HOTPLUG_VFS_OFF | LUBENCH_HOTPLUG_VFS_ON;
	EXPECT_EQ(-EINVAL, xioctl(self->d.fd, LUBENCH_IOC_HOTPLUG, &h));

	ASSERT_EQ(0, lbdev_vfs_switch(&self->d, LUBENCH_HOTPLUG_VFS_OFF, &nr));
	EXPECT_EQ(self->info.nr_vfs, nr);
	n = lbdev_list(&self->d, 0, &ids);
	EXPECT_EQ(self->nr - (int)self->info.nr_vfs, n);
	free(ids);
	/* The first preserve sizes the table without the VFs. */
	ASSERT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_PRESERVE,
				  self->plain.domain, self->plain.bdf, NULL));
	ASSERT_EQ(0, lbdev_info(&self->d, &in));
	cap = in.capacity;

	ASSERT_EQ(0, lbdev_vfs_switch(&self->d, LUBENCH_HOTPLUG_VFS_ON, &nr));
	EXPECT_EQ(self->info.nr_vfs, nr);
	n = lbdev_list(&self->d, 0, &ids);
	ASSERT_EQ(self->nr, n);
	for (i = 0; i < (uint32_t)n; i++) {
		int ret;

		if (!(ids[i].flags & LUBENCH_DEVF_OWN) ||
		    (ids[i].domain == self->plain.domain &&
		     ids[i].bdf == self->plain.bdf))
			continue;
		ret = lbdev_dev_op(&self->d, LUBENCH_OP_PRESERVE, ids[i].domain,
				   ids[i].bdf, NULL);
		if (ids[i].flags & LUBENCH_DEVF_VF) {
			EXPECT_EQ(-EINVAL, ret);
			nr_vf++;
		} else if (ids[i].flags & LUBENCH_DEVF_BRIDGE) {
			EXPECT_TRUE(ret == 0 || ret == -EBUSY) TH_LOG("%d", ret);
		} else {
			EXPECT_EQ(0, ret);
			nr_ok++;
		}
	}
	EXPECT_EQ(self->info.nr_vfs, nr_vf);
	ASSERT_EQ(0, lbdev_info(&self->d, &in));
	EXPECT_EQ(cap, in.capacity);
	EXPECT_LE(nr_ok + 1, in.nr_preserved);
	for (i = 0; i < (uint32_t)n; i++)
		if ((ids[i].flags & LUBENCH_DEVF_OWN) &&
		    !(ids[i].flags & (LUBENCH_DEVF_VF | LUBENCH_DEVF_BRIDGE)))
			EXPECT_EQ(1, lbdev_dev_op(&self->d, LUBENCH_OP_FIND,
						  ids[i].domain, ids[i].bdf,
						  NULL));
	free(ids);
	/* Off again with the table full: only VFs go, nothing preserved. */
	np = in.nr_preserved;
	ASSERT_EQ(0, lbdev_vfs_switch(&self->d, LUBENCH_HOTPLUG_VFS_OFF, &nr));
	ASSERT_EQ(0, lbdev_info(&self->d, &in));
	EXPECT_EQ(np, in.nr_preserved);
	/* RESET_HOTPLUG brings them back, as every fixture expects. */
	ASSERT_EQ(0, lbdev_reset(&self->d, LUBENCH_RESET_ALL));
	EXPECT_EQ(self->nr, lbdev_list(&self->d, 0, &ids));
	free(ids);
}


/* --- every layout agrees with the real device set ------------------- */

FIXTURE(layout) {
	struct lbdev d;
	struct lubench_devid *sys;	/* sysfs: the truth */
	int nr;
};

FIXTURE_VARIANT(layout) {
	const char *name;
};

#define LAYOUT_VARIANT(id, n) FIXTURE_VARIANT_ADD(layout, id) { .name = n };
PCI_SER_FOR_EACH_VARIANT_NAME(LAYOUT_VARIANT)

FIXTURE_SETUP(layout)
{
	if (!have_dev())
		SKIP(return, "%s missing: lubench.ko is not loaded",
		     LUBENCH_DEV_PATH);
	ASSERT_EQ(0, lbdev_open(&self->d, NULL));
	ASSERT_EQ(0, lbdev_reset(&self->d, LUBENCH_RESET_ALL));
	ASSERT_LE(0, lbdev_variant_set(&self->d, variant->name));
	self->nr = sysfs_devices(&self->sys);
	ASSERT_LT(0, self->nr);
}

FIXTURE_TEARDOWN(layout)
{
	if (self->d.fd > 0) {
		lbdev_reset(&self->d, LUBENCH_RESET_ALL);
		lbdev_close(&self->d);
	}
	free(self->sys);
}

/*
 * Preserve every device through batched ioctls, find every one through
 * io_uring, unpreserve half through uring batches and half through
 * single ioctls; every verdict must match what sysfs says the device is.
 */
TEST_F_TIMEOUT(layout, agrees_on_real_devices, 300)
{
	uint32_t nr = self->nr, i, nr_vf = 0, half = nr / 2;
	struct lubench_info in;
	struct lubench_batch b;
	struct lubench_op *ops;
	unsigned int bad = 0;

	ops = calloc(nr, sizeof(*ops));
	ASSERT_NE(NULL, ops);
	for (i = 0; i < nr; i++) {
		ops[i].domain = self->sys[i].domain;
		ops[i].bdf = self->sys[i].bdf;
		ops[i].op = LUBENCH_OP_PRESERVE;
		nr_vf += !!(self->sys[i].flags & LUBENCH_DEVF_VF);
	}
	ASSERT_EQ(0, lbdev_batch(&self->d, ops, nr, 0, &b));
	ASSERT_EQ(nr, b.nr_done);
	EXPECT_EQ(nr_vf, b.nr_failed);
	for (i = 0; i < nr; i++) {
		int want = self->sys[i].flags & LUBENCH_DEVF_VF ? -EINVAL : 0;

		if (ops[i].result != want && bad++ < 5)
			TH_LOG("preserve %#x:%#x: %d, want %d", ops[i].domain,
			       ops[i].bdf, ops[i].result, want);
	}
	ASSERT_EQ(0, lbdev_info(&self->d, &in));
	EXPECT_EQ(nr, in.capacity);
	EXPECT_EQ(nr - nr_vf, in.nr_preserved);

	ASSERT_EQ(0, lbdev_uring_init(&self->d, 256));
	for (i = 0; i < nr; i++) {
		ops[i].op = LUBENCH_OP_FIND;
		ops[i].result = -1000;
	}
	ASSERT_EQ(0, lbdev_uring_ops(&self->d, ops, nr));
	for (i = 0; i < nr; i++) {
		int want = !(self->sys[i].flags & LUBENCH_DEVF_VF);

		if (ops[i].result != want && bad++ < 10)
			TH_LOG("find %#x:%#x: %d, want %d", ops[i].domain,
			       ops[i].bdf, ops[i].result, want);
	}

	for (i = 0; i < nr; i++) {
		ops[i].op = LUBENCH_OP_UNPRESERVE;
		ops[i].result = -1000;
	}
	ASSERT_EQ(0, lbdev_uring_batch(&self->d, ops, half, 0, &b));
	EXPECT_EQ(half, b.nr_done);
	for (i = half; i < nr; i++)
		ops[i].result = lbdev_dev_op(&self->d, LUBENCH_OP_UNPRESERVE,
					     ops[i].domain, ops[i].bdf, NULL);
	for (i = 0; i < nr; i++) {
		int want = self->sys[i].flags & LUBENCH_DEVF_VF ? -ENOENT : 0;

		if (ops[i].result != want && bad++ < 15)
			TH_LOG("unpreserve %#x:%#x: %d, want %d",
			       ops[i].domain, ops[i].bdf, ops[i].result, want);
	}
	EXPECT_EQ(0, bad);
	/* The last unpreserve frees the table. */
	ASSERT_EQ(0, lbdev_info(&self->d, &in));
	EXPECT_EQ(0, in.capacity);
	EXPECT_EQ(0, in.nr_preserved);
	free(ops);
}

/* --- allocations made to fail (lubench_failalloc.h) ------------------ */

#define FAIL_ALLOC_PARAM	"/sys/module/lubench/parameters/fail_alloc"
#define FAIL_ALLOC_HITS		"/sys/module/lubench/parameters/fail_alloc_hits"

/* Arm the module's countdown: the @n-th allocation from now fails. */
static int fail_alloc(unsigned long n)
{
	FILE *f = fopen(FAIL_ALLOC_PARAM, "w");
	int ret = 0;

	if (!f)
		return -errno;
	if (fprintf(f, "%lu\n", n) < 0)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

static long fail_alloc_hits(void)
{
	FILE *f = fopen(FAIL_ALLOC_HITS, "r");
	long v = -1;

	if (!f)
		return -errno;
	if (fscanf(f, "%ld", &v) != 1)
		v = -EIO;
	fclose(f);
	return v;
}

#define FA_MAX_DEVICES	1100	/* past two 510-entry blocks */

/*
 * Before each preserve of the layout's table the next allocation of the
 * pci_ser code is made to fail.  The first preserve makes the table:
 * -ENOMEM for every layout, and no table.  A later one fails only when it
 * allocates (a layout that grows): -ENOMEM with the table exactly as it
 * was (every preserved device still found, the new one not, the count
 * unchanged), and the retry works.  Every failure injected is one the
 * caller saw (fail_alloc_hits), none swallowed.  Then the freeze with
 * its next allocation failing: -ENOMEM with the table intact and a retry
 * that works, or, when the freeze allocates nothing, a freeze as usual.
 */
TEST_F_TIMEOUT(layout, alloc_faults_keep_table, 300)
{
	struct lubench_devid *pres;
	struct lubench_info in;
	struct lubench_freeze fz;
	uint32_t i, j, nr = 0, grown = 0, lim;
	bool first_failed = false;
	long h0, h;
	int ret;

	h0 = fail_alloc_hits();
	if (h0 < 0)
		SKIP(return, "lubench.ko has no fail_alloc parameter");
	pres = calloc(self->nr, sizeof(*pres));
	ASSERT_NE(NULL, pres);
	lim = self->nr < FA_MAX_DEVICES ? self->nr : FA_MAX_DEVICES;
	for (i = 0; i < lim; i++) {
		const struct lubench_devid *id = &self->sys[i];

		if (id->flags & LUBENCH_DEVF_VF)
			continue;
		ASSERT_EQ(0, fail_alloc(1));
		ret = lbdev_dev_op(&self->d, LUBENCH_OP_PRESERVE, id->domain,
				   id->bdf, NULL);
		h = fail_alloc_hits();
		ASSERT_EQ(0, fail_alloc(0));
		if (ret != -ENOMEM) {
			EXPECT_EQ(h0, h) TH_LOG("%s: preserve %u: a failure "
						 "swallowed (%d)", variant->name,
						 nr + 1, ret);
			ASSERT_EQ(0, ret) TH_LOG("%s: preserve %u", variant->name,
						 nr + 1);
			pres[nr++] = *id;
			continue;
		}
		EXPECT_EQ(h0 + 1, h);
		h0 = h;
		ASSERT_EQ(0, lbdev_info(&self->d, &in));
		EXPECT_EQ(nr, in.nr_preserved) TH_LOG("%s after ENOMEM at %u",
						      variant->name, nr + 1);
		if (!nr)
			EXPECT_EQ(0, in.capacity) TH_LOG("%s: a table after "
							 "its creation failed",
							 variant->name);
		EXPECT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_FIND,
					  id->domain, id->bdf, NULL));
		for (j = 0; j < nr; j++)
			ASSERT_EQ(1, lbdev_dev_op(&self->d, LUBENCH_OP_FIND,
						  pres[j].domain, pres[j].bdf,
						  NULL))
				TH_LOG("%s: entry %u lost by a failed preserve",
				       variant->name, j);
		if (nr)
			grown++;
		else
			first_failed = true;
		ASSERT_EQ(0, lbdev_dev_op(&self->d, LUBENCH_OP_PRESERVE,
					  id->domain, id->bdf, NULL));
		pres[nr++] = *id;
	}
	EXPECT_TRUE(first_failed) TH_LOG("%s: making the table allocated "
					 "nothing", variant->name);
	TH_LOG("%s: %u preserves, %u of them after the first allocated "
	       "(growth) and failed cleanly", variant->name, nr, grown);

	ASSERT_EQ(0, fail_alloc(1));
	ret = lbdev_freeze(&self->d, 0, 0, 1, 0, &fz);
	h = fail_alloc_hits();
	ASSERT_EQ(0, fail_alloc(0));
	if (ret == -ENXIO) {
		TH_LOG("no memmap= range: the freeze is not tried");
	} else if (ret == -ENOMEM) {
		EXPECT_EQ(h0 + 1, h);
		ASSERT_EQ(0, lbdev_info(&self->d, &in));
		EXPECT_EQ(nr, in.nr_preserved);
		EXPECT_EQ(0, lbdev_freeze(&self->d, 0, 0, 1, 0, &fz));
		EXPECT_EQ(nr, fz.nr_preserved);
		TH_LOG("%s: the freeze allocates: -ENOMEM, then frozen",
		       variant->name);
	} else {
		EXPECT_EQ(0, ret);
		EXPECT_EQ(h0, h) TH_LOG("%s: freeze: a failure swallowed",
					variant->name);
		EXPECT_EQ(nr, fz.nr_preserved);
		TH_LOG("%s: the freeze allocates nothing", variant->name);
	}
	free(pres);
}

/* --- last: unload and reload, then the kernel log ------------------- */

FIXTURE(module) {
	int unused;
};

FIXTURE_SETUP(module)
{
}

FIXTURE_TEARDOWN(module)
{
}

static bool own_domain(const struct lubench_devid *own, int nr, uint32_t d)
{
	int i;

	for (i = 0; i < nr; i++)
		if (own[i].domain == d)
			return true;
	return false;
}

/* Entries of @dir named PREFIX<hex domain>:... in one of @own's domains. */
static int count_own_entries(const char *dir, const char *prefix,
			     const struct lubench_devid *own, int nr)
{
	size_t plen = strlen(prefix);
	struct dirent *de;
	unsigned int dom;
	int found = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, prefix, plen) &&
		    sscanf(de->d_name + plen, "%x:", &dom) == 1 &&
		    own_domain(own, nr, dom))
			found++;
	closedir(d);
	return found;
}

static int wait_for(const char *path, bool present, int ms)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	for (; ms > 0; ms -= 10) {
		if ((access(path, F_OK) == 0) == present)
			return 0;
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

/*
 * What every module test needs first: the module loaded, LUBENCH_KO
 * naming its file (to load it again), and the nr_devices it was loaded
 * with in *@nr.  0 ready; 1 the test cannot run here (skip); -1 the
 * module's parameter is unreadable (a failure).  *@why says which.
 */
static int module_test_ready(const char *ko, unsigned int *nr,
			     const char **why)
{
	FILE *f;
	int ok;

	*why = "";
	if (!have_dev()) {
		*why = LUBENCH_DEV_PATH " missing: lubench.ko is not loaded";
		return 1;
	}
	if (!ko || access(ko, R_OK)) {
		*why = "LUBENCH_KO does not name the module file";
		return 1;
	}
	*why = "cannot read /sys/module/lubench/parameters/nr_devices";
	f = fopen("/sys/module/lubench/parameters/nr_devices", "r");
	if (!f)
		return -1;
	ok = fscanf(f, "%u", nr) == 1;
	fclose(f);
	if (!ok)
		return -1;
	*why = "";
	return 0;
}

TEST_F_TIMEOUT(module, unload_leaves_nothing_and_reloads, 300)
{
	const char *ko = getenv("LUBENCH_KO");
	const char *why;
	struct lubench_devid *own, *sys;
	struct lubench_info info;
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	unsigned int nr_param;
	int n_own, n_sys, n, i, fd, ret, tries;
	struct lbdev d;
	char params[64];

	ret = module_test_ready(ko, &nr_param, &why);
	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);

	ASSERT_EQ(0, lbdev_open(&d, NULL));
	ASSERT_EQ(0, lbdev_reset(&d, LUBENCH_RESET_ALL));
	ASSERT_EQ(0, lbdev_info(&d, &info));
	n_own = lbdev_list(&d, LUBENCH_LIST_OWN, &own);
	lbdev_close(&d);
	ASSERT_LT(0, n_own);
	n_sys = sysfs_devices(&sys);
	ASSERT_LT(n_own, n_sys);
	free(sys);

	/* io_uring drops its file references asynchronously: retry. */
	for (tries = 0; tries < 100; tries++) {
		ret = syscall(__NR_delete_module, "lubench", O_NONBLOCK);
		if (!ret || (errno != EWOULDBLOCK && errno != EBUSY))
			break;
		nanosleep(&pause, NULL);
	}
	ASSERT_EQ(0, ret) TH_LOG("delete_module: %s", strerror(errno));

	EXPECT_EQ(0, wait_for(LUBENCH_DEV_PATH, false, 5000));
	EXPECT_NE(0, access("/sys/module/lubench", F_OK));
	for (i = 0, n = 0; i < n_own; i++)
		n += sysfs_has(own[i].domain, own[i].bdf);
	EXPECT_EQ(0, n) TH_LOG("%d of our devices still in sysfs", n);
	EXPECT_EQ(0, count_own_entries("/sys/devices", "pci", own, n_own));
	EXPECT_EQ(0, count_own_entries("/sys/class/pci_bus", "", own, n_own));
	n = sysfs_devices(&sys);
	EXPECT_EQ(n_sys - n_own, n);
	free(sys);

	fd = open(ko, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	snprintf(params, sizeof(params), "nr_devices=%u", nr_param);
	ret = syscall(__NR_finit_module, fd, params, 0);
	close(fd);
	ASSERT_EQ(0, ret) TH_LOG("finit_module: %s", strerror(errno));
	ASSERT_EQ(0, wait_for(LUBENCH_DEV_PATH, true, 5000));
	ASSERT_EQ(0, lbdev_open(&d, NULL));
	ASSERT_EQ(0, lbdev_info(&d, &info));
	EXPECT_EQ(nr_param, info.nr_functions);
	lbdev_close(&d);
	n = sysfs_devices(&sys);
	EXPECT_EQ(n_sys, n);
	free(sys);
	TH_LOG("reloaded: %u functions enumerated in %.3f s", info.nr_functions,
	       info.enum_ns / 1e9);
	free(own);
}

static int load_module(const char *ko, const char *params)
{
	int fd, ret;

	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(__NR_finit_module, fd, params, 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret ? ret : wait_for(LUBENCH_DEV_PATH, true, 5000);
}

static int unload_module(void)
{
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	int tries, ret = 0;

	for (tries = 0; tries < 100; tries++) {
		ret = syscall(__NR_delete_module, "lubench", O_NONBLOCK);
		if (!ret || (errno != EWOULDBLOCK && errno != EBUSY))
			break;
		nanosleep(&pause, NULL);
	}
	return ret ? -errno : wait_for(LUBENCH_DEV_PATH, false, 5000);
}

/*
 * The bridges above @id as sysfs shows them (its device path under
 * /sys/devices), nearest first, into @path; their number or -errno.
 */
static int sysfs_path(const struct lubench_devid *id,
		      struct lubench_devid *path, int max)
{
	char name[32], link[64], real[4096], *tok, *save;
	struct lubench_devid up[16], d = { 0 };
	int n = 0, i;

	lbdev_format_bdf(name, sizeof(name), id->domain, id->bdf);
	snprintf(link, sizeof(link), SYS_PCI_DEVICES "/%s", name);
	if (!realpath(link, real))
		return -errno;
	for (tok = strtok_r(real, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save))
		if (!lbdev_parse_bdf(tok, &d.domain, &d.bdf) && n < 16)
			up[n++] = d;
	/* The last one is the device itself. */
	if (!n || n - 1 > max)
		return -E2BIG;
	for (i = 0; i < n - 1; i++)
		path[i] = up[n - 2 - i];
	return n - 1;
}

static int refcount_of(struct lbdev *d, const struct lubench_devid *id)
{
	struct lubench_dev dv;
	int ret;

	LBDEV_INIT(&dv);
	dv.domain = id->domain;
	dv.bdf = id->bdf;
	dv.flags = LUBENCH_DEV_REFCOUNT;
	ret = lbdev_ioctl(d, LUBENCH_IOC_FIND, &dv);
	return ret ? ret : (int)dv.found;
}

/*
 * The switches topology under every layout's rules: three endpoints
 * behind one switch, two of them behind the same downstream port.  Under
 * v2's rules no bridge enters the table; under the refcounted ones each
 * bridge's refcount is the preserved devices below it, falls with an
 * unpreserve, and after a freeze preserve and unpreserve are -EINVAL
 * (v2: -EBUSY, the module's own rule) with the refcounts unchanged.
 */
TEST_F_TIMEOUT(module, switches_bridge_refcounts, 300)
{
	const char *ko = getenv("LUBENCH_KO");
	const char *why;
	struct lubench_devid *own, e[3], p[3][8], *b1, *b3;
	struct lubench_variant v;
	struct lubench_info info;
	struct lubench_freeze fz;
	unsigned int nr_param, vi, bridges = 0, counted_seen = 0;
	int n_own, i, ret, k = 0;
	struct lbdev d;
	char params[64];

	ret = module_test_ready(ko, &nr_param, &why);
	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	ASSERT_EQ(0, unload_module());
	ASSERT_EQ(0, load_module(ko, "nr_devices=256 topology=switches"));

	ASSERT_EQ(0, lbdev_open(&d, NULL));
	ASSERT_EQ(0, lbdev_info(&d, &info));
	EXPECT_EQ(LUBENCH_TOPOLOGY_SWITCHES, info.topology);
	EXPECT_EQ(256, info.nr_functions);
	EXPECT_LT(0, info.nr_bridges);
	n_own = lbdev_list(&d, LUBENCH_LIST_OWN, &own);
	ASSERT_EQ((int)(info.nr_functions + info.nr_bridges), n_own);
	/* e[0], e[1]: one device's functions behind a downstream port;
	 * e[2]: behind another port of the same switch. */
	for (i = 0; i < n_own && k < 3; i++) {
		struct lubench_devid path[8];
		int depth;

		if (own[i].flags & LUBENCH_DEVF_BRIDGE) {
			bridges++;
			continue;
		}
		if (own[i].flags & LUBENCH_DEVF_VF)
			continue;
		depth = sysfs_path(&own[i], path, 8);
		ASSERT_LE(0, depth);
		if (depth != 3)
			continue;
		if (k == 1 && memcmp(path, p[0], sizeof(path[0])))
			continue;	/* the same port as e[0] */
		if (k == 2 && (!memcmp(path, p[0], sizeof(path[0])) ||
			       memcmp(&path[1], &p[0][1], sizeof(path[0]))))
			continue;	/* another port, the same switch */
		e[k] = own[i];
		e[k].flags = 0;
		memcpy(p[k], path, sizeof(path));
		k++;
	}
	for (; i < n_own; i++)
		bridges += !!(own[i].flags & LUBENCH_DEVF_BRIDGE);
	EXPECT_EQ(info.nr_bridges, bridges);
	ASSERT_EQ(3, k) TH_LOG("no switch with two ports in use");
	b1 = p[0];
	b3 = p[2];

	for (vi = 0; !lbdev_variant_get(&d, vi, &v); vi++) {
		bool c = v.rules != LUBENCH_RULES_V2;
		int frozen_err = c ? -EINVAL : -EBUSY;

		counted_seen += c;
		ASSERT_EQ(0, lbdev_reset(&d, LUBENCH_RESET_TABLE));
		ASSERT_LE(0, lbdev_variant_set(&d, v.name));
		for (i = 0; i < 3; i++)
			ASSERT_EQ(0, lbdev_dev_op(&d, LUBENCH_OP_PRESERVE,
						  e[i].domain, e[i].bdf, NULL))
				TH_LOG("%s: preserve %d", v.name, i);
		EXPECT_EQ(-EBUSY, lbdev_dev_op(&d, LUBENCH_OP_PRESERVE,
					       e[0].domain, e[0].bdf, NULL));
		for (i = 0; i < 3; i++)
			EXPECT_EQ(1, refcount_of(&d, &e[i])) TH_LOG("%s", v.name);
		/* port, upstream port, root port of e[0] and e[1]; e[2]'s port */
		EXPECT_EQ(c ? 2 : 0, refcount_of(&d, &b1[0])) TH_LOG("%s", v.name);
		EXPECT_EQ(c ? 3 : 0, refcount_of(&d, &b1[1])) TH_LOG("%s", v.name);
		EXPECT_EQ(c ? 3 : 0, refcount_of(&d, &b1[2])) TH_LOG("%s", v.name);
		EXPECT_EQ(c ? 1 : 0, refcount_of(&d, &b3[0])) TH_LOG("%s", v.name);
		ASSERT_EQ(0, lbdev_info(&d, &info));
		EXPECT_EQ(c ? 3 + 4 : 3, info.nr_preserved) TH_LOG("%s", v.name);

		EXPECT_EQ(0, lbdev_dev_op(&d, LUBENCH_OP_UNPRESERVE,
					  e[1].domain, e[1].bdf, NULL));
		EXPECT_EQ(0, refcount_of(&d, &e[1]));
		EXPECT_EQ(c ? 1 : 0, refcount_of(&d, &b1[0])) TH_LOG("%s", v.name);
		EXPECT_EQ(c ? 2 : 0, refcount_of(&d, &b1[1])) TH_LOG("%s", v.name);

		ret = lbdev_freeze(&d, 0, 0, vi + 1, 0, &fz);
		if (ret == -ENXIO)
			continue;	/* no memmap=: the rest needs one */
		ASSERT_EQ(0, ret);
		EXPECT_EQ(c ? 2 + 4 : 2, fz.nr_preserved) TH_LOG("%s", v.name);
		EXPECT_EQ(frozen_err, lbdev_dev_op(&d, LUBENCH_OP_PRESERVE,
						   e[1].domain, e[1].bdf, NULL))
			TH_LOG("%s: preserve after freeze", v.name);
		EXPECT_EQ(frozen_err, lbdev_dev_op(&d, LUBENCH_OP_UNPRESERVE,
						   e[0].domain, e[0].bdf, NULL))
			TH_LOG("%s: unpreserve after freeze", v.name);
		EXPECT_EQ(0, refcount_of(&d, &e[1]));
		EXPECT_EQ(c ? 1 : 0, refcount_of(&d, &b1[0])) TH_LOG("%s", v.name);
		EXPECT_EQ(c ? 2 : 0, refcount_of(&d, &b1[2])) TH_LOG("%s", v.name);
		/* A reset ends the freeze. */
		ASSERT_EQ(0, lbdev_reset(&d, LUBENCH_RESET_TABLE));
		EXPECT_EQ(0, refcount_of(&d, &b1[2]));
		EXPECT_EQ(0, lbdev_dev_op(&d, LUBENCH_OP_PRESERVE,
					  e[1].domain, e[1].bdf, NULL));
	}
	TH_LOG("%u layouts, %u of them refcounted; %u bridges", vi,
	       counted_seen, info.nr_bridges);
	lbdev_reset(&d, LUBENCH_RESET_ALL);
	lbdev_close(&d);
	free(own);
	ASSERT_EQ(0, unload_module());
	snprintf(params, sizeof(params), "nr_devices=%u", nr_param);
	ASSERT_EQ(0, load_module(ko, params));
}

/* Is @id one of @set's @n? */
static bool in_set(const struct lubench_devid *set, int n,
		   const struct lubench_devid *id)
{
	int i;

	for (i = 0; i < n; i++)
		if (set[i].domain == id->domain && set[i].bdf == id->bdf)
			return true;
	return false;
}

#define RL_KEPT		8	/* enumerated again after the reload */
#define RL_GONE		2	/* hot-plugged: missing after it */

/*
 * A handover across reloads of the module in one boot (the memmap= range
 * keeps it as it does across kexec, and restore=1 reads it the same
 * way), for what the cycle cannot show on one jump:
 *  - a device missing in the next kernel: two hot-plugged functions are
 *    preserved with eight of the module's own; after the reload only the
 *    eight are enumerated, so only they are marked, retrieve gives those
 *    eight, and finish reports the two as never retrieved;
 *  - the jump taken twice without finish: the handover stays until
 *    finish, so a second restore marks exactly the same devices again;
 *  - finish called twice: the second is -ENOENT, as is a retrieve after
 *    it, and the next restore finds no handover record (refused: nothing
 *    marked).
 * The eight come back exactly, each time.
 */
TEST_F_TIMEOUT(module, reload_outcomes, 300)
{
	const char *ko = getenv("LUBENCH_KO");
	const char *why;
	struct lubench_devid *own = NULL, set[RL_KEPT + RL_GONE], *inc = NULL;
	struct lubench_hotplug hp;
	struct lubench_variant v;
	struct lubench_freeze fz;
	struct lubench_cycle cy;
	struct lubench_retrieve rt;
	struct lubench_finish fin;
	unsigned int nr_param, round;
	char params[160];
	int n_own, n, i, k = 0, g = 0, ret;
	struct lbdev d;

	ret = module_test_ready(ko, &nr_param, &why);
	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);

	ASSERT_EQ(0, lbdev_open(&d, NULL));
	ASSERT_EQ(0, lbdev_reset(&d, LUBENCH_RESET_ALL));
	ASSERT_EQ(0, lbdev_variant_get(&d, 0, &v));
	ASSERT_LE(0, lbdev_variant_set(&d, v.name));
	ASSERT_EQ(0, lbdev_hotplug(&d, RL_GONE, &hp));
	ASSERT_EQ(RL_GONE, hp.nr_added);
	n_own = lbdev_list(&d, LUBENCH_LIST_OWN, &own);
	ASSERT_LT(0, n_own);
	for (i = 0; i < n_own; i++) {
		if (own[i].flags & (LUBENCH_DEVF_VF | LUBENCH_DEVF_BRIDGE))
			continue;
		if (own[i].domain >= hp.domain && g < RL_GONE)
			set[RL_KEPT + g++] = own[i];
		else if (own[i].domain < LUBENCH_HOTPLUG_DOMAIN && k < RL_KEPT)
			set[k++] = own[i];
	}
	ASSERT_EQ(RL_KEPT, k);
	ASSERT_EQ(RL_GONE, g);
	for (i = 0; i < RL_KEPT + RL_GONE; i++) {
		set[i].flags = 0;
		ASSERT_EQ(0, lbdev_dev_op(&d, LUBENCH_OP_PRESERVE, set[i].domain,
					  set[i].bdf, NULL));
	}
	ret = lbdev_freeze(&d, 0, 0, 7, lbdev_set_hash(set, RL_KEPT + RL_GONE),
			   &fz);
	lbdev_close(&d);
	if (ret == -ENXIO) {
		free(own);
		SKIP(return, "no memmap= range: no handover to reload");
	}
	ASSERT_EQ(0, ret);
	ASSERT_EQ(RL_KEPT + RL_GONE, fz.nr_preserved);
	snprintf(params, sizeof(params), "nr_devices=%u restore=1 variant=%s",
		 nr_param, v.name);

	/* Restored twice with no finish between: the same marks. */
	for (round = 1; round <= 2; round++) {
		ASSERT_EQ(0, unload_module());
		ASSERT_EQ(0, load_module(ko, params));
		ASSERT_EQ(0, lbdev_open(&d, NULL));
		ASSERT_EQ(0, lbdev_cycle(&d, &cy));
		ASSERT_EQ(LUBENCH_CYCLE_RESTORED, cy.state)
			TH_LOG("round %u: %s", round, cy.reason);
		EXPECT_EQ(7, cy.cycle);
		EXPECT_EQ(RL_KEPT + RL_GONE, cy.nr_in_table);
		n = lbdev_list(&d, LUBENCH_LIST_INCOMING, &inc);
		ASSERT_EQ(RL_KEPT, n) TH_LOG("round %u", round);
		for (i = 0; i < n; i++)
			EXPECT_TRUE(in_set(set, RL_KEPT, &inc[i]))
				TH_LOG("round %u: %#x:%#x marked", round,
				       inc[i].domain, inc[i].bdf);
		free(inc);
		inc = NULL;
		if (round == 1)
			lbdev_close(&d);
	}
	/* The missing two are not retrieved; finish counts them. */
	ASSERT_EQ(0, lbdev_retrieve(&d, set, RL_KEPT + RL_GONE, &rt));
	EXPECT_EQ(RL_KEPT, rt.nr_retrieved);
	for (i = 0; i < RL_KEPT + RL_GONE; i++)
		EXPECT_EQ(i < RL_KEPT, !!(set[i].flags & LUBENCH_DEVF_RETRIEVED))
			TH_LOG("device %d", i);
	ASSERT_EQ(0, lbdev_finish(&d, &fin));
	EXPECT_EQ(RL_GONE, fin.nr_unretrieved);
	/* Finish twice, and a retrieve after it. */
	EXPECT_EQ(-ENOENT, lbdev_finish(&d, &fin));
	EXPECT_EQ(-ENOENT, lbdev_retrieve(&d, set, 1, &rt));
	lbdev_close(&d);

	/* Finish cleared the handover: the next restore finds none. */
	ASSERT_EQ(0, unload_module());
	ASSERT_EQ(0, load_module(ko, params));
	ASSERT_EQ(0, lbdev_open(&d, NULL));
	ASSERT_EQ(0, lbdev_cycle(&d, &cy));
	EXPECT_EQ(LUBENCH_CYCLE_REFUSED, cy.state);
	TH_LOG("after finish, restore=1: %s", cy.reason);
	n = lbdev_list(&d, LUBENCH_LIST_INCOMING, &inc);
	EXPECT_EQ(0, n);
	free(inc);
	ASSERT_EQ(0, lbdev_finish(&d, &fin));	/* closes the refused cycle */
	lbdev_close(&d);
	free(own);
	ASSERT_EQ(0, unload_module());
	snprintf(params, sizeof(params), "nr_devices=%u", nr_param);
	ASSERT_EQ(0, load_module(ko, params));
}

/* --- renumber=1: a bus numbering in the next kernel not the old one's -- */

/* Whether the kernel log holds @text. */
static bool log_has(const char *text)
{
	int size, len;
	bool found;
	char *buf;

	size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	if (size <= 0)
		return false;
	buf = malloc(size + 1);
	if (!buf)
		return false;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	buf[len > 0 ? len : 0] = '\0';
	found = strstr(buf, text);
	free(buf);
	return found;
}

/* The PFs take about 200 on their buses; the first switch complex is full. */
#define RN_NR_DEVICES	512
#define RN_PATH_MAX	8

/* A root port of the switches topology, as sysfs shows it. */
struct rn_port {
	struct lubench_devid id;
	unsigned int sec, sub;		/* its bus range (config space) */
};

/* A bridge's secondary and subordinate bus numbers, from its config. */
static int bridge_buses(const struct lubench_devid *id, unsigned int *sec,
			unsigned int *sub)
{
	char name[32], path[96];
	unsigned char cfg[0x1b];
	ssize_t n;
	int fd;

	lbdev_format_bdf(name, sizeof(name), id->domain, id->bdf);
	snprintf(path, sizeof(path), SYS_PCI_DEVICES "/%s/config", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, cfg, sizeof(cfg), 0);
	close(fd);
	if (n != (ssize_t)sizeof(cfg))
		return -EIO;
	*sec = cfg[0x19];	/* PCI_SECONDARY_BUS */
	*sub = cfg[0x1a];	/* PCI_SUBORDINATE_BUS */
	return 0;
}

static bool rn_below(const struct rn_port *p, const struct lubench_devid *id)
{
	unsigned int bus = id->bdf >> 8;

	return id->domain == p->id.domain && bus >= p->sec && bus <= p->sub;
}

/* The port of @ports (of @n) at slot @dev of @rc's root bus, or NULL. */
static const struct rn_port *rn_port_at(const struct rn_port *ports, int n,
					const struct rn_port *rc,
					unsigned int dev)
{
	int i;

	for (i = 0; i < n; i++)
		if (ports[i].id.domain == rc->id.domain &&
		    ports[i].id.bdf >> 8 == rc->id.bdf >> 8 &&
		    ((ports[i].id.bdf >> 3) & 0x1f) == dev)
			return &ports[i];
	return NULL;
}

/*
 * What renumber=1 does, by the module's rule, worked out from the old
 * kernel's sysfs: the root-port pairs (0,2), (1,3), (4,6), (5,7) of each
 * root complex whose ranges are as large swap them, unless @keep (the
 * rules keep bus numbers) and a table entry is at or below either port.
 * Fills @swp with the swapped pairs (a, b), returns how many; @kept
 * gets the pairs kept for the table.
 */
static int rn_swapped(const struct rn_port *ports, int np,
		      const struct lubench_devid *tab, int nt, bool keep,
		      const struct rn_port *(*swp)[2], int max, int *kept)
{
	static const unsigned int pairs[][2] = { { 0, 2 }, { 1, 3 },
						 { 4, 6 }, { 5, 7 } };
	int i, p, t, ns = 0;

	*kept = 0;
	for (i = 0; i < np; i++) {
		/* Each root complex once: at its port 0. */
		if ((ports[i].id.bdf & 0xff) != 0)
			continue;
		for (p = 0; p < 4; p++) {
			const struct rn_port *a, *b;
			bool held = false;

			a = rn_port_at(ports, np, &ports[i], pairs[p][0]);
			b = rn_port_at(ports, np, &ports[i], pairs[p][1]);
			if (!a || !b || a->sub - a->sec != b->sub - b->sec)
				continue;
			for (t = 0; t < nt; t++)
				held |= rn_below(a, &tab[t]) ||
					rn_below(b, &tab[t]) ||
					!memcmp(&tab[t], &a->id, 6) ||
					!memcmp(&tab[t], &b->id, 6);
			if (keep && held) {
				(*kept)++;
				continue;
			}
			if (ns < max) {
				swp[ns][0] = a;
				swp[ns][1] = b;
				ns++;
			}
		}
	}
	return ns;
}

/* Where @id's bus goes when the pairs @swp swap; @id if it stays. */
static struct lubench_devid rn_map(const struct rn_port *(*swp)[2], int ns,
				   const struct lubench_devid *id)
{
	struct lubench_devid m = *id;
	unsigned int bus = id->bdf >> 8;
	int i, s;

	for (i = 0; i < ns; i++)
		for (s = 0; s < 2; s++)
			if (rn_below(swp[i][s], id)) {
				bus = bus - swp[i][s]->sec + swp[i][!s]->sec;
				m.bdf = bus << 8 | (id->bdf & 0xff);
				return m;
			}
	return m;
}

/*
 * A device present in the next kernel at another bus number, the
 * renumbering a reviewer raised (the PCI core's pci=assign-busses, or
 * firmware numbering otherwise): the old kernel preserves every
 * endpoint behind root ports 0 and 1 of the first switch root complex
 * and freezes; the module is reloaded with restore=1 renumber=1, which
 * swaps the bus ranges of root ports 0 and 2, 1 and 3, 4 and 6, 5 and 7.
 *  - v2's and v6's rules keep no bus numbers: the ports' devices move,
 *    the devices of ports 2 and 3 now sit at the preserved BDFs, and the
 *    lookup finds them: every preserved entry off the root bus is marked
 *    on another device (nr_aliased), silently: by BDF, exactly the table
 *    came back, refcounts and all.  That is the reviewer's point.
 *  - kho-blocks' rules keep the bus numbers of the ports with preserved
 *    devices below (one log line says so): those two pairs stay, every
 *    preserved device is back exactly at its BDF (nr_aliased 0), and the
 *    other pairs are renumbered.
 * Expected counts come from the old kernel's sysfs by the rule above.
 */
TEST_F_TIMEOUT(module, renumbered_buses, 300)
{
	static const char *const layouts[] = { "v2", "v6", "kho-blocks" };
	static const uint32_t rules[] = { LUBENCH_RULES_V2, LUBENCH_RULES_V6,
					   LUBENCH_RULES_KHO };
	const char *ko = getenv("LUBENCH_KO");
	const char *why;
	const struct rn_port *swp[16][2];
	struct lubench_devid *own = NULL, *inc = NULL, *tab = NULL;
	struct lubench_devid path[RN_PATH_MAX];
	struct rn_port ports[64], *rp0 = NULL;
	struct lubench_variant v;
	struct lubench_freeze fz;
	struct lubench_cycle cy;
	struct lubench_retrieve rt;
	struct lubench_finish fin;
	unsigned int nr_param, li;
	uint16_t *refs = NULL, *tref = NULL;
	char params[192], want[256];
	int n_own, np, ne, nt, ns, kept, n, i, j, t, vi, ret;
	struct lbdev d;

	ret = module_test_ready(ko, &nr_param, &why);
	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	ASSERT_EQ(0, unload_module());

	/* Refused before anything is built: no restore, or no bridges. */
	EXPECT_EQ(-EINVAL, load_module(ko, "nr_devices=256 topology=switches renumber=1"));
	EXPECT_EQ(-EINVAL, load_module(ko, "nr_devices=256 restore=1 renumber=1"));

	for (li = 0; li < sizeof(layouts) / sizeof(layouts[0]); li++) {
		const char *name = layouts[li];
		bool counted, keep;
		int exp_aliased = 0, exp_moved = 0, off_root = 0;

		snprintf(params, sizeof(params),
			 "nr_devices=%u topology=switches", RN_NR_DEVICES);
		ASSERT_EQ(0, load_module(ko, params));
		ASSERT_EQ(0, lbdev_open(&d, NULL));
		vi = lbdev_variant_set(&d, name);
		ASSERT_LE(0, vi) TH_LOG("%s", name);
		ASSERT_EQ(0, lbdev_variant_get(&d, vi, &v));
		ASSERT_EQ(rules[li], v.rules) TH_LOG("%s", name);
		counted = v.rules != LUBENCH_RULES_V2;
		keep = v.rules == LUBENCH_RULES_KHO;
		n_own = lbdev_list(&d, LUBENCH_LIST_OWN, &own);
		ASSERT_LT(0, n_own);

		/* The root ports (bridges on a root bus) and their ranges. */
		for (i = 0, np = 0; i < n_own; i++) {
			if (!(own[i].flags & LUBENCH_DEVF_BRIDGE) ||
			    sysfs_path(&own[i], path, RN_PATH_MAX) != 0)
				continue;
			ASSERT_GT(64, np);
			ports[np].id = own[i];
			ports[np].id.flags = 0;
			ASSERT_EQ(0, bridge_buses(&own[i], &ports[np].sec,
						  &ports[np].sub));
			np++;
		}
		ASSERT_LT(3, np);
		/* Root ports 0 and 1 of the first root complex with ports. */
		rp0 = &ports[0];
		ASSERT_EQ(0, rp0->id.bdf & 0xff);
		for (j = 1; j < 4; j++)
			ASSERT_NE(NULL, rn_port_at(ports, np, rp0, j));
		for (j = 0; j < 2; j++) {
			const struct rn_port *a = rn_port_at(ports, np, rp0, j);
			const struct rn_port *b = rn_port_at(ports, np, rp0, j + 2);

			ASSERT_EQ(a->sub - a->sec, b->sub - b->sec)
				TH_LOG("root ports %d and %d unlike", j, j + 2);
		}

		/* The table: every endpoint below them, and its bridges. */
		tab = calloc(n_own, sizeof(*tab));
		tref = calloc(n_own, sizeof(*tref));
		ASSERT_NE(NULL, tab);
		ASSERT_NE(NULL, tref);
		for (i = 0, ne = 0, nt = 0; i < n_own; i++) {
			int depth;

			if (own[i].flags & (LUBENCH_DEVF_BRIDGE | LUBENCH_DEVF_VF))
				continue;
			depth = sysfs_path(&own[i], path, RN_PATH_MAX);
			ASSERT_LE(0, depth);
			if (!depth || path[depth - 1].domain != rp0->id.domain ||
			    path[depth - 1].bdf >> 8 != rp0->id.bdf >> 8 ||
			    ((path[depth - 1].bdf >> 3) & 0x1f) > 1)
				continue;
			ASSERT_EQ(0, lbdev_dev_op(&d, LUBENCH_OP_PRESERVE,
						  own[i].domain, own[i].bdf,
						  NULL)) TH_LOG("%s", name);
			tab[nt] = own[i];
			tab[nt].flags = 0;
			tref[nt++] = 1;
			ne++;
			for (j = 0; counted && j < depth; j++) {
				path[j].flags = 0;
				for (t = 0; t < nt; t++)
					if (!memcmp(&tab[t], &path[j], 6))
						break;
				if (t == nt) {
					tab[nt] = path[j];
					tref[nt++] = 0;
				}
				tref[t]++;
			}
		}
		ASSERT_LT(0, ne);
		ret = lbdev_freeze(&d, 0, 0, 40 + li, lbdev_set_hash(tab, nt),
				   &fz);
		lbdev_close(&d);
		if (ret == -ENXIO) {
			free(own);
			free(tab);
			free(tref);
			SKIP(return, "no memmap= range: no handover to reload");
		}
		ASSERT_EQ(0, ret);
		ASSERT_EQ(nt, (int)fz.nr_preserved) TH_LOG("%s", name);

		/* What the rule makes of it. */
		ns = rn_swapped(ports, np, tab, nt, keep, swp, 16, &kept);
		ASSERT_LT(0, ns);
		for (i = 0; i < ns; i++)
			for (j = 0; j < n_own; j++)
				exp_moved += rn_below(swp[i][0], &own[j]) ||
					     rn_below(swp[i][1], &own[j]);
		for (t = 0; t < nt; t++) {
			struct lubench_devid m = rn_map(swp, ns, &tab[t]);

			off_root += (tab[t].bdf >> 8) != (rp0->id.bdf >> 8);
			if (m.bdf == tab[t].bdf)
				continue;
			/* Marked on the device moved there, if there is one. */
			for (j = 0; j < n_own; j++)
				if (own[j].domain == m.domain &&
				    own[j].bdf == m.bdf)
					break;
			exp_aliased += j < n_own;
		}
		if (keep) {
			EXPECT_EQ(0, exp_aliased);
			EXPECT_EQ(2, kept) TH_LOG("pairs (0,2) and (1,3) kept");
		} else {
			/* The first root complex is full: every entry off
			 * its root bus (all but the root ports) is aliased. */
			EXPECT_EQ(off_root, exp_aliased);
			EXPECT_EQ(counted ? nt - 2 : ne, exp_aliased);
		}

		/* The next kernel, numbering the buses otherwise. */
		ASSERT_EQ(0, unload_module());
		snprintf(params, sizeof(params),
			 "nr_devices=%u topology=switches restore=1 renumber=1 variant=%s",
			 RN_NR_DEVICES, name);
		ASSERT_EQ(0, load_module(ko, params)) TH_LOG("%s", name);
		ASSERT_EQ(0, lbdev_open(&d, NULL));
		ASSERT_EQ(0, lbdev_cycle(&d, &cy));
		ASSERT_EQ(LUBENCH_CYCLE_RESTORED, cy.state)
			TH_LOG("%s: %s", name, cy.reason);
		EXPECT_EQ(40 + li, cy.cycle);
		EXPECT_EQ(nt, (int)cy.nr_in_table);
		EXPECT_EQ(exp_moved, (int)cy.nr_renumbered) TH_LOG("%s", name);
		EXPECT_EQ(exp_aliased, (int)cy.nr_aliased) TH_LOG("%s", name);
		EXPECT_LT(0, cy.nr_renumbered) TH_LOG("%s", name);
		/* As the PCI core sees it: root port 0 took port 2's range,
		 * or kept its own. */
		for (j = 0; j < 2; j++) {
			const struct rn_port *a = rn_port_at(ports, np, rp0, j);
			const struct rn_port *b = rn_port_at(ports, np, rp0, j + 2);
			unsigned int sec, sub;

			ASSERT_EQ(0, bridge_buses(&a->id, &sec, &sub));
			EXPECT_EQ(keep ? a->sec : b->sec, sec)
				TH_LOG("%s: root port %d", name, j);
			EXPECT_EQ(keep ? a->sub : b->sub, sub)
				TH_LOG("%s: root port %d", name, j);
		}

		/* By BDF, exactly the table came back, with its refcounts. */
		n = lbdev_list_refs(&d, LUBENCH_LIST_INCOMING, &inc, &refs);
		EXPECT_EQ(nt, n) TH_LOG("%s", name);
		for (i = 0; i < n; i++) {
			for (t = 0; t < nt; t++)
				if (!memcmp(&tab[t], &inc[i], 6))
					break;
			EXPECT_LT(t, nt) TH_LOG("%s: %#x:%#x marked", name,
						inc[i].domain, inc[i].bdf);
			if (t < nt)
				EXPECT_EQ(counted ? tref[t] : 1, refs[i])
					TH_LOG("%s: %#x:%#x", name,
					       inc[i].domain, inc[i].bdf);
		}
		TH_LOG("%s: %d in the table (%d endpoints), %d root-port pairs renumbered, %d kept: %u functions at another BDF, %u preserved entries marked on another device",
		       name, nt, ne, ns, kept, cy.nr_renumbered, cy.nr_aliased);

		/* The module's one line on it. */
		if (keep)
			snprintf(want, sizeof(want),
				 "renumber: kho-blocks rules keep bus numbers: kept them for %d root-port pairs with preserved devices below; %d other pairs renumbered (%d functions moved); %d preserved entries at another device",
				 kept, ns, exp_moved, exp_aliased);
		else
			snprintf(want, sizeof(want),
				 "renumber: %s rules keep no bus numbers: %d root-port pairs renumbered (%d functions moved); %d preserved entries at another device",
				 name, ns, exp_moved, exp_aliased);
		EXPECT_TRUE(log_has(want)) TH_LOG("not in dmesg: %s", want);

		ASSERT_EQ(0, lbdev_retrieve(&d, tab, nt, &rt));
		EXPECT_EQ(nt, (int)rt.nr_retrieved);
		ASSERT_EQ(0, lbdev_finish(&d, &fin));
		EXPECT_EQ(0, fin.nr_unretrieved);
		lbdev_close(&d);
		free(inc);
		free(refs);
		free(own);
		free(tab);
		free(tref);
		inc = own = tab = NULL;
		refs = tref = NULL;
		ASSERT_EQ(0, unload_module());
	}
	snprintf(params, sizeof(params), "nr_devices=%u", nr_param);
	ASSERT_EQ(0, load_module(ko, params));
}

/*
 * Run last: anything the tests provoked in the kernel shows up here.
 * The log is checked from the module's first line on, so that boot-time
 * noise of the CPU model (e.g. a mitigation "WARNING:") does not count.
 */
TEST_F(module, dmesg_clean)
{
	static const char *const bad[] = {
		"WARNING:", "BUG:", "KASAN", "UBSAN", "Oops", "Call Trace",
		"general protection fault", "list_add corruption",
		"list_del corruption", "refcount_t:", "kernel BUG",
	};
	char *buf, *line, *save;
	unsigned int i, hits = 0;
	int size, len;

	size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	ASSERT_LT(0, size);
	buf = malloc(size + 1);
	ASSERT_NE(NULL, buf);
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	ASSERT_LE(0, len);
	buf[len] = '\0';
	line = strstr(buf, "lubench: ");
	if (line) {
		while (line > buf && line[-1] != '\n')
			line--;
	} else {
		TH_LOG("lubench never logged: checking the whole log");
		line = buf;
	}
	for (line = strtok_r(line, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (strstr(line, bad[i])) {
				if (hits++ < 20)
					TH_LOG("dmesg: %s", line);
				break;
			}
	EXPECT_EQ(0, hits);
	free(buf);
}

/* KTAP goes over a serial line: never hold a line back in a buffer. */
static void __attribute__((constructor(101))) line_buffered(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	setvbuf(stderr, NULL, _IOLBF, 0);
}

TEST_HARNESS_MAIN
