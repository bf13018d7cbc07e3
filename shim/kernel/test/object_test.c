// SPDX-License-Identifier: GPL-2.0-only
/*
 * Drives the kernel object built by build-object.sh from userspace, through
 * the real C interface (kmod-c/include/xa_shim.h). Linked with -no-pie: the
 * object uses the kernel code model, whose 32-bit absolute relocations
 * resolve in a non-PIE executable loaded below 2 GiB.
 *
 *   object_test HASH PAYLOAD DST PASSWORD STATUS [SEQNO KEYS]
 *       verify one request; exit 0 when xa_sysrq_verify returns STATUS
 *       (and, for 0, the given seqno and SysRq keys)
 *   object_test --interface
 *       hash lookups and argument checks (null pointers, bad ids), the
 *       xt_ACCOUNT functions (IPv4 per-packet path, whose network and result
 *       cross the boundary by value; IPv6: SipHash reference vector, verdicts)
 *       and the reply builders (a SYN's TARPIT and DELUDE replies byte for
 *       byte, an ECHO, refusals, argument checks)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xa_shim.h"

/* The object returns through the kernel's return thunk (CONFIG_RETHUNK). */
__asm__(".text\n.globl __x86_return_thunk\n__x86_return_thunk:\n\tret\n");

static int failures;

static void expect(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "PASS" : "FAIL", what);
	if (!ok)
		failures++;
}

static int hash_of(const char *name)
{
	return xa_hash_from_name(name, strlen(name));
}

/* Network-order IPv4 address a.b.c.d, as packets and rules carry it. */
static uint32_t be_ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t bytes[4] = { a, b, c, d };
	uint32_t v;

	memcpy(&v, bytes, 4);
	return v;
}

/* The xt_ACCOUNT IPv4 per-packet exports: structs in and out by value. */
static void account4(void)
{
	struct xa_account_net net = { 1, 2 }, all;
	struct xa_account_hits h;

	expect(xa_account_net_init(be_ip(10, 1, 0, 0), be_ip(255, 255, 0, 0), &net) == XA_ACCOUNT_OK &&
	       net.addr == 0x0a010000 && net.mask == 0xffff0000 &&
	       xa_account_net_init(0, 0, &all) == XA_ACCOUNT_OK && all.addr == 0 && all.mask == 0,
	       "xa_account_net_init: 10.1.0.0/16 and 0.0.0.0/0 in host order");
	expect(xa_account_net_init(be_ip(10, 1, 0, 1), be_ip(255, 255, 0, 0), &all) ==
		       XA_ACCOUNT_E_HOST_BITS && all.addr == 0 && all.mask == 0 &&
	       xa_account_net_init(0, be_ip(255, 0, 255, 0), &all) == XA_ACCOUNT_E_MASK &&
	       xa_account_net_init(0, 0, NULL) == XA_ACCOUNT_E_ARGUMENT,
	       "xa_account_net_init refuses what xa_account_check refuses, and null");
	h = xa_account_classify_net(net, be_ip(10, 1, 2, 3), be_ip(10, 1, 255, 1));
	expect(h.which == (XA_ACCOUNT_HIT_SRC | XA_ACCOUNT_HIT_DST) && h.src_slot == 0x0203 &&
	       h.dst_slot == 0xff01, "xa_account_classify_net: both inside, their slots");
	h = xa_account_classify_net(net, be_ip(8, 8, 8, 8), be_ip(10, 1, 0, 9));
	expect(h.which == XA_ACCOUNT_HIT_DST && h.src_slot == 0 && h.dst_slot == 9,
	       "xa_account_classify_net: destination only");
	h = xa_account_classify_net(all, be_ip(8, 8, 8, 8), be_ip(10, 1, 0, 9));
	expect(h.which == XA_ACCOUNT_HIT_SRC && h.src_slot == 0 && h.dst_slot == 0,
	       "xa_account_classify_net: 0.0.0.0/0 counts the source as slot 0");
	/* What the shim never fills (host bits): no memory touched, no hit. */
	net.addr = 0x0a010001;
	h = xa_account_classify_net(net, be_ip(10, 1, 0, 1), be_ip(10, 1, 0, 2));
	expect(h.which == 0, "xa_account_classify_net: a corrupt network matches nothing here");
}

