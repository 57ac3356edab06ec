// SPDX-License-Identifier: GPL-2.0
/*
 * The table of preserved devices across kexec: freeze in the old kernel,
 * validate, retrieve and look up in the new one, with TSC stamps for
 * every phase of the blackout.  The handover memory sits behind a small
 * backend interface (struct lubench_ho_backend); the memmap= backend is
 * the only one on the 6.1 guest kernel, which has no Kexec HandOver.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": handover: " fmt

#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/reboot.h>
#include <linux/sched/clock.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <asm/tsc.h>

#include "lubench.h"
/* The countdown only: this file's own allocations are not wrapped. */
#define LUBENCH_FAILALLOC_IMPL
#include "lubench_failalloc.h"
#include "lubench_uapi.h"
#include "pci_ser.h"
#include "pci_ser_blob.h"

static bool restore;
module_param(restore, bool, 0444);
MODULE_PARM_DESC(restore,
		 "Restore the table the previous kernel handed over (default 0)");

static char *handover = "memmap";
module_param(handover, charp, 0444);
MODULE_PARM_DESC(handover, "Handover backend (default memmap)");

static unsigned long handover_addr = 0x40000000;
module_param(handover_addr, ulong, 0444);
MODULE_PARM_DESC(handover_addr,
		 "memmap backend: physical address of the range reserved with memmap=SIZE$ADDR (default 0x40000000)");

static unsigned long handover_size = SZ_2M;
module_param(handover_size, ulong, 0444);
MODULE_PARM_DESC(handover_size,
		 "memmap backend: size of the reserved range (default 2M)");

/*
 * The handover record: the first page of the region, written by the
 * freeze and read by the next kernel before the blob it points to.  It is
 * the test's bookkeeping around the blob under test (what was preserved,
 * when, how it was corrupted on purpose), not part of the blob format.
 * Little-endian; any defect in it refuses the handover like a blob
 * defect does.
 */
#define LB_HO_MAGIC		0x5245564f4e48424cULL	/* "LBHNOVER" */
#define LB_HO_VERSION		1
#define LB_HO_BLOB_OFFSET	SZ_4K

struct lb_ho_record {
	__le64 magic;
	__le32 version;
	__le32 rec_size;	/* sizeof(struct lb_ho_record) */
	__le32 mode;		/* LUBENCH_MODE_* */
	__le32 fault;		/* enum lubench_fault */
	__le64 cycle;
	__le64 freeze_tsc;
	__le64 serialized_tsc;
	__le64 kexec_tsc;	/* stamped as kexec -e enters the kernel */
	__le64 tsc_khz;
	__le64 blob_offset;	/* from the start of the region */
	__le64 blob_size;	/* bytes the next kernel is to validate */
	__le32 nr_functions;	/* the old kernel's nr_devices */
	__le32 nr_preserved;
	__le64 user_hash;
	__le64 table_hash;
	char variant[LUBENCH_NAME_LEN];	/* the old kernel's layout */
	__le32 checksum;	/* CRC32C of the record, this field 0 */
	__le32 reserved;
};

static_assert(sizeof(struct lb_ho_record) == 144);
static_assert(sizeof(struct lb_ho_record) <= LB_HO_BLOB_OFFSET);
static_assert(sizeof(struct lubench_cycle) == 336);
static_assert(sizeof(struct lubench_freeze) == 96);
static_assert(sizeof(struct lubench_retrieve) == 56);
static_assert(sizeof(struct lubench_finish) == 40);

/* --- the memmap= backend ------------------------------------------------ */

static int lb_memmap_map(struct lubench_ho_region *r, bool outgoing)
{
	phys_addr_t start = handover_addr;
	size_t size = handover_size;
	struct resource *res;

	if (!size || !PAGE_ALIGNED(start) || !PAGE_ALIGNED(size) ||
	    start + size < start || size <= LB_HO_BLOB_OFFSET) {
		pr_err("bad range %pa + %#zx (page-aligned, more than 4 KiB)\n",
		       &start, size);
		return -EINVAL;
	}
	/*
	 * memmap=SIZE$ADDR makes the range E820-reserved: it is then neither
	 * System RAM nor handed to any driver.  Anything else could be memory
	 * the kernel uses, or nothing at all.
	 */
	if (region_intersects(start, size, IORESOURCE_MEM,
			      IORES_DESC_RESERVED) != REGION_INTERSECTS) {
		pr_err("%pa + %#zx is not a reserved range: boot %s kernel with memmap=%zuK$%pa\n",
		       &start, size, outgoing ? "the next" : "this",
		       size / SZ_1K, &start);
		return -ENXIO;
	}
	res = request_mem_region(start, size, "lubench handover");
	if (!res) {
		pr_err("%pa + %#zx is already in use\n", &start, size);
		return -EBUSY;
	}
	r->va = memremap(start, size, MEMREMAP_WB);
	if (!r->va) {
		release_mem_region(start, size);
		return -ENOMEM;
	}
	r->phys = start;
	r->size = size;
	r->priv = res;
	return 0;
}

