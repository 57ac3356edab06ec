// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-guest-verdict: how a guest run ended, read in C from the
 * console markers /init prints (results/GUEST-PROTOCOL.md) and QEMU's
 * status.  scripts/host/guest-run.sh calls it once QEMU has stopped; it
 * appends the host's lubench-run line to the results file through the
 * one writer, writes RUN_DIR/status, says why on stderr and exits with
 * the run's status.
 *
 * It is also the host scripts' reader of what a guest run leaves, so
 * that they parse nothing themselves: --status prints one value of a
 * status file, --ktap the plan and counts of a guest test job's KTAP
 * (guest_status.h).
 *
 * usage: lubench-guest-verdict --run-dir DIR --results FILE --qemu-rc N
 *            --wall-ms MS --timeout S --job-timeout S --accel A
 *            --clock real|icount --cpu C --mem M --smp N
 *        lubench-guest-verdict --status FILE KEY
 *        lubench-guest-verdict --ktap FILE
 * Exit: the job's status (LUBENCH-EXIT), 124 timed out, 125 QEMU failed,
 * 126 kernel panic, 127 no status reported; 2 usage or an unreadable
 * console.  --status: 0 the value printed, 2 usage or a file refused.
 * --ktap: 0 "PLAN OK SKIPPED NOT_OK" printed, 1 no plan line, 2 usage or
 * a file refused.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest_status.h"
#include "input.h"
#include "numparse.h"
#include "results.h"

#define GUEST_SCHEMA		"lubench-guest"
#define GUEST_SCHEMA_VERSION	1
#define TEXT_MAX		200

struct opts {
	const char *dir, *results, *accel, *clock, *cpu, *mem;
	uint64_t qemu_rc, wall_ms, timeout, job_timeout, smp;
};

/* What the console said, its host stamps taken off. */
struct console {
	bool seen;			/* any line at all */
	bool has_exit, timed_out;
	uint64_t exit_rc;
	unsigned int boots;
	char panic[TEXT_MAX + 1];
	char last[TEXT_MAX + 1];	/* the last line that says something */
};

static void usage(void)
{
	fprintf(stderr, "usage: lubench-guest-verdict --run-dir DIR --results FILE "
		"--qemu-rc N --wall-ms MS --timeout S --job-timeout S "
		"--accel A --clock real|icount --cpu C --mem M --smp N\n");
	fprintf(stderr, "       lubench-guest-verdict --status FILE KEY\n"
		"       lubench-guest-verdict --ktap FILE\n");
	exit(2);
}

/* Printable text for a message: control characters dropped, cut short. */
static void keep(char *dst, const char *src)
{
	size_t o = 0;

	for (; *src && o < TEXT_MAX; src++)
		if ((unsigned char)*src >= 0x20 && *src != 0x7f)
			dst[o++] = *src;
	dst[o] = '\0';
}

/* Lines that say nothing about where a run got stuck. */
static bool says_nothing(const char *t)
{
	return !t[strspn(t, " \t")] || strstr(t, "LUBENCH-TIMEOUT") ||
	       strstr(t, "LUBENCH-EXIT") || strstr(t, "reboot: Power down") ||
	       !strcmp(t, "Terminated") || !strcmp(t, "Killed");
}

static void console_line(struct console *c, const char *line)
{
	const char *t = line, *m;
	char num[8];
	size_t n;

	c->seen = true;
	/* The stamper's "[host T ms] " prefix. */
	if (!strncmp(t, "[host ", 6) && (m = strstr(t, " ms] ")))
		t = m + 5;
	if ((m = strstr(t, "LUBENCH-EXIT "))) {
		m += 13;
		n = strspn(m, "0123456789");
		if (n && n < sizeof(num)) {
			memcpy(num, m, n);
			num[n] = '\0';
			if (!lb_parse_u64(num, 0, 255, &c->exit_rc))
				c->has_exit = true;
		}
	}
	c->timed_out |= !!strstr(t, "LUBENCH-TIMEOUT");
	c->boots += !!strstr(t, "LUBENCH-BOOT stage=");
	if (!c->panic[0] && strstr(t, "Kernel panic - not syncing"))
		keep(c->panic, t);
	if (!says_nothing(t))
		keep(c->last, t);
}

static int read_console(const char *path, struct console *c)
{
	struct lb_lines l;
	int ret;

	ret = lb_lines_open(&l, path);
	if (ret == -ENOENT)
		return 0;
	while (!ret && (ret = lb_lines_next(&l)) > 0) {
		console_line(c, l.line);
		ret = 0;
	}
	if (ret)
		fprintf(stderr, "guest-run: %s\n", l.err);
	lb_lines_close(&l);
	return ret;
}

