// SPDX-License-Identifier: GPL-2.0
/*
 * The trace parser.  Every line is checked before any op runs, so a bad
 * trace never leaves a half-replayed table behind.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
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

static const char *const op_names[TRACE_NR_OPS] = {
	[TRACE_PRESERVE]	= "preserve",
	[TRACE_UNPRESERVE]	= "unpreserve",
	[TRACE_FIND]		= "find",
	[TRACE_FINISH]		= "finish",
	[TRACE_REFCOUNT]	= "refcount",
	[TRACE_MISSING]		= "missing",
	[TRACE_RENUMBER]	= "renumber",
	[TRACE_FREEZE]		= "freeze",
	[TRACE_JUMP]		= "jump",
	[TRACE_CAPACITY]	= "capacity",
	[TRACE_FAULT]		= "fault",
};

const char *trace_op_name(enum trace_op op)
{
	return (unsigned int)op < TRACE_NR_OPS ? op_names[op] : "?";
}

/* Double *@alloc (from @first) until @nr + 1 fits; -1 when out of memory. */
static int grow(void **p, size_t *alloc, size_t nr, size_t size, size_t first)
{
	size_t n;
	void *q;

	if (nr < *alloc)
		return 0;
	n = *alloc ? *alloc * 2 : first;
	q = realloc(*p, n * size);
	if (!q)
		return -1;
	*p = q;
	*alloc = n;
	return 0;
}

static int trace_push(struct trace *t, const struct trace_rec *r)
{
	if (grow((void **)&t->rec, &t->alloc, t->nr, sizeof(*t->rec), 256))
		return -1;
	t->rec[t->nr++] = *r;
	return 0;
}

static uint64_t dev_key(uint32_t domain, uint16_t bdf)
{
	return (uint64_t)domain << 16 | bdf;
}

static size_t key_hash(uint64_t k, size_t mask)
{
	k *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(k >> 32) & mask;
}

/* Rebuild the index over t->dev with room for twice as many devices. */
static int rehash(struct trace *t)
{
	size_t n = t->nr_slots ? t->nr_slots * 2 : 1024, i;
	uint32_t *s = malloc(n * sizeof(*s));

	if (!s)
		return -1;
	memset(s, 0xff, n * sizeof(*s));
	for (i = 0; i < t->nr_dev; i++) {
		size_t h = key_hash(dev_key(t->dev[i].domain, t->dev[i].bdf),
				    n - 1);

		while (s[h] != TRACE_NO_DEV)
			h = (h + 1) & (n - 1);
		s[h] = i;
	}
	free(t->slot);
	t->slot = s;
	t->nr_slots = n;
	return 0;
}

/* The index of a device in t->dev, added at @line if new; -1 no memory. */
static long trace_dev_get(struct trace *t, uint32_t domain, uint16_t bdf,
			  unsigned int line)
{
	uint64_t k = dev_key(domain, bdf);
	struct trace_dev *d;
	size_t h;

	if ((t->nr_dev + 1) * 2 > t->nr_slots && rehash(t))
		return -1;
	for (h = key_hash(k, t->nr_slots - 1); t->slot[h] != TRACE_NO_DEV;
	     h = (h + 1) & (t->nr_slots - 1)) {
		d = &t->dev[t->slot[h]];
		if (dev_key(d->domain, d->bdf) == k)
			return t->slot[h];
	}
	if (grow((void **)&t->dev, &t->alloc_dev, t->nr_dev, sizeof(*t->dev),
		 64))
		return -1;
	d = &t->dev[t->nr_dev];
	memset(d, 0, sizeof(*d));
	d->domain = domain;
	d->bdf = bdf;
	d->first_line = line;
	d->root = TRACE_NO_DEV;
	t->slot[h] = t->nr_dev;
	return t->nr_dev++;
}

