// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_ACCOUNT: per-address packet and byte counters for whole IPv4 networks
 * (up to a /8), read by iptaccount / libxt_ACCOUNT_cl through socket options.
 *
 * Compatible with xtables-addons' ACCOUNT target (revision 1): same module
 * name and parameter, same struct ipt_acc_info, same sockopts and records
 * (include/xt_ACCOUNT.h), see xt_ACCOUNT(8). Which counters a packet updates
 * and how they count is decided by the xa_account_* functions of xa_shim.ko.
 *
 * Memory: a table holds one pointer per /24 of its network (the root, 8 B
 * each: 512 KiB for a /8, 2 KiB for a /16, 8 B up to a /24). A /24 block
 * (128 B) and its groups of 16 addresses (512 B: four u64 counters each) are
 * allocated when the first packet of one of their addresses is counted. A
 * /24 thus costs 128 + 512 * (groups seen) bytes, at most 8320 B for all
 * 256 addresses (upstream: 16 KiB per /24 however few are seen).
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
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/overflow.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/sockptr.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>

#include "xa_shim.h"
#include "xt_ACCOUNT.h"

static unsigned int max_tables_limit = 128;
module_param(max_tables_limit, uint, 0444);
MODULE_PARM_DESC(max_tables_limit, "maximum number of tables per network namespace (default 128)");

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

struct acc_table {
	char name[ACCOUNT_TABLE_NAME_LEN];
	__be32 net_ip, net_mask;
	u32 slot_bits;
	unsigned int refcount; /* rules using the table, under acc_net.lock */
	spinlock_t lock;
	struct acc_data *data; /* under lock; replaced only under acc_net.lock too */
};

/* A snapshot taken by PREPARE_READ(_FLUSH), read by GET_DATA. */
struct acc_handle {
	bool used;
	u32 count;
	struct ipt_acc_handle_ip *records;
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
 * The counters of a slot, allocated on first use; NULL when out of memory
 * (the packet then goes uncounted for that address). Called with t->lock held.
 */
static inline struct xa_account_counters *acc_counters(struct acc_table *t, u32 slot)
{
	struct acc_data *data = t->data;
	u32 b = slot >> ACC_BLOCK_BITS, g;
	struct acc_block *block;
	struct acc_group *group;

	lockdep_assert_held(&t->lock);
	/* The shim keeps slots inside the table; never trust that with memory. */
	if (WARN_ON_ONCE(b >= data->nblocks))
		return NULL;
	block = data->block[b];
	if (unlikely(!block)) {
		block = kzalloc(sizeof(*block), GFP_ATOMIC);
		if (!block)
			goto nomem;
		data->block[b] = block;
	}
	g = (slot >> ACC_GROUP_BITS) % ACC_BLOCK_GROUPS;
	group = block->group[g];
	if (unlikely(!group)) {
		group = kzalloc(sizeof(*group), GFP_ATOMIC);
		if (!group)
			goto nomem;
		block->group[g] = group;
	}
	return &group->ip[slot % ACC_GROUP_SIZE];

nomem:
	net_warn_ratelimited(KBUILD_MODNAME ": out of memory, packet not counted in table %s\n",
			     t->name);
	return NULL;
}

static unsigned int acc_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct ipt_acc_info *info = par->targinfo;
	struct acc_net *an = acc_net(xt_net(par));
	const struct iphdr *iph = ip_hdr(skb);
	struct xa_account_counters *src = NULL, *dst = NULL;
	struct acc_table *t;
	u32 src_slot, dst_slot;
	unsigned int hits;

	/* table_nr is the kernel's own copy, set by acc_tg_check(). */
	if (WARN_ON_ONCE(info->table_nr < 0 || info->table_nr >= max_tables_limit))
		return XT_CONTINUE;
	t = READ_ONCE(an->tables[info->table_nr]);
	if (WARN_ON_ONCE(!t))
		return XT_CONTINUE;

	hits = xa_account_classify(t->net_ip, t->net_mask, iph->saddr,
				   iph->daddr, &src_slot, &dst_slot);
	if (!hits)
		return XT_CONTINUE;

	/* nf_tables may run the target with bottom halves enabled. */
	spin_lock_bh(&t->lock);
	if (hits & XA_ACCOUNT_HIT_SRC)
		src = acc_counters(t, src_slot);
	if (hits & XA_ACCOUNT_HIT_DST)
		dst = acc_counters(t, dst_slot);
	t->data->itemcount += xa_account_count(src, dst, ntohs(iph->tot_len));
	spin_unlock_bh(&t->lock);
	return XT_CONTINUE;
}

