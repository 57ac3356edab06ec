// SPDX-License-Identifier: GPL-2.0
/*
 * serial-stamp: prefix every line read on stdin with the host's monotonic
 * time, so a guest's console carries an independent clock next to the
 * guest's own TSC-based timestamps.
 *
 * usage: serial-stamp [--progress TOTAL] [EPOCH_NS]
 *
 * A line is stamped with the time its *first* byte arrived, not when its
 * newline did: a kernel that prints half a line and then stalls (a hang,
 * a kexec) must show when it started talking. Times are milliseconds
 * since EPOCH_NS (a CLOCK_MONOTONIC value in ns, so several tools can
 * share one origin), or since this program started. Output format:
 *
 *	[host     1234.567 ms] text of the line
 *
 * Carriage returns are dropped (the guest's tty sends CRLF), and so are
 * terminal escape sequences (the firmware clears the screen): a line made
 * of an escape and then nothing for seconds must not lend its early stamp
 * to the text that follows. Output is
 * written with write(2) per line so a reader sees a line as soon as it is
 * complete; a partial line is flushed with its stamp at end of input.
 * Written in C because a shell loop forking date(1) per line falls behind
 * a guest that prints thousands of lines and then stamps them late.
 *
 * --progress TOTAL: a long guest run says how far it got.  For every
 * console line "LUBENCH-PROGRESS cycle=K variant=V n=N [blackout_ms=X]
 * verdict=W" (results/GUEST-PROTOCOL.md) one line goes to stderr:
 *
 *	cycle: jump K/TOTAL linear N=1024 blackout 12.3 ms (guest clock),
 *	       40 s so far, about 120 s left
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES	8192

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The stamp is formatted when the line's first byte arrives and kept in
 * front of the line buffer, so one write(2) emits stamp and text together
 * and a concurrent reader never sees a stamp without its line.
 */
struct line {
	char buf[64 + LINE_MAX_BYTES + 1];
	size_t len;		/* bytes in buf, stamp included */
	int open;		/* a stamp was written, text may follow */
};

static void line_start(struct line *l, uint64_t epoch)
{
	uint64_t t = now_ns() - epoch;
	int n;

	n = snprintf(l->buf, 64, "[host %8llu.%03llu ms] ",
		     (unsigned long long)(t / 1000000),
		     (unsigned long long)(t / 1000 % 1000));
	l->len = (size_t)n;
	l->open = 1;
}

static unsigned long progress_total;
static uint64_t progress_epoch;

/* The value of " KEY=" in @text, up to the next space, into @out. */
static const char *kv(const char *text, const char *key, char *out,
		      size_t len)
{
	char pat[32];
	const char *p;
	size_t n;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(text, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	n = strcspn(p, " ");
	if (n >= len)
		n = len - 1;
	memcpy(out, p, n);
	out[n] = 0;
	return out;
}

static void progress(const char *text)
{
	const char *mark = strstr(text, "LUBENCH-PROGRESS ");
	char cyc[16], var[32], n[16], bo[32], verdict[16];
	double so_far, left;
	unsigned long k;

	if (!mark || !kv(mark, "cycle", cyc, sizeof(cyc)))
		return;
	k = strtoul(cyc, NULL, 10);
	if (!kv(mark, "variant", var, sizeof(var)))
		strcpy(var, "?");
	if (!kv(mark, "n", n, sizeof(n)))
		strcpy(n, "?");
	if (!kv(mark, "verdict", verdict, sizeof(verdict)))
		strcpy(verdict, "?");
	so_far = (double)(now_ns() - progress_epoch) / 1e9;
	fprintf(stderr, "cycle: jump %lu/%lu %s N=%s ", k, progress_total,
		var, n);
	if (kv(mark, "blackout_ms", bo, sizeof(bo)))
		fprintf(stderr, "blackout %s ms (guest clock)", bo);
	else
		fprintf(stderr, "%s", verdict);
	fprintf(stderr, ", %.0f s so far", so_far);
	if (k && k < progress_total) {
		left = so_far / (double)k * (double)(progress_total - k);
		fprintf(stderr, ", about %.0f s left", left);
	}
	fputc('\n', stderr);
}

static int line_flush(struct line *l)
{
	if (!l->open)
		return 0;
	if (progress_total) {
		l->buf[l->len] = 0;
		progress(l->buf);
	}
	l->buf[l->len++] = '\n';
	l->open = 0;
	return write_all(STDOUT_FILENO, l->buf, l->len);
}

/* Where we are in a terminal escape sequence (ECMA-48). */
enum esc_state {
	ESC_NONE,
	ESC_START,	/* after ESC */
	ESC_CSI,	/* after ESC [, until a final byte 0x40..0x7e */
};

/* Returns 1 if c is part of an escape sequence and must be dropped. */
static int in_escape(enum esc_state *st, unsigned char c)
{
	switch (*st) {
	case ESC_NONE:
		if (c != 0x1b)
			return 0;
		*st = ESC_START;
		return 1;
	case ESC_START:
		*st = c == '[' ? ESC_CSI : ESC_NONE;
		return 1;
	case ESC_CSI:
		if (c >= 0x40 && c <= 0x7e)
			*st = ESC_NONE;
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct line l;
	enum esc_state esc = ESC_NONE;
	uint64_t epoch;
	char in[4096];

	if (argc >= 3 && !strcmp(argv[1], "--progress")) {
		char *end;

		progress_total = strtoul(argv[2], &end, 10);
		if (!*argv[2] || *end || !progress_total)
			goto usage;
		argc -= 2;
		argv += 2;
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
		goto usage;
	epoch = argc == 2 ? strtoull(argv[1], NULL, 10) : now_ns();
	progress_epoch = now_ns();

	for (;;) {
		ssize_t n = read(STDIN_FILENO, in, sizeof(in));
		ssize_t i;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (i = 0; i < n; i++) {
			char c = in[i];

			if (in_escape(&esc, (unsigned char)c) || c == '\r')
				continue;
			if (!l.open)
				line_start(&l, epoch);
			if (c == '\n') {
				if (line_flush(&l))
					return 1;
				continue;
			}
			/* An endless line is cut, not dropped or overflowed. */
			if (l.len >= sizeof(l.buf) - 1 && line_flush(&l))
				return 1;
			if (!l.open)
				line_start(&l, epoch);
			l.buf[l.len++] = c;
		}
	}
	return line_flush(&l) ? 1 : 0;
usage:
	fprintf(stderr, "usage: serial-stamp [--progress TOTAL] [EPOCH_NS]\n");
	return 2;
}
