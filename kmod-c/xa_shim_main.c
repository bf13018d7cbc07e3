// SPDX-License-Identifier: GPL-2.0-only
/*
 * xa_shim.ko: the Rust core of xtables-addons-rs as a library module.
 *
 * The functions themselves live in xa_shim_core.o (built from shim/ by
 * shim/kernel/build-object.sh); this file only exports them to the
 * extension modules and refuses to load a core that fails a known answer
 * test, so a miscompiled or mislinked object never guards a real system.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/byteorder.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "xa_shim.h"

EXPORT_SYMBOL_GPL(xa_hash_from_name);
EXPORT_SYMBOL_GPL(xa_hash_digest_len);
EXPORT_SYMBOL_GPL(xa_sysrq_verify);
EXPORT_SYMBOL_GPL(xa_pknock_packet);
EXPORT_SYMBOL_GPL(xa_pknock_peer_live);
EXPORT_SYMBOL_GPL(xa_account_check);
EXPORT_SYMBOL_GPL(xa_account_net_init);
EXPORT_SYMBOL_GPL(xa_account_classify_net);
EXPORT_SYMBOL_GPL(xa_account_count);
EXPORT_SYMBOL_GPL(xa_account_slot_addr);
EXPORT_SYMBOL_GPL(xa_account6_check);
EXPORT_SYMBOL_GPL(xa_account6_classify);
EXPORT_SYMBOL_GPL(xa_account6_hash);

/*
 * Known answers. Every table below is computed outside the kernel, so a core
 * that the compiler or shim/kernel/rewrite-asm.pl broke on this kernel is
 * refused at load, before it judges a packet. A failure names the check.
 */

/* Makes a forged copy of text[0..len) that differs in the hex digit at pos. */
static void __init xa_selftest_forge(char *out, const char *text, size_t len,
				     size_t pos)
{
	memcpy(out, text, len);
	out[pos] = out[pos] == '0' ? '1' : '0';
}

/*
 * SYSRQ, one valid request per hash the core implements, regenerated with
 *   printf 'h,1,xa,192.0.2.1,selftest' | sha<N>sum
 * (keys "h", seqno 1, salt "xa", dst 192.0.2.1, password "selftest"). The
 * same request with its last digest digit changed must be refused.
 */
#define XA_SELFTEST_DST "192.0.2.1"
#define XA_SELFTEST_PASSWORD "selftest"

#define XA_SELFTEST_REQUEST "h,1,xa,"

static const struct xa_selftest_hash {
	char name[8];
	size_t name_len;
	int id;
	size_t digest_len;
	char request[sizeof(XA_SELFTEST_REQUEST) + 2 * 64];
	size_t request_len;
} xa_selftest_hashes[] __initconst = {
#define XA_SELFTEST_HASH(name, id, digest_len, digest)			\
	{ name, sizeof(name) - 1, id, digest_len, XA_SELFTEST_REQUEST digest, \
	  sizeof(XA_SELFTEST_REQUEST digest) - 1 }
	XA_SELFTEST_HASH("sha1", XA_HASH_SHA1, 20,
			 "24736dcc0d387c3bc6e1a597f6796af0896a711c"),
	XA_SELFTEST_HASH("sha224", XA_HASH_SHA224, 28,
			 "93013eb68c0d4743c2d8a7b93e16af18"
			 "bbf86d9c604f1e1574cc0d57"),
	XA_SELFTEST_HASH("sha256", XA_HASH_SHA256, 32,
			 "214635e15a747cc758cef11a1cacbd9f"
			 "03884c56839cb2af5b34a02fd3a97c4f"),
	XA_SELFTEST_HASH("sha384", XA_HASH_SHA384, 48,
			 "6e11b292f1c1e58ec639a960d03efcc5"
			 "3598c287835261211ef76ef9d4214f18"
			 "84f35e3d95dc64f6bc9b608484e8ce91"),
	XA_SELFTEST_HASH("sha512", XA_HASH_SHA512, 64,
			 "f5341d46133385e52eb5a412f4e4da26"
			 "e1c8778385d96635237cc98cdde5c12f"
			 "6c302d04370f2a07edf9ec255392bf53"
			 "8ab60141dcd005c3cdfc00f14c8d87b6"),
#undef XA_SELFTEST_HASH
};

static int __init xa_selftest_verify(int hash, const char *payload,
				     size_t len, struct xa_sysrq_request *req)
{
	return xa_sysrq_verify(hash, (const u8 *)payload, len,
			       (const u8 *)XA_SELFTEST_DST,
			       strlen(XA_SELFTEST_DST),
			       (const u8 *)XA_SELFTEST_PASSWORD,
			       strlen(XA_SELFTEST_PASSWORD), req);
}