static void lb_memmap_unmap(struct lubench_ho_region *r)
{
	memunmap(r->va);
	release_mem_region(r->phys, r->size);
	r->va = NULL;
	r->priv = NULL;
}

static void lb_memmap_release(struct lubench_ho_region *r, size_t len)
{
	memset(r->va, 0, min(len, r->size));
}

static const struct lubench_ho_backend lb_memmap_backend = {
	.name		= "memmap",
	.map		= lb_memmap_map,
	.unmap		= lb_memmap_unmap,
	.release	= lb_memmap_release,
};

/*
 * A KHO/LUO backend would be listed here under #ifdef
 * CONFIG_KEXEC_HANDOVER: map() preserving (outgoing) or restoring
 * (incoming) a folio found by name in the KHO tree, release() dropping
 * it.
 */
static const struct lubench_ho_backend *const lb_backends[] = {
	&lb_memmap_backend,
};

/* --- state ---------------------------------------------------------------- */

static struct {
	struct mutex lock;	/* everything below */
	const struct lubench_ho_backend *backend;
	struct lubench_ho_region region;
	bool mapped;
	size_t used;		/* bytes of the region holding a handover */
	bool frozen;		/* the region holds an outgoing record */
	/* incoming side */
	struct pci_ser in;
	bool in_active;		/* @in may be looked up */
	struct lubench_cycle cyc;	/* what LUBENCH_IOC_CYCLE returns */
} ho = {
	.lock = __MUTEX_INITIALIZER(ho.lock),
};

static int lb_ho_map(bool outgoing)
{
	unsigned int i;
	int ret;

	lockdep_assert_held(&ho.lock);
	if (ho.mapped)
		return 0;
	if (!ho.backend) {
		for (i = 0; i < ARRAY_SIZE(lb_backends); i++)
			if (!strcmp(lb_backends[i]->name, handover))
				ho.backend = lb_backends[i];
		if (!ho.backend) {
			pr_err("no backend named %s\n", handover);
			return -ENODEV;
		}
	}
	ret = ho.backend->map(&ho.region, outgoing);
	if (ret)
		return ret;
	ho.mapped = true;
	return 0;
}

static void lb_ho_unmap(void)
{
	if (!ho.mapped)
		return;
	ho.backend->unmap(&ho.region);
	ho.mapped = false;
}

static u32 lb_ho_record_crc(const struct lb_ho_record *rec)
{
	struct lb_ho_record copy = *rec;

	copy.checksum = 0;
	return pci_ser_crc32c(0, &copy, sizeof(copy));
}

/*
 * The old kernel's last stamp, on the way out of a frozen system: where
 * kexec -e enters the kernel (reboot notifiers run first in
 * kernel_kexec(), before device shutdown).  It splits the jump into old
 * user space after the freeze and the kernel's shutdown and jump.  A
 * reboot that is not a kexec leaves a stamp no one reads.
 */
static int lb_ho_reboot(struct notifier_block *nb, unsigned long action,
			void *data)
{
	u64 tsc = rdtsc_ordered();
	struct lb_ho_record *rec;

	if (action != SYS_RESTART)
		return NOTIFY_DONE;
	mutex_lock(&ho.lock);
	if (ho.frozen && ho.mapped) {
		rec = ho.region.va;
		rec->kexec_tsc = cpu_to_le64(tsc);
		rec->checksum = cpu_to_le32(lb_ho_record_crc(rec));
	}
	mutex_unlock(&ho.lock);
	return NOTIFY_DONE;
}

static struct notifier_block lb_ho_reboot_nb = {
	.notifier_call = lb_ho_reboot,
	/* Before every other notifier: the stamp is where kexec -e began. */
	.priority = INT_MAX,
};

/*
 * What two back-to-back TSC reads cost, taken out of the lookup time by
 * the report: under TCG rdtsc is an emulator helper call, not free.
 */
