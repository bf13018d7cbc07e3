// SPDX-License-Identifier: GPL-2.0-only
/*
 * xa_rangedb.ko: /proc/net/NAME of every namespace (NAME the match's module,
 * xt_geoip or xt_asn). Reading it lists the namespace's sets, one per line:
 *
 *   ipv4 keys=DE,FR ranges=12345 bytes=98800 rules=2
 *
 * (bytes: the kernel memory the set's ranges take, rounding included). Writing "reload" reads
 * every set's files again and replaces them all, or none when one fails (the
 * write then fails with its error, the reason in the kernel log). It needs
 * CAP_NET_ADMIN in the namespace's user namespace; the file belongs to its root.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/err.h>
#include <linux/netfilter.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/seq_file_net.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uidgid.h>

#include "xa_rangedb_int.h"

int xa_rangedb_reload(const struct xa_rangedb_kind *kind, struct net *net)
{
	struct xa_rangedb_net *rn = xa_rangedb_net(kind, net);
	struct xa_rangedb_ranges **fresh, *old;
	struct xa_rangedb_set *set;
	unsigned int bucket, n = 0, i = 0;
	int ret = 0;

	mutex_lock(&rn->lock);
	xa_rangedb_for_each_set(set, rn, bucket)
		n++;
	fresh = kcalloc(n ? n : 1, sizeof(*fresh), GFP_KERNEL);
	if (!fresh) {
		ret = -ENOMEM;
		goto out;
	}
	/* Every set read anew first: on any failure nothing changes. */
	xa_rangedb_for_each_set(set, rn, bucket) {
		fresh[i] = xa_rangedb_load(kind, set->family, set->keys, set->count);
		if (IS_ERR(fresh[i])) {
			ret = PTR_ERR(fresh[i]);
			goto undo;
		}
		i++;
	}
	i = 0;
	xa_rangedb_for_each_set(set, rn, bucket) {
		old = rcu_replace_pointer(set->ranges, fresh[i++], lockdep_is_held(&rn->lock));
		kvfree_rcu(old, rcu);
	}
	goto free;
undo:
	while (i > 0)
		kvfree(fresh[--i]);
free:
	kfree(fresh);
out:
	mutex_unlock(&rn->lock);
	return ret;
}

static const char *xa_rangedb_family_name(u8 family)
{
	return family == NFPROTO_IPV4 ? "ipv4" : "ipv6";
}

static int xa_rangedb_show(struct seq_file *m, void *v)
{
	const struct xa_rangedb_kind *kind = pde_data(file_inode(m->file));
	struct xa_rangedb_net *rn = xa_rangedb_net(kind, seq_file_single_net(m));
	const struct xa_rangedb_ranges *ranges;
	struct xa_rangedb_set *set;
	unsigned int bucket, i;
	char name[16];

	mutex_lock(&rn->lock);
	xa_rangedb_for_each_set(set, rn, bucket) {
		ranges = rcu_dereference_protected(set->ranges, lockdep_is_held(&rn->lock));
		seq_printf(m, "%s keys=", xa_rangedb_family_name(set->family));
		for (i = 0; i < set->count; i++) {
			kind->key_name(set->keys[i], name, sizeof(name));
			seq_printf(m, "%s%s", i ? "," : "", name);
		}
		seq_printf(m, " ranges=%zu bytes=%zu rules=%u\n", ranges->slots - 1,
			   ranges->bytes, set->refs);
	}
	mutex_unlock(&rn->lock);
	return 0;
}

static int xa_rangedb_write(struct file *file, char *buf, size_t size)
{
	const struct xa_rangedb_kind *kind = pde_data(file_inode(file));
	struct net *net = seq_file_single_net(file->private_data);

	if (!file_ns_capable(file, net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	if (!sysfs_streq(buf, "reload"))
		return -EINVAL;
	return xa_rangedb_reload(kind, net);
}

int xa_rangedb_proc_init(const struct xa_rangedb_kind *kind, struct net *net)
{
	struct proc_dir_entry *pde;
	kuid_t uid = make_kuid(net->user_ns, 0);
	kgid_t gid = make_kgid(net->user_ns, 0);

	pde = proc_create_net_single_write(kind->name, 0644, net->proc_net,
					   xa_rangedb_show, xa_rangedb_write,
					   (void *)kind);
	if (!pde)
		return -ENOMEM;
	/* The namespace's root administers it, as /proc/net itself. */
	if (uid_valid(uid) && gid_valid(gid))
		proc_set_user(pde, uid, gid);
	return 0;
}

void xa_rangedb_proc_exit(const struct xa_rangedb_kind *kind, struct net *net)
{
	remove_proc_entry(kind->name, net->proc_net);
}
