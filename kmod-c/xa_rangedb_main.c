// SPDX-License-Identifier: GPL-2.0-only
/*
 * xa_rangedb.ko: the registry of sets per namespace and the packet path (see
 * xa_rangedb.h). A set is found by its keys: a hash of them picks a bucket,
 * the keys themselves decide.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/jhash.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/overflow.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "xa_shim.h"
#include "xa_rangedb_int.h"

unsigned int xa_rangedb_max_ranges = 1u << 20;
module_param_named(max_ranges, xa_rangedb_max_ranges, uint, 0644);
MODULE_PARM_DESC(max_ranges, "most ranges a database file may hold (default 1048576: 8 MiB IPv4, 32 MiB IPv6)");

static u32 xa_rangedb_hash(u8 family, const u32 *keys, unsigned int count)
{
	return jhash2(keys, count, family);
}

static bool xa_rangedb_same(const struct xa_rangedb_set *set, u32 hash, u8 family,
			    const u32 *keys, unsigned int count)
{
	return set->hash == hash && set->family == family && set->count == count &&
	       memcmp(set->keys, keys, count * sizeof(*keys)) == 0;
}

static struct xa_rangedb_set *xa_rangedb_find(struct xa_rangedb_net *rn, u32 hash,
					      u8 family, const u32 *keys,
					      unsigned int count)
{
	struct xa_rangedb_set *set;

	lockdep_assert_held(&rn->lock);
	hlist_for_each_entry(set, &rn->sets[hash % XA_RANGEDB_BUCKETS], node)
		if (xa_rangedb_same(set, hash, family, keys, count))
			return set;
	return NULL;
}

int xa_rangedb_get(const struct xa_rangedb_kind *kind, struct net *net,
		   u8 family, const u32 *keys, unsigned int count)
{
	struct xa_rangedb_net *rn = xa_rangedb_net(kind, net);
	u32 hash = xa_rangedb_hash(family, keys, count);
	struct xa_rangedb_ranges *ranges;
	struct xa_rangedb_set *set;
	int ret = 0;

	if (count == 0 || count > XA_RANGEDB_MAX_KEYS)
		return -EINVAL;
	mutex_lock(&rn->lock);
	set = xa_rangedb_find(rn, hash, family, keys, count);
	if (set) {
		set->refs++;
		goto out;
	}
	ranges = xa_rangedb_load(kind, family, keys, count);
	if (IS_ERR(ranges)) {
		ret = PTR_ERR(ranges);
		goto out;
	}
	set = kzalloc(struct_size(set, keys, count), GFP_KERNEL_ACCOUNT);
	if (!set) {
		kvfree(ranges);
		ret = -ENOMEM;
		goto out;
	}
	set->refs = 1;
	set->hash = hash;
	set->family = family;
	set->count = count;
	memcpy(set->keys, keys, count * sizeof(*keys));
	RCU_INIT_POINTER(set->ranges, ranges);
	hlist_add_head_rcu(&set->node, &rn->sets[hash % XA_RANGEDB_BUCKETS]);
out:
	mutex_unlock(&rn->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(xa_rangedb_get);

void xa_rangedb_put(const struct xa_rangedb_kind *kind, struct net *net,
		    u8 family, const u32 *keys, unsigned int count)
{
	struct xa_rangedb_net *rn = xa_rangedb_net(kind, net);
	struct xa_rangedb_set *set;

	mutex_lock(&rn->lock);
	set = xa_rangedb_find(rn, xa_rangedb_hash(family, keys, count), family, keys, count);
	if (set && --set->refs == 0) {
		hlist_del_rcu(&set->node);
		kvfree_rcu(rcu_dereference_protected(set->ranges, lockdep_is_held(&rn->lock)), rcu);
		kfree_rcu(set, rcu);
	}
	mutex_unlock(&rn->lock);
}
EXPORT_SYMBOL_GPL(xa_rangedb_put);

bool xa_rangedb_match(const struct xa_rangedb_kind *kind, const struct net *net,
		      u8 family, const u32 *keys, unsigned int count,
		      const void *addr)
{
	struct xa_rangedb_net *rn = xa_rangedb_net(kind, net);
	u32 hash = xa_rangedb_hash(family, keys, count);
	const struct xa_rangedb_ranges *ranges;
	struct xa_rangedb_set *set;

	hlist_for_each_entry_rcu(set, &rn->sets[hash % XA_RANGEDB_BUCKETS], node) {
		if (!xa_rangedb_same(set, hash, family, keys, count))
			continue;
		ranges = rcu_dereference(set->ranges);
		if (family == NFPROTO_IPV4)
			return xa_geoip_lookup4(ranges->begins, ranges->ends, ranges->slots,
						(__force u32)*(const __be32 *)addr);
		return xa_geoip_lookup6(ranges->begins, ranges->ends, ranges->slots, addr);
	}
	/* No set: only between a failed checkentry and nothing; never for a live rule. */
	return false;
}
EXPORT_SYMBOL_GPL(xa_rangedb_match);

int xa_rangedb_net_init(const struct xa_rangedb_kind *kind, struct net *net)
{
	struct xa_rangedb_net *rn = xa_rangedb_net(kind, net);
	unsigned int i;

	mutex_init(&rn->lock);
	for (i = 0; i < XA_RANGEDB_BUCKETS; i++)
		INIT_HLIST_HEAD(&rn->sets[i]);
	return xa_rangedb_proc_init(kind, net);
}
EXPORT_SYMBOL_GPL(xa_rangedb_net_init);

/*
 * Sets live as long as their rules: ip_tables and nf_tables may tear rules
 * down after this exit, and their destroy frees the sets. The xa_rangedb_net
 * is pernet storage, freed only after every subsystem's exit.
 */
void xa_rangedb_net_exit(const struct xa_rangedb_kind *kind, struct net *net)
{
	xa_rangedb_proc_exit(kind, net);
}
EXPORT_SYMBOL_GPL(xa_rangedb_net_exit);

MODULE_DESCRIPTION("Xtables: address-range databases of the geoip and asn matches, per network namespace");
MODULE_AUTHOR("xtables-addons-rs developers");
MODULE_LICENSE("GPL");
