// SPDX-License-Identifier: GPL-2.0
/*
 * lubench.ko: drives the pci_ser table of preserved devices with real
 * struct pci_dev, through /dev/lubench (ioctl and io_uring uring_cmd).
 * The devices come from lubench_vpci.c, the handover across kexec from
 * lubench_handover.c; the uapi is lubench_uapi.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/fs.h>
#include <linux/io_uring.h>
#include <linux/io_uring_types.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <asm/tsc.h>

#include "lubench.h"
#include "lubench_uapi.h"
#include "lubench_version.h"
#include "pci_ser.h"

/* The uapi layouts the tools and the uring_cmd SQE rely on. */
static_assert(sizeof(struct lubench_op) == 16);
static_assert(sizeof(struct lubench_ucmd) == 16);
static_assert(sizeof(struct lubench_devid) == 8);
static_assert(sizeof(struct lubench_info) == 104);
static_assert(sizeof(struct lubench_batch) == 80);
static_assert(sizeof(struct lubench_variant) == 112);
static_assert(sizeof(struct lubench_list) == 48);
static_assert(LUBENCH_RULES_V2 == PCI_SER_RULES_V2 &&
	      LUBENCH_RULES_V6 == PCI_SER_RULES_V6 &&
	      LUBENCH_RULES_KHO == PCI_SER_RULES_KHO);

static unsigned int nr_devices = 4096;
module_param(nr_devices, uint, 0444);
MODULE_PARM_DESC(nr_devices,
		 "PCI functions to create, VFs included (default 4096, max 65536)");

#define LB_TOPOLOGY_NAME(id, nr, name) [nr] = name,
static const char *const lb_topology_names[] = {
	LUBENCH_FOR_EACH_TOPOLOGY(LB_TOPOLOGY_NAME)
};
#undef LB_TOPOLOGY_NAME

static char *topology = "flat";
module_param(topology, charp, 0444);
MODULE_PARM_DESC(topology,
		 "Population: flat (every function on a root bus) or switches (behind root ports and PCIe switches)");

static bool renumber;
module_param(renumber, bool, 0444);
MODULE_PARM_DESC(renumber,
		 "With restore=1 and topology=switches: number the buses otherwise than the old kernel did (root-port pairs swap their bus ranges; kept for preserved devices when the incoming rules keep bus numbers)");

static char *variant = "";
module_param(variant, charp, 0444);
MODULE_PARM_DESC(variant,
		 "Layout of the table at load, and the only one restore accepts (default: linear, restore takes any)");

/*
 * Every pci_dev in the system by pci_ser_key(domain, bdf), as a value
 * entry holding LUBENCH_DEVF_* flags.  Kept by a PCI bus notifier, so
 * resolving (domain, bdf) costs no walk over all devices, which at
 * 16384 devices would dwarf the table operation being measured.
 */
static DEFINE_XARRAY(lb_devs);
/*
 * The same keys to the struct pci_dev, for walking its bridges when it is
 * preserved.  An entry is erased when the device is deleted, before it
 * can be freed, so a pointer loaded under xa_lock() stays valid until
 * xa_unlock(); its bridges, its parents, outlive it.
 */
static DEFINE_XARRAY(lb_pdevs);

/* Bits of an lb_devs value above the LUBENCH_DEVF_* flags: the refcount. */
#define LB_DEVF_MASK	0xffffUL
#define LB_REF_SHIFT	16

/* The table and everything that goes with it. */
static struct {
	struct mutex lock;
	struct pci_ser ser;
	unsigned int variant;
	bool frozen;		/* handed over: preserve/unpreserve -EBUSY */
	bool unplugging;	/* RESET_HOTPLUG is removing devices */
	struct lubench_stats stats;
} lb = {
	.lock = __MUTEX_INITIALIZER(lb.lock),
};

/* Counted apart so that a uring_cmd takes the table lock only once. */
static atomic64_t lb_uring_cmds = ATOMIC64_INIT(0);

static unsigned long lb_key(struct pci_dev *pdev)
{
	return pci_ser_key(pci_domain_nr(pdev->bus), pci_dev_id(pdev));
}

static unsigned long lb_dev_flags(struct pci_dev *pdev)
{
	unsigned long flags = 0;

	if (pdev->is_virtfn)
		flags |= LUBENCH_DEVF_VF;
	if (lubench_vpci_owns(pdev))
		flags |= LUBENCH_DEVF_OWN;
	if (pci_is_bridge(pdev))
		flags |= LUBENCH_DEVF_BRIDGE;
	return flags;
}

/*
 * In the kernel after a live update, every device added is looked up in
 * the retrieved table first: this stands for pci_setup_device() calling
 * pci_ser_find().  A device found is marked incoming, with the refcount it
 * has in the table.
 */
static void lb_index_add(struct pci_dev *pdev)
{
	unsigned long flags = lb_dev_flags(pdev);
	void *old;
	u16 ref;

	ref = lubench_ho_lookup(pci_domain_nr(pdev->bus), pci_dev_id(pdev),
				lubench_vpci_phys(pdev));
	if (ref)
		flags |= LUBENCH_DEVF_INCOMING | (unsigned long)ref << LB_REF_SHIFT;
	old = xa_store(&lb_pdevs, lb_key(pdev), pdev, GFP_KERNEL);
	if (!xa_is_err(old))
		old = xa_store(&lb_devs, lb_key(pdev), xa_mk_value(flags),
			       GFP_KERNEL);

	if (xa_is_err(old))
		pci_warn_once(pdev, "lubench: cannot index device: %d\n",
			      xa_err(old));
}

