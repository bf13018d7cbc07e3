// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_SYSRQ: trigger SysRq keys remotely with an authenticated UDP request.
 *
 * Compatible with xtables-addons' SYSRQ target (revision 1): same module
 * name, parameters and request format, see xt_SYSRQ(8). This file reads the
 * UDP payload, runs the keys of an accepted request and registers the
 * target; the parameters and the state they hold (password, sequence
 * number) are in xt_SYSRQ_params.c. Finding the payload (xa_udp_payload())
 * and parsing and authenticating the untrusted request (xa_sysrq_verify())
 * is done in xa_shim.ko, on the bytes xa_skb_head() read.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/in.h>
#include <linux/init.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <linux/net.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <linux/sysrq.h>

#include "xa_shim.h"
#include "xa_skb.h"
#include "xt_SYSRQ_params.h"

static const char *const sysrq_status_text[] = {
	[XA_SYSRQ_E_EMPTY] = "empty request",
	[XA_SYSRQ_E_TOO_LONG] = "request too long",
	[XA_SYSRQ_E_FORMAT] = "badly formatted request",
	[XA_SYSRQ_E_SEQNO] = "bad sequence number",
	[XA_SYSRQ_E_SHORT_DIGEST] = "short digest",
	[XA_SYSRQ_E_BAD_DIGEST] = "bad digest",
	[XA_SYSRQ_E_ARGUMENT] = "internal argument error",
};

static const char *sysrq_status_str(int status)
{
	if (status > 0 && status < ARRAY_SIZE(sysrq_status_text) &&
	    sysrq_status_text[status])
		return sysrq_status_text[status];
	return "unknown verification error";
}

/* Why a packet was dropped, only with debug=1 and rate-limited: packets are untrusted. */
static void sysrq_drop_reason(const struct sk_buff *skb,
			      const struct xt_action_param *par,
			      const char *why)
{
	if (!READ_ONCE(sysrq_debug) || !net_ratelimit())
		return;
	if (xt_family(par) == NFPROTO_IPV6)
		pr_info("request from %pI6c dropped: %s\n",
			&ipv6_hdr(skb)->saddr, why);
	else
		pr_info("request from %pI4 dropped: %s\n",
			&ip_hdr(skb)->saddr, why);
}

static void sysrq_handle_keys(const u8 *keys, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		/* Keys come from the network: never print raw control bytes. */
		if (isgraph(keys[i]))
			pr_info("SysRq %c\n", keys[i]);
		else
			pr_info("SysRq \\x%02x\n", keys[i]);
		handle_sysrq(keys[i]);
	}
}

/*
 * Verify the request in the UDP or UDP-Lite payload and run its keys.
 * @dst is the destination address as %pI4/%pI6 prints it: it is hashed.
 */
static unsigned int sysrq_process(struct sk_buff *skb,
				  const struct xt_action_param *par,
				  const char *dst, int dst_len)
{
	/*
	 * 512 bytes: fits the softirq stack; checked with the frame warning.
	 * The headers are read into it, then the request over them.
	 */
	u8 buf[XA_SYSRQ_MAX_REQUEST];
	unsigned int head_len, l3_len;
	struct xa_sysrq_request req;
	struct xa_udp_payload udp;
	const u8 *head, *data;
	const char *why;
	int status;

	BUILD_BUG_ON(sizeof(buf) < XA_SKB_HEAD_MAX);
	/* A rule made while allow_netns was set keeps its namespace no power once it is cleared. */
	if (!sysrq_net_allowed(xt_net(par))) {
		pr_info_ratelimited("request in a network namespace other than the initial one dropped: allow_netns is off\n");
		return NF_DROP;
	}
	head = xa_skb_head(skb, buf, sizeof(buf), &head_len, &l3_len);
	if (!head) {
		why = "no network header";
		goto drop;
	}
	/* Only a whole datagram holds a whole request: fragments are refused. */
	status = xa_udp_payload(xt_family(par), head, head_len, l3_len, &udp);
	if (status == XA_PACKET_E_PROTOCOL) {
		why = "not UDP or UDP-Lite";
		goto drop;
	}
	if (status != XA_PACKET_OK) {
		why = xa_packet_status_str(status);
		goto drop;
	}
	/* Bounds the copy; the shim checks it again. */
	if (udp.payload_len > XA_SYSRQ_MAX_REQUEST) {
		why = sysrq_status_str(XA_SYSRQ_E_TOO_LONG);
		goto drop;
	}
	data = skb_header_pointer(skb, skb_network_offset(skb) + udp.payload_off,
				  udp.payload_len, buf);
	if (!data) {
		why = "truncated request";
		goto drop;
	}

	status = sysrq_verify(data, udp.payload_len, dst, dst_len, &req);
	if (status == -ENOKEY) {
		pr_info_ratelimited("no password set, request dropped\n");
		return NF_DROP;
	}
	if (status != XA_SYSRQ_OK) {
		why = sysrq_status_str(status);
		goto drop;
	}
	/* The shim promises this; a broken promise must not read past data. */
	if (WARN_ON_ONCE(req.keys_off > udp.payload_len ||
			 req.keys_len > udp.payload_len - req.keys_off)) {
		why = "internal error: keys outside the request";
		goto drop;
	}
	/* seqno is at most INT64_MAX: only a 32-bit long can overflow here. */
	if (req.seqno > LONG_MAX || !sysrq_seqno_advance(req.seqno)) {
		why = "old or replayed sequence number";
		goto drop;
	}

	sysrq_handle_keys(data + req.keys_off, req.keys_len);
	return NF_ACCEPT;

drop:
	sysrq_drop_reason(skb, par, why);
	return NF_DROP;
}

