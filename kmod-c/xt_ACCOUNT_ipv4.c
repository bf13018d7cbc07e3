// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_ACCOUNT: IPv4 tables and the IPv4 target (see xt_ACCOUNT_ipv4.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/netfilter.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "xt_ACCOUNT_table.h"

struct acc_data *acc_data_alloc(struct acc_table *t, bool within_bound)
{
	u32 nblocks = 1u << (t->slot_bits > ACC_BLOCK_BITS ?
			     t->slot_bits - ACC_BLOCK_BITS : 0);
	struct acc_data *data;
	size_t size = struct_size(data, block, nblocks);

	data = acc_table_root_alloc(t, size, within_bound);
	if (data) {
		data->nblocks = nblocks;
		data->bytes = size;
	}
	return data;
}

void acc_data_free(struct acc_table *t, struct acc_data *data)
{
	u32 b, g;

	if (!data)
		return;
	acc_table_uncharge(t, data->bytes);
	for (b = 0; b < data->nblocks; b++) {
		if (!data->block[b])
			continue;
		for (g = 0; g < ACC_BLOCK_GROUPS; g++)
			kfree(data->block[b]->group[g]);
		kfree(data->block[b]);
		/* A full /8 is a million objects: let others run. */
		cond_resched();
	}
	kvfree(data);
}

/*
 * acc_counters()'s slow path: allocates the block and group of a slot on its
 * first use; NULL when out of memory or over the namespace's bound (the
 * packet then goes uncounted for that address). The slot is checked against
 * the table.
 */
static noinline struct xa_account_counters *acc_counters_alloc(struct acc_table *t, u32 slot)
{
	struct acc_data *data = t->data;
	struct acc_block **block = &data->block[slot >> ACC_BLOCK_BITS];
	struct acc_group **group;

	lockdep_assert_held(&t->lock);
	if (!*block) {
		*block = acc_table_counters_alloc(t, sizeof(**block), &data->bytes);
		if (!*block)
			return NULL;
	}
	group = &(*block)->group[(slot >> ACC_GROUP_BITS) % ACC_BLOCK_GROUPS];
	if (!*group) {
		*group = acc_table_counters_alloc(t, sizeof(**group), &data->bytes);
		if (!*group)
			return NULL;
	}
	return &(*group)->ip[slot % ACC_GROUP_SIZE];
}

/*
 * The counters of a slot in data (t's counters), allocated on first use;
 * NULL when out of memory.
 * Inlined: it runs for every packet and rule, and a call costs more than
 * the lookup.
 */
static __always_inline struct xa_account_counters *acc_counters(struct acc_table *t,
								  struct acc_data *data, u32 slot)
{
	u32 b = slot >> ACC_BLOCK_BITS;
	struct acc_block *block;
	struct acc_group *group;

	lockdep_assert_held(&t->lock);
	/* The shim keeps slots inside the table; never trust that with memory. */
	if (WARN_ON_ONCE(b >= data->nblocks))
		return NULL;
	block = data->block[b];
	if (unlikely(!block))
		return acc_counters_alloc(t, slot);
	group = block->group[(slot >> ACC_GROUP_BITS) % ACC_BLOCK_GROUPS];
	if (unlikely(!group))
		return acc_counters_alloc(t, slot);
	return &group->ip[slot % ACC_GROUP_SIZE];
}

/*
 * The bytes a packet counts: its IP total length, which a BIG TCP GSO packet
 * over 64 KiB (kernels since 6.3) leaves 0; its length is then the skb's, as
 * the kernel's iph_totlen() has it.
 */
static __always_inline u32 acc_ip_len(const struct sk_buff *skb, const struct iphdr *iph)
{
	u32 len = ntohs(iph->tot_len);

	if (likely(len) || !skb_is_gso(skb) || !skb_is_gso_tcp(skb))
		return len;
	return skb->len - skb_network_offset(skb);
}

/* acc_tg() with bottom halves disabled. */
static __always_inline unsigned int acc_tg_bh_off(struct sk_buff *skb,
						   const struct xt_action_param *par)
{
	const struct ipt_acc_info *info = par->targinfo;
	const struct iphdr *iph = ip_hdr(skb);
	struct xa_account_counters *src = NULL, *dst = NULL;
	struct xa_account_hits hits;
	struct acc_data *data;
	struct acc_table *t;
	u32 bytes = acc_ip_len(skb, iph);

	t = acc_rule_table(xt_net(par), info->table_nr, NFPROTO_IPV4);
	if (!t)
		return XT_CONTINUE;

	hits = xa_account_classify_net(t->net4, iph->saddr, iph->daddr);
	if (!hits.which)
		return XT_CONTINUE;

	spin_lock(&t->lock);
	data = t->data;
	if (hits.which & XA_ACCOUNT_HIT_SRC)
		src = acc_counters(t, data, hits.src_slot);
	if (hits.which & XA_ACCOUNT_HIT_DST)
		dst = acc_counters(t, data, hits.dst_slot);
	/* src and dst may be the same address: counted as new once. */
	data->itemcount += acc_count(t, src, true, bytes);
	data->itemcount += acc_count(t, dst, false, bytes);
	spin_unlock(&t->lock);
	return XT_CONTINUE;
}

unsigned int acc_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	return acc_with_bh_disabled(acc_tg_bh_off(skb, par));
}

u32 acc_block_fill(const struct acc_table *t, const struct acc_data *data, u32 b,
		   struct ipt_acc_handle_ip *records, u32 room)
{
	const struct acc_block *block = data->block[b];
	u32 n = 0, g, i;

	if (!block)
		return 0;
	for (g = 0; g < ACC_BLOCK_GROUPS; g++) {
		const struct acc_group *group = block->group[g];

		if (!group)
			continue;
		for (i = 0; i < ACC_GROUP_SIZE; i++) {
			const struct xa_account_counters *c = &group->ip[i];
			u32 slot = (b << ACC_BLOCK_BITS) | (g << ACC_GROUP_BITS) | i;
			u32 addr;

			if (!c->src_packets && !c->dst_packets)
				continue;
			/* The shim gave the slot for an address of the table. */
			if (WARN_ON_ONCE(!xa_account_slot_addr(t->net_ip, t->net_mask,
							       slot, &addr)))
				continue;
			if (n < room)
				records[n] = (struct ipt_acc_handle_ip){
					.ip = addr,
					.src_packets = c->src_packets,
					.src_bytes = c->src_bytes,
					.dst_packets = c->dst_packets,
					.dst_bytes = c->dst_bytes,
				};
			n++;
		}
	}
	return n;
}
