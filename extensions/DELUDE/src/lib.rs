// SPDX-License-Identifier: GPL-2.0-only
//! `libxt_DELUDE.so`: the iptables side of the DELUDE target (revision 0, no options, no
//! data). Upstream's plugin serves iptables only; this one serves ip6tables too, as our
//! module answers IPv6. Like upstream's it has no print or save: `iptables -S` shows
//! `-j DELUDE`. An option after `-j DELUDE` is an error, as with upstream's.
#![no_std]
#![allow(non_snake_case)] // the crate is named after the extension, xt_DELUDE, as upstream's

use core::ffi::CStr;
use xtables::{Extension, Family, Target};

struct Delude;

impl Extension for Delude {
    const NAME: &'static CStr = c"DELUDE";
    const FAMILY: Family = Family::Unspec;
    type Data = ();
    const HELP: &'static str = "DELUDE takes no options\n";
}

static DELUDE: Target<Delude> = Target::new();

xtables::plugin!(DELUDE);
