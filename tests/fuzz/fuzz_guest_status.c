// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the two readers the host scripts act on through
 * `lubench-guest-verdict --status FILE KEY` and `--ktap FILE`
 * (bench/tools/guest_status.c), each fed every input as a whole file.
 *
 * The status reader: a refused file names NAME:LINE (a line the input
 * has) or the key it lacks; an accepted one has exactly one KEY=VALUE
 * line per key, each value of its key's form (rc a decimal 0..255,
 * wall_ms and boots decimal counts, clock real or icount, no control
 * character), and what it holds, written by the one writer, reads back
 * the same.
 *
 * The KTAP reader: a refused file names NAME:LINE or says there is no
 * plan; an accepted one counts no more results than it has lines and no
 * more skipped than ok; the next result appended is counted; the same
 * lines indented (a subtest) have no top-level plan or result at all.
 */
#include <errno.h>
#include <stdbool.h>
#include <unistd.h>

#include "guest_status.h"
#include "input.h"
#include "fuzz.h"

static const char *const keys[GS_NR_KEYS] = {
	"rc", "accel", "clock", "cpu", "wall_ms", "boots", "reason",
};

/* The writer's file: an unlinked temporary file, open for the run. */
static char tmp_path[64];

/* The lines of @size bytes as lb_lines counts them. */
static unsigned int nr_lines(const char *s, size_t size)
{
	unsigned int n = 0;

	for (size_t i = 0; i < size; i++)
		n += s[i] == '\n';
	return n + (size && s[size - 1] != '\n');
}

/* @size bytes of @s as lines named @name: the reader's return, @err. */
static int read_mem(const char *s, size_t size, const char *name, bool ktap,
		    void *out, char *err, size_t errlen)
{
	struct lb_lines l;
	FILE *f;
	int ret;

	/* fmemopen may refuse a zero size: an empty file is /dev/null. */
	f = size ? fmemopen((void *)s, size, "r") : fopen("/dev/null", "r");
	if (!f)
		abort();
	lb_lines_init(&l, f, name);
	ret = ktap ? ktap_tally_lines(&l, out, err, errlen) :
		     guest_status_read_lines(&l, out, err, errlen);
	lb_lines_close(&l);
	fclose(f);
	return ret;
}

/*
 * A refusal's message: "NAME:LINE: ..." with a line of the input, or
 * "NAME: ..." (a key or the plan missing, nothing else).
 */
static void check_refusal(int ret, const char *err, size_t errlen,
			  const char *name, unsigned int lines)
{
	size_t n = strlen(name);
	unsigned long line;
	char *end;

	FUZZ_CHECK(ret < 0, "refused with %d", ret);
	FUZZ_CHECK(memchr(err, '\0', errlen), "message not terminated");
	FUZZ_CHECK(!strncmp(err, name, n) && err[n] == ':',
		   "message without the name: '%s'", err);
	if (err[n + 1] == ' ') {
		FUZZ_CHECK(!strncmp(err + n + 2, "no ", 3),
			   "a refusal without a line: '%s'", err);
		return;
	}
	line = strtoul(err + n + 1, &end, 10);
	FUZZ_CHECK(end > err + n + 1 && *end == ':' && end[1] == ' ',
		   "not NAME:LINE: '%s'", err);
	FUZZ_CHECK(line >= 1 && line <= lines, "line %lu of %u: '%s'", line,
		   lines, err);
}

/* A decimal count: digits, no leading zero, at most @max. */
static bool decimal(const char *v, unsigned long long max)
{
	size_t n = strspn(v, "0123456789");

	if (!n || v[n] || (v[0] == '0' && n > 1) || n > 20)
		return false;
	errno = 0;
	return strtoull(v, NULL, 10) <= max && !errno;
}

static void check_status(const char *s, size_t size)
{
	static struct guest_status st, back;
	unsigned int lines = nr_lines(s, size);
	char err[1024], text[GS_NR_KEYS * 660];
	size_t len = 0;
	int ret;

	ret = read_mem(s, size, "status", false, &st, err, sizeof(err));
	if (ret) {
		check_refusal(ret, err, sizeof(err), "status", lines);
		return;
	}
	FUZZ_CHECK(lines == GS_NR_KEYS, "accepted with %u lines", lines);
	for (int k = 0; k < GS_NR_KEYS; k++) {
		const char *v = st.val[k];

		FUZZ_CHECK(guest_status_key(keys[k]) == k, "key %s", keys[k]);
		FUZZ_CHECK(memchr(v, '\0', sizeof(st.val[k])),
			   "%s not terminated", keys[k]);
		for (const char *p = v; *p; p++)
			FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f,
				   "a control character in %s", keys[k]);
		len += snprintf(text + len, sizeof(text) - len, "%s=%s\n",
				keys[k], v);
	}
	FUZZ_CHECK(decimal(st.val[GS_RC], 255), "rc '%s'", st.val[GS_RC]);
	FUZZ_CHECK(decimal(st.val[GS_WALL_MS], UINT32_MAX), "wall_ms '%s'",
		   st.val[GS_WALL_MS]);
	FUZZ_CHECK(decimal(st.val[GS_BOOTS], UINT32_MAX), "boots '%s'",
		   st.val[GS_BOOTS]);
	FUZZ_CHECK(!strcmp(st.val[GS_CLOCK], "real") ||
		   !strcmp(st.val[GS_CLOCK], "icount"),
		   "clock '%s'", st.val[GS_CLOCK]);

	/* In the writer's order, and through the writer, the same values. */
	ret = read_mem(text, len, "canonical", false, &back, err, sizeof(err));
	FUZZ_CHECK(!ret, "the canonical text refused: %s", err);
	FUZZ_CHECK(!memcmp(&st, &back, sizeof(st)), "canonical text differs");
	ret = guest_status_write(tmp_path, &st, err, sizeof(err));
	FUZZ_CHECK(!ret, "write: %s", err);
	ret = guest_status_read(tmp_path, &back, err, sizeof(err));
	FUZZ_CHECK(!ret, "what the writer wrote is refused: %s", err);
	FUZZ_CHECK(!memcmp(&st, &back, sizeof(st)), "written file differs");
}

