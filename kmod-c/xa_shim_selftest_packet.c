// SPDX-License-Identifier: GPL-2.0-only
/*
 * xa_shim.ko's self-test of the packet locators (xa_udp_payload): a UDP
 * payload over IPv4, a UDP-Lite one over IPv6 behind an extension header,
 * and the packets that have none (a fragment, TCP, a lying UDP length,
 * headers past the bytes read).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "xa_shim.h"
#include "xa_shim_selftest.h"

/* 192.0.2.1:5000 -> 198.51.100.2:9, "abc"; byte 6 (flags) and 27 (UDP length) vary. */
#define XA_SELFTEST_UDP4(flags, udp_len)                                         \
	0x45, 0, 0, 31, 0x43, 0x21, flags, 0, 64, 17, 0x4b, 0x76, 192, 0, 2, 1, 198, \
	51, 100, 2, 0x13, 0x88, 0, 9, 0, udp_len, 0, 0, 'a', 'b', 'c'
#define XA_SELFTEST_V6(last) 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last

static const struct xa_selftest_locate {
	const char *what;
	int family;
	u8 pkt[64];
	size_t pkt_len, l3_len;
	int status;
	struct xa_udp_payload found;
} xa_selftest_locates[] __initconst = {
	{ "UDP over IPv4", XA_FAMILY_IPV4, { XA_SELFTEST_UDP4(0, 11) }, 31, 31, XA_PACKET_OK,
	  { .l4_off = 20, .payload_off = 28, .payload_len = 3, .proto = IPPROTO_UDP } },
	/* Coverage 8: the payload still runs to the end of the packet. */
	{ "UDP-Lite over IPv6 after destination options", XA_FAMILY_IPV6,
	  { 0x60, 0, 0, 0, 0, 19, 60, 64, XA_SELFTEST_V6(1), XA_SELFTEST_V6(2),
	    IPPROTO_UDPLITE, 0, 1, 4, 0, 0, 0, 0, 0x13, 0x88, 0, 9, 0, 8, 0, 0, 'k', 'e', 'y' },
	  59, 59, XA_PACKET_OK,
	  { .l4_off = 48, .payload_off = 56, .payload_len = 3, .proto = IPPROTO_UDPLITE } },
	{ "a first fragment", XA_FAMILY_IPV4, { XA_SELFTEST_UDP4(0x20, 11) }, 31, 31,
	  XA_PACKET_E_FRAGMENT },
	{ "a UDP length beyond the packet", XA_FAMILY_IPV4, { XA_SELFTEST_UDP4(0, 12) }, 31, 31,
	  XA_PACKET_E_LENGTH },
	{ "the UDP header past the bytes read", XA_FAMILY_IPV4, { XA_SELFTEST_UDP4(0, 11) }, 24, 31,
	  XA_PACKET_E_BEYOND_HEAD },
	{ "TCP", XA_FAMILY_IPV4,
	  { 0x45, 0, 0, 40, 0x12, 0x34, 0, 0, 64, 6, 0x7c, 0x65, 192, 0, 2, 1, 198, 51, 100, 2,
	    0x9c, 0x40, 0, 80, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 0x50, 0x02, 0xfa, 0xf0 }, 40, 40,
	  XA_PACKET_E_PROTOCOL },
};

bool __init xa_selftest_packet(void)
{
	const struct xa_selftest_locate *t;
	struct xa_udp_payload found;
	int status;

	for (t = xa_selftest_locates; t < xa_selftest_locates + ARRAY_SIZE(xa_selftest_locates); t++) {
		memset(&found, 0, sizeof(found));
		status = xa_udp_payload(t->family, t->pkt, t->pkt_len, t->l3_len, &found);
		if (status != t->status ||
		    (status == XA_PACKET_OK &&
		     (found.l4_off != t->found.l4_off || found.payload_off != t->found.payload_off ||
		      found.payload_len != t->found.payload_len || found.proto != t->found.proto))) {
			pr_err("self-test failed: UDP payload of %s (status %d)\n", t->what, status);
			return false;
		}
	}
	return true;
}
