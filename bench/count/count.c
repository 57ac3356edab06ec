// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-count: the user-space points as exact instruction counts.  For
 * each N, one process (lubench-count-worker) runs under callgrind with a
 * fixed cache model, a fixed minimal environment and a fixed argv; it
 * counts a fixed number of operations per point and leaves one callgrind
 * dump per counted region in a temporary directory.  This program reads
 * those dumps and writes rows of the lubench-count schema
 * (results/SCHEMA.md): the same inputs give the same counts, byte for
 * byte, on any machine with the same valgrind, compiler and glibc string
 * functions.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "die.h"
#include "bench.h"
#include "callgrind_out.h"
#include "count_opts.h"
#include "count_proto.h"
#include "input.h"
#include "jsonl.h"
#include "numparse.h"
#include "pci_ser.h"
#include "pci_ser_blob.h"
#include "population.h"
#include "results.h"
#include "topology.h"

#define COUNT_SCHEMA		"lubench-count"
#define COUNT_META_SCHEMA	"lubench-count-meta"
#define COUNT_SCHEMA_VERSION	1


/*
 * The cache model callgrind simulates, the same on every machine (the
 * reference machine's L1s and L3), so that the advisory miss counts of
 * two runs are of one model.  valgrind's option syntax: size,assoc,line.
 */
static const char *const cache_i1 = "32768,8,64";
static const char *const cache_d1 = "32768,8,64";
static const char *const cache_ll = "33554432,16,64";

/* The whole environment of the counted process. */
static char *const clean_env[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };

/* What every row says about the tool and the machine. */
struct env {
	char valgrind[PATH_MAX];
	char valgrind_version[64];	/* "3.19.0" */
	char worker[PATH_MAX + 64];
	char tmp[256];		/* $TMPDIR/lubench-count.XXXXXX */
	char string_functions[512];
	struct topology topo;
};

/* What the stdout table needs of a point. */
struct summary {
	u32 n;
	int variant;
	enum bench_op_id op;
	double per_op, per_total, dr, dw, empty, speedup;
};

static struct summary *summaries;
static u32 nr_summaries, max_summaries;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- running a program with a clean environment ---- */

/* In the child: @path on descriptor @fd, or exit. */
static void redirect(int fd, const char *path, int flags)
{
	int f = open(path, flags, 0644);

	if (f < 0 || dup2(f, fd) < 0)
		_exit(126);
	close(f);
}

/*
 * Run @argv[0] (an absolute path) in @dir with clean_env and nothing
 * else, stdin from @in, stdout to @out and stderr to @err (paths; NULL:
 * /dev/null).  Returns its exit status, or -errno when it could not be
 * started (126: its files could not be opened).
 */
