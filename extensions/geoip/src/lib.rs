// SPDX-License-Identifier: GPL-2.0-only
//! `libxt_geoip.so`: the iptables side of the geoip match, `[!] --src-cc|--source-country
//! CC[,CC...]` or `[!] --dst-cc|--destination-country CC[,CC...]`.
//!
//! Revision 2 (31 codes, upstream >= 3.24) and revision 1 (15 codes, Debian 12's 3.23), each
//! for iptables and ip6tables: iptables uses the highest revision the kernel has, so rules
//! load with our module, upstream's 3.31 one and Debian 12's. Same options, help, errors,
//! print and save as upstream. Unlike upstream's plugin, which reads every country's ranges
//! into memory and passes their address to the kernel in the rule, this one puts no pointer
//! in the rule (`mem[]` stays zero): our module reads the database itself (xt_geoip(8)). It
//! only checks that the file the module will read is there, for a clear error.
#![no_std]
#![allow(non_snake_case)] // the crate is named after the extension, xt_geoip, as upstream's

use core::ffi::CStr;
use core::fmt;
use core::marker::PhantomData;
use core::mem::offset_of;

use xa_rangedb_plugin::{check_readable, parse_list};
use xtables::{
    Data, Error, Escaped, Extension, Family, FinalCheckFn, Kind, Match, Opt, OptionTable, Options,
    Out, Parse, ParseFn, PrintFn, SaveFn, Used,
};

/// bindgen's view of kmod-c/include/xt_geoip.h.
#[allow(non_camel_case_types, non_upper_case_globals, dead_code, clippy::all)]
mod abi {
    include!(concat!(env!("OUT_DIR"), "/xt_geoip.rs"));
}

/// Where the module reads `CC.iv4` and `CC.iv6`.
const DB_DIR: &str = "/usr/share/xt_geoip";

const SRC: u8 = abi::XT_GEOIP_SRC as u8;
const DST: u8 = abi::XT_GEOIP_DST as u8;
const INV: u8 = abi::XT_GEOIP_INV as u8;

const O_SRC: u32 = 0;
const O_DST: u32 = 1;

// Upstream's names and order; "multiple" so that a second one reaches `parse`, which
// reports it in upstream's words.
static OPTIONS: OptionTable<4> = OptionTable::new([
    Opt::new(c"dst-cc", O_DST, Kind::String)
        .invertible()
        .multiple(),
    Opt::new(c"destination-country", O_DST, Kind::String)
        .invertible()
        .multiple(),
    Opt::new(c"src-cc", O_SRC, Kind::String)
        .invertible()
        .multiple(),
    Opt::new(c"source-country", O_SRC, Kind::String)
        .invertible()
        .multiple(),
]);

/// The two revisions' structs: flags, count, and a code array of their size.
trait Codes: Data {
    const REVISION: u8;
    /// Upstream's help of that revision, byte for byte (3.31's, 3.23's).
    const HELP: &'static str;
    /// Bytes iptables compares to find a rule: everything before `mem`.
    const USERSPACE_SIZE: usize;
    fn parts(&mut self) -> (&mut u8, &mut u8, &mut [u16]);
    fn view(&self) -> (u8, u8, &[u16]);
}

/// Upstream's help; 3.24 and later write "ISO 3166", 3.23 "ISO3166".
macro_rules! help {
    ($iso:literal) => {
        concat!(
            "geoip match options:\n",
            "[!] --src-cc, --source-country country[,country...]\n",
            "\tMatch packet coming from (one of) the specified country(ies)\n",
            "[!] --dst-cc, --destination-country country[,country...]\n",
            "\tMatch packet going to (one of) the specified country(ies)\n",
            "\n",
            "NOTE: The country is inputed by its ",
            $iso,
            " code.\n",
            "\n",
        )
    };
}

macro_rules! codes {
    ($t:ty, $revision:expr, $help:expr) => {
        // Safety: bindgen's struct of the kernel header: integers and arrays of them.
        unsafe impl Data for $t {}

        impl Codes for $t {
            const REVISION: u8 = $revision;
            const HELP: &'static str = $help;
            const USERSPACE_SIZE: usize = offset_of!($t, mem);
            fn parts(&mut self) -> (&mut u8, &mut u8, &mut [u16]) {
                (&mut self.flags, &mut self.count, &mut self.cc)
            }
            fn view(&self) -> (u8, u8, &[u16]) {
                (self.flags, self.count, &self.cc)
            }
        }
    };
}

codes!(abi::xt_geoip_match_info, 2, help!("ISO 3166"));
codes!(abi::xt_geoip_match_info_v1, 1, help!("ISO3166"));

/// A code as the rule stores it: (first char << 8) | second.
#[derive(Clone, Copy, PartialEq)]
struct Country(u16);

impl fmt::Display for Country {
    /// The two characters; one that a rule from elsewhere holds outside [A-Z0-9] shows as `?`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0.to_be_bytes() {
            let c = if b.is_ascii_alphanumeric() {
                char::from(b)
            } else {
                '?'
            };
            fmt::Write::write_char(f, c)?;
        }
        Ok(())
    }
}

