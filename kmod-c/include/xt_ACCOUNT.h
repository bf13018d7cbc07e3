/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_ACCOUNT: the interface shared by the kernel module, the iptables plugin
 * (libxt_ACCOUNT.so), libxt_ACCOUNT_cl and iptaccount.
 *
 * Every layout and number here is upstream xtables-addons' ABI (3.23): an
 * upstream plugin or iptaccount must work with our module and ours with
 * upstream's. Never change a field, a size or a number; extend only with new
 * structs and new sockopt numbers. Rust gets these through bindgen.
 */
#ifndef XT_ACCOUNT_H
#define XT_ACCOUNT_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#include <linux/types.h> /* __be32 */
#endif

/*
 * Socket options on a raw AF_INET socket (CAP_NET_ADMIN). 64-67 belong to
 * ip_tables/ip6_tables, 96-100 to arp_tables, 128-131 to ebtables.
 */
#define SO_ACCOUNT_BASE_CTL 70

/* setsockopt: argument struct ipt_acc_handle_sockopt (handle_nr used). */
#define IPT_SO_SET_ACCOUNT_HANDLE_FREE (SO_ACCOUNT_BASE_CTL + 1)
/* setsockopt: argument ignored, frees every handle of the namespace. */
#define IPT_SO_SET_ACCOUNT_HANDLE_FREE_ALL (SO_ACCOUNT_BASE_CTL + 2)
#define IPT_SO_SET_ACCOUNT_MAX IPT_SO_SET_ACCOUNT_HANDLE_FREE_ALL

/*
 * getsockopt: in/out struct ipt_acc_handle_sockopt. In: name. Out: handle_nr
 * of a snapshot of the table and its itemcount (records, see GET_DATA).
 */
#define IPT_SO_GET_ACCOUNT_PREPARE_READ (SO_ACCOUNT_BASE_CTL + 4)
/* As PREPARE_READ, and zeroes the table's counters in the same step. */
#define IPT_SO_GET_ACCOUNT_PREPARE_READ_FLUSH (SO_ACCOUNT_BASE_CTL + 5)
/*
 * getsockopt: in: struct ipt_acc_handle_sockopt (handle_nr) at the start of
 * the buffer. Out: the handle's records, struct ipt_acc_handle_ip each, only
 * IPs with non-zero counters, ascending. The buffer must hold them all.
 */
#define IPT_SO_GET_ACCOUNT_GET_DATA (SO_ACCOUNT_BASE_CTL + 6)
/* getsockopt: out: struct ipt_acc_handle_sockopt, itemcount = handles in use. */
#define IPT_SO_GET_ACCOUNT_GET_HANDLE_USAGE (SO_ACCOUNT_BASE_CTL + 7)
/*
 * getsockopt: out: the table names, each NUL-terminated, followed by one
 * extra NUL. The buffer must hold them all.
 */
#define IPT_SO_GET_ACCOUNT_GET_TABLE_NAMES (SO_ACCOUNT_BASE_CTL + 8)
#define IPT_SO_GET_ACCOUNT_MAX IPT_SO_GET_ACCOUNT_GET_TABLE_NAMES

/* Table name buffer size, including the terminating NUL. */
#define ACCOUNT_TABLE_NAME_LEN 32
/* Upstream's default for the number of read handles. */
#define ACCOUNT_MAX_HANDLES 10

/* Target data of ACCOUNT revision 1 (the rule's options). */
struct ipt_acc_info {
	__be32 net_ip, net_mask;
	char table_name[ACCOUNT_TABLE_NAME_LEN];
	int32_t table_nr; /* kernel-private (userspace size ends before it) */
};

/* Handle structure exchanged through the sockopts. */
struct ipt_acc_handle_sockopt {
	uint32_t handle_nr; /* HANDLE_FREE, GET_DATA */
	char name[ACCOUNT_TABLE_NAME_LEN]; /* PREPARE_READ(_FLUSH) */
	uint32_t itemcount; /* PREPARE_READ(_FLUSH), GET_HANDLE_USAGE */
};

/*
 * One accounted IP as GET_DATA returns it (40 bytes). Unlike every other
 * address here, ip is in HOST byte order: upstream's kernel writes it so and
 * upstream's libxt_ACCOUNT_cl/iptaccount convert it with htonl().
 */
