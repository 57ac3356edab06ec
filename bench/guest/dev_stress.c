// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's stress scenario (dev_stress.h).  Each writer thread owns a
 * disjoint share of the endpoints (a seeded shuffle dealt round), so its
 * model of them (preserved or not) is exact whatever the others do; in
 * one group of ops (a batch, or one io_uring submission, whose commands
 * may run in any order once one is punted to io-wq) no device appears
 * twice, so the expected results do not depend on the order either.
 * Besides its own endpoints a thread preserves VFs (always -EINVAL) and
 * names a device that does not exist (always -ENODEV).  With allocation
 * faults, a preserve or unpreserve may be -ENOMEM instead of its model's
 * 0: then it must have changed nothing, so the model goes back, and the
 * table's check at the end (against the models) shows whether it did.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dev_stress.h"
#include "lubench_dev.h"
#include "numparse.h"

/* A domain no module or firmware makes: every op on it is -ENODEV. */
#define DS_NO_DOMAIN	0xfffffff0u

#define DS_PATH_NAME(e, name) [e] = name,
static const char *const path_names[] = { DS_FOR_EACH_PATH(DS_PATH_NAME) };
#undef DS_PATH_NAME

const char *ds_path_name(enum ds_path p)
{
	return p < DS_NR_PATHS ? path_names[p] : "?";
}

static const char *const op_names[] = {
	[LUBENCH_OP_PRESERVE] = "preserve",
	[LUBENCH_OP_UNPRESERVE] = "unpreserve",
	[LUBENCH_OP_FIND] = "find",
};

/* What one op of a group is about, to check its result. */
enum ds_target { T_OWN, T_VF, T_NODEV };

struct ds_shared {
	const struct ds_cfg *cfg;
	atomic_bool stop;		/* a thread found a violation */
	atomic_uint writers_left;
	pthread_mutex_t why_lock;
	struct ds_result *res;
	/* With hot-plug: the module's devices at the start, and the most
	 * the observer may see (UINT_MAX until the first event measured). */
	uint32_t n0;
	atomic_uint n_hi;
	atomic_bool faults_stop;	/* the others are done */
};

struct ds_thread {
	struct ds_shared *sh;
	unsigned int idx;
	pthread_t tid;
	struct lubench_devid *own;
	uint32_t nr_own;
	uint8_t *preserved;		/* the model: one flag per own device */
	uint64_t rng;
	uint64_t ops, path_ops[DS_NR_PATHS];
	uint64_t busy, noent, inval, nodev, nomem, observed;
	int err;			/* -errno: could not run */
};