static void lb_unplugged(struct pci_dev *pdev);

static int lb_pci_notify(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	struct pci_dev *pdev = to_pci_dev(data);

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		lb_index_add(pdev);
		break;
	case BUS_NOTIFY_DEL_DEVICE:
		if (READ_ONCE(lb.unplugging))
			lb_unplugged(pdev);
		xa_erase(&lb_devs, lb_key(pdev));
		xa_erase(&lb_pdevs, lb_key(pdev));
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block lb_pci_nb = {
	.notifier_call = lb_pci_notify,
};

/* LUBENCH_DEVF_* of a device, or -ENODEV. */
static long lb_resolve(u32 domain, u16 bdf)
{
	void *e = xa_load(&lb_devs, pci_ser_key(domain, bdf));

	return e ? (long)(xa_to_value(e) & LB_DEVF_MASK) : -ENODEV;
}

/* An operation's device, resolved before the table lock is taken. */
struct lb_target {
	long devf;		/* LUBENCH_DEVF_* or -errno */
	struct pci_ser_dev dev;
	struct pci_ser_id path[PCI_SER_MAX_PATH];
};

/*
 * What pci_ser_preserve_dev() needs of a device: what it is and the
 * bridges above it, nearest first, by pci_upstream_bridge() (a VF's
 * are its PF's).  A path deeper than PCI_SER_MAX_PATH is left too long,
 * for the front end to refuse.
 */
static void lb_describe(u32 domain, u16 bdf, struct lb_target *t)
{
	struct pci_dev *pdev, *b;
	u32 n = 0;

	t->dev.domain = domain;
	t->dev.bdf = bdf;
	t->dev.path = t->path;
	xa_lock(&lb_pdevs);
	pdev = xa_load(&lb_pdevs, pci_ser_key(domain, bdf));
	if (pdev) {
		t->dev.is_vf = pdev->is_virtfn;
		t->dev.is_bridge = pci_is_bridge(pdev);
		for (b = pci_upstream_bridge(pdev); b;
		     b = pci_upstream_bridge(b)) {
			if (n == PCI_SER_MAX_PATH) {
				n++;
				break;
			}
			t->path[n].domain = pci_domain_nr(b->bus);
			t->path[n].bdf = pci_dev_id(b);
			n++;
		}
	}
	xa_unlock(&lb_pdevs);
	t->dev.nr_path = n;
}

/*
 * A preserved device hot-unplugged (LUBENCH_RESET_HOTPLUG, which holds
 * no table lock while the devices go): before the freeze it is
 * unpreserved, with the refcounts along its path under refcounted rules,
 * so the table holds no entry for a device that is gone and nothing else
 * changes; after the freeze the handed-over table keeps its entry and the
 * next kernel will not find the device (the "device missing" outcome).
 * Either way one line says so.  Called before the device leaves the
 * indexes, whose entries lb_describe() reads.
 */
static void lb_unplugged(struct pci_dev *pdev)
{
	u32 domain = pci_domain_nr(pdev->bus);
	u16 bdf = pci_dev_id(pdev);
	struct lb_target t = {};
	int ret;

	mutex_lock(&lb.lock);
	/* A bridge's children go first: a bridge held only for them is gone. */
	if (!lb.ser.priv || !pci_ser_find(&lb.ser, domain, bdf)) {
		mutex_unlock(&lb.lock);
		return;
	}
	if (lb.frozen) {
		mutex_unlock(&lb.lock);
		pci_info(pdev, "lubench: preserved device removed after the freeze: the handover keeps its entry, the next kernel will not find it\n");
		return;
	}
	lb_describe(domain, bdf, &t);
	ret = pci_ser_unpreserve_dev(&lb.ser, &t.dev);
	mutex_unlock(&lb.lock);
	if (ret)
		pci_warn(pdev, "lubench: preserved device removed, but unpreserving it failed (%d): its entry stays\n", ret);
	else
		pci_info(pdev, "lubench: preserved device removed: unpreserved, the other preserved devices unchanged\n");
}

/* What the series does to size the table: count every device present. */
static u32 lb_count_pci_devs(void)
{
	struct pci_dev *pdev = NULL;
	u32 n = 0;

	for_each_pci_dev(pdev)
		n++;
	return n;
}

static unsigned int lb_nr_variants(void)
{
	unsigned int n = 0;

	while (pci_ser_variants[n])
		n++;
	return n;
}

/* Validate one operation and resolve its device into @t. */
static void lb_check_op(const struct lubench_op *o, struct lb_target *t)
{
	memset(&t->dev, 0, sizeof(t->dev));
	if (o->op < LUBENCH_OP_PRESERVE || o->op > LUBENCH_OP_FIND ||
	    o->flags || o->reserved) {
		t->devf = -EINVAL;
		return;
	}
	t->devf = lb_resolve(o->domain, o->bdf);
	if (t->devf >= 0 && o->op != LUBENCH_OP_FIND)
		lb_describe(o->domain, o->bdf, t);
}

/*
 * Run @n checked operations under lb.lock; @t[i] is lb_check_op()'s
 * verdict and device.  Returns the number run (fewer when stopping on an
 * error) and adds the time spent in the table to *@table_ns.  The first
 * preserve counts the devices to size the table; that walk is the PCI
 * core's cost, not the layout's, and is left out of the time.  Frozen,
 * a layout of v2's rules is -EBUSY here (the suite's own rule), one of
 * the refcounted rules -EINVAL from the front end (the series' rule).
 */
static u32 lb_run_ops(struct lubench_op *ops, const struct lb_target *t,
		      u32 n, bool stop_on_error, u64 *table_ns)
{
	bool busy = lb.frozen && !pci_ser_rules_refcounted(lb.ser.ops->rules);
	u64 t0, ts, excl = 0;
	u32 i, j, cap = 0;

	lockdep_assert_held(&lb.lock);
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		struct lubench_op *o = &ops[i];

		if (t[i].devf < 0) {
			o->result = t[i].devf;
		} else if (busy && o->op != LUBENCH_OP_FIND) {
			o->result = -EBUSY;
		} else if (o->op == LUBENCH_OP_PRESERVE) {
			if (!lb.ser.priv) {
				ts = ktime_get_ns();
				cap = lb_count_pci_devs();
				excl += ktime_get_ns() - ts;
			}
			o->result = pci_ser_preserve_dev(&lb.ser, &t[i].dev, cap);
		} else if (o->op == LUBENCH_OP_UNPRESERVE) {
			o->result = pci_ser_unpreserve_dev(&lb.ser, &t[i].dev);
		} else {
			o->result = pci_ser_find(&lb.ser, o->domain, o->bdf);
		}
		if (o->result < 0 && stop_on_error) {
			i++;
			break;
		}
	}
	ts = ktime_get_ns() - t0 - excl;
	*table_ns += ts;
	lb.stats.table_ns += ts;

	for (j = 0; j < i; j++) {
		struct lubench_op *o = &ops[j];

		if (o->op < LUBENCH_OP_PRESERVE || o->op > LUBENCH_OP_FIND)
			continue;
		lb.stats.op[o->op - 1].count++;
		if (o->result < 0)
			lb.stats.op[o->op - 1].failed++;
	}
	return i;
}

