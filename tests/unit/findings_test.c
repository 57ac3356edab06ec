// SPDX-License-Identifier: GPL-2.0
/*
 * The findings (bench/tools/findings.c) on made-up rows: every figure is
 * the one the rows give (change a row, the figure follows), each clock's
 * rows stay in their own lines, the fit is exact on exact powers, and a
 * malformed row is refused.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "findings.h"
#include "kselftest_harness.h"

struct rows {
	char dir[64];
	FILE *f;
	const char *schema;
};

static void rows_open(struct rows *r, const char *tmpl, const char *schema)
{
	char path[128];

	snprintf(r->dir, sizeof(r->dir), "%s", tmpl);
	if (!mkdtemp(r->dir))
		abort();
	snprintf(path, sizeof(path), "%s/results.jsonl", r->dir);
	r->f = fopen(path, "w");
	if (!r->f)
		abort();
	r->schema = schema;
}

/*
 * One row: variant, rules, op, method, n, entries, enumerated, then the
 * per-op value, the per-total value, the harness, retrieve and lookup
 * (NAN: null), level and the two alias counts (wall rows only).
 */
static void row(struct rows *r, const char *variant, const char *rules,
		const char *op, const char *method, unsigned int n,
		unsigned int entries, unsigned int enumerated, double per_op,
		double per_total, double overhead, double ret, double look,
		unsigned int level, unsigned int alias, unsigned int fh)
{
	bool wall = !strcmp(r->schema, "lubench-bench");
	char rb[32] = "null", lb[32] = "null";

	if (!isnan(ret))
		snprintf(rb, sizeof(rb), "%.17g", ret);
	if (!isnan(look))
		snprintf(lb, sizeof(lb), "%.17g", look);
	fprintf(r->f, "{\"schema\":\"%s\",\"schema_version\":1,"
		"\"variant\":\"%s\",\"rules\":\"%s\",\"op\":\"%s\",\"n\":%u,"
		"\"entries\":%u,\"enumerated\":%u,\"capacity\":%u,"
		"\"share_pct\":50,\"method\":\"%s\",\"level_min\":%u,"
		"\"%s\":%.17g,\"%s\":%.17g,\"%s\":%.17g,\"%s\":%s,\"%s\":%s",
		r->schema, variant, rules, op, n, entries, enumerated,
		enumerated, method, level,
		wall ? "median_ns" : "instructions_per_op", per_op,
		wall ? "total_ms" : "instructions_per_total", per_total,
		wall ? "overhead_ns" : "overhead_instructions_per_op", overhead,
		wall ? "retrieve_ms" : "retrieve_instructions", rb,
		wall ? "lookup_ns" : "lookup_instructions", lb);
	if (wall)
		fprintf(r->f, ",\"alias16\":%u,\"alias16_false_hits\":%u",
			alias, fh);
	fprintf(r->f, "}\n");
}

static void rows_close(struct rows *r)
{
	fclose(r->f);
}

static void rows_rm(struct rows *r)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/results.jsonl", r->dir);
	unlink(path);
	rmdir(r->dir);
}

/*
 * Lines wrapped for width joined again: a newline and the indent after
 * it become one space, so figures are matched whatever the width.
 */
static char *flatten(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		if (*r == '\n' && r[1] == ' ') {
			while (r[1] == ' ')
				r++;
			*r = ' ';
		}
		*w++ = *r++;
	}
	*w = '\0';
	return s;
}

/* What findings_print() writes for these rows (flattened); its status in
 * *@err. */
static char *findings_as(const char *bench, const char *count, bool brief,
			 int *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	*err = findings_print(f, "findings_test", bench, count, 96, brief);
	fclose(f);
	return flatten(buf);
}

static char *findings(const char *bench, const char *count, int *err)
{
	return findings_as(bench, count, false, err);
}

/* A run holding every op the findings read, at N = 1024 ... 8192. */
static void typical(struct rows *w, double fill_a, double fill_k)
{
	static const unsigned int ns[] = { 16, 1024, 2048, 4096, 8192 };
	unsigned int i, n;

	for (i = 0; i < 5; i++) {
		n = ns[i];
		row(w, "v2", "v2", "preserve", "churn", n, n, 3 * n, 50, 0, 2,
		    NAN, NAN, 0, 7 * n, n);
		row(w, "v2", "v2", "preserve-dup", "batch", n, n, 3 * n, 30, 0,
		    2.5, NAN, NAN, 0, 7 * n, n);
		row(w, "kho-blocks", "kho-blocks", "preserve-dup", "batch", n,
		    n + 10, 3 * n, 900, 0, 2.25, NAN, NAN, 0, 7 * n, n);
		row(w, "kho-blocks", "kho-blocks", "preserve", "churn", n,
		    n + 10, 3 * n, 1000, 0, 2, NAN, NAN, 0, 7 * n, n);
		/* total_ms = fill_a * N^fill_k; per device = total / N. */
		row(w, "kho-blocks", "kho-blocks", "fill", "full", n, n + 10,
		    3 * n, fill_a * pow(n, fill_k) * 1e6 / n,
		    fill_a * pow(n, fill_k), 2, NAN, NAN, 0, 7 * n, n);
		row(w, "kho-blocks", "kho-blocks", "grow", "block", n, n + 10,
		    3 * n, 4000, 4000e-6, 3, NAN, NAN, 509, 7 * n, n);
		row(w, "kho-blocks", "kho-blocks", "restore", "full", n,
		    n + 10, 3 * n, 1, 1, 1, 0.5 * i, 20, 0, 7 * n, n);
		row(w, "hashed", "v2", "restore", "full", n, n, 3 * n, 1, 1, 1,
		    0.25, 10, 0, 7 * n, n);
	}
}