static int run_clean(char *const argv[], const char *dir, const char *in,
		     const char *out, const char *err)
{
	const int wr = O_WRONLY | O_CREAT | O_TRUNC;
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		if (chdir(dir))
			_exit(126);
		redirect(0, in ? in : "/dev/null", O_RDONLY);
		redirect(1, out ? out : "/dev/null", wr);
		redirect(2, err ? err : "/dev/null", wr);
		execve(argv[0], argv, clean_env);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* The first line of @path into @buf, "" when there is none. */
static void first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* Print the last lines of @path to stderr, indented: why a run failed. */
static void show_tail(const char *path, unsigned int lines)
{
	char buf[512], *ring[64] = { };
	unsigned int n = 0, i;
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	if (lines > 64)
		lines = 64;
	while (fgets(buf, sizeof(buf), f)) {
		free(ring[n % lines]);
		ring[n++ % lines] = strdup(buf);
	}
	fclose(f);
	for (i = n > lines ? n - lines : 0; i < n; i++) {
		fprintf(stderr, "  %s", ring[i % lines] ? ring[i % lines] : "");
		free(ring[i % lines]);
		ring[i % lines] = NULL;
	}
}

/* ---- the tools: valgrind on PATH, the worker next to this program ---- */

static bool find_valgrind(char *out, size_t len)
{
	const char *path = getenv("LUBENCH_VALGRIND");
	char *dirs, *save = NULL, *d;
	bool found = false;

	if (path) {
		snprintf(out, len, "%s", path);
		return access(out, X_OK) == 0;
	}
	dirs = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	if (!dirs)
		return false;
	for (d = strtok_r(dirs, ":", &save); d && !found;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(out, len, "%s/valgrind", d);
		found = d[0] == '/' && access(out, X_OK) == 0;
	}
	free(dirs);
	return found;
}

static void probe_tools(struct env *e)
{
	char *argv[] = { e->valgrind, "--version", NULL };
	char path[PATH_MAX + 32], line[64];
	ssize_t n;

	if (!find_valgrind(e->valgrind, sizeof(e->valgrind)))
		lb_die(LB_EXIT_SYSTEM, "valgrind not found on PATH: install the "
		    "Debian package valgrind (./lubench setup)");
	snprintf(path, sizeof(path), "%s/valgrind-version", e->tmp);
	if (run_clean(argv, e->tmp, NULL, path, NULL))
		lb_die(LB_EXIT_SYSTEM, "%s --version failed", e->valgrind);
	first_line(path, line, sizeof(line));
	if (strncmp(line, "valgrind-", 9))
		lb_die(LB_EXIT_SYSTEM, "%s --version said '%s'", e->valgrind, line);
	snprintf(e->valgrind_version, sizeof(e->valgrind_version), "%s",
		 line + 9);
	n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n <= 0)
		lb_die(LB_EXIT_SYSTEM, "/proc/self/exe: %s", strerror(errno));
	path[n] = '\0';
	*strrchr(path, '/') = '\0';
	snprintf(e->worker, sizeof(e->worker), "%s/lubench-count-worker", path);
	if (access(e->worker, X_OK))
		lb_die(LB_EXIT_SYSTEM, "%s: %s", e->worker, strerror(errno));
}

/* Remove @dir and what it holds: files and directories of files. */
static void rm_tree(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dp = opendir(dir);

	if (!dp)
		return;
	while ((d = readdir(dp))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (d->d_type == DT_DIR)
			rm_tree(path);
		else
			unlink(path);
	}
	closedir(dp);
	rmdir(dir);
}

/* ---- one N: run the worker under callgrind ---- */

static void write_input(const struct count_cfg *cfg, u32 n, const char *path)
{
	FILE *f = fopen(path, "w");
	u32 i;
	int op;

	if (!f)
		lb_die(LB_EXIT_SYSTEM, "%s: %s", path, strerror(errno));
	fprintf(f, "n=%u share=%u seed=%llu ops=%u variant=", n,
		cfg->p.share_pct, (unsigned long long)cfg->p.seed, cfg->ops);
	for (i = 0; i < cfg->p.nr_variants; i++)
		fprintf(f, "%s%s", i ? "," : "", cfg->p.variant[i]->name);
	fprintf(f, " op=");
	for (op = 0, i = 0; op < NR_OPS; op++)
		if (cfg->p.op[op])
			fprintf(f, "%s%s", i++ ? "," : "", bench_op_name(op));
	fputc('\n', f);
	if (ferror(f) | fclose(f))
		lb_die(LB_EXIT_SYSTEM, "%s: write error", path);
}

/*
 * The worker is reached through a link with a fixed name in the
 * directory it runs in, so its argv and auxv strings are the same
 * whichever build tree it came from: the stack it starts with is too.
 */
static void run_worker(const struct env *e, const char *dir)
{
	char opt[5][400], in[400], out[400], err[400], log[400];
	char *argv[] = {
		(char *)e->valgrind, "--tool=callgrind", "--instr-atstart=no",
		"--collect-atstart=no", "--cache-sim=yes",
		opt[0], opt[1], opt[2],
		"--compress-strings=no", "--compress-pos=no", "--dump-line=no",
		opt[3], opt[4], "./worker", NULL,
	};
	int rc;

	snprintf(opt[0], sizeof(opt[0]), "--I1=%s", cache_i1);
	snprintf(opt[1], sizeof(opt[1]), "--D1=%s", cache_d1);
	snprintf(opt[2], sizeof(opt[2]), "--LL=%s", cache_ll);
	snprintf(opt[3], sizeof(opt[3]), "--callgrind-out-file=%s/cg.%%p", dir);
	snprintf(opt[4], sizeof(opt[4]), "--log-file=%s/valgrind.log", dir);
	snprintf(in, sizeof(in), "%s/input", dir);
	snprintf(out, sizeof(out), "%s/points.jsonl", dir);
	snprintf(err, sizeof(err), "%s/worker.err", dir);
	snprintf(log, sizeof(log), "%s/valgrind.log", dir);
	rc = run_clean(argv, dir, in, out, err);
	if (rc == 0)
		return;
	if (rc < 0)
		lb_die(LB_EXIT_SYSTEM, "cannot run %s: %s", e->valgrind,
		    strerror(-rc));
	fprintf(stderr, "lubench-count: the worker failed (exit %d) in %s:\n",
		rc, dir);
	show_tail(err, 10);
	show_tail(log, 10);
	exit(rc == LB_EXIT_WRONG ? LB_EXIT_WRONG : LB_EXIT_SYSTEM);
}

