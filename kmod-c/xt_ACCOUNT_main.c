// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_ACCOUNT: per-address packet and byte counters for whole IPv4 networks
 * (up to a /8) and IPv6 networks (any prefix), read by iptaccount /
 * libxt_ACCOUNT_cl through socket options.
 *
 * Compatible with xtables-addons' ACCOUNT target (revision 1, IPv4): same
 * module name and parameter, same struct ipt_acc_info, same sockopts and
 * records (include/xt_ACCOUNT.h), see xt_ACCOUNT(8). IPv6 is our extension:
 * revision 2 for ip6tables, sockopts 79-82, the same table namespace and read
 * handles. Which counters a packet updates, how they count and where an IPv6
 * address is hashed is decided by the xa_account_* functions of xa_shim.ko.
 *
 * This file: the module's parameters, its rules (checkentry, destroy) and
 * registration. The rest, one concept a file:
 *   xt_ACCOUNT_net.[ch]      a network namespace's state and its lifetime
 *   xt_ACCOUNT_table.[ch]    tables by name, shared by rules, with their lock
 *   xt_ACCOUNT_ipv4.[ch]     IPv4 tables and the IPv4 target (packet path)
 *   xt_ACCOUNT_ipv6.[ch]     IPv6 tables and the IPv6 target (packet path)
 *   xt_ACCOUNT_read.[ch]     snapshots of tables in read handles, flush
 *   xt_ACCOUNT_sockopt.[ch]  the socket options
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "xa_shim.h"
#include "xt_ACCOUNT_sockopt.h"
#include "xt_ACCOUNT_table.h"

unsigned int acc_max_tables = 128;
module_param_named(max_tables_limit, acc_max_tables, uint, 0444);
MODULE_PARM_DESC(max_tables_limit, "maximum number of tables per network namespace (default 128)");

unsigned int acc_ip6_max_addresses = ACCOUNT_IP6_MAX_ADDRESSES;
module_param_named(ip6_max_addresses, acc_ip6_max_addresses, uint, 0444);
MODULE_PARM_DESC(ip6_max_addresses,
		 "maximum number of addresses per IPv6 table, 1..16777216 (default 65536)");

/* Root may change the bounds at any time; they apply to what is allocated next. */
unsigned int acc_netns_max_table_kb = 65536;
module_param_named(netns_max_table_kb, acc_netns_max_table_kb, uint, 0644);
MODULE_PARM_DESC(netns_max_table_kb,
		 "KiB of counters the tables of a network namespace other than the initial one may hold, 0 for no bound (default 65536)");

unsigned int acc_netns_max_read_kb = 65536;
module_param_named(netns_max_read_kb, acc_netns_max_read_kb, uint, 0644);
MODULE_PARM_DESC(netns_max_read_kb,
		 "KiB of records the read handles of a network namespace other than the initial one may hold, 0 for no bound (default 65536)");

static const char *acc_status_str(int status)
{
	switch (status) {
	case XA_ACCOUNT_E_NAME_EMPTY:
		return "table name is empty";
	case XA_ACCOUNT_E_NAME_LONG:
		return "table name is not NUL-terminated within 32 bytes";
	case XA_ACCOUNT_E_MASK:
		return "netmask is not contiguous";
	case XA_ACCOUNT_E_TOO_BIG:
		return "network larger than /8";
	case XA_ACCOUNT_E_HOST_BITS:
		return "network address has host bits set";
	case XA_ACCOUNT_E_PREFIX:
		return "IPv6 prefix length above 128";
	default:
		return "invalid argument";
	}
}

static int acc_tg_check(const struct xt_tgchk_param *par)
{
	struct ipt_acc_info *info = par->targinfo;
	struct acc_table want = { .family = NFPROTO_IPV4 };
	int status, nr;

	status = xa_account_check(info->net_ip, info->net_mask,
				  info->table_name, sizeof(info->table_name),
				  &want.slot_bits);
	/* Validated here once: packets use what the shim derives from it. */
	if (status == XA_ACCOUNT_OK)
		status = xa_account_net_init(info->net_ip, info->net_mask, &want.net4);
	if (status != XA_ACCOUNT_OK) {
		pr_info_ratelimited("rule refused: %s\n", acc_status_str(status));
		return -EINVAL;
	}
	/* xa_account_check() found the NUL inside the buffer. */
	strscpy(want.name, info->table_name, sizeof(want.name));
	want.net_ip = info->net_ip;
	want.net_mask = info->net_mask;

	nr = acc_table_get(par->net, &want);
	if (nr < 0)
		return nr;
	/* Cached so that packets need no name lookup. */
	info->table_nr = nr;
	return 0;
}