static unsigned int sysrq_tg(struct sk_buff *skb,
			     const struct xt_action_param *par)
{
	char dst[XA_SYSRQ_MAX_DST + 1];
	int dst_len;

	/* %pI6 is the full form, e.g. 0000:0000:0000:0000:0000:0000:0000:0001 */
	if (xt_family(par) == NFPROTO_IPV6)
		dst_len = snprintf(dst, sizeof(dst), "%pI6", &ipv6_hdr(skb)->daddr);
	else
		dst_len = snprintf(dst, sizeof(dst), "%pI4", &ip_hdr(skb)->daddr);
	return sysrq_process(skb, par, dst, dst_len);
}

static int sysrq_tg_check(const struct xt_tgchk_param *par)
{
	u16 proto;
	bool inverted;

	if (!sysrq_net_allowed(par->net)) {
		pr_info_ratelimited("rule refused: a network namespace other than the initial one may not trigger SysRq on the whole machine (module parameter allow_netns)\n");
		return -EPERM;
	}
	if (par->family == NFPROTO_IPV6) {
		const struct ip6t_entry *entry = par->entryinfo;

		proto = entry->ipv6.proto;
		inverted = entry->ipv6.invflags & XT_INV_PROTO;
	} else {
		const struct ipt_entry *entry = par->entryinfo;

		proto = entry->ip.proto;
		inverted = entry->ip.invflags & XT_INV_PROTO;
	}
	if ((proto != IPPROTO_UDP && proto != IPPROTO_UDPLITE) || inverted) {
		pr_info_ratelimited("only available for UDP and UDP-Lite: use -p udp or -p udplite\n");
		return -EINVAL;
	}
	return 0;
}

static struct xt_target sysrq_tg_reg[] __read_mostly = {
	{
		.name = "SYSRQ",
		.revision = 1,
		.family = NFPROTO_IPV4,
		.target = sysrq_tg,
		.checkentry = sysrq_tg_check,
		.me = THIS_MODULE,
	},
	{
		.name = "SYSRQ",
		.revision = 1,
		.family = NFPROTO_IPV6,
		.target = sysrq_tg,
		.checkentry = sysrq_tg_check,
		.me = THIS_MODULE,
	},
};

static int __init sysrq_tg_init(void)
{
	int ret;

	ret = sysrq_params_init();
	if (ret)
		return ret;
	return xt_register_targets(sysrq_tg_reg, ARRAY_SIZE(sysrq_tg_reg));
}

static void __exit sysrq_tg_exit(void)
{
	/* The password is wiped when the module is freed (xt_SYSRQ_params.c). */
	xt_unregister_targets(sysrq_tg_reg, ARRAY_SIZE(sysrq_tg_reg));
}

module_init(sysrq_tg_init);
module_exit(sysrq_tg_exit);
MODULE_DESCRIPTION("Xtables: triggering SYSRQ remotely");
MODULE_LICENSE("GPL");
MODULE_ALIAS("ipt_SYSRQ");
MODULE_ALIAS("ip6t_SYSRQ");