static bool __init xa_selftest_sysrq(void)
{
	const struct xa_selftest_hash *t;
	char forged[sizeof(t->request)];
	struct xa_sysrq_request req;
	size_t len;
	int status;

	for (t = xa_selftest_hashes;
	     t < xa_selftest_hashes + ARRAY_SIZE(xa_selftest_hashes); t++) {
		len = t->request_len;
		if (xa_hash_from_name(t->name, t->name_len) != t->id ||
		    xa_hash_digest_len(t->id) != t->digest_len) {
			pr_err("self-test failed: %s: name or digest length\n",
			       t->name);
			return false;
		}
		memset(&req, 0, sizeof(req));
		status = xa_selftest_verify(t->id, t->request, len, &req);
		if (status != XA_SYSRQ_OK || req.seqno != 1 ||
		    req.keys_off != 0 || req.keys_len != 1) {
			pr_err("self-test failed: %s: valid SYSRQ request refused (status %d)\n",
			       t->name, status);
			return false;
		}
		xa_selftest_forge(forged, t->request, len, len - 1);
		status = xa_selftest_verify(t->id, forged, len, &req);
		if (status != XA_SYSRQ_E_BAD_DIGEST) {
			pr_err("self-test failed: %s: forged SYSRQ request gave status %d\n",
			       t->name, status);
			return false;
		}
	}
	return true;
}

/*
 * pknock: a peer at 192.0.2.7 at XA_SELFTEST_NOW runs through an SPA rule
 * and a strict two-port knock rule. The SPA payloads are the hex
 * HMAC-SHA256(secret, source address || minute as little-endian u32) and a
 * newline, regenerated with
 *   python3 -c 'import hmac, struct; print(hmac.new(b"open",
 *     bytes([192, 0, 2, 7]) + struct.pack("<I", 1700000000 // 60),
 *     "sha256").hexdigest())'
 * (and b"close" for the close payload).
 */
#define XA_SELFTEST_NOW 1700000000LL
#define XA_SELFTEST_SPA_PORT 2000

static const u8 xa_selftest_peer_ip[4] __initconst = { 192, 0, 2, 7 };

static const char xa_selftest_spa_open[] __initconst =
	"121086c2a64f39f8e4a9d2e47783c3e026208cbc98ecd5f80744ae8ba2dfb920\n";
static const char xa_selftest_spa_close[] __initconst =
	"3f9e9e4f75dbfe6468ca05aea8e6596387719defeb3980c9e1ea1d60dbcfe785\n";

static const struct xt_pknock_mtinfo xa_selftest_spa_rule __initconst = {
	.rule_name = "selftest",
	.rule_name_len = 8,
	.open_secret = "open",
	.open_secret_len = 4,
	.close_secret = "close",
	.close_secret_len = 5,
	.option = XT_PKNOCK_KNOCKPORT | XT_PKNOCK_NAME | XT_PKNOCK_OPENSECRET |
		  XT_PKNOCK_CLOSESECRET,
	.ports_count = 1,
	.port = { XA_SELFTEST_SPA_PORT },
};

static const struct xt_pknock_mtinfo xa_selftest_knock_rule __initconst = {
	.rule_name = "selftest",
	.rule_name_len = 8,
	.option = XT_PKNOCK_KNOCKPORT | XT_PKNOCK_NAME | XT_PKNOCK_STRICT,
	.ports_count = 2,
	.port = { 1000, 2000 },
};

/* One packet of a sequence and what it must do to the peer. */
struct xa_selftest_knock {
	u16 dport;
	const char *payload; /* an SPA payload, NULL for TCP */
	bool forged;         /* payload with one HMAC digit changed */
	int event;
	u32 status;          /* the peer's status afterwards */
};

/*
 * A forged open is refused; the open opens; a forged close is ordinary
 * traffic of an allowed peer; the close closes; the open's minute is spent.
 */
static const struct xa_selftest_knock xa_selftest_spa_steps[] __initconst = {
	{ XA_SELFTEST_SPA_PORT, xa_selftest_spa_open, true,
	  XA_PKNOCK_EV_SPA_DIGEST, XA_PKNOCK_ST_INIT },
	{ XA_SELFTEST_SPA_PORT, xa_selftest_spa_open, false,
	  XA_PKNOCK_EV_OPENED, XA_PKNOCK_ST_ALLOWED },
	{ XA_SELFTEST_SPA_PORT, xa_selftest_spa_close, true,
	  XA_PKNOCK_EV_PASS, XA_PKNOCK_ST_ALLOWED },
	{ XA_SELFTEST_SPA_PORT, xa_selftest_spa_close, false,
	  XA_PKNOCK_EV_CLOSED, XA_PKNOCK_ST_INIT },
	{ XA_SELFTEST_SPA_PORT, xa_selftest_spa_open, false,
	  XA_PKNOCK_EV_SPA_REPLAY, XA_PKNOCK_ST_INIT },
};