static int acc_ip6_tg_check(const struct xt_tgchk_param *par)
{
	struct xt_acc_info_v2 *info = par->targinfo;
	struct acc_table want = { .family = NFPROTO_IPV6 };
	int status, nr;

	status = xa_account6_check(info->net_addr, info->prefix_len,
				   info->table_name, sizeof(info->table_name));
	if (status != XA_ACCOUNT_OK) {
		pr_info_ratelimited("rule refused: %s\n", acc_status_str(status));
		return -EINVAL;
	}
	/* Reserved for later options: a rule of a newer plugin is refused. */
	if (memchr_inv(info->__pad, 0, sizeof(info->__pad))) {
		pr_info_ratelimited("rule refused: reserved bytes are not zero\n");
		return -EINVAL;
	}
	strscpy(want.name, info->table_name, sizeof(want.name));
	memcpy(want.net6.s6_addr, info->net_addr, sizeof(want.net6.s6_addr));
	want.prefix_len = info->prefix_len;
	want.nbuckets = acc_ip6_nbuckets(info->prefix_len);

	nr = acc_table_get(par->net, &want);
	if (nr < 0)
		return nr;
	info->table_nr = nr;
	return 0;
}

static void acc_tg_destroy(const struct xt_tgdtor_param *par)
{
	const struct ipt_acc_info *info = par->targinfo;

	acc_table_put(par->net, info->table_nr);
}

static void acc_ip6_tg_destroy(const struct xt_tgdtor_param *par)
{
	const struct xt_acc_info_v2 *info = par->targinfo;

	acc_table_put(par->net, info->table_nr);
}

static struct xt_target acc_tg_reg[] __read_mostly = {
	{
		.name = "ACCOUNT",
		.revision = 1,
		.family = NFPROTO_IPV4,
		.target = acc_tg,
		.targetsize = sizeof(struct ipt_acc_info),
		/* table_nr is kernel-private: never shown to userspace. */
		.usersize = offsetof(struct ipt_acc_info, table_nr),
		.checkentry = acc_tg_check,
		.destroy = acc_tg_destroy,
		.me = THIS_MODULE,
	},
	{
		.name = "ACCOUNT",
		.revision = 2,
		.family = NFPROTO_IPV6,
		.target = acc_ip6_tg,
		.targetsize = sizeof(struct xt_acc_info_v2),
		.usersize = offsetof(struct xt_acc_info_v2, table_nr),
		.checkentry = acc_ip6_tg_check,
		.destroy = acc_ip6_tg_destroy,
		.me = THIS_MODULE,
	},
};

static int __init acc_tg_init(void)
{
	int ret;

	/* table_nr is an int32_t; keep the per-namespace array sane too. */
	if (acc_max_tables == 0 || acc_max_tables > 65536) {
		pr_err("max_tables_limit must be 1..65536, not %u\n", acc_max_tables);
		return -EINVAL;
	}
	if (acc_ip6_max_addresses == 0 || acc_ip6_max_addresses > ACC6_MAX_ADDRESSES_LIMIT) {
		pr_err("ip6_max_addresses must be 1..%u, not %u\n",
		       ACC6_MAX_ADDRESSES_LIMIT, acc_ip6_max_addresses);
		return -EINVAL;
	}
	ret = register_pernet_subsys(&acc_net_ops);
	if (ret)
		return ret;
	ret = nf_register_sockopt(&acc_sockopts);
	if (ret) {
		pr_err("cannot register sockopts %d..%d (another ACCOUNT module loaded?)\n",
		       IPT_SO_SET_ACCOUNT_HANDLE_FREE, IPT_SO_GET_ACCOUNT_MAX6);
		goto err_pernet;
	}
	ret = xt_register_targets(acc_tg_reg, ARRAY_SIZE(acc_tg_reg));
	if (ret)
		goto err_sockopt;
	return 0;

err_sockopt:
	nf_unregister_sockopt(&acc_sockopts);
err_pernet:
	unregister_pernet_subsys(&acc_net_ops);
	return ret;
}

static void __exit acc_tg_exit(void)
{
	xt_unregister_targets(acc_tg_reg, ARRAY_SIZE(acc_tg_reg));
	nf_unregister_sockopt(&acc_sockopts);
	unregister_pernet_subsys(&acc_net_ops);
}

module_init(acc_tg_init);
module_exit(acc_tg_exit);

MODULE_DESCRIPTION("Xtables: per-IP accounting of IPv4 and IPv6 networks (ACCOUNT target)");
MODULE_AUTHOR("xtables-addons-rs developers");
MODULE_LICENSE("GPL");
MODULE_ALIAS("ipt_ACCOUNT");
MODULE_ALIAS("ip6t_ACCOUNT");
