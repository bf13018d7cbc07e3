/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel/user ABI of the geoip match: upstream xtables-addons' struct
 * xt_geoip_match_info, revision 2 (31 codes, xtables-addons >= 3.24) and
 * revision 1 (15 codes, Debian 12's 3.23), byte for byte.
 *
 * cc[i] is a country code as (first char << 8) | second char, upper case;
 * count codes are used. mem[]: upstream's plugin puts user-space pointers
 * there, which upstream's module reads and overwrites with kernel pointers.
 * Our plugin leaves it zero; our module never reads it, and clears it.
 */
#ifndef XT_GEOIP_H
#define XT_GEOIP_H

#include <linux/types.h>

enum {
	XT_GEOIP_SRC = 1 << 0, /* match the source address */
	XT_GEOIP_DST = 1 << 1, /* match the destination address */
	XT_GEOIP_INV = 1 << 2, /* negate */
};

#define XT_GEOIP_MAX 31	   /* codes in revision 2 */
#define XT_GEOIP_MAX_V1 15 /* codes in revision 1 */

/* Revision 2: 312 bytes, userspace compares the first 64 (up to mem). */
struct xt_geoip_match_info {
	__u8 flags, count;
	__u16 cc[XT_GEOIP_MAX];
	__aligned_u64 mem[XT_GEOIP_MAX];
};

/* Revision 1: 152 bytes, userspace compares the first 32. */
struct xt_geoip_match_info_v1 {
	__u8 flags, count;
	__u16 cc[XT_GEOIP_MAX_V1];
	__aligned_u64 mem[XT_GEOIP_MAX_V1];
};

#endif /* XT_GEOIP_H */