static u64 lb_tsc_pair_cycles(void)
{
	u64 best = U64_MAX, t0, t1;
	int i;

	for (i = 0; i < 64; i++) {
		t0 = rdtsc_ordered();
		t1 = rdtsc_ordered();
		best = min(best, t1 - t0);
	}
	return best;
}

void lubench_ho_begin(void)
{
	u64 tsc = rdtsc_ordered();
	u64 ns = sched_clock();

	register_reboot_notifier(&lb_ho_reboot_nb);

	mutex_lock(&ho.lock);
	ho.cyc.init_tsc = tsc;
	ho.cyc.init_sched_clock_ns = ns;
	ho.cyc.tsc_khz = tsc_khz;
	ho.cyc.tsc_pair_cycles = lb_tsc_pair_cycles();
	mutex_unlock(&ho.lock);
}

/* --- incoming --------------------------------------------------------------- */

static void lb_ho_refuse(int error, enum pci_ser_defect d, const char *why)
{
	ho.cyc.state = LUBENCH_CYCLE_REFUSED;
	ho.cyc.error = error;
	ho.cyc.defect = d;
	strscpy(ho.cyc.reason, why, sizeof(ho.cyc.reason));
	if (d)
		pr_err("cycle %llu: refused the %s blob: %s; nothing restored, no device will be marked\n",
		       ho.cyc.cycle, ho.cyc.variant, why);
	else
		pr_err("refused: %s; nothing restored, no device will be marked\n",
		       why);
}

/* Check the record and copy what it says into ho.cyc; NULL if sound. */
static const char *lb_ho_read_record(const struct lb_ho_record *rec)
{
	u64 off = le64_to_cpu(rec->blob_offset);
	u64 len = le64_to_cpu(rec->blob_size);
	u32 mode = le32_to_cpu(rec->mode);

	if (le64_to_cpu(rec->magic) != LB_HO_MAGIC)
		return "no handover record";
	if (le32_to_cpu(rec->version) != LB_HO_VERSION ||
	    le32_to_cpu(rec->rec_size) != sizeof(*rec))
		return "unsupported handover record";
	if (lb_ho_record_crc(rec) != le32_to_cpu(rec->checksum))
		return "handover record checksum mismatch";
	if (rec->reserved || mode > LUBENCH_MODE_NONE ||
	    le32_to_cpu(rec->fault) >= LUBENCH_NR_FAULTS ||
	    !memchr(rec->variant, 0, sizeof(rec->variant)))
		return "malformed handover record";
	if (mode == LUBENCH_MODE_TABLE &&
	    (off < sizeof(*rec) || off > ho.region.size ||
	     len > ho.region.size - off))
		return "handover record points outside the region";

	ho.cyc.mode = mode;
	ho.cyc.fault = le32_to_cpu(rec->fault);
	ho.cyc.cycle = le64_to_cpu(rec->cycle);
	ho.cyc.freeze_tsc = le64_to_cpu(rec->freeze_tsc);
	ho.cyc.serialized_tsc = le64_to_cpu(rec->serialized_tsc);
	ho.cyc.kexec_tsc = le64_to_cpu(rec->kexec_tsc);
	ho.cyc.old_tsc_khz = le64_to_cpu(rec->tsc_khz);
	ho.cyc.blob_size = len;
	ho.cyc.old_nr_functions = le32_to_cpu(rec->nr_functions);
	ho.cyc.nr_preserved = le32_to_cpu(rec->nr_preserved);
	ho.cyc.user_hash = le64_to_cpu(rec->user_hash);
	ho.cyc.table_hash = le64_to_cpu(rec->table_hash);
	strscpy(ho.cyc.variant, rec->variant, sizeof(ho.cyc.variant));
	return NULL;
}