long trace_dev_index(const struct trace *t, uint32_t domain, uint16_t bdf)
{
	uint64_t k = dev_key(domain, bdf);
	size_t h;

	if (!t->nr_slots)
		return -1;
	for (h = key_hash(k, t->nr_slots - 1); t->slot[h] != TRACE_NO_DEV;
	     h = (h + 1) & (t->nr_slots - 1)) {
		const struct trace_dev *d = &t->dev[t->slot[h]];

		if (dev_key(d->domain, d->bdf) == k)
			return t->slot[h];
	}
	return -1;
}

const struct trace_id *trace_dev_path(const struct trace *t,
				      const struct trace_dev *d)
{
	return t->path ? t->path + d->path_off : NULL;
}

#define MAX_TOKENS 6

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
				  unsigned int lineno, char *why, size_t len)
{
	unsigned long long v;
	char *end;

	if (t->has_capacity && !t->nr)
		return "capacity given twice";
	if (!t->has_capacity && t->nr)
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
	if (t->nr) {
		/* Later ones size the tables made after them. */
		struct trace_rec r = { .op = TRACE_CAPACITY, .line = lineno,
				       .dev = TRACE_NO_DEV, .value = v };

		return trace_push(t, &r) ? "out of memory" : NULL;
	}
	t->capacity = v;
	t->has_capacity = true;
	return NULL;
}

static const char *parse_rules(struct trace *t, char **tok, int n,
			       unsigned int lineno, char *why, size_t len)
{
	char word[80];

	if (t->has_rules)
		return "rules given twice";
	if (t->nr)
		return "rules must come before the first op";
	if (n != 2)
		return n < 2 ? "rules needs a revision (v2, v6, kho-blocks)" :
			       "unexpected text after the rules";
	if (strlen(tok[1]) >= sizeof(t->rules) ||
	    pci_ser_rules_by_name(tok[1]) == PCI_SER_NR_RULES) {
		snprintf(why, len, "unknown rules '%s' (v2, v6, kho-blocks)",
			 printable(tok[1], word, sizeof(word)));
		return why;
	}
	strcpy(t->rules, tok[1]);
	t->has_rules = true;
	t->rules_line = lineno;
	return NULL;
}

/* A device token, or the reason it is not one. */
static const char *parse_dev(const char *s, uint32_t *domain, uint16_t *bdf,
			     char *why, size_t len)
{
	char word[80];
	const char *err = pci_dev_parse(s, domain, bdf);

	if (!err)
		return NULL;
	snprintf(why, len, "%s: '%s'", err, printable(s, word, sizeof(word)));
	return why;
}

/*
 * `via A,B,...`: bridges declared on earlier lines, root first, each one
 * sitting below the ones before it as its own `bridge` line says.  Parsed
 * into @ids; returns the reason it is refused, or NULL.
 */
static const char *parse_via(struct trace *t, char *list, uint64_t self,
			     struct trace_id *ids, uint32_t *nr, char *why,
			     size_t len)
{
	char *p, *next, name[PCI_DEV_STR_LEN];
	uint32_t i, k = 0;

	if (!list || !*list)
		return "via needs bridges: via BRIDGE[,BRIDGE...]";
	for (p = list; p; p = next) {
		const struct trace_dev *b;
		const char *err;
		uint32_t domain;
		uint16_t bdf;
		long idx;

		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		if (!*p)
			return "empty element in the via list";
		if (k == TRACE_MAX_PATH) {
			snprintf(why, len, "more than %d bridges in a path",
				 TRACE_MAX_PATH);
			return why;
		}
		err = parse_dev(p, &domain, &bdf, why, len);
		if (err)
			return err;
		pci_dev_format(name, domain, bdf);
		if (dev_key(domain, bdf) == self) {
			snprintf(why, len, "%s is in its own path", name);
			return why;
		}
		for (i = 0; i < k; i++)
			if (ids[i].domain == domain && ids[i].bdf == bdf) {
				snprintf(why, len, "%s twice in one path", name);
				return why;
			}
		idx = trace_dev_get(t, domain, bdf, 0);
		if (idx < 0)
			return "out of memory";
		b = &t->dev[idx];
		if (!b->bridge) {
			snprintf(why, len, "%s is not a bridge (no `bridge %s` line before)",
				 name, name);
			return why;
		}
		/* Its own path must be the bridges listed before it. */
		if (b->nr_path != k ||
		    (k && memcmp(trace_dev_path(t, b), ids, k * sizeof(*ids)))) {
			snprintf(why, len, "%s sits below %u bridge(s) (line %u), not the %u listed before it",
				 name, b->nr_path, b->path_line, k);
			return why;
		}
		ids[k].domain = domain;
		ids[k].bdf = bdf;
		k++;
	}
	if (!k)
		return "via needs bridges: via BRIDGE[,BRIDGE...]";
	*nr = k;
	return NULL;
}

