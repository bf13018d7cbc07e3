// SPDX-License-Identifier: GPL-2.0-only
//! `libxt_TARPIT.so`: the iptables side of the TARPIT target (revision 0, IPv4 and IPv6).
//!
//! `-p tcp ... -j TARPIT [--tarpit | --honeypot | --reset]` picks the mode (default
//! `--tarpit`) stored in `struct xt_tarpit_tginfo` (kmod-c/include/xt_TARPIT.h). Help, print
//! and save are upstream's text, so `iptables-save` output is the same with either plugin.
//! Upstream accepts several modes and keeps the last: here a second mode is an error.
#![no_std]
#![allow(non_snake_case)] // the crate is named after the extension, xt_TARPIT, as upstream's

use core::ffi::CStr;
use core::fmt::Write;
use xtables::{Data, Error, Extension, Family, Kind, Opt, OptionTable, Options, Out, Parse};
use xtables::{FinalCheckFn, ParseFn, PrintFn, SaveFn, Target, Used};

/// bindgen's view of kmod-c/include/xt_TARPIT.h.
#[allow(non_camel_case_types, non_upper_case_globals, dead_code, clippy::all)]
mod sys {
    include!(concat!(env!("OUT_DIR"), "/xt_TARPIT.rs"));
}
use sys::{XTTARPIT_HONEYPOT, XTTARPIT_RESET, XTTARPIT_TARPIT, xt_tarpit_tginfo};

// Safety: one u8.
unsafe impl Data for xt_tarpit_tginfo {}

/// Option ids are the modes' variant numbers.
static OPTIONS: OptionTable<3> = OptionTable::new([
    Opt::new(c"tarpit", XTTARPIT_TARPIT, Kind::None),
    Opt::new(c"honeypot", XTTARPIT_HONEYPOT, Kind::None),
    Opt::new(c"reset", XTTARPIT_RESET, Kind::None),
]);

fn parse(p: &mut Parse<'_, xt_tarpit_tginfo>) -> Result<(), Error> {
    p.data().variant = u8::try_from(p.id()).map_err(|_| Error::new("internal error: option id"))?;
    Ok(())
}

/// Upstream's message, which upstream gave only for all three modes.
fn final_check(_: &mut xt_tarpit_tginfo, used: Used) -> Result<(), Error> {
    let modes = [XTTARPIT_TARPIT, XTTARPIT_HONEYPOT, XTTARPIT_RESET];
    if modes.iter().filter(|&&m| used.contains(m)).count() > 1 {
        return Err(Error::new("only one action can be used at a time"));
    }
    Ok(())
}

/// Upstream's save text; a mode no plugin writes (only an upstream module accepts one)
/// is shown as such, so restoring it fails instead of silently becoming `--tarpit`.
fn save(info: &xt_tarpit_tginfo, out: &mut Out) {
    match u32::from(info.variant) {
        XTTARPIT_TARPIT => out.str(" --tarpit "),
        XTTARPIT_HONEYPOT => out.str(" --honeypot "),
        XTTARPIT_RESET => out.str(" --reset "),
        other => {
            let _ = write!(out, " [unknown mode {other}]");
        }
    }
}

struct Tarpit;

impl Extension for Tarpit {
    const NAME: &'static CStr = c"TARPIT";
    const FAMILY: Family = Family::Unspec;
    type Data = xt_tarpit_tginfo;
    const HELP: &'static str = "TARPIT target options:\n\
        \x20 --tarpit      Enable classic 0-window tarpit (default)\n\
        \x20 --honeypot    Enable honeypot option\n\
        \x20 --reset       Enable inline resets\n";
    const OPTIONS: Options = OPTIONS.options();
    const PARSE: Option<ParseFn<xt_tarpit_tginfo>> = Some(parse);
    const FINAL_CHECK: Option<FinalCheckFn<xt_tarpit_tginfo>> = Some(final_check);
    // Upstream's print repeats the target's name before the options.
    const PRINT: Option<PrintFn<xt_tarpit_tginfo>> = Some(|info, out, _| {
        out.str(" -j TARPIT");
        save(info, out);
    });
    const SAVE: Option<SaveFn<xt_tarpit_tginfo>> = Some(save);
}

static TARPIT: Target<Tarpit> = Target::new();

xtables::plugin!(TARPIT);