/* One operation, for the single-device ioctls and uring_cmd. */
static int lb_one_op(u8 op, u32 domain, u16 bdf, long *devf, u64 *ns)
{
	struct lubench_op o = { .domain = domain, .bdf = bdf, .op = op };
	struct lb_target tg;
	u64 t = 0;

	lb_check_op(&o, &tg);
	*devf = tg.devf;
	mutex_lock(&lb.lock);
	lb_run_ops(&o, &tg, 1, false, &t);
	mutex_unlock(&lb.lock);
	if (ns)
		*ns = t;
	return o.result;
}

#define LB_CHUNK	256

struct lb_chunk {
	struct lubench_op ops[LB_CHUNK];
	struct lb_target t[LB_CHUNK];
};

/* The body of LUBENCH_IOC_BATCH and of uring_cmd LUBENCH_OP_BATCH. */
static int lb_batch(struct lubench_batch *b)
{
	struct lubench_op __user *uops = u64_to_user_ptr(b->ops);
	bool stop = b->flags & LUBENCH_BATCH_STOP_ON_ERROR;
	u64 t0 = ktime_get_ns();
	struct lb_chunk *c;
	u32 base, n, i, ran;
	int ret = 0;

	if (b->flags & ~LUBENCH_BATCH_STOP_ON_ERROR ||
	    b->nr_done || b->nr_failed || b->batch_ns || b->table_ns ||
	    memchr_inv(b->reserved, 0, sizeof(b->reserved)))
		return -EINVAL;
	if (b->nr > LUBENCH_BATCH_MAX)
		return -E2BIG;
	c = kvmalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;

	for (base = 0; base < b->nr; base += n) {
		n = min_t(u32, b->nr - base, LB_CHUNK);
		if (copy_from_user(c->ops, uops + base, n * sizeof(*c->ops))) {
			ret = -EFAULT;
			break;
		}
		for (i = 0; i < n; i++)
			lb_check_op(&c->ops[i], &c->t[i]);
		mutex_lock(&lb.lock);
		ran = lb_run_ops(c->ops, c->t, n, stop, &b->table_ns);
		mutex_unlock(&lb.lock);
		for (i = 0; i < ran; i++)
			if (c->ops[i].result < 0)
				b->nr_failed++;
		b->nr_done += ran;
		if (copy_to_user(uops + base, c->ops, ran * sizeof(*c->ops))) {
			ret = -EFAULT;
			break;
		}
		if (ran < n)
			break;
	}
	kvfree(c);
	b->batch_ns = ktime_get_ns() - t0;

	mutex_lock(&lb.lock);
	lb.stats.batches++;
	lb.stats.batch_ns += b->batch_ns;
	lb.stats.last_batch_ns = b->batch_ns;
	mutex_unlock(&lb.lock);
	return ret;
}

/*
 * Copy in a versioned struct of @size bytes and check its header.  The
 * ioctl number already encodes the size; @size is checked too so that a
 * caller built against another layout fails loudly.
 */
