/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_pknock's state of one network namespace: its rule names (an xa_named
 * table, with the /proc/net/xt_pknock directory) and /proc/net/xt_pknock_stats.
 * Rules of a namespace may be destroyed after its exit has run (ip_tables
 * and nf_tables tear their tables down in their own exits): the registry
 * keeps their names until then, in pernet storage the kernel frees last.
 */
#ifndef XT_PKNOCK_NET_H
#define XT_PKNOCK_NET_H

#include <net/net_namespace.h>

#include "xa_named.h"

/* Module parameter rule_hashsize: buckets of each namespace's name table. */
extern unsigned int pknock_rule_hashsize;

struct pknock_net {
	struct proc_dir_entry *stats;   /* /proc/net/xt_pknock_stats */
	struct xa_named_table rules;
};

extern struct pernet_operations pknock_net_ops;

struct pknock_net *pknock_net(const struct net *net);

#endif /* XT_PKNOCK_NET_H */
