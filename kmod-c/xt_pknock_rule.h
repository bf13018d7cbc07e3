/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_pknock: rule names, objects of the per-namespace xa_named registry
 * (which owns their lifetime and /proc files): every rule of a namespace
 * with the same --name shares one.
 */
#ifndef XT_PKNOCK_RULE_H
#define XT_PKNOCK_RULE_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/types.h>

#include "xa_named.h"
#include "xt_pknock.h"

struct net;

struct pknock_rule {
	struct xa_named named;    /* name, /proc file, uses: the registry's */
	spinlock_t lock;          /* see xt_pknock_peer.h */
	struct hlist_head *peers; /* pknock_peer_hashsize buckets */
	u32 peer_seed;
	struct list_head fresh;   /* evictable peers, oldest first */
	unsigned int peer_count;
	u32 max_time;             /* --time of the knock rule (seconds) */
	u32 autoclose;            /* --autoclose of the knock rule (minutes) */
	unsigned long evicted;    /* peers dropped to make room */
	unsigned long refused;    /* new peers refused: table full */
	bool dying;               /* no more GC re-arming */
	struct timer_list gc;
};

extern const struct xa_named_class pknock_rule_class;

/* checkentry: one more rule of `net` uses info's name (created on first use). */
int pknock_rule_get(struct net *net, const struct xt_pknock_mtinfo *info);
/* destroy: one rule less uses info's name; the last one frees it. */
void pknock_rule_put(struct net *net, const struct xt_pknock_mtinfo *info);
/* The rule name of info in `net`, NULL if none. Under rcu_read_lock(). */
struct pknock_rule *pknock_rule_find_rcu(struct net *net,
					 const struct xt_pknock_mtinfo *info);

#endif /* XT_PKNOCK_RULE_H */
