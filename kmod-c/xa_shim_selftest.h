/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xa_shim.ko's load-time self-test: known answers for every family of
 * exports, one file each (xa_shim_selftest_<family>.c), run in order by
 * xa_selftest_run(). Every table is computed outside the kernel, so a core
 * that the compiler or shim/kernel/rewrite-asm.pl broke on this kernel is
 * refused at load, before it judges a packet. A failure names the check.
 *
 * Direct calls, no printf into a buffer, no clock: the self-test adds no
 * indirect-call thunk or helper that tests/host/kmod-sysrq.sh would then have
 * to allow the Rust object to need.
 */
#ifndef XA_SHIM_SELFTEST_H
#define XA_SHIM_SELFTEST_H

#include <linux/init.h>
#include <linux/types.h>

/* Every family's known answers; false (and the failure logged) on the first wrong one. */
bool __init xa_selftest_run(void);

/* Makes a forged copy of text[0..len) that differs in the hex digit at pos. */
void __init xa_selftest_forge(char *out, const char *text, size_t len, size_t pos);

bool __init xa_selftest_sysrq(void);
bool __init xa_selftest_pknock(void);
bool __init xa_selftest_account6(void);
bool __init xa_selftest_account(void);
bool __init xa_selftest_packet(void);
bool __init xa_selftest_reply(void);
bool __init xa_selftest_geoip(void);

#endif /* XA_SHIM_SELFTEST_H */
