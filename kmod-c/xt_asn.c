// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_asn: match a packet's source or destination address against the
 * autonomous systems a rule names, upstream xtables-addons' asn match
 * (revision 1, IPv4 and IPv6, struct xt_asn_match_info of include/xt_asn.h).
 * See xt_asn(8).
 *
 * As xt_geoip: mem[] is never read (cleared, never shown); the ranges come
 * from /usr/share/xt_asn/N.iv4|.iv6, read by the kernel per network namespace
 * through xa_rangedb.ko, reloaded by "echo reload > /proc/net/xt_asn". The
 * files are upstream's; unlike upstream's plugin, which hands IPv6 ranges to
 * the kernel with their 16-bit halves swapped on little-endian hosts, IPv6
 * works.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/skbuff.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "xt_asn.h"
#include "xa_rangedb.h"

static_assert((int)XT_ASN_SRC == (int)XA_RANGEDB_SRC && (int)XT_ASN_DST == (int)XA_RANGEDB_DST &&
	      (int)XT_ASN_INV == (int)XA_RANGEDB_INV);
static_assert(XT_ASN_MAX <= XA_RANGEDB_MAX_KEYS);

/* AS number 0 is reserved: upstream's plugin drops it, no file names it. */
static bool asn_key_valid(u32 key)
{
	return key != 0;
}

static int asn_key_name(u32 key, char *buf, size_t size)
{
	return scnprintf(buf, size, "%u", key);
}

static struct xa_rangedb_kind asn_db = {
	.name = "xt_asn",
	.dir = "/usr/share/xt_asn",
	.key_name = asn_key_name,
	.key_valid = asn_key_valid,
};

/* The rule; count bounded so that nothing reads past asn[]. */
static struct xa_rangedb_rule asn_rule(const struct xt_asn_match_info *info)
{
	struct xa_rangedb_rule r = {
		.flags = info->flags,
		.count = min_t(unsigned int, info->count, XT_ASN_MAX),
	};

	memcpy(r.keys, info->asn, r.count * sizeof(r.keys[0]));
	return r;
}

static bool asn_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xa_rangedb_rule r = asn_rule(par->matchinfo);

	return xa_rangedb_rule_match(&asn_db, skb, par, &r);
}

static int asn_mt_check(const struct xt_mtchk_param *par)
{
	struct xt_asn_match_info *info = par->matchinfo;
	const struct xa_rangedb_rule r = asn_rule(info);

	/* Never read, never shown: upstream's plugin puts its own addresses there. */
	memset(info->mem, 0, sizeof(info->mem));
	if (info->count > XT_ASN_MAX) {
		pr_info_ratelimited("xt_asn: %u numbers, at most %u\n", info->count, XT_ASN_MAX);
		return -EINVAL;
	}
	return xa_rangedb_rule_check(&asn_db, par, &r, XT_ASN_MAX);
}

static void asn_mt_destroy(const struct xt_mtdtor_param *par)
{
	const struct xa_rangedb_rule r = asn_rule(par->matchinfo);

	xa_rangedb_rule_put(&asn_db, par, &r);
}

#define ASN_MATCH(fam)                                                     \
	{                                                                  \
		.name = "asn",                                             \
		.revision = 1,                                             \
		.family = fam,                                             \
		.match = asn_mt,                                           \
		.checkentry = asn_mt_check,                                \
		.destroy = asn_mt_destroy,                                 \
		.matchsize = sizeof(struct xt_asn_match_info),             \
		.usersize = offsetof(struct xt_asn_match_info, mem),       \
		.me = THIS_MODULE,                                         \
	}

static struct xt_match asn_mt_reg[] __read_mostly = {
	ASN_MATCH(NFPROTO_IPV4),
	ASN_MATCH(NFPROTO_IPV6),
};

XA_RANGEDB_MATCH_MODULE(asn, asn_db, asn_mt_reg);

MODULE_DESCRIPTION("Xtables: match by source or destination autonomous system (asn)");
MODULE_AUTHOR("xtables-addons-rs developers");
MODULE_LICENSE("GPL");
MODULE_ALIAS("ipt_asn");
MODULE_ALIAS("ip6t_asn");
