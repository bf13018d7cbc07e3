// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_pknock: the match function. The shim locates the packet's fields and
 * says which the rule needs (xa_pknock_locate(), on the bytes xa_skb_head()
 * read); the payload is read only when it can be an SPA packet, and the
 * shim verifies its HMAC (xa_pknock_spa_check()) before any lock. Then the
 * rule name and the peer are found and xa_pknock_packet() decides under the
 * rule's lock; only its PASS makes the match true. A packet that cannot
 * start a peer (wrong port, wrong length) from a source without one stops
 * at the peer lookup, without reading a clock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/skbuff.h>
#include <linux/timekeeping.h>

#include "xa_skb.h"
#include "xt_pknock_notify.h"
#include "xt_pknock_packet.h"
#include "xt_pknock_peer.h"
#include "xt_pknock_rule.h"

/*
 * The peer's state after the packet, under the rule's lock; the event.
 * `peer` is NULL when the rule has no entry for the source.
 */
static int pknock_packet_locked(struct xt_action_param *par,
				struct pknock_rule *rule,
				struct pknock_peer *peer,
				const struct xa_pknock_fields *f,
				const struct xa_pknock_packet *pkt,
				const struct xa_pknock_spa *spa,
				struct pknock_note *note)
{
	const struct xt_pknock_mtinfo *info = par->matchinfo;
	struct xa_pknock_peer state = { .status = XA_PKNOCK_ST_INIT };
	/* SPA minutes are wall-clock; every interval is monotonic (xa_shim_pknock.h). */
	s64 now = ktime_get_boottime_seconds(), wall = ktime_get_real_seconds();
	const union nf_inet_addr *src = (const union nf_inet_addr *)pkt->src;
	int event;

	lockdep_assert_held(&rule->lock);
	if (peer) {
		event = xa_pknock_packet(info, rule->autoclose, &peer->state,
					 pkt, spa, now);
		if (event == XA_PKNOCK_EV_OPENED)
			pknock_note_prepare(note, xt_net(par), rule, peer);
		pknock_peer_refile(rule, peer, event == XA_PKNOCK_EV_PROGRESS,
				   now, wall);
		return event;
	}
	event = xa_pknock_packet(info, rule->autoclose, &state, pkt, spa, now);
	if (event != XA_PKNOCK_EV_PROGRESS && event != XA_PKNOCK_EV_OPENED)
		return event;
	peer = pknock_peer_add(rule, src, xt_family(par), f->proto, &state);
	if (!peer)
		return event;
	if (event == XA_PKNOCK_EV_OPENED)
		pknock_note_prepare(note, xt_net(par), rule, peer);
	pknock_peer_refile(rule, peer, true, now, wall);
	return event;
}

bool pknock_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_pknock_mtinfo *info = par->matchinfo;
	/*
	 * Not zeroed on entry (CONFIG_INIT_STACK_ALL_ZERO would clear 321
	 * bytes per packet): each is written before it is read.
	 */
	u8 payload[XT_PKNOCK_SPA_PAYLOAD_LEN] __uninitialized;
	u8 buf[XA_SKB_HEAD_MAX] __uninitialized;
	unsigned int head_len, l3_len;
	struct xa_pknock_packet pkt = {};
	struct xa_pknock_fields f;
	struct xa_pknock_spa spa = {};
	struct pknock_note note = {};
	struct pknock_rule *rule;
	struct pknock_peer *peer;
	union nf_inet_addr src = {};
	int event = XA_PKNOCK_EV_NONE;
	const u8 *head;

	head = xa_skb_head(skb, buf, sizeof(buf), &head_len, &l3_len);
	if (!head)
		return false;
	switch (xa_pknock_locate(info, xt_family(par), head, head_len, l3_len, &f)) {
	case XA_PKNOCK_LOC_OK:
		break;
	case XA_PKNOCK_LOC_UNREADABLE:
		/* Asked to look at a packet we cannot read: drop it, as upstream. */
		par->hotdrop = true;
		return false;
	case XA_PKNOCK_LOC_IGNORE:
		return false;
	default:
		event = XA_PKNOCK_EV_ARGUMENT;
		goto out_bug;
	}
	memcpy(&src, f.src, min_t(size_t, f.src_len, sizeof(src)));
	pkt.src = (const u8 *)&src;
	pkt.src_len = f.src_len;
	pkt.dport = f.dport;
	if (f.payload_len == sizeof(payload)) {
		pkt.payload = skb_header_pointer(skb, skb_network_offset(skb) + f.payload_off,
						 sizeof(payload), payload);
		if (!pkt.payload)
			return false;
		pkt.payload_len = sizeof(payload);
		/* The HMACs, the expensive part, outside the lock: they need no peer. */
		event = xa_pknock_spa_check(info, &pkt, ktime_get_real_seconds(), &spa);
		if (event != XA_PKNOCK_EV_NONE)
			goto out_bug;
	}

	rcu_read_lock();
	rule = pknock_rule_find_rcu(xt_net(par), info);
	if (!rule)
		goto out_rcu;
	spin_lock_bh(&rule->lock);
	peer = pknock_peer_find(rule, &src, xt_family(par));
	if (peer || (f.may_start && !(info->option & XT_PKNOCK_CHECKIP)))
		event = pknock_packet_locked(par, rule, peer, &f, &pkt, &spa, &note);
	spin_unlock_bh(&rule->lock);
out_rcu:
	rcu_read_unlock();
	pknock_note_send(&note, xt_family(par));
out_bug:
	if (event == XA_PKNOCK_EV_ARGUMENT)
		pr_err_ratelimited("rule %.*s: shim refused the rule data (bug)\n",
				   (int)min_t(u32, info->rule_name_len,
					      sizeof(info->rule_name)),
				   info->rule_name);
	return event == XA_PKNOCK_EV_PASS;
}
