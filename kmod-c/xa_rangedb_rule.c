// SPDX-License-Identifier: GPL-2.0-only
/*
 * xa_rangedb.ko: what the geoip and asn matches do with a rule once its
 * struct is read (see xa_rangedb.h): the checks before anything else reads
 * it, the packet's address, the set's reference.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/kernel.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>

#include "xa_rangedb_int.h"

int xa_rangedb_rule_check(const struct xa_rangedb_kind *kind,
			  const struct xt_mtchk_param *par,
			  const struct xa_rangedb_rule *rule, unsigned int max)
{
	const u8 flags = rule->flags;
	unsigned int i, j;
	char name[16];

	if (flags & ~(XA_RANGEDB_SRC | XA_RANGEDB_DST | XA_RANGEDB_INV) ||
	    !(flags & XA_RANGEDB_SRC) == !(flags & XA_RANGEDB_DST)) {
		pr_info_ratelimited("%s: flags 0x%x: not exactly one of source and destination\n",
				    kind->name, flags);
		return -EINVAL;
	}
	if (rule->count == 0 || rule->count > max || max > XA_RANGEDB_MAX_KEYS) {
		pr_info_ratelimited("%s: %u keys in a rule of revision %u (1 to %u)\n",
				    kind->name, rule->count, par->match->revision, max);
		return -EINVAL;
	}
	for (i = 0; i < rule->count; i++) {
		if (!kind->key_valid(rule->keys[i])) {
			pr_info_ratelimited("%s: key 0x%x cannot name a database file\n",
					    kind->name, rule->keys[i]);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (rule->keys[j] == rule->keys[i]) {
				kind->key_name(rule->keys[i], name, sizeof(name));
				pr_info_ratelimited("%s: %s named twice\n", kind->name, name);
				return -EINVAL;
			}
		}
	}
	return xa_rangedb_get(kind, par->net, par->family, rule->keys, rule->count);
}
EXPORT_SYMBOL_GPL(xa_rangedb_rule_check);

bool xa_rangedb_rule_match(const struct xa_rangedb_kind *kind, const struct sk_buff *skb,
			   const struct xt_action_param *par,
			   const struct xa_rangedb_rule *rule)
{
	bool src = rule->flags & XA_RANGEDB_SRC;
	const void *addr;

	if (xt_family(par) == NFPROTO_IPV4)
		addr = src ? &ip_hdr(skb)->saddr : &ip_hdr(skb)->daddr;
	else
		addr = src ? &ipv6_hdr(skb)->saddr : &ipv6_hdr(skb)->daddr;
	return xa_rangedb_match(kind, xt_net(par), xt_family(par), rule->keys, rule->count,
				addr) ^ !!(rule->flags & XA_RANGEDB_INV);
}
EXPORT_SYMBOL_GPL(xa_rangedb_rule_match);

void xa_rangedb_rule_put(const struct xa_rangedb_kind *kind,
			 const struct xt_mtdtor_param *par,
			 const struct xa_rangedb_rule *rule)
{
	xa_rangedb_put(kind, par->net, par->family, rule->keys, rule->count);
}
EXPORT_SYMBOL_GPL(xa_rangedb_rule_put);
