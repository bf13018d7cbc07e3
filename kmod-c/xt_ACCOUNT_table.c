// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_ACCOUNT: the tables of a namespace, by name (see xt_ACCOUNT_table.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/ipv6.h>

#include "xt_ACCOUNT_table.h"

int acc_table_find(struct acc_net *an, const char *name)
{
	unsigned int i;

	lockdep_assert_held(&an->lock);
	for (i = 0; i < acc_max_tables; i++)
		if (an->tables[i] &&
		    strncmp(an->tables[i]->name, name, ACCOUNT_TABLE_NAME_LEN) == 0)
			return i;
	return -1;
}

/* A table's network as the refusal messages show it. */
static void acc_table_net_str(const struct acc_table *t, char *buf, size_t size)
{
	if (t->family == NFPROTO_IPV6)
		snprintf(buf, size, "%pI6c/%u", &t->net6, t->prefix_len);
	else
		snprintf(buf, size, "%pI4/%pI4", &t->net_ip, &t->net_mask);
}

static bool acc_table_same_net(const struct acc_table *a, const struct acc_table *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == NFPROTO_IPV6)
		return a->prefix_len == b->prefix_len && ipv6_addr_equal(&a->net6, &b->net6);
	return a->net_ip == b->net_ip && a->net_mask == b->net_mask;
}

void *acc_table_root_alloc(struct acc_table *t, size_t size, bool within_bound)
{
	struct mem_cgroup *old;
	void *p;

	if (!within_bound) {
		acc_net_table_add(t->an, size);
	} else if (!acc_net_table_charge(t->an, size)) {
		pr_info_ratelimited("table %s refused: the namespace's tables would hold more than netns_max_table_kb=%u KiB\n",
				    t->name, READ_ONCE(acc_netns_max_table_kb));
		return NULL;
	}
	old = acc_memcg_enter(t);
	p = kvzalloc(size, GFP_KERNEL_ACCOUNT);
	acc_memcg_exit(old);
	if (!p)
		acc_table_uncharge(t, size);
	return p;
}

void *acc_table_counters_alloc(struct acc_table *t, size_t size, size_t *held)
{
	struct mem_cgroup *old;
	void *p;

	lockdep_assert_held(&t->lock);
	if (!acc_net_table_charge(t->an, size)) {
		net_warn_ratelimited("table %s: the namespace's tables hold netns_max_table_kb=%u KiB, packet not counted for a new address\n",
				     t->name, READ_ONCE(acc_netns_max_table_kb));
		return NULL;
	}
	/*
	 * In softirq context too: set_active_memcg() then charges the
	 * creator's cgroup. Not GFP_ATOMIC: its __GFP_HIGH would let the
	 * charge exceed the cgroup's limit, and accounting needs no reserves.
	 */
	old = acc_memcg_enter(t);
	p = kzalloc(size, GFP_NOWAIT | __GFP_NOWARN | __GFP_ACCOUNT);
	acc_memcg_exit(old);
	if (!p) {
		acc_table_uncharge(t, size);
		net_warn_ratelimited("out of memory, packet not counted in table %s\n", t->name);
		return NULL;
	}
	*held += size;
	return p;
}

static void acc_table_free(struct acc_table *t)
{
	if (t->family == NFPROTO_IPV6) {
		acc_ip6_data_free(t, t->data6);
		/* The key keeps senders from aiming at one bucket: leave it nowhere. */
		memzero_explicit(t->hash_key, sizeof(t->hash_key));
	} else {
		acc_data_free(t, t->data);
	}
	mem_cgroup_put(t->memcg);
	kfree(t);
}

/* The counters of a new table t describes, within the bound; with its hash key for IPv6. */
static int acc_table_alloc_data(struct acc_table *t)
{
	if (t->family == NFPROTO_IPV6) {
		t->data6 = acc_ip6_data_alloc(t, true);
		get_random_bytes(t->hash_key, sizeof(t->hash_key));
		return t->data6 ? 0 : -ENOMEM;
	}
	t->data = acc_data_alloc(t, true);
	return t->data ? 0 : -ENOMEM;
}

static int acc_table_get_locked(struct acc_net *an, const struct acc_table *want)
{
	char have_net[64], want_net[64];
	struct acc_table *t;
	int nr;

	lockdep_assert_held(&an->lock);
	nr = acc_table_find(an, want->name);
	if (nr >= 0) {
		t = an->tables[nr];
		if (!acc_table_same_net(t, want)) {
			acc_table_net_str(t, have_net, sizeof(have_net));
			acc_table_net_str(want, want_net, sizeof(want_net));
			pr_info_ratelimited("table %s exists for %s, refusing %s\n",
					    t->name, have_net, want_net);
			return -EINVAL;
		}
		t->refcount++;
		return nr;
	}

	for (nr = 0; nr < acc_max_tables; nr++)
		if (!an->tables[nr])
			break;
	if (nr == acc_max_tables) {
		pr_info_ratelimited("no free table slot (max_tables_limit=%u), refusing table %s\n",
				    acc_max_tables, want->name);
		return -ENOSPC;
	}

	t = kmemdup(want, sizeof(*want), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	t->an = an;
	/* Whoever makes the table pays for its counters, whoever's packets fill them. */
	t->memcg = get_mem_cgroup_from_mm(current->mm);
	if (acc_table_alloc_data(t)) {
		acc_table_free(t);
		return -ENOMEM;
	}
	t->refcount = 1;
	spin_lock_init(&t->lock);
	WRITE_ONCE(an->tables[nr], t);
	an->nr_tables++;
	return nr;
}

int acc_table_get(struct net *net, const struct acc_table *want)
{
	struct acc_net *an = acc_net(net);
	int nr;

	mutex_lock(&an->lock);
	nr = acc_table_get_locked(an, want);
	mutex_unlock(&an->lock);
	return nr;
}

void acc_table_put(struct net *net, s32 table_nr)
{
	struct acc_net *an = acc_net(net);
	struct acc_table *t;

	if (WARN_ON_ONCE(table_nr < 0 || table_nr >= acc_max_tables))
		return;
	mutex_lock(&an->lock);
	t = an->tables[table_nr];
	if (!WARN_ON_ONCE(!t) && --t->refcount == 0) {
		/* No rule refers to the table any more: no packet can reach it. */
		WRITE_ONCE(an->tables[table_nr], NULL);
		acc_table_free(t);
		an->nr_tables--;
		acc_net_put_tables(an);
	}
	mutex_unlock(&an->lock);
}