static int lb_copy_in(void *k, size_t size, void __user *u)
{
	const u32 *hdr = k;

	if (copy_from_user(k, u, size))
		return -EFAULT;
	if (hdr[0] != size || hdr[1] != LUBENCH_ABI_VERSION)
		return -EINVAL;
	return 0;
}

static int lb_copy_out(void __user *u, const void *k, size_t size)
{
	return copy_to_user(u, k, size) ? -EFAULT : 0;
}

static long lb_ioc_info(void __user *u)
{
	struct lubench_vpci_info vi;
	struct lubench_info in;
	int ret;

	ret = lb_copy_in(&in, sizeof(in), u);
	if (ret)
		return ret;
	/* Everything after the header is out, hence must come in as 0. */
	if (memchr_inv(&in.abi_version, 0, sizeof(in) - 8))
		return -EINVAL;

	lubench_vpci_get_info(&vi);
	in.abi_version = LUBENCH_ABI_VERSION;
	in.nr_functions = vi.nr_functions;
	in.nr_vfs = vi.nr_vfs;
	in.nr_domains = vi.nr_domains;
	in.nr_root_buses = vi.nr_root_buses;
	in.enum_ns = vi.enum_ns;
	in.sriov_ns = vi.sriov_ns;
	in.nr_pci_devs = lb_count_pci_devs();
	in.nr_variants = lb_nr_variants();
	in.tsc_khz = tsc_khz;
	in.nr_bridges = vi.nr_bridges;
	in.topology = vi.topology;
	mutex_lock(&lb.lock);
	in.variant = lb.variant;
	in.capacity = lb.ser.priv ? lb.ser.capacity : 0;
	in.nr_preserved = lb.ser.priv ? lb.ser.nr_devices : 0;
	mutex_unlock(&lb.lock);
	return lb_copy_out(u, &in, sizeof(in));
}

static long lb_ioc_variant(void __user *u)
{
	const struct pci_ser_ops *ops;
	struct lubench_variant v;
	unsigned int i;
	int ret;

	ret = lb_copy_in(&v, sizeof(v), u);
	if (ret)
		return ret;
	if (v.flags & ~LUBENCH_VARIANT_SET ||
	    memchr_inv(v.compatible, 0, sizeof(v.compatible)) ||
	    v.rules || v.reserved0 ||
	    memchr_inv(v.reserved, 0, sizeof(v.reserved)))
		return -EINVAL;

	if (!(v.flags & LUBENCH_VARIANT_SET)) {
		if (memchr_inv(v.name, 0, sizeof(v.name)))
			return -EINVAL;
		if (v.index >= lb_nr_variants())
			return -ENOENT;
		ops = pci_ser_variants[v.index];
	} else {
		if (v.index || !memchr(v.name, 0, sizeof(v.name)))
			return -EINVAL;
		for (i = 0; pci_ser_variants[i]; i++)
			if (!strcmp(pci_ser_variants[i]->name, v.name))
				break;
		ops = pci_ser_variants[i];
		if (!ops)
			return -ENOENT;
		mutex_lock(&lb.lock);
		if (lb.ser.priv) {
			ret = -EBUSY;
		} else {
			lb.ser.ops = ops;
			lb.variant = i;
		}
		mutex_unlock(&lb.lock);
		if (ret)
			return ret;
		v.index = i;
	}
	strscpy(v.name, ops->name, sizeof(v.name));
	strscpy(v.compatible, ops->compatible, sizeof(v.compatible));
	v.rules = ops->rules;
	return lb_copy_out(u, &v, sizeof(v));
}

static long lb_ioc_dev(u8 op, void __user *u)
{
	struct lubench_dev d;
	long devf;
	int ret;

	ret = lb_copy_in(&d, sizeof(d), u);
	if (ret)
		return ret;
	if ((d.flags & ~LUBENCH_DEV_REFCOUNT) ||
	    (d.flags && op != LUBENCH_OP_FIND) || d.found || d.dev_flags ||
	    d.ns || memchr_inv(d.reserved, 0, sizeof(d.reserved)))
		return -EINVAL;
	ret = lb_one_op(op, d.domain, d.bdf, &devf, &d.ns);
	if (ret < 0)
		return ret;
	d.found = op == LUBENCH_OP_FIND ? ret : 0;
	if (d.flags & LUBENCH_DEV_REFCOUNT) {
		mutex_lock(&lb.lock);
		d.found = pci_ser_refcount(&lb.ser, d.domain, d.bdf);
		mutex_unlock(&lb.lock);
	}
	d.dev_flags = devf;
	return lb_copy_out(u, &d, sizeof(d));
}

static long lb_ioc_batch(void __user *u)
{
	struct lubench_batch b;
	int ret;

	ret = lb_copy_in(&b, sizeof(b), u);
	if (ret)
		return ret;
	ret = lb_batch(&b);
	if (ret)
		return ret;
	return lb_copy_out(u, &b, sizeof(b));
}

