// SPDX-License-Identifier: GPL-2.0
/* Bounded input for every lubench reader (input.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input.h"

const char *lb_size_str(char *buf, size_t len, uint64_t bytes)
{
	if (bytes >= (1ULL << 20) && !(bytes & ((1ULL << 20) - 1)))
		snprintf(buf, len, "%" PRIu64 " MiB", bytes >> 20);
	else if (bytes >= 1024 && !(bytes & 1023))
		snprintf(buf, len, "%" PRIu64 " KiB", bytes >> 10);
	else
		snprintf(buf, len, "%" PRIu64 " B", bytes);
	return buf;
}

/* Only what can be read to its end: a regular file or a pipe. */
static int check_kind(int fd, const char *name, bool pipe_ok, char *err,
		      size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st)) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		return -errno;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a directory", name);
		return -EISDIR;
	}
	if (!S_ISREG(st.st_mode) && !(pipe_ok && S_ISFIFO(st.st_mode))) {
		snprintf(err, errlen, "%s: not a regular file", name);
		return -EINVAL;
	}
	return 0;
}

void lb_lines_init(struct lb_lines *l, FILE *f, const char *name)
{
	memset(l, 0, sizeof(*l));
	l->f = f;
	l->name = name;
	l->max_line = LB_MAX_LINE;
	l->max_total = LB_MAX_TEXT;
}

int lb_lines_open(struct lb_lines *l, const char *path)
{
	bool is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "r");
	int ret;

	lb_lines_init(l, NULL, is_stdin ? "stdin" : path);
	if (!f) {
		ret = -errno;
		snprintf(l->err, sizeof(l->err), "%s: %s", path, strerror(errno));
		return ret;
	}
	ret = check_kind(fileno(f), l->name, true, l->err, sizeof(l->err));
	if (ret) {
		if (!is_stdin)
			fclose(f);
		return ret;
	}
	l->f = f;
	l->own = !is_stdin;
	return 0;
}

static int lines_fail(struct lb_lines *l, int ret, const char *why)
{
	snprintf(l->err, sizeof(l->err), "%s:%u: %s", l->name, l->lineno, why);
	return ret;
}

/* Append one byte to the current line, growing it up to the limit. */
static int lines_put(struct lb_lines *l, char c)
{
	if (l->len + 1 >= l->cap) {
		size_t n = l->cap ? 2 * l->cap : 256;
		char *p;

		if (n > l->max_line + 1)
			n = l->max_line + 1;
		p = realloc(l->line, n);
		if (!p)
			return -ENOMEM;
		l->line = p;
		l->cap = n;
	}
	l->line[l->len++] = c;
	return 0;
}

int lb_lines_next(struct lb_lines *l)
{
	char limit[32];
	int c;

	l->len = 0;
	l->lineno++;
	for (;;) {
		errno = 0;
		c = getc(l->f);
		if (c == EOF)
			break;
		if (++l->total > l->max_total) {
			lb_size_str(limit, sizeof(limit), l->max_total);
			snprintf(l->err, sizeof(l->err),
				 "%s: longer than the limit of %s", l->name,
				 limit);
			return -EFBIG;
		}
		if (c == '\n')
			break;
		if (c == '\0')
			return lines_fail(l, -EINVAL, "NUL byte in the line");
		if (l->len == l->max_line) {
			lb_size_str(limit, sizeof(limit), l->max_line);
			snprintf(l->err, sizeof(l->err),
				 "%s:%u: line longer than the limit of %s",
				 l->name, l->lineno, limit);
			return -EFBIG;
		}
		if (lines_put(l, c))
			return lines_fail(l, -ENOMEM, "out of memory");
	}
	if (c == EOF && ferror(l->f)) {
		int err = errno ? errno : EIO;

		return lines_fail(l, -err, strerror(err));
	}
	if (c == EOF && !l->len) {
		l->lineno--;
		return 0;
	}
	if (l->len && l->line[l->len - 1] == '\r')
		l->len--;
	if (lines_put(l, '\0'))
		return lines_fail(l, -ENOMEM, "out of memory");
	l->len--;
	return 1;
}

void lb_lines_close(struct lb_lines *l)
{
	if (l->own && l->f)
		fclose(l->f);
	free(l->line);
	l->f = NULL;
	l->line = NULL;
	l->len = l->cap = 0;
}

int lb_read_file(const char *path, size_t max, void **buf, size_t *len,
		 char *err, size_t errlen)
{
	char limit[32];
	struct stat st;
	size_t got = 0;
	char *p = NULL;
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(errno));
		return ret;
	}
	ret = check_kind(fd, path, false, err, errlen);
	if (ret)
		goto out;
	if (fstat(fd, &st) || (uint64_t)st.st_size > max) {
		lb_size_str(limit, sizeof(limit), max);
		snprintf(err, errlen, "%s: larger than the limit of %s", path,
			 limit);
		ret = -EFBIG;
		goto out;
	}
	/* One byte more than the size: a file that grew is noticed. */
	p = malloc((size_t)st.st_size + 1);
	if (!p) {
		snprintf(err, errlen, "%s: out of memory", path);
		ret = -ENOMEM;
		goto out;
	}
	while ((n = read(fd, p + got, (size_t)st.st_size + 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			snprintf(err, errlen, "%s: read error: %s", path,
				 strerror(errno));
			goto out;
		}
		got += n;
		if (got > (size_t)st.st_size) {
			snprintf(err, errlen, "%s: changed while being read",
				 path);
			ret = -EAGAIN;
			goto out;
		}
	}
	*buf = p;
	*len = got;
	p = NULL;
out:
	free(p);
	close(fd);
	return ret;
}
