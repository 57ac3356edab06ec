// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-report: a run for upstream review.  report.txt is plain text
 * of at most 72 columns, to paste into a reply on the list: the setup,
 * the restore and blackout tables computed from the run's rows, the
 * cycle report's findings, the comparisons with their marks and the plan
 * (plan/plan-brief.txt, which scripts/host/report.sh has lubench-plan
 * write).  report.html is the same text and every SVG figure of the run
 * inline, on one page that references nothing outside itself.
 *
 * usage: lubench-report RUN_DIR
 *   RUN_DIR  a `lubench run` directory (bench/, count/, cycle/, plan/)
 *            or one cycle or bench run
 * Exit: 0; 1 a write failed; 2 usage or a result file that is not of a
 * known schema and version or is malformed (FILE[:LINE]: reason).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stats.h"
#include "input.h"
#include "resultdir.h"

#define RP_WIDTH	72
#define RP_MAX_REPS	256
#define RP_MAX_FIGS	128
#define RP_MAX_SVG	(16U << 20)

static const char *prog = "lubench-report";

/* ---- the text, wrapped at 72 columns ---------------------------------- */

static char *text;
static size_t text_len, text_cap;

static void put(const char *s, size_t n)
{
	if (text_len + n + 1 > text_cap) {
		text_cap = (text_len + n + 1) * 2;
		text = realloc(text, text_cap);
		if (!text) {
			fprintf(stderr, "%s: out of memory\n", prog);
			exit(1);
		}
	}
	memcpy(text + text_len, s, n);
	text_len += n;
	text[text_len] = 0;
}

/*
 * One line, wrapped at a blank before column 72 and continued with two
 * blanks more than it starts with; a word longer than the width is cut.
 */
static void put_line(const char *s)
{
	size_t lead = strspn(s, " "), len = strlen(s), ind = 0;

	if (lead > 20)
		lead = 20;
	do {
		size_t room = RP_WIDTH - ind, cut = len;

		if (len > room) {
			cut = room;
			while (cut > 8 && s[cut] != ' ')
				cut--;
			if (s[cut] != ' ')
				cut = room;
		}
		put("                        ", ind);
		put(s, cut);
		put("\n", 1);
		s += cut;
		len -= cut;
		while (*s == ' ') {
			s++;
			len--;
		}
		ind = lead + 2;
	} while (len);
}

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...)
{
	char buf[4096], *line, *nl;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (line = buf; line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = 0;
		if (nl && !*nl)
			nl = NULL;
		put_line(line);
	}
}

/* A value as the tables print it: 3 or 4 significant digits, no exponent. */
static const char *num(char *buf, size_t len, double v)
{
	double a = fabs(v);

	if (isnan(v))
		snprintf(buf, len, "-");
	else if (a >= 100 || a == 0)
		snprintf(buf, len, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, len, "%.1f", v);
	else if (a >= 1)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "%.3f", v);
	return buf;
}

/* ---- a table of one value per (layout, N) (resultdir.h) --------------- */

/*
 * At most @cols of the sizes of @t (sorted: rd_table_sort()), the
 * smallest and largest kept.
 */
static unsigned int pick_sizes(const struct rd_table *t, unsigned int cols,
			       unsigned int *pick)
{
	unsigned int i;

	if (t->nr_size <= cols) {
		for (i = 0; i < t->nr_size; i++)
			pick[i] = i;
		return t->nr_size;
	}
	for (i = 0; i < cols; i++)
		pick[i] = i * (t->nr_size - 1) / (cols - 1);
	return cols;
}

static void print_table(struct rd_table *t, unsigned int cols,
			unsigned int width, double scale)
{
	unsigned int pick[RD_MAX_SIZES], nr, v, i;
	char line[256], cell[32];
	int at;

	rd_table_sort(t);
	nr = pick_sizes(t, cols, pick);
	at = snprintf(line, sizeof(line), "%-9s", "N =");
	for (i = 0; i < nr; i++)
		at += snprintf(line + at, sizeof(line) - at, " %*llu", width,
			       (unsigned long long)t->size[pick[i]]);
	emit("%s", line);
	for (v = 0; v < t->nr_name; v++) {
		at = snprintf(line, sizeof(line), "%-9s", t->name[v]);
		for (i = 0; i < nr; i++) {
			if (t->has[v][pick[i]])
				num(cell, sizeof(cell),
				    t->v[v][pick[i]] * scale);
			else
				snprintf(cell, sizeof(cell), "-");
			at += snprintf(line + at, sizeof(line) - at, " %*s",
				       width, cell);
		}
		emit("%s", line);
	}
}