static uint64_t rnd(uint64_t *s)
{
	/* xorshift64*: any non-zero state. */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The first violation wins; the others only stop. */
static void violation(struct ds_thread *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void violation(struct ds_thread *t, const char *fmt, ...)
{
	struct ds_result *res = t->sh->res;
	va_list ap;

	pthread_mutex_lock(&t->sh->why_lock);
	if (!res->lost) {
		res->lost = true;
		va_start(ap, fmt);
		vsnprintf(res->why, sizeof(res->why), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&t->sh->why_lock);
	atomic_store(&t->sh->stop, true);
}

static void count_refusal(struct ds_thread *t, int r)
{
	switch (r) {
	case -EBUSY: t->busy++; break;
	case -ENOENT: t->noent++; break;
	case -EINVAL: t->inval++; break;
	case -ENODEV: t->nodev++; break;
	case -ENOMEM: t->nomem++; break;
	}
}

/*
 * Fill @ops with @g ops on distinct devices, their expected results in
 * @want, and move the model on as if they ran.
 */
static void make_group(struct ds_thread *t, struct lubench_op *ops,
		       int *want, uint32_t *who, unsigned int g)
{
	const struct ds_cfg *c = t->sh->cfg;
	uint32_t picked[DS_MAX_GROUP];
	unsigned int i, k, np = 0;

	for (i = 0; i < g; i++) {
		unsigned int w = rnd(&t->rng) % 100;
		struct lubench_op *o = &ops[i];

		memset(o, 0, sizeof(*o));
		who[i] = UINT32_MAX;
		if (w < 5 && c->nr_vfs) {
			const struct lubench_devid *v =
				&c->vfs[rnd(&t->rng) % c->nr_vfs];

			o->domain = v->domain;
			o->bdf = v->bdf;
			o->op = LUBENCH_OP_PRESERVE;
			want[i] = -EINVAL;
			continue;
		}
		if (w < 10) {
			o->domain = DS_NO_DOMAIN;
			o->bdf = rnd(&t->rng) & 0xffff;
			o->op = 1 + rnd(&t->rng) % LUBENCH_NR_TABLE_OPS;
			want[i] = -ENODEV;
			continue;
		}
		/* An own device not yet in this group (g <= nr_own). */
		for (;;) {
			uint32_t d = rnd(&t->rng) % t->nr_own;

			for (k = 0; k < np && picked[k] != d; k++)
				;
			if (k == np) {
				picked[np++] = d;
				who[i] = d;
				break;
			}
		}
		o->domain = t->own[who[i]].domain;
		o->bdf = t->own[who[i]].bdf;
		if (w < 50) {
			o->op = LUBENCH_OP_PRESERVE;
			want[i] = t->preserved[who[i]] ? -EBUSY : 0;
			t->preserved[who[i]] = 1;
		} else if (w < 80) {
			o->op = LUBENCH_OP_UNPRESERVE;
			want[i] = t->preserved[who[i]] ? 0 : -ENOENT;
			t->preserved[who[i]] = 0;
		} else {
			o->op = LUBENCH_OP_FIND;
			want[i] = t->preserved[who[i]];
		}
	}
}

static int run_group(struct ds_thread *t, enum ds_path p,
		     struct lubench_op *ops, unsigned int g, struct lbdev *d)
{
	struct lubench_batch out;
	int ret;

	switch (p) {
	case DS_IOCTL:
		ops[0].result = lbdev_dev_op(d, ops[0].op, ops[0].domain,
					     ops[0].bdf, NULL);
		return 0;
	case DS_BATCH:
		ret = lbdev_batch(d, ops, g, 0, &out);
		break;
	case DS_URING:
		return lbdev_uring_ops(d, ops, g);
	case DS_URING_BATCH:
		ret = lbdev_uring_batch(d, ops, g, 0, &out);
		break;
	default:
		return -EINVAL;
	}
	if (!ret && out.nr_done != g)
		ret = -EIO;
	(void)t;
	return ret;
}

static void *writer(void *arg)
{
	struct ds_thread *t = arg;
	struct lubench_op ops[DS_MAX_GROUP];
	int want[DS_MAX_GROUP];
	uint32_t who[DS_MAX_GROUP];
	char name[32];
	struct lbdev d;
	unsigned int g, i, maxg;
	enum ds_path p;
	int ret;

	ret = lbdev_open(&d, t->sh->cfg->dev);
	if (!ret)
		ret = lbdev_uring_init(&d, DS_MAX_GROUP);
	if (ret) {
		t->err = ret;
		atomic_store(&t->sh->stop, true);
		goto out;
	}
	maxg = t->nr_own < DS_MAX_GROUP ? t->nr_own : DS_MAX_GROUP;
	while (t->ops < t->sh->cfg->ops && !atomic_load(&t->sh->stop)) {
		p = rnd(&t->rng) % DS_NR_PATHS;
		g = p == DS_IOCTL ? 1 : 1 + rnd(&t->rng) % maxg;
		if (g > t->sh->cfg->ops - t->ops)
			g = t->sh->cfg->ops - t->ops;
		make_group(t, ops, want, who, g);
		ret = run_group(t, p, ops, g, &d);
		if (ret) {
			violation(t, "thread %u: %s of %u ops failed: %s",
				  t->idx, ds_path_name(p), g, strerror(-ret));
			break;
		}
		t->ops += g;
		t->path_ops[p] += g;
		for (i = 0; i < g; i++) {
			if (ops[i].result < 0)
				count_refusal(t, ops[i].result);
			if (ops[i].result == want[i])
				continue;
			/* An allocation made to fail: nothing happened. */
			if (t->sh->cfg->fail_alloc && !want[i] &&
			    ops[i].result == -ENOMEM &&
			    ops[i].op != LUBENCH_OP_FIND) {
				t->preserved[who[i]] =
					ops[i].op == LUBENCH_OP_UNPRESERVE;
				continue;
			}
			/* A VF while the hot-plug thread has SR-IOV off. */
			if (t->sh->cfg->hotplug && want[i] == -EINVAL &&
			    ops[i].result == -ENODEV)
				continue;
			lbdev_format_bdf(name, sizeof(name), ops[i].domain,
					 ops[i].bdf);
			violation(t, "thread %u, %s, op %u of %u: %s %s gave "
				  "%d, the model says %d", t->idx,
				  ds_path_name(p), i + 1, g,
				  op_names[ops[i].op], name, ops[i].result,
				  want[i]);
			break;
		}
	}
out:
	lbdev_close(&d);
	atomic_fetch_sub(&t->sh->writers_left, 1);
	return NULL;
}

/*
 * The observer: the table's state read while the writers change it.
 * What must hold at any instant: the module's own devices do not change
 * in number, and a table never holds more than its capacity.
 */
static void *observer(void *arg)
{
	struct ds_thread *t = arg;
	struct lubench_devid *ids;
	struct lubench_stats st;
	struct lubench_info in;
	struct lbdev d;
	int n0 = -1, n, ret;

	ret = lbdev_open(&d, t->sh->cfg->dev);
	if (ret) {
		t->err = ret;
		atomic_store(&t->sh->stop, true);
		return NULL;
	}
	while (atomic_load(&t->sh->writers_left) && !atomic_load(&t->sh->stop)) {
		ret = lbdev_info(&d, &in);
		if (!ret && in.capacity && in.nr_preserved > in.capacity) {
			violation(t, "observer: %u entries in a table of %u",
				  in.nr_preserved, in.capacity);
			break;
		}
		n = ret ? ret : lbdev_list(&d, LUBENCH_LIST_OWN, &ids);
		if (n >= 0) {
			free(ids);
			if (n0 < 0)
				n0 = n;
			if (t->sh->cfg->hotplug &&
			    ((uint32_t)n + t->sh->cfg->nr_vfs < t->sh->n0 ||
			     (uint32_t)n > atomic_load(&t->sh->n_hi))) {
				violation(t, "observer: %d devices, outside "
					  "%u - %u VFs .. %u", n, t->sh->n0,
					  t->sh->cfg->nr_vfs,
					  atomic_load(&t->sh->n_hi));
				break;
			}
			if (!t->sh->cfg->hotplug && n != n0) {
				violation(t, "observer: the module's devices "
					  "went from %d to %d", n0, n);
				break;
			}
		}
		if (n >= 0)
			ret = lbdev_stats(&d, &st, false);
		if (n < 0 || ret) {
			violation(t, "observer: %s", strerror(-(n < 0 ? n : ret)));
			break;
		}
		t->observed += 3;
	}
	lbdev_close(&d);
	return NULL;
}

/* dev_stress.h: the number of the module's own devices, the first endpoint. */
int ds_own_count(struct lbdev *d, uint32_t domain, struct lubench_devid *first)
{
	struct lubench_devid *ids;
	int n, i;

	n = lbdev_list(d, LUBENCH_LIST_OWN, &ids);
	if (n < 0)
		return n;
	for (i = 0; first && i < n; i++)
		if (ids[i].domain >= domain &&
		    !(ids[i].flags & (LUBENCH_DEVF_BRIDGE | LUBENCH_DEVF_VF))) {
			*first = ids[i];
			first = NULL;
		}
	free(ids);
	return first ? -ENODEV : n;
}

/*
 * The hot-plug thread: the only one that changes the module's devices,
 * so it knows their number exactly after each of its calls.  An even
 * event adds DS_HOTPLUG_NR functions in a new domain (the number grows
 * by the same amount each time), preserves one of them (0, or -ENOSPC
 * when the table was sized before it), finds it, and removes them all
 * (a preserved one is unpreserved as it goes): the number back at the
 * start, the device gone (-ENODEV).  An odd event switches SR-IOV off
 * (every VF gone) and on again (the same VFs, after the sizing).
 */
static void *hotplugger(void *arg)
{
	struct ds_thread *t = arg;
	const struct ds_cfg *c = t->sh->cfg;
	struct ds_result *r = t->sh->res;
	struct lubench_hotplug h;
	struct lubench_devid dev;
	uint32_t delta = 0, nvf;
	unsigned int e;
	struct lbdev d;
	char name[32];
	bool kept;
	int n, ret;

	ret = lbdev_open(&d, c->dev);
	if (ret) {
		t->err = ret;
		atomic_store(&t->sh->stop, true);
		return NULL;
	}
	for (e = 0; e < c->hotplug && !atomic_load(&t->sh->stop); e++) {
		if (e % 2 && c->nr_vfs) {
			ret = lbdev_vfs_switch(&d, LUBENCH_HOTPLUG_VFS_OFF,
					       &nvf);
			if (ret || nvf != c->nr_vfs) {
				violation(t, "hotplug: SR-IOV off: %d, %u VFs "
					  "removed of %u", ret, nvf, c->nr_vfs);
				break;
			}
			n = ds_own_count(&d, 0, NULL);
			if (n < 0 || (uint32_t)n + c->nr_vfs != t->sh->n0) {
				violation(t, "hotplug: %d devices with SR-IOV "
					  "off, not %u - %u", n, t->sh->n0,
					  c->nr_vfs);
				break;
			}
			ret = lbdev_vfs_switch(&d, LUBENCH_HOTPLUG_VFS_ON,
					       &nvf);
			n = ret ? ret : ds_own_count(&d, 0, NULL);
			if (ret || nvf != c->nr_vfs ||
			    (uint32_t)n != t->sh->n0) {
				violation(t, "hotplug: SR-IOV on: %d, %u VFs "
					  "of %u, %d devices of %u", ret,
					  nvf, c->nr_vfs, n, t->sh->n0);
				break;
			}
			r->hp_sriov++;
			continue;
		}
		ret = lbdev_hotplug(&d, DS_HOTPLUG_NR, &h);
		if (ret || h.nr_added != DS_HOTPLUG_NR) {
			violation(t, "hotplug: adding %u functions: %d, %u added",
				  DS_HOTPLUG_NR, ret, h.nr_added);
			break;
		}
		n = ds_own_count(&d, h.domain, &dev);
		if (n < 0 || (delta && (uint32_t)n != t->sh->n0 + delta) ||
		    (uint32_t)n < t->sh->n0 + DS_HOTPLUG_NR) {
			violation(t, "hotplug: %d devices after adding %u to "
				  "%u", n, DS_HOTPLUG_NR, t->sh->n0);
			break;
		}
		if (!delta) {
			delta = n - t->sh->n0;
			atomic_store(&t->sh->n_hi, t->sh->n0 + delta);
		}
		r->hp_events++;
		r->hp_beside += atomic_load(&t->sh->writers_left) > 0;
		r->hp_added += DS_HOTPLUG_NR;
		lbdev_format_bdf(name, sizeof(name), dev.domain, dev.bdf);
		ret = lbdev_dev_op(&d, LUBENCH_OP_PRESERVE, dev.domain, dev.bdf,
				   NULL);
		kept = !ret;
		if (ret == -ENOSPC) {
			r->hp_nospc++;
		} else if (ret == -ENOMEM && c->fail_alloc) {
			t->nomem++;
		} else if (ret ||
			   lbdev_dev_op(&d, LUBENCH_OP_FIND, dev.domain,
					dev.bdf, NULL) != 1) {
			violation(t, "hotplug: %s: preserve gave %d, or find "
				  "did not see it", name, ret);
			break;
		}
		ret = lbdev_reset(&d, LUBENCH_RESET_HOTPLUG);
		n = ret ? ret : ds_own_count(&d, 0, NULL);
		if (ret || (uint32_t)n != t->sh->n0) {
			violation(t, "hotplug: removing them: %d, %d devices "
				  "of %u", ret, n, t->sh->n0);
			break;
		}
		ret = lbdev_dev_op(&d, LUBENCH_OP_FIND, dev.domain, dev.bdf,
				   NULL);
		if (ret != -ENODEV) {
			violation(t, "hotplug: %s after its removal: find gave "
				  "%d, not -ENODEV", name, ret);
			break;
		}
		r->hp_unplug_preserved += kept;
	}
	lbdev_close(&d);
	return NULL;
}

/* A number from one of the module's parameters' files; -errno. */
static int64_t read_param(const char *path)
{
	uint64_t v;
	char buf[32];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || buf[n - 1] != '\n')
		return -EIO;
	buf[n - 1] = '\0';
	if (lb_parse_u64(buf, 0, INT64_MAX, &v))
		return -EIO;
	return (int64_t)v;
}

static int write_param(const char *path, uint64_t v)
{
	char buf[32];
	int fd, len, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%" PRIu64 "\n", v);
	if (write(fd, buf, len) != len)
		ret = errno ? -errno : -EIO;
	close(fd);
	return ret;
}

/*
 * The allocation faults' thread: whenever the module's countdown has
 * fired (fail_alloc reads 0), it is armed again with 1..K, until the
 * others are done; ds_run() disarms it and counts the failures.
 */
static void *faulter(void *arg)
{
	struct ds_thread *t = arg;
	const struct ds_cfg *c = t->sh->cfg;
	const struct timespec pause = { .tv_nsec = 200000 };
	int64_t v;
	int ret;

	while (!atomic_load(&t->sh->faults_stop)) {
		v = read_param(c->fail_alloc_param);
		if (v < 0) {
			t->err = (int)v;
			break;
		}
		if (!v) {
			ret = write_param(c->fail_alloc_param,
					  1 + rnd(&t->rng) % c->fail_alloc);
			if (ret) {
				t->err = ret;
				break;
			}
		}
		nanosleep(&pause, NULL);
	}
	if (t->err)
		atomic_store(&t->sh->stop, true);
	return NULL;
}

static int cmp_id(const void *a, const void *b)
{
	const struct lubench_devid *x = a, *y = b;

	if (x->domain != y->domain)
		return x->domain < y->domain ? -1 : 1;
	return (x->bdf > y->bdf) - (x->bdf < y->bdf);
}

int ds_run(const struct ds_cfg *cfg, struct ds_result *res)
{
	struct ds_shared sh = { .cfg = cfg, .res = res };
	struct ds_thread th[DS_MAX_THREADS + 3], *obs, *hp = NULL, *fa = NULL;
	int64_t hits0 = 0;
	uint32_t *order = NULL, i, k;
	uint64_t seed = cfg->seed * 0x9e3779b97f4a7c15ULL + 1, t0;
	unsigned int T = cfg->threads, started = 0;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	memset(th, 0, sizeof(th));
	if (!T || T > DS_MAX_THREADS || cfg->nr_endpoints < T ||
	    cfg->hotplug > DS_MAX_HOTPLUG || cfg->fail_alloc > DS_MAX_FAIL_ALLOC ||
	    (cfg->fail_alloc && (!cfg->fail_alloc_param ||
				 !cfg->fail_alloc_hits)))
		return -EINVAL;
	pthread_mutex_init(&sh.why_lock, NULL);
	order = calloc(cfg->nr_endpoints, sizeof(*order));
	res->preserved = calloc(cfg->nr_endpoints, sizeof(*res->preserved));
	if (!order || !res->preserved) {
		ret = -ENOMEM;
		goto out;
	}
	/* Deal a seeded shuffle of the endpoints round the threads. */
	for (i = 0; i < cfg->nr_endpoints; i++)
		order[i] = i;
	for (i = cfg->nr_endpoints - 1; i > 0; i--) {
		uint32_t j = rnd(&seed) % (i + 1), x = order[i];

		order[i] = order[j];
		order[j] = x;
	}
	for (k = 0; k < T; k++) {
		uint32_t n = cfg->nr_endpoints / T +
			     (k < cfg->nr_endpoints % T);

		th[k].own = calloc(n, sizeof(*th[k].own));
		th[k].preserved = calloc(n, 1);
		if (!th[k].own || !th[k].preserved) {
			ret = -ENOMEM;
			goto out;
		}
		th[k].nr_own = 0;
	}
	for (i = 0; i < cfg->nr_endpoints; i++) {
		struct ds_thread *t = &th[i % T];

		t->own[t->nr_own++] = cfg->endpoints[order[i]];
	}
	atomic_init(&sh.stop, false);
	atomic_init(&sh.writers_left, T);
	atomic_init(&sh.n_hi, UINT_MAX);
	if (cfg->hotplug) {
		struct lbdev d;
		int n;

		ret = lbdev_open(&d, cfg->dev);
		n = ret ? ret : ds_own_count(&d, 0, NULL);
		lbdev_close(&d);
		if (n < 0) {
			ret = n;
			goto out;
		}
		sh.n0 = n;
	}
	atomic_init(&sh.faults_stop, false);
	if (cfg->fail_alloc) {
		hits0 = read_param(cfg->fail_alloc_hits);
		if (hits0 < 0) {
			ret = (int)hits0;
			goto out;
		}
		fa = &th[T + 2];
		fa->sh = &sh;
		fa->idx = T + 2;
		fa->rng = rnd(&seed) | 1;
	}
	t0 = now_ns();
	if (fa && pthread_create(&fa->tid, NULL, faulter, fa)) {
		ret = -EAGAIN;
		goto out;
	}
	for (k = 0; k < T; k++) {
		th[k].sh = &sh;
		th[k].idx = k;
		th[k].rng = rnd(&seed) | 1;
		if (pthread_create(&th[k].tid, NULL, writer, &th[k])) {
			atomic_store(&sh.stop, true);
			atomic_fetch_sub(&sh.writers_left, T - k);
			ret = -EAGAIN;
			break;
		}
		started++;
	}
	obs = &th[T];
	obs->sh = &sh;
	obs->idx = T;
	if (!ret && pthread_create(&obs->tid, NULL, observer, obs))
		ret = -EAGAIN;
	else if (!ret)
		started++;
	if (!ret && cfg->hotplug) {
		hp = &th[T + 1];
		hp->sh = &sh;
		hp->idx = T + 1;
		if (pthread_create(&hp->tid, NULL, hotplugger, hp))
			ret = -EAGAIN;
		else
			started++;
	}
	for (k = 0; k < started; k++)
		pthread_join(th[k].tid, NULL);
	res->wall_ns = now_ns() - t0;
	if (fa) {
		int64_t hits1;
		int r2;

		atomic_store(&sh.faults_stop, true);
		pthread_join(fa->tid, NULL);
		r2 = write_param(cfg->fail_alloc_param, 0);
		hits1 = read_param(cfg->fail_alloc_hits);
		if (!r2 && hits1 < 0)
			r2 = (int)hits1;
		if (r2 && !ret)
			ret = r2;
		if (!r2)
			res->alloc_faults = hits1 - hits0;
	}
	for (k = 0; k <= T + 2; k++) {
		unsigned int p;

		if (th[k].err && !ret)
			ret = th[k].err;
		res->ops += th[k].ops;
		for (p = 0; p < DS_NR_PATHS; p++)
			res->path_ops[p] += th[k].path_ops[p];
		res->refused_busy += th[k].busy;
		res->refused_noent += th[k].noent;
		res->refused_inval += th[k].inval;
		res->refused_nodev += th[k].nodev;
		res->refused_nomem += th[k].nomem;
		res->observed += th[k].observed;
		for (i = 0; k < T && i < th[k].nr_own; i++)
			if (th[k].preserved[i])
				res->preserved[res->nr_preserved++] =
					th[k].own[i];
	}
	res->refused = res->refused_busy + res->refused_noent +
		       res->refused_inval + res->refused_nodev +
		       res->refused_nomem;
	/* Each failure reached one caller: none swallowed, none invented. */
	if (!ret && fa && !res->lost && res->refused_nomem != res->alloc_faults) {
		res->lost = true;
		snprintf(res->why, sizeof(res->why), "%" PRIu64 " allocations "
			 "made to fail, %" PRIu64 " ops saw -ENOMEM",
			 res->alloc_faults, res->refused_nomem);
	}
	if (res->nr_preserved)
		qsort(res->preserved, res->nr_preserved,
		      sizeof(*res->preserved), cmp_id);
out:
	for (k = 0; k <= T + 2 && k <= DS_MAX_THREADS + 2; k++) {
		free(th[k].own);
		free(th[k].preserved);
	}
	free(order);
	pthread_mutex_destroy(&sh.why_lock);
	if (ret) {
		free(res->preserved);
		res->preserved = NULL;
		res->nr_preserved = 0;
	}
	return ret;
}
