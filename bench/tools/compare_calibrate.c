// SPDX-License-Identifier: GPL-2.0
/*
 * lubench-compare --calibrate: how lubench ab's wall-clock gate does,
 * from the ab runs scripts/host/ab-calibrate.sh made: the points marked
 * in each A/A pair, and for each injected slowdown the layout's find
 * points with their median change and the floors they are marked at,
 * the other layouts' points marked, then per floor the smallest slowdown
 * marked and the largest one not.  A point is marked as compare marks
 * it (compare.c: Mann-Whitney p < 0.01 and |change| >= the floor), on
 * the pooled rounds of RUN/a-wall and RUN/b-wall.
 *
 * usage: lubench-compare --calibrate --layout L --floors "PCT..."
 *            [--aa RUN]... [--injected NOPS:RUN]...
 * Exit: 0 the report printed, 2 usage, a run refused or runs that do
 * not compare.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "numparse.h"

#define MAX_FLOORS	16
#define MAX_PAIRS	64
#define FLOOR_TEXT	16

struct floors {
	double v[MAX_FLOORS];
	char text[MAX_FLOORS][FLOOR_TEXT];	/* as given, for the report */
	unsigned int nr;
};

/* One ab run: A against A (nops NULL) or against A + NOPS nops. */
struct pair {
	const char *nops, *dir;
	struct cmp_run a, b;
};

struct cal {
	const char *layout;
	struct floors f;
	struct pair p[MAX_PAIRS];
	unsigned int nr;
};

/* A compared point: its change as compare prints it, and where marked. */
struct marks {
	double change;			/* rounded as printed */
	char text[24];			/* "+5.3%" */
	bool at[MAX_FLOORS];
	bool any;
};

static void usage(void)
{
	fprintf(stderr, "usage: lubench-compare --calibrate --layout L --floors "
		"\"PCT...\" [--aa RUN]... [--injected NOPS:RUN]...\n");
	exit(2);
}

static void parse_floors(const char *s, struct floors *f)
{
	char buf[256], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, " ,", &save); tok;
	     tok = strtok_r(NULL, " ,", &save)) {
		if (f->nr == MAX_FLOORS || strlen(tok) >= FLOOR_TEXT ||
		    lb_parse_double(tok, 0, 1000, &f->v[f->nr])) {
			fprintf(stderr, "lubench compare: --floors: '%s' is not "
				"a floor of 0..1000 %% (at most %d)\n", tok,
				MAX_FLOORS);
			exit(2);
		}
		strcpy(f->text[f->nr++], tok);
	}
	if (!f->nr) {
		fprintf(stderr, "lubench compare: --floors: no floor\n");
		exit(2);
	}
}

static void add_pair(struct cal *c, const char *nops, const char *dir)
{
	if (c->nr == MAX_PAIRS) {
		fprintf(stderr, "lubench compare: --calibrate: more than %d "
			"runs\n", MAX_PAIRS);
		exit(2);
	}
	c->p[c->nr].nops = nops;
	c->p[c->nr++].dir = dir;
}

/* NOPS:RUN, NOPS a count as ab-calibrate.sh checked it. */
static void add_injected(struct cal *c, char *arg)
{
	char *colon = strchr(arg, ':');
	uint64_t n;

	if (!colon || colon == arg || !colon[1]) {
		fprintf(stderr, "lubench compare: --injected: '%s' is not "
			"NOPS:RUN\n", arg);
		exit(2);
	}
	*colon = '\0';
	if (strspn(arg, "0123456789") != strlen(arg) ||
	    lb_parse_u64(arg, 0, 1000000, &n)) {
		fprintf(stderr, "lubench compare: --injected: '%s' is not a "
			"count of nops\n", arg);
		exit(2);
	}
	add_pair(c, arg, colon + 1);
}

static void parse_args(int argc, char **argv, struct cal *c)
{
	static const struct option opts[] = {
		{ "calibrate", no_argument, NULL, 'c' },
		{ "layout", required_argument, NULL, 'l' },
		{ "floors", required_argument, NULL, 'f' },
		{ "aa", required_argument, NULL, 'a' },
		{ "injected", required_argument, NULL, 'i' },
		{ }
	};
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'c': break;
		case 'l': c->layout = optarg; break;
		case 'f': parse_floors(optarg, &c->f); break;
		case 'a': add_pair(c, NULL, optarg); break;
		case 'i': add_injected(c, optarg); break;
		default: usage();
		}
	}
	if (optind != argc || !c->layout || !c->f.nr)
		usage();
}

/* RUN/a-wall and RUN/b-wall, pooled: wall-clock runs that compare. */
static void read_pair(struct pair *p)
{
	char a[4200], b[4200];

	snprintf(a, sizeof(a), "%s/a-wall", p->dir);
	snprintf(b, sizeof(b), "%s/b-wall", p->dir);
	if (cmp_read_run(strdup(a), &p->a, true) ||
	    cmp_read_run(strdup(b), &p->b, true))
		exit(2);
	if (p->a.metric != CMP_WALL || p->b.metric != CMP_WALL) {
		fprintf(stderr, "lubench compare: --calibrate: %s holds no "
			"wall-clock rows (lubench-bench)\n",
			p->a.metric != CMP_WALL ? a : b);
		exit(2);
	}
	if (!cmp_comparable(&p->a, &p->b, false))
		exit(2);
}

/* Point @i of @p's A side against B: false when it is not compared. */
static bool point_marks(const struct cal *c, const struct pair *p, size_t i,
			struct marks *m)
{
	const struct cmp_point *a = &p->a.pt[i], *b = cmp_find(&p->b, a->key);

