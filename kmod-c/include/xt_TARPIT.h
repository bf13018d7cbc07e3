/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_TARPIT: the rule data shared by the kernel module and the iptables
 * plugin (libxt_TARPIT.so). Upstream xtables-addons' ABI (revision 0): one
 * byte, padded to 8 in the rule. Never change it; Rust gets it through bindgen.
 */
#ifndef XT_TARPIT_H
#define XT_TARPIT_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

/* The mode, one per plugin option. */
enum xt_tarpit_target_variant {
	XTTARPIT_TARPIT = 0,   /* --tarpit: hold connections in a zero window */
	XTTARPIT_HONEYPOT = 1, /* --honeypot: behave like a listening host */
	XTTARPIT_RESET = 2,    /* --reset: refuse with an RST */
};

struct xt_tarpit_tginfo {
	uint8_t variant; /* enum xt_tarpit_target_variant */
};

#endif /* XT_TARPIT_H */