static void check_ktap(const char *s, size_t size)
{
	unsigned int lines = nr_lines(s, size);
	struct ktap_tally t, t2;
	char err[1024], *buf;
	size_t len;
	int ret;

	/* Indented, every line is a subtest's: no plan, no result. */
	buf = malloc(size * 3 + 1);
	if (!buf)
		abort();
	len = 0;
	for (size_t i = 0; i < size; i++) {
		if (i == 0 || s[i - 1] == '\n')
			buf[len++] = ' ', buf[len++] = ' ';
		buf[len++] = s[i];
	}
	ret = read_mem(buf, len, "ktap", true, &t2, err, sizeof(err));
	if (memchr(s, '\0', size))
		FUZZ_CHECK(ret == -EINVAL, "a NUL byte indented: %d", ret);
	else
		FUZZ_CHECK(ret == -ENOENT && !t2.ok && !t2.not_ok,
			   "indented: %d, %llu ok", ret,
			   (unsigned long long)t2.ok);
	free(buf);

	ret = read_mem(s, size, "ktap", true, &t, err, sizeof(err));
	if (ret) {
		check_refusal(ret, err, sizeof(err), "ktap", lines);
		FUZZ_CHECK(ret == -EINVAL || ret == -ENOENT, "refused with %d",
			   ret);
		return;
	}
	FUZZ_CHECK(t.plan <= UINT32_MAX, "plan %llu",
		   (unsigned long long)t.plan);
	FUZZ_CHECK(t.skipped <= t.ok, "%llu skipped of %llu ok",
		   (unsigned long long)t.skipped, (unsigned long long)t.ok);
	FUZZ_CHECK(t.ok + t.not_ok < lines, "%llu results in %u lines",
		   (unsigned long long)(t.ok + t.not_ok), lines);

	/* The next two results appended: counted, in order. */
	buf = malloc(size + 64);
	if (!buf)
		abort();
	memcpy(buf, s, size);
	len = size + sprintf(buf + size, "\nok %llu x\nnot ok %llu y\n",
			     (unsigned long long)(t.ok + t.not_ok + 1),
			     (unsigned long long)(t.ok + t.not_ok + 2));
	ret = read_mem(buf, len, "ktap", true, &t2, err, sizeof(err));
	if (t.ok + t.not_ok + 2 > UINT32_MAX) {
		free(buf);
		return;
	}
	FUZZ_CHECK(!ret, "two results appended: %s", err);
	FUZZ_CHECK(t2.plan == t.plan && t2.ok == t.ok + 1 &&
		   t2.not_ok == t.not_ok + 1 && t2.skipped == t.skipped,
		   "appended: %llu ok %llu not ok, were %llu %llu",
		   (unsigned long long)t2.ok, (unsigned long long)t2.not_ok,
		   (unsigned long long)t.ok, (unsigned long long)t.not_ok);

	/* One result skipped, or one again: refused at its line. */
	for (int again = 0; again < 2; again++) {
		unsigned long long num = t.ok + t.not_ok + (again ? 0 : 2);
		unsigned int at = lines + (s[size - 1] == '\n' ? 2 : 1);
		char want[64];

		if (!num)
			continue;
		len = size + sprintf(buf + size, "\nok %llu z\n", num);
		ret = read_mem(buf, len, "ktap", true, &t2, err, sizeof(err));
		snprintf(want, sizeof(want), "ktap:%u: test %llu where", at, num);
		FUZZ_CHECK(ret == -EINVAL && !strncmp(err, want, strlen(want)),
			   "result %llu appended: %d '%s'", num, ret, err);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!tmp_path[0]) {
		int fd;

		snprintf(tmp_path, sizeof(tmp_path),
			 "/tmp/fuzz_guest_status.XXXXXX");
		fd = mkstemp(tmp_path);
		if (fd < 0 || unlink(tmp_path))
			abort();
		snprintf(tmp_path, sizeof(tmp_path), "/proc/self/fd/%d", fd);
	}
	check_status((const char *)data, size);
	check_ktap((const char *)data, size);
	return 0;
}