static long lb_ioc_stats(void __user *u)
{
	struct lubench_stats s;
	u32 flags;
	int ret;

	ret = lb_copy_in(&s, sizeof(s), u);
	if (ret)
		return ret;
	flags = s.flags;
	if (flags & ~LUBENCH_STATS_RESET ||
	    memchr_inv(&s.reserved0, 0, sizeof(s) - 12))
		return -EINVAL;
	mutex_lock(&lb.lock);
	s = lb.stats;
	s.uring_cmds = atomic64_read(&lb_uring_cmds);
	if (flags & LUBENCH_STATS_RESET) {
		memset(&lb.stats, 0, sizeof(lb.stats));
		atomic64_set(&lb_uring_cmds, 0);
	}
	mutex_unlock(&lb.lock);
	s.size = sizeof(s);
	s.version = LUBENCH_ABI_VERSION;
	s.flags = flags;
	return lb_copy_out(u, &s, sizeof(s));
}

static long lb_ioc_reset(void __user *u)
{
	struct lubench_reset r;
	u32 nr_vfs;
	int ret;

	ret = lb_copy_in(&r, sizeof(r), u);
	if (ret)
		return ret;
	if (!r.flags || r.flags & ~LUBENCH_RESET_ALL || r.reserved0 ||
	    memchr_inv(r.reserved, 0, sizeof(r.reserved)))
		return -EINVAL;
	mutex_lock(&lb.lock);
	if (r.flags & LUBENCH_RESET_TABLE) {
		pci_ser_destroy(&lb.ser);
		if (lb.frozen)
			lubench_ho_cancel();
		lb.frozen = false;
		lb.ser.frozen = false;
	}
	if (r.flags & LUBENCH_RESET_STATS) {
		memset(&lb.stats, 0, sizeof(lb.stats));
		atomic64_set(&lb_uring_cmds, 0);
	}
	mutex_unlock(&lb.lock);
	if (r.flags & LUBENCH_RESET_HOTPLUG) {
		/* a preserved device among them: lb_unplugged() */
		WRITE_ONCE(lb.unplugging, true);
		lubench_vpci_remove_hotplug();
		WRITE_ONCE(lb.unplugging, false);
		return lubench_vpci_sriov(true, &nr_vfs);
	}
	return 0;
}

static long lb_ioc_hotplug(void __user *u)
{
	struct lubench_hotplug h;
	u64 t;
	int ret;

	ret = lb_copy_in(&h, sizeof(h), u);
	if (ret)
		return ret;
	if (h.domain || h.nr_added || h.ns ||
	    memchr_inv(h.reserved, 0, sizeof(h.reserved)))
		return -EINVAL;
	if (h.flags) {
		/* SR-IOV off or on: one of the two, and no functions */
		if (h.nr || (h.flags != LUBENCH_HOTPLUG_VFS_OFF &&
			     h.flags != LUBENCH_HOTPLUG_VFS_ON))
			return -EINVAL;
	} else if (!h.nr || h.nr > LUBENCH_HOTPLUG_MAX) {
		return -EINVAL;
	}
	t = ktime_get_ns();
	if (h.flags)
		ret = lubench_vpci_sriov(h.flags == LUBENCH_HOTPLUG_VFS_ON,
					 &h.nr_added);
	else
		ret = lubench_vpci_hotplug(h.nr, &h.domain, &h.nr_added);
	h.ns = ktime_get_ns() - t;
	if (ret)
		return ret;
	return lb_copy_out(u, &h, sizeof(h));
}

#define LB_LIST_CHUNK	256

static long lb_ioc_list(void __user *u)
{
	struct lubench_devid __user *uids;
	u16 __user *urefs;
	struct lubench_devid *buf;
	struct lubench_list l;
	unsigned long key;
	u16 *refs;
	u32 n = 0;
	void *e;
	int ret;

	ret = lb_copy_in(&l, sizeof(l), u);
	if (ret)
		return ret;
	if (l.flags & ~(LUBENCH_LIST_OWN | LUBENCH_LIST_INCOMING) ||
	    l.nr || l.total ||
	    memchr_inv(l.reserved, 0, sizeof(l.reserved)) ||
	    (l.cap && !l.ids))
		return -EINVAL;
	uids = u64_to_user_ptr(l.ids);
	urefs = u64_to_user_ptr(l.refs);
	buf = kmalloc_array(LB_LIST_CHUNK, sizeof(*buf), GFP_KERNEL);
	refs = kmalloc_array(LB_LIST_CHUNK, sizeof(*refs), GFP_KERNEL);
	if (!buf || !refs) {
		ret = -ENOMEM;
		goto out;
	}

	/* xa_for_each() holds no lock in the body: copying out may fault. */
	xa_for_each(&lb_devs, key, e) {
		unsigned long flags = xa_to_value(e);

		if ((l.flags & LUBENCH_LIST_OWN) &&
		    !(flags & LUBENCH_DEVF_OWN))
			continue;
		if ((l.flags & LUBENCH_LIST_INCOMING) &&
		    !(flags & LUBENCH_DEVF_INCOMING))
			continue;
		/*
		 * l.nr counts what is out, n what waits in buf: the room
		 * left is l.cap - l.nr - n, and a chunk is flushed when
		 * buf is full or the caller's array is.
		 */
		if (l.nr + n < l.cap) {
			buf[n].domain = key >> 16;
			buf[n].bdf = key & 0xffff;
			buf[n].flags = flags & LB_DEVF_MASK;
			refs[n] = flags >> LB_REF_SHIFT;
			if (++n == LB_LIST_CHUNK || l.nr + n == l.cap) {
				if (copy_to_user(uids + l.nr, buf,
						 n * sizeof(*buf)) ||
				    (urefs && copy_to_user(urefs + l.nr, refs,
							   n * sizeof(*refs)))) {
					ret = -EFAULT;
					goto out;
				}
				l.nr += n;
				n = 0;
			}
		}
		l.total++;
	}
	if (n && (copy_to_user(uids + l.nr, buf, n * sizeof(*buf)) ||
		  (urefs && copy_to_user(urefs + l.nr, refs,
					 n * sizeof(*refs))))) {
		ret = -EFAULT;
		goto out;
	}
	l.nr += n;
	ret = lb_copy_out(u, &l, sizeof(l));
out:
	kfree(refs);
	kfree(buf);
	return ret;
}