/// Upstream's check: two letters or digits, upper-cased.
fn country(token: &[u8]) -> Result<Country, Error> {
    match *token {
        [a, b] if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() => Ok(Country(
            u16::from(a.to_ascii_uppercase()) << 8 | u16::from(b.to_ascii_uppercase()),
        )),
        _ => Err(Error::fmt(format_args!(
            "invalid country code '{}'",
            Escaped(token)
        ))),
    }
}

fn parse<I: Codes, const V6: bool>(call: &mut Parse<'_, I>) -> Result<(), Error> {
    let (id, invert, arg) = (call.id(), call.invert(), call.arg().to_bytes());
    let (flags, count, cc) = call.data().parts();
    if *flags & (SRC | DST) != 0 {
        return Err(Error::new(
            "Only exactly one of --source-country or --destination-country must be specified!",
        ));
    }
    let n = parse_list(arg, cc, "too many countries specified", |token, seen| {
        let code = country(token)?;
        Ok((!seen.contains(&code.0)).then_some(code.0))
    })?;
    for &code in cc.iter().take(n) {
        check_readable(DB_DIR, Country(code), V6)?;
    }
    *flags = if id == O_SRC { SRC } else { DST } | if invert { INV } else { 0 };
    // At most 31 (the array's length).
    *count = n as u8;
    Ok(())
}

fn final_check<I: Codes>(info: &mut I, _: Used) -> Result<(), Error> {
    if info.view().0 & (SRC | DST) == 0 {
        return Err(Error::new("missing arguments"));
    }
    Ok(())
}

/// Upstream's save: ` [!] --source-country|--destination-country CC[,CC...] `.
fn save<I: Codes>(info: &I, out: &mut Out) {
    let (flags, count, cc) = info.view();
    if flags & INV != 0 {
        out.str(" !");
    }
    out.str(if flags & SRC != 0 {
        " --source-country "
    } else {
        " --destination-country "
    });
    // count comes from the kernel: never past the array.
    for (i, &code) in cc.iter().take(usize::from(count)).enumerate() {
        let _ = fmt::Write::write_fmt(
            out,
            format_args!("{}{}", if i == 0 { "" } else { "," }, Country(code)),
        );
    }
    out.str(" ");
}

/// The match for one revision and family; the family tells which file (`.iv4`, `.iv6`) the
/// module will read.
struct Geoip<I, const V6: bool>(PhantomData<I>);

impl<I: Codes, const V6: bool> Extension for Geoip<I, V6> {
    const NAME: &'static CStr = c"geoip";
    const REVISION: u8 = I::REVISION;
    const FAMILY: Family = if V6 { Family::Ipv6 } else { Family::Ipv4 };
    type Data = I;
    const USERSPACE_SIZE: usize = I::USERSPACE_SIZE;
    const HELP: &'static str = I::HELP;
    const OPTIONS: Options = OPTIONS.options();
    const PARSE: Option<ParseFn<I>> = Some(parse::<I, V6>);
    const FINAL_CHECK: Option<FinalCheckFn<I>> = Some(final_check::<I>);
    const PRINT: Option<PrintFn<I>> = Some(|info, out, _numeric| {
        out.str(" -m geoip");
        save(info, out);
    });
    const SAVE: Option<SaveFn<I>> = Some(save::<I>);
}

type Rev2 = abi::xt_geoip_match_info;
type Rev1 = abi::xt_geoip_match_info_v1;

static GEOIP2_4: Match<Geoip<Rev2, false>> = Match::new();
static GEOIP2_6: Match<Geoip<Rev2, true>> = Match::new();
static GEOIP1_4: Match<Geoip<Rev1, false>> = Match::new();
static GEOIP1_6: Match<Geoip<Rev1, true>> = Match::new();

xtables::plugin!(GEOIP2_6, GEOIP2_4, GEOIP1_6, GEOIP1_4);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_are_upstreams() {
        use core::mem::size_of;
        assert_eq!((size_of::<Rev2>(), Rev2::USERSPACE_SIZE), (312, 64));
        assert_eq!((size_of::<Rev1>(), Rev1::USERSPACE_SIZE), (152, 32));
    }

    #[test]
    fn codes() {
        assert_eq!(country(b"de").ok().map(|c| c.0), Some(0x4445));
        assert_eq!(country(b"A1").ok().map(|c| c.0), Some(0x4131));
        for bad in [&b""[..], b"D", b"DEU", b"D-", b"\xc3\xa9"] {
            assert!(country(bad).is_err());
        }
        let mut cc = [0u16; 3];
        let list = |arg: &[u8], cc: &mut [u16]| {
            parse_list(arg, cc, "too many", |t, seen| {
                let c = country(t)?;
                Ok((!seen.contains(&c.0)).then_some(c.0))
            })
        };
        assert_eq!(list(b"de,fr,DE", &mut cc).ok(), Some(2));
        // Repetitions count against the limit, as upstream's loop counts them.
        assert!(list(b"de,de,de,de", &mut cc).is_err());
        assert!(list(b"de,,fr", &mut cc).is_err());
    }
}
