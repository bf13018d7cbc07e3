// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_ACCOUNT: snapshots of tables in read handles (see xt_ACCOUNT_read.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "xt_ACCOUNT_table.h"

/* Addresses a table holds now: what a read of it returns. */
static u32 acc_itemcount(const struct acc_table *t)
{
	return t->family == NFPROTO_IPV6 ? t->data6->itemcount : t->data->itemcount;
}

/*
 * A buffer of records of size bytes for every address t has seen, returned
 * with t->lock held (the count only grows, and only while the lock is free);
 * NULL without it.
 */
static void *acc_records_alloc_locked(struct acc_table *t, size_t size, u32 *cap)
{
	/* Unlocked: only a first guess, checked under the lock. */
	u32 n = t->family == NFPROTO_IPV6 ? READ_ONCE(t->data6->itemcount)
					  : READ_ONCE(t->data->itemcount);
	void *records;

	for (;;) {
		/* Room for some addresses that appear before the lock is taken. */
		n += 64;
		records = kvmalloc_array(n, size, GFP_KERNEL);
		if (!records)
			return NULL;
		spin_lock_bh(&t->lock);
		if (acc_itemcount(t) <= n) {
			*cap = n;
			return records;
		}
		n = acc_itemcount(t);
		spin_unlock_bh(&t->lock);
		kvfree(records);
	}
}

/* Records of a table's current counters, taken while packets keep counting. */
static int acc_snapshot(struct acc_table *t, struct acc_handle *h)
{
	u32 cap;

	h->records = acc_records_alloc_locked(t, sizeof(struct ipt_acc_handle_ip), &cap);
	if (!h->records)
		return -ENOMEM;
	h->count = acc_records_fill(t, t->data, h->records, cap);
	spin_unlock_bh(&t->lock);
	return 0;
}

/*
 * Records of a table's counters, which restart from zero in the same step:
 * everything is allocated first, so that no packet can be lost.
 */
static int acc_snapshot_flush(struct acc_table *t, struct acc_handle *h)
{
	struct acc_data *fresh = acc_data_alloc(t->slot_bits), *old;
	u32 cap;

	if (!fresh)
		return -ENOMEM;
	h->records = acc_records_alloc_locked(t, sizeof(struct ipt_acc_handle_ip), &cap);
	if (!h->records) {
		acc_data_free(fresh);
		return -ENOMEM;
	}
	old = t->data;
	t->data = fresh;
	spin_unlock_bh(&t->lock);

	/* old is ours alone now: packets only reach t->data under t->lock. */
	h->count = acc_records_fill(t, old, h->records, cap);
	acc_data_free(old);
	return 0;
}

/*
 * Records of an IPv6 table's counters, in ascending address order, and its
 * uncounted packets; with flush, both restart from zero in the same step
 * (everything allocated first, as acc_snapshot_flush()).
 */
static int acc6_snapshot(struct acc_table *t, bool flush, struct acc_handle *h,
			 u64 *uncounted)
{
	struct acc6_data *fresh = NULL, *old;
	u32 cap;

	if (flush) {
		fresh = acc6_data_alloc(t->nbuckets);
		if (!fresh)
			return -ENOMEM;
	}
	h->records = acc_records_alloc_locked(t, sizeof(struct xt_acc_handle_ip6), &cap);
	if (!h->records) {
		acc6_data_free(fresh);
		return -ENOMEM;
	}
	if (flush) {
		old = t->data6;
		t->data6 = fresh;
		spin_unlock_bh(&t->lock);
		/* old is ours alone now: packets only reach t->data6 under t->lock. */
		h->count = acc6_records_fill(old, h->records, cap);
		*uncounted = old->uncounted;
		acc6_data_free(old);
	} else {
		h->count = acc6_records_fill(t->data6, h->records, cap);
		*uncounted = t->data6->uncounted;
		spin_unlock_bh(&t->lock);
	}
	acc6_records_sort(h->records, h->count);
	return 0;
}

void acc_handle_free(struct acc_handle *h)
{
	kvfree(h->records);
	*h = (struct acc_handle){};
}

int acc_prepare_read(struct acc_net *an, u8 family, bool flush,
		     const char name[ACCOUNT_TABLE_NAME_LEN], struct acc_read *r)
{
	struct acc_handle *h = NULL;
	struct acc_table *t;
	unsigned int i;
	int nr, ret;

	/* From userspace: no table has a name without its NUL (upstream: not found). */
	if (!memchr(name, '\0', ACCOUNT_TABLE_NAME_LEN))
		return -EINVAL;

	mutex_lock(&an->lock);
	nr = acc_table_find(an, name);
	/* Not found, as upstream (iptaccount: "does it exist?"); so are the other family's. */
	if (nr < 0 || an->tables[nr]->family != family) {
		ret = -EINVAL;
		goto out;
	}
	t = an->tables[nr];
	for (i = 0; i < ACCOUNT_MAX_HANDLES; i++) {
		if (!an->handles[i].used) {
			h = &an->handles[i];
			break;
		}
	}
	if (!h) {
		pr_info_ratelimited("all %d read handles in use\n", ACCOUNT_MAX_HANDLES);
		ret = -EBUSY;
		goto out;
	}
	r->uncounted = 0;
	if (family == NFPROTO_IPV6)
		ret = acc6_snapshot(t, flush, h, &r->uncounted);
	else if (flush)
		ret = acc_snapshot_flush(t, h);
	else
		ret = acc_snapshot(t, h);
	if (ret)
		goto out;
	h->used = true;
	h->family = family;
	r->handle_nr = i;
	r->itemcount = h->count;
out:
	mutex_unlock(&an->lock);
	return ret;
}