	if (!b || isnan(a->value) || isnan(b->value))
		return false;
	m->change = cmp_pct(b->value - a->value, a->value);
	m->any = false;
	for (unsigned int f = 0; f < c->f.nr; f++) {
		m->at[f] = cmp_wall_moved(a, b, CMP_DEFAULT_ALPHA, c->f.v[f],
					  m->change);
		m->any |= m->at[f];
	}
	snprintf(m->text, sizeof(m->text), "%+.1f%%", m->change);
	m->change = strtod(m->text, NULL);
	return true;
}

/*
 * The last three words of a point's key, "op variant n=N": whether it is
 * of @layout, and with @op and @n (after "n=") when so.
 */
static bool key_words(const char *key, const char *layout, bool *find,
		      char *op, char *n)
{
	char buf[CMP_KEY], *w[3] = { 0 }, *tok, *save;

	snprintf(buf, sizeof(buf), "%s", key);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		w[0] = w[1];
		w[1] = w[2];
		w[2] = tok;
	}
	if (!w[0] || strncmp(w[2], "n=", 2) || strcmp(w[1], layout))
		return false;
	*find = !strncmp(w[0], "find-", 5);
	snprintf(op, CMP_KEY, "%s", w[0]);
	snprintf(n, CMP_KEY, "%s", w[2] + 2);
	return true;
}

static void print_aa(const struct cal *c)
{
	unsigned int k = 0, counted[MAX_FLOORS];
	size_t compared = 0;
	struct marks m;

	for (unsigned int i = 0; i < c->nr; i++) {
		const struct pair *p = &c->p[i];

		if (p->nops)
			continue;
		memset(counted, 0, sizeof(counted));
		for (size_t j = 0; j < p->a.nr; j++) {
			if (!point_marks(c, p, j, &m))
				continue;
			compared += !k;
			for (unsigned int f = 0; f < c->f.nr; f++)
				counted[f] += m.at[f];
		}
		if (!k++)
			printf("A/A pairs: points marked out of %zu\n", compared);
		printf("  pair %u:", k);
		for (unsigned int f = 0; f < c->f.nr; f++)
			printf("  %s%%: %u", c->f.text[f], counted[f]);
		printf("\n");
	}
	if (!k)
		printf("A/A pairs: none\n");
}

/* Per floor, over the injected runs: the smallest change marked, the
 * largest slowdown not marked. */
struct extremes {
	double lo[MAX_FLOORS], hi[MAX_FLOORS];
	bool has_lo[MAX_FLOORS], has_hi[MAX_FLOORS];
};

static void note(const struct cal *c, const struct marks *m, struct extremes *e)
{
	for (unsigned int f = 0; f < c->f.nr; f++) {
		if (m->at[f] && (!e->has_lo[f] || m->change < e->lo[f])) {
			e->lo[f] = m->change;
			e->has_lo[f] = true;
		}
		if (!m->at[f] && m->change > 0 &&
		    (!e->has_hi[f] || m->change > e->hi[f])) {
			e->hi[f] = m->change;
			e->has_hi[f] = true;
		}
	}
}

static void print_injected(const struct cal *c, const struct pair *p,
			   struct extremes *e)
{
	unsigned int others[MAX_FLOORS] = { 0 };
	char op[CMP_KEY], n[CMP_KEY], at[MAX_FLOORS * (FLOOR_TEXT + 1) + 8];
	struct marks m;
	bool find;

	for (size_t j = 0; j < p->a.nr; j++) {
		if (!point_marks(c, p, j, &m))
			continue;
		if (!key_words(p->a.pt[j].key, c->layout, &find, op, n)) {
			for (unsigned int f = 0; f < c->f.nr; f++)
				others[f] += m.at[f];
			continue;
		}
		if (!find)
			continue;
		at[0] = '\0';
		for (unsigned int f = 0; f < c->f.nr; f++)
			if (m.at[f])
				snprintf(at + strlen(at), sizeof(at) - strlen(at),
					 " %s", c->f.text[f]);
		printf("  +%s nops: %-9s n=%-5s %8s  marked at:%s\n", p->nops,
		       op, n, m.text, m.any ? at : " none");
		note(c, &m, e);
	}
	printf("  +%s nops: other layouts' points marked:", p->nops);
	for (unsigned int f = 0; f < c->f.nr; f++)
		printf("  %s%%: %u", c->f.text[f], others[f]);
	printf("\n");
}

static const char *extreme(char *buf, size_t len, bool has, double v)
{
	if (!has)
		return "none";
	snprintf(buf, len, "%+g%%", v);
	return buf;
}

int cmp_calibrate(int argc, char **argv)
{
	static struct cal c;
	struct extremes e = { 0 };
	char lo[32], hi[32];

	parse_args(argc, argv, &c);
	for (unsigned int i = 0; i < c.nr; i++)
		read_pair(&c.p[i]);
	print_aa(&c);
	printf("\nA against A + N nops in %s's find: each of %s's find points, "
	       "its\nmedian change and the floors it is marked at; then other "
	       "layouts' points marked\n", c.layout, c.layout);
	for (unsigned int i = 0; i < c.nr; i++)
		if (c.p[i].nops)
			print_injected(&c, &c.p[i], &e);
	printf("\nper floor: the smallest slowdown marked, the largest one not "
	       "marked\n");
	for (unsigned int f = 0; f < c.f.nr; f++)
		printf("  %s%%: smallest marked %s, largest not marked %s\n",
		       c.f.text[f], extreme(lo, sizeof(lo), e.has_lo[f], e.lo[f]),
		       extreme(hi, sizeof(hi), e.has_hi[f], e.hi[f]));
	return 0;
}
