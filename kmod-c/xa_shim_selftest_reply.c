// SPDX-License-Identifier: GPL-2.0-only
/*
 * xa_shim.ko's self-test of the reply builders (xa_tcp_reply, xa_udp_echo):
 * the replies of each answer to a SYN, byte for byte, an ECHO header, and
 * packets that get none. The bytes (checksums included) come from an
 * independent RFC 1071 sum outside the kernel.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "xa_shim.h"
#include "xa_shim_selftest.h"

/* 192.0.2.1:40000 -> 198.51.100.2:80, SYN, seq 1000, window 64240, id 0x1234. */
#define XA_SELFTEST_SYN4                                                       \
	0x45, 0, 0, 40, 0x12, 0x34, 0, 0, 64, 6, 0x7c, 0x65, 192, 0, 2, 1, 198, \
	51, 100, 2, 0x9c, 0x40, 0, 80, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 0x50,      \
	0x02, 0xfa, 0xf0, 0x28, 0x42, 0, 0
/* The IPv4 reply header: DF, TTL 0 (the module sets the route's), swapped. */
#define XA_SELFTEST_REPLY4(sum_hi, sum_lo)                                     \
	0x45, 0, 0, 40, 0, 0, 0x40, 0, 0, 6, sum_hi, sum_lo, 198, 51, 100, 2,  \
	192, 0, 2, 1, 0, 80, 0x9c, 0x40
/* 2001:db8::1:40000 -> 2001:db8::2:22, SYN, seq 7, window 1024. */
#define XA_SELFTEST_V6(last) 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last

static const struct xa_selftest_tcp {
	const char *what;
	int family, answer;
	u64 random;
	u8 pkt[60];
	size_t pkt_len;
	int status;
	u8 reply[60];
	size_t reply_len;
} xa_selftest_tcps[] __initconst = {
	{ "TARPIT: SYN-ACK, window 5", XA_FAMILY_IPV4, XA_TCP_TARPIT, 0,
	  { XA_SELFTEST_SYN4 }, 40, XA_REPLY_OK,
	  { XA_SELFTEST_REPLY4(0x8e, 0x99), 0, 0, 0, 0, 0, 0, 0x03, 0xe9, 0x50, 0x12, 0, 5,
	    0x23, 0x1d, 0, 0 }, 40 },
	{ "TARPIT --reset: RST+ACK", XA_FAMILY_IPV4, XA_TCP_RESET, 0,
	  { XA_SELFTEST_SYN4 }, 40, XA_REPLY_OK,
	  { XA_SELFTEST_REPLY4(0x8e, 0x99), 0, 0, 0, 0, 0, 0, 0x03, 0xe9, 0x50, 0x14, 0, 0,
	    0x23, 0x20, 0, 0 }, 40 },
	{ "DELUDE: SYN-ACK, random ISN", XA_FAMILY_IPV4, XA_TCP_DELUDE, 0x0102030405060708ULL,
	  { XA_SELFTEST_SYN4 }, 40, XA_REPLY_OK,
	  { XA_SELFTEST_REPLY4(0x8e, 0x99), 5, 6, 7, 8, 0, 0, 0x03, 0xe9, 0x50, 0x12, 0, 0,
	    0x17, 0x14, 0, 0 }, 40 },
	{ "TARPIT IPv6: SYN-ACK", XA_FAMILY_IPV6, XA_TCP_TARPIT, 0,
	  { 0x60, 0, 0, 0, 0, 20, 6, 64, XA_SELFTEST_V6(1), XA_SELFTEST_V6(2),
	    0x9c, 0x40, 0, 22, 0, 0, 0, 7, 0, 0, 0, 0, 0x50, 0x02, 0x04, 0, 0xb4, 0x10, 0, 0 },
	  60, XA_REPLY_OK,
	  { 0x60, 0, 0, 0, 0, 20, 6, 0, XA_SELFTEST_V6(2), XA_SELFTEST_V6(1),
	    0, 22, 0x9c, 0x40, 0, 0, 0, 0, 0, 0, 0, 8, 0x50, 0x12, 0, 5, 0xb7, 0xfa, 0, 0 }, 60 },
	/* The same SYN as a first fragment (MF), then as an RST. */
	{ "TARPIT: a fragment", XA_FAMILY_IPV4, XA_TCP_TARPIT, 0,
	  { 0x45, 0, 0, 40, 0x12, 0x34, 0x20, 0, 64, 6 }, 40, XA_REPLY_E_FRAGMENT },
	{ "TARPIT --reset: an RST", XA_FAMILY_IPV4, XA_TCP_RESET, 0,
	  { 0x45, 0, 0, 40, 0x12, 0x34, 0, 0, 64, 6, 0x7c, 0x65, 192, 0, 2, 1, 198, 51, 100, 2,
	    0x9c, 0x40, 0, 80, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 0x50, 0x04 }, 40, XA_REPLY_NONE },
};

