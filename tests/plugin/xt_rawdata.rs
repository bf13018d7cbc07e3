// SPDX-License-Identifier: GPL-2.0-only
// A test plugin that hands the kernel any bytes as the data of a geoip (revision 2) or asn
// (revision 1) rule: `-m geoip --raw HEX` or `-m asn --raw HEX` (the struct's bytes, the rest
// zero). The QEMU lab's geoip-hostile scenario installs it as libxt_geoip.so and
// libxt_asn.so to give our modules what no real plugin sends (a count far beyond the arrays,
// unknown flags, invalid codes), through both iptables backends. Built as examples of the
// geoip crate (`cargo build --release --example xt_geoip_raw --example xt_asn_raw`), so
// `make install` never ships it. Included by both example roots, with `NAME`, `REVISION`
// and `SIZE` defined by them.

use core::ffi::CStr;
use core::fmt::Write;
use xtables::{Data, Error, Extension, Family, Kind, Match, Opt, OptionTable, Options, Parse};
use xtables::{ParseFn, PrintFn, SaveFn};

/// The rule's data: the match struct's size in bytes (a multiple of 8).
#[derive(Clone, Copy)]
#[repr(C, align(8))]
struct Raw([u8; SIZE]);

// Safety: bytes only.
unsafe impl Data for Raw {}

static OPTIONS: OptionTable<1> = OptionTable::new([Opt::new(c"raw", 0, Kind::String)]);

fn parse(call: &mut Parse<'_, Raw>) -> Result<(), Error> {
    let hex = call.arg().to_bytes();
    let data = &mut call.data().0;
    if !hex.len().is_multiple_of(2) || hex.len() / 2 > data.len() {
        return Err(Error::new("--raw: an even number of hex digits, at most the struct's size"));
    }
    for (byte, pair) in data.iter_mut().zip(hex.chunks(2)) {
        let digit = |c: u8| char::from(c).to_digit(16);
        match (digit(pair[0]), digit(pair[1])) {
            (Some(h), Some(l)) => *byte = (h * 16 + l) as u8,
            _ => return Err(Error::new("--raw: not hex")),
        }
    }
    Ok(())
}

fn save(raw: &Raw, out: &mut xtables::Out) {
    out.str(" --raw ");
    for b in raw.0 {
        let _ = write!(out, "{b:02x}");
    }
}

struct RawMatch;

impl Extension for RawMatch {
    const NAME: &'static CStr = NAME;
    const REVISION: u8 = REVISION;
    const FAMILY: Family = Family::Unspec;
    type Data = Raw;
    const HELP: &'static str = "--raw HEX: the match data, as bytes\n";
    const OPTIONS: Options = OPTIONS.options();
    const PARSE: Option<ParseFn<Raw>> = Some(parse);
    const PRINT: Option<PrintFn<Raw>> = Some(|raw, out, _| save(raw, out));
    const SAVE: Option<SaveFn<Raw>> = Some(save);
}

static RAW: Match<RawMatch> = Match::new();

xtables::plugin!(RAW);
