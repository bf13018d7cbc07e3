// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_ACCOUNT's socket options: upstream's ABI (include/xt_ACCOUNT.h), read by
 * iptaccount and libxt_ACCOUNT_cl, and our IPv6 ones beside it.
 */
#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sockptr.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <net/sock.h>

#include "xt_ACCOUNT_sockopt.h"
#include "xt_ACCOUNT_table.h"

/* Hands a new handle to userspace, or frees it: a handle nobody learns about would leak. */
static int acc_prepare_read_reply(struct acc_net *an, void __user *user,
				  const void *reply, size_t size, u32 handle_nr)
{
	if (!copy_to_user(user, reply, size))
		return 0;
	mutex_lock(&an->lock);
	acc_handle_free(an, &an->handles[handle_nr]);
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
	for (i = 0; i < acc_max_tables; i++)
		if (an->tables[i] && an->tables[i]->family == family)
			size += strlen(an->tables[i]->name) + 1;
	if (len < size) {
		ret = -ENOMEM; /* as upstream */
		goto out;
	}
	names = kvmalloc(size, GFP_KERNEL_ACCOUNT);
	if (!names) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < acc_max_tables; i++) {
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
		acc_handle_free(an, &an->handles[hs.handle_nr]);
		mutex_unlock(&an->lock);
		return 0;
	case IPT_SO_SET_ACCOUNT_HANDLE_FREE_ALL:
		mutex_lock(&an->lock);
		for (i = 0; i < ACCOUNT_MAX_HANDLES; i++)
			acc_handle_free(an, &an->handles[i]);
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

struct nf_sockopt_ops acc_sockopts = {
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