static int store_path(struct trace *t, struct trace_dev *d,
		      const struct trace_id *ids, uint32_t nr,
		      unsigned int lineno)
{
	uint32_t i;

	for (i = 0; i < nr; i++) {
		if (grow((void **)&t->path, &t->alloc_path, t->nr_path + i,
			 sizeof(*t->path), 64))
			return -1;
		t->path[t->nr_path + i] = ids[i];
	}
	d->path_off = t->nr_path;
	t->nr_path += nr;
	d->nr_path = nr;
	d->has_path = true;
	d->path_line = lineno;
	/* The root of a path is a declared bridge: always found. */
	d->root = nr ? (uint32_t)trace_dev_index(t, ids[0].domain, ids[0].bdf) :
		       TRACE_NO_DEV;
	return 0;
}

/* The device's path is @ids, or was fixed to it earlier: else the reason. */
static const char *fix_path(struct trace *t, struct trace_dev *d,
			    const struct trace_id *ids, uint32_t nr, bool given,
			    unsigned int lineno, char *why, size_t len)
{
	char name[PCI_DEV_STR_LEN];

	if (!d->has_path)
		return store_path(t, d, ids, nr, lineno) ? "out of memory" :
							   NULL;
	if (!given || (d->nr_path == nr && (!nr ||
		       !memcmp(trace_dev_path(t, d), ids, nr * sizeof(*ids)))))
		return NULL;
	pci_dev_format(name, d->domain, d->bdf);
	snprintf(why, len, "path of %s differs from the one on line %u",
		 name, d->path_line);
	return why;
}

/*
 * `fault alloc N`: the Nth allocation of the next op fails (1..1000);
 * `fault alloc all`: every one does.
 */
static const char *parse_fault(struct trace *t, char **tok, int n,
			       unsigned int lineno)
{
	struct trace_rec r = { .op = TRACE_FAULT, .line = lineno,
			       .dev = TRACE_NO_DEV };
	unsigned long v;
	char *end;

	if (n < 2 || strcasecmp(tok[1], "alloc"))
		return "fault needs a kind: fault alloc N";
	if (n != 3)
		return n < 3 ? "fault alloc needs N, the allocation to fail" :
			       "unexpected text after the fault";
	if (!strcasecmp(tok[2], "all")) {
		r.value = TRACE_FAULT_ALL;
		return trace_push(t, &r) ? "out of memory" : NULL;
	}
	if (!isdigit((unsigned char)tok[2][0]))
		return "fault alloc N: N must be a decimal number 1..1000 "
		       "(or all)";
	errno = 0;
	v = strtoul(tok[2], &end, 10);
	if (*end || errno || v < 1 || v > 1000)
		return "fault alloc N: N must be a decimal number 1..1000 "
		       "(or all)";
	r.value = v;
	return trace_push(t, &r) ? "out of memory" : NULL;
}

