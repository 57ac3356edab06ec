/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space access to /dev/lubench (kmod/lubench_uapi.h): the ioctls,
 * and the same table operations as IORING_OP_URING_CMD submitted in
 * batches with liburing.  Every function returns 0 (or a count) on
 * success and -errno on failure; none prints.
 */
#ifndef LUBENCH_DEV_H
#define LUBENCH_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <liburing.h>

#include "lubench_uapi.h"

struct lbdev {
	int fd;
	bool have_ring;
	unsigned int ring_entries;
	struct io_uring ring;
};

/* Zero a versioned struct and fill in its size and version. */
void lbdev_hdr_init(void *s, size_t size);
#define LBDEV_INIT(s)	lbdev_hdr_init((s), sizeof(*(s)))

int lbdev_open(struct lbdev *d, const char *path);
void lbdev_close(struct lbdev *d);

/* ioctl(@d->fd, @cmd, @arg): 0 or -errno. */
int lbdev_ioctl(struct lbdev *d, unsigned long cmd, void *arg);

int lbdev_info(struct lbdev *d, struct lubench_info *info);
/* Layout number @index (-ENOENT past the last). */
int lbdev_variant_get(struct lbdev *d, uint32_t index,
		      struct lubench_variant *v);
/* Select a layout by name; returns its index or -errno. */
int lbdev_variant_set(struct lbdev *d, const char *name);

/*
 * One device through LUBENCH_IOC_{PRESERVE,UNPRESERVE,FIND}; @op is a
 * LUBENCH_OP_*.  Returns the rule's verdict (0 or -errno); FIND returns
 * 1 when preserved, 0 when not.  @out (may be NULL) gets the struct back.
 */
int lbdev_dev_op(struct lbdev *d, unsigned int op, uint32_t domain,
		 uint16_t bdf, struct lubench_dev *out);

/*
 * Run @nr operations in one LUBENCH_IOC_BATCH; results land in @ops and
 * the kernel's counters and timings in @out (may be NULL).
 */
int lbdev_batch(struct lbdev *d, struct lubench_op *ops, uint32_t nr,
		uint32_t flags, struct lubench_batch *out);

int lbdev_stats(struct lbdev *d, struct lubench_stats *s, bool reset);
int lbdev_reset(struct lbdev *d, uint32_t flags);
int lbdev_hotplug(struct lbdev *d, uint32_t nr, struct lubench_hotplug *out);
/* SR-IOV off or on (LUBENCH_HOTPLUG_VFS_*): the VFs removed or added in @nr. */
int lbdev_vfs_switch(struct lbdev *d, uint32_t flags, uint32_t *nr);

/*
 * All devices the module sees (LUBENCH_LIST_* @flags), sorted by
 * (domain, bdf), in a malloc'd array for the caller to free.  Returns
 * the count or -errno.
 */
int lbdev_list(struct lbdev *d, uint32_t flags, struct lubench_devid **ids);
/*
 * The same, and in *@refs (malloc'd too) each device's refcount as the
 * lookup at its enumeration found it in the retrieved table (0: not
 * incoming).
 */
int lbdev_list_refs(struct lbdev *d, uint32_t flags,
		    struct lubench_devid **ids, uint16_t **refs);

/* io_uring: a ring of @entries SQEs, the most one submission carries. */
int lbdev_uring_init(struct lbdev *d, unsigned int entries);

/*
 * Submit one uring_cmd and wait for it: returns the CQE's res.  @cmd is
 * copied into sqe->cmd; @uring_cmd_flags goes to sqe->uring_cmd_flags.
 */
int lbdev_uring_cmd(struct lbdev *d, uint32_t cmd_op,
		    const struct lubench_ucmd *cmd, uint32_t uring_cmd_flags);

/*
 * @nr table operations as uring_cmds, one SQE each, submitted in batches
 * of the ring size; each CQE's res lands in @ops[i].result.  Returns 0
 * once every CQE is reaped, or -errno if the ring fails.
 */
int lbdev_uring_ops(struct lbdev *d, struct lubench_op *ops, uint32_t nr);

/* One LUBENCH_OP_BATCH uring_cmd running a whole struct lubench_batch. */
int lbdev_uring_batch(struct lbdev *d, struct lubench_op *ops, uint32_t nr,
		      uint32_t flags, struct lubench_batch *out);

/* --- live update across kexec (LUBENCH_IOC_FREEZE and after) --- */

/* Freeze the table (LUBENCH_FREEZE_* @flags, LUBENCH_FAULT_* @fault). */
int lbdev_freeze(struct lbdev *d, uint32_t flags, uint32_t fault,
		 uint64_t cycle, uint64_t user_hash, struct lubench_freeze *out);
/* The incoming side's state and stamps. */
int lbdev_cycle(struct lbdev *d, struct lubench_cycle *c);
/* Retrieve @nr devices; each @ids[i].flags comes back as the device's. */
int lbdev_retrieve(struct lbdev *d, struct lubench_devid *ids, uint32_t nr,
		   struct lubench_retrieve *out);
int lbdev_finish(struct lbdev *d, struct lubench_finish *out);

/* lubench_set_hash_add() over a whole set. */
uint64_t lbdev_set_hash(const struct lubench_devid *ids, uint32_t nr);

/* The names of LUBENCH_FOR_EACH_FAULT (lubench_uapi.h); NULL/-EINVAL. */
const char *lbdev_fault_name(uint32_t fault);
int lbdev_fault_parse(const char *s);

/* "dddd:bb:dd.f" (domain of any width) to (domain, bdf); 0 or -EINVAL. */
int lbdev_parse_bdf(const char *s, uint32_t *domain, uint16_t *bdf);
void lbdev_format_bdf(char *buf, size_t len, uint32_t domain, uint16_t bdf);

#endif /* LUBENCH_DEV_H */