/* The first line QEMU wrote on stderr, if any. */
static void qemu_error(const char *dir, char *buf)
{
	char path[PATH_MAX];
	struct lb_lines l;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/qemu.err", dir);
	if (lb_lines_open(&l, path))
		return;
	while (!buf[0] && lb_lines_next(&l) > 0)
		if (l.line[strspn(l.line, " \t")])
			keep(buf, l.line);
	lb_lines_close(&l);
}

/* The run's status and the reason, in the order the cases can be told. */
static int verdict(const struct opts *o, const struct console *c,
		   char *why, size_t len)
{
	char qerr[TEXT_MAX + 1];
	double wall = o->wall_ms / 1000.0;

	if (c->has_exit && c->timed_out) {
		snprintf(why, len, "guest timed out after %.1f s: the job was "
			 "killed in the guest after its %llu s limit (last "
			 "console line: %s)", wall,
			 (unsigned long long)o->job_timeout, c->last);
		return 124;
	}
	if (c->has_exit) {
		snprintf(why, len, "job exited with status %llu",
			 (unsigned long long)c->exit_rc);
		return c->exit_rc;
	}
	if (c->panic[0]) {
		snprintf(why, len, "kernel panic: %s", c->panic);
		return 126;
	}
	if (o->qemu_rc == 124 || o->qemu_rc == 137) {
		snprintf(why, len, "guest timed out after %llu s (last console "
			 "line: %s)", (unsigned long long)o->timeout, c->last);
		return 124;
	}
	if (o->qemu_rc) {
		qemu_error(o->dir, qerr);
		if (c->seen)
			snprintf(why, len, "qemu died with status %llu (%s); last "
				 "console line: %s",
				 (unsigned long long)o->qemu_rc,
				 qerr[0] ? qerr : "no message", c->last);
		else if (qerr[0])
			snprintf(why, len, "qemu failed to start (%s)", qerr);
		else
			snprintf(why, len, "qemu failed to start (status %llu, "
				 "no message)", (unsigned long long)o->qemu_rc);
		return 125;
	}
	snprintf(why, len, "guest stopped without reporting a status (last "
		 "console line: %s)", c->last);
	return 127;
}

/* The host's line among the guest's, and RUN_DIR/status for the scripts. */
static int record(const struct opts *o, const struct console *c, int rc,
		  const char *why)
{
	char path[PATH_MAX];
	struct guest_status st;
	char err[400];
	struct res_row r;
	FILE *f;
	int ret;

	res_row_reset(&r);
	res_add_str(&r, "type", "lubench-run");
	res_add_str(&r, "accel", o->accel);
	res_add_str(&r, "clock", o->clock);
	/* Under icount the shift is 0: one instruction per ns. */
	if (!strcmp(o->clock, "icount"))
		res_add_u64(&r, "icount_shift", 0);
	else
		res_add_null(&r, "icount_shift");
	res_add_str(&r, "cpu", o->cpu);
	res_add_str(&r, "mem", o->mem);
	res_add_u64(&r, "smp", o->smp);
	res_add_u64(&r, "wall_ms", o->wall_ms);
	res_add_u64(&r, "boots", c->boots);
	res_add_u64(&r, "exit", rc);
	res_add_str(&r, "reason", why);
	f = fopen(o->results, "a");
	ret = f ? res_line(f, GUEST_SCHEMA, GUEST_SCHEMA_VERSION, &r) : -errno;
	if (f && fclose(f) && !ret)
		ret = -EIO;
	if (ret) {
		fprintf(stderr, "guest-run: %s: %s\n", o->results, strerror(-ret));
		return ret;
	}
	snprintf(st.val[GS_RC], sizeof(st.val[GS_RC]), "%d", rc);
	snprintf(st.val[GS_ACCEL], sizeof(st.val[GS_ACCEL]), "%s", o->accel);
	snprintf(st.val[GS_CLOCK], sizeof(st.val[GS_CLOCK]), "%s", o->clock);
	snprintf(st.val[GS_CPU], sizeof(st.val[GS_CPU]), "%s", o->cpu);
	snprintf(st.val[GS_WALL_MS], sizeof(st.val[GS_WALL_MS]), "%llu",
		 (unsigned long long)o->wall_ms);
	snprintf(st.val[GS_BOOTS], sizeof(st.val[GS_BOOTS]), "%u", c->boots);
	snprintf(st.val[GS_REASON], sizeof(st.val[GS_REASON]), "%s", why);
	snprintf(path, sizeof(path), "%s/status", o->dir);
	ret = guest_status_write(path, &st, err, sizeof(err));
	if (ret)
		fprintf(stderr, "guest-run: %s\n", err);
	return ret;
}