/* `jump`, `jump halfway` (the blob written halfway), `jump again`. */
static const char *parse_jump(struct trace *t, char **tok, int n,
			      unsigned int lineno, char *why, size_t len)
{
	struct trace_rec r = { .op = TRACE_JUMP, .line = lineno,
			       .dev = TRACE_NO_DEV };
	char word[80];

	if (n > 2)
		return "unexpected text after the jump";
	if (n == 2 && !strcasecmp(tok[1], "halfway")) {
		r.how = TRACE_JUMP_HALFWAY;
	} else if (n == 2 && !strcasecmp(tok[1], "again")) {
		if (!t->has_jump)
			return "jump again before any jump: no handover in "
			       "memory";
		r.how = TRACE_JUMP_AGAIN;
	} else if (n == 2) {
		snprintf(why, len, "unexpected '%s' after jump (halfway or "
			 "again)", printable(tok[1], word, sizeof(word)));
		return why;
	}
	t->has_jump = true;
	return trace_push(t, &r) ? "out of memory" : NULL;
}

/* One root port of `renumber A B`: a declared bridge on a root bus. */
static const char *parse_root_port(struct trace *t, const char *tok,
				   uint32_t *idx, char *why, size_t len)
{
	char name[PCI_DEV_STR_LEN];
	const char *err;
	uint32_t domain;
	uint16_t bdf;
	long i;

	err = parse_dev(tok, &domain, &bdf, why, len);
	if (err)
		return err;
	pci_dev_format(name, domain, bdf);
	i = trace_dev_index(t, domain, bdf);
	if (i < 0 || !t->dev[i].bridge) {
		snprintf(why, len, "renumber: %s is not a bridge (no `bridge %s` "
			 "line before)", name, name);
		return why;
	}
	if (t->dev[i].nr_path) {
		snprintf(why, len, "renumber: %s is not on a root bus (a root "
			 "port has no via)", name);
		return why;
	}
	*idx = i;
	return NULL;
}

/* `renumber A B`: root ports A and B swap the buses below them. */
static const char *parse_renumber(struct trace *t, char **tok, int n,
				  unsigned int lineno, char *why, size_t len)
{
	struct trace_rec r = { .op = TRACE_RENUMBER, .line = lineno };
	const char *err;

	if (n != 3)
		return n < 3 ? "renumber needs two root ports: renumber A B" :
			       "unexpected text after renumber A B";
	err = parse_root_port(t, tok[1], &r.dev, why, len);
	if (!err)
		err = parse_root_port(t, tok[2], &r.dev2, why, len);
	if (err)
		return err;
	if (r.dev == r.dev2)
		return "renumber: the two root ports are the same";
	if (t->dev[r.dev].domain != t->dev[r.dev2].domain)
		return "renumber: the two root ports are in different domains";
	r.domain = t->dev[r.dev].domain;
	r.bdf = t->dev[r.dev].bdf;
	return trace_push(t, &r) ? "out of memory" : NULL;
}

