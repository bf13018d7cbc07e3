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
 * Memory: a table holds one pointer per /24 of its network (the root, 8 B
 * each: 512 KiB for a /8, 2 KiB for a /16, 8 B up to a /24). A /24 block
 * (128 B) and its groups of 16 addresses (512 B: four u64 counters each) are
 * allocated when the first packet of one of their addresses is counted. A
 * /24 thus costs 128 + 512 * (groups seen) bytes, at most 8320 B for all
 * 256 addresses (upstream: 16 KiB per /24 however few are seen).
 *
 * An IPv6 table holds the addresses seen in a chained hash table: 56 B per
 * address (a kmalloc-64 object), at most ip6_max_addresses of them, and a
 * bucket array of 8 B per bucket, a power of two of at most 16384 (128 KiB)
 * sized for four addresses per bucket. A table thus costs at most
 * 128 KiB + 64 B * ip6_max_addresses (about 4.1 MiB by default). The bucket
 * is chosen by SipHash-2-4 under a random per-table key, so senders cannot
 * aim addresses at one chain. Packets of addresses beyond the limit are
 * counted in the table's uncounted instead.
 *
 * Locking:
 * - acc_net.lock (mutex) serialises table creation/destruction, reference
 *   counts, table name lookups and the read handles of a namespace;
 * - acc_table.lock (spinlock, BH) protects the table's data and counters:
 *   packets of different tables never share a lock;
 * - a table lives as long as a rule refers to it, so the packet path finds
 *   it through the rule's table_nr without a lock: the slot is set before
 *   the rule is active and cleared after it is gone;
 * - the array of table slots is freed by whichever comes last, the
 *   namespace's exit or the destruction of its last table: ip_tables and
 *   nf_tables may tear their rules down after our exit has run.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/init.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/log2.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/overflow.h>
#include <linux/skbuff.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/sockptr.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>

#include "xa_shim.h"
#include "xt_ACCOUNT.h"

static unsigned int max_tables_limit = 128;
module_param(max_tables_limit, uint, 0444);
MODULE_PARM_DESC(max_tables_limit, "maximum number of tables per network namespace (default 128)");

static unsigned int ip6_max_addresses = ACCOUNT_IP6_MAX_ADDRESSES;
module_param(ip6_max_addresses, uint, 0444);
MODULE_PARM_DESC(ip6_max_addresses,
		 "maximum number of addresses per IPv6 table, 1..16777216 (default 65536)");

#define ACC6_MAX_ADDRESSES_LIMIT (1u << 24)
#define ACC6_MAX_BUCKETS 16384u
#define ACC6_ADDRS_PER_BUCKET 4u

#define ACC_GROUP_BITS 4 /* addresses per group: 16 */
#define ACC_BLOCK_BITS 8 /* addresses per block: 256, a /24 */
#define ACC_GROUP_SIZE (1u << ACC_GROUP_BITS)
#define ACC_BLOCK_GROUPS (1u << (ACC_BLOCK_BITS - ACC_GROUP_BITS))

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
	struct acc_block *block[];
};

/* One address of an IPv6 table, in the chain of its hash bucket. */
struct acc6_entry {
	struct acc6_entry *next;
	struct in6_addr addr;
	struct xa_account_counters c;
};

/* The addresses of an IPv6 table; replaced as a whole by a read-and-flush. */
struct acc6_data {
	u32 itemcount; /* entries: at most ip6_max_addresses */
	u32 nbuckets;  /* a power of two */
	u64 uncounted; /* packets with an address beyond ip6_max_addresses */
	struct acc6_entry *bucket[];
};

struct acc_table {
	char name[ACCOUNT_TABLE_NAME_LEN];
	u8 family; /* NFPROTO_IPV4 or NFPROTO_IPV6: which of the fields below */
	unsigned int refcount; /* rules using the table, under acc_net.lock */
	spinlock_t lock;
	/* IPv4 */
	__be32 net_ip, net_mask;
	struct xa_account_net net4; /* the same network, as packets are classified by */
	u32 slot_bits;
	struct acc_data *data; /* under lock; replaced only under acc_net.lock too */
	/* IPv6 */
	struct in6_addr net6;
	u8 prefix_len;
	u32 nbuckets;
	u64 hash_key[2];
	struct acc6_data *data6; /* as data */
};

