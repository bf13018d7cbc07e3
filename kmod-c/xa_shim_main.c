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
EXPORT_SYMBOL_GPL(xa_account_classify);
EXPORT_SYMBOL_GPL(xa_account_count);
EXPORT_SYMBOL_GPL(xa_account_slot_addr);
EXPORT_SYMBOL_GPL(xa_account6_check);
EXPORT_SYMBOL_GPL(xa_account6_classify);
EXPORT_SYMBOL_GPL(xa_account6_hash);

/*
 * Known answers, computed outside the kernel:
 *   printf 'h,1,xa,192.0.2.1,selftest' | sha1sum
 */
#define XA_SELFTEST_DST "192.0.2.1"
#define XA_SELFTEST_PASSWORD "selftest"
#define XA_SELFTEST_GOOD "h,1,xa,24736dcc0d387c3bc6e1a597f6796af0896a711c"
/* The same request with one digest digit changed. */
#define XA_SELFTEST_BAD "h,1,xa,24736dcc0d387c3bc6e1a597f6796af0896a711d"

static int __init xa_selftest_verify(const char *payload,
				     struct xa_sysrq_request *req)
{
	return xa_sysrq_verify(XA_HASH_SHA1, (const u8 *)payload,
			       strlen(payload), (const u8 *)XA_SELFTEST_DST,
			       strlen(XA_SELFTEST_DST),
			       (const u8 *)XA_SELFTEST_PASSWORD,
			       strlen(XA_SELFTEST_PASSWORD), req);
}

static int __init xa_selftest(void)
{
	struct xa_sysrq_request req = {};
	int status;

	if (xa_hash_from_name("sha1", 4) != XA_HASH_SHA1 ||
	    xa_hash_digest_len(XA_HASH_SHA1) != 20) {
		pr_err("self-test failed: sha1 lookup\n");
		return -EINVAL;
	}

	status = xa_selftest_verify(XA_SELFTEST_GOOD, &req);
	if (status != XA_SYSRQ_OK || req.seqno != 1 || req.keys_off != 0 ||
	    req.keys_len != 1) {
		pr_err("self-test failed: valid request refused (status %d)\n",
		       status);
		return -EINVAL;
	}

	status = xa_selftest_verify(XA_SELFTEST_BAD, &req);
	if (status != XA_SYSRQ_E_BAD_DIGEST) {
		pr_err("self-test failed: forged request gave status %d\n",
		       status);
		return -EINVAL;
	}
	return 0;
}

static int __init xa_shim_init(void)
{
	return xa_selftest();
}

/* Nothing to undo; an exit function is what makes the module unloadable. */
static void __exit xa_shim_exit(void)
{
}

module_init(xa_shim_init);
module_exit(xa_shim_exit);
MODULE_DESCRIPTION("xtables-addons-rs: verified Rust core shared by the extensions");
MODULE_LICENSE("GPL");