/* ---- reading the worker's points and their dumps ---- */

/* The events of one dump, named as the rows name them. */
struct counts {
	u64 ir, dr, dw, i1_miss, d1_miss, ll_miss;
};

static void read_dump(const char *dir, u64 pid, u64 nr, const char *want,
		      struct counts *k, struct env *e)
{
	char path[PATH_MAX + 64], err[PATH_MAX + 128];
	struct cg_dump d;
	u64 v[9] = { };
	static const char *const ev[9] = {
		"Ir", "Dr", "Dw", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw",
	};
	int i;

	snprintf(path, sizeof(path), "%s/cg.%llu.%llu", dir,
		 (unsigned long long)pid, (unsigned long long)nr);
	if (cg_read(path, &d, err, sizeof(err)))
		lb_die(LB_EXIT_SYSTEM, "%s", err);
	if (strcmp(d.trigger, want))
		lb_die(LB_EXIT_SYSTEM, "%s: dump of '%s', expected '%s'", path,
		    d.trigger, want);
	for (i = 0; i < 9; i++)
		if (!cg_total(&d, ev[i], &v[i]))
			lb_die(LB_EXIT_SYSTEM, "%s: no %s event (is --cache-sim on?)",
			    path, ev[i]);
	*k = (struct counts){
		.ir = v[0], .dr = v[1], .dw = v[2], .i1_miss = v[3],
		.d1_miss = v[4] + v[5], .ll_miss = v[6] + v[7] + v[8],
	};
	/* The probe's dump names the string functions glibc picked. */
	if (!strcmp(want, "-/probe/string")) {
		size_t at = 0;

		for (i = 0; i < (int)d.nr_fns; i++)
			at += snprintf(e->string_functions + at,
				       sizeof(e->string_functions) - at, "%s%s",
				       i ? " " : "", d.fn[i]);
		if (!d.nr_fns)
			snprintf(e->string_functions,
				 sizeof(e->string_functions), "unknown");
	}
}

static void add_counts(struct counts *a, const struct counts *b)
{
	a->ir += b->ir;
	a->dr += b->dr;
	a->dw += b->dw;
	a->i1_miss += b->i1_miss;
	a->d1_miss += b->d1_miss;
	a->ll_miss += b->ll_miss;
}

/* A field of the worker's line; the worker is ours, so any defect is fatal. */
static u64 need_u64(const struct jl_obj *o, const char *key, const char *where)
{
	char why[160];
	u64 v;
	int err = jl_u64(o, key, UINT64_MAX, &v);

	if (err)
		lb_die(LB_EXIT_SYSTEM, "%s: %s", where,
		    jl_why(why, sizeof(why), o, key, err, "a count"));
	return v;
}

static const char *need_str(const struct jl_obj *o, const char *key,
			    const char *where)
{
	const char *s;

	if (jl_str(o, key, &s))
		lb_die(LB_EXIT_SYSTEM, "%s: no \"%s\"", where, key);
	return s;
}

/* A dump number, or 0 when the point has no such region. */
static u64 opt_dump(const struct jl_obj *o, const char *key, const char *where)
{
	return jl_has(o, key) && jl_get(o, key) ? need_u64(o, key, where) : 0;
}

/* ---- rows ---- */