/*
 * A snapshot taken by PREPARE_READ(6)(_FLUSH), read by GET_DATA(6):
 * struct ipt_acc_handle_ip or struct xt_acc_handle_ip6 records by family.
 */
struct acc_handle {
	bool used;
	u8 family;
	u32 count;
	void *records;
};

static unsigned int acc_net_id __read_mostly;

struct acc_net {
	struct mutex lock;
	struct acc_handle handles[ACCOUNT_MAX_HANDLES];
	/* max_tables_limit slots (a module parameter: pernet storage has a fixed size) */
	struct acc_table **tables;
	unsigned int nr_tables; /* tables alive, under lock */
	bool exited;            /* acc_net_exit has run, under lock */
};

static struct acc_net *acc_net(const struct net *net)
{
	return net_generic(net, acc_net_id);
}

/* Frees the slot array once the namespace has exited and its last table is gone. */
static void acc_net_put_tables(struct acc_net *an)
{
	lockdep_assert_held(&an->lock);
	if (an->exited && an->nr_tables == 0) {
		kfree(an->tables);
		an->tables = NULL;
	}
}

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

static struct acc_data *acc_data_alloc(u32 slot_bits)
{
	u32 nblocks = 1u << (slot_bits > ACC_BLOCK_BITS ?
			     slot_bits - ACC_BLOCK_BITS : 0);
	struct acc_data *data;

	data = kvzalloc(struct_size(data, block, nblocks), GFP_KERNEL);
	if (data)
		data->nblocks = nblocks;
	return data;
}

static void acc_data_free(struct acc_data *data)
{
	u32 b, g;

	if (!data)
		return;
	for (b = 0; b < data->nblocks; b++) {
		if (!data->block[b])
			continue;
		for (g = 0; g < ACC_BLOCK_GROUPS; g++)
			kfree(data->block[b]->group[g]);
		kfree(data->block[b]);
	}
	kvfree(data);
}

/*
 * acc_counters()'s slow path: allocates the block and group of a slot on its
 * first use; NULL when out of memory (the packet then goes uncounted for that
 * address). Called with t->lock held, slot checked against the table.
 */
static noinline struct xa_account_counters *acc_counters_alloc(struct acc_table *t, u32 slot)
{
	struct acc_block **block = &t->data->block[slot >> ACC_BLOCK_BITS];
	struct acc_group **group;

	if (!*block) {
		*block = kzalloc(sizeof(**block), GFP_ATOMIC);
		if (!*block)
			goto nomem;
	}
	group = &(*block)->group[(slot >> ACC_GROUP_BITS) % ACC_BLOCK_GROUPS];
	if (!*group) {
		*group = kzalloc(sizeof(**group), GFP_ATOMIC);
		if (!*group)
			goto nomem;
	}
	return &(*group)->ip[slot % ACC_GROUP_SIZE];

nomem:
	net_warn_ratelimited(KBUILD_MODNAME ": out of memory, packet not counted in table %s\n",
			     t->name);
	return NULL;
}

/*
 * The counters of a slot, allocated on first use; NULL when out of memory.
 * Called with t->lock held. Inlined: it runs for every packet and rule, and
 * a call costs more than the lookup.
 */
