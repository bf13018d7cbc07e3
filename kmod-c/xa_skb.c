// SPDX-License-Identifier: GPL-2.0-only
/*
 * xa_skb: bounded reads of a packet for the shim, and L4 checksum checks
 * (see include/xa_skb.h for the pattern every extension follows).
 */
#include <linux/export.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>

#include "xa_shim.h"
#include "xa_skb.h"

static const char *const xa_packet_status_text[] = {
	[XA_PACKET_E_TRUNCATED] = "header truncated",
	[XA_PACKET_E_BEYOND_HEAD] = "headers beyond the bytes read",
	[XA_PACKET_E_VERSION] = "wrong IP version",
	[XA_PACKET_E_LENGTH] = "inconsistent length field",
	[XA_PACKET_E_JUMBO] = "IPv6 jumbogram",
	[XA_PACKET_E_FRAGMENT] = "fragment",
	[XA_PACKET_E_PROTOCOL] = "wrong protocol",
	[XA_PACKET_E_ARGUMENT] = "internal argument error",
};

const u8 *xa_skb_head(const struct sk_buff *skb, u8 *buf, unsigned int buf_len,
		      unsigned int *head_len, unsigned int *l3_len)
{
	int off = skb_network_offset(skb);

	if (off < 0 || off > skb->len)
		return NULL;
	*l3_len = skb->len - off;
	*head_len = min(*l3_len, buf_len);
	return skb_header_pointer(skb, off, *head_len, buf);
}
EXPORT_SYMBOL_GPL(xa_skb_head);

bool xa_skb_csum_ok(struct sk_buff *skb, unsigned int hook, u8 family,
		    unsigned int l4_off, unsigned int len, u8 proto)
{
	unsigned int off = skb_network_offset(skb) + l4_off;
	__wsum sum;

	if (len == 0 || skb_csum_unnecessary(skb))
		return true;
	if (off > skb->len || len > skb->len - off)
		return false;
	if (len == skb->len - off)
		return nf_checksum(skb, hook, off, proto, family) == 0;
	/*
	 * A UDP datagram shorter than its packet: sum its own bytes in
	 * software (nf_checksum_partial() sums the IPv4 pseudo-header wrongly
	 * and rewrites the skb's checksum state).
	 */
	sum = skb_checksum(skb, off, len, 0);
	if (family == NFPROTO_IPV4)
		return csum_tcpudp_magic(ip_hdr(skb)->saddr, ip_hdr(skb)->daddr,
					 len, proto, sum) == 0;
	return csum_ipv6_magic(&ipv6_hdr(skb)->saddr, &ipv6_hdr(skb)->daddr,
			       len, proto, sum) == 0;
}
EXPORT_SYMBOL_GPL(xa_skb_csum_ok);

const char *xa_packet_status_str(int status)
{
	if (status > 0 && status < ARRAY_SIZE(xa_packet_status_text) &&
	    xa_packet_status_text[status])
		return xa_packet_status_text[status];
	return "unknown packet error";
}
EXPORT_SYMBOL_GPL(xa_packet_status_str);
