/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bounded access to a packet's bytes (kmod-c/xa_skb.c, in xa_shim.ko).
 *
 * The pattern for calling the shim per packet, which every extension that
 * reads headers follows:
 *
 *	u8 buf[XA_SKB_HEAD_MAX];
 *	unsigned int head_len, l3_len;
 *	const u8 *head = xa_skb_head(skb, buf, sizeof(buf), &head_len, &l3_len);
 *
 *	if (!head)
 *		return NF_DROP;
 *	status = xa_<extension>(family, head, head_len, l3_len, ...);
 *
 * then the module acts on the shim's answer (checksums it asks to verify
 * with xa_skb_csum_ok(), skb changes, replies: kmod-c/include/xa_reply.h).
 * A module that wants bytes beyond the headers asks a locator where they are
 * (xa_udp_payload(), kmod-c/include/xa_shim_packet.h) and reads them with
 * skb_header_pointer() at skb_network_offset() + the offset it returned.
 * The shim parses only head[0..head_len) and checks every length against
 * l3_len, so nothing it says reaches outside the packet: IPv4 options, IPv6
 * extension headers (kernel's ipv6_skip_exthdr() set), fragments and L4
 * headers are found by shim/src/packet.rs, not here.
 */
#ifndef XA_SKB_H
#define XA_SKB_H

#include <linux/skbuff.h>
#include <linux/types.h>

/*
 * Bytes of headers a module reads: the largest IPv4 header and TCP header
 * fit, and IPv6 with up to 196 bytes of extension headers before its TCP or
 * UDP header. Packets whose headers go on further are refused by the shim
 * (the chain runs "beyond the head"), never read past.
 */
#define XA_SKB_HEAD_MAX 256

/*
 * The packet's first min(buf_len, l3_len) bytes from its network header:
 * a pointer into the skb when they are linear, else a copy in buf. Sets
 * *head_len to that count and *l3_len to the bytes from the network header
 * to the end of the skb. NULL if the skb has no network header within it.
 */
const u8 *xa_skb_head(const struct sk_buff *skb, u8 *buf, unsigned int buf_len,
		      unsigned int *head_len, unsigned int *l3_len);

/*
 * Whether the TCP or UDP checksum of the len bytes at l4_off (from the
 * network header) verifies over the family's pseudo-header. A checksum the
 * stack or the device already vouched for (CHECKSUM_UNNECESSARY, a local
 * CHECKSUM_PARTIAL packet) counts as verified, as in nf_checksum(); len 0
 * means the packet has none (an IPv4 UDP checksum of 0). hook is the
 * netfilter hook (a device's CHECKSUM_COMPLETE is trusted only on input).
 */
bool xa_skb_csum_ok(struct sk_buff *skb, unsigned int hook, u8 family,
		    unsigned int l4_off, unsigned int len, u8 proto);

/* Why a locator (enum xa_packet_status, xa_shim_packet.h) found nothing, as text. */
const char *xa_packet_status_str(int status);

#endif /* XA_SKB_H */