static __always_inline struct xa_account_counters *acc_counters(struct acc_table *t, u32 slot)
{
	struct acc_data *data = t->data;
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

/* The table of a rule; table_nr is the kernel's own copy, set by checkentry. */
static __always_inline struct acc_table *acc_rule_table(struct acc_net *an, s32 table_nr, u8 family)
{
	struct acc_table *t;

	if (WARN_ON_ONCE(table_nr < 0 || table_nr >= max_tables_limit))
		return NULL;
	t = READ_ONCE(an->tables[table_nr]);
	if (WARN_ON_ONCE(!t || t->family != family))
		return NULL;
	return t;
}

static unsigned int acc_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct ipt_acc_info *info = par->targinfo;
	const struct iphdr *iph = ip_hdr(skb);
	struct xa_account_counters *src = NULL, *dst = NULL;
	struct xa_account_hits hits;
	struct acc_table *t;

	t = acc_rule_table(acc_net(xt_net(par)), info->table_nr, NFPROTO_IPV4);
	if (!t)
		return XT_CONTINUE;

	hits = xa_account_classify_net(t->net4, iph->saddr, iph->daddr);
	if (!hits.which)
		return XT_CONTINUE;

	/* nf_tables may run the target with bottom halves enabled. */
	spin_lock_bh(&t->lock);
	if (hits.which & XA_ACCOUNT_HIT_SRC)
		src = acc_counters(t, hits.src_slot);
	if (hits.which & XA_ACCOUNT_HIT_DST)
		dst = acc_counters(t, hits.dst_slot);
	t->data->itemcount += xa_account_count(src, dst, ntohs(iph->tot_len));
	spin_unlock_bh(&t->lock);
	return XT_CONTINUE;
}

/* Hash buckets of an IPv6 table: about four of the addresses it can hold each. */
static u32 acc6_nbuckets(u8 prefix_len)
{
	u32 addrs = ip6_max_addresses;

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

static struct acc6_data *acc6_data_alloc(u32 nbuckets)
{
	struct acc6_data *data;

	data = kvzalloc(struct_size(data, bucket, nbuckets), GFP_KERNEL);
	if (data)
		data->nbuckets = nbuckets;
	return data;
}

static void acc6_data_free(struct acc6_data *data)
{
	struct acc6_entry *e, *next;
	u32 b;

	if (!data)
		return;
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
 * set) or when out of memory. Called with t->lock held.
 */
static struct xa_account_counters *acc6_counters(struct acc_table *t,
						 const struct in6_addr *addr,
						 bool *full)
{
	struct acc6_data *data = t->data6;
	struct acc6_entry **head, *e;

	lockdep_assert_held(&t->lock);
	head = &data->bucket[xa_account6_hash(t->hash_key, addr->s6_addr) &
			     (data->nbuckets - 1)];
	for (e = *head; e; e = e->next)
		if (ipv6_addr_equal(&e->addr, addr))
			return &e->c;
	if (data->itemcount >= ip6_max_addresses) {
		*full = true;
		return NULL;
	}
	e = kzalloc(sizeof(*e), GFP_ATOMIC);
	if (!e) {
		net_warn_ratelimited(KBUILD_MODNAME ": out of memory, packet not counted in table %s\n",
				     t->name);
		return NULL;
	}
	e->addr = *addr;
	e->next = *head;
	*head = e;
	data->itemcount++;
	return &e->c;
}

static unsigned int acc6_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_acc_info_v2 *info = par->targinfo;
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct xa_account_counters *src = NULL, *dst = NULL;
	struct in6_addr src_key, dst_key;
	struct acc6_data *data;
	struct acc_table *t;
	unsigned int hits, added;
	bool full = false;
	u32 bytes, before;

	t = acc_rule_table(acc_net(xt_net(par)), info->table_nr, NFPROTO_IPV6);
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

	spin_lock_bh(&t->lock);
	data = t->data6;
	before = data->itemcount;
	if (hits & XA_ACCOUNT_HIT_SRC)
		src = acc6_counters(t, &src_key, &full);
	if (hits & XA_ACCOUNT_HIT_DST)
		dst = acc6_counters(t, &dst_key, &full);
	added = xa_account_count(src, dst, bytes);
	/* The shim's new addresses are exactly the entries just added. */
	WARN_ON_ONCE(added != data->itemcount - before);
	if (full)
		data->uncounted++;
	spin_unlock_bh(&t->lock);
	if (full)
		net_warn_ratelimited(KBUILD_MODNAME ": table %s holds ip6_max_addresses=%u addresses, packet not counted for a new one\n",
				     t->name, ip6_max_addresses);
	return XT_CONTINUE;
}

