// SPDX-License-Identifier: GPL-2.0-only
/*
 * xa_reply: sending the replies the shim builds (TARPIT, DELUDE, CHAOS,
 * ECHO); the steps are listed in include/xa_reply.h.
 */
#include <linux/export.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/random.h>
#include <linux/security.h>
#include <linux/skbuff.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/l3mdev.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "xa_reply.h"
#include "xa_skb.h"

/* The reply header buffer holds the longest header of either kind. */
static_assert(XA_REPLY_UDP_HEADER_MAX <= XA_REPLY_TCP_MAX);
static_assert(XA_FAMILY_IPV4 == NFPROTO_IPV4 && XA_FAMILY_IPV6 == NFPROTO_IPV6);

/* Step 1: did the packet come for this host, not to a group? */
static bool xa_reply_for_host(const struct sk_buff *skb, u8 family)
{
	const struct dst_entry *dst = skb_dst(skb);

	if (!dst || skb->pkt_type != PACKET_HOST)
		return false;
	if (family == NFPROTO_IPV4)
		return !(skb_rtable(skb)->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST));
	return true;
}

/* Routes an IPv4 reply like a local packet; sets its TTL (the route's if hop_limit is 0). */
static int xa_reply_route4(struct sk_buff *nskb, const struct sk_buff *oldskb,
			   const struct nf_hook_state *state, u8 hop_limit)
{
	const struct rtable *rt;
	int err;

	/* ip_route_me_harder() starts from the skb's device; it replaces this dst. */
	skb_dst_set_noref(nskb, skb_dst(oldskb));
	nskb->mark = IP4_REPLY_MARK(state->net, oldskb->mark);
	/* On input the reply's source is one of ours: no address lookup needed. */
	err = ip_route_me_harder(state->net, state->sk, nskb,
				 state->hook == NF_INET_LOCAL_IN ? RTN_LOCAL : RTN_UNSPEC);
	if (err)
		return err;
	rt = skb_rtable(nskb);
	if (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST))
		return -EINVAL;
	ip_hdr(nskb)->ttl = hop_limit ?: ip4_dst_hoplimit(&rt->dst);
	return 0;
}

/* Routes an IPv6 reply as nf_send_reset6() does; sets its hop limit likewise. */
static int xa_reply_route6(struct sk_buff *nskb, const struct sk_buff *oldskb,
			   const struct nf_hook_state *state, u8 hop_limit)
{
	struct ipv6hdr *ip6h = ipv6_hdr(nskb);
	/* TCP and UDP both start with the two ports. */
	const __be16 *ports = (const __be16 *)(ip6h + 1);
	struct dst_entry *dst;
	struct flowi6 fl6 = {
		.flowi6_proto = ip6h->nexthdr,
		.saddr = ip6h->saddr,
		.daddr = ip6h->daddr,
		.fl6_sport = ports[0],
		.fl6_dport = ports[1],
		.flowi6_oif = l3mdev_master_ifindex(skb_dst(oldskb)->dev),
		.flowi6_mark = IP6_REPLY_MARK(state->net, oldskb->mark),
	};

	security_skb_classify_flow((struct sk_buff *)oldskb, flowi6_to_flowi_common(&fl6));
	dst = ip6_route_output(state->net, NULL, &fl6);
	if (dst->error) {
		dst_release(dst);
		return -EHOSTUNREACH;
	}
	dst = xfrm_lookup(state->net, dst, flowi6_to_flowi(&fl6), NULL, 0);
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	skb_dst_set(nskb, dst);
	nskb->mark = fl6.flowi6_mark;
	ip6h->hop_limit = hop_limit ?: ip6_dst_hoplimit(dst);
	return 0;
}

/*
 * The reply joins the original's connection, as REJECT's do. An untracked
 * original (CT --notrack) leaves the reply untracked: nf_ct_attach() would
 * give it no entry but a "related" state, and conntrack would then track it
 * as a new connection.
 */