struct ipt_acc_handle_ip {
	uint32_t ip, __dummy;
	uint64_t src_packets, src_bytes, dst_packets, dst_bytes;
};

/*
 * ---------------------------------------------------------------------------
 * IPv6: an extension of xtables-addons-rs (upstream has none). Everything
 * below is new; nothing above changes, so IPv4 rules, tools and upstream's
 * binaries are unaffected. IPv6 tables are created by ip6tables rules of
 * target revision 2 and share the namespace of table names with IPv4 ones (a
 * name belongs to one family), but the IPv4 sockopts above never see them:
 * GET_TABLE_NAMES lists IPv4 tables only and PREPARE_READ does not find an
 * IPv6 table. The read handles (numbers, limit, HANDLE_FREE(_ALL),
 * GET_HANDLE_USAGE) are shared by both families.
 *
 * An IPv6 table is a hash of the addresses seen, bounded by the module
 * parameter ip6_max_addresses per table; packets of further addresses are
 * not counted but reported (uncounted, below) until the next flush.
 */

/*
 * getsockopt, same raw AF_INET socket. 83 is ipset's SO_IP_SET: do not grow
 * past 82.
 * PREPARE_READ6(_FLUSH): in/out struct xt_acc_handle6_sockopt, as
 * PREPARE_READ(_FLUSH) but for an IPv6 table (-EINVAL for an IPv4 one).
 */
#define IPT_SO_GET_ACCOUNT_PREPARE_READ6 (SO_ACCOUNT_BASE_CTL + 9)
#define IPT_SO_GET_ACCOUNT_PREPARE_READ6_FLUSH (SO_ACCOUNT_BASE_CTL + 10)
/*
 * As GET_DATA, for a handle of PREPARE_READ6(_FLUSH): struct
 * ipt_acc_handle_sockopt (handle_nr) in, struct xt_acc_handle_ip6 records
 * out, ascending by address. -EINVAL for a handle of an IPv4 table (and
 * GET_DATA gives -EINVAL for a handle of an IPv6 table).
 */
#define IPT_SO_GET_ACCOUNT_GET_DATA6 (SO_ACCOUNT_BASE_CTL + 11)
/* As GET_TABLE_NAMES, listing the IPv6 tables only. */
#define IPT_SO_GET_ACCOUNT_GET_TABLE_NAMES6 (SO_ACCOUNT_BASE_CTL + 12)
#define IPT_SO_GET_ACCOUNT_MAX6 IPT_SO_GET_ACCOUNT_GET_TABLE_NAMES6

/* Default of the module parameter ip6_max_addresses (per IPv6 table). */
#define ACCOUNT_IP6_MAX_ADDRESSES 65536

/*
 * Target data of ACCOUNT revision 2 (ip6tables): the IPv6 network
 * net_addr/prefix_len, prefix_len 0..128. ::/0 is special as 0.0.0.0/0 is:
 * every packet counts as source traffic of the one address ::.
 */
struct xt_acc_info_v2 {
	uint8_t net_addr[16]; /* network byte order; no bits beyond prefix_len */
	char table_name[ACCOUNT_TABLE_NAME_LEN];
	uint8_t prefix_len;
	uint8_t __pad[3]; /* zero */
	int32_t table_nr; /* kernel-private (userspace size ends before it) */
};

/* In/out of PREPARE_READ6(_FLUSH). */
struct xt_acc_handle6_sockopt {
	uint32_t handle_nr; /* out */
	char name[ACCOUNT_TABLE_NAME_LEN]; /* in */
	uint32_t itemcount; /* out: records of the handle */
	/*
	 * out: packets not counted since the table was created or last
	 * flushed because it already held ip6_max_addresses addresses.
	 */
	uint64_t uncounted;
};

/* One accounted IPv6 address as GET_DATA6 returns it (48 bytes). */
struct xt_acc_handle_ip6 {
	uint8_t ip[16]; /* network byte order, unlike ipt_acc_handle_ip */
	uint64_t src_packets, src_bytes, dst_packets, dst_bytes;
};

#endif /* XT_ACCOUNT_H */
