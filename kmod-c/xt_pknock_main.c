// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_pknock: port knocking and SPA (Single Packet Authorization) match.
 *
 * Compatible with xtables-addons' pknock match (revision 1): same module
 * name, match data, parameters, /proc/net/xt_pknock/<name> format and
 * connector message, see xt_pknock(8). One file per concept:
 *
 *   xt_pknock_main.c    parameters, match registration, checkentry/destroy
 *   xt_pknock_check.c   which match data checkentry refuses, and why
 *   xt_pknock_net.c     the state of each network namespace
 *   xt_pknock_rule.c    rule names (objects of the xa_named registry)
 *   xt_pknock_peer.c    a name's peers: lookup, storage, eviction, GC timer
 *   xt_pknock_packet.c  the match function: packet fields, shim, peer table
 *   xt_pknock_proc.c    /proc/net/xt_pknock/<name> and /proc/net/xt_pknock_stats
 *   xt_pknock_notify.c  the connector message for a peer that became allowed
 *
 * Every decision about a packet (knock order, time limits, SPA HMAC, replay)
 * is the shim's (xa_shim_pknock.h); these files keep the tables. Everything
 * is per network namespace; connector messages go out for the initial
 * namespace's rules only (the connector exists only there).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netfilter/x_tables.h>

#include "xt_pknock_check.h"
#include "xt_pknock_net.h"
#include "xt_pknock_notify.h"
#include "xt_pknock_packet.h"
#include "xt_pknock_peer.h"
#include "xt_pknock_rule.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Xtables: port knocking and SPA match (IPv4, IPv6)");
MODULE_ALIAS("ipt_pknock");
MODULE_ALIAS("ip6t_pknock");

/* Upstream's parameters, names and defaults. */
unsigned int pknock_rule_hashsize = 8;
module_param_named(rule_hashsize, pknock_rule_hashsize, uint, 0444);
MODULE_PARM_DESC(rule_hashsize, "Buckets in rule hash table (default: 8)");
/* 0 (the default): sized from peer_limit when the module loads, see pknock_params_check(). */
unsigned int pknock_peer_hashsize;
module_param_named(peer_hashsize, pknock_peer_hashsize, uint, 0444);
MODULE_PARM_DESC(peer_hashsize, "Buckets in peer hash table (default 0: a quarter of peer_limit, rounded up to a power of two, 16-65536)");
#define PKNOCK_MIN_GC_MSECS 65000
unsigned int pknock_gc_expir_time = PKNOCK_MIN_GC_MSECS;
module_param_named(gc_expir_time, pknock_gc_expir_time, uint, 0444);
MODULE_PARM_DESC(gc_expir_time, "Time until garbage collection after valid knock packet (default: 65000 msec, also the minimum)");
int pknock_nl_multicast_group = -1;
module_param_named(nl_multicast_group, pknock_nl_multicast_group, int, 0444);
MODULE_PARM_DESC(nl_multicast_group, "Netlink multicast group number for pknock messages (connector; <= 0: none)");

/* Beyond upstream. */
unsigned int pknock_peer_limit = 4096;
module_param_named(peer_limit, pknock_peer_limit, uint, 0444);
MODULE_PARM_DESC(peer_limit, "Most peers tracked per rule name (default: 4096); when full, the oldest first-knock-only peer is evicted");

/* Largest table sizes accepted at load time. */
#define PKNOCK_MAX_BUCKETS 65536
/* Fewest buckets of a peer table sized from peer_limit (upstream's default size). */
#define PKNOCK_MIN_PEER_BUCKETS 16

/*
 * Buckets of each name's peer table when the administrator chose none: a
 * quarter of peer_limit, rounded up to a power of two, so that a full table
 * averages at most four peers a bucket (1024 buckets for the default 4096
 * peers, 8 KiB a name), bounded by 16 and PKNOCK_MAX_BUCKETS.
 */
