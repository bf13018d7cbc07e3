// SPDX-License-Identifier: GPL-2.0-only
/*
 * xa_shim.ko's self-test of the SYSRQ exports: xa_hash_from_name(),
 * xa_hash_digest_len() and xa_sysrq_verify() with every hash.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "xa_shim.h"
#include "xa_shim_selftest.h"

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

bool __init xa_selftest_sysrq(void)
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
