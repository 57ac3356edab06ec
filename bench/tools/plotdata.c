// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-plotdata: what gnuplot draws a result directory from, written
 * by C so that no script reads CSV or JSON (plotdata.h).
 *
 * usage: lubench-plotdata RUN_DIR OUT_DIR
 *   RUN_DIR  a `lubench bench`, `lubench count` or `lubench cycle`
 *            result directory: its meta.json's schema
 *            (lubench-bench-meta, lubench-count-meta, lubench-cycle-meta)
 *            says which figures it gets
 *   OUT_DIR  an existing directory: *.dat, one *.gp per figure, and
 *            `figures`, their names, one per line ([a-z0-9-])
 * Exit: 0; 2 usage or bad input (a row or meta.json that is not of a
 * known schema and version, a malformed or truncated line, nothing to
 * draw), with FILE[:LINE]: reason; 3 a file could not be written.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "plotdata.h"

FILE *pd_file(struct rdir *p, const char *name)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", p->out, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "lubench-plotdata: %s: %m\n", path);
		p->err = 3;
	}
	return f;
}

FILE *pd_figure(struct rdir *p, const char *name)
{
	char file[RD_NAME_LEN * 2 + 16];

	snprintf(file, sizeof(file), "%s.gp", name);
	fprintf(p->figures, "%s\n", name);
	return pd_file(p, file);
}

bool pd_close(struct rdir *p, FILE *f, const char *name)
{
	if (f && !ferror(f) && !fclose(f))
		return true;
	if (f)
		fclose(f);
	fprintf(stderr, "lubench-plotdata: %s/%s: write error\n", p->out, name);
	p->err = 3;
	return false;
}

void gp_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		else if (strchr("_^{}@&~", *s))
			fputs("\\\\", f);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, f);
	}
}

const char *pd_colour(unsigned int i)
{
	static const char *const c[] = {
		"#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e",
		"#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
	};

	return c[i % (sizeof(c) / sizeof(c[0]))];
}

int main(int argc, char **argv)
{
	static const char *const kinds[] = {
		"lubench-bench-meta", "lubench-count-meta",
		"lubench-cycle-meta", "lubench-stress-meta", NULL,
	};
	struct rdir p = { 0 };
	const char *kind;
	int ret;

	if (argc != 3 || argv[1][0] == '-') {
		fprintf(stderr, "usage: lubench-plotdata RUN_DIR OUT_DIR\n");
		return 2;
	}
	p.run = argv[1];
	p.out = argv[2];
	kind = rd_read_meta(&p, kinds);
	if (!kind)
		return p.err;
	p.figures = pd_file(&p, "figures");
	if (!p.figures)
		return p.err;
	if (!strcmp(kind, "lubench-cycle-meta"))
		ret = pd_cycle(&p);
	else if (!strcmp(kind, "lubench-stress-meta"))
		ret = pd_stress(&p);
	else
		ret = pd_bench(&p, !strcmp(kind, "lubench-count-meta"));
	if (!pd_close(&p, p.figures, "figures") && !ret)
		ret = 3;
	jl_doc_free(&p.meta);
	return ret ? ret : p.err;
}
