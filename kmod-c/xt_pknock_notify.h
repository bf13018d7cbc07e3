/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_pknock: the connector message announcing a peer that became allowed,
 * prepared under the rule's lock and sent after it.
 */
#ifndef XT_PKNOCK_NOTIFY_H
#define XT_PKNOCK_NOTIFY_H

#include <linux/types.h>

#include "xt_pknock.h"

struct net;
struct pknock_rule;
struct pknock_peer;

/* Module parameter nl_multicast_group: the connector group, <= 0 for none. */
extern int pknock_nl_multicast_group;

struct pknock_note {
	bool send;
	struct xt_pknock_nl_msg6 msg;
};

void pknock_note_prepare(struct pknock_note *note, const struct net *net,
			 const struct pknock_rule *rule,
			 const struct pknock_peer *peer);
void pknock_note_send(const struct pknock_note *note, u8 family);

#endif /* XT_PKNOCK_NOTIFY_H */