static const char *const csv_columns[] = {
	"schema", "schema_version", "run_id", "metric", "variant", "rules", "op",
	"n", "entries", "enumerated", "capacity", "share_pct", "seed", "population_hash",
	"method", "ops", "ops_per_total", "lookups", "level_min", "level_max",
	"instructions", "instructions_per_op", "instructions_per_total",
	"dr_per_op", "dw_per_op", "overhead_instructions_per_op",
	"speedup_vs_linear", "retrieve_instructions", "lookup_instructions",
	"i1_misses", "d1_misses", "ll_misses", "misses_advisory",
	"extrapolated", "checked", "table_bytes", "payload_bytes",
	"blob_bytes", "tool", "valgrind", "cache_i1", "cache_d1", "cache_ll",
	"string_functions", "cpu_model", "compiler",
	NULL,
};

/* One point as the worker reported it, with its counts. */
struct point {
	const char *variant, *rules, *op, *method, *hash;
	u64 n, entries, enumerated, capacity, share_pct, seed, ops, ops_per_total;
	u64 lookups, level_min, level_max, checked;
	u64 table_bytes, payload_bytes, blob_bytes;
	bool extrapolated;
	struct counts main, ret, look, empty;
	/* Derived. */
	double per_op, per_total, dr, dw, empty_per_op;
};

/* Per op and per total, from the counted regions (results/SCHEMA.md). */
static void derive(struct point *p)
{
	double scale;

	if (!strcmp(p->op, "restore")) {
		/* A retrieve, and a window of lookups scaled to them all. */
		scale = (double)p->enumerated / p->lookups;
		p->per_total = p->ret.ir + p->look.ir * scale;
		p->per_op = p->per_total / p->enumerated;
		p->dr = (p->ret.dr + p->look.dr * scale) / p->enumerated;
		p->dw = (p->ret.dw + p->look.dw * scale) / p->enumerated;
	} else {
		p->per_op = (double)p->main.ir / p->ops;
		p->per_total = p->per_op * p->ops_per_total;
		p->dr = (double)p->main.dr / p->ops;
		p->dw = (double)p->main.dw / p->ops;
	}
	p->empty_per_op = (double)p->empty.ir / p->ops;
}

static void emit(struct res_writer *w, const struct count_cfg *cfg,
		 const struct env *e, const struct point *p, double lin)
{
	bool restore = !strcmp(p->op, "restore");
	struct res_row r;

	res_row_reset(&r);
	res_add_str(&r, "run_id", cfg->run_id);
	res_add_str(&r, "metric", "instructions");
	res_add_str(&r, "variant", p->variant);
	res_add_str(&r, "rules", p->rules);
	res_add_str(&r, "op", p->op);
	res_add_u64(&r, "n", p->n);
	res_add_u64(&r, "entries", p->entries);
	res_add_u64(&r, "enumerated", p->enumerated);
	res_add_u64(&r, "capacity", p->capacity);
	res_add_u64(&r, "share_pct", p->share_pct);
	res_add_u64(&r, "seed", p->seed);
	res_add_str(&r, "population_hash", p->hash);
	res_add_str(&r, "method", p->method);
	res_add_u64(&r, "ops", p->ops);
	res_add_u64(&r, "ops_per_total", p->ops_per_total);
	if (restore)
		res_add_u64(&r, "lookups", p->lookups);
	else
		res_add_null(&r, "lookups");
	if (p->level_max) {
		res_add_u64(&r, "level_min", p->level_min);
		res_add_u64(&r, "level_max", p->level_max);
	} else {
		res_add_null(&r, "level_min");
		res_add_null(&r, "level_max");
	}
	res_add_u64(&r, "instructions", p->main.ir);
	res_add_f64(&r, "instructions_per_op", p->per_op);
	res_add_f64(&r, "instructions_per_total", p->per_total);
	res_add_f64(&r, "dr_per_op", p->dr);
	res_add_f64(&r, "dw_per_op", p->dw);
	res_add_f64(&r, "overhead_instructions_per_op", p->empty_per_op);
	res_add_f64(&r, "speedup_vs_linear", lin / p->per_op);
	if (restore) {
		res_add_u64(&r, "retrieve_instructions", p->ret.ir);
		res_add_f64(&r, "lookup_instructions",
			    (double)p->look.ir / p->lookups);
	} else {
		res_add_null(&r, "retrieve_instructions");
		res_add_null(&r, "lookup_instructions");
	}
	res_add_u64(&r, "i1_misses", p->main.i1_miss);
	res_add_u64(&r, "d1_misses", p->main.d1_miss);
	res_add_u64(&r, "ll_misses", p->main.ll_miss);
	res_add_bool(&r, "misses_advisory", true);
	res_add_bool(&r, "extrapolated", p->extrapolated);
	res_add_u64(&r, "checked", p->checked);
	res_add_u64(&r, "table_bytes", p->table_bytes);
	res_add_u64(&r, "payload_bytes", p->payload_bytes);
	res_add_u64(&r, "blob_bytes", p->blob_bytes);
	res_add_str(&r, "tool", "callgrind");
	res_add_str(&r, "valgrind", e->valgrind_version);
	res_add_str(&r, "cache_i1", cache_i1);
	res_add_str(&r, "cache_d1", cache_d1);
	res_add_str(&r, "cache_ll", cache_ll);
	res_add_str(&r, "string_functions", e->string_functions);
	res_add_str(&r, "cpu_model", e->topo.cpu_model);
	res_add_str(&r, "compiler", e->topo.compiler);
	if (res_write(w, &r))
		lb_die(LB_EXIT_SYSTEM, "writing results: %s", strerror(errno));
}

