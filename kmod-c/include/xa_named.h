/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xa_named: a per-network-namespace registry of named objects shared by the
 * rules that name them, each with a file in /proc/net/<dir>/ (pknock's rule
 * names; condition's variables, quota2's counters, DNETMAP's prefixes).
 * Module xa_named.ko.
 *
 * An extension embeds struct xa_named in its object and struct
 * xa_named_table in its per-namespace data (pernet_operations.size),
 * describes its objects in a struct xa_named_class, and calls:
 *
 *   pernet init/exit:   xa_named_table_init() / xa_named_table_exit()
 *   checkentry:         xa_named_get(): a use of the name, created on first use
 *   destroy:            xa_named_put(): the last use frees the object
 *   packet path:        xa_named_find_rcu() under rcu_read_lock()
 *   a listing:          xa_named_walk()
 *   module exit:        xa_named_barrier(), after the matches are unregistered
 *
 * What the registry guarantees, so that no extension has to get it right:
 * - Uses are counted per name under the table's mutex. iptables-legacy runs
 *   checkentry of a new table before destroy of the old one, so an object
 *   and its state survive a table replace.
 * - Files are created and removed in process context under the table's
 *   mutex, never under a spinlock; the last put removes the file before the
 *   name can be created again, and waits for its readers. Each file belongs
 *   to the root of the namespace's user namespace (xa_named_own()), so a
 *   class's mode may be 0400 in a container or an `unshare -Urn` namespace. An object file's
 *   handlers must therefore not call into the registry (xa_named_walk() of
 *   the same table would wait for the mutex the remover holds).
 * - The namespace's exit removes the directory and every file but frees no
 *   object: pernet exits run in reverse order of registration, so rules may
 *   be destroyed after it (ip_tables and nf_tables tear tables down in their
 *   own exits); their puts free the objects. The table itself lives in the
 *   namespace's pernet storage, which the kernel frees only after every exit
 *   method has run, so those late puts find it; its buckets go with the
 *   exit or with the last put after it, whichever comes last.
 * - An object leaves the lookup before its class's free runs, and free runs
 *   after an RCU grace period (in a work item, so that a table replace
 *   dropping many names does not wait for one grace period per name): a
 *   packet that found it under RCU is done. xa_named_barrier() waits for
 *   pending frees: the extension's module calls it before it goes away.
 *
 * Locking: the table's mutex covers creation, use counts, removal and walks;
 * it is taken in process context only. Objects protect their own state.
 */
#ifndef XA_NAMED_H
#define XA_NAMED_H

#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct net;

/* Longest name: a /proc file name, like the rule names of upstream's matches. */
#define XA_NAMED_MAX_LEN 31

/* Embedded in an extension's object; the registry owns every field. */
struct xa_named {
	struct hlist_node node;      /* in the table, RCU */
	struct proc_dir_entry *proc; /* NULL once the namespace exits */
	const struct xa_named_class *class;
	struct rcu_work free_work;   /* class->free after a grace period */
	unsigned int uses;           /* rules naming it; the table's mutex */
	unsigned int len;
	char name[XA_NAMED_MAX_LEN + 1];
};

/* What an extension's objects are; one static instance per extension. */
struct xa_named_class {
	const char *dir;                 /* the directory in /proc/net */
	umode_t mode;                    /* of each object's file */
	/* Of each object's file; pde_data(inode) is the object's struct xa_named. */
	const struct proc_ops *proc_ops;
	/* A new object for the rule data `arg`, or an ERR_PTR. Process context. */
	struct xa_named *(*alloc)(const void *arg);
	/* Frees an object nothing can reach any more. Process context. */
	void (*free)(struct xa_named *obj);
};

struct xa_named_heads;

/* One namespace's objects of a class, in the namespace's pernet data. */
struct xa_named_table {
	struct mutex lock;
	struct net *net;                 /* whose pernet data holds the table */
	const struct xa_named_class *class;
	struct proc_dir_entry *dir;      /* NULL once the namespace exits */
	struct xa_named_heads __rcu *heads; /* the buckets */
	unsigned int buckets;
	unsigned int count;              /* objects in the table */
	u32 seed;
	bool exited;
};

/* Pernet init: an empty table of `buckets` and the directory /proc/net/<class->dir>. */
int xa_named_table_init(struct xa_named_table *table, struct net *net,
			const struct xa_named_class *class, unsigned int buckets);
/* Pernet exit: removes the directory and files; objects stay until their last put. */
void xa_named_table_exit(struct xa_named_table *table);

/*
 * checkentry: one more use of `name` (`len` bytes, 1 to XA_NAMED_MAX_LEN, a
 * valid file name), allocated by class->alloc(arg) with its file on first
 * use. Returns the object or an ERR_PTR (-EINVAL for a bad name, alloc's
 * error, -ENOMEM when the file cannot be created, -ENODEV once the
 * namespace has exited).
 */
struct xa_named *xa_named_get(struct xa_named_table *table, const char *name,
			      unsigned int len, const void *arg);
/*
 * destroy: one use less; the last removes the file and unlinks the object,
 * which class->free gets after a grace period.
 */
void xa_named_put(struct xa_named_table *table, const char *name, unsigned int len);

/* The object called `name`, NULL if none. Under rcu_read_lock(). */
struct xa_named *xa_named_find_rcu(struct xa_named_table *table, const char *name,
				   unsigned int len);

/* Calls fn(obj, data) for each object, under the table's mutex (fn must not sleep long). */
void xa_named_walk(struct xa_named_table *table,
		   void (*fn)(struct xa_named *obj, void *data), void *data);

/*
 * Gives `pde` to the root of the user namespace that owns `net`, when that
 * root is mapped (else it stays the initial namespace's root's). Called for
 * each object's file as it is created: a namespace made with `unshare -Urn`
 * gets its uid map only after the network namespace exists, so an owner
 * resolved at pernet init would be the initial namespace's root, and a mode
 * of 0400 would shut the namespace's own root out.
 */
void xa_named_own(const struct net *net, struct proc_dir_entry *pde);

/* Waits until every object put so far is freed. Process context. */
void xa_named_barrier(void);

#endif /* XA_NAMED_H */
