/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_ACCOUNT's reads: a snapshot of a table's records taken by
 * PREPARE_READ(6)(_FLUSH), kept in one of the namespace's read handles
 * until GET_DATA(6) has copied it out and HANDLE_FREE(_ALL) frees it.
 */
#ifndef XT_ACCOUNT_READ_H
#define XT_ACCOUNT_READ_H

#include <linux/types.h>

#include "xt_ACCOUNT.h"

struct acc_net;

/* struct ipt_acc_handle_ip or struct xt_acc_handle_ip6 records, by family. */
struct acc_handle {
	bool used;
	u8 family;
	u32 count;
	void *records;
	size_t bytes; /* allocated: counted against the namespace's bound */
};

/* What PREPARE_READ(6)(_FLUSH) returns. */
struct acc_read {
	u32 handle_nr;
	u32 itemcount;
	u64 uncounted; /* IPv6 only */
};

/* A snapshot of the table name of family, in a new handle; takes acc_net.lock. */
int acc_prepare_read(struct acc_net *an, u8 family, bool flush,
		     const char name[ACCOUNT_TABLE_NAME_LEN], struct acc_read *r);

/* Frees a handle of an (its lock held), used or not. */
void acc_handle_free(struct acc_net *an, struct acc_handle *h);

#endif /* XT_ACCOUNT_READ_H */