static const char *parse_line(struct trace *t, char *line, unsigned int lineno,
			      char *why, size_t len)
{
	char *tok[MAX_TOKENS + 1], word[80], name[PCI_DEV_STR_LEN];
	struct trace_id ids[TRACE_MAX_PATH];
	struct trace_rec r = { .line = lineno, .dev = TRACE_NO_DEV };
	bool bridge_line = false, given = false;
	struct trace_dev *d;
	const char *err;
	int n = tokenize(line, tok), a;
	uint32_t nr = 0;
	unsigned int i;
	long idx;

	if (n == 0)
		return NULL;
	if (n > MAX_TOKENS)
		return "too many words on the line";
	if (!strcasecmp(tok[0], "capacity"))
		return parse_capacity(t, tok, n, lineno, why, len);
	if (!strcasecmp(tok[0], "rules"))
		return parse_rules(t, tok, n, lineno, why, len);
	if (!strcasecmp(tok[0], "fault"))
		return parse_fault(t, tok, n, lineno);
	if (!strcasecmp(tok[0], "jump"))
		return parse_jump(t, tok, n, lineno, why, len);
	if (!strcasecmp(tok[0], "renumber"))
		return parse_renumber(t, tok, n, lineno, why, len);
	if (!strcasecmp(tok[0], "bridge")) {
		bridge_line = true;
	} else {
		for (i = 0; i < TRACE_NR_OPS; i++)
			if (!strcasecmp(tok[0], op_names[i]))
				break;
		if (i == TRACE_NR_OPS) {
			snprintf(why, len, "unknown op '%s'",
				 printable(tok[0], word, sizeof(word)));
			return why;
		}
		r.op = i;
		if (!trace_op_has_dev(r.op)) {
			if (n > 1) {
				snprintf(why, len, "unexpected '%s' after %s",
					 printable(tok[1], word, sizeof(word)),
					 op_names[r.op]);
				return why;
			}
			return trace_push(t, &r) ? "out of memory" : NULL;
		}
	}
	if (n < 2)
		return "missing device";
	err = parse_dev(tok[1], &r.domain, &r.bdf, why, len);
	if (err)
		return err;
	for (a = 2; a < n; a++) {
		if (!strcasecmp(tok[a], "vf") && !r.vf && !given) {
			/* Only a preserve asks whether the device is a VF. */
			if (bridge_line)
				return "a bridge is not a VF";
			if (r.op != TRACE_PRESERVE) {
				snprintf(why, len, "'vf' only applies to preserve, not %s",
					 op_names[r.op]);
				return why;
			}
			r.vf = true;
		} else if (!strcasecmp(tok[a], "again") && !r.how &&
			   r.op == TRACE_FINISH) {
			/* Finish called twice: a label, the op is the same. */
			r.how = 1;
		} else if (!strcasecmp(tok[a], "via") && !given) {
			err = parse_via(t, a + 1 < n ? tok[a + 1] : NULL,
					dev_key(r.domain, r.bdf), ids, &nr,
					why, len);
			if (err)
				return err;
			given = true;
			r.via = true;
			a++;
		} else {
			snprintf(why, len, "unexpected '%s' after the device",
				 printable(tok[a], word, sizeof(word)));
			return why;
		}
	}

	idx = trace_dev_get(t, r.domain, r.bdf, lineno);
	if (idx < 0)
		return "out of memory";
	d = &t->dev[idx];
	pci_dev_format(name, r.domain, r.bdf);
	if (bridge_line) {
		if (d->bridge) {
			snprintf(why, len, "bridge %s declared twice (line %u)",
				 name, d->path_line);
			return why;
		}
		if (d->has_path) {
			snprintf(why, len, "%s is used on line %u before this line makes it a bridge",
				 name, d->first_line);
			return why;
		}
		d->bridge = true;
		return store_path(t, d, ids, nr, lineno) ? "out of memory" :
							   NULL;
	}
	err = fix_path(t, d, ids, nr, given, lineno, why, len);
	if (err)
		return err;
	r.dev = idx;
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
	free(t->dev);
	free(t->path);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}
uint32_t trace_op_path(const struct trace *t, const struct trace_rec *r,
		       const struct trace_env *env, struct trace_id *ids)
{
	const struct trace_dev *d = &t->dev[r->dev];
	uint32_t root;

	if (!d->nr_path)
		return 0;
	memcpy(ids, trace_dev_path(t, d), d->nr_path * sizeof(*ids));
	/* Renumbered: the same buses, now below the other root port. */
	root = env && env->root ? env->root[r->dev] : d->root;
	ids[0].domain = t->dev[root].domain;
	ids[0].bdf = t->dev[root].bdf;
	return d->nr_path;
}

/* The device of a trace line as the front end takes it. */
static void trace_to_dev(const struct trace *t, const struct trace_rec *r,
			 const struct trace_env *env, struct pci_ser_dev *dev,
			 struct pci_ser_id *path)
{
	const struct trace_dev *d = &t->dev[r->dev];
	struct trace_id ids[TRACE_MAX_PATH];
	u32 i, n = trace_op_path(t, r, env, ids);

