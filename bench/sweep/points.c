// SPDX-License-Identifier: GPL-2.0
/*
 * Which points a run measures (bench.h, struct bench_points): the options
 * lubench-bench and lubench-count share, checked once, here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "numparse.h"
#include "pci_ser.h"
#include "pci_ser_blob.h"
#include "population.h"

#define PT_ERR(err, len, ...) (snprintf(err, len, __VA_ARGS__), -1)

void bench_points_init(struct bench_points *p, const uint32_t *default_n,
		       unsigned int nr_default_n)
{
	*p = (struct bench_points){ .seed = 1, .share_pct = 50,
				    .default_n = default_n,
				    .nr_default_n = nr_default_n };
}

static int variant_item(void *ctx, const char *name, char *err, size_t len)
{
	const struct pci_ser_ops *const *v, *ops;
	struct bench_points *p = ctx;
	unsigned int i;

	if (!strcmp(name, "all")) {
		for (v = pci_ser_variants; *v; v++)
			if (variant_item(p, (*v)->name, err, len))
				return -1;
		return 0;
	}
	ops = pci_ser_variant(name);
	if (!ops)
		return PT_ERR(err, len, "--variant: unknown variant '%s' "
			      "(see --help)", name);
	for (i = 0; i < p->nr_variants; i++)
		if (p->variant[i] == ops)
			return 0;
	if (p->nr_variants == BENCH_MAX_VARIANTS)
		return PT_ERR(err, len, "--variant: more than %d",
			      BENCH_MAX_VARIANTS);
	p->variant[p->nr_variants++] = ops;
	return 0;
}

static int op_item(void *ctx, const char *name, char *err, size_t len)
{
	struct bench_points *p = ctx;
	int i = bench_op_index(name);

	if (!strcmp(name, "all")) {
		for (i = 0; i < NR_OPS; i++)
			p->op[i] = true;
		return 0;
	}
	if (i < 0)
		return PT_ERR(err, len, "--op: unknown op '%s' (see --help)",
			      name);
	p->op[i] = true;
	return 0;
}

static int add_size(struct bench_points *p, uint64_t n, char *err, size_t len)
{
	unsigned int i;

	for (i = 0; i < p->nr_n; i++)
		if (p->n[i] == n)
			return 0;
	if (p->nr_n == BENCH_MAX_SIZES)
		return PT_ERR(err, len, "--n: more than %d sizes",
			      BENCH_MAX_SIZES);
	p->n[p->nr_n++] = n;
	return 0;
}

/* N, with a k (x 1024) or M (x 1048576) suffix, or "default". */
static int size_item(void *ctx, const char *s, char *err, size_t len)
{
	struct bench_points *p = ctx;
	size_t l = strlen(s);
	uint64_t mult = 1, n;
	unsigned int i;
	char num[24];
	int e;

	if (!strcmp(s, "default")) {
		for (i = 0; i < p->nr_default_n; i++)
			if (add_size(p, p->default_n[i], err, len))
				return -1;
		return 0;
	}
	if (l && (s[l - 1] == 'k' || s[l - 1] == 'K'))
		mult = 1024, l--;
	else if (l && s[l - 1] == 'M')
		mult = 1024 * 1024, l--;
	if (l >= sizeof(num))
		return PT_ERR(err, len, "--n: '%s' is not a number", s);
	memcpy(num, s, l);
	num[l] = 0;
	e = lb_parse_u64(num, 0, PCI_SER_MAX_CAPACITY / mult, &n);
	if (!e && n * mult < 1)
		e = -ERANGE;
	if (e) {
		lb_parse_error(err, len, "--n", s, e, 1, PCI_SER_MAX_CAPACITY);
		return -1;
	}
	return add_size(p, n * mult, err, len);
}

int bench_set_variant(void *ctx, const char *val, char *err, size_t len)
{
	return lb_opt_items(ctx, "--variant", val, variant_item, err, len);
}

/* The last --n wins, as for any option that takes one value. */
int bench_set_n(void *ctx, const char *val, char *err, size_t len)
{
	((struct bench_points *)ctx)->nr_n = 0;
	return lb_opt_items(ctx, "--n", val, size_item, err, len);
}

int bench_set_op(void *ctx, const char *val, char *err, size_t len)
{
	return lb_opt_items(ctx, "--op", val, op_item, err, len);
}

int bench_set_seed(void *ctx, const char *val, char *err, size_t len)
{
	return lb_opt_num("--seed", val, 0, UINT64_MAX,
			  &((struct bench_points *)ctx)->seed, err, len);
}

int bench_set_share(void *ctx, const char *val, char *err, size_t len)
{
	uint64_t v;

	if (lb_opt_num("--share", val, 1, 100, &v, err, len))
		return -1;
	((struct bench_points *)ctx)->share_pct = v;
	return 0;
}

int bench_points_add_n(struct bench_points *p, uint32_t n, char *err,
		       size_t len)
{
	return add_size(p, n, err, len);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int bench_points_finish(struct bench_points *p, char *err, size_t len)
{
	unsigned int i;

	if (!p->nr_variants)
		variant_item(p, "all", err, len);
	bench_order_variants(p->variant, p->nr_variants);
	for (i = 0; i < NR_OPS && !p->op[i]; i++)
		;
	if (i == NR_OPS)
		op_item(p, "all", err, len);
	if (!p->nr_n && size_item(p, "default", err, len))
		return -1;
	for (i = 0; i < p->nr_n; i++)
		if (population_size(p->n[i], p->share_pct) >
		    PCI_SER_MAX_CAPACITY)
			return PT_ERR(err, len, "--n: N=%u at --share %u "
				      "enumerates more than %u devices",
				      p->n[i], p->share_pct,
				      PCI_SER_MAX_CAPACITY);
	qsort(p->n, p->nr_n, sizeof(p->n[0]), cmp_u32);
	return 0;
}

void bench_variant_choices(FILE *f)
{
	const struct pci_ser_ops *const *v;

	for (v = pci_ser_variants; *v; v++)
		fprintf(f, " %s", (*v)->name);
}

void bench_op_choices(FILE *f)
{
	unsigned int i;

	for (i = 0; i < NR_OPS; i++)
		fprintf(f, " %s", bench_op_name(i));
}