static void remember(const struct count_cfg *cfg, const struct point *p,
		     double lin)
{
	struct summary *s;
	u32 v, op;

	if (nr_summaries == max_summaries) {
		max_summaries = max(64U, max_summaries * 2);
		summaries = realloc(summaries, max_summaries * sizeof(*s));
		if (!summaries)
			lb_die(LB_EXIT_SYSTEM, "out of memory");
	}
	for (v = 0; v < cfg->p.nr_variants; v++)
		if (!strcmp(cfg->p.variant[v]->name, p->variant))
			break;
	op = bench_op_index(p->op);
	s = &summaries[nr_summaries++];
	*s = (struct summary){
		.n = p->n, .variant = v, .op = op, .per_op = p->per_op,
		.per_total = p->per_total, .dr = p->dr, .dw = p->dw,
		.empty = p->empty_per_op, .speedup = lin / p->per_op,
	};
}

/* One line of the worker's report into @p, its dumps read from @dir. */
static void read_point(const struct jl_obj *o, const char *dir,
		       const char *where, struct point *p, struct env *e)
{
	u64 pid = need_u64(o, "pid", where), d;
	char name[COUNT_MAX_NAME * 2];
	bool ok;

	*p = (struct point){
		.variant = need_str(o, "variant", where),
		.rules = need_str(o, "rules", where),
		.op = need_str(o, "op", where),
		.method = need_str(o, "method", where),
		.hash = need_str(o, "population_hash", where),
		.n = need_u64(o, "n", where),
		.entries = need_u64(o, "entries", where),
		.enumerated = need_u64(o, "enumerated", where),
		.capacity = need_u64(o, "capacity", where),
		.share_pct = need_u64(o, "share_pct", where),
		.seed = need_u64(o, "seed", where),
		.ops = need_u64(o, "ops", where),
		.ops_per_total = need_u64(o, "ops_per_total", where),
		.lookups = need_u64(o, "lookups", where),
		.level_min = need_u64(o, "level_min", where),
		.level_max = need_u64(o, "level_max", where),
		.checked = need_u64(o, "checked", where),
		.table_bytes = need_u64(o, "table_bytes", where),
		.payload_bytes = need_u64(o, "payload_bytes", where),
		.blob_bytes = need_u64(o, "blob_bytes", where),
	};
	if (jl_bool(o, "extrapolated", &p->extrapolated) || !p->ops)
		lb_die(LB_EXIT_SYSTEM, "%s: malformed point", where);
	if ((d = opt_dump(o, "dump_ops", where))) {
		snprintf(name, sizeof(name), "%s/%s/ops", p->variant, p->op);
		read_dump(dir, pid, d, name, &p->main, e);
	}
	if ((d = opt_dump(o, "dump_retrieve", where))) {
		snprintf(name, sizeof(name), "%s/%s/retrieve", p->variant, p->op);
		read_dump(dir, pid, d, name, &p->ret, e);
		add_counts(&p->main, &p->ret);
	}
	if ((d = opt_dump(o, "dump_lookups", where))) {
		snprintf(name, sizeof(name), "%s/%s/lookups", p->variant, p->op);
		read_dump(dir, pid, d, name, &p->look, e);
		add_counts(&p->main, &p->look);
	}
	snprintf(name, sizeof(name), "%s/%s/empty", p->variant, p->op);
	read_dump(dir, pid, need_u64(o, "dump_empty", where), name, &p->empty, e);
	ok = !strcmp(p->op, "restore") ? p->lookups > 0 : p->main.ir > 0;
	if (!ok)
		lb_die(LB_EXIT_SYSTEM, "%s: %s %s counted nothing", where, p->variant,
		    p->op);
	derive(p);
}

