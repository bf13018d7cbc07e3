// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_ECHO: send a UDP datagram's payload back to its sender (RFC 862), then
 * drop it.
 *
 * Compatible with xtables-addons' ECHO (revision 0, IPv4 and IPv6, table
 * filter, -p udp, no rule data). The reply is the shim's (shim/src/echo.rs,
 * through xa_reply_udp_echo()), which checks what upstream trusted: the UDP
 * length against the packet, fragments, broadcast and multicast addresses.
 */
#include <linux/in.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>

#include "xa_reply.h"

static unsigned int echo_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	xa_reply_udp_echo(skb, par->state);
	return NF_DROP;
}

static struct xt_target echo_tg_reg[] __read_mostly = {
	{
		.name = "ECHO",
		.revision = 0,
		.family = NFPROTO_IPV4,
		.table = "filter",
		.proto = IPPROTO_UDP,
		.target = echo_tg,
		.me = THIS_MODULE,
	},
	{
		.name = "ECHO",
		.revision = 0,
		.family = NFPROTO_IPV6,
		.table = "filter",
		.proto = IPPROTO_UDP,
		.target = echo_tg,
		.me = THIS_MODULE,
	},
};

static int __init echo_tg_init(void)
{
	return xt_register_targets(echo_tg_reg, ARRAY_SIZE(echo_tg_reg));
}

static void __exit echo_tg_exit(void)
{
	xt_unregister_targets(echo_tg_reg, ARRAY_SIZE(echo_tg_reg));
}

module_init(echo_tg_init);
module_exit(echo_tg_exit);
MODULE_DESCRIPTION("Xtables: ECHO diagnosis target");
MODULE_LICENSE("GPL");
MODULE_ALIAS("ipt_ECHO");
MODULE_ALIAS("ip6t_ECHO");
