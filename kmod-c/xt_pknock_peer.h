/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_pknock: the peers of a rule name, one per source address: lookup,
 * storage bounded by peer_limit with eviction, and the GC timer.
 *
 * Locking: the rule's lock (taken with BHs off) protects its peers, their
 * counters and the rule's max_time/autoclose; packets, the GC timer and
 * /proc take it.
 */
#ifndef XT_PKNOCK_PEER_H
#define XT_PKNOCK_PEER_H

#include <linux/list.h>
#include <linux/netfilter.h>
#include <linux/types.h>

#include "xa_shim.h"

struct pknock_rule;

/* Module parameters (upstream's names but peer_limit, see xt_pknock_main.c). */
extern unsigned int pknock_peer_hashsize;
extern unsigned int pknock_gc_expir_time;
extern unsigned int pknock_peer_limit;

/* One source address of a rule name. */
struct pknock_peer {
	struct hlist_node node;   /* in rule->peers[] */
	struct list_head fresh;   /* in rule->fresh while evictable, else empty */
	union nf_inet_addr addr;  /* IPv4 in addr.ip, rest zero */
	u8 family;                /* NFPROTO_IPV4 or NFPROTO_IPV6 */
	u8 proto;                 /* protocol of the first packet */
	struct xa_pknock_peer state;
};

/* A new rule's empty table and GC timer. Process context. */
int pknock_peers_init(struct pknock_rule *rule);
/* Once no packet can reach the rule: stops the GC and frees every peer. */
void pknock_peers_destroy(struct pknock_rule *rule);

struct pknock_peer *pknock_peer_find(struct pknock_rule *rule,
				     const union nf_inet_addr *addr, u8 family);
struct pknock_peer *pknock_peer_add(struct pknock_rule *rule,
				    const union nf_inet_addr *addr, u8 family,
				    u8 proto, const struct xa_pknock_peer *state);
void pknock_peer_refile(struct pknock_rule *rule, struct pknock_peer *peer,
			bool renewed, s64 now, s64 wall);

/* A walk over the table (/proc): the peer at position `pos`, the one after `peer`. */
struct pknock_peer *pknock_peer_first(struct pknock_rule *rule, loff_t pos);
struct pknock_peer *pknock_peer_next(struct pknock_rule *rule,
				     struct pknock_peer *peer);

#endif /* XT_PKNOCK_PEER_H */