/* Every point of one N, in the order the worker ran them. */
static u32 read_points(struct res_writer *w, const struct count_cfg *cfg,
		       struct env *e, const char *dir)
{
	char path[PATH_MAX + 32], where[PATH_MAX + 64], why[256];
	struct lb_lines l;
	struct jl_obj o;
	double lin[NR_OPS];
	u32 nr = 0, op;
	int ret;

	for (op = 0; op < NR_OPS; op++)
		lin[op] = NAN;
	snprintf(path, sizeof(path), "%s/points.jsonl", dir);
	if (lb_lines_open(&l, path))
		lb_die(LB_EXIT_SYSTEM, "%s", l.err);
	while ((ret = lb_lines_next(&l)) > 0) {
		struct point p;
		const char *bad;

		snprintf(where, sizeof(where), "%s:%u", path, l.lineno);
		bad = jl_parse_buf(l.line, l.len, &o);
		if (bad)
			lb_die(LB_EXIT_SYSTEM, "%s: %s", where, bad);
		bad = jl_check_schema(&o, COUNT_PROTO_SCHEMA,
				      COUNT_PROTO_VERSION, why, sizeof(why));
		if (bad)
			lb_die(LB_EXIT_SYSTEM, "%s: %s", where, bad);
		if (jl_has(&o, "probe")) {
			struct counts k;

			read_dump(dir, need_u64(&o, "pid", where),
				  need_u64(&o, "dump_ops", where),
				  "-/probe/string", &k, e);
			jl_free(&o);
			continue;
		}
		read_point(&o, dir, where, &p, e);
		/* The worker is ours: its ops are the benchmark's. */
		op = bench_op_index(p.op);
		if (op >= NR_OPS)
			lb_die(LB_EXIT_SYSTEM, "%s: unknown op \"%s\"", where, p.op);
		if (!strcmp(p.variant, "linear"))
			lin[op] = p.per_op;
		emit(w, cfg, e, &p, lin[op]);
		remember(cfg, &p, lin[op]);
		jl_free(&o);
		nr++;
	}
	if (ret < 0)
		lb_die(LB_EXIT_SYSTEM, "%s", l.err);
	lb_lines_close(&l);
	return nr;
}

/* ---- meta.json ---- */