static uint64_t num(const char *opt, const char *s, uint64_t max)
{
	char why[160];
	uint64_t v;
	int ret = lb_parse_u64(s, 0, max, &v);

	if (ret) {
		fprintf(stderr, "lubench-guest-verdict: %s\n",
			lb_parse_error(why, sizeof(why), opt, s, ret, 0, max));
		exit(2);
	}
	return v;
}

/* A value that goes into a KEY=VALUE line: no control characters. */
static const char *word(const char *opt, const char *s)
{
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20) {
			fprintf(stderr, "lubench-guest-verdict: %s: a control "
				"character in '%s'\n", opt, s);
			exit(2);
		}
	return s;
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option opts[] = {
		{ "run-dir", required_argument, NULL, 'd' },
		{ "results", required_argument, NULL, 'r' },
		{ "qemu-rc", required_argument, NULL, 'q' },
		{ "wall-ms", required_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 't' },
		{ "job-timeout", required_argument, NULL, 'j' },
		{ "accel", required_argument, NULL, 'a' },
		{ "clock", required_argument, NULL, 'k' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "mem", required_argument, NULL, 'm' },
		{ "smp", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->dir = optarg; break;
		case 'r': o->results = optarg; break;
		case 'q': o->qemu_rc = num("--qemu-rc", optarg, 255); break;
		case 'w': o->wall_ms = num("--wall-ms", optarg, UINT32_MAX); break;
		case 't': o->timeout = num("--timeout", optarg, UINT32_MAX); break;
		case 'j': o->job_timeout = num("--job-timeout", optarg, UINT32_MAX); break;
		case 'a': o->accel = word("--accel", optarg); break;
		case 'k': o->clock = optarg; break;
		case 'c': o->cpu = word("--cpu", optarg); break;
		case 'm': o->mem = word("--mem", optarg); break;
		case 's': o->smp = num("--smp", optarg, 4096); break;
		default: usage();
		}
	}
	if (optind != argc || !o->dir || !o->results || !o->accel ||
	    !o->clock || !o->cpu || !o->mem)
		usage();
	if (strcmp(o->clock, "real") && strcmp(o->clock, "icount")) {
		fprintf(stderr, "lubench-guest-verdict: --clock wants real or "
			"icount, not '%s'\n", o->clock);
		exit(2);
	}
}

/* --status FILE KEY: the one value, or why the file is refused. */
static int print_status(const char *path, const char *key)
{
	struct guest_status st;
	char err[400];
	int k = guest_status_key(key);

	if (k < 0) {
		fprintf(stderr, "lubench-guest-verdict: --status: no key '%s' "
			"(%s)\n", key, guest_status_keys());
		return 2;
	}
	if (guest_status_read(path, &st, err, sizeof(err))) {
		fprintf(stderr, "lubench-guest-verdict: %s\n", err);
		return 2;
	}
	printf("%s\n", st.val[k]);
	return 0;
}

/* --ktap FILE: "PLAN OK SKIPPED NOT_OK", or why not. */
static int print_ktap(const char *path)
{
	struct ktap_tally t;
	char err[400];
	int ret = ktap_tally(path, &t, err, sizeof(err));

	if (ret) {
		fprintf(stderr, "lubench-guest-verdict: %s\n", err);
		return ret == -ENOENT ? 1 : 2;
	}
	printf("%llu %llu %llu %llu\n", (unsigned long long)t.plan,
	       (unsigned long long)t.ok, (unsigned long long)t.skipped,
	       (unsigned long long)t.not_ok);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--status"))
		return print_status(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "--ktap"))
		return print_ktap(argv[2]);
	struct console c = { 0 };
	struct opts o = { 0 };
	char path[PATH_MAX], why[600];
	int rc;

	parse_args(argc, argv, &o);
	snprintf(path, sizeof(path), "%s/console.log", o.dir);
	if (read_console(path, &c))
		return 2;
	rc = verdict(&o, &c, why, sizeof(why));
	if (record(&o, &c, rc, why))
		return 125;
	fprintf(stderr, "guest-run: %s\n", why);
	fprintf(stderr, "guest-run: accel=%s clock=%s cpu=%s wall=%.1fs "
		"boots=%u console=%s results=%s\n", o.accel, o.clock, o.cpu,
		o.wall_ms / 1000.0, c.boots, path, o.results);
	return rc;
}
