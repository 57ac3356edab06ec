/* SPDX-License-Identifier: GPL-2.0 */
/* The option tables of the stages that are not C commands of their own. */
#ifndef LUBENCH_WORKLOAD_CYCLE_H
#define LUBENCH_WORKLOAD_CYCLE_H

#include "stageopt.h"

/* --devices when none is given, as scripts/host/cycle.sh defaults it. */
#define CYCLE_DEFAULT_DEVICES	4096

extern const struct lb_stage cycle_stage;

/* `./lubench soak` (scripts/host/soak.sh), and its defaults. */
#define SOAK_DEFAULT_DEVICES	256
#define SOAK_DEFAULT_THREADS	4
extern const struct lb_stage soak_stage;

/* The [ab] section of `./lubench ab` workloads (workload_ab.c). */
extern const struct lb_stage ab_stage;

#endif /* LUBENCH_WORKLOAD_CYCLE_H */
