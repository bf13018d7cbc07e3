// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_ACCOUNT: snapshots of tables in read handles (see xt_ACCOUNT_read.h).
 *
 * No loop runs long with bottom halves off: a read copies a table one chunk
 * (a /24 block of an IPv4 table, ACC6_READ_BUCKETS buckets of an IPv6 one)
 * per hold of its lock and lets others run between chunks; a read-and-flush
 * swaps the counters out under the lock and copies and frees them without.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "xt_ACCOUNT_table.h"

/* Room for addresses that appear while a read runs. */
#define ACC_READ_SLACK 256u

/*
 * Records being gathered for a handle of the namespace an, from table t;
 * room grows between chunks, outside the table's lock, counted against the
 * namespace's bound and charged to the reader's memory cgroup.
 */
struct acc_records {
	struct acc_net *an;
	const struct acc_table *t;
	void *buf;
	size_t record_size;
	u32 n, cap;
};

static size_t acc_records_bytes(const struct acc_records *r, u32 cap)
{
	return (size_t)cap * r->record_size;
}

/* Frees r's buffer and counts it off the bound. */
static void acc_records_release(struct acc_records *r)
{
	kvfree(r->buf);
	acc_net_read_uncharge(r->an, acc_records_bytes(r, r->cap));
	r->buf = NULL;
	r->cap = 0;
}

/* At least want records of room in r, the ones already there kept. */
static int acc_records_reserve(struct acc_records *r, u32 want)
{
	size_t more;
	void *buf;
	int ret;

	if (want <= r->cap)
		return 0;
	/* The old buffer is counted until it is freed: growing briefly needs both. */
	more = acc_records_bytes(r, want);
	ret = acc_net_read_charge(r->an, more, r->t->name);
	if (ret)
		return ret;
	buf = kvmalloc_array(want, r->record_size, GFP_KERNEL_ACCOUNT);
	if (!buf) {
		acc_net_read_uncharge(r->an, more);
		return -ENOMEM;
	}
	if (r->n)
		memcpy(buf, r->buf, r->n * r->record_size);
	acc_records_release(r);
	r->buf = buf;
	r->cap = want;
	return 0;
}

/* A table's counters: struct acc_data or struct acc_ip6_data by family. */
static void *acc_table_data(const struct acc_table *t)
{
	return t->family == NFPROTO_IPV6 ? (void *)t->data6 : (void *)t->data;
}

/*
 * Addresses in a table's counters: what a read of them returns. Without the
 * table's lock only a guess, which packets may overtake.
 */
static u32 acc_data_itemcount(const struct acc_table *t, const void *data)
{
	return t->family == NFPROTO_IPV6 ? READ_ONCE(((const struct acc_ip6_data *)data)->itemcount)
					 : READ_ONCE(((const struct acc_data *)data)->itemcount);
}

/* Chunks of a table's counters a read copies one at a time: /24 blocks or bucket ranges. */
static u32 acc_data_chunks(const struct acc_table *t, const void *data)
{
	return t->family == NFPROTO_IPV6 ?
	       DIV_ROUND_UP(((const struct acc_ip6_data *)data)->nbuckets, ACC6_READ_BUCKETS) :
	       ((const struct acc_data *)data)->nblocks;
}

/* Copies chunk c of data behind r's records (at most the room left); returns how many it has. */
static u32 acc_chunk_fill(const struct acc_table *t, const void *data, u32 c,
			  struct acc_records *r)
{
	void *out = r->buf + r->n * r->record_size;

	if (t->family == NFPROTO_IPV6)
		return acc_ip6_buckets_fill(data, c * ACC6_READ_BUCKETS, out, r->cap - r->n);
	return acc_block_fill(t, data, c, out, r->cap - r->n);
}

/*
 * Records of the table's counters while packets keep counting: one chunk per
 * hold of the lock, with room made between holds for addresses that appeared.
 */
static int acc_snapshot_live(struct acc_net *an, struct acc_table *t,
			     struct acc_records *r)
{
	const void *data = acc_table_data(t);
	u32 c = 0, got, chunks = acc_data_chunks(t, data);
	int ret;

