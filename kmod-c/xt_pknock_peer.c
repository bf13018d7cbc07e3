// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_pknock: the peers of a rule name, one per source address, in a hash of
 * peer_hashsize buckets (sized from peer_limit unless the administrator set
 * it), at most peer_limit of them. When the table is full the peer that has
 * made only its first knock, and made it longest ago, is dropped; peers
 * further in a sequence, allowed, or that ever had an SPA packet accepted
 * (pknock_peer_evictable()) are never evicted (if only such peers are left
 * the new peer is refused). A flood of spoofed first knocks thus recycles
 * only first-knock entries, and a client that gets past its first knock or
 * opened with SPA cannot be pushed out.
 * A GC timer frees the peers the shim no longer considers live.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "xa_compat.h"
#include "xt_pknock_peer.h"
#include "xt_pknock_rule.h"

static unsigned int pknock_peer_hash(const struct pknock_rule *rule,
				     const union nf_inet_addr *addr, u8 family)
{
	return reciprocal_scale(jhash2((const u32 *)addr->all, ARRAY_SIZE(addr->all),
				       rule->peer_seed ^ family),
				pknock_peer_hashsize);
}

static void pknock_peer_free(struct pknock_rule *rule, struct pknock_peer *peer)
{
	lockdep_assert_held(&rule->lock);
	hlist_del(&peer->node);
	list_del(&peer->fresh);
	rule->peer_count--;
	kfree(peer);
}

static void pknock_gc_arm(struct pknock_rule *rule)
{
	mod_timer(&rule->gc, jiffies + msecs_to_jiffies(pknock_gc_expir_time));
}

static void pknock_gc(struct timer_list *t)
{
	struct pknock_rule *rule = timer_container_of(rule, t, gc);
	struct pknock_peer *peer;
	struct hlist_node *next;
	s64 now = ktime_get_boottime_seconds(), wall = ktime_get_real_seconds();
	unsigned int i;

	spin_lock_bh(&rule->lock);
	for (i = 0; i < pknock_peer_hashsize; i++)
		hlist_for_each_entry_safe(peer, next, &rule->peers[i], node)
			if (!xa_pknock_peer_live(&peer->state, rule->max_time,
						 rule->autoclose, now, wall))
				pknock_peer_free(rule, peer);
	if (rule->peer_count > 0 && !rule->dying)
		pknock_gc_arm(rule);
	spin_unlock_bh(&rule->lock);
}

int pknock_peers_init(struct pknock_rule *rule)
{
	unsigned int i;

	rule->peers = kvcalloc(pknock_peer_hashsize, sizeof(*rule->peers),
			       GFP_KERNEL_ACCOUNT);
	if (!rule->peers)
		return -ENOMEM;
	for (i = 0; i < pknock_peer_hashsize; i++)
		INIT_HLIST_HEAD(&rule->peers[i]);
	rule->peer_seed = get_random_u32();
	INIT_LIST_HEAD(&rule->fresh);
	timer_setup(&rule->gc, pknock_gc, 0);
	return 0;
}

/* Once no packet can reach the rule: stops the GC and frees every peer. */
void pknock_peers_destroy(struct pknock_rule *rule)
{
	struct pknock_peer *peer;
	struct hlist_node *next;
	unsigned int i;

	spin_lock_bh(&rule->lock);
	rule->dying = true;
	spin_unlock_bh(&rule->lock);
	timer_delete_sync(&rule->gc);
	for (i = 0; i < pknock_peer_hashsize; i++)
		hlist_for_each_entry_safe(peer, next, &rule->peers[i], node)
			kfree(peer);
	kvfree(rule->peers);
}

struct pknock_peer *pknock_peer_find(struct pknock_rule *rule,
				     const union nf_inet_addr *addr, u8 family)
{
	struct pknock_peer *peer;

	lockdep_assert_held(&rule->lock);
	hlist_for_each_entry(peer, &rule->peers[pknock_peer_hash(rule, addr, family)], node)
		if (peer->family == family &&
		    memcmp(&peer->addr, addr, sizeof(*addr)) == 0)
			return peer;
	return NULL;
}

