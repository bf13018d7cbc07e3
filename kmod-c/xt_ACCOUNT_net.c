// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_ACCOUNT: the lifetime of a network namespace's state (see
 * xt_ACCOUNT_net.h).
 */
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

static int __net_init acc_net_init(struct net *net)
{
	struct acc_net *an = acc_net(net);

	an->tables = kcalloc(acc_max_tables, sizeof(*an->tables), GFP_KERNEL);
	if (!an->tables)
		return -ENOMEM;
	mutex_init(&an->lock);
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
		acc_handle_free(&an->handles[i]);
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