static long lb_ioc_freeze(void __user *u)
{
	struct lubench_vpci_info vi;
	struct lubench_freeze f;
	int ret;

	ret = lb_copy_in(&f, sizeof(f), u);
	if (ret)
		return ret;
	if (f.flags & ~LUBENCH_FREEZE_NONE || f.fault >= LUBENCH_NR_FAULTS ||
	    (f.flags & LUBENCH_FREEZE_NONE && f.fault) ||
	    memchr_inv(&f.freeze_tsc, 0, sizeof(f) -
		       offsetof(struct lubench_freeze, freeze_tsc)))
		return -EINVAL;
	lubench_vpci_get_info(&vi);
	mutex_lock(&lb.lock);
	ret = lubench_ho_freeze(&lb.ser, vi.nr_functions, &f);
	if (!ret) {
		lb.frozen = true;
		pci_ser_freeze(&lb.ser);
	}
	mutex_unlock(&lb.lock);
	if (ret)
		return ret;
	return lb_copy_out(u, &f, sizeof(f));
}

static long lb_ioc_cycle(void __user *u)
{
	struct lubench_cycle c;
	int ret;

	ret = lb_copy_in(&c, sizeof(c), u);
	if (ret)
		return ret;
	if (memchr_inv(&c.state, 0, sizeof(c) - 8))
		return -EINVAL;
	lubench_ho_get(&c);
	return lb_copy_out(u, &c, sizeof(c));
}

/* Mark one device retrieved if it came in and was not yet: 1 if so. */
static int lb_retrieve_one(struct lubench_devid *id)
{
	unsigned long key = pci_ser_key(id->domain, id->bdf), flags;
	int done = 0;
	void *e;

	xa_lock(&lb_devs);
	e = xa_load(&lb_devs, key);
	flags = e ? xa_to_value(e) : 0;
	if ((flags & LUBENCH_DEVF_INCOMING) &&
	    !(flags & LUBENCH_DEVF_RETRIEVED)) {
		flags |= LUBENCH_DEVF_RETRIEVED;
		/* Replacing a value entry allocates nothing. */
		__xa_store(&lb_devs, key, xa_mk_value(flags), GFP_ATOMIC);
		done = 1;
	}
	xa_unlock(&lb_devs);
	id->flags = flags & LB_DEVF_MASK;
	return done;
}

static long lb_ioc_retrieve(void __user *u)
{
	struct lubench_devid __user *uids;
	struct lubench_retrieve r;
	struct lubench_devid *buf;
	u32 base, n, i, done = 0;
	int ret;

	ret = lb_copy_in(&r, sizeof(r), u);
	if (ret)
		return ret;
	if (r.flags || r.nr_retrieved || r.nr_left || r.tsc ||
	    memchr_inv(r.reserved, 0, sizeof(r.reserved)) ||
	    (r.nr && !r.ids))
		return -EINVAL;
	if (r.nr > LUBENCH_BATCH_MAX)
		return -E2BIG;
	if (!lubench_ho_open())
		return -ENOENT;
	uids = u64_to_user_ptr(r.ids);
	buf = kmalloc_array(LB_LIST_CHUNK, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	for (base = 0; base < r.nr; base += n) {
		n = min_t(u32, r.nr - base, LB_LIST_CHUNK);
		if (copy_from_user(buf, uids + base, n * sizeof(*buf))) {
			ret = -EFAULT;
			break;
		}
		for (i = 0; i < n; i++)
			if (buf[i].flags) {
				ret = -EINVAL;
				goto out;
			}
		for (i = 0; i < n; i++)
			done += lb_retrieve_one(&buf[i]);
		if (copy_to_user(uids + base, buf, n * sizeof(*buf))) {
			ret = -EFAULT;
			break;
		}
	}
out:
	/* What was marked stays marked, even if the call then failed. */
	r.nr_left = lubench_ho_retrieved(done, &r.tsc);
	r.nr_retrieved = done;
	kfree(buf);
	if (ret)
		return ret;
	return lb_copy_out(u, &r, sizeof(r));
}

static long lb_ioc_finish(void __user *u)
{
	struct lubench_finish f;
	int ret;

	ret = lb_copy_in(&f, sizeof(f), u);
	if (ret)
		return ret;
	if (f.flags || f.nr_unretrieved || f.tsc ||
	    memchr_inv(f.reserved, 0, sizeof(f.reserved)))
		return -EINVAL;
	ret = lubench_ho_finish(&f);
	if (ret)
		return ret;
	return lb_copy_out(u, &f, sizeof(f));
}

static long lb_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *u = (void __user *)arg;

	switch (cmd) {
	case LUBENCH_IOC_INFO:
		return lb_ioc_info(u);
	case LUBENCH_IOC_VARIANT:
		return lb_ioc_variant(u);
	case LUBENCH_IOC_PRESERVE:
		return lb_ioc_dev(LUBENCH_OP_PRESERVE, u);
	case LUBENCH_IOC_UNPRESERVE:
		return lb_ioc_dev(LUBENCH_OP_UNPRESERVE, u);
	case LUBENCH_IOC_FIND:
		return lb_ioc_dev(LUBENCH_OP_FIND, u);
	case LUBENCH_IOC_BATCH:
		return lb_ioc_batch(u);
	case LUBENCH_IOC_STATS:
		return lb_ioc_stats(u);
	case LUBENCH_IOC_RESET:
		return lb_ioc_reset(u);
	case LUBENCH_IOC_HOTPLUG:
		return lb_ioc_hotplug(u);
	case LUBENCH_IOC_LIST:
		return lb_ioc_list(u);
	case LUBENCH_IOC_FREEZE:
		return lb_ioc_freeze(u);
	case LUBENCH_IOC_CYCLE:
		return lb_ioc_cycle(u);
	case LUBENCH_IOC_RETRIEVE:
		return lb_ioc_retrieve(u);
	case LUBENCH_IOC_FINISH:
		return lb_ioc_finish(u);
	default:
		return -ENOTTY;
	}
}

