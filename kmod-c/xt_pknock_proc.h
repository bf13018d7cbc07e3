/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_pknock: /proc/net/xt_pknock/<name> (the registry creates it with
 * pknock_proc_ops) and /proc/net/xt_pknock_stats of each namespace.
 */
#ifndef XT_PKNOCK_PROC_H
#define XT_PKNOCK_PROC_H

#include <linux/proc_fs.h>

struct net;
struct pknock_net;

extern const struct proc_ops pknock_proc_ops;

int pknock_proc_net_init(struct net *net, struct pknock_net *pn);
void pknock_proc_net_exit(struct pknock_net *pn);
/* A rule was created in `net`: its root may read the stats file. */
void pknock_proc_net_own(struct net *net);

#endif /* XT_PKNOCK_PROC_H */