	/* data is replaced (read-and-flush) only under an->lock. */
	lockdep_assert_held(&an->lock);
	ret = acc_records_reserve(r, acc_data_itemcount(t, data) + ACC_READ_SLACK);
	while (!ret && c < chunks) {
		spin_lock_bh(&t->lock);
		got = acc_chunk_fill(t, data, c, r);
		spin_unlock_bh(&t->lock);
		if (got > r->cap - r->n) {
			/* More than the room left: make room, copy the chunk again. */
			ret = acc_records_reserve(r, r->n + got + ACC_READ_SLACK);
			continue;
		}
		r->n += got;
		c++;
		cond_resched();
	}
	return ret;
}

/*
 * Records of the table's counters, which restart from zero in the same step.
 * The records' room is made first and the counters swapped only when it
 * holds them all, so that no packet can be lost; the old counters, which no
 * packet reaches any more, are then copied and freed without the lock.
 */
static int acc_snapshot_flush(struct acc_net *an, struct acc_table *t,
			      struct acc_records *r, u64 *uncounted)
{
	void *fresh, *old;
	u32 c, chunks, want;
	int ret;

	lockdep_assert_held(&an->lock);
	/* Replaces counters of the same size: not refused at the bound. */
	fresh = t->family == NFPROTO_IPV6 ? (void *)acc_ip6_data_alloc(t, false)
					  : (void *)acc_data_alloc(t, false);
	if (!fresh)
		return -ENOMEM;
	want = acc_data_itemcount(t, acc_table_data(t)) + ACC_READ_SLACK;
	for (;;) {
		ret = acc_records_reserve(r, want);
		if (ret)
			goto free_fresh;
		spin_lock_bh(&t->lock);
		old = acc_table_data(t);
		want = acc_data_itemcount(t, old);
		if (want <= r->cap)
			break;
		spin_unlock_bh(&t->lock);
		want += ACC_READ_SLACK;
	}
	if (t->family == NFPROTO_IPV6)
		t->data6 = fresh;
	else
		t->data = fresh;
	spin_unlock_bh(&t->lock);

	chunks = acc_data_chunks(t, old);
	for (c = 0; c < chunks; c++) {
		r->n += min(acc_chunk_fill(t, old, c, r), r->cap - r->n);
		cond_resched();
	}
	/* The count only grows under the lock: nothing was added since the swap. */
	WARN_ON_ONCE(r->n != want);
	if (t->family == NFPROTO_IPV6) {
		*uncounted = ((struct acc_ip6_data *)old)->uncounted;
		acc_ip6_data_free(t, old);
	} else {
		acc_data_free(t, old);
	}
	return 0;

free_fresh:
	if (t->family == NFPROTO_IPV6)
		acc_ip6_data_free(t, fresh);
	else
		acc_data_free(t, fresh);
	return ret;
}

void acc_handle_free(struct acc_net *an, struct acc_handle *h)
{
	lockdep_assert_held(&an->lock);
	kvfree(h->records);
	acc_net_read_uncharge(an, h->bytes);
	*h = (struct acc_handle){};
}

int acc_prepare_read(struct acc_net *an, u8 family, bool flush,
		     const char name[ACCOUNT_TABLE_NAME_LEN], struct acc_read *r)
{
	struct acc_records rec = { .an = an };
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
	rec.t = t;
	rec.record_size = family == NFPROTO_IPV6 ? sizeof(struct xt_acc_handle_ip6)
						 : sizeof(struct ipt_acc_handle_ip);
	r->uncounted = 0;
	if (flush) {
		ret = acc_snapshot_flush(an, t, &rec, &r->uncounted);
	} else {
		ret = acc_snapshot_live(an, t, &rec);
		if (!ret && family == NFPROTO_IPV6) {
			spin_lock_bh(&t->lock);
			r->uncounted = t->data6->uncounted;
			spin_unlock_bh(&t->lock);
		}
	}
	if (ret) {
		acc_records_release(&rec);
		goto out;
	}
	if (family == NFPROTO_IPV6)
		acc_ip6_records_sort(rec.buf, rec.n);
	*h = (struct acc_handle){
		.used = true,
		.family = family,
		.count = rec.n,
		.records = rec.buf,
		.bytes = acc_records_bytes(&rec, rec.cap),
	};
	r->handle_nr = i;
	r->itemcount = rec.n;
out:
	mutex_unlock(&an->lock);
	return ret;
}

