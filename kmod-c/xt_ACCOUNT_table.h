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
#include <linux/memcontrol.h>
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
	struct acc6_data *data6; /* as data */
};

/*
 * The table of a rule; table_nr is the kernel's own copy, set by checkentry.
 * Inlined: it runs for every packet and rule.
 */
static __always_inline struct acc_table *acc_rule_table(struct acc_net *an, s32 table_nr, u8 family)
{
	struct acc_table *t;

	if (WARN_ON_ONCE(table_nr < 0 || table_nr >= acc_max_tables))
		return NULL;
	t = READ_ONCE(an->tables[table_nr]);
	if (WARN_ON_ONCE(!t || t->family != family))
		return NULL;
	return t;
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
