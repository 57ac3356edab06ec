// SPDX-License-Identifier: GPL-2.0
/* The allocation-failure countdown of lubench_failalloc.h. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#define LUBENCH_FAILALLOC_IMPL

#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/spinlock.h>

#include "lubench_failalloc.h"

static DEFINE_SPINLOCK(lb_fa_lock);
static unsigned long fail_alloc;
static unsigned long fail_alloc_hits;

module_param(fail_alloc, ulong, 0644);
MODULE_PARM_DESC(fail_alloc,
	"N > 0: the Nth allocation of the pci_ser code from now fails, once (0: none)");
module_param(fail_alloc_hits, ulong, 0444);
MODULE_PARM_DESC(fail_alloc_hits, "allocations made to fail since load");

bool lb_fail_alloc_now(void)
{
	unsigned long flags, hit;
	bool fail;

	spin_lock_irqsave(&lb_fa_lock, flags);
	fail = fail_alloc && !--fail_alloc;
	hit = fail ? ++fail_alloc_hits : 0;
	spin_unlock_irqrestore(&lb_fa_lock, flags);
	if (fail)
		pr_info("injected allocation failure %lu (in %pS)\n", hit,
			__builtin_return_address(0));
	return fail;
}

void lb_fail_alloc_arm(unsigned long n)
{
	unsigned long flags;

	spin_lock_irqsave(&lb_fa_lock, flags);
	fail_alloc = n;
	spin_unlock_irqrestore(&lb_fa_lock, flags);
}

unsigned long lb_fail_alloc_hits(void)
{
	return READ_ONCE(fail_alloc_hits);
}
