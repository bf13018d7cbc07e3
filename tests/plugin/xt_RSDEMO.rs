// SPDX-License-Identifier: GPL-2.0-only
//! `libxt_RSDEMO.so`: a match with no kernel module that uses every part of the `xtables`
//! API (option kinds, mandatory/exclusive/required/invertible options, parse and final-check
//! errors, print, save with quoting). tests/host/plugin-api.sh drives it through libxtables
//! with tests/plugin/xt-driver.c. Built as an example (`cargo build --release --example
//! xt_RSDEMO`), so `make install` never ships it.
#![no_std]
#![allow(non_snake_case)] // named like a plugin: libxt_RSDEMO.so

use core::ffi::CStr;
use core::fmt::Write;
use xtables::{
    Data, Error, Escaped, Extension, Family, FinalCheckFn, InitFn, Kind, Match, Opt, OptionTable,
    Options, Parse, ParseFn, PrintFn, Protocol, SaveFn, Used,
};

/// The match data (a real extension gets it from its kernel header through bindgen).
#[derive(Clone, Copy)]
#[repr(C)]
struct DemoInfo {
    name: [u8; 16],
    bytes: u64,
    count: u32,
    port: u16,
    level: u8,
    flags: u8,
}

// Safety: integers and byte arrays only.
unsafe impl Data for DemoInfo {}

const F_LOUD: u8 = 1;
const F_QUIET: u8 = 2;
const F_INVERT: u8 = 4;

const TCP: u16 = 6;
const UDP: u16 = 17;

const O_NAME: u32 = 0;
const O_COUNT: u32 = 1;
const O_LEVEL: u32 = 2;
const O_PORT: u32 = 3;
const O_BYTES: u32 = 4;
const O_LOUD: u32 = 5;
const O_QUIET: u32 = 6;

static OPTIONS: OptionTable<8> = OptionTable::new([
    Opt::new(c"name", O_NAME, Kind::String)
        .mandatory()
        .invertible(),
    Opt::new(c"count", O_COUNT, Kind::U32).range(1, 1000),
    Opt::new(c"level", O_LEVEL, Kind::U8).requires(&[O_COUNT]),
    // An alias: same id, so libxtables applies --level's entry.
    Opt::new(c"lvl", O_LEVEL, Kind::U8),
    Opt::new(c"port", O_PORT, Kind::U16),
    Opt::new(c"bytes", O_BYTES, Kind::U64),
    Opt::new(c"loud", O_LOUD, Kind::None).excludes(&[O_QUIET]),
    Opt::new(c"quiet", O_QUIET, Kind::None)
        .multiple()
        .excludes(&[O_LOUD]),
]);

fn parse(p: &mut Parse<'_, DemoInfo>) -> Result<(), Error> {
    match p.id() {
        O_NAME => {
            let name = p.arg().to_bytes();
            let invert = p.invert();
            let info = p.data();
            // Room for the terminating NUL.
            if name.is_empty() || name.len() >= info.name.len() {
                return Err(Error::fmt(format_args!(
                    "--name \"{}\": 1 to {} bytes",
                    Escaped(name),
                    info.name.len() - 1
                )));
            }
            for (dst, src) in info.name.iter_mut().zip(name) {
                *dst = *src;
            }
            if invert {
                info.flags |= F_INVERT;
            }
        }
        O_COUNT => p.data().count = p.u32()?,
        O_LEVEL => p.data().level = p.u8()?,
        O_PORT => {
            // Like pknock's --knockports: a port means nothing without TCP or UDP.
            if let Some(Protocol { number, inverted }) = p.protocol()
                && (inverted || (number != TCP && number != UDP))
            {
                return Err(Error::new("--port needs -p tcp or -p udp"));
            }
            p.data().port = p.u16()?;
        }
        O_BYTES => p.data().bytes = p.u64()?,
        O_LOUD => p.data().flags |= F_LOUD,
        O_QUIET => p.data().flags |= F_QUIET,
        _ => return Err(Error::new("internal error: unknown option id")),
    }
    Ok(())
}

fn init(info: &mut DemoInfo) {
    info.count = 1;
}

fn final_check(info: &mut DemoInfo, used: Used) -> Result<(), Error> {
    if used.contains(O_LOUD) && info.level == 0 {
        return Err(Error::new("--loud needs a --level above 0"));
    }
    Ok(())
}

fn print(info: &DemoInfo, out: &mut xtables::Out, numeric: bool) {
    out.str(if info.flags & F_INVERT != 0 {
        " ! name:"
    } else {
        " name:"
    });
    out.c_field(&info.name);
    let _ = write!(out, " count:{} level:{}", info.count, info.level);
    if numeric {
        let _ = write!(out, " port:{} bytes:{}", info.port, info.bytes);
    }
}

fn save(info: &DemoInfo, out: &mut xtables::Out) {
    out.str(if info.flags & F_INVERT != 0 {
        " ! --name"
    } else {
        " --name"
    });
    out.save_string(&info.name);
    if info.count != 0 {
        let _ = write!(out, " --count {}", info.count);
    }
    if info.level != 0 {
        let _ = write!(out, " --level {}", info.level);
    }
    if info.port != 0 {
        let _ = write!(out, " --port {}", info.port);
    }
    if info.bytes != 0 {
        let _ = write!(out, " --bytes {}", info.bytes);
    }
    if info.flags & F_LOUD != 0 {
        out.str(" --loud");
    }
    if info.flags & F_QUIET != 0 {
        out.str(" --quiet");
    }
}

struct Demo;

impl Extension for Demo {
    const NAME: &'static CStr = c"RSDEMO";
    const FAMILY: Family = Family::Ipv4;
    type Data = DemoInfo;
    const HELP: &'static str = "RSDEMO match options:\n\
        [!] --name NAME   1 to 15 bytes (mandatory)\n    \
        --count N     1 to 1000 (default 1)\n    \
        --level N     0 to 255 (needs --count; alias --lvl)\n    \
        --port N      0 to 65535 (needs -p tcp or -p udp)\n    \
        --bytes N     64-bit\n    \
        --loud        needs --level above 0; not with --quiet\n    \
        --quiet\n";
    const INIT: Option<InitFn<DemoInfo>> = Some(init);
    const OPTIONS: Options = OPTIONS.options();
    const PARSE: Option<ParseFn<DemoInfo>> = Some(parse);
    const FINAL_CHECK: Option<FinalCheckFn<DemoInfo>> = Some(final_check);
    const PRINT: Option<PrintFn<DemoInfo>> = Some(print);
    const SAVE: Option<SaveFn<DemoInfo>> = Some(save);
}

static RSDEMO: Match<Demo> = Match::new();

xtables::plugin!(RSDEMO);
