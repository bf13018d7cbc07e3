// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_pknock: /proc/net/xt_pknock/<name>, one line per peer in upstream's
 * format (%pI6c for IPv6), and /proc/net/xt_pknock_stats (not upstream's),
 * one line per rule name, both per network namespace, both readable only by
 * the root of the user namespace that owns the network namespace. A name's file (made
 * by the xa_named registry with pknock_proc_ops) is a seq_file walk over its
 * peers with the rule's lock held from start to stop.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>
#include <net/net_namespace.h>

#include "xt_pknock_net.h"
#include "xt_pknock_peer.h"
#include "xt_pknock_proc.h"
#include "xt_pknock_rule.h"

static const char *pknock_status_name(u32 status)
{
	switch (status) {
	case XA_PKNOCK_ST_INIT:
		return "INIT";
	case XA_PKNOCK_ST_MATCHING:
		return "MATCHING";
	case XA_PKNOCK_ST_ALLOWED:
		return "ALLOWED";
	default:
		return "UNKNOWN";
	}
}

/* Seconds from now until `when`, 0 if past. */
static unsigned long pknock_secs_until(s64 when, s64 now)
{
	return when > now ? (unsigned long)(when - now) : 0;
}

static struct pknock_rule *pknock_proc_rule(struct seq_file *s)
{
	struct xa_named *named = pde_data(file_inode(s->file));

	return container_of(named, struct pknock_rule, named);
}

static void *pknock_proc_start(struct seq_file *s, loff_t *pos)
	__acquires(&pknock_proc_rule(s)->lock)
{
	struct pknock_rule *rule = pknock_proc_rule(s);

	spin_lock_bh(&rule->lock);
	return pknock_peer_first(rule, *pos);
}

static void *pknock_proc_next(struct seq_file *s, void *v, loff_t *pos)
{
	++*pos;
	return pknock_peer_next(pknock_proc_rule(s), v);
}

static void pknock_proc_stop(struct seq_file *s, void *v)
	__releases(&pknock_proc_rule(s)->lock)
{
	spin_unlock_bh(&pknock_proc_rule(s)->lock);
}

static int pknock_proc_show(struct seq_file *s, void *v)
{
	const struct pknock_rule *rule = pknock_proc_rule(s);
	const struct pknock_peer *peer = v;
	const struct xa_pknock_peer *st = &peer->state;
	s64 now = ktime_get_boottime_seconds(); /* the peers' times are monotonic */

	if (peer->family == NFPROTO_IPV4)
		seq_printf(s, "src=%pI4 ", &peer->addr.ip);
	else
		seq_printf(s, "src=%pI6c ", &peer->addr.in6);
	seq_printf(s, "proto=%s ", peer->proto == IPPROTO_TCP ? "TCP" : "UDP");
	seq_printf(s, "status=%s ", pknock_status_name(st->status));
	seq_printf(s, "accepted_knock_count=%lu ", (unsigned long)st->knocks);
	if (st->status == XA_PKNOCK_ST_MATCHING)
		seq_printf(s, "expir_time=%lu [secs] ",
			   pknock_secs_until(st->last_knock + rule->max_time, now));
	if (st->status == XA_PKNOCK_ST_ALLOWED && rule->autoclose != 0)
		seq_printf(s, "autoclose_time=%lu [secs] ",
			   pknock_secs_until(st->login + (s64)rule->autoclose * 60, now));
	seq_putc(s, '\n');
	return 0;
}

static const struct seq_operations pknock_proc_seq_ops = {
	.start = pknock_proc_start,
	.next  = pknock_proc_next,
	.stop  = pknock_proc_stop,
	.show  = pknock_proc_show,
};

static int pknock_proc_open(struct inode *inode, struct file *file)
{
	return seq_open(file, &pknock_proc_seq_ops);
}

const struct proc_ops pknock_proc_ops = {
	.proc_open      = pknock_proc_open,
	.proc_read_iter = seq_read_iter,
	.proc_lseek     = seq_lseek,
	.proc_release   = seq_release,
};

static void pknock_proc_stats_line(struct xa_named *named, void *s)
{
	struct pknock_rule *rule = container_of(named, struct pknock_rule, named);

	spin_lock_bh(&rule->lock);
	seq_printf(s, "name=%s peers=%u limit=%u evicted=%lu refused=%lu\n",
		   named->name, rule->peer_count, pknock_peer_limit,
		   rule->evicted, rule->refused);
	spin_unlock_bh(&rule->lock);
}

static int pknock_proc_stats_show(struct seq_file *s, void *v)
{
	xa_named_walk(&pknock_net(seq_file_single_net(s))->rules,
		      pknock_proc_stats_line, s);
	return 0;
}

int pknock_proc_net_init(struct net *net, struct pknock_net *pn)
{
	pn->stats = proc_create_net_single("xt_pknock_stats", 0400, net->proc_net,
					   pknock_proc_stats_show, NULL);
	if (!pn->stats) {
		pr_err("cannot create /proc/net/xt_pknock_stats\n");
		return -ENOMEM;
	}
	return 0;
}

/*
 * Gives the stats file to the root of the user namespace that owns `net`.
 * Called for every new rule, not at pernet init: `unshare -Urn` maps its
 * root only after the network namespace exists. Until the first rule, the
 * file (empty then) stays the initial namespace's root's.
 */
void pknock_proc_net_own(struct net *net)
{
	xa_named_own(net, pknock_net(net)->stats);
}

void pknock_proc_net_exit(struct pknock_net *pn)
{
	proc_remove(pn->stats);
}
