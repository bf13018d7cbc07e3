/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_ACCOUNT's IPv4 tables: per-address counters of a network of up to a
 * /8, indexed by the address's slot (its offset in the network).
 *
 * Memory: a table holds one pointer per /24 of its network (the root, 8 B
 * each: 512 KiB for a /8, 2 KiB for a /16, 8 B up to a /24). A /24 block
 * (128 B) and its groups of 16 addresses (512 B: four u64 counters each) are
 * allocated when the first packet of one of their addresses is counted. A
 * /24 thus costs 128 + 512 * (groups seen) bytes, at most 8320 B for all
 * 256 addresses (upstream: 16 KiB per /24 however few are seen).
 */
#ifndef XT_ACCOUNT_IPV4_H
#define XT_ACCOUNT_IPV4_H

#include <linux/netfilter/x_tables.h>
#include <linux/skbuff.h>
#include <linux/types.h>

#include "xa_shim.h"
#include "xt_ACCOUNT.h"

#define ACC_GROUP_BITS 4 /* addresses per group: 16 */
#define ACC_BLOCK_BITS 8 /* addresses per block: 256, a /24 */
#define ACC_GROUP_SIZE (1u << ACC_GROUP_BITS)
#define ACC_BLOCK_SIZE (1u << ACC_BLOCK_BITS)
#define ACC_BLOCK_GROUPS (1u << (ACC_BLOCK_BITS - ACC_GROUP_BITS))

struct acc_table;

struct acc_group {
	struct xa_account_counters ip[ACC_GROUP_SIZE];
};

struct acc_block {
	struct acc_group *group[ACC_BLOCK_GROUPS];
};

/* The counters of one table; replaced as a whole by a read-and-flush. */
struct acc_data {
	u32 itemcount; /* addresses seen: what a read returns */
	u32 nblocks;
	size_t bytes;  /* held, root included: counted against the namespace's bound */
	struct acc_block *block[];
};

/*
 * Empty counters for table t (process context): within its namespace's
 * bound (a new table: NULL over it, logged) or regardless (a read-and-flush
 * replacing counters of the same size).
 */
struct acc_data *acc_data_alloc(struct acc_table *t, bool within_bound);
/* Frees t's counters data, letting others run between blocks (may sleep). */
void acc_data_free(struct acc_table *t, struct acc_data *data);

/*
 * The seen addresses of block b of data as records, in ascending order (as
 * upstream lists them): copies at most room of them to records and returns
 * how many there are (at most ACC_BLOCK_SIZE), which may be more than room.
 */
u32 acc_block_fill(const struct acc_table *t, const struct acc_data *data, u32 b,
		   struct ipt_acc_handle_ip *records, u32 room);

/* The target of revision 1 (IPv4). */
unsigned int acc_tg(struct sk_buff *skb, const struct xt_action_param *par);

#endif /* XT_ACCOUNT_IPV4_H */
