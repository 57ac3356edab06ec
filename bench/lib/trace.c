// SPDX-License-Identifier: GPL-2.0
/*
 * The trace parser.  Every line is checked before any op runs, so a bad
 * trace never leaves a half-replayed table behind.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input.h"
#include "pci_ser_blob.h"
#include "trace.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Exactly @min..@max hex digits up to @stop; advances *s past them. */
static const char *hex_field(const char **s, int min, int max, char stop,
			     uint32_t *out, const char *what)
{
	static char why[64];
	uint32_t v = 0;
	int n = 0;

	while (**s && **s != stop) {
		int h = hexval((unsigned char)**s);

		if (h < 0 || n == max) {
			snprintf(why, sizeof(why), "bad %s in device", what);
			return why;
		}
		v = v << 4 | h;
		n++;
		(*s)++;
	}
	if (n < min) {
		snprintf(why, sizeof(why), "bad %s in device", what);
		return why;
	}
	*out = v;
	return NULL;
}

const char *pci_dev_parse(const char *s, uint32_t *domain, uint16_t *bdf)
{
	uint32_t dom, bus, dev, fn;
	const char *why;

	if (!strchr(s, ':') || strchr(s, ':') == strrchr(s, ':') ||
	    !strchr(s, '.'))
		return "expected a device as DOMAIN:BUS:DEV.FN";
	why = hex_field(&s, 1, 8, ':', &dom, "domain (1 to 8 hex digits)");
	if (why)
		return why;
	s++;
	why = hex_field(&s, 2, 2, ':', &bus, "bus (2 hex digits)");
	if (why)
		return why;
	s++;
	why = hex_field(&s, 2, 2, '.', &dev, "device (2 hex digits)");
	if (why)
		return why;
	if (*s != '.')
		return "expected '.' before the function";
	if (dev > 0x1f)
		return "device number above 1f";
	s++;
	why = hex_field(&s, 1, 1, '\0', &fn, "function (0 to 7)");
	if (why)
		return why;
	if (fn > 7)
		return "function number above 7";
	*domain = dom;
	*bdf = bus << 8 | dev << 3 | fn;
	return NULL;
}

void pci_dev_format(char buf[PCI_DEV_STR_LEN], uint32_t domain, uint16_t bdf)
{
	snprintf(buf, PCI_DEV_STR_LEN, "%04x:%02x:%02x.%x", domain, bdf >> 8,
		 (bdf >> 3) & 0x1f, bdf & 7);
}

static const char *const op_names[] = {
	[TRACE_PRESERVE]	= "preserve",
	[TRACE_UNPRESERVE]	= "unpreserve",
	[TRACE_FIND]		= "find",
};

const char *trace_op_name(enum trace_op op)
{
	return op_names[op];
}

static int trace_push(struct trace *t, const struct trace_rec *r)
{
	if (t->nr == t->alloc) {
		size_t n = t->alloc ? t->alloc * 2 : 256;
		struct trace_rec *p = realloc(t->rec, n * sizeof(*p));

		if (!p)
			return -1;
		t->rec = p;
		t->alloc = n;
	}
	t->rec[t->nr++] = *r;
	return 0;
}

#define MAX_TOKENS 4

/*
 * A token as a message can show it: at most 32 characters, a control
 * character or any byte outside printable ASCII as \xNN, so "unknown op"
 * never prints an empty or garbled name.
 */
static const char *printable(const char *s, char *buf, size_t len)
{
	size_t o = 0, i;

	for (i = 0; s[i] && i < 32 && o + 5 < len; i++) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f)
			buf[o++] = c;
		else
			o += snprintf(buf + o, len - o, "\\x%02x", c);
	}
	if (s[i] && o + 4 < len)
		o += snprintf(buf + o, len - o, "...");
	buf[o] = '\0';
	return buf;
}