/* 192.0.2.1:5000 -> 198.51.100.2:7, "abc", and its echo's header. */
static const u8 xa_selftest_udp[31] __initconst = {
	0x45, 0, 0, 31, 0x43, 0x21, 0, 0, 64, 17, 0x4b, 0x76, 192, 0, 2, 1, 198, 51, 100, 2,
	0x13, 0x88, 0, 7, 0, 11, 0x3b, 0xaf, 'a', 'b', 'c',
};
static const u8 xa_selftest_echo[31] __initconst = {
	0x45, 0, 0, 31, 0x43, 0x21, 0, 0, 0, 17, 0x8b, 0x76, 198, 51, 100, 2, 192, 0, 2, 1,
	0, 7, 0x13, 0x88, 0, 11, 0x3b, 0xaf, 'a', 'b', 'c',
};

/* Whether a[0..len) equals b[0..len): a loop, so fortify adds no run-time check. */
static bool __init xa_selftest_same(const u8 *a, const u8 *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

bool __init xa_selftest_reply(void)
{
	const struct xa_selftest_tcp *t;
	u8 out[XA_REPLY_TCP_MAX];
	struct xa_reply r;
	int status;

	for (t = xa_selftest_tcps; t < xa_selftest_tcps + ARRAY_SIZE(xa_selftest_tcps); t++) {
		memset(&r, 0, sizeof(r));
		status = xa_tcp_reply(t->family, t->answer, t->pkt, t->pkt_len, t->pkt_len,
				      t->random, out, sizeof(out), &r);
		if (status != t->status ||
		    (status == XA_REPLY_OK &&
		     (r.header_len != t->reply_len || r.payload_len != 0 ||
		      !xa_selftest_same(out, t->reply, t->reply_len)))) {
			pr_err("self-test failed: %s (status %d, %u bytes)\n", t->what, status,
			       r.header_len);
			return false;
		}
	}
	/* The echo's headers, checksum 0; the payload appended; the checksum filled. */
	memset(&r, 0, sizeof(r));
	status = xa_udp_echo(XA_FAMILY_IPV4, xa_selftest_udp, sizeof(xa_selftest_udp),
			     sizeof(xa_selftest_udp), out, sizeof(out), &r);
	if (status != XA_REPLY_OK || r.header_len != 28 || r.payload_off != 28 ||
	    r.payload_len != 3 || r.l4_off != 20 || r.checksum_len != 11 || !r.fill_checksum ||
	    out[26] || out[27] || !xa_selftest_same(out, xa_selftest_echo, 26)) {
		pr_err("self-test failed: ECHO header (status %d)\n", status);
		return false;
	}
	out[28] = 'a';
	out[29] = 'b';
	out[30] = 'c';
	status = xa_l4_checksum_fill(XA_FAMILY_IPV4, out, sizeof(xa_selftest_echo));
	if (status != XA_REPLY_OK || !xa_selftest_same(out, xa_selftest_echo, sizeof(xa_selftest_echo))) {
		pr_err("self-test failed: ECHO checksum (status %d)\n", status);
		return false;
	}
	return true;
}