/* Index of the table called name (of either family), or -1. */
static int acc_table_find(struct acc_net *an, const char *name)
{
	unsigned int i;

	lockdep_assert_held(&an->lock);
	for (i = 0; i < max_tables_limit; i++)
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

static void acc_table_free(struct acc_table *t)
{
	if (t->family == NFPROTO_IPV6) {
		acc6_data_free(t->data6);
		/* The key keeps senders from aiming at one bucket: leave it nowhere. */
		memzero_explicit(t->hash_key, sizeof(t->hash_key));
	} else {
		acc_data_free(t->data);
	}
	kfree(t);
}

/* The counters of a new table t describes; with its hash key for IPv6. */
static int acc_table_alloc_data(struct acc_table *t)
{
	if (t->family == NFPROTO_IPV6) {
		t->data6 = acc6_data_alloc(t->nbuckets);
		get_random_bytes(t->hash_key, sizeof(t->hash_key));
		return t->data6 ? 0 : -ENOMEM;
	}
	t->data = acc_data_alloc(t->slot_bits);
	return t->data ? 0 : -ENOMEM;
}

/*
 * Takes a reference on the table a rule names, creating it as want (name,
 * family, network) describes; returns its index.
 */
static int acc_table_get(struct acc_net *an, const struct acc_table *want)
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

	for (nr = 0; nr < max_tables_limit; nr++)
		if (!an->tables[nr])
			break;
	if (nr == max_tables_limit) {
		pr_info_ratelimited("no free table slot (max_tables_limit=%u), refusing table %s\n",
				    max_tables_limit, want->name);
		return -ENOSPC;
	}

	t = kmemdup(want, sizeof(*want), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
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

/* The index of the rule's table (shared or created), or an error; takes acc_net.lock. */
static int acc_rule_table_get(struct net *net, const struct acc_table *want)
{
	struct acc_net *an = acc_net(net);
	int nr;

	mutex_lock(&an->lock);
	nr = acc_table_get(an, want);
	mutex_unlock(&an->lock);
	return nr;
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

	nr = acc_rule_table_get(par->net, &want);
	if (nr < 0)
		return nr;
	/* Cached so that packets need no name lookup. */
	info->table_nr = nr;
	return 0;
}

static int acc6_tg_check(const struct xt_tgchk_param *par)
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
	want.nbuckets = acc6_nbuckets(info->prefix_len);

	nr = acc_rule_table_get(par->net, &want);
	if (nr < 0)
		return nr;
	info->table_nr = nr;
	return 0;
}

/* Drops a rule's reference on its table, freeing it with the last one. */
static void acc_table_put(struct net *net, s32 table_nr)
{
	struct acc_net *an = acc_net(net);
	struct acc_table *t;

	if (WARN_ON_ONCE(table_nr < 0 || table_nr >= max_tables_limit))
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

static void acc_tg_destroy(const struct xt_tgdtor_param *par)
{
	const struct ipt_acc_info *info = par->targinfo;

	acc_table_put(par->net, info->table_nr);
}

static void acc6_tg_destroy(const struct xt_tgdtor_param *par)
{
	const struct xt_acc_info_v2 *info = par->targinfo;

	acc_table_put(par->net, info->table_nr);
}

/*
 * Appends the seen addresses of data to records (at most cap of them) in
 * ascending order, as upstream lists them; returns how many.
 */
static u32 acc_records_fill(const struct acc_table *t, const struct acc_data *data,
			    struct ipt_acc_handle_ip *records, u32 cap)
{
	u32 n = 0, b, g, i;

	for (b = 0; b < data->nblocks; b++) {
		const struct acc_block *block = data->block[b];

		if (!block)
			continue;
		for (g = 0; g < ACC_BLOCK_GROUPS; g++) {
			const struct acc_group *group = block->group[g];

			if (!group)
				continue;
			for (i = 0; i < ACC_GROUP_SIZE; i++) {
				const struct xa_account_counters *c = &group->ip[i];
				u32 slot = (b << ACC_BLOCK_BITS) |
					   (g << ACC_GROUP_BITS) | i;
				u32 addr;

				if (!c->src_packets && !c->dst_packets)
					continue;
				if (WARN_ON_ONCE(n == cap) ||
				    !xa_account_slot_addr(t->net_ip, t->net_mask,
							  slot, &addr))
					return n;
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
	}
	return n;
}

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

/* Appends the addresses of data to records (at most cap); returns how many. */
static u32 acc6_records_fill(const struct acc6_data *data,
			     struct xt_acc_handle_ip6 *records, u32 cap)
{
	const struct acc6_entry *e;
	u32 n = 0, b;

	for (b = 0; b < data->nbuckets; b++) {
		for (e = data->bucket[b]; e; e = e->next) {
			if (WARN_ON_ONCE(n == cap))
				return n;
			memcpy(records[n].ip, e->addr.s6_addr, sizeof(records[n].ip));
			records[n].src_packets = e->c.src_packets;
			records[n].src_bytes = e->c.src_bytes;
			records[n].dst_packets = e->c.dst_packets;
			records[n].dst_bytes = e->c.dst_bytes;
			n++;
		}
	}
	return n;
}

static int acc6_record_cmp(const void *a, const void *b)
{
	const struct xt_acc_handle_ip6 *ra = a, *rb = b;

	return memcmp(ra->ip, rb->ip, sizeof(ra->ip));
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
	/* Hash order is random per table; userspace gets them sorted. */
	sort(h->records, h->count, sizeof(struct xt_acc_handle_ip6), acc6_record_cmp, NULL);
	return 0;
}

static void acc_handle_free(struct acc_handle *h)
{
	kvfree(h->records);
	*h = (struct acc_handle){};
}

/* What PREPARE_READ(6)(_FLUSH) returns. */
struct acc_read {
	u32 handle_nr;
	u32 itemcount;
	u64 uncounted; /* IPv6 only */
};

/* A snapshot of the table name of family, in a new handle. */
static int acc_prepare_read(struct acc_net *an, u8 family, bool flush,
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

/* Hands a new handle to userspace, or frees it: a handle nobody learns about would leak. */
static int acc_prepare_read_reply(struct acc_net *an, void __user *user,
				  const void *reply, size_t size, u32 handle_nr)
{
	if (!copy_to_user(user, reply, size))
		return 0;
	mutex_lock(&an->lock);
	acc_handle_free(&an->handles[handle_nr]);
	mutex_unlock(&an->lock);
	return -EFAULT;
}

/*
 * PREPARE_READ(6)(_FLUSH): the IPv6 argument is the IPv4 one with uncounted
 * appended, so one buffer of the longer type serves both.
 */
static_assert(offsetof(struct xt_acc_handle6_sockopt, name) ==
	      offsetof(struct ipt_acc_handle_sockopt, name));
static_assert(offsetof(struct xt_acc_handle6_sockopt, itemcount) ==
	      offsetof(struct ipt_acc_handle_sockopt, itemcount));
static_assert(offsetof(struct xt_acc_handle6_sockopt, uncounted) >=
	      sizeof(struct ipt_acc_handle_sockopt));

static int acc_prepare_read_ctl(struct acc_net *an, u8 family, bool flush,
				void __user *user, unsigned int len)
{
	size_t size = family == NFPROTO_IPV6 ? sizeof(struct xt_acc_handle6_sockopt)
					     : sizeof(struct ipt_acc_handle_sockopt);
	struct xt_acc_handle6_sockopt hs;
	struct acc_read r;
	int ret;

	if (len < size)
		return -EINVAL;
	if (copy_from_user(&hs, user, size))
		return -EFAULT;
	ret = acc_prepare_read(an, family, flush, hs.name, &r);
	if (ret)
		return ret;
	hs.handle_nr = r.handle_nr;
	hs.itemcount = r.itemcount;
	hs.uncounted = r.uncounted; /* beyond size for IPv4: not copied */
	return acc_prepare_read_reply(an, user, &hs, size, r.handle_nr);
}

/* GET_DATA(6): the records of a handle of family. */
static int acc_get_data(struct acc_net *an, u8 family, void __user *user,
			unsigned int len)
{
	size_t record_size = family == NFPROTO_IPV6 ? sizeof(struct xt_acc_handle_ip6)
						    : sizeof(struct ipt_acc_handle_ip);
	struct ipt_acc_handle_sockopt hs;
	struct acc_handle *h;
	size_t size;
	int ret = 0;

	if (len < sizeof(hs))
		return -EINVAL;
	if (copy_from_user(&hs, user, sizeof(hs)))
		return -EFAULT;
	if (hs.handle_nr >= ACCOUNT_MAX_HANDLES)
		return -EINVAL;

	mutex_lock(&an->lock);
	h = &an->handles[hs.handle_nr];
	if (!h->used || h->family != family) {
		ret = -EINVAL;
		goto out;
	}
	size = array_size(h->count, record_size);
	if (len < size) {
		ret = -ENOMEM; /* as upstream: the buffer must hold every record */
		goto out;
	}
	if (size && copy_to_user(user, h->records, size))
		ret = -EFAULT;
out:
	mutex_unlock(&an->lock);
	return ret;
}

/* The names of the tables of family, each with its NUL, then one more NUL. */
static int acc_get_table_names(struct acc_net *an, u8 family, void __user *user,
			       unsigned int len)
{
	size_t size = 1, pos = 0;
	unsigned int i;
	char *names;
	int ret = 0;

	mutex_lock(&an->lock);
	for (i = 0; i < max_tables_limit; i++)
		if (an->tables[i] && an->tables[i]->family == family)
			size += strlen(an->tables[i]->name) + 1;
	if (len < size) {
		ret = -ENOMEM; /* as upstream */
		goto out;
	}
	names = kvmalloc(size, GFP_KERNEL);
	if (!names) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < max_tables_limit; i++) {
		if (an->tables[i] && an->tables[i]->family == family) {
			size_t n = strlen(an->tables[i]->name) + 1;

			memcpy(names + pos, an->tables[i]->name, n);
			pos += n;
		}
	}
	names[pos] = '\0';
	if (copy_to_user(user, names, size))
		ret = -EFAULT;
	kvfree(names);
out:
	mutex_unlock(&an->lock);
	return ret;
}

static bool acc_capable(const struct sock *sk)
{
	/* Like ip_tables: admin of the socket's network namespace. */
	return ns_capable(sock_net(sk)->user_ns, CAP_NET_ADMIN);
}

static int acc_set_ctl(struct sock *sk, int cmd, sockptr_t arg, unsigned int len)
{
	struct acc_net *an = acc_net(sock_net(sk));
	struct ipt_acc_handle_sockopt hs;
	unsigned int i;

	if (!acc_capable(sk))
		return -EPERM;

	switch (cmd) {
	case IPT_SO_SET_ACCOUNT_HANDLE_FREE:
		if (len != sizeof(hs))
			return -EINVAL;
		if (copy_from_sockptr(&hs, arg, sizeof(hs)))
			return -EFAULT;
		if (hs.handle_nr >= ACCOUNT_MAX_HANDLES)
			return -EINVAL;
		mutex_lock(&an->lock);
		acc_handle_free(&an->handles[hs.handle_nr]);
		mutex_unlock(&an->lock);
		return 0;
	case IPT_SO_SET_ACCOUNT_HANDLE_FREE_ALL:
		mutex_lock(&an->lock);
		for (i = 0; i < ACCOUNT_MAX_HANDLES; i++)
			acc_handle_free(&an->handles[i]);
		mutex_unlock(&an->lock);
		return 0;
	default:
		return -EINVAL;
	}
}

static int acc_get_ctl(struct sock *sk, int cmd, void __user *user, int *len)
{
	struct acc_net *an = acc_net(sock_net(sk));
	struct ipt_acc_handle_sockopt hs;
	unsigned int i;

	if (!acc_capable(sk))
		return -EPERM;
	if (*len < 0)
		return -EINVAL;

	switch (cmd) {
	case IPT_SO_GET_ACCOUNT_PREPARE_READ:
	case IPT_SO_GET_ACCOUNT_PREPARE_READ_FLUSH:
		return acc_prepare_read_ctl(an, NFPROTO_IPV4,
					    cmd == IPT_SO_GET_ACCOUNT_PREPARE_READ_FLUSH, user, *len);
	case IPT_SO_GET_ACCOUNT_PREPARE_READ6:
	case IPT_SO_GET_ACCOUNT_PREPARE_READ6_FLUSH:
		return acc_prepare_read_ctl(an, NFPROTO_IPV6,
					    cmd == IPT_SO_GET_ACCOUNT_PREPARE_READ6_FLUSH, user, *len);
	case IPT_SO_GET_ACCOUNT_GET_DATA:
		return acc_get_data(an, NFPROTO_IPV4, user, *len);
	case IPT_SO_GET_ACCOUNT_GET_DATA6:
		return acc_get_data(an, NFPROTO_IPV6, user, *len);
	case IPT_SO_GET_ACCOUNT_GET_HANDLE_USAGE:
		if (*len < sizeof(hs))
			return -EINVAL;
		memset(&hs, 0, sizeof(hs));
		mutex_lock(&an->lock);
		for (i = 0; i < ACCOUNT_MAX_HANDLES; i++)
			hs.itemcount += an->handles[i].used;
		mutex_unlock(&an->lock);
		return copy_to_user(user, &hs, sizeof(hs)) ? -EFAULT : 0;
	case IPT_SO_GET_ACCOUNT_GET_TABLE_NAMES:
		return acc_get_table_names(an, NFPROTO_IPV4, user, *len);
	case IPT_SO_GET_ACCOUNT_GET_TABLE_NAMES6:
		return acc_get_table_names(an, NFPROTO_IPV6, user, *len);
	default:
		return -EINVAL;
	}
}

static int __net_init acc_net_init(struct net *net)
{
	struct acc_net *an = acc_net(net);

	an->tables = kcalloc(max_tables_limit, sizeof(*an->tables), GFP_KERNEL);
	if (!an->tables)
		return -ENOMEM;
	mutex_init(&an->lock);
	return 0;
}

/*
 * Rules may outlive this (ip_tables and nf_tables can tear down their rules
 * after us): their destroy frees the tables, and the last one frees the
 * slot array. The acc_net itself is generic storage, freed only after every
 * subsystem's exit.
 */
static void __net_exit acc_net_exit(struct net *net)
{
	struct acc_net *an = acc_net(net);
	unsigned int i;

	mutex_lock(&an->lock);
	for (i = 0; i < ACCOUNT_MAX_HANDLES; i++)
		acc_handle_free(&an->handles[i]);
	an->exited = true;
	acc_net_put_tables(an);
	mutex_unlock(&an->lock);
}

static struct pernet_operations acc_net_ops = {
	.init = acc_net_init,
	.exit = acc_net_exit,
	.id = &acc_net_id,
	.size = sizeof(struct acc_net),
};

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
		.target = acc6_tg,
		.targetsize = sizeof(struct xt_acc_info_v2),
		.usersize = offsetof(struct xt_acc_info_v2, table_nr),
		.checkentry = acc6_tg_check,
		.destroy = acc6_tg_destroy,
		.me = THIS_MODULE,
	},
};

static struct nf_sockopt_ops acc_sockopts = {
	.pf = PF_INET,
	.set_optmin = IPT_SO_SET_ACCOUNT_HANDLE_FREE,
	.set_optmax = IPT_SO_SET_ACCOUNT_MAX + 1,
	.set = acc_set_ctl,
	.get_optmin = IPT_SO_GET_ACCOUNT_PREPARE_READ,
	/* 83 is ipset's SO_IP_SET. */
	.get_optmax = IPT_SO_GET_ACCOUNT_MAX6 + 1,
	.get = acc_get_ctl,
	.owner = THIS_MODULE,
};

static int __init acc_tg_init(void)
{
	int ret;

	/* table_nr is an int32_t; keep the per-namespace array sane too. */
	if (max_tables_limit == 0 || max_tables_limit > 65536) {
		pr_err("max_tables_limit must be 1..65536, not %u\n", max_tables_limit);
		return -EINVAL;
	}
	if (ip6_max_addresses == 0 || ip6_max_addresses > ACC6_MAX_ADDRESSES_LIMIT) {
		pr_err("ip6_max_addresses must be 1..%u, not %u\n",
		       ACC6_MAX_ADDRESSES_LIMIT, ip6_max_addresses);
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
