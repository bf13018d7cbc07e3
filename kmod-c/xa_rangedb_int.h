/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xa_rangedb.ko's own parts (not for the match modules): a set and its ranges,
 * and how its files share the work (main: the registry and the packet path;
 * load: reading the files; proc: /proc/net/NAME).
 */
#ifndef XA_RANGEDB_INT_H
#define XA_RANGEDB_INT_H

#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <net/netns/generic.h>

#include "xa_rangedb.h"

/* A set's union, laid out for the search: replaced as a whole by a reload. */
struct xa_rangedb_ranges {
	struct rcu_head rcu;
	size_t slots;	/* ranges + 1 (slot 0 of each array is unused) */
	size_t bytes;	/* what this allocation takes, as /proc reports it */
	void *ends;	/* slots addresses (u32 or struct xa_geoip_addr6) */
	void *begins;	/* slots more, after ends */
	u64 data[];
};

/* The union of a rule's keys, shared by the namespace's rules naming them. */
struct xa_rangedb_set {
	struct hlist_node node; /* in xa_rangedb_net.sets, RCU */
	struct rcu_head rcu;
	struct xa_rangedb_ranges __rcu *ranges;
	unsigned int refs; /* rules, under xa_rangedb_net.lock */
	u32 hash;
	u8 family;
	u8 count;
	u32 keys[];
};

/* Most ranges one file may hold (module parameter max_ranges). */
extern unsigned int xa_rangedb_max_ranges;

struct xa_rangedb_ranges *xa_rangedb_load(const struct xa_rangedb_kind *kind,
					  u8 family, const u32 *keys,
					  unsigned int count);

int xa_rangedb_reload(const struct xa_rangedb_kind *kind, struct net *net);

int xa_rangedb_proc_init(const struct xa_rangedb_kind *kind, struct net *net);
void xa_rangedb_proc_exit(const struct xa_rangedb_kind *kind, struct net *net);

static inline struct xa_rangedb_net *xa_rangedb_net(const struct xa_rangedb_kind *kind,
						    const struct net *net)
{
	return net_generic(net, kind->net_id);
}

/* The first bucket of rn's sets, to walk them under rn->lock (asserted). */
static inline unsigned int xa_rangedb_first_bucket(struct xa_rangedb_net *rn)
{
	lockdep_assert_held(&rn->lock);
	return 0;
}

/* Every set of a namespace, for reload and /proc, under rn->lock. */
#define xa_rangedb_for_each_set(set, rn, bucket)                                   \
	for ((bucket) = xa_rangedb_first_bucket(rn); (bucket) < XA_RANGEDB_BUCKETS; \
	     (bucket)++)                                                           \
		hlist_for_each_entry(set, &(rn)->sets[bucket], node)

#endif /* XA_RANGEDB_INT_H */