void lubench_ho_restore(const struct pci_ser_ops *want)
{
	const struct lb_ho_record *rec;
	enum pci_ser_defect d;
	const char *why;
	int ret;

	if (!restore)
		return;
	mutex_lock(&ho.lock);
	ret = lb_ho_map(false);
	ho.cyc.mapped_tsc = rdtsc_ordered();
	if (ret) {
		lb_ho_refuse(ret, PCI_SER_OK, "handover memory unavailable");
		goto out;
	}
	rec = ho.region.va;
	/* A refused handover is cleared by finish, up to the whole region. */
	ho.used = ho.region.size;
	why = lb_ho_read_record(rec);
	if (why) {
		lb_ho_refuse(-EINVAL, PCI_SER_OK, why);
		goto out;
	}
	ho.used = ho.cyc.mode == LUBENCH_MODE_NONE ? sizeof(*rec) :
		  le64_to_cpu(rec->blob_offset) + ho.cyc.blob_size;
	if (ho.cyc.mode == LUBENCH_MODE_TABLE) {
		/* The alloc-retrieve fault: its first allocation fails. */
		if (ho.cyc.fault == LUBENCH_FAULT_ALLOC_RETRIEVE)
			lb_fail_alloc_arm(1);
		/* Validates everything, builds the table on the side. */
		d = pci_ser_blob_retrieve(&ho.in,
					  (const u8 *)ho.region.va +
					  le64_to_cpu(rec->blob_offset),
					  ho.cyc.blob_size, want);
		if (ho.cyc.fault == LUBENCH_FAULT_ALLOC_RETRIEVE)
			lb_fail_alloc_arm(0);
		if (d) {
			lb_ho_refuse(0, d, pci_ser_defect_str(d));
			goto out;
		}
		ho.cyc.nr_in_table = ho.in.priv ? ho.in.nr_devices : 0;
	}
	ho.cyc.state = LUBENCH_CYCLE_RESTORED;
	WRITE_ONCE(ho.in_active, !!ho.in.priv);
	pr_info("cycle %llu: %s, %u devices to look up for\n", ho.cyc.cycle,
		ho.cyc.mode == LUBENCH_MODE_NONE ? "none (control)" :
		ho.in.ops->name, ho.cyc.nr_in_table);
out:
	ho.cyc.retrieved_tsc = rdtsc_ordered();
	mutex_unlock(&ho.lock);
}

u16 lubench_ho_lookup(u32 domain, u16 bdf, u16 phys)
{
	bool found = false;
	u16 ref = 0;
	u64 t0, t1;

	if (!READ_ONCE(ho.in_active))
		return 0;
	mutex_lock(&ho.lock);
	if (ho.in_active) {
		t0 = rdtsc_ordered();
		found = pci_ser_find(&ho.in, domain, bdf);
		t1 = rdtsc_ordered();
		ho.cyc.lookup_cycles += t1 - t0;
		ho.cyc.nr_lookups++;
		ho.cyc.nr_incoming += found;
		/* Found under a BDF that now holds another device. */
		ho.cyc.nr_aliased += found && phys != bdf;
		/* What the job checks, not what the lookup costs. */
		if (found)
			ref = pci_ser_refcount(&ho.in, domain, bdf) ?: 1;
	}
	mutex_unlock(&ho.lock);
	return ref;
}

bool lubench_ho_restore_asked(void)
{
	return restore;
}

bool lubench_ho_keeps_busnr(const char **rules)
{
	bool keep = false;

	mutex_lock(&ho.lock);
	if (rules)
		*rules = ho.in_active ? pci_ser_rules_name(ho.in.ops->rules) :
			 NULL;
	if (ho.in_active)
		keep = pci_ser_rules_keep_busnr(ho.in.ops->rules);
	mutex_unlock(&ho.lock);
	return keep;
}

bool lubench_ho_holds(u32 domain, u16 bdf)
{
	bool found = false;

	if (!READ_ONCE(ho.in_active))
		return false;
	mutex_lock(&ho.lock);
	if (ho.in_active)
		found = pci_ser_find(&ho.in, domain, bdf);
	mutex_unlock(&ho.lock);
	return found;
}

void lubench_ho_set_renumbered(u32 nr)
{
	mutex_lock(&ho.lock);
	ho.cyc.nr_renumbered = nr;
	mutex_unlock(&ho.lock);
}

void lubench_ho_stamp(enum lubench_ho_stamp which)
{
	u64 tsc = rdtsc_ordered();

	mutex_lock(&ho.lock);
	if (which == LUBENCH_HO_ENUMERATED)
		ho.cyc.enumerated_tsc = tsc;
	else
		ho.cyc.ready_tsc = tsc;
	mutex_unlock(&ho.lock);
}

void lubench_ho_get(struct lubench_cycle *c)
{
	mutex_lock(&ho.lock);
	*c = ho.cyc;
	mutex_unlock(&ho.lock);
	c->size = sizeof(*c);
	c->version = LUBENCH_ABI_VERSION;
}

static bool lb_ho_is_open(void)
{
	return ho.cyc.state == LUBENCH_CYCLE_RESTORED ||
	       ho.cyc.state == LUBENCH_CYCLE_REFUSED;
}

