// SPDX-License-Identifier: GPL-2.0-only
/*
 * xa_shim.ko's self-test of the ACCOUNT exports, IPv6 (xa_account6_*) and
 * IPv4 (xa_account_*).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/byteorder.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "xa_shim.h"
#include "xa_shim_selftest.h"

/* ACCOUNT IPv6: 2001:db8::/32, /120 (a mask in both 64-bit halves) and ::/0. */
#define XA_SELFTEST_IN6(b4, b15) \
	{ 0x20, 0x01, 0x0d, 0xb8, b4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, b15 }
#define XA_SELFTEST_OUT6 { 0x20, 0x01, 0x0d, 0xb9, [15] = 1 }
#define XA_SELFTEST_ANY6 { 0 }

/* A table name buffer; xt_ACCOUNT passes the whole one, NUL included. */
static const char xa_selftest_table[] __initconst = "selftest";

static const struct xa_selftest_net6 {
	u8 net[16];
	u32 prefix_len;
	int status;
} xa_selftest_nets6[] __initconst = {
	{ XA_SELFTEST_IN6(0, 0), 32, XA_ACCOUNT_OK },
	{ XA_SELFTEST_ANY6, 0, XA_ACCOUNT_OK },
	{ XA_SELFTEST_IN6(0, 1), 128, XA_ACCOUNT_OK },
	{ XA_SELFTEST_IN6(0, 1), 32, XA_ACCOUNT_E_HOST_BITS },
	{ XA_SELFTEST_IN6(0, 0x80), 120, XA_ACCOUNT_E_HOST_BITS },
	{ XA_SELFTEST_IN6(0, 0), 129, XA_ACCOUNT_E_PREFIX },
};

static const struct xa_selftest_packet6 {
	u8 net[16];
	u32 prefix_len;
	u8 saddr[16], daddr[16];
	unsigned int hits;
	u8 src_key[16], dst_key[16]; /* only as hits says */
} xa_selftest_packets6[] __initconst = {
	{ XA_SELFTEST_IN6(0, 0), 32, XA_SELFTEST_IN6(1, 5), XA_SELFTEST_OUT6,
	  XA_ACCOUNT_HIT_SRC, XA_SELFTEST_IN6(1, 5) },
	{ XA_SELFTEST_IN6(0, 0), 32, XA_SELFTEST_IN6(1, 5),
	  XA_SELFTEST_IN6(2, 6), XA_ACCOUNT_HIT_SRC | XA_ACCOUNT_HIT_DST,
	  XA_SELFTEST_IN6(1, 5), XA_SELFTEST_IN6(2, 6) },
	{ XA_SELFTEST_IN6(0, 0), 32, XA_SELFTEST_OUT6, XA_SELFTEST_OUT6, 0 },
	{ XA_SELFTEST_IN6(0, 0), 120, XA_SELFTEST_IN6(0, 5),
	  XA_SELFTEST_IN6(1, 5), XA_ACCOUNT_HIT_SRC, XA_SELFTEST_IN6(0, 5) },
	{ XA_SELFTEST_ANY6, 0, XA_SELFTEST_OUT6, XA_SELFTEST_IN6(1, 5),
	  XA_ACCOUNT_HIT_SRC, XA_SELFTEST_ANY6 },
};

/* SipHash-2-4's reference vector: key 00..0f, the 16-byte message 00..0f. */
static const u64 xa_selftest_sip_key[2] __initconst = {
	0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL
};
static const u8 xa_selftest_sip_msg[16] __initconst = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
};
#define XA_SELFTEST_SIP_HASH 0x3f2acc7f57c29bdbULL

bool __init xa_selftest_account6(void)
{
	u8 src_key[16], dst_key[16];
	unsigned int hits;
	size_t i;
	int status;

	for (i = 0; i < ARRAY_SIZE(xa_selftest_nets6); i++) {
		status = xa_account6_check(xa_selftest_nets6[i].net,
					   xa_selftest_nets6[i].prefix_len,
					   xa_selftest_table,
					   sizeof(xa_selftest_table));
		if (status != xa_selftest_nets6[i].status) {
			pr_err("self-test failed: ACCOUNT IPv6 check, case %zu: status %d\n",
			       i + 1, status);
			return false;
		}
	}
	for (i = 0; i < ARRAY_SIZE(xa_selftest_packets6); i++) {
		const struct xa_selftest_packet6 *t = &xa_selftest_packets6[i];

		hits = xa_account6_classify(t->net, t->prefix_len, t->saddr,
					    t->daddr, src_key, dst_key);
		if (hits != t->hits ||
		    ((hits & XA_ACCOUNT_HIT_SRC) &&
		     memcmp(src_key, t->src_key, 16)) ||
		    ((hits & XA_ACCOUNT_HIT_DST) &&
		     memcmp(dst_key, t->dst_key, 16))) {
			pr_err("self-test failed: ACCOUNT IPv6 classify, case %zu: hits %u\n",
			       i + 1, hits);
			return false;
		}
	}
	if (xa_account6_hash(xa_selftest_sip_key, xa_selftest_sip_msg) !=
	    XA_SELFTEST_SIP_HASH) {
		pr_err("self-test failed: ACCOUNT IPv6 hash (SipHash-2-4 reference vector)\n");
		return false;
	}
	return true;
}

