// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_DELUDE: answer a SYN with a SYN-ACK and anything else with an RST, so
 * half-open scanners see every port open; the packet is then dropped.
 *
 * Compatible with xtables-addons' DELUDE (revision 0, table filter, INPUT and
 * FORWARD, -p tcp, no rule data), and answers IPv6 too. The replies are the
 * shim's (shim/src/delude.rs, through xa_reply_tcp()): a random initial
 * sequence number instead of 0, and the route's TTL instead of 0.
 */
#include <linux/in.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>

#include "xa_reply.h"

static unsigned int delude_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	xa_reply_tcp(skb, par->state, XA_TCP_DELUDE);
	return NF_DROP;
}

static struct xt_target delude_tg_reg[] __read_mostly = {
	{
		.name = "DELUDE",
		.revision = 0,
		.family = NFPROTO_IPV4,
		.table = "filter",
		.hooks = (1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD),
		.proto = IPPROTO_TCP,
		.target = delude_tg,
		.me = THIS_MODULE,
	},
	{
		.name = "DELUDE",
		.revision = 0,
		.family = NFPROTO_IPV6,
		.table = "filter",
		.hooks = (1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD),
		.proto = IPPROTO_TCP,
		.target = delude_tg,
		.me = THIS_MODULE,
	},
};

static int __init delude_tg_init(void)
{
	return xt_register_targets(delude_tg_reg, ARRAY_SIZE(delude_tg_reg));
}

static void __exit delude_tg_exit(void)
{
	xt_unregister_targets(delude_tg_reg, ARRAY_SIZE(delude_tg_reg));
}

module_init(delude_tg_init);
module_exit(delude_tg_exit);
MODULE_DESCRIPTION("Xtables: Close TCP connections after handshake");
MODULE_LICENSE("GPL");
MODULE_ALIAS("ipt_DELUDE");
MODULE_ALIAS("ip6t_DELUDE");
