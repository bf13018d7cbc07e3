/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The geoip and asn matches' part of the shim interface (included by xa_shim.h):
 * validating database files the kernel read (upstream's format: records of two
 * big-endian addresses, begin and end), the union of a rule's files laid out
 * for a branch-free search, and that search per packet.
 *
 * A layout of n ranges is two arrays of n + 1 addresses, ends and begins, in
 * Eytzinger order (slot 0 unused). IPv4 addresses are host-order uint32_t,
 * IPv6 ones struct xa_geoip_addr6 (host-order halves, high first).
 */
#ifndef XA_SHIM_GEOIP_H
#define XA_SHIM_GEOIP_H

/* Most files one rule's union takes (a geoip rule names up to 31 codes). */
#define XA_GEOIP_MAX_FILES 31

/* One database file as read: its bytes. */
struct xa_geoip_file {
	const uint8_t *data;
	size_t len;
};

/* An IPv6 address as two host-order halves, compared high then low. */
struct xa_geoip_addr6 {
	uint64_t hi, lo;
};

/* Result of xa_geoip_prepare(). */
enum xa_geoip_status {
	XA_GEOIP_OK = 0,
	XA_GEOIP_E_TRUNCATED = 1, /* size not a multiple of the record size */
	XA_GEOIP_E_REVERSED = 2,  /* a range ends before it begins */
	XA_GEOIP_E_UNSORTED = 3,  /* a range begins before the previous one */
	XA_GEOIP_E_OVERLAP = 4,   /* a range begins inside the previous one */
	XA_GEOIP_E_ARGUMENT = 5,  /* bad family, null pointer, too many files */
	XA_GEOIP_E_LAYOUT = 6,    /* slots do not match the union's size */
};

/* Where xa_geoip_prepare() found a file wrong, and the union's size. */
struct xa_geoip_report {
	uint32_t file;	   /* index of the refused file */
	uint64_t record;   /* record of the refused file (from 0) */
	uint64_t ranges;   /* XA_GEOIP_OK: ranges in the union of all files */
};

/*
 * Validate nfiles files of family 4 or 6 (whole records, each range
 * begin <= end, ranges ascending without overlap) and count the ranges of
 * their union (overlapping and adjacent ones merged). Returns an enum
 * xa_geoip_status; *report tells which file and record, or the count.
 */
int xa_geoip_prepare(int family, const struct xa_geoip_file *files, size_t nfiles,
		     struct xa_geoip_report *report);

/*
 * Lay the union of the files (as validated by xa_geoip_prepare()) out in
 * begins and ends, `slots` = ranges + 1 entries each. Returns an enum
 * xa_geoip_status (XA_GEOIP_E_LAYOUT when slots is not the union's size + 1).
 */
int xa_geoip_layout4(const struct xa_geoip_file *files, size_t nfiles,
		     uint32_t *begins, uint32_t *ends, size_t slots);
int xa_geoip_layout6(const struct xa_geoip_file *files, size_t nfiles,
		     struct xa_geoip_addr6 *begins, struct xa_geoip_addr6 *ends,
		     size_t slots);

/*
 * Whether the address (network order) lies in a layout of `slots` entries per
 * array. Reads only slots 1..slots-1 of both arrays, whatever they hold; 0 for
 * null arrays.
 */
int xa_geoip_lookup4(const uint32_t *begins, const uint32_t *ends, size_t slots,
		     uint32_t addr);
int xa_geoip_lookup6(const struct xa_geoip_addr6 *begins,
		     const struct xa_geoip_addr6 *ends, size_t slots,
		     const uint8_t addr[16]);

#endif /* XA_SHIM_GEOIP_H */