/* The xt_ACCOUNT IPv6 exports, through the object as the kernel runs them. */
static void account6(void)
{
	/* The SipHash paper's key 00..0f (little-endian words) and message 00..0f. */
	static const uint64_t key[2] = { 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull };
	static const uint8_t net[16] = { 0x20, 0x01, 0x0d, 0xb8 }; /* 2001:db8:: */
	static const uint8_t none[16];
	uint8_t msg[16], in[16], out[16], src_key[16], dst_key[16];
	unsigned int i;

	for (i = 0; i < 16; i++)
		msg[i] = (uint8_t)i;
	memcpy(in, net, 16);
	in[15] = 1; /* 2001:db8::1 */
	memcpy(out, net, 16);
	out[3] = 0xb9; /* 2001:db9:: */

	expect(xa_account6_hash(key, msg) == 0x3f2acc7f57c29bdbull,
	       "xa_account6_hash: SipHash-2-4 reference vector (16-byte message)");
	expect(xa_account6_hash(NULL, msg) == 0 && xa_account6_hash(key, NULL) == 0,
	       "xa_account6_hash survives null pointers");
	expect(xa_account6_check(net, 64, "t6", 3) == XA_ACCOUNT_OK &&
	       xa_account6_check(in, 128, "t6", 3) == XA_ACCOUNT_OK &&
	       xa_account6_check(none, 0, "t6", 3) == XA_ACCOUNT_OK,
	       "xa_account6_check accepts /64, /128, ::/0");
	expect(xa_account6_check(net, 129, "t6", 3) == XA_ACCOUNT_E_PREFIX &&
	       xa_account6_check(net, 16, "t6", 3) == XA_ACCOUNT_E_HOST_BITS &&
	       xa_account6_check(net, 64, "", 1) == XA_ACCOUNT_E_NAME_EMPTY &&
	       xa_account6_check(net, 64, "t6", 2) == XA_ACCOUNT_E_NAME_LONG,
	       "xa_account6_check refuses prefix 129, host bits, empty and unterminated names");
	expect(xa_account6_check(NULL, 64, "t6", 3) == XA_ACCOUNT_E_ARGUMENT &&
	       xa_account6_check(net, 64, NULL, 3) == XA_ACCOUNT_E_ARGUMENT,
	       "xa_account6_check refuses null pointers");
	expect(xa_account6_classify(net, 64, in, out, src_key, dst_key) == XA_ACCOUNT_HIT_SRC &&
	       memcmp(src_key, in, 16) == 0 &&
	       xa_account6_classify(net, 64, out, in, src_key, dst_key) == XA_ACCOUNT_HIT_DST &&
	       memcmp(dst_key, in, 16) == 0 &&
	       xa_account6_classify(net, 64, out, out, src_key, dst_key) == 0,
	       "xa_account6_classify: only the addresses inside the /64, as themselves");
	memset(src_key, 0xff, 16);
	expect(xa_account6_classify(none, 0, in, out, src_key, dst_key) == XA_ACCOUNT_HIT_SRC &&
	       memcmp(src_key, none, 16) == 0,
	       "xa_account6_classify: ::/0 counts the source as ::");
	expect(xa_account6_classify(NULL, 64, in, out, src_key, dst_key) == 0 &&
	       xa_account6_classify(net, 64, NULL, out, src_key, dst_key) == 0 &&
	       xa_account6_classify(net, 64, in, out, NULL, dst_key) == 0 &&
	       xa_account6_classify(net, 129, in, out, src_key, dst_key) == 0 &&
	       xa_account6_classify(net, 16, in, out, src_key, dst_key) == 0,
	       "xa_account6_classify: 0 for null pointers and invalid networks");
}

/*
 * 192.0.2.1:40000 -> 198.51.100.2:80, SYN, seq 1000, window 64240. The checksums here
 * and below come from an independent RFC 1071 sum (16-bit words added, folded, inverted).
 */