/* Index of the table called name, or -1. */
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

/* Takes a reference on the rule's table, creating it; returns its index. */
static int acc_table_get(struct acc_net *an, const struct ipt_acc_info *info,
			 u32 slot_bits)
{
	struct acc_table *t;
	int nr;

	lockdep_assert_held(&an->lock);
	nr = acc_table_find(an, info->table_name);
	if (nr >= 0) {
		t = an->tables[nr];
		if (t->net_ip != info->net_ip || t->net_mask != info->net_mask) {
			pr_info_ratelimited("table %s exists for %pI4/%pI4, refusing %pI4/%pI4\n",
					    t->name, &t->net_ip, &t->net_mask,
					    &info->net_ip, &info->net_mask);
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
				    max_tables_limit, info->table_name);
		return -ENOSPC;
	}

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->data = acc_data_alloc(slot_bits);
	if (!t->data) {
		kfree(t);
		return -ENOMEM;
	}
	/* xa_account_check() found the NUL inside the buffer. */
	strscpy(t->name, info->table_name, sizeof(t->name));
	t->net_ip = info->net_ip;
	t->net_mask = info->net_mask;
	t->slot_bits = slot_bits;
	t->refcount = 1;
	spin_lock_init(&t->lock);
	WRITE_ONCE(an->tables[nr], t);
	an->nr_tables++;
	return nr;
}

static int acc_tg_check(const struct xt_tgchk_param *par)
{
	struct ipt_acc_info *info = par->targinfo;
	struct acc_net *an = acc_net(par->net);
	u32 slot_bits;
	int status, nr;

	status = xa_account_check(info->net_ip, info->net_mask,
				  info->table_name, sizeof(info->table_name),
				  &slot_bits);
	if (status != XA_ACCOUNT_OK) {
		pr_info_ratelimited("rule refused: %s\n", acc_status_str(status));
		return -EINVAL;
	}

	mutex_lock(&an->lock);
	nr = acc_table_get(an, info, slot_bits);
	mutex_unlock(&an->lock);
	if (nr < 0)
		return nr;
	/* Cached so that packets need no name lookup. */
	info->table_nr = nr;
	return 0;
}

