/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_ACCOUNT's state of one network namespace: the slots of its tables (a
 * rule's table_nr indexes them), its read handles and the memory both hold.
 *
 * Locking: acc_net.lock (a mutex) serialises table creation and
 * destruction, reference counts, table name lookups and the read handles of
 * a namespace. The array of table slots is freed by whichever comes last,
 * the namespace's exit or the destruction of its last table: ip_tables and
 * nf_tables may tear their rules down after our exit has run.
 *
 * Memory: CAP_NET_ADMIN in a namespace is no privilege on the host (any user
 * may make a user and network namespace), so a namespace other than the
 * initial one may hold at most netns_max_table_kb of counters in its tables
 * and netns_max_read_kb of records in its read handles. Both are also charged
 * to memory cgroups: counters to the cgroup of the table's creator (whoever's
 * packet or read makes them grow), records to the reader's.
 */
#ifndef XT_ACCOUNT_NET_H
#define XT_ACCOUNT_NET_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "xt_ACCOUNT.h"
#include "xt_ACCOUNT_read.h"

struct acc_table;

struct acc_net {
	struct mutex lock;
	struct acc_handle handles[ACCOUNT_MAX_HANDLES];
	/* acc_max_tables slots (a module parameter: pernet storage has a fixed size) */
	struct acc_table **tables;
	unsigned int nr_tables; /* tables alive, under lock */
	bool exited;            /* acc_net_exit has run, under lock */
	bool bounded;           /* not the initial namespace: the netns_max_* bounds apply */
	atomic_long_t table_bytes; /* counters of its tables, in any context */
	size_t read_bytes;      /* records of its read handles, under lock */
};

/* Module parameter max_tables_limit: table slots per namespace. */
extern unsigned int acc_max_tables;
/* Module parameters netns_max_table_kb and netns_max_read_kb: the bounds, 0 for none. */
extern unsigned int acc_netns_max_table_kb;
extern unsigned int acc_netns_max_read_kb;

extern unsigned int acc_net_id;
extern struct pernet_operations acc_net_ops;

static inline struct acc_net *acc_net(const struct net *net)
{
	return net_generic(net, acc_net_id);
}

void acc_net_put_tables(struct acc_net *an);

/*
 * Counts size more bytes of table counters for the namespace: false, and
 * nothing counted, when that would take a bounded one over its bound.
 */
bool acc_net_table_charge(struct acc_net *an, size_t size);
/* Counts size more bytes whatever the bound (negative: fewer). */
void acc_net_table_add(struct acc_net *an, long size);

/* Counts size more bytes of read records: -ENOMEM (logged) over the bound. */
int acc_net_read_charge(struct acc_net *an, size_t size, const char *table);
void acc_net_read_uncharge(struct acc_net *an, size_t size);

#endif /* XT_ACCOUNT_NET_H */