/* Strict: a wrong port restarts the sequence. */
static const struct xa_selftest_knock xa_selftest_knock_steps[] __initconst = {
	{ 1000, NULL, false, XA_PKNOCK_EV_PROGRESS, XA_PKNOCK_ST_MATCHING },
	{ 3000, NULL, false, XA_PKNOCK_EV_RESET, XA_PKNOCK_ST_INIT },
	{ 1000, NULL, false, XA_PKNOCK_EV_PROGRESS, XA_PKNOCK_ST_MATCHING },
	{ 2000, NULL, false, XA_PKNOCK_EV_OPENED, XA_PKNOCK_ST_ALLOWED },
	{ 3000, NULL, false, XA_PKNOCK_EV_PASS, XA_PKNOCK_ST_ALLOWED },
};

/* Runs steps[0..n) for a new peer, leaving the peer's final state in *peer. */
static bool __init xa_selftest_knocks(const char *what,
				      const struct xt_pknock_mtinfo *rule,
				      const struct xa_selftest_knock *steps,
				      size_t n, struct xa_pknock_peer *peer)
{
	char forged[XT_PKNOCK_SPA_PAYLOAD_LEN];
	struct xa_pknock_packet pkt = {
		.src = xa_selftest_peer_ip,
		.src_len = sizeof(xa_selftest_peer_ip),
	};
	size_t i;
	int event;

	memset(peer, 0, sizeof(*peer));
	peer->status = XA_PKNOCK_ST_INIT;
	for (i = 0; i < n; i++) {
		pkt.dport = steps[i].dport;
		pkt.payload = (const u8 *)steps[i].payload;
		pkt.payload_len = steps[i].payload ? XT_PKNOCK_SPA_PAYLOAD_LEN : 0;
		if (steps[i].forged) {
			xa_selftest_forge(forged, steps[i].payload,
					  XT_PKNOCK_SPA_PAYLOAD_LEN,
					  XT_PKNOCK_SPA_HEX_LEN - 1);
			pkt.payload = (const u8 *)forged;
		}
		event = xa_pknock_packet(rule, 0, peer, &pkt, XA_SELFTEST_NOW);
		if (event != steps[i].event || peer->status != steps[i].status) {
			pr_err("self-test failed: pknock %s, packet %zu: event %d, status %u\n",
			       what, i + 1, event, peer->status);
			return false;
		}
	}
	return true;
}

static bool __init xa_selftest_pknock(void)
{
	struct xa_pknock_peer peer;

	if (!xa_selftest_knocks("knock", &xa_selftest_knock_rule,
				xa_selftest_knock_steps,
				ARRAY_SIZE(xa_selftest_knock_steps), &peer) ||
	    !xa_selftest_knocks("SPA", &xa_selftest_spa_rule,
				xa_selftest_spa_steps,
				ARRAY_SIZE(xa_selftest_spa_steps), &peer))
		return false;
	/* A closed SPA peer is kept while its minute could be replayed. */
	if (xa_pknock_peer_live(&peer, 0, 0, XA_SELFTEST_NOW) != 1 ||
	    xa_pknock_peer_live(&peer, 0, 0, XA_SELFTEST_NOW + 120) != 0) {
		pr_err("self-test failed: pknock peer lifetime\n");
		return false;
	}
	return true;
}

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

static bool __init xa_selftest_account6(void)
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

/* A new source and a new destination, then one address as both. */
static bool __init xa_selftest_account_count(void)
{
	static const struct xa_account_counters a_after __initconst = {
		.src_packets = 2, .src_bytes = 160,
		.dst_packets = 1, .dst_bytes = 60,
	};
	static const struct xa_account_counters b_after __initconst = {
		.dst_packets = 1, .dst_bytes = 100,
	};
	struct xa_account_counters a = {}, b = {};

	if (xa_account_count(&a, &b, 100) != 2 ||
	    xa_account_count(&a, &a, 60) != 0 ||
	    memcmp(&a, &a_after, sizeof(a)) || memcmp(&b, &b_after, sizeof(b))) {
		pr_err("self-test failed: ACCOUNT count\n");
		return false;
	}
	return true;
}

static bool __init xa_selftest_account(void)
{
	return xa_selftest_account_nets() && xa_selftest_account_packets() &&
	       xa_selftest_account_slots() && xa_selftest_account_count();
}

/*
 * Direct calls, no printf into a buffer, no clock: the self-test adds no
 * indirect-call thunk or helper that tests/host/kmod-sysrq.sh would then have
 * to allow the Rust object to need.
 */
static int __init xa_shim_init(void)
{
	/* "Invalid module format" from insmod: the code is unusable. */
	if (!xa_selftest_sysrq() || !xa_selftest_pknock() ||
	    !xa_selftest_account6() || !xa_selftest_account())
		return -ENOEXEC;
	pr_info("self-test passed: SYSRQ sha1 sha224 sha256 sha384 sha512; pknock knock and SPA; ACCOUNT IPv6 with SipHash-2-4; ACCOUNT IPv4\n");
	return 0;
}

/* Nothing to undo; an exit function is what makes the module unloadable. */
static void __exit xa_shim_exit(void)
{
}

module_init(xa_shim_init);
module_exit(xa_shim_exit);
MODULE_DESCRIPTION("xtables-addons-rs: verified Rust core shared by the extensions");
MODULE_LICENSE("GPL");
