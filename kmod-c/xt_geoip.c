// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_geoip: match a packet's source or destination address against the
 * countries a rule names, upstream xtables-addons' geoip match: revision 2
 * (31 codes) and revision 1 (15 codes, Debian 12's 3.23), IPv4 and IPv6,
 * struct xt_geoip_match_info of include/xt_geoip.h. See xt_geoip(8).
 *
 * Upstream's module copies each country's ranges from a user-space address
 * the plugin writes into the rule (mem[]) and writes its kernel pointers
 * back there; this one never reads mem[] (it clears it, and never shows it:
 * usersize) and reads /usr/share/xt_geoip/CC.iv4|.iv6 itself, per network
 * namespace, through xa_rangedb.ko, which also replaces the data on
 * "echo reload > /proc/net/xt_geoip". The rule's count, flags and codes are
 * checked before anything else reads them.
 */
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/skbuff.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "xt_geoip.h"
#include "xa_rangedb.h"

static_assert((int)XT_GEOIP_SRC == (int)XA_RANGEDB_SRC && (int)XT_GEOIP_DST == (int)XA_RANGEDB_DST &&
	      (int)XT_GEOIP_INV == (int)XA_RANGEDB_INV);
static_assert(XT_GEOIP_MAX <= XA_RANGEDB_MAX_KEYS);

/* A code: (first char << 8) | second, both upper-case letters or digits. */
static bool geoip_key_valid(u32 key)
{
	u8 a = key >> 8, b = key;

	return key <= 0xffff && (isupper(a) || isdigit(a)) && (isupper(b) || isdigit(b));
}

static int geoip_key_name(u32 key, char *buf, size_t size)
{
	return scnprintf(buf, size, "%c%c", (char)(key >> 8), (char)key);
}

static struct xa_rangedb_kind geoip_db = {
	.name = "xt_geoip",
	.dir = "/usr/share/xt_geoip",
	.key_name = geoip_key_name,
	.key_valid = geoip_key_valid,
};

/* The rule of either revision; count bounded so that nothing reads past cc[]. */
static struct xa_rangedb_rule geoip_rule(u8 flags, u8 count, const u16 *cc, unsigned int max)
{
	struct xa_rangedb_rule r = { .flags = flags, .count = min_t(unsigned int, count, max) };
	unsigned int i;

	for (i = 0; i < r.count; i++)
		r.keys[i] = cc[i];
	return r;
}

static int geoip_check(const struct xt_mtchk_param *par, u8 flags, u8 count,
		       const u16 *cc, u64 *mem, unsigned int max)
{
	const struct xa_rangedb_rule r = geoip_rule(flags, count, cc, max);

	/* Never read, never shown: upstream's plugin puts its own addresses there. */
	memset(mem, 0, max * sizeof(*mem));
	if (count > max) {
		pr_info_ratelimited("xt_geoip: %u countries, at most %u\n", count, max);
		return -EINVAL;
	}
	return xa_rangedb_rule_check(&geoip_db, par, &r, max);
}

static bool geoip_mt2(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_geoip_match_info *info = par->matchinfo;
	const struct xa_rangedb_rule r = geoip_rule(info->flags, info->count, info->cc,
						    XT_GEOIP_MAX);

	return xa_rangedb_rule_match(&geoip_db, skb, par, &r);
}

static bool geoip_mt1(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_geoip_match_info_v1 *info = par->matchinfo;
	const struct xa_rangedb_rule r = geoip_rule(info->flags, info->count, info->cc,
						    XT_GEOIP_MAX_V1);

	return xa_rangedb_rule_match(&geoip_db, skb, par, &r);
}

static int geoip_mt2_check(const struct xt_mtchk_param *par)
{
	struct xt_geoip_match_info *info = par->matchinfo;

	return geoip_check(par, info->flags, info->count, info->cc, info->mem, XT_GEOIP_MAX);
}

static int geoip_mt1_check(const struct xt_mtchk_param *par)
{
	struct xt_geoip_match_info_v1 *info = par->matchinfo;

	return geoip_check(par, info->flags, info->count, info->cc, info->mem, XT_GEOIP_MAX_V1);
}

static void geoip_mt2_destroy(const struct xt_mtdtor_param *par)
{
	const struct xt_geoip_match_info *info = par->matchinfo;
	const struct xa_rangedb_rule r = geoip_rule(info->flags, info->count, info->cc,
						    XT_GEOIP_MAX);

	xa_rangedb_rule_put(&geoip_db, par, &r);
}

static void geoip_mt1_destroy(const struct xt_mtdtor_param *par)
{
	const struct xt_geoip_match_info_v1 *info = par->matchinfo;
	const struct xa_rangedb_rule r = geoip_rule(info->flags, info->count, info->cc,
						    XT_GEOIP_MAX_V1);

	xa_rangedb_rule_put(&geoip_db, par, &r);
}

#define GEOIP_MATCH(rev, fam, info_t)                                     \
	{                                                                 \
		.name = "geoip",                                          \
		.revision = rev,                                          \
		.family = fam,                                            \
		.match = geoip_mt##rev,                                   \
		.checkentry = geoip_mt##rev##_check,                      \
		.destroy = geoip_mt##rev##_destroy,                       \
		.matchsize = sizeof(info_t),                              \
		.usersize = offsetof(info_t, mem),                        \
		.me = THIS_MODULE,                                        \
	}

static struct xt_match geoip_mt_reg[] __read_mostly = {
	GEOIP_MATCH(2, NFPROTO_IPV4, struct xt_geoip_match_info),
	GEOIP_MATCH(2, NFPROTO_IPV6, struct xt_geoip_match_info),
	GEOIP_MATCH(1, NFPROTO_IPV4, struct xt_geoip_match_info_v1),
	GEOIP_MATCH(1, NFPROTO_IPV6, struct xt_geoip_match_info_v1),
};

XA_RANGEDB_MATCH_MODULE(geoip, geoip_db, geoip_mt_reg);

MODULE_DESCRIPTION("Xtables: match by source or destination country (geoip)");
MODULE_AUTHOR("xtables-addons-rs developers");
MODULE_LICENSE("GPL");
MODULE_ALIAS("ipt_geoip");
MODULE_ALIAS("ip6t_geoip");
