// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_TARPIT: answer TCP for the host without keeping state, so scanners and
 * brute-forcers wait in a zero window (--tarpit), talk to a fake listener
 * (--honeypot) or are refused (--reset).
 *
 * Compatible with xtables-addons' TARPIT (revision 0, IPv4 and IPv6): module
 * name, struct xt_tarpit_tginfo, modes, hooks. The replies are the shim's
 * (shim/src/tarpit.rs, through xa_reply_tcp()); what differs from upstream is
 * in xt_TARPIT(8). The original packet is always dropped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>

#include "xa_reply.h"
#include "xt_TARPIT.h"

/* The variant is passed on as the shim's answer. */
static_assert((int)XTTARPIT_TARPIT == XA_TCP_TARPIT && (int)XTTARPIT_HONEYPOT == XA_TCP_HONEYPOT &&
	      (int)XTTARPIT_RESET == XA_TCP_RESET);

static unsigned int tarpit_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_tarpit_tginfo *info = par->targinfo;

	xa_reply_tcp(skb, par->state, info->variant);
	return NF_DROP;
}

/* Upstream has no check: an unknown mode reached its packet path. */
static int tarpit_tg_check(const struct xt_tgchk_param *par)
{
	const struct xt_tarpit_tginfo *info = par->targinfo;

	if (info->variant > XTTARPIT_RESET) {
		pr_info_ratelimited("unknown mode %u refused\n", info->variant);
		return -EINVAL;
	}
	return 0;
}

static struct xt_target tarpit_tg_reg[] __read_mostly = {
	{
		.name = "TARPIT",
		.revision = 0,
		.family = NFPROTO_IPV4,
		.hooks = (1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD),
		.proto = IPPROTO_TCP,
		.target = tarpit_tg,
		.checkentry = tarpit_tg_check,
		.targetsize = sizeof(struct xt_tarpit_tginfo),
		.me = THIS_MODULE,
	},
	{
		.name = "TARPIT",
		.revision = 0,
		.family = NFPROTO_IPV6,
		.hooks = (1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD),
		.proto = IPPROTO_TCP,
		.target = tarpit_tg,
		.checkentry = tarpit_tg_check,
		.targetsize = sizeof(struct xt_tarpit_tginfo),
		.me = THIS_MODULE,
	},
};

static int __init tarpit_tg_init(void)
{
	return xt_register_targets(tarpit_tg_reg, ARRAY_SIZE(tarpit_tg_reg));
}

static void __exit tarpit_tg_exit(void)
{
	xt_unregister_targets(tarpit_tg_reg, ARRAY_SIZE(tarpit_tg_reg));
}

module_init(tarpit_tg_init);
module_exit(tarpit_tg_exit);
MODULE_DESCRIPTION("Xtables: \"TARPIT\", capture and hold TCP connections");
MODULE_LICENSE("GPL");
MODULE_ALIAS("ipt_TARPIT");
MODULE_ALIAS("ip6t_TARPIT");
