// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_ACCOUNT: the lifetime of a network namespace's state and the bounds of
 * its memory (see xt_ACCOUNT_net.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "xt_ACCOUNT_net.h"

unsigned int acc_net_id __read_mostly;

/* Frees the slot array once the namespace has exited and its last table is gone. */
void acc_net_put_tables(struct acc_net *an)
{
	lockdep_assert_held(&an->lock);
	if (an->exited && an->nr_tables == 0) {
		kfree(an->tables);
		an->tables = NULL;
	}
}

bool acc_net_table_charge(struct acc_net *an, size_t size)
{
	long bound = (long)READ_ONCE(acc_netns_max_table_kb) << 10;
	long total = atomic_long_add_return(size, &an->table_bytes);

	if (!an->bounded || !bound || total <= bound)
		return true;
	atomic_long_sub(size, &an->table_bytes);
	return false;
}

void acc_net_table_add(struct acc_net *an, long size)
{
	atomic_long_add(size, &an->table_bytes);
}

int acc_net_read_charge(struct acc_net *an, size_t size, const char *table)
{
	size_t bound = (size_t)READ_ONCE(acc_netns_max_read_kb) << 10;

	lockdep_assert_held(&an->lock);
	if (an->bounded && bound && size > bound - min(bound, an->read_bytes)) {
		pr_info_ratelimited("read of table %s refused: the namespace's read handles would hold more than netns_max_read_kb=%zu KiB\n",
				    table, bound >> 10);
		return -ENOMEM;
	}
	an->read_bytes += size;
	return 0;
}

void acc_net_read_uncharge(struct acc_net *an, size_t size)
{
	lockdep_assert_held(&an->lock);
	an->read_bytes -= size;
}

static int __net_init acc_net_init(struct net *net)
{
	struct acc_net *an = acc_net(net);

	/* Charged to whoever makes the namespace, as the namespace itself is. */
	an->tables = kcalloc(acc_max_tables, sizeof(*an->tables), GFP_KERNEL_ACCOUNT);
	if (!an->tables)
		return -ENOMEM;
	mutex_init(&an->lock);
	an->bounded = !net_eq(net, &init_net);
	return 0;
}

/*
 * Rules may outlive this (ip_tables and nf_tables can tear down their rules
 * after us): their destroy frees the tables, and the last one frees the
 * slot array. The acc_net itself is generic storage, freed only after every
 * subsystem's exit.
 */
static void __net_exit acc_net_exit(struct net *net)
{
	struct acc_net *an = acc_net(net);
	unsigned int i;

	mutex_lock(&an->lock);
	for (i = 0; i < ACCOUNT_MAX_HANDLES; i++)
		acc_handle_free(an, &an->handles[i]);
	an->exited = true;
	acc_net_put_tables(an);
	mutex_unlock(&an->lock);
}

struct pernet_operations acc_net_ops = {
	.init = acc_net_init,
	.exit = acc_net_exit,
	.id = &acc_net_id,
	.size = sizeof(struct acc_net),
};