bool lubench_ho_open(void)
{
	bool open;

	mutex_lock(&ho.lock);
	open = lb_ho_is_open();
	mutex_unlock(&ho.lock);
	return open;
}

u32 lubench_ho_retrieved(u32 n, u64 *tsc)
{
	u32 left;

	mutex_lock(&ho.lock);
	ho.cyc.nr_retrieved += n;
	left = ho.cyc.nr_in_table - min(ho.cyc.nr_retrieved,
					ho.cyc.nr_in_table);
	*tsc = rdtsc_ordered();
	if (!left && !ho.cyc.all_retrieved_tsc)
		ho.cyc.all_retrieved_tsc = *tsc;
	mutex_unlock(&ho.lock);
	return left;
}

int lubench_ho_finish(struct lubench_finish *f)
{
	mutex_lock(&ho.lock);
	if (!lb_ho_is_open()) {
		mutex_unlock(&ho.lock);
		return -ENOENT;
	}
	f->nr_unretrieved = ho.cyc.nr_in_table -
			    min(ho.cyc.nr_retrieved, ho.cyc.nr_in_table);
	WRITE_ONCE(ho.in_active, false);
	pci_ser_destroy(&ho.in);
	if (ho.mapped) {
		ho.backend->release(&ho.region, ho.used);
		lb_ho_unmap();
	}
	ho.used = 0;
	ho.cyc.state = LUBENCH_CYCLE_FINISHED;
	f->tsc = rdtsc_ordered();
	ho.cyc.finish_tsc = f->tsc;
	mutex_unlock(&ho.lock);
	return 0;
}

/* --- outgoing ---------------------------------------------------------------- */

static void lb_hash_visit(void *arg, u32 domain, u16 bdf)
{
	u64 *h = arg;

	*h = lubench_set_hash_add(*h, domain, bdf);
}

struct lb_copy_ctx {
	struct pci_ser *dst;
	int err;
};

static void lb_copy_visit(void *arg, u32 domain, u16 bdf)
{
	struct lb_copy_ctx *c = arg;

	if (!c->err)
		c->err = pci_ser_preserve(c->dst, domain, bdf, false,
					  c->dst->capacity);
}

/* For LUBENCH_FAULT_VARIANT: the same devices in the next layout. */
static int lb_ho_other_layout(const struct pci_ser *ser, struct pci_ser *other)
{
	const struct pci_ser_ops *const *v;
	struct lb_copy_ctx c = { .dst = other };

	for (v = pci_ser_variants; *v && *v != ser->ops; v++)
		;
	if (!*v)
		return -EINVAL;
	other->ops = v[1] ? v[1] : pci_ser_variants[0];
	if (other->ops == ser->ops)
		return -EINVAL;		/* a single layout: nothing else */
	other->capacity = ser->capacity;
	pci_ser_for_each(ser, lb_copy_visit, &c);
	if (c.err)
		pci_ser_destroy(other);
	return c.err;
}

/* Inject @fault into a sealed blob of @size bytes; returns the size told. */
static size_t lb_ho_inject(void *blob, size_t size, u32 fault, u64 freeze_tsc)
{
	struct pci_ser_blob_hdr *hdr = blob;
	u64 payload = le64_to_cpu(hdr->payload_size);
	u8 *p;

	switch (fault) {
	case LUBENCH_FAULT_CORRUPT:
		/* A payload byte when there is one, else the freeze stamp. */
		p = payload ? (u8 *)(hdr + 1) + payload / 2 :
			      (u8 *)&hdr->freeze_tsc;
		*p ^= 0x5a;
		break;
	case LUBENCH_FAULT_COMPAT:
		memset(hdr->compatible, 0, sizeof(hdr->compatible));
		strscpy(hdr->compatible, "lubench,pci-ser-unknown-v1",
			sizeof(hdr->compatible));
		pci_ser_blob_stamp(blob, freeze_tsc, tsc_khz);
		break;
	case LUBENCH_FAULT_TRUNCATE:
		return size > 16 ? size - 16 : 0;
	case LUBENCH_FAULT_HALFWAY:
		/*
		 * The write stopped halfway through the blob: the record says
		 * it is whole, the rest of the region holds what was there
		 * before (a pattern standing for an older cycle's bytes).
		 */
		memset((u8 *)blob + size / 2, 0xa5, size - size / 2);
		break;
	case LUBENCH_FAULT_ALLOC_RETRIEVE:
		/* Nothing wrong in the blob: the next kernel arms it. */
		break;
	}
	return size;
}

