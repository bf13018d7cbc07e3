// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_pknock: the connector message announcing a peer that became allowed
 * (upstream's struct xt_pknock_nl_msg; 16 more bytes for an IPv6 peer), on
 * group nl_multicast_group. Prepared under the rule's lock, sent after it.
 * The connector exists in the initial network namespace only: a message
 * about another namespace's rule would reach the host's listeners as if it
 * were the host's, so other namespaces send none.
 */
#include <linux/connector.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "xt_pknock_notify.h"
#include "xt_pknock_peer.h"
#include "xt_pknock_rule.h"

void pknock_note_prepare(struct pknock_note *note, const struct net *net,
			 const struct pknock_rule *rule,
			 const struct pknock_peer *peer)
{
	if (pknock_nl_multicast_group <= 0 || !net_eq(net, &init_net))
		return;
	note->send = true;
	memcpy(note->msg.msg.rule_name, rule->named.name, rule->named.len);
	if (peer->family == NFPROTO_IPV4)
		note->msg.msg.peer_ip = (__force u32)peer->addr.ip; /* the ABI header says uint32_t */
	else
		memcpy(note->msg.peer_ip6, &peer->addr.in6, sizeof(note->msg.peer_ip6));
}

void pknock_note_send(const struct pknock_note *note, u8 family)
{
#if IS_ENABLED(CONFIG_CONNECTOR)
	size_t len = family == NFPROTO_IPV4 ? sizeof(note->msg.msg)
					    : sizeof(note->msg);
	struct cn_msg *m;

	if (!note->send)
		return;
	m = kzalloc(sizeof(*m) + len, GFP_ATOMIC);
	if (!m)
		return;
	m->len = len;
	memcpy(m + 1, &note->msg, len);
	cn_netlink_send(m, 0, pknock_nl_multicast_group, GFP_ATOMIC);
	kfree(m);
#endif
}