static const uint8_t reply_syn[40] = {
	0x45, 0, 0, 40, 0x12, 0x34, 0, 0, 64, 6, 0x7c, 0x65, 192, 0, 2, 1, 198, 51, 100, 2,
	0x9c, 0x40, 0, 80, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 0x50, 0x02, 0xfa, 0xf0, 0x28, 0x42, 0, 0,
};

/* The reply builders through the object: known answers and refusals. */
static void reply(void)
{
	/* TARPIT's SYN-ACK: addresses and ports swapped, seq 0, ack 1001, window 5, DF, TTL left 0. */
	static const uint8_t tarpit[40] = {
		0x45, 0, 0, 40, 0, 0, 0x40, 0, 0, 6, 0x8e, 0x99, 198, 51, 100, 2, 192, 0, 2, 1,
		0, 80, 0x9c, 0x40, 0, 0, 0, 0, 0, 0, 0x03, 0xe9, 0x50, 0x12, 0, 5, 0x23, 0x1d, 0, 0,
	};
	/* ECHO: 192.0.2.1:5000 -> 198.51.100.2:7, "abc", UDP checksum 0 (none). */
	static const uint8_t udp[31] = {
		0x45, 0, 0, 31, 0x12, 0x34, 0, 0, 64, 17, 0, 0, 192, 0, 2, 1, 198, 51, 100, 2,
		0x13, 0x88, 0, 7, 0, 11, 0, 0, 'a', 'b', 'c',
	};
	uint8_t out[XA_REPLY_TCP_MAX], bad[40];
	struct xa_reply r;
	int status;

	memset(out, 0xa5, sizeof(out));
	memset(&r, 0, sizeof(r));
	status = xa_tcp_reply(XA_FAMILY_IPV4, XA_TCP_TARPIT, reply_syn, 40, 40, 0, out, sizeof(out), &r);
	expect(status == XA_REPLY_OK && r.header_len == 40 && r.l4_off == 20 && r.checksum_len == 20 &&
	       r.payload_len == 0 && r.hop_limit == 0 && memcmp(out, tarpit, 40) == 0 &&
	       out[40] == 0xa5, "xa_tcp_reply: TARPIT's SYN-ACK to a SYN, byte for byte");
	status = xa_tcp_reply(XA_FAMILY_IPV4, XA_TCP_DELUDE, reply_syn, 40, 40, 0x0102030405060708ull,
			      out, sizeof(out), &r);
	expect(status == XA_REPLY_OK && memcmp(out + 24, "\x05\x06\x07\x08\x00\x00\x03\xe9\x50\x12", 10) == 0,
	       "xa_tcp_reply: DELUDE's SYN-ACK takes its sequence number from the random bits");
	status = xa_tcp_reply(XA_FAMILY_IPV4, XA_TCP_HONEYPOT, reply_syn, 40, 40, 0, out, sizeof(out), &r);
	expect(status == XA_REPLY_OK && r.hop_limit == 128 && out[8] == 128,
	       "xa_tcp_reply: the honeypot's TTL is 128");
	memcpy(bad, reply_syn, 40);
	bad[33] = 0x04; /* RST */
	expect(xa_tcp_reply(XA_FAMILY_IPV4, XA_TCP_RESET, bad, 40, 40, 0, out, sizeof(out), &r) == XA_REPLY_NONE,
	       "xa_tcp_reply: no RST for an RST");
	memcpy(bad, reply_syn, 40);
	bad[6] = 0x20; /* more fragments */
	expect(xa_tcp_reply(XA_FAMILY_IPV4, XA_TCP_TARPIT, bad, 40, 40, 0, out, sizeof(out), &r) == XA_REPLY_E_FRAGMENT,
	       "xa_tcp_reply: a fragment gets nothing");
	expect(xa_tcp_reply(XA_FAMILY_IPV4, XA_TCP_TARPIT, reply_syn, 40, 39, 0, out, sizeof(out), &r) ==
		       XA_REPLY_E_ARGUMENT &&
	       xa_tcp_reply(XA_FAMILY_IPV4, XA_TCP_TARPIT, reply_syn, 39, 39, 0, out, sizeof(out), &r) ==
		       XA_REPLY_E_MALFORMED,
	       "xa_tcp_reply: more bytes than the packet has, or a packet shorter than its header");
	expect(xa_tcp_reply(XA_FAMILY_IPV6, XA_TCP_TARPIT, reply_syn, 40, 40, 0, out, sizeof(out), &r) ==
		       XA_REPLY_E_MALFORMED &&
	       xa_tcp_reply(XA_FAMILY_IPV4, XA_TCP_TARPIT, udp, 31, 31, 0, out, sizeof(out), &r) ==
		       XA_REPLY_E_PROTOCOL,
	       "xa_tcp_reply: an IPv4 packet as IPv6, UDP as TCP");
	expect(xa_tcp_reply(7, XA_TCP_TARPIT, reply_syn, 40, 40, 0, out, sizeof(out), &r) == XA_REPLY_E_ARGUMENT &&
	       xa_tcp_reply(XA_FAMILY_IPV4, 4, reply_syn, 40, 40, 0, out, sizeof(out), &r) == XA_REPLY_E_ARGUMENT &&
	       xa_tcp_reply(XA_FAMILY_IPV4, XA_TCP_TARPIT, NULL, 40, 40, 0, out, sizeof(out), &r) ==
		       XA_REPLY_E_ARGUMENT &&
	       xa_tcp_reply(XA_FAMILY_IPV4, XA_TCP_TARPIT, reply_syn, 40, 40, 0, NULL, 60, &r) ==
		       XA_REPLY_E_ARGUMENT &&
	       xa_tcp_reply(XA_FAMILY_IPV4, XA_TCP_TARPIT, reply_syn, 40, 40, 0, out, 39, &r) ==
		       XA_REPLY_E_ARGUMENT &&
	       xa_tcp_reply(XA_FAMILY_IPV4, XA_TCP_TARPIT, reply_syn, 40, 40, 0, out, sizeof(out), NULL) ==
		       XA_REPLY_E_ARGUMENT,
	       "xa_tcp_reply refuses a bad family, answer, null pointers and a short buffer");
	memset(&r, 0, sizeof(r));
	status = xa_udp_echo(XA_FAMILY_IPV4, udp, 31, 31, out, sizeof(out), &r);
	expect(status == XA_REPLY_OK && r.header_len == 28 && r.l4_off == 20 && r.checksum_len == 0 &&
	       r.payload_off == 28 && r.payload_len == 3 && r.fill_checksum &&
	       memcmp(out + 12, udp + 16, 4) == 0 && memcmp(out + 16, udp + 12, 4) == 0 &&
	       memcmp(out + 20, "\x00\x07\x13\x88\x00\x0b\x00\x00", 8) == 0,
	       "xa_udp_echo: headers swapped, the payload named, no checksum to verify");
	memcpy(out + 28, "abc", 3);
	expect(xa_l4_checksum_fill(XA_FAMILY_IPV4, out, 31) == XA_REPLY_OK && out[26] == 0x3b &&
	       out[27] == 0xaf, "xa_l4_checksum_fill: the echo's UDP checksum over header and payload");
	expect(xa_l4_checksum_fill(XA_FAMILY_IPV4, out, 30) == XA_REPLY_E_MALFORMED &&
	       xa_l4_checksum_fill(XA_FAMILY_IPV6, out, 31) == XA_REPLY_E_MALFORMED &&
	       xa_l4_checksum_fill(XA_FAMILY_IPV4, NULL, 31) == XA_REPLY_E_ARGUMENT,
	       "xa_l4_checksum_fill refuses a short packet, the wrong family and null");
	memcpy(bad, udp, 31);
	bad[25] = 12; /* UDP length one beyond the packet */
	expect(xa_udp_echo(XA_FAMILY_IPV4, bad, 31, 31, out, sizeof(out), &r) == XA_REPLY_E_MALFORMED &&
	       xa_udp_echo(XA_FAMILY_IPV4, udp, 31, 31, out, 27, &r) == XA_REPLY_E_ARGUMENT &&
	       xa_udp_echo(XA_FAMILY_IPV4, udp, 31, 31, out, sizeof(out), NULL) == XA_REPLY_E_ARGUMENT,
	       "xa_udp_echo refuses a UDP length beyond the packet, a short buffer and null");
	{
		struct xa_udp_payload p = { 0 };

		expect(xa_udp_payload(XA_FAMILY_IPV4, udp, 31, 31, &p) == XA_PACKET_OK && p.l4_off == 20 &&
		       p.payload_off == 28 && p.payload_len == 3 && p.proto == 17,
		       "xa_udp_payload: the datagram's payload");
		expect(xa_udp_payload(XA_FAMILY_IPV4, bad, 31, 31, &p) == XA_PACKET_E_LENGTH &&
		       xa_udp_payload(XA_FAMILY_IPV4, reply_syn, 40, 40, &p) == XA_PACKET_E_PROTOCOL &&
		       xa_udp_payload(XA_FAMILY_IPV4, udp, 24, 31, &p) == XA_PACKET_E_BEYOND_HEAD,
		       "xa_udp_payload refuses a UDP length beyond the packet, TCP, headers past the bytes read");
		expect(xa_udp_payload(7, udp, 31, 31, &p) == XA_PACKET_E_ARGUMENT &&
		       xa_udp_payload(XA_FAMILY_IPV4, NULL, 31, 31, &p) == XA_PACKET_E_ARGUMENT &&
		       xa_udp_payload(XA_FAMILY_IPV4, udp, 31, 30, &p) == XA_PACKET_E_ARGUMENT &&
		       xa_udp_payload(XA_FAMILY_IPV4, udp, 31, 31, NULL) == XA_PACKET_E_ARGUMENT,
		       "xa_udp_payload refuses a bad family, null pointers and more bytes than the packet has");
	}
}