/* ---- the run's parts -------------------------------------------------- */

static const char *run;		/* RUN_DIR */
static char bench_dir[PATH_MAX], count_dir[PATH_MAX], cycle_dir[PATH_MAX];

static bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && st.st_size > 0;
}

static void find_parts(void)
{
	char p[PATH_MAX + 32];
	const char *base = strrchr(run, '/');

	snprintf(p, sizeof(p), "%s/meta.json", run);
	if (is_file(p)) {
		/* One run of one kind: which, the plan/ beside it aside. */
		snprintf(p, sizeof(p), "%s/cycle.plan", run);
		if (is_file(p))
			snprintf(cycle_dir, sizeof(cycle_dir), "%s", run);
		else
			snprintf(bench_dir, sizeof(bench_dir), "%s", run);
		(void)base;
		return;
	}
	snprintf(p, sizeof(p), "%s/bench/results.jsonl", run);
	if (is_file(p))
		snprintf(bench_dir, sizeof(bench_dir), "%s/bench", run);
	snprintf(p, sizeof(p), "%s/count/results.jsonl", run);
	if (is_file(p))
		snprintf(count_dir, sizeof(count_dir), "%s/count", run);
	snprintf(p, sizeof(p), "%s/cycle/results.jsonl", run);
	if (is_file(p))
		snprintf(cycle_dir, sizeof(cycle_dir), "%s/cycle", run);
}

static int setup_bench(void)
{
	static const char *const kinds[] = { "lubench-bench-meta", NULL };
	struct rdir d = { .prog = prog, .run = bench_dir };
	static struct rd_table t = { .op = "restore", .field = "total_ms" };
	struct rd_machine m;

	if (!rd_read_meta(&d, kinds) || !rd_meta_machine(&d, &m) ||
	    !rd_read_rows(&d, "lubench-bench", rd_table_row, &t))
		return d.err;
	emit("machine: %s, %llu cores, L2 %llu KiB, L3 %llu MiB", m.cpu,
	     (unsigned long long)m.cores, (unsigned long long)(m.l2 >> 10),
	     (unsigned long long)(m.l3 >> 20));
	emit("host kernel: %s", m.kernel);
	{
		const struct jl_node *dirty = jl_doc_get(&d.meta, "machine.git_dirty");

		emit("commit %.12s%s, %s %s", m.commit, dirty &&
		     dirty->kind == JL_N_BOOL && !strcmp(dirty->text, "true") ?
		     " (dirty: uncommitted changes)" : "", m.compiler, m.cflags);
	}
	if (t.nr_size) {
		emit("\nRestore in user space (wall clock, us, median): retrieve "
		     "the blob,\nthen one lookup per enumerated device in PCI "
		     "order (%s/results.jsonl):", bench_dir + strlen(run) +
		     (bench_dir[strlen(run)] == '/'));
		print_table(&t, 6, 9, 1000);
	}
	jl_doc_free(&d.meta);
	return 0;
}

static int restore_counts(void)
{
	static const char *const kinds[] = { "lubench-count-meta", NULL };
	struct rdir d = { .prog = prog, .run = count_dir };
	static struct rd_table t = { .op = "restore",
				     .field = "instructions_per_total" };

	if (!rd_read_meta(&d, kinds) ||
	    !rd_read_rows(&d, "lubench-count", rd_table_row, &t))
		return d.err;
	if (t.nr_size) {
		emit("\nThe same restore in counted instructions (callgrind, "
		     "exact; the\nregression signal), whole restore:");
		print_table(&t, 5, 11, 1);
	}
	jl_doc_free(&d.meta);
	return 0;
}

