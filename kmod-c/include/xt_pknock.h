/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_pknock: the user/kernel ABI of the pknock match (revision 1), shared by
 * the kernel module, the iptables plugin, the knock client and pknlusr.
 *
 * The layouts are those of xtables-addons 3.23 and must never change:
 * iptables rules and netlink listeners built against upstream depend on them.
 * Compiles in the kernel and in userspace (bindgen), no other includes needed.
 */
#ifndef XT_PKNOCK_H
#define XT_PKNOCK_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

/* Bits of xt_pknock_mtinfo.option: which options the rule was given. */
enum {
	XT_PKNOCK_KNOCKPORT   = 1 << 0,
	XT_PKNOCK_TIME        = 1 << 1,
	XT_PKNOCK_NAME        = 1 << 2,
	XT_PKNOCK_STRICT      = 1 << 3,
	XT_PKNOCK_CHECKIP     = 1 << 4,
	XT_PKNOCK_OPENSECRET  = 1 << 5,
	XT_PKNOCK_CLOSESECRET = 1 << 6,
	XT_PKNOCK_AUTOCLOSE   = 1 << 7,
};

/* Array sizes of the ABI (the buffers hold one more byte, a NUL). */
enum {
	XT_PKNOCK_MAX_PORTS      = 15,
	XT_PKNOCK_MAX_BUF_LEN    = 31,
	XT_PKNOCK_MAX_PASSWD_LEN = 31,
};

/* SPA payload: 64 lowercase hex digits of the HMAC-SHA256, then one ignored byte. */
#define XT_PKNOCK_SPA_HEX_LEN 64
#define XT_PKNOCK_SPA_PAYLOAD_LEN 65

/* The rule's match data (iptables → kernel). Size 148, alignment 4. */
struct xt_pknock_mtinfo {
	char rule_name[XT_PKNOCK_MAX_BUF_LEN + 1];
	uint32_t rule_name_len;
	char open_secret[XT_PKNOCK_MAX_PASSWD_LEN + 1];
	uint32_t open_secret_len;
	char close_secret[XT_PKNOCK_MAX_PASSWD_LEN + 1];
	uint32_t close_secret_len;
	uint8_t option;                       /* XT_PKNOCK_* bits */
	uint8_t ports_count;                  /* used entries of port[] */
	uint16_t port[XT_PKNOCK_MAX_PORTS];   /* knock sequence, host order */
	uint32_t max_time;                    /* --time: seconds between knocks */
	uint32_t autoclose_time;              /* --autoclose: minutes */
};

/*
 * Connector message sent to group nl_multicast_group when a peer completes
 * its knock sequence (kernel → pknlusr). Size 36. peer_ip is in network
 * byte order (a __be32 in the kernel).
 */
struct xt_pknock_nl_msg {
	char rule_name[XT_PKNOCK_MAX_BUF_LEN + 1];
	uint32_t peer_ip;
};

/*
 * Beyond upstream: for an IPv6 peer the kernel sends this longer message.
 * It begins with the upstream struct (peer_ip = 0, so an upstream listener
 * prints 0.0.0.0 rather than garbage); a listener that knows it tells the
 * two apart by the connector payload length (36 vs 52 bytes).
 */
struct xt_pknock_nl_msg6 {
	struct xt_pknock_nl_msg msg;
	uint8_t peer_ip6[16];                 /* network order */
};

#endif /* XT_PKNOCK_H */