	/* The trace lists the root first, the front end the nearest. */
	for (i = 0; i < n; i++) {
		path[i].domain = ids[n - 1 - i].domain;
		path[i].bdf = ids[n - 1 - i].bdf;
	}
	*dev = (struct pci_ser_dev) {
		.domain = r->domain, .bdf = r->bdf, .is_vf = r->vf,
		.is_bridge = d->bridge, .nr_path = n, .path = path,
	};
}

/* Make the allocations of the next calls fail as @fault says (0: none). */
static void arm_fault(u32 fault)
{
	pci_ser_fail_alloc_in = fault == TRACE_FAULT_ALL ? 1 : fault;
	pci_ser_fail_alloc_times = fault == TRACE_FAULT_ALL ? ULONG_MAX : 0;
}

/*
 * The handover: the table's blob, retrieved by a fresh table, the next
 * kernel (@env->fault fails an allocation of that retrieve).  Halfway:
 * the second half of the blob holds what was there before (0xa5 bytes).
 * Again: the next kernel jumps once more without finish, so the one
 * after it finds the last handover still in memory and retrieves that.
 */
static int jump(struct pci_ser *ser, struct trace_env *env, u8 how)
{
	struct pci_ser next = { .ops = ser->ops };
	enum pci_ser_defect d;
	size_t len;
	void *buf;

	if (how != TRACE_JUMP_AGAIN) {
		len = pci_ser_blob_size(ser);
		buf = calloc(1, len);
		if (!buf)
			return -ENOMEM;
		pci_ser_blob_write(ser, buf, 0, 0);
		if (how == TRACE_JUMP_HALFWAY)
			memset((u8 *)buf + len / 2, 0xa5, len - len / 2);
		free(env->handover);
		env->handover = buf;
		env->handover_len = len;
		env->handover_bad = how == TRACE_JUMP_HALFWAY;
	}
	arm_fault(env->fault);
	d = pci_ser_blob_retrieve(&next, env->handover, env->handover_len,
				  ser->ops);
	arm_fault(0);
	if (d) {
		/*
		 * No jump: the old table stays and the update is off, so it
		 * is no longer frozen (as lubench stress has it).
		 */
		ser->frozen = false;
		return TRACE_RESULT_DEFECT_BASE - (int)d;
	}
	pci_ser_destroy(ser);
	*ser = next;
	return 0;
}

struct renumber_walk {
	const struct trace *t;
	const u32 *root;
	u32 a, b;
	u32 below;		/* entries below A or B (not themselves) */
	bool at;		/* an entry at or below A or B */
};

static void renumber_visit(void *arg, u32 domain, u16 bdf)
{
	struct renumber_walk *w = arg;
	long i = trace_dev_index(w->t, domain, bdf);

	if (i < 0)
		return;		/* from a --load blob, never named */
	if (i == w->a || i == w->b) {
		w->at = true;
	} else if (w->root[i] == w->a || w->root[i] == w->b) {
		w->at = true;
		w->below++;
	}
}

/*
 * `renumber A B`: the next kernel numbers the buses below root ports A
 * and B the other way round, so every BDF below one now names the device
 * at the same place below the other.  Rules that keep bus numbers keep
 * them when a device at or below either port is in the table.
 */
static int renumber(struct pci_ser *ser, const struct trace *t,
		    const struct trace_rec *r, struct trace_env *env)
{
	struct renumber_walk w = { .t = t, .a = r->dev, .b = r->dev2 };
	size_t i;

	if (!env->root) {
		env->root = malloc((t->nr_dev ? t->nr_dev : 1) *
				   sizeof(*env->root));
		if (!env->root)
			return -ENOMEM;
		for (i = 0; i < t->nr_dev; i++)
			env->root[i] = t->dev[i].root;
	}
	w.root = env->root;
	pci_ser_for_each(ser, renumber_visit, &w);
	if (w.at && pci_ser_rules_keep_busnr(ser->ops->rules))
		return TRACE_RESULT_KEPT;
	for (i = 0; i < t->nr_dev; i++) {
		if (env->root[i] == w.a)
			env->root[i] = w.b;
		else if (env->root[i] == w.b)
			env->root[i] = w.a;
	}
	return TRACE_RESULT_ALIASED + (int)w.below;
}

