// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_pknock: the match function. Reads the fields the shim needs from the
 * packet, has the shim verify an SPA payload's HMAC (xa_pknock_spa_check(),
 * before any lock), then finds the rule name and the peer and lets
 * xa_pknock_packet() decide under the rule's lock; only its PASS makes the
 * match true.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/timekeeping.h>
#include <linux/udp.h>
#include <net/ipv6.h>

#include "xt_pknock_notify.h"
#include "xt_pknock_packet.h"
#include "xt_pknock_peer.h"
#include "xt_pknock_rule.h"

/* The packet fields the shim needs; false if the packet has none (fragment, other protocol). */
static bool pknock_packet_parse(const struct sk_buff *skb,
				const struct xt_action_param *par,
				union nf_inet_addr *src, u8 *proto,
				struct xa_pknock_packet *pkt, bool *hotdrop,
				u8 *payload_buf, size_t payload_buf_len)
{
	unsigned int thoff = par->thoff;
	unsigned short fragoff = par->fragoff;
	const struct udphdr *uh;
	struct udphdr _uh;
	const __be16 *ports;
	__be16 _ports[2];
	size_t len;

	memset(src, 0, sizeof(*src));
	if (xt_family(par) == NFPROTO_IPV4) {
		src->ip = ip_hdr(skb)->saddr;
		*proto = ip_hdr(skb)->protocol;
		pkt->src_len = 4;
	} else {
		/* ip6tables finds the transport header only for rules with -p. */
		int nexthdr;

		thoff = 0;
		nexthdr = ipv6_find_hdr(skb, &thoff, -1, &fragoff, NULL);
		if (nexthdr < 0)
			return false;
		src->in6 = ipv6_hdr(skb)->saddr;
		*proto = nexthdr;
		pkt->src_len = 16;
	}
	pkt->src = (const u8 *)src;
	if (fragoff != 0)
		return false;
	if (*proto != IPPROTO_TCP && *proto != IPPROTO_UDP &&
	    *proto != IPPROTO_UDPLITE)
		return false;

	ports = skb_header_pointer(skb, thoff, sizeof(_ports), _ports);
	if (!ports) {
		/* Asked to look at a packet we cannot read: drop it, as upstream. */
		*hotdrop = true;
		return false;
	}
	pkt->dport = ntohs(ports[1]);
	pkt->payload = NULL;
	pkt->payload_len = 0;
	if (*proto == IPPROTO_TCP)
		return true;

	uh = skb_header_pointer(skb, thoff, sizeof(_uh), &_uh);
	if (!uh)
		return false;
	len = skb->len - thoff;
	/* UDP's length field bounds the payload; UDP-Lite's is checksum coverage. */
	if (*proto == IPPROTO_UDP && ntohs(uh->len) >= sizeof(_uh) &&
	    ntohs(uh->len) < len)
		len = ntohs(uh->len);
	if (len < sizeof(_uh))
		return false;
	len -= sizeof(_uh);
	/*
	 * Only an exactly 65-byte payload can be an SPA packet: a longer one is
	 * passed as its first payload_buf_len (66) bytes, still the wrong length.
	 */
	len = min(len, payload_buf_len);
	if (skb_copy_bits(skb, thoff + sizeof(_uh), payload_buf, len) < 0)
		return false;
	pkt->payload = payload_buf;
	pkt->payload_len = len;
	return true;
}

bool pknock_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_pknock_mtinfo *info = par->matchinfo;
	u8 payload[XT_PKNOCK_SPA_PAYLOAD_LEN + 1];
	struct xa_pknock_packet pkt = {};
	struct xa_pknock_spa spa = {};
	struct pknock_note note = {};
	struct pknock_rule *rule;
	struct pknock_peer *peer;
	union nf_inet_addr src;
	int event = XA_PKNOCK_EV_NONE;
	s64 now, wall;
	u8 proto;
	u8 family = xt_family(par);

	if (!pknock_packet_parse(skb, par, &src, &proto, &pkt, &par->hotdrop,
				 payload, sizeof(payload)))
		return false;

	/* SPA minutes are wall-clock; every interval is monotonic (xa_shim_pknock.h). */
	wall = ktime_get_real_seconds();
	now = ktime_get_boottime_seconds();
	/* The HMACs, the expensive part, outside the lock: they need no peer. */
	event = xa_pknock_spa_check(info, &pkt, wall, &spa);
	if (event != XA_PKNOCK_EV_NONE)
		goto out_bug;

	rcu_read_lock();
	rule = pknock_rule_find_rcu(xt_net(par), info);
	if (!rule)
		goto out_rcu;

	spin_lock_bh(&rule->lock);
	peer = pknock_peer_find(rule, &src, family);
	if (peer) {
		event = xa_pknock_packet(info, rule->autoclose, &peer->state,
					 &pkt, &spa, now);
		if (event == XA_PKNOCK_EV_OPENED)
			pknock_note_prepare(&note, xt_net(par), rule, peer);
		pknock_peer_refile(rule, peer, event == XA_PKNOCK_EV_PROGRESS,
				   now, wall);
	} else if (!(info->option & XT_PKNOCK_CHECKIP)) {
		struct xa_pknock_peer state = { .status = XA_PKNOCK_ST_INIT };

		event = xa_pknock_packet(info, rule->autoclose, &state, &pkt,
					 &spa, now);
		if (event == XA_PKNOCK_EV_PROGRESS || event == XA_PKNOCK_EV_OPENED) {
			peer = pknock_peer_add(rule, &src, family, proto, &state);
			if (peer && event == XA_PKNOCK_EV_OPENED)
				pknock_note_prepare(&note, xt_net(par), rule, peer);
			if (peer)
				pknock_peer_refile(rule, peer, true, now, wall);
		}
	}
	spin_unlock_bh(&rule->lock);
out_rcu:
	rcu_read_unlock();
	pknock_note_send(&note, family);
out_bug:
	if (event == XA_PKNOCK_EV_ARGUMENT)
		pr_err_ratelimited("rule %.*s: shim refused the rule data (bug)\n",
				   (int)min_t(u32, info->rule_name_len,
					      sizeof(info->rule_name)),
				   info->rule_name);
	return event == XA_PKNOCK_EV_PASS;
}