/*
 * Stores a new peer, evicting the oldest first-knock-only peer when the
 * table is full. NULL if there is no room or no memory.
 */
struct pknock_peer *pknock_peer_add(struct pknock_rule *rule,
				    const union nf_inet_addr *addr, u8 family,
				    u8 proto, const struct xa_pknock_peer *state)
{
	struct pknock_peer *peer;

	lockdep_assert_held(&rule->lock);
	if (rule->peer_count >= pknock_peer_limit) {
		if (list_empty(&rule->fresh)) {
			rule->refused++;
			pr_warn_ratelimited("rule %s: peer table full (%u), new peer refused\n",
					    rule->named.name, pknock_peer_limit);
			return NULL;
		}
		pknock_peer_free(rule, list_first_entry(&rule->fresh,
							struct pknock_peer, fresh));
		rule->evicted++;
	}
	peer = kzalloc(sizeof(*peer), GFP_ATOMIC);
	if (!peer)
		return NULL;
	INIT_LIST_HEAD(&peer->fresh);
	peer->addr = *addr;
	peer->family = family;
	peer->proto = proto;
	peer->state = *state;
	hlist_add_head(&peer->node, &rule->peers[pknock_peer_hash(rule, addr, family)]);
	rule->peer_count++;
	if (!timer_pending(&rule->gc))
		pknock_gc_arm(rule);
	return peer;
}

/*
 * Whether a peer may be evicted: it has made only its first knock, and it
 * has never had an SPA packet accepted. An SPA peer that closed (or whose
 * allowance autoclosed) and then knocks once on a knock rule of the same
 * name is MATCHING with one knock too, but it remembers the SPA minutes it
 * used: evicting it would forget them, and a captured SPA packet could be
 * replayed. Such a peer leaves only through the GC, once the shim no longer
 * considers it live (its minutes can no longer be replayed).
 */
static bool pknock_peer_evictable(const struct xa_pknock_peer *st)
{
	return st->status == XA_PKNOCK_ST_MATCHING && st->knocks == 1 &&
	       st->open_minute == 0 && st->close_minute == 0;
}

/*
 * After a packet changed `peer` (at monotonic `now`, wall-clock `wall`,
 * xa_shim_pknock.h): free it if it no longer matters, else file it as
 * evictable (`renewed` moves it to the young end) or not.
 */
void pknock_peer_refile(struct pknock_rule *rule, struct pknock_peer *peer,
			bool renewed, s64 now, s64 wall)
{
	const struct xa_pknock_peer *st = &peer->state;

	lockdep_assert_held(&rule->lock);
	if (!xa_pknock_peer_live(st, rule->max_time, rule->autoclose, now, wall)) {
		pknock_peer_free(rule, peer);
		return;
	}
	if (pknock_peer_evictable(st)) {
		if (renewed || list_empty(&peer->fresh))
			list_move_tail(&peer->fresh, &rule->fresh);
	} else {
		list_del_init(&peer->fresh);
	}
}

static struct pknock_peer *pknock_peer_from_bucket(struct pknock_rule *rule,
						   unsigned int bucket)
{
	for (; bucket < pknock_peer_hashsize; bucket++)
		if (!hlist_empty(&rule->peers[bucket]))
			return hlist_entry(rule->peers[bucket].first,
					   struct pknock_peer, node);
	return NULL;
}

/* The peer at position `pos` of a walk over the table, NULL past the end. */
struct pknock_peer *pknock_peer_first(struct pknock_rule *rule, loff_t pos)
{
	struct pknock_peer *peer;

	lockdep_assert_held(&rule->lock);
	for (peer = pknock_peer_from_bucket(rule, 0); peer && pos > 0; pos--)
		peer = pknock_peer_next(rule, peer);
	return peer;
}

/* The peer after `peer` in the walk, NULL at the end. */
struct pknock_peer *pknock_peer_next(struct pknock_rule *rule,
				     struct pknock_peer *peer)
{
	lockdep_assert_held(&rule->lock);
	if (peer->node.next)
		return hlist_entry(peer->node.next, struct pknock_peer, node);
	return pknock_peer_from_bucket(rule,
				       pknock_peer_hash(rule, &peer->addr, peer->family) + 1);
}
