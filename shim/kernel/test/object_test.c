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
 *       hash lookups and argument checks (null pointers, bad ids), and the
 *       xt_ACCOUNT functions (IPv4 per-packet path, whose network and result
 *       cross the boundary by value; IPv6: SipHash reference vector, verdicts)
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
	struct xa_account_counters c = { 0 };
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
	expect(xa_account_count(&c, NULL, 65535 + 40) == 1 && c.src_packets == 1 &&
	       c.src_bytes == 65575 && xa_account_count(&c, &c, 70000) == 0 &&
	       c.src_bytes == 135575 && c.dst_bytes == 70000,
	       "xa_account_count counts lengths above 65535 (IPv6)");
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
	account4();
	account6();
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
