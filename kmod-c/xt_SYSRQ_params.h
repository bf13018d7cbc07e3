/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_SYSRQ's module parameters and the state they hold: the password, the
 * sequence number, the hash and debug (upstream's parameters, see
 * xt_SYSRQ(8)), and allow_netns (ours).
 *
 * Locking:
 * - the password is an RCU-protected, immutable kmalloc'd copy; writers
 *   serialise on a mutex and wipe the old copy after a grace period;
 * - the sequence number is a single long, advanced only by cmpxchg so two
 *   CPUs can never both accept the same or an older request;
 * - the hash is chosen before the targets are registered and never changes.
 */
#ifndef XT_SYSRQ_PARAMS_H
#define XT_SYSRQ_PARAMS_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <net/net_namespace.h>

#include "xa_shim.h"

/* Parameter debug: log why requests are dropped (rate-limited). */
extern int sysrq_debug;

/* Parameter allow_netns: rules in other network namespaces than the initial one. */
extern bool sysrq_allow_netns;

/*
 * May SYSRQ rules of net exist and act? SysRq acts on the whole machine, and
 * CAP_NET_ADMIN in a namespace is no privilege on the host (any user may
 * create a user and network namespace): only the initial namespace, unless
 * root has set allow_netns.
 */
static inline bool sysrq_net_allowed(const struct net *net)
{
	return net_eq(net, &init_net) || READ_ONCE(sysrq_allow_netns);
}

/*
 * Authenticates the request data[0..len) sent to dst (as %pI4/%pI6 prints
 * it) with the password and hash: an XA_SYSRQ_* status and *req as
 * xa_sysrq_verify() gives them, XA_SYSRQ_E_SEQNO without hashing for a seqno
 * not above the stored one, or -ENOKEY when no password is set.
 */
int sysrq_verify(const u8 *data, size_t len, const char *dst, int dst_len,
		 struct xa_sysrq_request *req);

/* Accepts seqno only if it is newer than the stored one, atomically on SMP. */
bool sysrq_seqno_advance(long seqno);

/* Checks the load-time parameters and starts the sequence number; 0 or an errno. */
int sysrq_params_init(void);

#endif /* XT_SYSRQ_PARAMS_H */