/* Bytes of sqe->cmd: 16, or 80 on an IORING_SETUP_SQE128 ring. */
static size_t lb_ucmd_size(unsigned int issue_flags)
{
	return issue_flags & IO_URING_F_SQE128 ? 80 : 16;
}

/*
 * A command io_uring runs drained: IOSQE_IO_DRAIN on its SQE, or on
 * another request of its link (io_uring then drains the link's head and
 * the request after the link too).  io_uring keeps that in the request,
 * which the 6.1 header lets a uring_cmd handler reach.
 */
static bool lb_uring_drained(struct io_uring_cmd *ioucmd)
{
	return cmd_to_io_kiocb(ioucmd)->flags & REQ_F_IO_DRAIN;
}

static int lb_uring_run(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	const u8 *raw = ioucmd->cmd;
	struct lubench_ucmd c;
	long devf;

	/* See lubench_uapi.h: 6.1 cannot be trusted to drain. */
	if (lb_uring_drained(ioucmd))
		return -EOPNOTSUPP;

	/* The SQE is shared with user space: read it once. */
	memcpy(&c, raw, sizeof(c));
	if (ioucmd->flags || c.version != LUBENCH_UCMD_VERSION || c.flags ||
	    memchr_inv(raw + sizeof(c), 0,
		       lb_ucmd_size(issue_flags) - sizeof(c)))
		return -EINVAL;

	switch (ioucmd->cmd_op) {
	case LUBENCH_OP_PRESERVE:
	case LUBENCH_OP_UNPRESERVE:
	case LUBENCH_OP_FIND:
		if (c.batch)
			return -EINVAL;
		return lb_one_op(ioucmd->cmd_op, c.domain, c.bdf, &devf, NULL);
	case LUBENCH_OP_BATCH: {
		struct lubench_batch __user *u = u64_to_user_ptr(c.batch);
		struct lubench_batch b;
		int ret;

		if (c.domain || c.bdf)
			return -EINVAL;
		ret = lb_copy_in(&b, sizeof(b), u);
		if (!ret)
			ret = lb_batch(&b);
		if (!ret)
			ret = lb_copy_out(u, &b, sizeof(b));
		return ret;
	}
	default:
		return -EINVAL;
	}
}

/*
 * The uring_cmd contract of io_uring in 6.1 (io_uring/uring_cmd.c): a
 * return other than -EIOCBQUEUED or -EAGAIN is the issue's own result,
 * and only 0 and -errno are safe there.  A positive one (FIND's 1) is
 * taken for an error: inline it fails the request, cancelling the rest
 * of its link, and from an io-wq worker no CQE is posted at all.  So
 * every result goes through io_uring_cmd_done(), which in 6.1 posts the
 * CQE there and then, under the completion lock whatever @issue_flags
 * say; the request is not ours after it, and -EIOCBQUEUED tells
 * io_uring that the completion is taken care of.
 *
 * An inline (non-blocking) issue that would wait for the table lock
 * returns -EAGAIN, and io_uring retries from a worker where sleeping is
 * fine.
 */
static int lb_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	int res;

	if (issue_flags & IO_URING_F_IOPOLL)
		return -EOPNOTSUPP;
	if ((issue_flags & IO_URING_F_NONBLOCK) && mutex_is_locked(&lb.lock))
		return -EAGAIN;

	res = lb_uring_run(ioucmd, issue_flags);
	atomic64_inc(&lb_uring_cmds);
	io_uring_cmd_done(ioucmd, res, 0, issue_flags);
	return -EIOCBQUEUED;
}

static const struct file_operations lb_fops = {
	.owner		= THIS_MODULE,
	.open		= nonseekable_open,
	.unlocked_ioctl	= lb_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.uring_cmd	= lb_uring_cmd,
	.llseek		= no_llseek,
};

