/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_ACCOUNT's tables: named per network namespace, created by the first
 * rule naming them, shared by the rules naming the same network, freed with
 * the last of them.
 *
 * Locking:
 * - acc_table.lock (spinlock, BH) protects the table's data and counters:
 *   packets of different tables never share a lock;
 * - a table lives as long as a rule refers to it, so the packet path finds
 *   it through the rule's table_nr without a lock: the slot is set before
 *   the rule is active and cleared after it is gone;
 * - everything else (name, network, refcount) changes only under
 *   acc_net.lock.
 */
#ifndef XT_ACCOUNT_TABLE_H
#define XT_ACCOUNT_TABLE_H

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/in6.h>
#include <linux/lockdep.h>
#include <linux/memcontrol.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <net/net_namespace.h>

#include "xa_shim.h"
#include "xt_ACCOUNT.h"
#include "xt_ACCOUNT_ipv4.h"
#include "xt_ACCOUNT_ipv6.h"
#include "xt_ACCOUNT_net.h"

struct acc_table {
	char name[ACCOUNT_TABLE_NAME_LEN];
	u8 family; /* NFPROTO_IPV4 or NFPROTO_IPV6: which of the fields below */
	unsigned int refcount; /* rules using the table, under acc_net.lock */
	spinlock_t lock;
	struct acc_net *an; /* its namespace's, whose bound its counters count against */
	struct mem_cgroup *memcg; /* its creator's, charged with its counters */
	/* IPv4 */
	__be32 net_ip, net_mask;
	struct xa_account_net net4; /* the same network, as packets are classified by */
	u32 slot_bits;
	struct acc_data *data; /* under lock; replaced only under acc_net.lock too */
	/* IPv6 */
	struct in6_addr net6;
	u8 prefix_len;
	u32 nbuckets;
	u64 hash_key[2];
	struct acc_ip6_data *data6; /* as data */
};

/*
 * The table of a rule, on the packet path; table_nr is the kernel's own copy,
 * set by checkentry. Netfilter runs targets inside an RCU read-side section:
 * the namespace's state is read as net_generic() reads it, without another
 * rcu_read_lock() pair (two calls on a PREEMPT_RCU kernel). Inlined: it runs
 * for every packet and rule.
 */
static __always_inline struct acc_table *acc_rule_table(const struct net *net, s32 table_nr,
							u8 family)
{
	struct acc_net *an = rcu_dereference(net->gen)->ptr[acc_net_id];
	struct acc_table *t;

	if (WARN_ON_ONCE((u32)table_nr >= acc_max_tables))
		return NULL;
	t = READ_ONCE(an->tables[table_nr]);
	if (WARN_ON_ONCE(!t || t->family != family))
		return NULL;
	return t;
}

/*
 * Runs a target's BODY (an expression, its verdict) with bottom halves
 * disabled, as a table's lock wants them: ip_tables runs targets so,
 * nf_tables' output path may not. Disables them only where they are not, so
 * that BODY takes the lock with a plain spin_lock(): re-enabling them, with
 * its check for pending softirqs, costs about as much as the rest of a
 * packet's accounting.
 */
#define acc_with_bh_disabled(BODY) ({				\
	unsigned int __verdict;					\
								\
	if (likely(softirq_count())) {				\
		__verdict = (BODY);				\
	} else {						\
		local_bh_disable();				\
		__verdict = (BODY);				\
		local_bh_enable();				\
	}							\
	__verdict;						\
})

/*
 * Counts a packet of bytes bytes as source (as_src) or destination traffic
 * of the address whose counters in table t are c, if any (NULL: not
 * counted; t's lock held); returns 1
 * if the address was unseen before (what the table's item count grows by),
 * else 0. Counters wrap at 2^64, as upstream's. The shim decides which
 * addresses a packet counts for (xa_account_classify_net(),
 * xa_account6_classify()); the addition is done here, inline: a call into
 * xa_shim.ko per packet and rule cost more than the update itself.
 */
static __always_inline unsigned int acc_count(struct acc_table *t, struct xa_account_counters *c,
					      bool as_src, u32 bytes)
{
	unsigned int unseen;

	lockdep_assert_held(&t->lock);
	if (!c)
		return 0;
	unseen = !c->src_packets && !c->dst_packets;
	if (as_src) {
		c->src_packets++;
		c->src_bytes += bytes;
	} else {
		c->dst_packets++;
		c->dst_bytes += bytes;
	}
	return unseen;
}

/*
 * Allocations of a table's counters are charged to its creator's memory
 * cgroup, also in softirq context: between acc_memcg_enter() and
 * acc_memcg_exit(), with __GFP_ACCOUNT.
 */
static inline struct mem_cgroup *acc_memcg_enter(const struct acc_table *t)
{
	return set_active_memcg(t->memcg);
}

static inline void acc_memcg_exit(struct mem_cgroup *old)
{
	set_active_memcg(old);
}

/*
 * A new table's or a read-and-flush's root of counters (process context):
 * size zeroed bytes, counted against the namespace's bound when within_bound
 * (NULL over it, logged) or regardless; charged to the creator's cgroup.
 */
void *acc_table_root_alloc(struct acc_table *t, size_t size, bool within_bound);

/*
 * A block, group or entry of counters for a packet of table t (its lock
 * held): size zeroed bytes, added to *held, counted against the namespace's
 * bound and charged to the creator's cgroup; NULL (logged, rate-limited)
 * when out of memory or over the bound.
 */
void *acc_table_counters_alloc(struct acc_table *t, size_t size, size_t *held);

/* Counts the size bytes of t's counters just freed off its namespace's bound. */
static inline void acc_table_uncharge(struct acc_table *t, size_t size)
{
	acc_net_table_add(t->an, -(long)size);
}

/* Index of the table called name (of either family), or -1. */
int acc_table_find(struct acc_net *an, const char *name);

/*
 * Takes a reference on the table a rule names, creating it as want (name,
 * family, network) describes; returns its index or an error.
 */
int acc_table_get(struct net *net, const struct acc_table *want);

/* Drops a rule's reference on its table, freeing it with the last one. */
void acc_table_put(struct net *net, s32 table_nr);

#endif /* XT_ACCOUNT_TABLE_H */