static unsigned int pknock_peer_buckets(unsigned int limit)
{
	unsigned int want = clamp_t(unsigned int, limit / 4, PKNOCK_MIN_PEER_BUCKETS,
				    PKNOCK_MAX_BUCKETS);

	return roundup_pow_of_two(want);
}

static int pknock_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_pknock_mtinfo *info = par->matchinfo;
	const char *why = pknock_refusal(info);
	int ret;

	if (why) {
		pr_err_ratelimited("%s\n", why);
		return -EINVAL;
	}
	ret = pknock_rule_get(par->net, info);
	if (ret == -ENOMEM)
		pr_err_ratelimited("rule %s: out of memory\n", info->rule_name);
	return ret;
}

static void pknock_mt_destroy(const struct xt_mtdtor_param *par)
{
	pknock_rule_put(par->net, par->matchinfo);
}

static struct xt_match pknock_mt_reg[] __read_mostly = {
	{
		.name       = "pknock",
		.revision   = 1,
		.family     = NFPROTO_IPV4,
		.matchsize  = sizeof(struct xt_pknock_mtinfo),
		.match      = pknock_mt,
		.checkentry = pknock_mt_check,
		.destroy    = pknock_mt_destroy,
		.me         = THIS_MODULE,
	},
	{
		.name       = "pknock",
		.revision   = 1,
		.family     = NFPROTO_IPV6,
		.matchsize  = sizeof(struct xt_pknock_mtinfo),
		.match      = pknock_mt,
		.checkentry = pknock_mt_check,
		.destroy    = pknock_mt_destroy,
		.me         = THIS_MODULE,
	},
};

static int __init pknock_params_check(void)
{
	if (pknock_rule_hashsize == 0 || pknock_rule_hashsize > PKNOCK_MAX_BUCKETS) {
		pr_err("rule_hashsize must be 1-%u\n", PKNOCK_MAX_BUCKETS);
		return -EINVAL;
	}
	if (pknock_peer_hashsize > PKNOCK_MAX_BUCKETS) {
		pr_err("peer_hashsize must be 1-%u (0: from peer_limit)\n", PKNOCK_MAX_BUCKETS);
		return -EINVAL;
	}
	if (pknock_peer_limit == 0) {
		pr_err("peer_limit must be at least 1\n");
		return -EINVAL;
	}
	/* The size in use shows in /sys/module/xt_pknock/parameters/peer_hashsize. */
	if (pknock_peer_hashsize == 0)
		pknock_peer_hashsize = pknock_peer_buckets(pknock_peer_limit);
	if (!IS_ENABLED(CONFIG_CONNECTOR) && pknock_nl_multicast_group > 0)
		pr_warn("kernel without CONFIG_CONNECTOR: nl_multicast_group ignored\n");
	/* As upstream: GC must not run before a peer's minute has passed. */
	if (pknock_gc_expir_time < PKNOCK_MIN_GC_MSECS)
		pknock_gc_expir_time = PKNOCK_MIN_GC_MSECS;
	return 0;
}

static int __init pknock_mt_init(void)
{
	int ret;

	ret = pknock_params_check();
	if (ret)
		return ret;
	ret = register_pernet_subsys(&pknock_net_ops);
	if (ret)
		return ret;
	ret = xt_register_matches(pknock_mt_reg, ARRAY_SIZE(pknock_mt_reg));
	if (ret)
		goto err_pernet;
	return 0;

err_pernet:
	unregister_pernet_subsys(&pknock_net_ops);
	return ret;
}

static void __exit pknock_mt_exit(void)
{
	/* No rule can remain: each holds a module reference. */
	xt_unregister_matches(pknock_mt_reg, ARRAY_SIZE(pknock_mt_reg));
	unregister_pernet_subsys(&pknock_net_ops);
	/* The last rules' names may still be on their way to pknock_rule_free(). */
	xa_named_barrier();
}

module_init(pknock_mt_init);
module_exit(pknock_mt_exit);
