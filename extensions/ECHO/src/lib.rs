// SPDX-License-Identifier: GPL-2.0-only
//! `libxt_ECHO.so`: the iptables side of the ECHO target (revision 0, IPv4 and IPv6, no
//! options, no data). Help as upstream's; no print or save, so `iptables -S` shows
//! `-j ECHO`. An option after `-j ECHO` is an error, as with upstream's.
#![no_std]
#![allow(non_snake_case)] // the crate is named after the extension, xt_ECHO, as upstream's

use core::ffi::CStr;
use xtables::{Extension, Family, Target};

struct Echo;

impl Extension for Echo {
    const NAME: &'static CStr = c"ECHO";
    const FAMILY: Family = Family::Unspec;
    type Data = ();
    const HELP: &'static str = "ECHO takes no options\n\n";
}

static ECHO: Target<Echo> = Target::new();

xtables::plugin!(ECHO);