void trace_env_release(struct trace_env *env)
{
	free(env->handover);
	free(env->root);
	env->handover = NULL;
	env->handover_len = 0;
	env->handover_bad = false;
	env->root = NULL;
}

static int trace_run_dev_op(struct pci_ser *ser, const struct trace *t,
			    const struct trace_rec *r,
			    const struct trace_env *env)
{
	struct pci_ser_id path[TRACE_MAX_PATH];
	struct pci_ser_dev dev;

	trace_to_dev(t, r, env, &dev, path);
	switch (r->op) {
	case TRACE_PRESERVE:
		return pci_ser_preserve_dev(ser, &dev, env->capacity);
	case TRACE_UNPRESERVE:
		return pci_ser_unpreserve_dev(ser, &dev);
	case TRACE_FINISH:
		return pci_ser_finish_dev(ser, &dev);
	case TRACE_FIND:
	case TRACE_MISSING:
		/* Missing: its entry came across, nobody will look it up. */
		return pci_ser_find(ser, r->domain, r->bdf) ?
		       TRACE_RESULT_FOUND : TRACE_RESULT_ABSENT;
	case TRACE_REFCOUNT:
		return TRACE_RESULT_REFCOUNT +
		       pci_ser_refcount(ser, r->domain, r->bdf);
	default:
		return -EINVAL;
	}
}

int trace_run_op(struct pci_ser *ser, const struct trace *t,
		 const struct trace_rec *r, struct trace_env *env)
{
	int ret;

	switch (r->op) {
	case TRACE_CAPACITY:
		env->capacity = r->value;
		return 0;
	case TRACE_FAULT:
		env->fault = r->value;
		return 0;
	case TRACE_JUMP:
		ret = jump(ser, env, r->how);
		env->fault = 0;
		return ret;
	case TRACE_RENUMBER:
		ret = renumber(ser, t, r, env);
		env->fault = 0;
		return ret;
	default:
		break;
	}
	arm_fault(env->fault);
	if (r->op == TRACE_FREEZE) {
		pci_ser_freeze(ser);
		ret = 0;
	} else {
		ret = trace_run_dev_op(ser, t, r, env);
	}
	arm_fault(0);
	env->fault = 0;
	return ret;
}
const char *trace_result_str(int r)
{
	static char other[64];

	if (r >= TRACE_RESULT_ALIASED) {
		snprintf(other, sizeof(other), "%d aliased",
			 r - TRACE_RESULT_ALIASED);
		return other;
	}
	if (r >= TRACE_RESULT_REFCOUNT) {
		snprintf(other, sizeof(other), "%d", r - TRACE_RESULT_REFCOUNT);
		return other;
	}
	if (r <= TRACE_RESULT_DEFECT_BASE) {
		snprintf(other, sizeof(other), "refused: %s",
			 pci_ser_defect_str(TRACE_RESULT_DEFECT_BASE - r));
		return other;
	}
	switch (r) {
	case 0:			return "ok";
	case TRACE_RESULT_FOUND:	return "found";
	case TRACE_RESULT_ABSENT:	return "absent";
	case TRACE_RESULT_KEPT:		return "kept";
	case -EINVAL:		return "EINVAL";
	case -EBUSY:		return "EBUSY";
	case -ENOSPC:		return "ENOSPC";
	case -ENOENT:		return "ENOENT";
	case -ENOMEM:		return "ENOMEM";
	}
	snprintf(other, sizeof(other), "E%d", -r);
	return other;
}