static void acc_tg_destroy(const struct xt_tgdtor_param *par)
{
	const struct ipt_acc_info *info = par->targinfo;
	struct acc_net *an = acc_net(par->net);
	struct acc_table *t;

	if (WARN_ON_ONCE(info->table_nr < 0 || info->table_nr >= max_tables_limit))
		return;
	mutex_lock(&an->lock);
	t = an->tables[info->table_nr];
	if (!WARN_ON_ONCE(!t) && --t->refcount == 0) {
		/* No rule refers to the table any more: no packet can reach it. */
		WRITE_ONCE(an->tables[info->table_nr], NULL);
		acc_data_free(t->data);
		kfree(t);
		an->nr_tables--;
		acc_net_put_tables(an);
	}
	mutex_unlock(&an->lock);
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

/*
 * A records buffer for every address t has seen, returned with t->lock held
 * (the count only grows, and only while the lock is free); NULL without it.
 */
static struct ipt_acc_handle_ip *acc_records_alloc_locked(struct acc_table *t, u32 *cap)
{
	struct ipt_acc_handle_ip *records;
	u32 n = READ_ONCE(t->data->itemcount);

	for (;;) {
		/* Room for some addresses that appear before the lock is taken. */
		n += 64;
		records = kvmalloc_array(n, sizeof(*records), GFP_KERNEL);
		if (!records)
			return NULL;
		spin_lock_bh(&t->lock);
		if (t->data->itemcount <= n) {
			*cap = n;
			return records;
		}
		n = t->data->itemcount;
		spin_unlock_bh(&t->lock);
		kvfree(records);
	}
}

/* Records of a table's current counters, taken while packets keep counting. */
static int acc_snapshot(struct acc_table *t, struct acc_handle *h)
{
	u32 cap;

	h->records = acc_records_alloc_locked(t, &cap);
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
	h->records = acc_records_alloc_locked(t, &cap);
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

static void acc_handle_free(struct acc_handle *h)
{
	kvfree(h->records);
	*h = (struct acc_handle){};
}

static int acc_prepare_read(struct acc_net *an, bool flush,
			    struct ipt_acc_handle_sockopt *hs)
{
	struct acc_handle *h = NULL;
	unsigned int i;
	int nr, ret;

	/* From userspace: no table has a name without its NUL (upstream: not found). */
	if (!memchr(hs->name, '\0', sizeof(hs->name)))
		return -EINVAL;

	mutex_lock(&an->lock);
	nr = acc_table_find(an, hs->name);
	if (nr < 0) {
		ret = -EINVAL; /* as upstream; iptaccount reports "does it exist?" */
		goto out;
	}
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
	if (flush)
		ret = acc_snapshot_flush(an->tables[nr], h);
	else
		ret = acc_snapshot(an->tables[nr], h);
	if (ret)
		goto out;
	h->used = true;
	hs->handle_nr = i;
	hs->itemcount = h->count;
out:
	mutex_unlock(&an->lock);
	return ret;
}

static int acc_get_data(struct acc_net *an, void __user *user, unsigned int len)
{
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
	if (!h->used) {
		ret = -EINVAL;
		goto out;
	}
	size = array_size(h->count, sizeof(*h->records));
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

/* Every table name with its NUL, then one more NUL. */
static int acc_get_table_names(struct acc_net *an, void __user *user,
			       unsigned int len)
{
	size_t size = 1, pos = 0;
	unsigned int i;
	char *names;
	int ret = 0;

	mutex_lock(&an->lock);
	for (i = 0; i < max_tables_limit; i++)
		if (an->tables[i])
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
		if (an->tables[i]) {
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
	int ret;

	if (!acc_capable(sk))
		return -EPERM;
	if (*len < 0)
		return -EINVAL;

	switch (cmd) {
	case IPT_SO_GET_ACCOUNT_PREPARE_READ:
	case IPT_SO_GET_ACCOUNT_PREPARE_READ_FLUSH:
		if (*len < sizeof(hs))
			return -EINVAL;
		if (copy_from_user(&hs, user, sizeof(hs)))
			return -EFAULT;
		ret = acc_prepare_read(an, cmd == IPT_SO_GET_ACCOUNT_PREPARE_READ_FLUSH, &hs);
		if (ret)
			return ret;
		/* A handle nobody learns about would leak until FREE_ALL. */
		if (copy_to_user(user, &hs, sizeof(hs))) {
			mutex_lock(&an->lock);
			acc_handle_free(&an->handles[hs.handle_nr]);
			mutex_unlock(&an->lock);
			return -EFAULT;
		}
		return 0;
	case IPT_SO_GET_ACCOUNT_GET_DATA:
		return acc_get_data(an, user, *len);
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
		return acc_get_table_names(an, user, *len);
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

static struct xt_target acc_tg_reg __read_mostly = {
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
};

static struct nf_sockopt_ops acc_sockopts = {
	.pf = PF_INET,
	.set_optmin = IPT_SO_SET_ACCOUNT_HANDLE_FREE,
	.set_optmax = IPT_SO_SET_ACCOUNT_MAX + 1,
	.set = acc_set_ctl,
	.get_optmin = IPT_SO_GET_ACCOUNT_PREPARE_READ,
	.get_optmax = IPT_SO_GET_ACCOUNT_MAX + 1,
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
	ret = register_pernet_subsys(&acc_net_ops);
	if (ret)
		return ret;
	ret = nf_register_sockopt(&acc_sockopts);
	if (ret) {
		pr_err("cannot register sockopts %d..%d (another ACCOUNT module loaded?)\n",
		       IPT_SO_SET_ACCOUNT_HANDLE_FREE, IPT_SO_GET_ACCOUNT_MAX);
		goto err_pernet;
	}
	ret = xt_register_target(&acc_tg_reg);
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
	xt_unregister_target(&acc_tg_reg);
	nf_unregister_sockopt(&acc_sockopts);
	unregister_pernet_subsys(&acc_net_ops);
}

module_init(acc_tg_init);
module_exit(acc_tg_exit);

MODULE_DESCRIPTION("Xtables: per-IP accounting of IPv4 networks (ACCOUNT target)");
MODULE_AUTHOR("xtables-addons-rs developers");
MODULE_LICENSE("GPL");
MODULE_ALIAS("ipt_ACCOUNT");
