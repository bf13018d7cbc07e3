// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_STEAL: take the packet and free it (NF_STOLEN). Like DROP, except that
 * a local sender sees its send() succeed instead of failing with EPERM when
 * the rule is in OUTPUT.
 *
 * xtables-addons' STEAL (revision 0, no rule data, removed upstream in 2.4),
 * for iptables, ip6tables, arptables-nft and ebtables-nft. ebtables' own
 * core (ebtables-legacy) reads a target's return value as a jump offset, so
 * in the bridge family STEAL is refused unless nf_tables runs it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/skbuff.h>

static unsigned int steal_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	kfree_skb(skb);
	return NF_STOLEN;
}

static int steal_tg_check_bridge(const struct xt_tgchk_param *par)
{
	if (!par->nft_compat) {
		pr_info_ratelimited("bridge family: use ebtables-nft (ebtables-legacy cannot run STEAL)\n");
		return -EINVAL;
	}
	return 0;
}

static struct xt_target steal_tg_reg[] __read_mostly = {
	{
		.name = "STEAL",
		.revision = 0,
		.family = NFPROTO_IPV4,
		.target = steal_tg,
		.me = THIS_MODULE,
	},
	{
		.name = "STEAL",
		.revision = 0,
		.family = NFPROTO_IPV6,
		.target = steal_tg,
		.me = THIS_MODULE,
	},
	{
		.name = "STEAL",
		.revision = 0,
		.family = NFPROTO_ARP,
		.target = steal_tg,
		.me = THIS_MODULE,
	},
	{
		.name = "STEAL",
		.revision = 0,
		.family = NFPROTO_BRIDGE,
		.target = steal_tg,
		.checkentry = steal_tg_check_bridge,
		.me = THIS_MODULE,
	},
};

static int __init steal_tg_init(void)
{
	return xt_register_targets(steal_tg_reg, ARRAY_SIZE(steal_tg_reg));
}

static void __exit steal_tg_exit(void)
{
	xt_unregister_targets(steal_tg_reg, ARRAY_SIZE(steal_tg_reg));
}

module_init(steal_tg_init);
module_exit(steal_tg_exit);
MODULE_DESCRIPTION("Xtables: Silently DROP packets on output chain");
MODULE_LICENSE("GPL");
MODULE_ALIAS("ipt_STEAL");
MODULE_ALIAS("ip6t_STEAL");
MODULE_ALIAS("arpt_STEAL");
MODULE_ALIAS("ebt_STEAL");
