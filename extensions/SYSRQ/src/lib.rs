// SPDX-License-Identifier: GPL-2.0-only
//! `libxt_SYSRQ.so`: the iptables side of the SYSRQ target (revision 1, IPv4 and IPv6).
//!
//! The target has no options and no data: the kernel module reads the request from the UDP
//! payload and takes its password, hash and sequence number from module parameters. Like
//! upstream's plugin it has no print or save callback, so `iptables -S` shows `-j SYSRQ`.
//! There is no `xlate` either: nftables has no SysRq equivalent. Unlike upstream's plugin,
//! whose empty parse callback silently swallows any option after `-j SYSRQ`, an unknown
//! option is an error.
#![no_std]
#![allow(non_snake_case)] // the crate is named after the extension, xt_SYSRQ, as upstream's

use core::ffi::CStr;
use xtables::{Extension, Family, Target};

struct Sysrq;

impl Extension for Sysrq {
    const NAME: &'static CStr = c"SYSRQ";
    const REVISION: u8 = 1;
    const FAMILY: Family = Family::Unspec;
    type Data = ();
    const HELP: &'static str = "SYSRQ takes no options\n\
        \n\
        Use it with -p udp or -p udplite, usually with --dport. The password, the\n\
        hash and the sequence number are parameters of the xt_SYSRQ kernel module\n\
        (/sys/module/xt_SYSRQ/parameters/); requests come from send_sysrq(8).\n";
}

static SYSRQ: Target<Sysrq> = Target::new();

xtables::plugin!(SYSRQ);
