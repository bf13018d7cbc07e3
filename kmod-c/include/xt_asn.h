/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel/user ABI of the asn match: upstream xtables-addons' struct
 * xt_asn_match_info, revision 1, byte for byte (184 bytes, userspace
 * compares the first 64, up to mem).
 *
 * count AS numbers of asn[] are used (0 is never one). mem[]: as in
 * xt_geoip.h, upstream's user and kernel pointers; ours leaves it zero, and
 * our module never reads it, and clears it.
 */
#ifndef XT_ASN_H
#define XT_ASN_H

#include <linux/types.h>

enum {
	XT_ASN_SRC = 1 << 0, /* match the source address */
	XT_ASN_DST = 1 << 1, /* match the destination address */
	XT_ASN_INV = 1 << 2, /* negate */
};

#define XT_ASN_MAX 15 /* numbers in a rule */

struct xt_asn_match_info {
	__u32 asn[XT_ASN_MAX];
	__u8 flags;
	__u8 count;
	__aligned_u64 mem[XT_ASN_MAX];
};

#endif /* XT_ASN_H */
