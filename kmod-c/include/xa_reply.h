/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Replies sent for the host: TARPIT, DELUDE, CHAOS and ECHO (kmod-c/xa_reply.c,
 * in xa_shim.ko).
 *
 * One call answers one packet, in the order every reply follows:
 * 1. the packet must have come for this host: a route, PACKET_HOST, and (IPv4)
 *    no broadcast or multicast route;
 * 2. xa_skb_head() reads its headers, the shim (xa_shim_reply.h) decides and
 *    writes the reply's IP and L4 headers; fragments, IP options (TARPIT),
 *    non-unicast addresses and malformed packets get nothing;
 * 3. the original's TCP or UDP checksum must verify (xa_skb_csum_ok());
 * 4. the reply is allocated (GFP_ATOMIC), filled (ECHO: the original's payload
 *    copied after the header), routed as a local packet (IPv4:
 *    ip_route_me_harder(); IPv6: ip6_route_output() and xfrm_lookup()), never
 *    onto a broadcast or multicast route, given the route's TTL / hop limit
 *    unless the shim set one, the original's mark when fwmark_reflect says so,
 *    and the original's conntrack entry (nf_ct_attach(); an untracked
 *    original's reply stays untracked), then sent through LOCAL_OUT
 *    (ip_local_out() / ip6_local_out()).
 * Nothing is sent when any step fails; the caller's verdict decides the
 * original's fate (these targets drop it). Callable from any netfilter hook
 * of the IPv4 and IPv6 families, with BH disabled.
 */
#ifndef XA_REPLY_H
#define XA_REPLY_H

#include <linux/netfilter.h>
#include <linux/skbuff.h>

#include "xa_shim.h"

/* Answers a TCP packet as `answer` (enum xa_tcp_answer) does. */
void xa_reply_tcp(struct sk_buff *skb, const struct nf_hook_state *state,
		  int answer);

/* Echoes a UDP packet's payload to its sender. */
void xa_reply_udp_echo(struct sk_buff *skb, const struct nf_hook_state *state);

#endif /* XA_REPLY_H */