TEST(fit_is_exact_on_powers)
{
	double n[] = { 1024, 2048, 4096, 8192, 16384 }, t[5];
	struct fd_fit fit;
	int i;

	for (i = 0; i < 5; i++)
		t[i] = 3e-7 * n[i] * n[i];
	ASSERT_TRUE(fd_fit_power(n, t, 5, &fit));
	EXPECT_LT(fabs(fit.k - 2), 1e-9);
	EXPECT_LT(fabs(fit.r2 - 1), 1e-9);
	EXPECT_LT(fabs(fit.c / 3e-7 - 1), 1e-9);
	for (i = 0; i < 5; i++)
		t[i] = 5 * pow(n[i], 1.5) * (i % 2 ? 1.1 : 0.9);
	ASSERT_TRUE(fd_fit_power(n, t, 5, &fit));
	EXPECT_LT(fabs(fit.k - 1.5), 0.1);
	EXPECT_LT(fit.r2, 1);
	EXPECT_FALSE(fd_fit_power(n, t, 1, &fit));
	t[2] = 0;
	EXPECT_FALSE(fd_fit_power(n, t, 5, &fit));
}

TEST(figures_come_from_the_rows)
{
	struct rows w;
	char *out;
	int err;

	rows_open(&w, "/tmp/findings-XXXXXX", "lubench-bench");
	typical(&w, 3e-6, 2);
	rows_close(&w);
	out = findings(w.dir, NULL, &err);
	ASSERT_EQ(err, 0);
	ASSERT_NE(out, NULL);
	/* a: preserve-dup at the largest N, each layout; the flag's floor. */
	EXPECT_NE(strstr(out, "[wall clock] preserve of a held device, found by "
			 "search, N=8192, ns: v2 30.0 kho-blocks 900;"), NULL) TH_LOG("%s", out);
	EXPECT_NE(strstr(out, "(the empty call: 2.25)"), NULL) TH_LOG("%s", out);
	/* b: headroom = capacity - entries of v2's row; the growth row. */
	EXPECT_NE(strstr(out, "v2 sizes its table at the first preserve: "
			 "capacity 24576 at N=8192 (share 50%), so 16384"), NULL) TH_LOG("%s", out);
	EXPECT_NE(strstr(out, "16384 hot-plugged devices fit"), NULL);
	EXPECT_NE(strstr(out, "kho-blocks has no such limit; the preserve that "
			 "adds a block (after 509 devices) costs 4000 ns, a "
			 "preserve at N=1024 1000 ns"), NULL) TH_LOG("%s", out);
	/* c: the fit of exact squares, a, and the free list from N=16. */
	EXPECT_NE(strstr(out, "fit over N >= 256 (4 sizes): N^2.00, "
			 "R^2 1.0000"), NULL)
		TH_LOG("%s", out);
	EXPECT_NE(strstr(out, "a = 3 ns"), NULL) TH_LOG("%s", out);
	/* 16 x 16 x 3e-6 ms x 1e6 / 16 = 48 ns per device, x 8192 = 0.39 ms */
	EXPECT_NE(strstr(out, "N=8192 in 0.39 instead of 201 ms"), NULL)
		TH_LOG("%s", out);
	/* d: retrieve + lookup_ns x enumerated at the largest N. */
	EXPECT_NE(strstr(out, "built at retrieve: kho-blocks 2.00 + 0.49; in place:"), NULL) TH_LOG("%s", out);
	EXPECT_NE(strstr(out, "hashed 0.25 + 0.25"), NULL) TH_LOG("%s", out);
	/* e: the alias counts of the largest N's rows. */
	EXPECT_NE(strstr(out, "aliases 57344 of the 24576 devices enumerated at N=8192"), NULL)
		TH_LOG("%s", out);
	EXPECT_NE(strstr(out, "8192 not preserved would be found as preserved"), NULL);
	free(out);
	rows_rm(&w);

	/* Another exponent in the rows, another exponent in the findings. */
	rows_open(&w, "/tmp/findings-XXXXXX", "lubench-bench");
	typical(&w, 1e-4, 1.5);
	rows_close(&w);
	out = findings(w.dir, NULL, &err);
	ASSERT_EQ(err, 0);
	EXPECT_NE(strstr(out, "N^1.50, R^2 1.0000"), NULL) TH_LOG("%s", out);
	free(out);
	rows_rm(&w);
}

