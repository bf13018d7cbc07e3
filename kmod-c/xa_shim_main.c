// SPDX-License-Identifier: GPL-2.0-only
/*
 * xa_shim.ko: the Rust core of xtables-addons-rs as a library module.
 *
 * The functions themselves live in xa_shim_core.o (built from shim/ by
 * shim/kernel/build-object.sh); this file only exports them to the
 * extension modules and refuses to load a core that fails its known answer
 * tests (xa_shim_selftest*.c), so a miscompiled or mislinked object never
 * guards a real system.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include "xa_shim.h"
#include "xa_shim_selftest.h"

EXPORT_SYMBOL_GPL(xa_hash_from_name);
EXPORT_SYMBOL_GPL(xa_hash_digest_len);
EXPORT_SYMBOL_GPL(xa_sysrq_verify);
EXPORT_SYMBOL_GPL(xa_sysrq_seqno);
EXPORT_SYMBOL_GPL(xa_pknock_locate);
EXPORT_SYMBOL_GPL(xa_pknock_spa_check);
EXPORT_SYMBOL_GPL(xa_pknock_packet);
EXPORT_SYMBOL_GPL(xa_pknock_peer_live);
EXPORT_SYMBOL_GPL(xa_account_check);
EXPORT_SYMBOL_GPL(xa_account_net_init);
EXPORT_SYMBOL_GPL(xa_account_classify_net);
EXPORT_SYMBOL_GPL(xa_account_slot_addr);
EXPORT_SYMBOL_GPL(xa_account6_check);
EXPORT_SYMBOL_GPL(xa_account6_classify);
EXPORT_SYMBOL_GPL(xa_account6_hash);
EXPORT_SYMBOL_GPL(xa_udp_payload);
EXPORT_SYMBOL_GPL(xa_tcp_reply);
EXPORT_SYMBOL_GPL(xa_udp_echo);
EXPORT_SYMBOL_GPL(xa_l4_checksum_fill);
EXPORT_SYMBOL_GPL(xa_geoip_prepare);
EXPORT_SYMBOL_GPL(xa_geoip_layout4);
EXPORT_SYMBOL_GPL(xa_geoip_layout6);
EXPORT_SYMBOL_GPL(xa_geoip_lookup4);
EXPORT_SYMBOL_GPL(xa_geoip_lookup6);

static int __init xa_shim_init(void)
{
	/* "Invalid module format" from insmod: the code is unusable. */
	return xa_selftest_run() ? 0 : -ENOEXEC;
}

/* Nothing to undo; an exit function is what makes the module unloadable. */
static void __exit xa_shim_exit(void)
{
}

module_init(xa_shim_init);
module_exit(xa_shim_exit);
MODULE_DESCRIPTION("xtables-addons-rs: verified Rust core shared by the extensions");
MODULE_LICENSE("GPL");
