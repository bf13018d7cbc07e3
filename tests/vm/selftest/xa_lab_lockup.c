// SPDX-License-Identifier: GPL-2.0-only
/*
 * xa_lab_lockup: the QEMU lab's self-test of its lockup detectors, loaded only by
 * tests/vm/scenarios/lab-lockup.sh in a boot of its own; never part of what we ship.
 * Loading it does one thing, then fails, so it never stays loaded:
 *   mode=spin seconds=N   spins N seconds with bottom halves off, as a long loop under
 *                         spin_lock_bh() would: the soft-lockup detector must report it;
 *   mode=sleep seconds=N  sleeps N seconds uninterruptibly: the hung-task detector must.
 */
#include <linux/bottom_half.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/string.h>

static char *mode = "spin";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "spin (bottom halves off) or sleep (uninterruptible)");

static unsigned int seconds = 100;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "how long to spin or sleep");

static void xa_lab_spin(void)
{
	ktime_t end = ktime_add_ms(ktime_get(), (u64)seconds * MSEC_PER_SEC);

	local_bh_disable();
	while (ktime_before(ktime_get(), end))
		cpu_relax();
	local_bh_enable();
}

static int __init xa_lab_lockup_init(void)
{
	if (!strcmp(mode, "spin"))
		xa_lab_spin();
	else if (!strcmp(mode, "sleep"))
		schedule_timeout_uninterruptible((long)seconds * HZ);
	else
		return -EINVAL;
	pr_info("xa_lab_lockup: %s for %u s done\n", mode, seconds);
	/* Done: refuse to stay loaded. */
	return -EAGAIN;
}
module_init(xa_lab_lockup_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("QEMU lab self-test: a deliberate lockup for the kernel's detectors to report");