TEST(one_clock_per_line)
{
	struct rows w, c;
	char *out, *wl, *cl;
	int err;

	rows_open(&w, "/tmp/findings-XXXXXX", "lubench-bench");
	typical(&w, 3e-6, 2);
	rows_close(&w);
	rows_open(&c, "/tmp/findings-XXXXXX", "lubench-count");
	row(&c, "kho-blocks", "kho-blocks", "fill", "full", 1024, 1030, 2048,
	    100, 102400, 1, NAN, NAN, 0, 0, 0);
	row(&c, "kho-blocks", "kho-blocks", "fill", "full", 4096, 4100, 8192,
	    100, 409600, 1, NAN, NAN, 0, 0, 0);
	row(&c, "kho-blocks", "kho-blocks", "fill", "full", 16384, 16390, 32768,
	    100, 1638400, 1, NAN, NAN, 0, 0, 0);
	rows_close(&c);
	out = findings(w.dir, c.dir, &err);
	ASSERT_EQ(err, 0);
	wl = strstr(out, "[wall clock] kho-blocks, N devices");
	cl = strstr(out, "[counted instructions] kho-blocks, N devices");
	ASSERT_NE(wl, NULL);
	ASSERT_NE(cl, NULL) TH_LOG("%s", out);
	/* Linear in N in the counts, square in the wall clock's rows. */
	EXPECT_NE(strstr(cl, "N^1.00"), NULL) TH_LOG("%s", out);
	EXPECT_NE(strstr(wl, "N^2.00"), NULL);
	EXPECT_TRUE(strstr(wl, "N^2.00") < cl);
	free(out);
	/* Brief (the summary): c by the counts alone, the rest as in full. */
	out = findings_as(w.dir, c.dir, true, &err);
	ASSERT_EQ(err, 0);
	EXPECT_EQ(strstr(out, "[wall clock] kho-blocks, N devices"), NULL)
		TH_LOG("%s", out);
	EXPECT_EQ(strstr(out, "a free list instead"), NULL) TH_LOG("%s", out);
	EXPECT_NE(strstr(out, "c [counted instructions] kho-blocks, N devices"),
		  NULL) TH_LOG("%s", out);
	EXPECT_NE(strstr(out, "N^1.00"), NULL) TH_LOG("%s", out);
	EXPECT_NE(strstr(out, "in full in findings.txt"), NULL);
	EXPECT_NE(strstr(out, "b [devices] v2 sizes its table"), NULL)
		TH_LOG("%s", out);
	free(out);
	/* Brief without counted fills: c by the wall clock, in full. */
	out = findings_as(w.dir, NULL, true, &err);
	ASSERT_EQ(err, 0);
	EXPECT_NE(strstr(out, "c [wall clock] kho-blocks, N devices"), NULL)
		TH_LOG("%s", out);
	EXPECT_NE(strstr(out, "a free list instead"), NULL) TH_LOG("%s", out);
	EXPECT_EQ(strstr(out, "in full in findings.txt"), NULL);
	free(out);
	rows_rm(&w);
	rows_rm(&c);
}

/* Two sizes would fit any power with R^2 1: no fit is claimed from them. */
TEST(no_fit_from_two_sizes)
{
	struct rows c;
	char *out;
	int err;

	rows_open(&c, "/tmp/findings-XXXXXX", "lubench-count");
	row(&c, "kho-blocks", "kho-blocks", "fill", "full", 1024, 1030, 2048,
	    100, 102400, 1, NAN, NAN, 0, 0, 0);
	row(&c, "kho-blocks", "kho-blocks", "fill", "full", 4096, 4100, 8192,
	    100, 409600, 1, NAN, NAN, 0, 0, 0);
	rows_close(&c);
	out = findings(NULL, c.dir, &err);
	ASSERT_EQ(err, 0);
	ASSERT_NE(out, NULL);
	EXPECT_NE(strstr(out, "no fit: it needs 3 sizes N >= 256"), NULL)
		TH_LOG("%s", out);
	EXPECT_EQ(strstr(out, "log-log fit"), NULL) TH_LOG("%s", out);
	free(out);
	rows_rm(&c);
}

TEST(missing_and_malformed_rows)
{
	struct rows w;
	char *out;
	int err;

	/* No rows at all: every finding says so. */
	out = findings("/nonexistent-findings-dir", NULL, &err);
	ASSERT_EQ(err, 0);
	EXPECT_NE(strstr(out, "e (no rows for it in this run)"), NULL)
		TH_LOG("%s", out);
	free(out);

	rows_open(&w, "/tmp/findings-XXXXXX", "lubench-bench");
	fprintf(w.f, "{\"schema\":\"lubench-bench\",\"schema_version\":1,"
		"\"variant\":\"v2\",\"op\":\"fill\",\"n\":-3}\n");
	rows_close(&w);
	out = findings(w.dir, NULL, &err);
	EXPECT_EQ(err, 2);
	free(out);
	rows_rm(&w);
}

TEST_HARNESS_MAIN
