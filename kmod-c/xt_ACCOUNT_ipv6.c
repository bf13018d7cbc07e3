// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_ACCOUNT: IPv6 tables and the IPv6 target (see xt_ACCOUNT_ipv6.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ipv6.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/netfilter.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <net/ipv6.h>

#include "xt_ACCOUNT_table.h"

u32 acc_ip6_nbuckets(u8 prefix_len)
{
	u32 addrs = acc_ip6_max_addresses;

	/*
	 * ::/0 counts the one address ::. Only a network longer than /97 has
	 * fewer than 2^31 addresses, possibly fewer than ip6_max_addresses.
	 */
	if (prefix_len == 0)
		addrs = 1;
	else if (prefix_len > 128 - 31)
		addrs = min(addrs, 1u << (128 - prefix_len));
	return min(roundup_pow_of_two(DIV_ROUND_UP(addrs, ACC6_ADDRS_PER_BUCKET)),
		   (unsigned long)ACC6_MAX_BUCKETS);
}

struct acc_ip6_data *acc_ip6_data_alloc(struct acc_table *t, bool within_bound)
{
	struct acc_ip6_data *data;
	size_t size = struct_size(data, bucket, t->nbuckets);

	data = acc_table_root_alloc(t, size, within_bound);
	if (data) {
		data->nbuckets = t->nbuckets;
		data->bytes = size;
	}
	return data;
}

void acc_ip6_data_free(struct acc_table *t, struct acc_ip6_data *data)
{
	struct acc_ip6_entry *e, *next;
	u32 b;

	if (!data)
		return;
	acc_table_uncharge(t, data->bytes);
	for (b = 0; b < data->nbuckets; b++) {
		for (e = data->bucket[b]; e; e = next) {
			next = e->next;
			kfree(e);
		}
		/* Up to ip6_max_addresses entries: let others run. */
		cond_resched();
	}
	kvfree(data);
}

/*
 * The counters of an address of an IPv6 table, added when first seen; NULL
 * when the table already holds ip6_max_addresses addresses (*full is then
 * set), when out of memory or over the namespace's bound.
 */
static struct xa_account_counters *acc_ip6_counters(struct acc_table *t,
						    const struct in6_addr *addr,
						    bool *full)
{
	struct acc_ip6_data *data = t->data6;
	struct acc_ip6_entry **head, *e;

	lockdep_assert_held(&t->lock);
	head = &data->bucket[xa_account6_hash(t->hash_key, addr->s6_addr) &
			     (data->nbuckets - 1)];
	for (e = *head; e; e = e->next)
		if (ipv6_addr_equal(&e->addr, addr))
			return &e->c;
	if (data->itemcount >= acc_ip6_max_addresses) {
		*full = true;
		return NULL;
	}
	e = acc_table_counters_alloc(t, sizeof(*e), &data->bytes);
	if (!e)
		return NULL;
	e->addr = *addr;
	e->next = *head;
	*head = e;
	data->itemcount++;
	return &e->c;
}

/* acc_ip6_tg() with bottom halves disabled. */
static __always_inline unsigned int acc_ip6_tg_bh_off(struct sk_buff *skb,
						       const struct xt_action_param *par)
{
	const struct xt_acc_info_v2 *info = par->targinfo;
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct xa_account_counters *src = NULL, *dst = NULL;
	struct in6_addr src_key, dst_key;
	struct acc_ip6_data *data;
	struct acc_table *t;
	unsigned int hits, added;
	bool full = false;
	u32 bytes, before;

	t = acc_rule_table(xt_net(par), info->table_nr, NFPROTO_IPV6);
	if (!t)
		return XT_CONTINUE;

	hits = xa_account6_classify(t->net6.s6_addr, t->prefix_len,
				    ip6h->saddr.s6_addr, ip6h->daddr.s6_addr,
				    src_key.s6_addr, dst_key.s6_addr);
	if (!hits)
		return XT_CONTINUE;
	/* payload_len 0: a jumbogram (RFC 2675), as long as the skb says. */
	if (ip6h->payload_len)
		bytes = ntohs(ip6h->payload_len) + sizeof(*ip6h);
	else
		bytes = skb->len - skb_network_offset(skb);

	spin_lock(&t->lock);
	data = t->data6;
	before = data->itemcount;
	if (hits & XA_ACCOUNT_HIT_SRC)
		src = acc_ip6_counters(t, &src_key, &full);
	if (hits & XA_ACCOUNT_HIT_DST)
		dst = acc_ip6_counters(t, &dst_key, &full);
	added = acc_count(t, src, true, bytes) + acc_count(t, dst, false, bytes);
	/* The new addresses counted are exactly the entries just added. */
	WARN_ON_ONCE(added != data->itemcount - before);
	if (full)
		data->uncounted++;
	spin_unlock(&t->lock);
	if (full)
		net_warn_ratelimited("table %s holds ip6_max_addresses=%u addresses, packet not counted for a new one\n",
				     t->name, acc_ip6_max_addresses);
	return XT_CONTINUE;
}

unsigned int acc_ip6_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	return acc_with_bh_disabled(acc_ip6_tg_bh_off(skb, par));
}

u32 acc_ip6_buckets_fill(const struct acc_ip6_data *data, u32 first,
			 struct xt_acc_handle_ip6 *records, u32 room)
{
	u32 last = min(first + ACC6_READ_BUCKETS, data->nbuckets), n = 0, b;
	const struct acc_ip6_entry *e;

	for (b = first; b < last; b++) {
		for (e = data->bucket[b]; e; e = e->next) {
			if (n < room) {
				memcpy(records[n].ip, e->addr.s6_addr, sizeof(records[n].ip));
				records[n].src_packets = e->c.src_packets;
				records[n].src_bytes = e->c.src_bytes;
				records[n].dst_packets = e->c.dst_packets;
				records[n].dst_bytes = e->c.dst_bytes;
			}
			n++;
		}
	}
	return n;
}

static bool acc_ip6_record_less(const struct xt_acc_handle_ip6 *a,
				const struct xt_acc_handle_ip6 *b)
{
	return memcmp(a->ip, b->ip, sizeof(a->ip)) < 0;
}

/* Moves records[i] down the max-heap records[0..n) to its place. */
static void acc_ip6_sift_down(struct xt_acc_handle_ip6 *records, u32 i, u32 n)
{
	u32 child;

	/* n is at most 2^24 and some: 2 * i + 2 cannot wrap. */
	while ((child = 2 * i + 1) < n) {
		if (child + 1 < n && acc_ip6_record_less(&records[child], &records[child + 1]))
			child++;
		if (!acc_ip6_record_less(&records[i], &records[child]))
			return;
		swap(records[i], records[child]);
		i = child;
	}
}

/*
 * A heapsort of our own rather than the kernel's sort(): a table of up to
 * 2^24 addresses must not keep the CPU for seconds, so this one lets others
 * run every ACC6_SORT_BATCH sift-downs.
 */
void acc_ip6_records_sort(struct xt_acc_handle_ip6 *records, u32 n)
{
	u32 i;

	for (i = n / 2; i-- > 0;) {
		acc_ip6_sift_down(records, i, n);
		if (i % ACC6_SORT_BATCH == 0)
			cond_resched();
	}
	for (i = n; i-- > 1;) {
		swap(records[0], records[i]);
		acc_ip6_sift_down(records, 0, i);
		if (i % ACC6_SORT_BATCH == 0)
			cond_resched();
	}
}