/* The cycle rows: medians per (layout, N) of the measured jumps. */
#define RP_COLS 6
static const char *const cy_key[RP_COLS] = {
	"blackout_ms", "shutdown_jump_ms", "boot_ms", "enumerate_ms",
	"retrieve_ms", "lookup_ms",
};

struct cy_group {
	char variant[RD_NAME_LEN];
	uint64_t n;
	unsigned int reps;
	double v[RP_COLS][RP_MAX_REPS];
};

struct cy {
	struct cy_group g[RD_MAX_NAMES * 8];
	unsigned int nr, skipped;
	char clock[16];
};

static bool cycle_row(struct rdir *d, const struct jl_obj *o,
		      const char *where, void *arg)
{
	char fault[RD_NAME_LEN], variant[RD_NAME_LEN], why[200];
	const char *clock = "real";
	struct cy *c = arg;
	struct cy_group *g;
	double v[RP_COLS];
	unsigned int i;
	bool warmup;
	uint64_t n;

	if (jl_need_name(o, "fault", fault, sizeof(fault), why, sizeof(why)) ||
	    jl_need_name(o, "variant", variant, sizeof(variant), why,
			 sizeof(why)) ||
	    jl_need_bool(o, "warmup", &warmup, why, sizeof(why)) ||
	    jl_need_u64(o, "devices", UINT32_MAX, &n, why, sizeof(why))) {
		rd_fail(d, "%s: %s", where, why);
		return false;
	}
	if (jl_has(o, "clock") && jl_str(o, "clock", &clock)) {
		rd_fail(d, "%s: \"clock\" is not a string", where);
		return false;
	}
	if (!c->clock[0])
		snprintf(c->clock, sizeof(c->clock), "%s", clock);
	else if (strcmp(c->clock, clock)) {
		rd_fail(d, "%s: clock %s, but the rows before are %s: one "
			"table never mixes clocks", where, clock, c->clock);
		return false;
	}
	for (i = 0; i < RP_COLS; i++)
		if (!rd_row_f64(d, o, where, cy_key[i], 0, 1e12, true,
				"a time in ms", &v[i]))
			return false;
	if (strcmp(fault, "none") || warmup || isnan(v[0])) {
		c->skipped++;
		return true;
	}
	for (i = 0; i < c->nr; i++)
		if (c->g[i].n == n && !strcmp(c->g[i].variant, variant))
			break;
	if (i == c->nr) {
		if (c->nr == sizeof(c->g) / sizeof(c->g[0])) {
			rd_fail(d, "%s: too many (layout, N) groups", where);
			return false;
		}
		snprintf(c->g[i].variant, RD_NAME_LEN, "%s", variant);
		c->g[i].n = n;
		c->nr++;
	}
	g = &c->g[i];
	if (g->reps == RP_MAX_REPS) {
		rd_fail(d, "%s: more than %d jumps of one (layout, N)", where,
			RP_MAX_REPS);
		return false;
	}
	for (i = 0; i < RP_COLS; i++)
		g->v[i][g->reps] = v[i];
	g->reps++;
	return true;
}



static int cmp_group(const void *a, const void *b)
{
	const struct cy_group *x = a, *y = b;

	return x->n < y->n ? -1 : x->n > y->n;
}

