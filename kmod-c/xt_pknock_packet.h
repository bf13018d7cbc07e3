/* SPDX-License-Identifier: GPL-2.0-only */
/* xt_pknock: the match function. */
#ifndef XT_PKNOCK_PACKET_H
#define XT_PKNOCK_PACKET_H

#include <linux/netfilter/x_tables.h>
#include <linux/skbuff.h>

bool pknock_mt(const struct sk_buff *skb, struct xt_action_param *par);

#endif /* XT_PKNOCK_PACKET_H */
