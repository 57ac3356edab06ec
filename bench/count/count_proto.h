/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What lubench-count and the worker it runs under callgrind agree on:
 * the worker's report lines (schema lubench-count-worker), the dump
 * names, and the seeds that fix every counted workload.
 */
#ifndef LUBENCH_COUNT_PROTO_H
#define LUBENCH_COUNT_PROTO_H

#define COUNT_PROTO_SCHEMA	"lubench-count-worker"
#define COUNT_PROTO_VERSION	1

#define COUNT_MAX_VARIANTS	32
/* "variant/op/part", the name a dump is triggered with. */
#define COUNT_MAX_NAME		96

/* Churn draws at most this many devices a round (the benchmark's floor). */
#define COUNT_CHURN_K		256

/* Seeds, mixed with --seed: the same for every layout. */
#define COUNT_KEYS_SEED		0x6b657973ULL	/* find-hit lookup order */
#define COUNT_CHURN_SEED	0x6368726eULL	/* churn draws */
#define COUNT_WINDOW_SEED	0x77696e64ULL	/* restore window start */

#endif /* LUBENCH_COUNT_PROTO_H */