static int setup_cycle(bool machine)
{
	static const char *const kinds[] = { "lubench-cycle-meta", NULL };
	struct rdir d = { .prog = prog, .run = cycle_dir };
	const char *accel, *kernel, *cpu, *commit = NULL, *host_cpu = NULL;
	static struct cy c;
	char cells[RP_COLS][32];
	unsigned int i, k;

	if (!rd_read_meta(&d, kinds) ||
	    !rd_meta_str(&d, "accelerator", &accel) ||
	    !rd_meta_str(&d, "guest_kernel", &kernel) ||
	    !rd_meta_str(&d, "guest_cpu", &cpu) ||
	    !rd_read_rows(&d, "lubench-cycle", cycle_row, &c))
		return d.err;
	jl_node_str(jl_doc_get(&d.meta, "host.git_commit"), &commit);
	jl_node_str(jl_doc_get(&d.meta, "host.host_cpu"), &host_cpu);
	if (machine && host_cpu)
		emit("machine: %s", host_cpu);
	if (machine && commit)
		emit("commit %.12s", commit);
	emit("guest: kernel %s, accelerator %s (cpu %s)", kernel, accel, cpu);
	if (!strcmp(c.clock, "icount"))
		emit("clock of the guest figures: icount (QEMU -icount), ms of "
		     "guest\nvirtual time: exact, one instruction = 1 ns");
	else
		emit("clock of the guest figures: real%s", !strcmp(accel, "tcg") ?
		     " (TCG: emulator time,\nwhich follows the host: compare "
		     "within the run only)" : "");
	if (!c.nr) {
		emit("\nNo measured jump with a blackout in %s/results.jsonl.",
		     cycle_dir);
		jl_doc_free(&d.meta);
		return 0;
	}
	qsort(c.g, c.nr, sizeof(c.g[0]), cmp_group);
	emit("\nBlackout of a live update by phase, ms (%s clock), median over"
	     "\nthe jumps (j); sj: old kernel's shutdown + jump; enum includes"
	     "\nlookup:", c.clock[0] ? c.clock : "real");
	emit("%-9s %6s %2s %9s %7s %7s %7s %7s %7s", "variant", "N", "j",
	     "blackout", "sj", "boot", "enum", "retrv", "lookup");
	for (i = 0; i < c.nr; i++) {
		const struct cy_group *g = &c.g[i];

		for (k = 0; k < RP_COLS; k++)
			num(cells[k], sizeof(cells[k]),
			    stats_median(g->v[k], g->reps));
		emit("%-9s %6llu %2u %9s %7s %7s %7s %7s %7s", g->variant,
		     (unsigned long long)g->n, g->reps, cells[0], cells[1],
		     cells[2], cells[3], cells[4], cells[5]);
	}
	jl_doc_free(&d.meta);
	return 0;
}

/* ---- what other tools wrote ------------------------------------------- */

/*
 * The lines of @path from the first that @from matches (a prefix; NULL:
 * the first line) up to a line @to starts (NULL: a blank line), all
 * when @all; whether any was shown.
 */
static bool include(const char *path, const char *from, const char *to,
		    bool all)
{
	struct lb_lines l;
	bool on = !from, any = false;

	if (!is_file(path) || lb_lines_open(&l, path))
		return false;
	while (lb_lines_next(&l) > 0) {
		if (!on && from && !strncmp(l.line, from, strlen(from)))
			on = true;
		if (on && !all && (to ? !strncmp(l.line, to, strlen(to)) :
				   !l.line[0]) && any)
			break;
		if (on) {
			emit("%s", l.line);
			any = true;
		}
	}
	lb_lines_close(&l);
	return any;
}

/* compare's last line (the tally) and its marked points. */
static void comparison(const char *name, const char *title)
{
	char path[PATH_MAX], last[1024] = "";
	struct lb_lines l;
	bool head = false;

	snprintf(path, sizeof(path), "%s/%s", run, name);
	if (!is_file(path) || lb_lines_open(&l, path))
		return;
	while (lb_lines_next(&l) > 0)
		snprintf(last, sizeof(last), "%s", l.line);
	lb_lines_close(&l);
	emit("\n%s: %s", title, last);
	if (lb_lines_open(&l, path))
		return;
	while (lb_lines_next(&l) > 0)
		if (strstr(l.line, " R ") || strstr(l.line, " I ")) {
			if (!head)
				emit("marked (R regression, I improvement: "
				     "past the floor and, for\nwall clock, "
				     "significant by a rank test):");
			head = true;
			emit("%s", l.line);
		}
	lb_lines_close(&l);
}

static void findings(void)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/findings.txt", run);
	if (is_file(path)) {
		emit("\nFindings:");
		include(path, NULL, NULL, true);
		return;
	}
	snprintf(path, sizeof(path), "%s/summary.txt", cycle_dir);
	if (cycle_dir[0] && is_file(path)) {
		emit("\nFindings of the cycle report:");
		if (!include(path, "N=", "results:", false))
			emit("(none)");
		include(path, "exit + jump", NULL, false);
	}
}

