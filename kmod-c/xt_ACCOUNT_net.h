/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_ACCOUNT's state of one network namespace: the slots of its tables (a
 * rule's table_nr indexes them) and its read handles.
 *
 * Locking: acc_net.lock (a mutex) serialises table creation and
 * destruction, reference counts, table name lookups and the read handles of
 * a namespace. The array of table slots is freed by whichever comes last,
 * the namespace's exit or the destruction of its last table: ip_tables and
 * nf_tables may tear their rules down after our exit has run.
 */
#ifndef XT_ACCOUNT_NET_H
#define XT_ACCOUNT_NET_H

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
};

/* Module parameter max_tables_limit: table slots per namespace. */
extern unsigned int acc_max_tables;

extern unsigned int acc_net_id;
extern struct pernet_operations acc_net_ops;

static inline struct acc_net *acc_net(const struct net *net)
{
	return net_generic(net, acc_net_id);
}

void acc_net_put_tables(struct acc_net *an);

#endif /* XT_ACCOUNT_NET_H */
