/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Traces: the text format `lubench replay` reads (see README.md), parsed
 * whole before anything runs, and the device notation DOMAIN:BUS:DEV.FN.
 */
#ifndef LUBENCH_TRACE_H
#define LUBENCH_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum trace_op {
	TRACE_PRESERVE,
	TRACE_UNPRESERVE,
	TRACE_FIND,
	TRACE_FINISH,
	TRACE_REFCOUNT,
	TRACE_MISSING,		/* `missing DEV`: not in the kernel the last jump reached */
	TRACE_RENUMBER,		/* `renumber A B`: two root ports swap their buses */
	TRACE_FREEZE,
	TRACE_JUMP,
	TRACE_CAPACITY,		/* a later `capacity N`: tables made from here */
	TRACE_FAULT,		/* `fault alloc N|all`: in the next op */
	TRACE_NR_OPS,
};

/* Ops that name no device. */
static inline bool trace_op_has_dev(enum trace_op op)
{
	return op < TRACE_FREEZE;
}

#define TRACE_NO_DEV	UINT32_MAX

struct trace_rec {
	enum trace_op op;
	uint32_t domain;
	uint16_t bdf;
	bool vf;
	bool via;		/* the line gave the path */
	unsigned int line;
	uint32_t dev;		/* index in trace.dev, or TRACE_NO_DEV */
	uint32_t dev2;		/* renumber: the second root port's index */
	uint32_t value;		/* capacity, fault: the number */
	uint8_t how;		/* jump: TRACE_JUMP_*; finish: 1 `again` */
};

/* `jump`, `jump halfway`, `jump again`. */
enum { TRACE_JUMP_PLAIN, TRACE_JUMP_HALFWAY, TRACE_JUMP_AGAIN };

/* `fault alloc all`: every allocation of the next op fails. */
#define TRACE_FAULT_ALL	UINT32_MAX

/*
 * A device the trace names: whether it is a bridge (a `bridge` line) and
 * the bridges above it, root first: path[path_off .. path_off + nr_path)
 * of trace.path.  A path is fixed by the first line that gives one, or,
 * for a device used without `via`, by that first use (no bridges above).
 */
struct trace_dev {
	uint32_t domain;
	uint16_t bdf;
	bool bridge;
	bool has_path;
	uint32_t path_off;
	uint32_t nr_path;
	unsigned int path_line;	/* the line that fixed the path */
	unsigned int first_line;	/* the first line naming the device */
	uint32_t root;		/* index of path[0], TRACE_NO_DEV on a root bus */
};

struct trace_id {
	uint32_t domain;
	uint16_t bdf;
};

/* Bridges above one device, at most (PCI_SER_MAX_PATH). */
#define TRACE_MAX_PATH	32

struct trace {
	struct trace_rec *rec;
	size_t nr;
	size_t alloc;
	struct trace_dev *dev;
	size_t nr_dev;
	size_t alloc_dev;
	struct trace_id *path;
	size_t nr_path;
	size_t alloc_path;
	uint32_t *slot;		/* open addressing over dev, by key */
	size_t nr_slots;
	bool has_capacity;
	uint32_t capacity;
	bool has_rules;
	bool has_jump;		/* a `jump` line so far (for `jump again`) */
	unsigned int rules_line;
	char rules[16];		/* a name pci_ser_rules_by_name() knows */
};

/* The longest "ffffffff:ff:1f.7" plus NUL. */
#define PCI_DEV_STR_LEN	17

/* Parse DOMAIN:BUS:DEV.FN; NULL on success, else the reason. */
const char *pci_dev_parse(const char *s, uint32_t *domain, uint16_t *bdf);
/* As lspci -D prints it, domain at least four digits, lowercase. */
void pci_dev_format(char buf[PCI_DEV_STR_LEN], uint32_t domain, uint16_t bdf);

const char *trace_op_name(enum trace_op op);

/* The bridges above @d, root first (d->nr_path of them). */
const struct trace_id *trace_dev_path(const struct trace *t,
				      const struct trace_dev *d);
/* The index of a device the trace names, -1 if it names none. */
long trace_dev_index(const struct trace *t, uint32_t domain, uint16_t bdf);

/*
 * Parse a whole trace.  On error, returns -1 with "NAME:LINE: reason" in
 * @err and leaves @t empty; otherwise 0.
 */
int trace_parse(FILE *f, const char *name, struct trace *t, char *err,
		size_t errlen);
void trace_free(struct trace *t);

/*
 * What a trace has set so far in one table's run: the capacity tables
 * are made with, an allocation to fail in the next op (0: none,
 * TRACE_FAULT_ALL: every one), the handover the last jump left in
 * memory (what `jump again` retrieves; @handover_bad when it was written
 * halfway), and after a `renumber` the root port each device now sits
 * below (@root, by device index; NULL: as the trace declared them).
 * trace_env_release() frees what it holds.
 */
struct trace_env {
	uint32_t capacity;
	uint32_t fault;
	void *handover;
	size_t handover_len;
	bool handover_bad;
	uint32_t *root;
};
void trace_env_release(struct trace_env *env);

/*
 * The bridges above the device of @r as the op sees them, root first,
 * after the renumberings so far: returns how many (its own path).
 */
uint32_t trace_op_path(const struct trace *t, const struct trace_rec *r,
		       const struct trace_env *env, struct trace_id *ids);

/*
 * Run one op of @t on @ser (the rules are @ser->ops->rules): preserve,
 * unpreserve and finish return 0 or -errno; find and missing
 * TRACE_RESULT_FOUND or TRACE_RESULT_ABSENT; refcount
 * TRACE_RESULT_REFCOUNT + the count; freeze 0; jump 0, or
 * TRACE_RESULT_DEFECT_BASE - defect when the retrieve refuses the blob
 * (a bug unless the blob was written halfway or an allocation was made
 * to fail); renumber TRACE_RESULT_KEPT, or TRACE_RESULT_ALIASED + the
 * entries that now name another device; capacity and fault 0, setting
 * @env.  @env->capacity sizes a table made anew; @env->fault, when set,
 * is the allocation of this op that fails (pci_ser_fail_alloc_in; of a
 * jump, the next kernel's retrieve).
 */
#define TRACE_RESULT_FOUND		1
#define TRACE_RESULT_ABSENT		2
#define TRACE_RESULT_KEPT		3	/* renumber: bus numbers kept */
#define TRACE_RESULT_REFCOUNT		0x100
#define TRACE_RESULT_ALIASED		0x1000000	/* renumber: + entries */
#define TRACE_RESULT_DEFECT_BASE	(-0x1000)
struct pci_ser;
int trace_run_op(struct pci_ser *ser, const struct trace *t,
		 const struct trace_rec *r, struct trace_env *env);

/* A result of trace_run_op() as replay prints it (one static buffer). */
const char *trace_result_str(int r);

#endif /* LUBENCH_TRACE_H */
