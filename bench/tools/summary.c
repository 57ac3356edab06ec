// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-summary: the plain-text summary of a `lubench run`, what a
 * reviewer pastes into a reply on the list.  The sweep's tables come
 * from bench/results.jsonl and bench/meta.json, read and checked in C;
 * the counted instructions from count/; the comparisons with the
 * baseline and the cycles' table are the lines compare and the cycle
 * report printed, and the verdict is run.sh's verdict.txt.  The findings are
 * computed from the rows (findings.c), c by counts alone when counted.
 * About 60 lines (64 with the default workload, up to 6 more per
 * comparison that marks points): the full tables are in bench.txt,
 * count.txt and cycle.txt (the restore by wall clock and the cycle
 * phases' legend too), the findings in full in findings.txt.
 *
 * usage: lubench-summary RUN_DIR [CYCLE_NOTE]
 *        lubench-summary --findings RUN_DIR
 * Exit: 0; 2 usage, or a result file that is not of a known schema and
 * version or is malformed (FILE[:LINE]: reason on stderr).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "findings.h"
#include "input.h"
#include "resultdir.h"

/*
 * One table: a row per layout, a column per N, @scale times the value,
 * and the ratio of linear to the layout at the largest N.
 */
static void print_table(const struct rd_table *t, double scale)
{
	unsigned int v, i, big = t->nr_size - 1;
	int lin = -1;
	char cell[32];

	for (v = 0; v < t->nr_name; v++)
		if (!strcmp(t->name[v], "linear"))
			lin = v;
	printf("%-9s", "N =");
	for (i = 0; i < t->nr_size; i++)
		printf(" %10llu", (unsigned long long)t->size[i]);
	printf("   vs linear\n");
	for (v = 0; v < t->nr_name; v++) {
		printf("%-9s", t->name[v]);
		for (i = 0; i < t->nr_size; i++) {
			if (t->has[v][i])
				snprintf(cell, sizeof(cell), "%.1f",
					 t->v[v][i] * scale);
			else
				snprintf(cell, sizeof(cell), "-");
			printf(" %10s", cell);
		}
		if (lin >= 0 && t->has[lin][big] && t->has[v][big] &&
		    t->v[v][big] > 0) {
			double r = t->v[lin][big] / t->v[v][big];

			printf(r < 10 ? "   %8.1fx" : "   %8.0fx", r);
		}
		printf("\n");
	}
}

static int print_bench(const char *dir)
{
	static const char *const kinds[] = { "lubench-bench-meta", NULL };
	static struct rd_table t = { .op = "find-hit", .field = "median_ns" };
	struct rd_machine m;
	char bench[PATH_MAX];
	struct rdir d = { .prog = "lubench-summary", .run = bench };

	snprintf(bench, sizeof(bench), "%s/bench", dir);
	if (!rd_read_meta(&d, kinds) || !rd_meta_machine(&d, &m) ||
	    !rd_read_rows(&d, "lubench-bench", rd_table_row, &t))
		return d.err;
	if (!t.nr_size) {
		/* A workload of other ops (plan.conf: restore only). */
		printf("\nthe sweep measured no find-hit; its ops: %s.txt\n",
		       bench);
		jl_doc_free(&d.meta);
		return 0;
	}
	rd_table_sort(&t);
	printf("machine: %s, %llu cores, L2 %llu KiB, L3 %llu MiB; kernel %s\n",
	       m.cpu, (unsigned long long)m.cores,
	       (unsigned long long)(m.l2 >> 10),
	       (unsigned long long)(m.l3 >> 20), m.kernel);
	printf("commit %s, %s %s\n\n", m.commit, m.compiler, m.cflags);
	printf("find-hit, random order; wall clock, ns per lookup, median (every op,\n"
	       "the restore too, spread and harness cost: %s/bench.txt):\n", dir);
	print_table(&t, 1);
	jl_doc_free(&d.meta);
	return 0;
}

/* The same restore, as exact counts of instructions (lubench count). */
static int print_count(const char *dir)
{
	static const char *const kinds[] = { "lubench-count-meta", NULL };
	static struct rd_table t = { .op = "restore",
				     .field = "instructions_per_total" };
	char count[PATH_MAX];
	struct rdir d = { .prog = "lubench-summary", .run = count };

	snprintf(count, sizeof(count), "%s/count", dir);
	if (!rd_read_meta(&d, kinds) ||
	    !rd_read_rows(&d, "lubench-count", rd_table_row, &t))
		return d.err;
	if (!t.nr_size)
		return 0;
	rd_table_sort(&t);
	printf("\nRestore in user space: retrieve the blob + one lookup per device in PCI\n"
	       "enumeration order (N preserved of 2N); counted instructions (callgrind), thousands:\n");
	print_table(&t, 0.001);
	jl_doc_free(&d.meta);
	return 0;
}

/*
 * The lines of a tool's text output that @keep picks (all of them from
 * the first it picks, with @from_first), bounded like every input; a
 * run of blank lines as one, and only between others.
 */
static int print_lines(const char *path, bool (*keep)(const char *line),
		       bool from_first, char *last, size_t lastlen)
{
	bool blank = false;
	struct lb_lines l;
	bool on = false;
	int ret;

	ret = lb_lines_open(&l, path);
	while (!ret && (ret = lb_lines_next(&l)) > 0) {
		ret = 0;
		on = (from_first && on) || keep(l.line);
		if (on && !l.line[0]) {
			blank = true;
		} else if (on) {
			if (blank)
				putchar('\n');
			blank = false;
			printf("%s\n", l.line);
		}
		if (last)
			snprintf(last, lastlen, "%s", l.line);
	}
	if (ret < 0)
		fprintf(stderr, "lubench-summary: %s\n", l.err);
	lb_lines_close(&l);
	return ret < 0 ? 2 : 0;
}

/*
 * compare's marked points (the mark column holds R or I), the first
 * SM_MARKED of them: the rest are counted, and compare-*.txt has all.
 */
#define SM_MARKED	5
static unsigned int nr_marked;

static bool marked(const char *line)
{
	if (!strstr(line, " R ") && !strstr(line, " I "))
		return false;
	return ++nr_marked <= SM_MARKED;
}

/*
 * The cycle report's header, table and findings: not its first line
 * (the section's title says it), nor its list of files, nor its legend
 * of the phases and the spread of exit + jump + boot (from "exit: " to
 * a blank line), which cycle.txt keeps.  Its "N of M cycles verified"
 * goes into the title (sm_verified).
 */
static bool in_cycle_table, in_legend;
static char sm_verified[128];

static bool cycle_table(const char *line)
{
	if (!strncmp(line, "lubench cycle", 13)) {
		in_cycle_table = true;
		return false;
	}
	if (!strncmp(line, "results:", 8))
		in_cycle_table = false;
	if (in_cycle_table && !strncmp(line, "exit: ", 6))
		in_legend = true;
	else if (in_legend && !line[0])
		in_legend = false;
	return in_cycle_table && !in_legend &&
	       !strstr(line, " cycles verified");
}

/* A first pass that only keeps the "N of M cycles verified" line. */
static bool cycle_verified(const char *line)
{
	if (strstr(line, " cycles verified"))
		snprintf(sm_verified, sizeof(sm_verified), "%s", line);
	return false;
}

static bool every_line(const char *line)
{
	(void)line;
	return true;
}

static bool no_line(const char *line)
{
	(void)line;
	return false;
}

/* compare's tally (its last line) after @title, then its marked points. */
static int print_compare(const char *path, const char *title)
{
	char last[1024] = "";
	int ret;

	ret = print_lines(path, no_line, false, last, sizeof(last));
	if (!ret) {
		printf("%-14s %s\n", title, last);
		nr_marked = 0;
		ret = print_lines(path, marked, false, NULL, 0);
		if (!ret && nr_marked > SM_MARKED)
			printf("(and %u more marked points: %s)\n",
			       nr_marked - SM_MARKED, path);
	}
	return ret;
}

static bool non_empty(const char *dir, const char *name, char *path,
		      size_t len)
{
	struct stat st;

	snprintf(path, len, "%s/%s", dir, name);
	return !stat(path, &st) && st.st_size > 0;
}

/*
 * --findings RUN_DIR: the findings alone, 72 columns wide, for the
 * report (run.sh writes them to RUN_DIR/findings.txt); without the
 * heading, which the report gives them.
 */
static int only_findings(const char *dir)
{
	char bench[PATH_MAX], count[PATH_MAX], *buf = NULL, *body;
	struct stat st;
	size_t len = 0;
	FILE *f;
	int ret;

	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "usage: lubench-summary --findings RUN_DIR\n");
		return 2;
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		fprintf(stderr, "lubench-summary: out of memory\n");
		return 2;
	}
	snprintf(bench, sizeof(bench), "%s/bench", dir);
	snprintf(count, sizeof(count), "%s/count", dir);
	ret = findings_print(f, "lubench-summary", bench, count, 72, false);
	fclose(f);
	body = buf ? strchr(buf, '\n') : NULL;
	if (!ret && body)
		fputs(body + 1, stdout);
	free(buf);
	return ret;
}

