// SPDX-License-Identifier: GPL-2.0-only
//! `libxt_CHAOS.so`: the iptables side of the CHAOS target (revision 0, IPv4).
//!
//! `-j CHAOS [--delude | --tarpit]` chooses what a TCP packet that is neither rejected nor
//! dropped silently may get (`struct xt_chaos_tginfo`, kmod-c/include/xt_CHAOS.h). Help,
//! print, save and the error for both options are upstream's.
#![no_std]
#![allow(non_snake_case)] // the crate is named after the extension, xt_CHAOS, as upstream's

use core::ffi::CStr;
use core::fmt::Write;
use xtables::{Data, Error, Extension, Family, Kind, Opt, OptionTable, Options, Out, Parse};
use xtables::{FinalCheckFn, ParseFn, PrintFn, SaveFn, Target, Used};

/// bindgen's view of kmod-c/include/xt_CHAOS.h.
#[allow(non_camel_case_types, non_upper_case_globals, dead_code, clippy::all)]
mod sys {
    include!(concat!(env!("OUT_DIR"), "/xt_CHAOS.rs"));
}
use sys::{XTCHAOS_DELUDE, XTCHAOS_TARPIT, xt_chaos_tginfo};

// Safety: one u8.
unsafe impl Data for xt_chaos_tginfo {}

/// Option ids are the variant numbers.
static OPTIONS: OptionTable<2> = OptionTable::new([
    Opt::new(c"delude", XTCHAOS_DELUDE, Kind::None),
    Opt::new(c"tarpit", XTCHAOS_TARPIT, Kind::None),
]);

fn parse(p: &mut Parse<'_, xt_chaos_tginfo>) -> Result<(), Error> {
    p.data().variant = u8::try_from(p.id()).map_err(|_| Error::new("internal error: option id"))?;
    Ok(())
}

/// Both options: upstream's message (its check, not libxtables' exclusion text).
fn final_check(_: &mut xt_chaos_tginfo, used: Used) -> Result<(), Error> {
    if used.contains(XTCHAOS_DELUDE) && used.contains(XTCHAOS_TARPIT) {
        return Err(Error::new("only one of --tarpit or --delude may be specified"));
    }
    Ok(())
}

/// Upstream's save text (nothing without an option); a variant no plugin writes is shown
/// as such, so restoring it fails instead of silently becoming another.
fn save(info: &xt_chaos_tginfo, out: &mut Out) {
    match u32::from(info.variant) {
        0 => {}
        XTCHAOS_DELUDE => out.str(" --delude "),
        XTCHAOS_TARPIT => out.str(" --tarpit "),
        other => {
            let _ = write!(out, " [unknown variant {other}]");
        }
    }
}

struct Chaos;

impl Extension for Chaos {
    const NAME: &'static CStr = c"CHAOS";
    const FAMILY: Family = Family::Ipv4;
    type Data = xt_chaos_tginfo;
    const HELP: &'static str = "CHAOS target options:\n\
        \x20 --delude    Enable DELUDE processing for TCP\n\
        \x20 --tarpit    Enable TARPIT processing for TCP\n";
    const OPTIONS: Options = OPTIONS.options();
    const PARSE: Option<ParseFn<xt_chaos_tginfo>> = Some(parse);
    const FINAL_CHECK: Option<FinalCheckFn<xt_chaos_tginfo>> = Some(final_check);
    // Upstream's print repeats the target's name before the options.
    const PRINT: Option<PrintFn<xt_chaos_tginfo>> = Some(|info, out, _| {
        out.str(" -j CHAOS");
        save(info, out);
    });
    const SAVE: Option<SaveFn<xt_chaos_tginfo>> = Some(save);
}

static CHAOS: Target<Chaos> = Target::new();

xtables::plugin!(CHAOS);
