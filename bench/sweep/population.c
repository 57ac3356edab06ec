// SPDX-License-Identifier: GPL-2.0
/*
 * Host-like PCI populations.  Real hosts do not number their devices
 * 0, 1, 2...: a lookup structure that only ever sees consecutive keys
 * would be measured on the easy case.  So a population is built the way
 * firmware lays a machine out: segments with a chipset on the root bus,
 * root ports, switches, endpoints with one to eight functions (ARI
 * devices with more when a large population must fit in 256 buses),
 * buses skipped for hot-plug, and VMD domains from 0x10000 up.
 *
 * The enumeration order is the PCI core's: domain by domain in the order
 * the host bridges appear (ACPI segments in namespace order, which need
 * not be ascending, then VMD domains as the vmd driver creates them),
 * and inside a domain ascending bus, then devfn: a depth-first scan of a
 * hierarchy whose bus numbers were handed out depth-first.
 *
 * VFs are not part of the population: SR-IOV VFs appear only when a
 * driver enables them, after enumeration, and cannot be preserved.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "population.h"

/* Devices per PCI segment for large hosts: sets how many segments. */
#define POP_SEGMENT_DEVICES	1024
/* At most this many devices in one VMD domain (NVMe drives). */
#define POP_VMD_DEVICES		192
/* Root ports a root bus offers: ten slots of eight functions. */
#define POP_ROOT_PORTS		80

#define PCI_DEVFN(slot, fn)	((((slot) & 0x1f) << 3) | ((fn) & 0x07))

/* ---- random numbers ---- */

