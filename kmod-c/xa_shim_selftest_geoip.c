// SPDX-License-Identifier: GPL-2.0-only
/*
 * xa_shim.ko's self-test of the geoip/asn exports: two IPv4 files whose union
 * merges adjacent ranges, one IPv6 file, and files the shim must refuse.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>

#include "xa_shim.h"
#include "xa_shim_selftest.h"

/* 10.0.0.0-10.0.0.255; then 10.0.1.0-10.0.1.9 and 192.0.2.0: a union of two ranges. */
static const u8 xa_selftest_a[] __initconst = { 10, 0, 0, 0, 10, 0, 0, 255 };
static const u8 xa_selftest_b[] __initconst = {
	10, 0, 1, 0, 10, 0, 1, 9, 192, 0, 2, 0, 192, 0, 2, 0,
};
/* 2001:db8::-2001:db8::ffff. */
static const u8 xa_selftest_v6[] __initconst = {
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
};
/* A range that ends before it begins. */
static const u8 xa_selftest_reversed[] __initconst = { 10, 0, 0, 9, 10, 0, 0, 1 };

static bool __init xa_selftest_fail(const char *what)
{
	pr_err("self-test failed: geoip: %s\n", what);
	return false;
}

static bool __init xa_selftest_geoip4(void)
{
	const struct xa_geoip_file files[] = {
		{ xa_selftest_a, sizeof(xa_selftest_a) },
		{ xa_selftest_b, sizeof(xa_selftest_b) },
	};
	static const struct {
		__be32 addr;
		int in;
	} probes[] __initconst = {
		{ cpu_to_be32(0x0a000000), 1 }, { cpu_to_be32(0x0a000105), 1 },
		{ cpu_to_be32(0x0a000109), 1 }, { cpu_to_be32(0x0a00010a), 0 },
		{ cpu_to_be32(0x09ffffff), 0 }, { cpu_to_be32(0xc0000200), 1 },
		{ cpu_to_be32(0xc0000201), 0 }, { cpu_to_be32(0xffffffff), 0 },
	};
	struct xa_geoip_report report = {};
	u32 begins[3], ends[3];
	unsigned int i;

	if (xa_geoip_prepare(4, files, ARRAY_SIZE(files), &report) != XA_GEOIP_OK ||
	    report.ranges != 2)
		return xa_selftest_fail("IPv4 union of two files is not two ranges");
	if (xa_geoip_layout4(files, ARRAY_SIZE(files), begins, ends, 3) != XA_GEOIP_OK)
		return xa_selftest_fail("IPv4 layout");
	for (i = 0; i < ARRAY_SIZE(probes); i++)
		if (xa_geoip_lookup4(begins, ends, 3, (__force u32)probes[i].addr) != probes[i].in)
			return xa_selftest_fail("IPv4 lookup");
	if (xa_geoip_layout4(files, ARRAY_SIZE(files), begins, ends, 2) != XA_GEOIP_E_LAYOUT)
		return xa_selftest_fail("IPv4 layout into too few slots");
	return true;
}

static bool __init xa_selftest_geoip6(void)
{
	const struct xa_geoip_file file = { xa_selftest_v6, sizeof(xa_selftest_v6) };
	static const u8 inside[16] __initconst = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const u8 outside[16] __initconst = { 0x20, 0x01, 0x0d, 0xb8, [13] = 1 };
	struct xa_geoip_addr6 begins[2], ends[2];
	struct xa_geoip_report report = {};

	if (xa_geoip_prepare(6, &file, 1, &report) != XA_GEOIP_OK || report.ranges != 1 ||
	    xa_geoip_layout6(&file, 1, begins, ends, 2) != XA_GEOIP_OK)
		return xa_selftest_fail("IPv6 union and layout");
	if (xa_geoip_lookup6(begins, ends, 2, inside) != 1 ||
	    xa_geoip_lookup6(begins, ends, 2, outside) != 0)
		return xa_selftest_fail("IPv6 lookup");
	return true;
}

static bool __init xa_selftest_geoip_refusals(void)
{
	const struct xa_geoip_file files[] = {
		{ xa_selftest_a, sizeof(xa_selftest_a) },
		{ xa_selftest_reversed, sizeof(xa_selftest_reversed) },
	};
	const struct xa_geoip_file cut = { xa_selftest_b, sizeof(xa_selftest_b) - 1 };
	struct xa_geoip_report report = {};

	if (xa_geoip_prepare(4, files, ARRAY_SIZE(files), &report) != XA_GEOIP_E_REVERSED ||
	    report.file != 1 || report.record != 0)
		return xa_selftest_fail("a reversed range is not refused where it is");
	if (xa_geoip_prepare(4, &cut, 1, &report) != XA_GEOIP_E_TRUNCATED)
		return xa_selftest_fail("a truncated file is not refused");
	if (xa_geoip_prepare(6, files, 1, &report) != XA_GEOIP_E_TRUNCATED)
		return xa_selftest_fail("an IPv4 file is not refused as IPv6");
	return true;
}

bool __init xa_selftest_geoip(void)
{
	return xa_selftest_geoip4() && xa_selftest_geoip6() && xa_selftest_geoip_refusals();
}
