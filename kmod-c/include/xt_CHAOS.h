/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_CHAOS: the rule data shared by the kernel module and the iptables
 * plugin (libxt_CHAOS.so). Upstream xtables-addons' ABI (revision 0): one
 * byte, padded to 8 in the rule. Never change it; Rust gets it through bindgen.
 */
#ifndef XT_CHAOS_H
#define XT_CHAOS_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

/* What CHAOS does to the TCP packets it neither rejects nor drops silently. */
enum xt_chaos_target_variant {
	XTCHAOS_NORMAL = 0, /* no option: only REJECT or DROP */
	XTCHAOS_TARPIT = 1, /* --tarpit: sometimes TARPIT's tarpit mode */
	XTCHAOS_DELUDE = 2, /* --delude: sometimes DELUDE */
};

struct xt_chaos_tginfo {
	uint8_t variant; /* enum xt_chaos_target_variant */
};

#endif /* XT_CHAOS_H */