static u64 splitmix64(u64 *x)
{
	u64 z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, u64 seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static inline u64 rotl(u64 x, int k)
{
	return (x << k) | (x >> (64 - k));
}

u64 rng_next(struct rng *r)
{
	u64 *s = r->s;
	u64 out = rotl(s[1] * 5, 7) * 9;
	u64 t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

void rng_shuffle(struct rng *r, void *base, u32 nr, size_t size)
{
	unsigned char tmp[32], *b = base;
	u32 i, j;

	if (size > sizeof(tmp))
		abort();
	for (i = nr; i > 1; i--) {
		j = rng_below(r, i);
		memcpy(tmp, b + (size_t)(i - 1) * size, size);
		memcpy(b + (size_t)(i - 1) * size, b + (size_t)j * size, size);
		memcpy(b + (size_t)j * size, tmp, size);
	}
}

/*
 * What the refcounted rules and the 16-bit alias count add to a
 * population lives outside malloc's heap: a heap left as it was keeps
 * the counted instructions of malloc inside the layouts (retrieve,
 * restore) what they were before bridges were known, under v2's rules.
 */
#define POP_MAP_HDR	16

static void *pop_zalloc(size_t n, size_t size)
{
	size_t len = POP_MAP_HDR + max(n, (size_t)1) * size;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memcpy(p, &len, sizeof(len));
	return p + POP_MAP_HDR;
}

static void pop_zfree(void *ptr)
{
	char *p = ptr;
	size_t len;

	if (!p)
		return;
	p -= POP_MAP_HDR;
	memcpy(&len, p, sizeof(len));
	munmap(p, len);
}

/* ---- one domain ---- */

struct pop_gen {
	struct rng *rng;
	struct population *p;
	u32 domain;
	bool vmd;
	u32 left;	/* devices this domain still has to hold */
	u32 bus;	/* lowest free bus number */
	u32 bus_end;	/* one past the domain's last bus */
	u32 parent;	/* the bridge new devices sit below (generation index) */
};

/* Chipset devices on a segment's root bus, as devfn lists. */
static const u8 chipset_amd[] = {
	PCI_DEVFN(0x00, 0), PCI_DEVFN(0x00, 2),
	PCI_DEVFN(0x07, 0), PCI_DEVFN(0x07, 1),
	PCI_DEVFN(0x08, 0), PCI_DEVFN(0x08, 1), PCI_DEVFN(0x08, 2),
	PCI_DEVFN(0x08, 3),
	PCI_DEVFN(0x14, 0), PCI_DEVFN(0x14, 3),
	PCI_DEVFN(0x18, 0), PCI_DEVFN(0x18, 1), PCI_DEVFN(0x18, 2),
	PCI_DEVFN(0x18, 3), PCI_DEVFN(0x18, 4), PCI_DEVFN(0x18, 5),
	PCI_DEVFN(0x18, 6), PCI_DEVFN(0x18, 7),
};

static const u8 chipset_intel[] = {
	PCI_DEVFN(0x00, 0),
	PCI_DEVFN(0x04, 0), PCI_DEVFN(0x04, 1), PCI_DEVFN(0x04, 2),
	PCI_DEVFN(0x04, 3), PCI_DEVFN(0x04, 4), PCI_DEVFN(0x04, 5),
	PCI_DEVFN(0x04, 6), PCI_DEVFN(0x04, 7),
	PCI_DEVFN(0x05, 0), PCI_DEVFN(0x05, 2), PCI_DEVFN(0x05, 4),
	PCI_DEVFN(0x08, 0), PCI_DEVFN(0x08, 1), PCI_DEVFN(0x08, 2),
	PCI_DEVFN(0x11, 0), PCI_DEVFN(0x11, 5),
	PCI_DEVFN(0x14, 0), PCI_DEVFN(0x14, 2),
	PCI_DEVFN(0x16, 0), PCI_DEVFN(0x16, 1), PCI_DEVFN(0x17, 0),
	PCI_DEVFN(0x1f, 0), PCI_DEVFN(0x1f, 2), PCI_DEVFN(0x1f, 4),
	PCI_DEVFN(0x1f, 5),
};

/* Slots on the root bus that hold root ports (none used by a chipset). */
static const u8 root_port_slots[POP_ROOT_PORTS / 8] = {
	0x01, 0x02, 0x03, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d,
};

static bool gen_emit(struct pop_gen *g, u32 bus, u32 devfn)
{
	struct pop_dev *d;

	if (!g->left)
		return false;
	d = &g->p->dev[g->p->nr++];
	d->domain = g->domain;
	d->bdf = bus << 8 | devfn;
	d->preserved = 0;
	d->vmd = g->vmd;
	g->p->bridge[g->p->nr - 1] = 0;
	g->p->parent[g->p->nr - 1] = g->parent;
	g->left--;
	return true;
}

/* A bridge below the current one (as gen_emit). */
static bool gen_bridge(struct pop_gen *g, u32 bus, u32 devfn)
{
	if (!gen_emit(g, bus, devfn))
		return false;
	g->p->bridge[g->p->nr - 1] = 1;
	return true;
}

static void gen_count_device(struct pop_gen *g, u32 functions)
{
	if (functions > 1)
		g->p->nr_multifn++;
	g->p->max_functions = max(g->p->max_functions, functions);
}

/*
 * Devices per remaining bus this domain needs, aiming to use about three
 * quarters of the buses so that some stay unused as on real machines.
 */
static double gen_need(const struct pop_gen *g)
{
	u32 buses = g->bus_end > g->bus ? g->bus_end - g->bus : 1;

	return g->left / (0.75 * buses);
}

/* Whether there are buses to spare for gaps and empty hot-plug slots. */
static bool gen_roomy(const struct pop_gen *g)
{
	return gen_need(g) < 0.5;
}

/*
 * Functions of the next endpoint: mostly what servers carry (NVMe 1,
 * NIC 2 or 4, GPU and its audio 2, 8-function devices), and ARI devices
 * with many physical functions once the domain is dense.
 */
static u32 gen_functions(struct pop_gen *g)
{
	static const u8 mix[] = { 1, 1, 1, 1, 2, 2, 2, 4, 4, 8 };
	double need = gen_need(g);
	u32 f;

	if (need < 2)
		f = g->vmd ? 1 : mix[rng_below(g->rng, ARRAY_SIZE(mix))];
	else
		f = (u32)(need * (0.5 + rng_unit(g->rng))) + 1;
	return min(min(f, 256U), g->left);
}

/* One device on @bus with functions 0..f-1 (ARI numbering past 8). */
static void gen_endpoint(struct pop_gen *g, u32 bus)
{
	u32 f = gen_functions(g), i;

	for (i = 0; i < f; i++)
		gen_emit(g, bus, i);
	gen_count_device(g, f);
}

/* A conventional PCI bus behind a bridge: a few devices, sparse slots. */
static void gen_conventional(struct pop_gen *g, u32 bus)
{
	u32 nr = 1 + rng_below(g->rng, 4), slot = rng_below(g->rng, 4);
	u32 i, fn, nfn;

	for (i = 0; i < nr && slot < 32 && g->left; i++) {
		nfn = rng_below(g->rng, 3) ? 1 : 2;
		for (fn = 0; fn < nfn; fn++)
			gen_emit(g, bus, PCI_DEVFN(slot, fn));
		gen_count_device(g, nfn);
		slot += 1 + rng_below(g->rng, 8);
	}
}

static void gen_below_port(struct pop_gen *g, bool allow_switch);

/*
 * A PCIe switch: upstream port on @bus, downstream ports on the switch's
 * internal bus, and a bus below each port, numbered depth-first.
 */
static void gen_switch(struct pop_gen *g, u32 bus)
{
	u32 ports = 2 + rng_below(g->rng, g->vmd ? 7 : 15), i;
	u32 above = g->parent, up = g->p->nr;

	gen_bridge(g, bus, PCI_DEVFN(0, 0));
	g->bus = bus + 2;
	for (i = 0; i < ports && g->left && g->bus < g->bus_end; i++) {
		g->parent = up;
		gen_bridge(g, bus + 1, PCI_DEVFN(i, 0));
		g->parent = g->p->nr - 1;
		gen_below_port(g, false);
	}
	g->parent = above;
}

/* Whatever hangs below a root or downstream port, on bus g->bus. */
static void gen_below_port(struct pop_gen *g, bool allow_switch)
{
	u32 bus = g->bus, r = rng_below(g->rng, 100);

	if (!g->left || bus >= g->bus_end)
		return;
	if (r < 10 && gen_roomy(g)) {
		/* An empty hot-plug slot: firmware reserves buses for it. */
		g->bus = min(g->bus_end, bus + 1 + rng_below(g->rng, 8));
		return;
	}
	g->bus = bus + 1;
	if (allow_switch && r < 30 && g->bus_end - bus > 4)
		gen_switch(g, bus);
	else if (!g->vmd && r < 40 && gen_need(g) < 2)
		gen_conventional(g, bus);
	else
		gen_endpoint(g, bus);
	/* Buses the firmware skipped. */
	if (gen_roomy(g) || !rng_below(g->rng, 4))
		g->bus = min(g->bus_end, g->bus + rng_below(g->rng, 3));
}

/*
 * The chipset's devices on the root bus, no more than a third of the
 * quota.  A device's functions go in together, except that the first
 * device (the host bridge) is cut to fit a tiny quota.
 */
static void gen_chipset(struct pop_gen *g, u32 root_bus)
{
	bool amd = rng_below(g->rng, 2);
	const u8 *c = amd ? chipset_amd : chipset_intel;
	u32 nr = amd ? ARRAY_SIZE(chipset_amd) : ARRAY_SIZE(chipset_intel);
	u32 budget = max(1U, g->left / 3), i = 0, start, nfn, k;

	while (i < nr && budget) {
		start = i;
		while (i < nr && c[i] >> 3 == c[start] >> 3)
			i++;
		nfn = i - start;
		if (nfn > budget && start)
			break;
		nfn = min(nfn, budget);
		budget -= nfn;
		for (k = 0; k < nfn; k++)
			gen_emit(g, root_bus, c[start + k]);
		gen_count_device(g, nfn);
	}
}

static void gen_domain(struct pop_gen *g, u32 root_bus)
{
	u32 port;

	g->bus = root_bus + 1;
	g->bus_end = 256;
	g->parent = POP_NO_PARENT;
	if (!g->vmd)
		gen_chipset(g, root_bus);
	for (port = 0; port < POP_ROOT_PORTS && g->left; port++) {
		if (g->bus >= g->bus_end)
			break;
		g->parent = POP_NO_PARENT;
		gen_bridge(g, root_bus, PCI_DEVFN(root_port_slots[port / 8],
						  port % 8));
		g->parent = g->p->nr - 1;
		gen_below_port(g, true);
	}
	g->parent = POP_NO_PARENT;
}

/* ---- the whole host ---- */

struct pop_range {
	u32 domain;
	u32 start, end;	/* in p->dev, generation order */
};

static int cmp_bdf(const void *a, const void *b)
{
	const struct pop_dev *x = a, *y = b;

	return (int)x->bdf - (int)y->bdf;
}

u32 population_size(u32 nr_preserved, u32 share_pct)
{
	return (u32)(((u64)nr_preserved * 100 + share_pct - 1) / share_pct);
}

/* Generate one domain and note where its devices are. */
static void gen_one(struct pop_gen *g, struct pop_range *r, u32 domain,
		    bool vmd, u32 quota, u32 root_bus)
{
	g->domain = domain;
	g->vmd = vmd;
	g->left = quota;
	r->domain = domain;
	r->start = g->p->nr;
	gen_domain(g, root_bus);
	r->end = g->p->nr;
}

/*
 * Put the domains in the order their host bridges appear and sort each
 * by bdf: segment 0 first, the other segments in namespace order (a
 * shuffle), then the VMD domains in creation order.
 */
static int pop_order(struct population *p, struct rng *rng,
		     struct pop_range *r, u32 nr_seg, u32 nr_vmd)
{
	struct pop_dev *out = calloc(p->nr, sizeof(*out));
	u32 *old_at = pop_zalloc(1 << 16, sizeof(*old_at));
	u32 *new_at = pop_zalloc(1 << 16, sizeof(*new_at));
	u32 *parent = pop_zalloc(p->nr, sizeof(*parent));
	u8 *bridge = pop_zalloc(p->nr, sizeof(*bridge));
	u32 i, j, at = 0, old;
	int err = -ENOMEM;

	if (!out || !old_at || !new_at || !parent || !bridge)
		goto out;
	if (nr_seg > 2)
		rng_shuffle(rng, r + 1, nr_seg - 1, sizeof(*r));
	p->nr_domains = nr_seg + nr_vmd;
	p->domain = calloc(p->nr_domains, sizeof(*p->domain));
	if (!p->domain)
		goto out;
	for (i = 0; i < p->nr_domains; i++) {
		u32 n = r[i].end - r[i].start;

		p->domain[i] = r[i].domain;
		memcpy(out + at, p->dev + r[i].start, n * sizeof(*out));
		qsort(out + at, n, sizeof(*out), cmp_bdf);
		/* Bridges and parents follow their devices (bdf is unique). */
		for (j = r[i].start; j < r[i].end; j++)
			old_at[p->dev[j].bdf] = j;
		for (j = at; j < at + n; j++)
			new_at[out[j].bdf] = j;
		for (j = at; j < at + n; j++) {
			old = old_at[out[j].bdf];
			bridge[j] = p->bridge[old];
			parent[j] = p->parent[old] == POP_NO_PARENT ?
				    POP_NO_PARENT :
				    new_at[p->dev[p->parent[old]].bdf];
		}
		at += n;
	}
	free(p->dev);
	p->dev = out;
	out = NULL;
	pop_zfree(p->parent);
	pop_zfree(p->bridge);
	p->parent = parent;
	p->bridge = bridge;
	parent = NULL;
	bridge = NULL;
	err = 0;
out:
	free(out);
	pop_zfree(old_at);
	pop_zfree(new_at);
	pop_zfree(parent);
	pop_zfree(bridge);
	return err;
}

/*
 * The topology the refcounted rules need: which devices the table holds
 * (the preserved ones and every bridge above one), each preserved
 * device's path, and what a 16-bit domain would alias.  @idx[i] is the
 * index in dev[] of preserved[i], then of absent[i - nr_preserved].
 */
static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static int pop_alias16(struct population *p)
{
	u64 *k = pop_zalloc(p->nr, sizeof(*k));
	u32 i, j, pres;

	if (!k)
		return -ENOMEM;
	/* Key cut to 16 bits of domain, then bdf, then preserved last. */
	for (i = 0; i < p->nr; i++)
		k[i] = (u64)(p->dev[i].domain & 0xffff) << 17 |
		       (u64)p->dev[i].bdf << 1 | p->dev[i].preserved;
	qsort(k, p->nr, sizeof(*k), cmp_u64);
	for (i = 0; i < p->nr; i = j) {
		pres = 0;
		for (j = i; j < p->nr && k[j] >> 1 == k[i] >> 1; j++)
			pres += k[j] & 1;
		if (j - i < 2)
			continue;
		p->alias16 += j - i;
		if (pres)
			p->alias16_false_hits += j - i - pres;
	}
	pop_zfree(k);
	return 0;
}

static int pop_paths(struct population *p, const u32 *idx)
{
	u32 i, at, depth = 0, nr_abs = 0, x;

	for (i = 0; i < p->nr; i++)
		p->nr_bridges += p->bridge[i];
	p->in_table = pop_zalloc(p->nr, sizeof(*p->in_table));
	if (!p->in_table)
		return -ENOMEM;
	for (i = 0; i < p->nr_preserved; i++)
		for (x = idx[i]; x != POP_NO_PARENT; x = p->parent[x]) {
			depth += x != idx[i];
			p->in_table[x] = 1;
		}
	p->preserved_dev = pop_zalloc(p->nr_preserved, sizeof(*p->preserved_dev));
	p->path = pop_zalloc(depth, sizeof(*p->path));
	p->entry_prefix = pop_zalloc((size_t)p->nr + 1, sizeof(*p->entry_prefix));
	if (!p->preserved_dev || !p->path || !p->entry_prefix)
		return -ENOMEM;
	for (i = 0, at = 0; i < p->nr_preserved; i++) {
		const struct pop_dev *d = &p->dev[idx[i]];
		struct pci_ser_dev *pd = &p->preserved_dev[i];

		*pd = (struct pci_ser_dev){
			.domain = d->domain, .bdf = d->bdf,
			.is_bridge = p->bridge[idx[i]], .path = p->path + at,
		};
		for (x = p->parent[idx[i]]; x != POP_NO_PARENT;
		     x = p->parent[x]) {
			p->path[at].domain = p->dev[x].domain;
			p->path[at++].bdf = p->dev[x].bdf;
			pd->nr_path++;
		}
		if (pd->nr_path > PCI_SER_MAX_PATH)
			return -EINVAL;
	}
	for (i = 0; i < p->nr; i++) {
		p->entry_prefix[i + 1] = p->entry_prefix[i] + p->in_table[i];
		p->nr_bridges_in += p->in_table[i] && !p->dev[i].preserved;
	}
	p->nr_entries = p->entry_prefix[p->nr];
	/* Misses: the devices that table lacks, in the draw's order. */
	p->nr_absent_rc = p->nr - p->nr_entries;
	if (!p->nr_absent_rc)
		p->nr_absent_rc = p->nr_absent;
	p->absent_rc = pop_zalloc(p->nr_absent_rc, sizeof(*p->absent_rc));
	if (!p->absent_rc)
		return -ENOMEM;
	if (p->nr_entries == p->nr) {
		memcpy(p->absent_rc, p->absent,
		       p->nr_absent_rc * sizeof(*p->absent_rc));
		for (i = 0; i < p->nr_absent_rc; i++)
			p->absent_rc[i].domain |= 0x1000000;
	} else {
		for (i = p->nr_preserved; i < p->nr; i++)
			if (!p->in_table[idx[i]]) {
				p->absent_rc[nr_abs].domain = p->dev[idx[i]].domain;
				p->absent_rc[nr_abs++].bdf = p->dev[idx[i]].bdf;
			}
	}
	return pop_alias16(p);
}

/* Choose the preserved devices; list them and the absent ones. */
static int pop_preserve(struct population *p, struct rng *rng)
{
	u32 *idx = malloc((size_t)p->nr * sizeof(*idx));
	u32 i, nr_absent = p->nr - p->nr_preserved;
	int err;

	p->preserved = calloc(max(p->nr_preserved, 1U), sizeof(*p->preserved));
	p->nr_absent = nr_absent ? nr_absent : p->nr_preserved;
	p->absent = calloc(max(p->nr_absent, 1U), sizeof(*p->absent));
	if (!idx || !p->preserved || !p->absent) {
		free(idx);
		return -ENOMEM;
	}
	for (i = 0; i < p->nr; i++)
		idx[i] = i;
	rng_shuffle(rng, idx, p->nr, sizeof(*idx));
	for (i = 0; i < p->nr_preserved; i++) {
		struct pop_dev *d = &p->dev[idx[i]];

		d->preserved = 1;
		p->preserved[i].domain = d->domain;
		p->preserved[i].bdf = d->bdf;
	}
	for (i = 0; i < nr_absent; i++) {
		p->absent[i].domain = p->dev[idx[p->nr_preserved + i]].domain;
		p->absent[i].bdf = p->dev[idx[p->nr_preserved + i]].bdf;
	}
	/* Everything preserved: misses need keys of devices that are not. */
	for (i = 0; !nr_absent && i < p->nr_absent; i++) {
		p->absent[i] = p->preserved[i];
		p->absent[i].domain += 0x1000000;
	}
	err = pop_paths(p, idx);
	free(idx);
	return err;
}

static void pop_summarise(struct population *p)
{
	u64 h = 0xcbf29ce484222325ULL;
	u32 i, last_bus = ~0U, last_domain = ~0U;

	p->prefix[0] = 0;
	for (i = 0; i < p->nr; i++) {
		const struct pop_dev *d = &p->dev[i];
		u64 v = (u64)d->domain << 24 | (u64)d->bdf << 8 | d->preserved;
		int b;

		p->prefix[i + 1] = p->prefix[i] + d->preserved;
		if (d->domain != last_domain || d->bdf >> 8 != last_bus)
			p->nr_buses++;
		last_domain = d->domain;
		last_bus = d->bdf >> 8;
		for (b = 0; b < 8; b++) {
			h ^= (v >> (8 * b)) & 0xff;
			h *= 0x100000001b3ULL;
		}
	}
	p->hash = h;
}

int population_make(struct population *p, u32 nr_preserved, u32 share_pct,
		    u64 seed)
{
	u32 total, nr_seg = 0, max_seg, nr_vmd, vmd_quota, i;
	struct pop_range *r = NULL, *vmd = NULL, *grown;
	struct pop_gen g = { };
	struct rng rng;
	int err = -ENOMEM;

	memset(p, 0, sizeof(*p));
	if (!nr_preserved || !share_pct || share_pct > 100)
		return -EINVAL;
	total = population_size(nr_preserved, share_pct);
	p->seed = seed;
	p->share_pct = share_pct;
	p->nr_preserved = nr_preserved;
	/* Every N gets its own host, reproducible from the seed. */
	rng_seed(&rng, seed ^ ((u64)nr_preserved << 32 | share_pct));

	max_seg = max(2U, DIV_ROUND_UP(total, POP_SEGMENT_DEVICES));
	nr_vmd = max(1U, max_seg / 4);
	vmd_quota = min(POP_VMD_DEVICES, max(1U, total / 8 / nr_vmd));
	p->dev = calloc(total, sizeof(*p->dev));
	p->prefix = calloc((size_t)total + 1, sizeof(*p->prefix));
	p->bridge = pop_zalloc(total, sizeof(*p->bridge));
	p->parent = pop_zalloc(total, sizeof(*p->parent));
	vmd = calloc(nr_vmd, sizeof(*vmd));
	/* Room for the VMD domains after the segments, in the end. */
	r = calloc(max_seg + nr_vmd, sizeof(*r));
	if (!p->dev || !p->prefix || !vmd || !r || !p->bridge || !p->parent)
		goto out;
	g.rng = &rng;
	g.p = p;

	for (i = 0; i < nr_vmd; i++)
		gen_one(&g, &vmd[i], 0x10000 + i, true,
			min(vmd_quota, total - p->nr),
			rng_below(&rng, 2) ? 0x80 : 0x00);
	/* Segments until every device has a place; a full one spills over. */
	while (p->nr < total) {
		u32 left = total - p->nr;
		u32 segs_left = DIV_ROUND_UP(left, POP_SEGMENT_DEVICES);
		u32 quota = max(1U, left / max(segs_left, nr_seg ? 1U : 2U));
		u32 root = nr_seg && rng_below(&rng, 2) ?
			   0x40 * rng_below(&rng, 3) : 0;

		if (nr_seg == max_seg) {
			max_seg *= 2;
			grown = realloc(r, (max_seg + nr_vmd) * sizeof(*r));
			if (!grown)
				goto out;
			r = grown;
		}
		gen_one(&g, &r[nr_seg], nr_seg, false, min(quota, left), root);
		nr_seg++;
	}
	memcpy(&r[nr_seg], vmd, nr_vmd * sizeof(*r));
	p->nr_vmd_domains = nr_vmd;
	err = pop_order(p, &rng, r, nr_seg, nr_vmd);
	if (!err)
		err = pop_preserve(p, &rng);
	if (!err)
		pop_summarise(p);
out:
	free(r);
	free(vmd);
	if (err)
		population_free(p);
	return err;
}

void population_free(struct population *p)
{
	free(p->dev);
	free(p->prefix);
	free(p->domain);
	free(p->preserved);
	free(p->absent);
	pop_zfree(p->bridge);
	pop_zfree(p->parent);
	pop_zfree(p->in_table);
	pop_zfree(p->preserved_dev);
	pop_zfree(p->path);
	pop_zfree(p->entry_prefix);
	pop_zfree(p->absent_rc);
	memset(p, 0, sizeof(*p));
}
