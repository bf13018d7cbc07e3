/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The packet locators of the shim's C interface (included by xa_shim.h):
 * where a module finds the bytes it wants in a packet it has not parsed.
 *
 * The module passes the packet's first bytes from the network header (pkt,
 * pkt_len: what xa_skb_head() read) and the bytes the packet really has
 * (l3_len). The shim parses the IP header, IPv4 options and IPv6 extension
 * headers (shim/src/packet.rs) and checks every length against both, so the
 * offsets it returns lie within the packet; the module then reads them with
 * skb_header_pointer() (kmod-c/include/xa_skb.h has the pattern).
 */
#ifndef XA_SHIM_PACKET_H
#define XA_SHIM_PACKET_H

/* Families, the NFPROTO_* values (the modules pass xt_family()). */
#define XA_FAMILY_IPV4 2
#define XA_FAMILY_IPV6 10

/* Result of a locator; xa_packet_status_str() (xa_skb.h) gives its text. */
enum xa_packet_status {
	XA_PACKET_OK = 0,
	XA_PACKET_E_TRUNCATED = 1,   /* a header needs more bytes than the packet has */
	XA_PACKET_E_BEYOND_HEAD = 2, /* the headers run past the bytes read */
	XA_PACKET_E_VERSION = 3,     /* not the family's IP version */
	XA_PACKET_E_LENGTH = 4,      /* a length field contradicts itself or the packet */
	XA_PACKET_E_JUMBO = 5,       /* an IPv6 jumbogram */
	XA_PACKET_E_FRAGMENT = 6,    /* a fragment, the first one included */
	XA_PACKET_E_PROTOCOL = 7,    /* not the protocol the locator looks for */
	XA_PACKET_E_ARGUMENT = 8,    /* bad family or pointer, pkt_len > l3_len */
};

/* Where xa_udp_payload() found a datagram's payload. */
struct xa_udp_payload {
	uint32_t l4_off;      /* the UDP header, from the network header */
	uint32_t payload_off; /* the payload, from the network header, */
	uint32_t payload_len; /* within the packet's l3_len bytes */
	uint8_t proto;        /* IPPROTO_UDP or IPPROTO_UDPLITE */
};

/*
 * The payload of a whole UDP or UDP-Lite datagram: UDP's ends where its
 * length field says, UDP-Lite's (whose length field is the checksum
 * coverage) at the end of the packet. Fragments have none. Returns an
 * enum xa_packet_status; *out is written only on XA_PACKET_OK.
 */
int xa_udp_payload(int family, const uint8_t *pkt, size_t pkt_len, size_t l3_len,
		   struct xa_udp_payload *out);

#endif /* XA_SHIM_PACKET_H */
