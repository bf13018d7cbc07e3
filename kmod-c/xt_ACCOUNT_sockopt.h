/* SPDX-License-Identifier: GPL-2.0-only */
/* xt_ACCOUNT's socket options (include/xt_ACCOUNT.h), registered by xt_ACCOUNT_main.c. */
#ifndef XT_ACCOUNT_SOCKOPT_H
#define XT_ACCOUNT_SOCKOPT_H

#include <linux/netfilter.h>

extern struct nf_sockopt_ops acc_sockopts;

#endif /* XT_ACCOUNT_SOCKOPT_H */
