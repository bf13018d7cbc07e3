// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_pknock: the state of each network namespace (see xt_pknock_net.h).
 */
#include <net/netns/generic.h>

#include "xt_pknock_net.h"
#include "xt_pknock_proc.h"
#include "xt_pknock_rule.h"

static unsigned int pknock_net_id __read_mostly;

struct pknock_net *pknock_net(const struct net *net)
{
	return net_generic(net, pknock_net_id);
}

static int __net_init pknock_net_init(struct net *net)
{
	struct pknock_net *pn = pknock_net(net);
	int ret;

	ret = xa_named_table_init(&pn->rules, net, &pknock_rule_class,
				  pknock_rule_hashsize);
	if (ret)
		return ret;
	ret = pknock_proc_net_init(net, pn);
	if (ret)
		xa_named_table_exit(&pn->rules);
	return ret;
}

static void __net_exit pknock_net_exit(struct net *net)
{
	struct pknock_net *pn = pknock_net(net);

	pknock_proc_net_exit(pn);
	xa_named_table_exit(&pn->rules);
}

struct pernet_operations pknock_net_ops = {
	.init = pknock_net_init,
	.exit = pknock_net_exit,
	.id   = &pknock_net_id,
	.size = sizeof(struct pknock_net),
};