static struct miscdevice lb_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= LUBENCH_DEV_NAME,
	.fops	= &lb_fops,
	.mode	= 0600,
};

/*
 * One line for what renumber=1 did: whether the incoming rules kept the
 * bus numbers of the ports with preserved devices below them, and how
 * many preserved entries now name another device.
 */
static void lb_log_renumber(const struct lubench_vpci_info *vi)
{
	struct lubench_cycle c;
	const char *rules;
	bool keep = lubench_ho_keeps_busnr(&rules);

	lubench_ho_set_renumbered(vi->nr_renumbered);
	lubench_ho_get(&c);
	if (keep)
		pr_info("renumber: %s rules keep bus numbers: kept them for %u root-port pairs with preserved devices below; %u other pairs renumbered (%u functions moved); %u preserved entries at another device\n",
			rules, vi->pairs_kept, vi->pairs_swapped,
			vi->nr_renumbered, c.nr_aliased);
	else if (rules)
		pr_info("renumber: %s rules keep no bus numbers: %u root-port pairs renumbered (%u functions moved); %u preserved entries at another device\n",
			rules, vi->pairs_swapped, vi->nr_renumbered,
			c.nr_aliased);
	else
		pr_info("renumber: no table came in: %u root-port pairs renumbered (%u functions moved)\n",
			vi->pairs_swapped, vi->nr_renumbered);
}

static int __init lb_init(void)
{
	const struct pci_ser_ops *want = NULL;
	struct lubench_vpci_info vi;
	struct pci_dev *pdev = NULL;
	unsigned int lb_topo;
	int ret;

	lubench_ho_begin();
	ret = -EINVAL;
	if (nr_devices > LUBENCH_MAX_FUNCTIONS) {
		pr_err("nr_devices=%u is over %u\n", nr_devices,
		       LUBENCH_MAX_FUNCTIONS);
		goto out_handover;
	}
	for (lb_topo = 0; lb_topo < ARRAY_SIZE(lb_topology_names); lb_topo++)
		if (!strcmp(topology, lb_topology_names[lb_topo]))
			break;
	if (lb_topo == ARRAY_SIZE(lb_topology_names)) {
		pr_err("topology=%s: not flat or switches\n", topology);
		goto out_handover;
	}
	if (renumber && (!lubench_ho_restore_asked() ||
			  lb_topo != LUBENCH_TOPOLOGY_SWITCHES)) {
		pr_err("renumber=1 needs restore=1 and topology=switches (the bus numbers of the kernel after a jump, behind bridges)\n");
		goto out_handover;
	}
	if (*variant) {
		want = pci_ser_variant(variant);
		if (!want) {
			pr_err("variant=%s: no such layout\n", variant);
			goto out_handover;
		}
	}
	lb.ser.ops = want ? want : pci_ser_variants[0];
	while (pci_ser_variants[lb.variant] != lb.ser.ops)
		lb.variant++;

	/* The handover first: the devices are looked up as they come. */
	lubench_ho_restore(want);

	/* Notifier first, then the devices already there: none is missed. */
	ret = bus_register_notifier(&pci_bus_type, &lb_pci_nb);
	if (ret)
		goto out_handover;
	for_each_pci_dev(pdev)
		lb_index_add(pdev);

	ret = lubench_vpci_create(nr_devices, lb_topo, renumber);
	if (ret) {
		pr_err("creating %u PCI functions failed: %d\n", nr_devices,
		       ret);
		goto out_notifier;
	}
	lubench_ho_stamp(LUBENCH_HO_ENUMERATED);
	ret = misc_register(&lb_misc);
	if (ret)
		goto out_vpci;
	lubench_ho_stamp(LUBENCH_HO_READY);

	lubench_vpci_get_info(&vi);
	if (renumber)
		lb_log_renumber(&vi);
	pr_info("%u functions (%u VFs), %u bridges, on %u root buses in %u domains, enumerated in %llu ms (SR-IOV %llu ms)\n",
		vi.nr_functions, vi.nr_vfs, vi.nr_bridges, vi.nr_root_buses,
		vi.nr_domains,
		div_u64(vi.enum_ns, NSEC_PER_MSEC),
		div_u64(vi.sriov_ns, NSEC_PER_MSEC));
	return 0;

out_vpci:
	lubench_vpci_destroy();
out_notifier:
	bus_unregister_notifier(&pci_bus_type, &lb_pci_nb);
	xa_destroy(&lb_devs);
	xa_destroy(&lb_pdevs);
out_handover:
	lubench_ho_exit();
	return ret;
}

static void __exit lb_exit(void)
{
	misc_deregister(&lb_misc);
	pci_ser_destroy(&lb.ser);
	lubench_vpci_destroy();
	bus_unregister_notifier(&pci_bus_type, &lb_pci_nb);
	xa_destroy(&lb_devs);
	xa_destroy(&lb_pdevs);
	lubench_ho_exit();
}

module_init(lb_init);
module_exit(lb_exit);

MODULE_DESCRIPTION("lubench: PCI device preservation table on virtual PCI devices");
MODULE_AUTHOR("lubench");
MODULE_LICENSE("GPL");
/* The commit it was built from, in /sys/module/lubench/version. */
MODULE_VERSION(LUBENCH_VERSION);