static int write_meta(const struct count_cfg *cfg, const struct env *e,
		      time_t started, double elapsed, bool complete)
{
	FILE *f = res_create(cfg->out, "meta.json");
	struct tm tm;
	char when[32];
	struct json j;
	u32 i;
	int op;

	if (!f)
		return -errno;
	gmtime_r(&started, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_init(&j, f, true);
	json_obj_begin(&j, NULL);
	json_str(&j, "schema", COUNT_META_SCHEMA);
	json_i64(&j, "schema_version", COUNT_SCHEMA_VERSION);
	json_str(&j, "run_id", cfg->run_id);
	json_str(&j, "command", cfg->command);
	json_str(&j, "started", when);
	json_bool(&j, "complete", complete);
	json_f64(&j, "elapsed_s", elapsed);
	json_str(&j, "metric", "instructions");
	json_u64(&j, "seed", cfg->p.seed);
	json_u64(&j, "share_pct", cfg->p.share_pct);
	json_u64(&j, "ops", cfg->ops);
	json_arr_begin(&j, "variants");
	for (i = 0; i < cfg->p.nr_variants; i++)
		json_str(&j, NULL, cfg->p.variant[i]->name);
	json_arr_end(&j);
	json_arr_begin(&j, "ops_counted");
	for (op = 0; op < NR_OPS; op++)
		if (cfg->p.op[op])
			json_str(&j, NULL, bench_op_name(op));
	json_arr_end(&j);
	json_arr_begin(&j, "n");
	for (i = 0; i < cfg->p.nr_n; i++)
		json_u64(&j, NULL, cfg->p.n[i]);
	json_arr_end(&j);
	json_obj_begin(&j, "counter");
	json_str(&j, "tool", "callgrind");
	json_str(&j, "valgrind", e->valgrind_version);
	json_str(&j, "valgrind_path", e->valgrind);
	json_str(&j, "cache_i1", cache_i1);
	json_str(&j, "cache_d1", cache_d1);
	json_str(&j, "cache_ll", cache_ll);
	json_str(&j, "string_functions", e->string_functions[0] ?
		 e->string_functions : NULL);
	json_arr_begin(&j, "environment");
	for (i = 0; clean_env[i]; i++)
		json_str(&j, NULL, clean_env[i]);
	json_arr_end(&j);
	json_obj_end(&j);
	json_obj_begin(&j, "machine");
	topology_json(&e->topo, &j);
	json_obj_end(&j);
	json_obj_end(&j);
	if (ferror(f) | fclose(f))
		return -EIO;
	return 0;
}

/* ---- the stdout table ---- */

static void print_table(const struct count_cfg *cfg, const struct env *e,
			double elapsed)
{
	u32 op, i;

	printf("lubench count  run %s  seed %llu  share %u%%  %u ops per "
	       "point\n", cfg->run_id, (unsigned long long)cfg->p.seed,
	       cfg->p.share_pct, cfg->ops);
	printf("callgrind (valgrind %s), %s; string functions: %s\n",
	       e->valgrind_version, e->topo.cpu_model, e->string_functions);
	printf("commit %.12s%s, %s %s, %.1f s\n", e->topo.git_commit,
	       e->topo.git_dirty ? "-dirty" : "", e->topo.compiler,
	       e->topo.cflags, elapsed);
	printf("instr/op: instructions per op, exact (restore: per "
	       "enumerated device); total: per N ops\n(restore: the whole "
	       "restore); Dr, Dw: data reads and writes per op; harness: the "
	       "empty loop\n\n");
	printf("%-10s %7s %-8s %12s %14s %9s %9s %9s %8s\n", "op", "N",
	       "variant", "instr/op", "total", "Dr/op", "Dw/op", "vs linear",
	       "harness");
	for (op = 0; op < NR_OPS; op++) {
		bool any = false;

		for (i = 0; i < nr_summaries; i++) {
			const struct summary *s = &summaries[i];
			char sp[16] = "-";

			if (s->op != op)
				continue;
			any = true;
			if (isfinite(s->speedup))
				snprintf(sp, sizeof(sp), "%.1fx", s->speedup);
			printf("%-10s %7u %-8s %12.2f %14.0f %9.2f %9.2f %9s "
			       "%8.2f\n", bench_op_name(op), s->n,
			       cfg->p.variant[s->variant]->name, s->per_op,
			       s->per_total, s->dr, s->dw, sp, s->empty);
		}
		if (any)
			printf("\n");
	}
}

/* ---- command line ---- */

static void usage(FILE *f)
{
	fprintf(f, "usage: lubench count");
	lb_options_synopsis(f, count_stage.opts, 21);
	fprintf(f, "\n");
	lb_options_help(f, count_stage.opts);
	fprintf(f,
"\n"
"Runs lubench-count-worker under valgrind's callgrind, one process per N.\n"
"Writes DIR/results.jsonl, results.csv, meta.json (results/SCHEMA.md).\n"
"Exit: 0 done, 1 usage, 2 a layout answered wrongly, 3 system error.\n");
}

static void parse_args(struct count_cfg *cfg, int argc, char **argv)
{
	char err[256];
	size_t at = 0;
	int i;

	for (i = 0; i < argc && at < sizeof(cfg->command) - 1; i++)
		at += snprintf(cfg->command + at, sizeof(cfg->command) - at,
			       "%s%s", i ? " " : "", argv[i]);
	switch (lb_options_parse(&count_stage, cfg, argc, argv, err,
				 sizeof(err))) {
	case 0:
		return;
	case 1:
		usage(stdout);
		exit(0);
	default:
		if (!err[0]) {
			usage(stderr);
			exit(LB_EXIT_USAGE);
		}
		lb_die(LB_EXIT_USAGE, "%s", err);
	}
}

static void make_tmp(struct env *e)
{
	const char *base = getenv("TMPDIR");

	if (!base || !*base || strlen(base) > 200)
		base = "/tmp";
	snprintf(e->tmp, sizeof(e->tmp), "%s/lubench-count.XXXXXX", base);
	if (!mkdtemp(e->tmp))
		lb_die(LB_EXIT_SYSTEM, "%s: %s", e->tmp, strerror(errno));
}

/* The worker under callgrind for one N, then its rows. */
static void count_n(struct res_writer *w, const struct count_cfg *cfg,
		    struct env *e, u32 n, double t0)
{
	char dir[300], path[400];
	double t = now_s();
	u32 nr, want = 0;
	int op;

	for (op = 0; op < NR_OPS; op++)
		want += cfg->p.op[op] ? cfg->p.nr_variants : 0;
	snprintf(dir, sizeof(dir), "%s/n%u", e->tmp, n);
	if (mkdir(dir, 0755))
		lb_die(LB_EXIT_SYSTEM, "%s: %s", dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/worker", dir);
	if (symlink(e->worker, path))
		lb_die(LB_EXIT_SYSTEM, "%s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/input", dir);
	write_input(cfg, n, path);
	run_worker(e, dir);
	nr = read_points(w, cfg, e, dir);
	if (nr != want)
		lb_die(LB_EXIT_SYSTEM, "N=%u: %u points counted, %u expected", n, nr,
		    want);
	if (!cfg->keep)
		rm_tree(dir);
	fprintf(stderr, "count: N=%-6u %3u points in %5.1f s (%.0f s so far)\n",
		n, nr, now_s() - t, now_s() - t0);
}

int main(int argc, char **argv)
{
	static struct count_cfg cfg;
	static struct env e;
	struct res_writer w;
	time_t started = time(NULL);
	double t0 = now_s();
	u32 i;
	int err;

	lb_die_setup("lubench-count", false);
	count_cfg_init(&cfg);
	parse_args(&cfg, argc, argv);
	if (cfg.check)
		return 0;
	err = topology_probe(&e.topo, TOPO_CPU_NONE);
	if (err)
		lb_die(LB_EXIT_SYSTEM, "topology: %s", strerror(-err));
	make_tmp(&e);
	probe_tools(&e);
	bench_run_dir(cfg.run_id, sizeof(cfg.run_id), cfg.out, sizeof(cfg.out),
		      &e.topo, "-count");
	err = res_open(&w, cfg.out, COUNT_SCHEMA, COUNT_SCHEMA_VERSION,
		       csv_columns);
	if (err)
		lb_die(LB_EXIT_SYSTEM, "%s: %s", cfg.out, strerror(-err));
	if (write_meta(&cfg, &e, started, 0, false))
		lb_die(LB_EXIT_SYSTEM, "%s/meta.json: %s", cfg.out, strerror(errno));
	fprintf(stderr, "count: run %s -> %s (valgrind %s)\n", cfg.run_id,
		cfg.out, e.valgrind_version);
	for (i = 0; i < cfg.p.nr_n; i++)
		count_n(&w, &cfg, &e, cfg.p.n[i], t0);
	if (res_close(&w))
		lb_die(LB_EXIT_SYSTEM, "writing results in %s", cfg.out);
	if (write_meta(&cfg, &e, started, now_s() - t0, true))
		lb_die(LB_EXIT_SYSTEM, "%s/meta.json: %s", cfg.out, strerror(errno));
	print_table(&cfg, &e, now_s() - t0);
	if (cfg.keep)
		fprintf(stderr, "count: callgrind's files kept in %s\n", e.tmp);
	else
		rm_tree(e.tmp);
	fprintf(stderr, "count: done in %.1f s: %s\n", now_s() - t0, cfg.out);
	topology_release();
	free(summaries);
	return 0;
}
