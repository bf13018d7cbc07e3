// SPDX-License-Identifier: GPL-2.0-only
//! `libxt_asn.so`: the iptables side of the asn match, `[!] --src-asn|--source-number
//! N[,N...]` or `[!] --dst-asn|--destination-number N[,N...]` (autonomous system numbers).
//!
//! Revision 1 (upstream's only one), for iptables and ip6tables, with upstream's options,
//! help, errors, print and save. Like our geoip plugin it puts no pointer in the rule (`mem[]`
//! stays zero; our module reads `/usr/share/xt_asn/N.iv4|.iv6` itself, see xt_asn(8)), so
//! upstream's IPv6 defect, ranges with their 16-bit halves swapped on little-endian hosts,
//! cannot happen. Numbers above 4294967295 are refused (upstream truncates them).
#![no_std]
#![allow(non_snake_case)] // the crate is named after the extension, xt_asn, as upstream's

use core::ffi::CStr;
use core::fmt::Write;
use core::mem::offset_of;

use xa_rangedb_plugin::{check_readable, parse_list};
use xtables::{
    Data, Error, Escaped, Extension, Family, FinalCheckFn, Kind, Match, Opt, OptionTable, Options,
    Out, Parse, ParseFn, PrintFn, SaveFn, Used,
};

/// bindgen's view of kmod-c/include/xt_asn.h.
#[allow(non_camel_case_types, non_upper_case_globals, dead_code, clippy::all)]
mod abi {
    include!(concat!(env!("OUT_DIR"), "/xt_asn.rs"));
}
use abi::xt_asn_match_info as Info;

// Safety: bindgen's struct of the kernel header: integers and arrays of them.
unsafe impl Data for Info {}

/// Where the module reads `N.iv4` and `N.iv6`.
const DB_DIR: &str = "/usr/share/xt_asn";

const SRC: u8 = abi::XT_ASN_SRC as u8;
const DST: u8 = abi::XT_ASN_DST as u8;
const INV: u8 = abi::XT_ASN_INV as u8;

const O_SRC: u32 = 0;
const O_DST: u32 = 1;

// Upstream's names and order; "multiple" so that a second one reaches `parse`.
static OPTIONS: OptionTable<4> = OptionTable::new([
    Opt::new(c"dst-asn", O_DST, Kind::String)
        .invertible()
        .multiple(),
    Opt::new(c"destination-number", O_DST, Kind::String)
        .invertible()
        .multiple(),
    Opt::new(c"src-asn", O_SRC, Kind::String)
        .invertible()
        .multiple(),
    Opt::new(c"source-number", O_SRC, Kind::String)
        .invertible()
        .multiple(),
]);

/// One number: digits only (upstream's check and words, "asn:  invalid..." with its two
/// spaces), at most 32 bits; `None` for 0, which upstream drops as reserved.
fn number(token: &[u8]) -> Result<Option<u32>, Error> {
    if token.is_empty() {
        return Err(Error::new("missing number code"));
    }
    let value = token.iter().try_fold(0u32, |n, &b| {
        let digit = char::from(b).to_digit(10)?;
        n.checked_mul(10)?.checked_add(digit)
    });
    match value {
        Some(n) => Ok(Some(n).filter(|&n| n != 0)),
        None => Err(Error::fmt(format_args!(
            " invalid number code '{}'",
            Escaped(token)
        ))),
    }
}

fn parse<const V6: bool>(call: &mut Parse<'_, Info>) -> Result<(), Error> {
    let (id, invert, arg) = (call.id(), call.invert(), call.arg().to_bytes());
    let info = call.data();
    if info.flags & (SRC | DST) != 0 {
        return Err(Error::new(
            "Only exactly one of --src-asn or --dst-asn must be specified!",
        ));
    }
    let n = parse_list(
        arg,
        &mut info.asn,
        "too many ASNs specified",
        |token, seen| Ok(number(token)?.filter(|asn| !seen.contains(asn))),
    )?;
    if n == 0 {
        // Only zeros: upstream's words.
        return Err(Error::new("don't know what happened"));
    }
    for &asn in info.asn.iter().take(n) {
        check_readable(DB_DIR, asn, V6)?;
    }
    info.flags = if id == O_SRC { SRC } else { DST } | if invert { INV } else { 0 };
    // At most 15 (the array's length).
    info.count = n as u8;
    Ok(())
}

fn final_check(info: &mut Info, _: Used) -> Result<(), Error> {
    if info.flags & (SRC | DST) == 0 {
        return Err(Error::new("missing arguments"));
    }
    Ok(())
}

/// Upstream's save: ` [!] --src-asn|--dst-asn N[,N...]`, without a trailing space.
fn save(info: &Info, out: &mut Out) {
    if info.flags & INV != 0 {
        out.str(" !");
    }
    out.str(if info.flags & SRC != 0 {
        " --src-asn "
    } else {
        " --dst-asn "
    });
    // count comes from the kernel: never past the array.
    for (i, asn) in info.asn.iter().take(usize::from(info.count)).enumerate() {
        let _ = write!(out, "{}{asn}", if i == 0 { "" } else { "," });
    }
}

/// The match for one family; the family tells which file (`.iv4`, `.iv6`) the module reads.
struct Asn<const V6: bool>;

impl<const V6: bool> Extension for Asn<V6> {
    const NAME: &'static CStr = c"asn";
    const REVISION: u8 = 1;
    const FAMILY: Family = if V6 { Family::Ipv6 } else { Family::Ipv4 };
    type Data = Info;
    const USERSPACE_SIZE: usize = offset_of!(Info, mem);
    // Upstream's text, byte for byte.
    const HELP: &'static str = concat!(
        "asn match options:\n",
        "[!] --src-asn, --source-number number[,number...]\n",
        "\tMatch packet coming from (one of) the specified ASN(s)\n",
        "[!] --dst-asn, --destination-number number[,number...]\n",
        "\tMatch packet going to (one of) the specified ASN(s)\n",
        "\n",
        "NOTE: The number is inputed by its ISO 3166 code.\n",
        "\n",
    );
    const OPTIONS: Options = OPTIONS.options();
    const PARSE: Option<ParseFn<Info>> = Some(parse::<V6>);
    const FINAL_CHECK: Option<FinalCheckFn<Info>> = Some(final_check);
    const PRINT: Option<PrintFn<Info>> = Some(|info, out, _numeric| {
        out.str(" -m asn");
        save(info, out);
    });
    const SAVE: Option<SaveFn<Info>> = Some(save);
}

static ASN6: Match<Asn<true>> = Match::new();
static ASN4: Match<Asn<false>> = Match::new();

xtables::plugin!(ASN6, ASN4);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_upstreams() {
        assert_eq!(
            (core::mem::size_of::<Info>(), offset_of!(Info, mem)),
            (184, 64)
        );
        assert_eq!((offset_of!(Info, flags), offset_of!(Info, count)), (60, 61));
    }

    #[test]
    fn numbers() {
        assert_eq!(number(b"64500").ok(), Some(Some(64500)));
        assert_eq!(number(b"064500").ok(), Some(Some(64500)));
        assert_eq!(number(b"4294967295").ok(), Some(Some(u32::MAX)));
        assert_eq!(number(b"0").ok(), Some(None));
        for bad in [&b""[..], b"4294967296", b"-1", b"+1", b"AS1", b"1 "] {
            assert!(number(bad).is_err());
        }
    }
}