/*
 * ACCOUNT IPv4: 192.0.2.0/24 and 0.0.0.0/0. Addresses here are host order;
 * the interface takes them in network order, as the packet has them.
 */
static const struct xa_selftest_net {
	u32 ip, mask;
	int status;
	u32 slot_bits;
} xa_selftest_nets[] __initconst = {
	{ 0xc0000200, 0xffffff00, XA_ACCOUNT_OK, 8 },
	{ 0, 0, XA_ACCOUNT_OK, 0 },
	{ 0xc0000201, 0xffffff00, XA_ACCOUNT_E_HOST_BITS },
	{ 0xc0000200, 0xff00ff00, XA_ACCOUNT_E_MASK },
	{ 0xc0000000, 0xf0000000, XA_ACCOUNT_E_TOO_BIG },
};

static const struct xa_selftest_packet {
	u32 ip, mask, saddr, daddr;
	unsigned int hits;
	u32 src_slot, dst_slot; /* 0 for a bit not in hits */
} xa_selftest_packets[] __initconst = {
	{ 0xc0000200, 0xffffff00, 0xc0000205, 0xc6336401,
	  XA_ACCOUNT_HIT_SRC, 5 },
	{ 0xc0000200, 0xffffff00, 0xc6336401, 0xc00002c8,
	  XA_ACCOUNT_HIT_DST, 0, 200 },
	{ 0xc0000200, 0xffffff00, 0xc0000205, 0xc0000206,
	  XA_ACCOUNT_HIT_SRC | XA_ACCOUNT_HIT_DST, 5, 6 },
	{ 0xc0000200, 0xffffff00, 0xc6336401, 0xc6336402, 0 },
	{ 0, 0, 0xc6336401, 0xc0000205, XA_ACCOUNT_HIT_SRC, 0 },
};

static const struct xa_selftest_slot {
	u32 ip, mask, slot;
	int found;
	u32 addr; /* host order, as userspace reads it */
} xa_selftest_slots[] __initconst = {
	{ 0xc0000200, 0xffffff00, 5, 1, 0xc0000205 },
	{ 0xc0000200, 0xffffff00, 256, 0 },
	{ 0, 0, 0, 1, 0 },
	{ 0, 0, 1, 0 },
};

/* xa_account_check() and xa_account_net_init() agree on every network. */
static bool __init xa_selftest_account_nets(void)
{
	struct xa_account_net net;
	int status, init_status;
	u32 slot_bits;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(xa_selftest_nets); i++) {
		const struct xa_selftest_net *t = &xa_selftest_nets[i];

		slot_bits = U32_MAX;
		status = xa_account_check(htonl(t->ip), htonl(t->mask),
					  xa_selftest_table,
					  sizeof(xa_selftest_table), &slot_bits);
		net.addr = U32_MAX;
		net.mask = U32_MAX;
		init_status = xa_account_net_init(htonl(t->ip), htonl(t->mask),
						  &net);
		if (status != t->status || init_status != t->status ||
		    (status == XA_ACCOUNT_OK &&
		     (slot_bits != t->slot_bits || net.addr != t->ip ||
		      net.mask != t->mask))) {
			pr_err("self-test failed: ACCOUNT check, case %zu: status %d/%d, slot bits %u, net %#x/%#x\n",
			       i + 1, status, init_status, slot_bits, net.addr,
			       net.mask);
			return false;
		}
	}
	return true;
}

/* xa_account_classify_net() of known packets; it zeroes the slots not hit. */
static bool __init xa_selftest_account_packets(void)
{
	struct xa_account_hits hits;
	struct xa_account_net net;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(xa_selftest_packets); i++) {
		const struct xa_selftest_packet *t = &xa_selftest_packets[i];

		if (xa_account_net_init(htonl(t->ip), htonl(t->mask), &net) !=
		    XA_ACCOUNT_OK) {
			pr_err("self-test failed: ACCOUNT net init, case %zu\n",
			       i + 1);
			return false;
		}
		hits = xa_account_classify_net(net, htonl(t->saddr), htonl(t->daddr));
		if (hits.which != t->hits || hits.src_slot != t->src_slot ||
		    hits.dst_slot != t->dst_slot) {
			pr_err("self-test failed: ACCOUNT classify, case %zu: hits %u, slots %u %u\n",
			       i + 1, hits.which, hits.src_slot, hits.dst_slot);
			return false;
		}
	}
	return true;
}

static bool __init xa_selftest_account_slots(void)
{
	u32 addr;
	size_t i;
	int found;

	for (i = 0; i < ARRAY_SIZE(xa_selftest_slots); i++) {
		const struct xa_selftest_slot *t = &xa_selftest_slots[i];

		addr = U32_MAX;
		found = xa_account_slot_addr(htonl(t->ip), htonl(t->mask),
					     t->slot, &addr);
		if (found != t->found || (found && addr != t->addr)) {
			pr_err("self-test failed: ACCOUNT slot address, case %zu: %d, %#x\n",
			       i + 1, found, addr);
			return false;
		}
	}
	return true;
}

bool __init xa_selftest_account(void)
{
	return xa_selftest_account_nets() && xa_selftest_account_packets() &&
	       xa_selftest_account_slots();
}
