// SPDX-License-Identifier: GPL-2.0-only
//! `libxt_STEAL.so`: the iptables side of the STEAL target (revision 0, no options, no
//! data), as xtables-addons 2.3's last plugin: one registration for every family, so
//! iptables, ip6tables, arptables-nft and ebtables-nft all find it. No print or save:
//! `iptables -S` shows `-j STEAL`.
#![no_std]
#![allow(non_snake_case)] // the crate is named after the extension, xt_STEAL, as upstream's

use core::ffi::CStr;
use xtables::{Extension, Family, Target};

struct Steal;

impl Extension for Steal {
    const NAME: &'static CStr = c"STEAL";
    const FAMILY: Family = Family::Unspec;
    type Data = ();
    const HELP: &'static str = "STEAL takes no options\n\n";
}

static STEAL: Target<Steal> = Target::new();

xtables::plugin!(STEAL);
