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
};

struct trace_rec {
	enum trace_op op;
	uint32_t domain;
	uint16_t bdf;
	bool vf;
	unsigned int line;
};

struct trace {
	struct trace_rec *rec;
	size_t nr;
	size_t alloc;
	bool has_capacity;
	uint32_t capacity;
};

/* The longest "ffffffff:ff:1f.7" plus NUL. */
#define PCI_DEV_STR_LEN	17

/* Parse DOMAIN:BUS:DEV.FN; NULL on success, else the reason. */
const char *pci_dev_parse(const char *s, uint32_t *domain, uint16_t *bdf);
/* As lspci -D prints it, domain at least four digits, lowercase. */
void pci_dev_format(char buf[PCI_DEV_STR_LEN], uint32_t domain, uint16_t bdf);

const char *trace_op_name(enum trace_op op);

/*
 * Parse a whole trace.  On error, returns -1 with "NAME:LINE: reason" in
 * @err and leaves @t empty; otherwise 0.
 */
int trace_parse(FILE *f, const char *name, struct trace *t, char *err,
		size_t errlen);
void trace_free(struct trace *t);

#endif /* LUBENCH_TRACE_H */