static void plan(void)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/plan/plan-brief.txt", run);
	if (is_file(path)) {
		emit("\nCapacity plan (lubench plan; fits and residuals: "
		     "plan/plan.txt):");
		include(path, NULL, NULL, true);
		return;
	}
	snprintf(path, sizeof(path), "%s/plan/refused.txt", run);
	if (is_file(path)) {
		emit("\nCapacity plan: not made:");
		include(path, NULL, NULL, true);
	}
}

/* ---- the HTML page ---------------------------------------------------- */

static void html_esc(FILE *f, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		switch (s[i]) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(s[i], f);
		}
}

/*
 * An SVG file inline: from its <svg element on (no XML prolog), every
 * id and every reference to one (#id in href, url(#id)) prefixed with
 * the figure's number, so two figures' ids never collide.  Anything
 * that would reach outside the page is refused.
 */
static bool inline_svg(FILE *f, const char *path, unsigned int fig)
{
	static const char *const bad[] = {
		"http:", "https:", "file:", "<script", "<image", "<foreignObject",
		"@import", NULL,
	};
	char err[400], pre[24];
	const char *s, *end;
	size_t len;
	void *buf;
	unsigned int i;

	if (lb_read_file(path, RP_MAX_SVG, &buf, &len, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return false;
	}
	s = memmem(buf, len, "<svg", 4);
	if (!s || memchr(buf, 0, len)) {
		fprintf(stderr, "%s: %s: not an SVG image\n", prog, path);
		free(buf);
		return false;
	}
	end = (const char *)buf + len;
	for (i = 0; bad[i]; i++) {
		const char *p = memmem(s, end - s, bad[i], strlen(bad[i]));

		/* The namespace names are names, not references. */
		while (p && i < 2 && p > s + 7 &&
		       (!strncmp(p - 7, "xmlns=\"", 7) ||
			!strncmp(p - 7, "xlink=\"", 7)))
			p = memmem(p + 1, end - p - 1, bad[i], strlen(bad[i]));
		if (p) {
			fprintf(stderr, "%s: %s: holds \"%s\": it would not be "
				"self-contained\n", prog, path, bad[i]);
			free(buf);
			return false;
		}
	}
	snprintf(pre, sizeof(pre), "f%u-", fig);
	while (s < end) {
		static const char *const mark[] = {
			"id='", "id=\"", "href='#", "href=\"#", "url(#", NULL,
		};
		const char *next = end, *m;
		unsigned int which = 0;

		for (i = 0; mark[i]; i++) {
			m = memmem(s, end - s, mark[i], strlen(mark[i]));
			if (m && m < next) {
				next = m;
				which = i;
			}
		}
		if (next == end) {
			fwrite(s, 1, end - s, f);
			break;
		}
		m = next;
		next += strlen(mark[which]);
		fwrite(s, 1, next - s, f);
		/* "id=" only as an attribute of its own, not "gid=". */
		if (which > 1 || strchr(" \t\r\n", m[-1]))
			fputs(pre, f);
		s = next;
	}
	free(buf);
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The SVG files in RUN_DIR/SUB, sorted, appended to @figs (relative to RUN_DIR). */
static void list_svgs(const char *sub, char **figs, unsigned int *nr)
{
	char dir[PATH_MAX + 32];
	unsigned int start = *nr;
	struct dirent *e;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/%s", run, sub);
	dp = opendir(dir);
	if (!dp)
		return;
	while ((e = readdir(dp)) && *nr < RP_MAX_FIGS) {
		size_t n = strlen(e->d_name);
		char *p;

		if (n < 5 || strcmp(e->d_name + n - 4, ".svg"))
			continue;
		p = malloc(strlen(sub) + n + 2);
		if (!p)
			break;
		sprintf(p, "%s/%s", sub, e->d_name);
		figs[(*nr)++] = p;
	}
	closedir(dp);
	qsort(figs + start, *nr - start, sizeof(*figs), cmp_str);
}

static int write_html(const char *path, const char *title)
{
	static const char *const subs[] = {
		"plan", "cycle/plots", "bench/plots", "count/plots", "plots",
	};
	char *figs[RP_MAX_FIGS], svg[PATH_MAX + 32];
	unsigned int nr = 0, i;
	bool ok = true;
	FILE *f;

	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		list_svgs(subs[i], figs, &nr);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return 1;
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<title>", f);
	html_esc(f, title, strlen(title));
	fputs("</title>\n<style>\nbody { font-family: sans-serif; max-width: 1150px; "
	      "margin: 1em auto; }\npre { font-size: 13px; background: #f6f6f6; "
	      "padding: 1em; overflow-x: auto; }\nfigure { margin: 2em 0; }\n"
	      "figure svg { width: 100%; height: auto; }\n"
	      "figcaption { font-family: monospace; color: #555; }\n</style>\n"
	      "</head>\n<body>\n<h1>", f);
	html_esc(f, title, strlen(title));
	fputs("</h1>\n<pre id=\"report\">", f);
	html_esc(f, text, text_len);
	fprintf(f, "</pre>\n<h2>Figures (%u)</h2>\n<ul id=\"figures\">\n", nr);
	for (i = 0; i < nr; i++) {
		fprintf(f, "<li><a href=\"#fig%u\">", i + 1);
		html_esc(f, figs[i], strlen(figs[i]));
		fputs("</a></li>\n", f);
	}
	fputs("</ul>\n", f);
	for (i = 0; ok && i < nr; i++) {
		fprintf(f, "<figure id=\"fig%u\" data-src=\"", i + 1);
		html_esc(f, figs[i], strlen(figs[i]));
		fputs("\">\n", f);
		snprintf(svg, sizeof(svg), "%s/%s", run, figs[i]);
		ok = inline_svg(f, svg, i + 1);
		fputs("\n<figcaption>", f);
		html_esc(f, figs[i], strlen(figs[i]));
		fputs("</figcaption>\n</figure>\n", f);
	}
	fputs("</body>\n</html>\n", f);
	for (i = 0; i < nr; i++)
		free(figs[i]);
	if (ferror(f) | fclose(f)) {
		fprintf(stderr, "%s: %s: write error\n", prog, path);
		return 1;
	}
	return ok ? 0 : 2;
}

int main(int argc, char **argv)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX + 40], title[PATH_MAX + 32];
	const char *base;
	struct stat st;
	int ret = 0;
	FILE *f;

	if (argc != 2 || stat(argv[1], &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "usage: lubench-report RUN_DIR\n");
		return 2;
	}
	run = argv[1];
	find_parts();
	if (!bench_dir[0] && !cycle_dir[0]) {
		fprintf(stderr, "%s: %s: neither a bench nor a cycle run in it "
			"(no meta.json, bench/ or cycle/)\n", prog, run);
		return 2;
	}
	base = strrchr(run, '/');
	base = base && base[1] ? base + 1 : run;
	snprintf(title, sizeof(title), "lubench report: %s", base);
	emit("%s", title);
	emit("(./lubench report; every figure is in report.html)\n");
	emit("Setup");
	if (bench_dir[0])
		ret = setup_bench();
	if (!ret && count_dir[0])
		ret = restore_counts();
	if (!ret && cycle_dir[0]) {
		if (bench_dir[0])
			emit("%s", "");
		ret = setup_cycle(!bench_dir[0]);
	}
	if (ret)
		return ret;
	findings();
	comparison("compare-count.txt", "Counts against results/baseline");
	comparison("compare-cycle.txt", "icount cycles against "
		   "results/baseline");
	snprintf(path, sizeof(path), "%s/verdict.txt", run);
	if (is_file(path)) {
		emit("%s", "");
		include(path, NULL, NULL, true);
	}
	plan();

	/* Written whole to a temporary name, then renamed into place. */
	snprintf(path, sizeof(path), "%s/report.txt", run);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f || fwrite(text, 1, text_len, f) != text_len || fclose(f)) {
		fprintf(stderr, "%s: %s: cannot write\n", prog, tmp);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/report.html.tmp", run);
	ret = write_html(path, title);
	if (ret) {
		unlink(path);
		unlink(tmp);
		return ret;
	}
	snprintf(title, sizeof(title), "%s/report.html", run);
	if (rename(path, title)) {
		fprintf(stderr, "%s: %s: %s\n", prog, title, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/report.txt", run);
	if (rename(tmp, path)) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return 1;
	}
	return 0;
}
