/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_ACCOUNT's IPv6 tables: the addresses seen of a network of any prefix,
 * in a chained hash table.
 *
 * Memory: 56 B per address (a kmalloc-64 object), at most ip6_max_addresses
 * of them, and a bucket array of 8 B per bucket, a power of two of at most
 * 16384 (128 KiB) sized for four addresses per bucket. A table thus costs at most 128 KiB + 64 B * ip6_max_addresses
 * (about 4.1 MiB by default). The bucket is chosen by SipHash-2-4 under a
 * random per-table key, so senders cannot aim addresses at one chain.
 * Packets of addresses beyond the limit are counted in the table's uncounted
 * instead.
 */
#ifndef XT_ACCOUNT_IPV6_H
#define XT_ACCOUNT_IPV6_H

#include <linux/in6.h>
#include <linux/netfilter/x_tables.h>
#include <linux/skbuff.h>
#include <linux/types.h>

#include "xa_shim.h"
#include "xt_ACCOUNT.h"

#define ACC6_MAX_ADDRESSES_LIMIT (1u << 24)
#define ACC6_MAX_BUCKETS 16384u
#define ACC6_ADDRS_PER_BUCKET 4u

/* Module parameter ip6_max_addresses: addresses per IPv6 table. */
extern unsigned int acc_ip6_max_addresses;

/* One address of an IPv6 table, in the chain of its hash bucket. */
struct acc_ip6_entry {
	struct acc_ip6_entry *next;
	struct in6_addr addr;
	struct xa_account_counters c;
};

/* The addresses of an IPv6 table; replaced as a whole by a read-and-flush. */
struct acc_ip6_data {
	u32 itemcount; /* entries: at most ip6_max_addresses */
	u32 nbuckets;  /* a power of two */
	u64 uncounted; /* packets with an address beyond ip6_max_addresses */
	size_t bytes;  /* held, buckets included: counted against the namespace's bound */
	struct acc_ip6_entry *bucket[];
};

struct acc_table;

/* Hash buckets of an IPv6 table: about four of the addresses it can hold each. */
u32 acc_ip6_nbuckets(u8 prefix_len);
/* Empty counters for table t, as acc_data_alloc(). */
struct acc_ip6_data *acc_ip6_data_alloc(struct acc_table *t, bool within_bound);
/* Frees t's counters data, letting others run between buckets (may sleep). */
void acc_ip6_data_free(struct acc_table *t, struct acc_ip6_data *data);

/*
 * The addresses of buckets first..first + ACC6_READ_BUCKETS - 1 of data as
 * records: copies at most room of them to records and returns how many there
 * are, which may be more than room. A read copies that many buckets per hold
 * of the table's lock: about 4 * ACC6_READ_BUCKETS addresses.
 */
#define ACC6_READ_BUCKETS 64u
u32 acc_ip6_buckets_fill(const struct acc_ip6_data *data, u32 first,
			 struct xt_acc_handle_ip6 *records, u32 room);

/* Sorts records by address, ascending (hash order is random per table); may sleep. */
#define ACC6_SORT_BATCH 1024u
void acc_ip6_records_sort(struct xt_acc_handle_ip6 *records, u32 n);

/* The target of revision 2 (IPv6). */
unsigned int acc_ip6_tg(struct sk_buff *skb, const struct xt_action_param *par);

#endif /* XT_ACCOUNT_IPV6_H */
