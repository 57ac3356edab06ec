/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's stress scenario (lubench-dev soak-stress): T threads drive
 * the module's table at once through /dev/lubench, each by every path
 * (single ioctls, batched ioctls, single uring_cmds and a batch as one
 * uring_cmd), on endpoints of its own, so that each thread's model of
 * its devices stays exact however the threads interleave; an observer
 * thread reads the table's state (INFO, LIST, STATS) all along.  Every
 * result is checked against the model as it comes back.
 */
#ifndef LUBENCH_DEV_STRESS_H
#define LUBENCH_DEV_STRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "lubench_uapi.h"

#define DS_MAX_THREADS	16
#define DS_MAX_GROUP	32	/* ops in one batch or one uring submission */

/* The paths an op group takes (every thread uses all four). */
#define DS_FOR_EACH_PATH(X)		\
	X(DS_IOCTL, "ioctl")		\
	X(DS_BATCH, "batch")		\
	X(DS_URING, "uring")		\
	X(DS_URING_BATCH, "uring-batch")

#define DS_PATH_ENUM(e, name) e,
enum ds_path { DS_FOR_EACH_PATH(DS_PATH_ENUM) DS_NR_PATHS };
#undef DS_PATH_ENUM

struct ds_cfg {
	const char *dev;		/* /dev/lubench */
	unsigned int threads;		/* 1..DS_MAX_THREADS */
	uint64_t ops;			/* per thread */
	uint64_t seed;
	/* Endpoints (neither VF nor bridge) and VFs the module made. */
	const struct lubench_devid *endpoints;
	uint32_t nr_endpoints;
	const struct lubench_devid *vfs;
	uint32_t nr_vfs;
	/*
	 * Hot-plug events while the writers run (0: none), by a thread of
	 * their own: DS_HOTPLUG_NR functions added in a new domain, one
	 * preserved, then removed; every other event SR-IOV off and on.
	 */
	unsigned int hotplug;
	/*
	 * Allocation faults while the writers run (0: none), by a thread of
	 * their own: the module's fail_alloc countdown armed with 1..K
	 * whenever it has fired, so one allocation of the pci_ser code in
	 * every K or so fails.  The op it fails must be -ENOMEM with nothing
	 * changed (the model goes back); every failure injected must reach
	 * a caller, none swallowed.
	 */
	unsigned int fail_alloc;
	const char *fail_alloc_param;	/* the module's parameters' files */
	const char *fail_alloc_hits;
};

#define DS_HOTPLUG_NR	4
#define DS_MAX_HOTPLUG	1000
#define DS_MAX_FAIL_ALLOC	1000000

struct ds_result {
	uint64_t ops;			/* table ops issued, every thread */
	uint64_t path_ops[DS_NR_PATHS];
	uint64_t refused;		/* errors the model expected */
	uint64_t refused_busy, refused_noent, refused_inval, refused_nodev;
	uint64_t refused_nomem;		/* injected: the op left no trace */
	uint64_t alloc_faults;		/* allocations the module failed */
	uint64_t observed;		/* INFO / LIST / STATS by the observer */
	/* The hot-plug thread: functions added (and removed), of them
	 * preserved before they went, refused -ENOSPC (a table sized
	 * before them), and SR-IOV switched off and on. */
	uint64_t hp_events, hp_added, hp_unplug_preserved, hp_nospc, hp_sriov;
	uint64_t hp_beside;		/* events begun while writers ran */
	uint64_t wall_ns;
	bool lost;			/* a result the model did not expect */
	char why[256];			/* the first one */
	/* The endpoints preserved at the end, sorted (malloc'd). */
	struct lubench_devid *preserved;
	uint32_t nr_preserved;
};

/* Run the scenario; 0 (check @res->lost), or -errno when it could not run. */
int ds_run(const struct ds_cfg *cfg, struct ds_result *res);

const char *ds_path_name(enum ds_path p);

struct lbdev;

/*
 * The module's own devices (LUBENCH_LIST_OWN on @d): their number, and
 * the first endpoint at or above @domain in *@first when @first is not
 * 0 (-ENODEV when there is none).
 */
int ds_own_count(struct lbdev *d, uint32_t domain, struct lubench_devid *first);

#endif /* LUBENCH_DEV_STRESS_H */
