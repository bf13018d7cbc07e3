// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_CHAOS: slow network scans down with unpredictable answers. Each packet
 * is rejected with ICMP host-unreachable with probability reject_percentage
 * / 2^32; otherwise TCP packets outside OUTPUT get, with probability
 * delude_percentage / 2^32, TARPIT's tarpit answer (--tarpit) or DELUDE's
 * (--delude). The packet is always dropped.
 *
 * Compatible with xtables-addons' CHAOS (revision 0, IPv4, table filter,
 * struct xt_chaos_tginfo, module parameters writable at run time). The
 * rejection is REJECT's own sender (nf_send_unreach()); TARPIT and DELUDE
 * answer through xa_reply_tcp(), so neither module needs to be loaded.
 * Upstream passed its own option byte to TARPIT, which read 1 as honeypot:
 * here --tarpit means TARPIT's tarpit mode (see xt_CHAOS(8)).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmp.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/random.h>
#include <net/netfilter/ipv4/nf_reject.h>

#include "xa_reply.h"
#include "xt_CHAOS.h"

/* Upstream's defaults: (2^32 - 1) * 0.01 and * 0.0101, truncated. */
static unsigned int reject_percentage = 42949672;
static unsigned int delude_percentage = 43379169;
module_param(reject_percentage, uint, 0644);
MODULE_PARM_DESC(reject_percentage, "chance of an ICMP host-unreachable, out of 2^32 (default 1%)");
module_param(delude_percentage, uint, 0644);
MODULE_PARM_DESC(delude_percentage, "chance of a TARPIT/DELUDE answer to TCP, out of 2^32 (default 1.01%)");

static unsigned int chaos_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_chaos_tginfo *info = par->targinfo;

	if (get_random_u32() <= READ_ONCE(reject_percentage)) {
		nf_send_unreach(skb, ICMP_HOST_UNREACH, xt_hooknum(par));
		return NF_DROP;
	}
	/* TARPIT and DELUDE answer only what came in. */
	if (info->variant != XTCHAOS_NORMAL && xt_hooknum(par) != NF_INET_LOCAL_OUT &&
	    ip_hdr(skb)->protocol == IPPROTO_TCP &&
	    get_random_u32() <= READ_ONCE(delude_percentage))
		xa_reply_tcp(skb, par->state,
			     info->variant == XTCHAOS_TARPIT ? XA_TCP_TARPIT : XA_TCP_DELUDE);
	return NF_DROP;
}

static int chaos_tg_check(const struct xt_tgchk_param *par)
{
	const struct xt_chaos_tginfo *info = par->targinfo;

	if (info->variant > XTCHAOS_DELUDE) {
		pr_info_ratelimited("unknown variant %u refused\n", info->variant);
		return -EINVAL;
	}
	return 0;
}

static struct xt_target chaos_tg_reg __read_mostly = {
	.name = "CHAOS",
	.revision = 0,
	.family = NFPROTO_IPV4,
	.table = "filter",
	.hooks = (1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD) | (1 << NF_INET_LOCAL_OUT),
	.target = chaos_tg,
	.checkentry = chaos_tg_check,
	.targetsize = sizeof(struct xt_chaos_tginfo),
	.me = THIS_MODULE,
};

static int __init chaos_tg_init(void)
{
	return xt_register_target(&chaos_tg_reg);
}

static void __exit chaos_tg_exit(void)
{
	xt_unregister_target(&chaos_tg_reg);
}

module_init(chaos_tg_init);
module_exit(chaos_tg_exit);
MODULE_DESCRIPTION("Xtables: Network scan slowdown with non-deterministic results");
MODULE_LICENSE("GPL");
MODULE_ALIAS("ipt_CHAOS");
