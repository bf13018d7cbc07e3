// SPDX-License-Identifier: GPL-2.0-only
/*
 * xa_named: the per-network-namespace registry of named objects with /proc
 * files. The contract is in include/xa_named.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/string.h>
#include <linux/uidgid.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "xa_named.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xtables-addons-rs: per-namespace registry of named objects with /proc files");

/* Runs the classes' free functions, each after a grace period. */
static struct workqueue_struct *xa_named_wq;

/* A table's buckets: apart from the pernet data, whose size is fixed at build time. */
struct xa_named_heads {
	struct rcu_head rcu;
	struct hlist_head head[];
};

static struct xa_named_heads *xa_named_heads_locked(struct xa_named_table *table)
{
	return rcu_dereference_protected(table->heads, lockdep_is_held(&table->lock));
}

/* After the namespace's exit and its last object: nothing can look any more. */
static void xa_named_heads_free(struct xa_named_table *table)
{
	struct xa_named_heads *heads = xa_named_heads_locked(table);

	if (table->exited && table->count == 0 && heads) {
		RCU_INIT_POINTER(table->heads, NULL);
		kvfree_rcu(heads, rcu);
	}
}

/* A file name proc accepts: no '/', not "." or "..", no NUL inside. */
static bool xa_named_valid(const char *name, unsigned int len)
{
	if (len == 0 || len > XA_NAMED_MAX_LEN || memchr(name, '\0', len) ||
	    memchr(name, '/', len))
		return false;
	return !(name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')));
}

static struct hlist_head *xa_named_bucket(const struct xa_named_table *table,
					  struct xa_named_heads *heads,
					  const char *name, unsigned int len)
{
	return &heads->head[reciprocal_scale(jhash(name, len, table->seed),
					     table->buckets)];
}

/* Under rcu_read_lock() or the table's mutex. */
static struct xa_named *xa_named_find(struct xa_named_table *table,
				      struct xa_named_heads *heads,
				      const char *name, unsigned int len)
{
	struct xa_named *obj;

	hlist_for_each_entry_rcu(obj, xa_named_bucket(table, heads, name, len), node,
				 lockdep_is_held(&table->lock))
		if (obj->len == len && memcmp(obj->name, name, len) == 0)
			return obj;
	return NULL;
}

struct xa_named *xa_named_find_rcu(struct xa_named_table *table, const char *name,
				   unsigned int len)
{
	struct xa_named_heads *heads = rcu_dereference(table->heads);

	if (!heads || len == 0 || len > XA_NAMED_MAX_LEN)
		return NULL;
	return xa_named_find(table, heads, name, len);
}
EXPORT_SYMBOL_GPL(xa_named_find_rcu);

void xa_named_own(const struct net *net, struct proc_dir_entry *pde)
{
	kuid_t uid = make_kuid(net->user_ns, 0);
	kgid_t gid = make_kgid(net->user_ns, 0);

	if (uid_valid(uid) && gid_valid(gid))
		proc_set_user(pde, uid, gid);
}
EXPORT_SYMBOL_GPL(xa_named_own);

static struct xa_named *xa_named_create(struct xa_named_table *table,
					const char *name, unsigned int len,
					const void *arg)
{
	const struct xa_named_class *class = table->class;
	struct xa_named *obj;

	lockdep_assert_held(&table->lock);
	obj = class->alloc(arg);
	if (IS_ERR(obj))
		return obj;
	memcpy(obj->name, name, len);
	obj->name[len] = '\0';
	obj->len = len;
	obj->class = class;
	obj->uses = 1;
	obj->proc = proc_create_data(obj->name, class->mode, table->dir,
				     class->proc_ops, obj);
	if (!obj->proc)
		goto err_free;
	xa_named_own(table->net, obj->proc);
	hlist_add_head_rcu(&obj->node,
			   xa_named_bucket(table, xa_named_heads_locked(table), name, len));
	table->count++;
	return obj;

err_free:
	class->free(obj);
	return ERR_PTR(-ENOMEM);
}

struct xa_named *xa_named_get(struct xa_named_table *table, const char *name,
			      unsigned int len, const void *arg)
{
	struct xa_named *obj;

	if (!xa_named_valid(name, len))
		return ERR_PTR(-EINVAL);
	mutex_lock(&table->lock);
	/* Nothing creates rules in a namespace on its way out; refuse anyway. */
	if (table->exited) {
		obj = ERR_PTR(-ENODEV);
		goto out;
	}
	obj = xa_named_find(table, xa_named_heads_locked(table), name, len);
	if (obj)
		obj->uses++;
	else
		obj = xa_named_create(table, name, len, arg);
out:
	mutex_unlock(&table->lock);
	return obj;
}
EXPORT_SYMBOL_GPL(xa_named_get);

static void xa_named_free_work(struct work_struct *work)
{
	struct xa_named *obj = container_of(to_rcu_work(work), struct xa_named, free_work);

	obj->class->free(obj);
}

void xa_named_put(struct xa_named_table *table, const char *name, unsigned int len)
{
	struct xa_named_heads *heads;
	struct xa_named *obj;

	if (!xa_named_valid(name, len))
		return;
	mutex_lock(&table->lock);
	heads = xa_named_heads_locked(table);
	obj = heads ? xa_named_find(table, heads, name, len) : NULL;
	if (!obj || --obj->uses > 0) {
		mutex_unlock(&table->lock);
		return;
	}
	/* Under the mutex: the name is not free again until its file is gone. */
	proc_remove(obj->proc);
	hlist_del_rcu(&obj->node);
	table->count--;
	xa_named_heads_free(table);
	mutex_unlock(&table->lock);

	INIT_RCU_WORK(&obj->free_work, xa_named_free_work);
	queue_rcu_work(xa_named_wq, &obj->free_work);
}
EXPORT_SYMBOL_GPL(xa_named_put);

void xa_named_walk(struct xa_named_table *table,
		   void (*fn)(struct xa_named *obj, void *data), void *data)
{
	struct xa_named_heads *heads;
	struct xa_named *obj;
	unsigned int i;

	mutex_lock(&table->lock);
	heads = xa_named_heads_locked(table);
	for (i = 0; heads && i < table->buckets; i++)
		hlist_for_each_entry(obj, &heads->head[i], node)
			fn(obj, data);
	mutex_unlock(&table->lock);
}
EXPORT_SYMBOL_GPL(xa_named_walk);

int xa_named_table_init(struct xa_named_table *table, struct net *net,
			const struct xa_named_class *class, unsigned int buckets)
{
	struct xa_named_heads *heads;
	unsigned int i;

	mutex_init(&table->lock);
	table->net = net;
	table->class = class;
	table->seed = get_random_u32();
	table->buckets = buckets;
	table->count = 0;
	table->exited = false;
	heads = kvmalloc(struct_size(heads, head, buckets), GFP_KERNEL_ACCOUNT);
	if (!heads)
		return -ENOMEM;
	for (i = 0; i < buckets; i++)
		INIT_HLIST_HEAD(&heads->head[i]);
	table->dir = proc_mkdir(class->dir, net->proc_net);
	if (!table->dir) {
		pr_err("cannot create /proc/net/%s\n", class->dir);
		kvfree(heads);
		return -ENOMEM;
	}
	RCU_INIT_POINTER(table->heads, heads);
	return 0;
}
EXPORT_SYMBOL_GPL(xa_named_table_init);

void xa_named_table_exit(struct xa_named_table *table)
{
	struct xa_named_heads *heads;
	struct xa_named *obj;
	unsigned int i;

	mutex_lock(&table->lock);
	/* Removes every object's file too, once its readers are done. */
	proc_remove(table->dir);
	table->dir = NULL;
	heads = xa_named_heads_locked(table);
	for (i = 0; i < table->buckets; i++)
		hlist_for_each_entry(obj, &heads->head[i], node)
			obj->proc = NULL;
	table->exited = true;
	xa_named_heads_free(table);
	mutex_unlock(&table->lock);
}
EXPORT_SYMBOL_GPL(xa_named_table_exit);

void xa_named_barrier(void)
{
	/* Every queued free is first an RCU callback, then a work item. */
	rcu_barrier();
	flush_workqueue(xa_named_wq);
}
EXPORT_SYMBOL_GPL(xa_named_barrier);

static int __init xa_named_init(void)
{
	/* Frees need no particular CPU; 7.2 warns when neither WQ_UNBOUND nor WQ_PERCPU is given. */
	xa_named_wq = alloc_workqueue("xa_named", WQ_UNBOUND, 0);
	return xa_named_wq ? 0 : -ENOMEM;
}

static void __exit xa_named_exit(void)
{
	destroy_workqueue(xa_named_wq);
}

module_init(xa_named_init);
module_exit(xa_named_exit);