static int interface(void)
{
	static const uint8_t payload[] = "h,1,xa,0000000000000000000000000000000000000000";
	struct xa_sysrq_request req;
	const uint8_t *p = payload;
	size_t n = sizeof(payload) - 1;

	expect(hash_of("sha1") == XA_HASH_SHA1 && hash_of("sha224") == XA_HASH_SHA224 &&
	       hash_of("sha256") == XA_HASH_SHA256 && hash_of("sha384") == XA_HASH_SHA384 &&
	       hash_of("sha512") == XA_HASH_SHA512, "xa_hash_from_name knows every hash");
	expect(hash_of("md5") == XA_HASH_NONE && hash_of("") == XA_HASH_NONE &&
	       xa_hash_from_name("sha1", 3) == XA_HASH_NONE, "xa_hash_from_name refuses unknown names");
	expect(xa_hash_from_name(NULL, 4) == XA_HASH_NONE && xa_hash_from_name(NULL, 0) == XA_HASH_NONE,
	       "xa_hash_from_name survives a null name");
	expect(xa_hash_digest_len(XA_HASH_SHA1) == 20 && xa_hash_digest_len(XA_HASH_SHA224) == 28 &&
	       xa_hash_digest_len(XA_HASH_SHA256) == 32 && xa_hash_digest_len(XA_HASH_SHA384) == 48 &&
	       xa_hash_digest_len(XA_HASH_SHA512) == 64, "xa_hash_digest_len of every hash");
	expect(xa_hash_digest_len(XA_HASH_NONE) == 0 && xa_hash_digest_len(6) == 0 &&
	       xa_hash_digest_len(-1) == 0, "xa_hash_digest_len is 0 for bad ids");
	expect(xa_sysrq_verify(XA_HASH_NONE, p, n, (const uint8_t *)"1.2.3.4", 7,
			       (const uint8_t *)"pw", 2, &req) == XA_SYSRQ_E_ARGUMENT &&
	       xa_sysrq_verify(99, p, n, (const uint8_t *)"1.2.3.4", 7,
			       (const uint8_t *)"pw", 2, &req) == XA_SYSRQ_E_ARGUMENT,
	       "xa_sysrq_verify refuses bad hash ids");
	expect(xa_sysrq_verify(XA_HASH_SHA1, NULL, n, (const uint8_t *)"1.2.3.4", 7,
			       (const uint8_t *)"pw", 2, &req) == XA_SYSRQ_E_ARGUMENT &&
	       xa_sysrq_verify(XA_HASH_SHA1, p, n, NULL, 7, (const uint8_t *)"pw", 2, &req) ==
		       XA_SYSRQ_E_ARGUMENT &&
	       xa_sysrq_verify(XA_HASH_SHA1, p, n, (const uint8_t *)"1.2.3.4", 7, NULL, 2, &req) ==
		       XA_SYSRQ_E_ARGUMENT &&
	       xa_sysrq_verify(XA_HASH_SHA1, p, n, (const uint8_t *)"1.2.3.4", 7,
			       (const uint8_t *)"pw", 2, NULL) == XA_SYSRQ_E_ARGUMENT,
	       "xa_sysrq_verify refuses null pointers");
	expect(xa_sysrq_verify(XA_HASH_SHA1, NULL, 0, (const uint8_t *)"1.2.3.4", 7,
			       (const uint8_t *)"pw", 2, &req) == XA_SYSRQ_E_EMPTY,
	       "xa_sysrq_verify: a null, empty payload is just empty");
	expect(xa_sysrq_verify(XA_HASH_SHA1, p, n, (const uint8_t *)"1.2.3.4", 7,
			       (const uint8_t *)"pw", 2, &req) == XA_SYSRQ_E_BAD_DIGEST,
	       "xa_sysrq_verify refuses a wrong digest");
	{
		static const char old[] = "s,999,salt,0123";
		uint64_t seqno = 0;

		expect(xa_sysrq_seqno((const uint8_t *)old, strlen(old), &seqno) == XA_SYSRQ_OK &&
		       seqno == 999, "xa_sysrq_seqno reads the seqno of an unauthenticated request");
		expect(xa_sysrq_seqno((const uint8_t *)"s,999", 5, &seqno) == XA_SYSRQ_E_FORMAT &&
		       xa_sysrq_seqno((const uint8_t *)"s,9x,a,b", 8, &seqno) == XA_SYSRQ_E_SEQNO &&
		       xa_sysrq_seqno(NULL, 0, &seqno) == XA_SYSRQ_E_EMPTY && seqno == 999,
		       "xa_sysrq_seqno refuses what xa_sysrq_verify refuses up to the seqno");
		expect(xa_sysrq_seqno(NULL, 5, &seqno) == XA_SYSRQ_E_ARGUMENT &&
		       xa_sysrq_seqno((const uint8_t *)old, strlen(old), NULL) == XA_SYSRQ_E_ARGUMENT,
		       "xa_sysrq_seqno refuses null pointers");
	}
	account4();
	account6();
	reply();
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct xa_sysrq_request req = { .seqno = UINT64_MAX };
	const char *payload, *dst, *password;
	int hash, want, got;

	if (argc == 2 && strcmp(argv[1], "--interface") == 0)
		return interface();
	if (argc != 6 && argc != 8) {
		fprintf(stderr, "usage: %s HASH PAYLOAD DST PASSWORD STATUS [SEQNO KEYS]\n"
				"       %s --interface\n", argv[0], argv[0]);
		return 2;
	}
	hash = hash_of(argv[1]);
	payload = argv[2];
	dst = argv[3];
	password = argv[4];
	want = atoi(argv[5]);
	got = xa_sysrq_verify(hash, (const uint8_t *)payload, strlen(payload),
			      (const uint8_t *)dst, strlen(dst),
			      (const uint8_t *)password, strlen(password), &req);
	if (got != want) {
		printf("status %d, expected %d\n", got, want);
		return 1;
	}
	if (got == XA_SYSRQ_OK && argc == 8) {
		const char *keys = argv[7];

		if (req.seqno != strtoull(argv[6], NULL, 10) || req.keys_off != 0 ||
		    req.keys_len != strlen(keys) ||
		    memcmp(payload + req.keys_off, keys, req.keys_len) != 0) {
			printf("seqno %" PRIu64 ", keys at %" PRIu32 "+%" PRIu32 ", expected %s and \"%s\"\n",
			       req.seqno, req.keys_off, req.keys_len, argv[6], keys);
			return 1;
		}
	} else if (got != XA_SYSRQ_OK && req.seqno != UINT64_MAX) {
		printf("status %d but *out was written\n", got);
		return 1;
	}
	return 0;
}
