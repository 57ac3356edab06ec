/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The paths by which `lubench-dev bench` reaches the table in the guest
 * (results/SCHEMA.md, `path`): one list for lubench-dev, the guest report
 * that reads its lines and, through `lubench-guest-report --paths`, the
 * host script that checks --path.
 */
#ifndef LUBENCH_GUEST_PATHS_H
#define LUBENCH_GUEST_PATHS_H

/* X(enum name, path name) */
#define LB_FOR_EACH_GUEST_PATH(X)		\
	X(P_IOCTL, "ioctl")			\
	X(P_BATCH, "batch")			\
	X(P_URING, "uring")			\
	X(P_URING_BATCH, "uring-batch")

#endif /* LUBENCH_GUEST_PATHS_H */