/* Split @line in place; comments start at '#'.  Returns the count. */
static int tokenize(char *line, char *tok[MAX_TOKENS + 1])
{
	char *hash = strchr(line, '#');
	char *save = NULL, *p;
	int n = 0;

	if (hash)
		*hash = '\0';
	for (p = strtok_r(line, " \t\r\n\v\f", &save); p;
	     p = strtok_r(NULL, " \t\r\n\v\f", &save)) {
		if (n == MAX_TOKENS + 1)
			break;
		tok[n++] = p;
	}
	return n;
}

static const char *parse_capacity(struct trace *t, char **tok, int n,
				  char *why, size_t len)
{
	unsigned long long v;
	char *end;

	if (t->has_capacity)
		return "capacity given twice";
	if (t->nr)
		return "capacity must come before the first op";
	if (n != 2)
		return n < 2 ? "capacity needs a number" :
			       "unexpected text after the capacity";
	if (!isdigit((unsigned char)tok[1][0]))
		return "capacity must be a decimal number";
	errno = 0;
	v = strtoull(tok[1], &end, 10);
	if (*end)
		return "capacity must be a decimal number";
	if (errno || v > PCI_SER_MAX_CAPACITY) {
		snprintf(why, len, "capacity above the maximum of %u",
			 PCI_SER_MAX_CAPACITY);
		return why;
	}
	t->capacity = v;
	t->has_capacity = true;
	return NULL;
}

static const char *parse_line(struct trace *t, char *line, unsigned int lineno,
			      char *why, size_t len)
{
	char *tok[MAX_TOKENS + 1], word[80];
	struct trace_rec r = { .line = lineno };
	const char *err;
	int n = tokenize(line, tok);
	unsigned int i;

	if (n == 0)
		return NULL;
	if (!strcasecmp(tok[0], "capacity"))
		return parse_capacity(t, tok, n, why, len);
	for (i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
		if (!strcasecmp(tok[0], op_names[i]))
			break;
	if (i == sizeof(op_names) / sizeof(op_names[0])) {
		snprintf(why, len, "unknown op '%s'",
			 printable(tok[0], word, sizeof(word)));
		return why;
	}
	r.op = i;
	if (n < 2)
		return "missing device";
	err = pci_dev_parse(tok[1], &r.domain, &r.bdf);
	if (err) {
		snprintf(why, len, "%s: '%s'", err,
			 printable(tok[1], word, sizeof(word)));
		return why;
	}
	if (n >= 3 && !strcasecmp(tok[2], "vf")) {
		/* Only a preserve asks whether the device is a VF. */
		if (r.op != TRACE_PRESERVE) {
			snprintf(why, len, "'vf' only applies to preserve, not %s",
				 op_names[r.op]);
			return why;
		}
		r.vf = true;
		n--;
		tok[2] = tok[3];
	}
	if (n > 2) {
		snprintf(why, len, "unexpected '%s' after the device",
			 printable(tok[2], word, sizeof(word)));
		return why;
	}
	if (trace_push(t, &r))
		return "out of memory";
	return NULL;
}

int trace_parse(FILE *f, const char *name, struct trace *t, char *err,
		size_t errlen)
{
	const char *bad = NULL;
	struct lb_lines l;
	char why[128];
	int ret;

	memset(t, 0, sizeof(*t));
	/* Bounded lines: /dev/zero or a binary file ends at the limit. */
	lb_lines_init(&l, f, name);
	while ((ret = lb_lines_next(&l)) > 0) {
		bad = parse_line(t, l.line, l.lineno, why, sizeof(why));
		if (bad)
			break;
	}
	if (bad)
		snprintf(err, errlen, "%s:%u: %s", name, l.lineno, bad);
	else if (ret < 0)
		snprintf(err, errlen, "%s", l.err);
	lb_lines_close(&l);
	if (bad || ret < 0) {
		trace_free(t);
		return -1;
	}
	return 0;
}

void trace_free(struct trace *t)
{
	free(t->rec);
	memset(t, 0, sizeof(*t));
}