static void xa_reply_ct(struct sk_buff *nskb, const struct sk_buff *oldskb)
{
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	enum ip_conntrack_info ctinfo;

	if (!nf_ct_get(oldskb, &ctinfo) && ctinfo == IP_CT_UNTRACKED) {
		nf_ct_set(nskb, NULL, IP_CT_UNTRACKED);
		return;
	}
#endif
	nf_ct_attach(nskb, oldskb);
}

/* Step 4: allocate, fill, route and send the reply whose headers are in header. */
static void xa_reply_send(struct sk_buff *oldskb, const struct nf_hook_state *state,
			  const u8 *header, const struct xa_reply *r)
{
	struct sk_buff *nskb;
	int err;

	nskb = alloc_skb(LL_MAX_HEADER + r->header_len + r->payload_len, GFP_ATOMIC);
	if (!nskb)
		return;
	skb_reserve(nskb, LL_MAX_HEADER);
	skb_reset_network_header(nskb);
	skb_put_data(nskb, header, r->header_len);
	if (r->payload_len &&
	    skb_copy_bits(oldskb, skb_network_offset(oldskb) + r->payload_off,
			  skb_put(nskb, r->payload_len), r->payload_len))
		goto free;
	/* The reply is linear: header and payload, all in nskb->data. */
	if (r->fill_checksum &&
	    xa_l4_checksum_fill(state->pf, nskb->data, nskb->len) != XA_REPLY_OK)
		goto free;
	nskb->ip_summed = CHECKSUM_NONE;
	if (state->pf == NFPROTO_IPV4) {
		nskb->protocol = htons(ETH_P_IP);
		skb_set_transport_header(nskb, sizeof(struct iphdr));
		err = xa_reply_route4(nskb, oldskb, state, r->hop_limit);
	} else {
		nskb->protocol = htons(ETH_P_IPV6);
		skb_set_transport_header(nskb, sizeof(struct ipv6hdr));
		err = xa_reply_route6(nskb, oldskb, state, r->hop_limit);
	}
	if (err || nskb->len > dst_mtu(skb_dst(nskb)))
		goto free;
	xa_reply_ct(nskb, oldskb);
	if (state->pf == NFPROTO_IPV4)
		ip_local_out(state->net, nskb->sk, nskb); /* fixes tot_len and the IP checksum */
	else
		ip6_local_out(state->net, nskb->sk, nskb);
	return;
free:
	kfree_skb(nskb);
}

/* Steps 1 to 3 for either kind; a reply due goes to xa_reply_send(). */
static void xa_reply(struct sk_buff *skb, const struct nf_hook_state *state,
		     u8 proto, int answer)
{
	u8 buf[XA_SKB_HEAD_MAX];
	u8 header[XA_REPLY_TCP_MAX];
	unsigned int head_len, l3_len;
	struct xa_reply r;
	const u8 *head;
	u64 random = 0;
	int status;

	if (!xa_reply_for_host(skb, state->pf))
		return;
	head = xa_skb_head(skb, buf, sizeof(buf), &head_len, &l3_len);
	if (!head)
		return;
	if (proto == IPPROTO_UDP) {
		status = xa_udp_echo(state->pf, head, head_len, l3_len,
				     header, sizeof(header), &r);
	} else {
		/* Only these answers read random bits (initial sequence numbers). */
		if (answer == XA_TCP_HONEYPOT || answer == XA_TCP_DELUDE)
			random = get_random_u64();
		status = xa_tcp_reply(state->pf, answer, head, head_len, l3_len,
				      random, header, sizeof(header), &r);
	}
	if (status != XA_REPLY_OK ||
	    !xa_skb_csum_ok(skb, state->hook, state->pf, r.l4_off, r.checksum_len, proto))
		return;
	xa_reply_send(skb, state, header, &r);
}

void xa_reply_tcp(struct sk_buff *skb, const struct nf_hook_state *state, int answer)
{
	xa_reply(skb, state, IPPROTO_TCP, answer);
}
EXPORT_SYMBOL_GPL(xa_reply_tcp);

void xa_reply_udp_echo(struct sk_buff *skb, const struct nf_hook_state *state)
{
	xa_reply(skb, state, IPPROTO_UDP, 0);
}
EXPORT_SYMBOL_GPL(xa_reply_udp_echo);