int main(int argc, char **argv)
{
	char path[PATH_MAX];
	const char *dir, *base;
	struct stat st;
	int ret = 0;

	if (argc == 3 && !strcmp(argv[1], "--findings"))
		return only_findings(argv[2]);
	if (argc < 2 || argc > 3 || stat(argv[1], &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "usage: lubench-summary RUN_DIR [CYCLE_NOTE]\n");
		return 2;
	}
	dir = argv[1];
	base = strrchr(dir, '/');
	printf("lubench run %s\n", base && base[1] ? base + 1 : dir);
	if (non_empty(dir, "bench/results.jsonl", path, sizeof(path)))
		ret = print_bench(dir);
	if (!ret && non_empty(dir, "count/results.jsonl", path, sizeof(path)))
		ret = print_count(dir);
	if (!ret) {
		char bench[PATH_MAX], count[PATH_MAX];

		snprintf(bench, sizeof(bench), "%s/bench", dir);
		snprintf(count, sizeof(count), "%s/count", dir);
		printf("\n");
		ret = findings_print(stdout, "lubench-summary", bench, count,
				     96, true);
	}
	if (!ret && non_empty(dir, "cycle.txt", path, sizeof(path))) {
		ret = print_lines(path, cycle_verified, false, NULL, 0);
		printf("\nLive update in the QEMU guest (kexec; blackout on the TSC)%s%s:\n",
		       sm_verified[0] ? ", " : "", sm_verified);
		if (!ret)
			ret = print_lines(path, cycle_table, false, NULL, 0);
		printf("(the phases, and how much exit + jump + boot spread: "
		       "%s)\n", path);
	}
	if (!ret && argc == 3 && argv[2][0])
		printf("\nlive-update cycles: %s\n", argv[2]);
	if (!ret && (non_empty(dir, "compare-count.txt", path, sizeof(path)) ||
		     non_empty(dir, "compare-cycle.txt", path, sizeof(path))))
		printf("\nAgainst results/baseline (lubench compare; every point: "
		       "%s/compare-*.txt):\n", dir);
	if (!ret && non_empty(dir, "compare-count.txt", path, sizeof(path)))
		ret = print_compare(path, "counts");
	if (!ret && non_empty(dir, "compare-cycle.txt", path, sizeof(path)))
		ret = print_compare(path, "icount cycles");
	if (!ret && non_empty(dir, "verdict.txt", path, sizeof(path))) {
		ret = print_lines(path, every_line, false, NULL, 0);
	}
	return ret;
}
