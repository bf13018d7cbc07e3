/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The reply builders of the shim's C interface (included by xa_shim.h):
 * the headers TARPIT, DELUDE, CHAOS and ECHO send for the host.
 *
 * The module passes the packet's first bytes from the network header (pkt,
 * pkt_len: what xa_skb_head() read) and the bytes the packet really has
 * (l3_len). The shim parses them (IPv4 options, IPv6 extension headers,
 * lengths, fragments, addresses, ports), decides whether a reply is due and
 * writes its IP and L4 headers, checksums included, into out. The module then
 * verifies the original's L4 checksum where struct xa_reply says, allocates
 * the reply, routes it, sets its TTL and sends it (kmod-c/xa_reply.c).
 */
#ifndef XA_SHIM_REPLY_H
#define XA_SHIM_REPLY_H

#include "xa_shim_packet.h"

/* Longest reply a TCP answer writes: IPv6 + TCP without options. */
#define XA_REPLY_TCP_MAX 60
/* Longest header an ECHO reply writes: IPv6 + UDP. */
#define XA_REPLY_UDP_HEADER_MAX 48

/* Who answers a TCP segment; the first three are xt_tarpit_tginfo's variants. */
enum xa_tcp_answer {
	XA_TCP_TARPIT = 0,   /* TARPIT --tarpit */
	XA_TCP_HONEYPOT = 1, /* TARPIT --honeypot */
	XA_TCP_RESET = 2,    /* TARPIT --reset */
	XA_TCP_DELUDE = 3,   /* DELUDE */
};

/* Result of xa_tcp_reply() and xa_udp_echo(): a reply is written only on XA_REPLY_OK. */
enum xa_reply_status {
	XA_REPLY_OK = 0,
	XA_REPLY_NONE = 1,        /* well-formed, but nothing is answered to it (an RST, ...) */
	XA_REPLY_E_MALFORMED = 2, /* headers truncated or lengths inconsistent */
	XA_REPLY_E_FRAGMENT = 3,  /* a fragment */
	XA_REPLY_E_OPTIONS = 4,   /* IPv4 options or IPv6 extension headers (TARPIT) */
	XA_REPLY_E_PROTOCOL = 5,  /* not TCP (xa_tcp_reply) or UDP (xa_udp_echo) */
	XA_REPLY_E_ADDRESS = 6,   /* source or destination not unicast */
	XA_REPLY_E_PORT = 7,      /* port 0, or an echo from its own port */
	XA_REPLY_E_CHECKSUM = 8,  /* IPv6 UDP without a checksum */
	XA_REPLY_E_ARGUMENT = 9,  /* bad family, answer, pointer or buffer size */
};

/* What the module needs to send a reply written by the shim. */
struct xa_reply {
	uint32_t header_len;   /* bytes written at the start of out */
	uint32_t l4_off;       /* the original's L4 header, from its network header */
	uint32_t checksum_len; /* bytes from l4_off its L4 checksum covers; 0: none to verify */
	uint32_t payload_off;  /* the original's bytes to append after the header (ECHO), */
	uint32_t payload_len;  /* from its network header; payload_len 0 for TCP */
	uint8_t hop_limit;     /* TTL / hop limit in the header; 0: set the route's */
	uint8_t fill_checksum; /* 1: the L4 checksum is 0 in the header; once the payload
				* is appended, xa_l4_checksum_fill() computes it */
};

/*
 * The reply `answer` gives to a TCP packet; random supplies 64 random bits
 * (initial sequence numbers, honeypot windows), read only by XA_TCP_HONEYPOT
 * and XA_TCP_DELUDE. out must hold XA_REPLY_TCP_MAX bytes. Returns an
 * enum xa_reply_status; *reply is written only on XA_REPLY_OK.
 */
int xa_tcp_reply(int family, int answer, const uint8_t *pkt, size_t pkt_len,
		 size_t l3_len, uint64_t random, uint8_t *out, size_t out_len,
		 struct xa_reply *reply);

/*
 * The ECHO reply to a UDP packet: its headers go to out (at least
 * XA_REPLY_UDP_HEADER_MAX bytes), the payload to append is the original's
 * payload_off..payload_off+payload_len; fill_checksum is set (the original's
 * checksum field may hold only a partial sum when the stack offloads it).
 * Returns an enum xa_reply_status.
 */
int xa_udp_echo(int family, const uint8_t *pkt, size_t pkt_len, size_t l3_len,
		uint8_t *out, size_t out_len, struct xa_reply *reply);

/*
 * Writes the TCP or UDP checksum of the packet built whole in pkt[0..len)
 * (IP header first, not a fragment). Returns an enum xa_reply_status.
 */
int xa_l4_checksum_fill(int family, uint8_t *pkt, size_t len);

#endif /* XA_SHIM_REPLY_H */