int lubench_ho_freeze(const struct pci_ser *ser, u32 nr_functions,
		      struct lubench_freeze *f)
{
	bool none = f->flags & LUBENCH_FREEZE_NONE;
	struct pci_ser other = { };
	const struct pci_ser *src = ser;
	struct lb_ho_record *rec, r;
	size_t size = 0, told = 0;
	u64 hash = 0, t0;
	void *blob;
	int ret;

	mutex_lock(&ho.lock);
	if (lb_ho_is_open()) {
		/* Finish would clear what this freeze writes. */
		ret = -EBUSY;
		goto out;
	}
	ret = lb_ho_map(true);
	if (ret)
		goto out;
	rec = ho.region.va;
	blob = (u8 *)ho.region.va + LB_HO_BLOB_OFFSET;

	/* Bookkeeping of the test, done before the clock starts. */
	if (!none) {
		pci_ser_for_each(ser, lb_hash_visit, &hash);
		if (f->fault == LUBENCH_FAULT_VARIANT) {
			ret = lb_ho_other_layout(ser, &other);
			if (ret)
				goto out;
			src = &other;
		}
		size = pci_ser_blob_size(src);
		if (size > ho.region.size - LB_HO_BLOB_OFFSET) {
			pr_err("a blob of %zu bytes does not fit in %zu\n",
			       size, ho.region.size - LB_HO_BLOB_OFFSET);
			ret = -ENOSPC;
			goto out;
		}
	}
	/* Invalidate any older handover before writing the new one. */
	rec->magic = 0;

	t0 = rdtsc_ordered();
	if (!none) {
		pci_ser_blob_write(src, blob, t0, tsc_khz);
		told = lb_ho_inject(blob, size, f->fault, t0);
	}
	memset(&r, 0, sizeof(r));
	r.magic = cpu_to_le64(LB_HO_MAGIC);
	r.version = cpu_to_le32(LB_HO_VERSION);
	r.rec_size = cpu_to_le32(sizeof(r));
	r.mode = cpu_to_le32(none ? LUBENCH_MODE_NONE : LUBENCH_MODE_TABLE);
	r.fault = cpu_to_le32(f->fault);
	r.cycle = cpu_to_le64(f->cycle);
	r.freeze_tsc = cpu_to_le64(t0);
	r.tsc_khz = cpu_to_le64(tsc_khz);
	r.blob_offset = cpu_to_le64(none ? 0 : LB_HO_BLOB_OFFSET);
	r.blob_size = cpu_to_le64(told);
	r.nr_functions = cpu_to_le32(nr_functions);
	r.nr_preserved = cpu_to_le32(none || !ser->priv ? 0 : ser->nr_devices);
	r.user_hash = cpu_to_le64(f->user_hash);
	r.table_hash = cpu_to_le64(hash);
	strscpy(r.variant, none ? "none" : ser->ops->name, sizeof(r.variant));
	f->serialized_tsc = rdtsc_ordered();
	r.serialized_tsc = cpu_to_le64(f->serialized_tsc);
	r.checksum = cpu_to_le32(lb_ho_record_crc(&r));
	memcpy((u8 *)rec + sizeof(r.magic), (u8 *)&r + sizeof(r.magic),
	       sizeof(r) - sizeof(r.magic));
	/* The magic last: whoever finds it finds a whole record. */
	wmb();
	rec->magic = r.magic;
	ho.used = LB_HO_BLOB_OFFSET + size;
	ho.frozen = true;

	f->freeze_tsc = t0;
	f->tsc_khz = tsc_khz;
	f->table_hash = hash;
	f->blob_size = size;
	f->nr_preserved = le32_to_cpu(r.nr_preserved);
out:
	mutex_unlock(&ho.lock);
	pci_ser_destroy(&other);
	return ret;
}

void lubench_ho_cancel(void)
{
	mutex_lock(&ho.lock);
	if (ho.mapped && !lb_ho_is_open() && ho.used) {
		ho.backend->release(&ho.region, ho.used);
		ho.used = 0;
	}
	ho.frozen = false;
	mutex_unlock(&ho.lock);
}

void lubench_ho_exit(void)
{
	unregister_reboot_notifier(&lb_ho_reboot_nb);
	mutex_lock(&ho.lock);
	ho.frozen = false;
	WRITE_ONCE(ho.in_active, false);
	pci_ser_destroy(&ho.in);
	/* A frozen handover stays in place for the next kernel. */
	lb_ho_unmap();
	mutex_unlock(&ho.lock);
}
