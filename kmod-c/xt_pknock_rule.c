// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_pknock: rule names, objects of the per-namespace xa_named registry.
 * checkentry takes a use of its rule's name (the registry creates it and its
 * /proc file on first use), destroy drops it; the name's last rule frees it.
 * Packets find names under RCU.
 */
#include <linux/err.h>
#include <linux/slab.h>

#include "xt_pknock_net.h"
#include "xt_pknock_peer.h"
#include "xt_pknock_proc.h"
#include "xt_pknock_rule.h"

static struct xa_named *pknock_rule_alloc(const void *info)
{
	struct pknock_rule *rule;
	int ret;

	/* The rule's timing is set by pknock_rule_get(), on every use. */
	rule = kzalloc(sizeof(*rule), GFP_KERNEL_ACCOUNT);
	if (!rule)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&rule->lock);
	ret = pknock_peers_init(rule);
	if (ret) {
		kfree(rule);
		return ERR_PTR(ret);
	}
	return &rule->named;
}

static void pknock_rule_free(struct xa_named *named)
{
	struct pknock_rule *rule = container_of(named, struct pknock_rule, named);

	pknock_peers_destroy(rule);
	kfree(rule);
}

const struct xa_named_class pknock_rule_class = {
	.dir      = "xt_pknock",
	.mode     = 0400, /* lists peer addresses; the namespace's root's (xa_named_own()) */
	.proc_ops = &pknock_proc_ops,
	.alloc    = pknock_rule_alloc,
	.free     = pknock_rule_free,
};

/* The knock rule of a name sets the timing /proc, GC and --checkip use. */
static void pknock_rule_config(struct pknock_rule *rule,
			       const struct xt_pknock_mtinfo *info)
{
	if (!(info->option & XT_PKNOCK_KNOCKPORT))
		return;
	spin_lock_bh(&rule->lock);
	if (info->option & XT_PKNOCK_TIME)
		rule->max_time = info->max_time;
	rule->autoclose = info->autoclose_time;
	spin_unlock_bh(&rule->lock);
}

/* checkentry: one more rule of `net` uses info's name. */
int pknock_rule_get(struct net *net, const struct xt_pknock_mtinfo *info)
{
	struct xa_named *named;

	named = xa_named_get(&pknock_net(net)->rules, info->rule_name,
			     info->rule_name_len, info);
	if (IS_ERR(named))
		return PTR_ERR(named);
	pknock_proc_net_own(net);
	pknock_rule_config(container_of(named, struct pknock_rule, named), info);
	return 0;
}

/* destroy: one rule less uses info's name; the last one frees it. */
void pknock_rule_put(struct net *net, const struct xt_pknock_mtinfo *info)
{
	xa_named_put(&pknock_net(net)->rules, info->rule_name, info->rule_name_len);
}

/* Under rcu_read_lock(). */
struct pknock_rule *pknock_rule_find_rcu(struct net *net,
					 const struct xt_pknock_mtinfo *info)
{
	struct xa_named *named;

	named = xa_named_find_rcu(&pknock_net(net)->rules, info->rule_name,
				  info->rule_name_len);
	return named ? container_of(named, struct pknock_rule, named) : NULL;
}
