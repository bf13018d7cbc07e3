// SPDX-License-Identifier: GPL-2.0-only
/*
 * xa_shim.ko's load-time self-test: runs every family's known answers (see
 * xa_shim_selftest.h); a new family's test is one more call below.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "xa_shim_selftest.h"

void __init xa_selftest_forge(char *out, const char *text, size_t len, size_t pos)
{
	memcpy(out, text, len);
	out[pos] = out[pos] == '0' ? '1' : '0';
}

bool __init xa_selftest_run(void)
{
	if (!xa_selftest_sysrq() || !xa_selftest_pknock() ||
	    !xa_selftest_account6() || !xa_selftest_account() || !xa_selftest_packet() ||
	    !xa_selftest_reply() || !xa_selftest_geoip())
		return false;
	pr_info("self-test passed: SYSRQ sha1 sha224 sha256 sha384 sha512; pknock knock and SPA; ACCOUNT IPv6 with SipHash-2-4; ACCOUNT IPv4; UDP payloads; replies TARPIT DELUDE ECHO; geoip unions and lookups\n");
	return true;
}
