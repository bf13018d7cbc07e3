// SPDX-License-Identifier: GPL-2.0-only
//! `libxt_pknock.so`: the iptables side of the pknock match (revision 1): port knocking
//! (`--knockports`, `--time`, `--strict`, `--autoclose`), single packet authorization
//! (`--opensecret`, `--closesecret`) and rules that only test the state of another rule
//! (`--checkip`), all sharing state by `--name`.
//!
//! Same options, data, help, print and save text as upstream's plugin, and the same error
//! messages where upstream has one. Beyond upstream, the plugin refuses here what upstream's
//! plugin accepts and its kernel module then refuses with a bare EINVAL (an SPA rule without
//! exactly one knock port, equal secrets) or what it silently truncates (names and secrets
//! over 31 bytes), and names that cannot be a /proc file or survive iptables-save/restore.
//! It serves ip6tables too (upstream's is IPv4 only); one registration per family, so the
//! parser knows the rule's `-p`.
#![no_std]
#![allow(non_snake_case)] // the crate is named after the extension, xt_pknock, as upstream's

use core::ffi::{CStr, c_char};
use core::fmt::Write;
use xtables::{
    Data, Error, Escaped, Extension, Family, FinalCheckFn, Kind, Match, Opt, OptionTable, Options,
    Out, Parse, ParseFn, PrintFn, Protocol, SaveFn, Used,
};

#[allow(non_camel_case_types, non_upper_case_globals, dead_code)]
mod abi {
    include!(concat!(env!("OUT_DIR"), "/xt_pknock.rs"));
}
use abi::xt_pknock_mtinfo as Info;

// Safety: bindgen's struct of the kernel header holds only integers and arrays of them.
unsafe impl Data for Info {}

/// Longest name or secret, in bytes (the fields keep one more byte for the NUL).
const MAX_TEXT: usize = abi::XT_PKNOCK_MAX_BUF_LEN as usize;
const _: () = assert!(abi::XT_PKNOCK_MAX_PASSWD_LEN as usize == MAX_TEXT);

const TCP: u16 = 6;
const UDP: u16 = 17;

// Option ids are the bit numbers of the option in `xt_pknock_mtinfo.option`, so the bit of
// an option is `1 << id` and libxtables' set of given options reads like that field.
const O_KNOCKPORTS: u32 = abi::XT_PKNOCK_KNOCKPORT.trailing_zeros();
const O_TIME: u32 = abi::XT_PKNOCK_TIME.trailing_zeros();
const O_NAME: u32 = abi::XT_PKNOCK_NAME.trailing_zeros();
const O_STRICT: u32 = abi::XT_PKNOCK_STRICT.trailing_zeros();
const O_CHECKIP: u32 = abi::XT_PKNOCK_CHECKIP.trailing_zeros();
const O_OPENSECRET: u32 = abi::XT_PKNOCK_OPENSECRET.trailing_zeros();
const O_CLOSESECRET: u32 = abi::XT_PKNOCK_CLOSESECRET.trailing_zeros();
const O_AUTOCLOSE: u32 = abi::XT_PKNOCK_AUTOCLOSE.trailing_zeros();

// Every option is "multiple" for libxtables so that a repetition reaches `parse`, which
// reports it with upstream's wording. Upstream has no alias (`--chkip` is not in 3.23).
static OPTIONS: OptionTable<8> = OptionTable::new([
    Opt::new(c"knockports", O_KNOCKPORTS, Kind::String).multiple(),
    // Decimal, as upstream's atoi() reads it (libxtables' U32 would read "010" as octal).
    Opt::new(c"time", O_TIME, Kind::String).multiple(),
    Opt::new(c"autoclose", O_AUTOCLOSE, Kind::U32).multiple(),
    Opt::new(c"name", O_NAME, Kind::String).multiple(),
    Opt::new(c"opensecret", O_OPENSECRET, Kind::String).multiple(),
    Opt::new(c"closesecret", O_CLOSESECRET, Kind::String).multiple(),
    Opt::new(c"strict", O_STRICT, Kind::None).multiple(),
    Opt::new(c"checkip", O_CHECKIP, Kind::None).multiple(),
]);

/// The bit of option `id` in `xt_pknock_mtinfo.option`.
fn bit(id: u32) -> u8 {
    1u8.checked_shl(id).unwrap_or(0)
}

/// One option: upstream's repetition check (on the data's option bits), then its value.
fn parse(call: &mut Parse<'_, Info>) -> Result<(), Error> {
    let id = call.id();
    let name = call.name().to_bytes();
    if call.data().option & bit(id) != 0 {
        return Err(Error::fmt(format_args!(
            "cannot use --{} twice.",
            Escaped(name)
        )));
    }
    let arg = call.arg().to_bytes();
    match id {
        O_KNOCKPORTS => {
            let proto = protocol_name(call.protocol())?;
            let info = call.data();
            info.ports_count = parse_ports(arg, proto, &mut info.port)?;
        }
        O_TIME => call.data().max_time = parse_seconds(arg)?,
        O_AUTOCLOSE => call.data().autoclose_time = call.u32()?,
        O_NAME => {
            check_rule_name(arg)?;
            let info = call.data();
            info.rule_name_len = store_text(arg, &mut info.rule_name);
        }
        O_OPENSECRET | O_CLOSESECRET => {
            check_secret(name, arg, call.protocol())?;
            let info = call.data();
            let (field, len) = if id == O_OPENSECRET {
                (&mut info.open_secret, &mut info.open_secret_len)
            } else {
                (&mut info.close_secret, &mut info.close_secret_len)
            };
            *len = store_text(arg, field);
        }
        // --strict, --checkip: the bit is all.
        _ => {}
    }
    call.data().option |= bit(id);
    Ok(())
}

/// `--time`: decimal seconds, 1 to 4294967295. Upstream's atoi() also took "12abc" as 12,
/// "-1" as 4294967295 and "0x10" as 0 (refused); only plain decimal numbers are taken here.
fn parse_seconds(text: &[u8]) -> Result<u32, Error> {
    let value = text
        .iter()
        .try_fold(0u32, |n, &b| {
            let digit = char::from(b).to_digit(10)?;
            n.checked_mul(10)?.checked_add(digit)
        })
        .filter(|_| !text.is_empty());
    match value {
        Some(0) => Err(Error::new("--time number must be > 0.")),
        Some(seconds) => Ok(seconds),
        None => Err(Error::fmt(format_args!(
            "--time \"{}\" is not a number of seconds (1 to {}).",
            Escaped(text),
            u32::MAX
        ))),
    }
}

/// The protocol name `--knockports` resolves service names with; upstream's checks and words.
fn protocol_name(protocol: Option<Protocol>) -> Result<&'static CStr, Error> {
    match protocol {
        Some(Protocol { inverted: true, .. }) => Err(Error::new("only works with TCP and UDP.")),
        Some(Protocol { number: TCP, .. }) => Ok(c"tcp"),
        Some(Protocol { number: UDP, .. }) => Ok(c"udp"),
        Some(Protocol { number: 0, .. }) | None => Err(Error::new("needs `-p tcp' or `-p udp'")),
        Some(_) => Err(Error::new("only works with TCP and UDP.")),
    }
}

/// `port[,port…]`, each a number or a service name of `proto`, at most 15; returns the count.
fn parse_ports(list: &[u8], proto: &CStr, ports: &mut [u16]) -> Result<u8, Error> {
    let mut count = 0u8;
    for token in list.split(|&b| b == b',') {
        let slot = ports
            .get_mut(usize::from(count))
            .ok_or_else(|| Error::new("too many ports specified"))?;
        *slot = parse_port(token, proto)?;
        count += 1;
    }
    Ok(count)
}

/// One port or service name, by libxtables' own parser (as upstream), which reports a bad
/// one (`invalid port/service `x' specified`) and exits.
fn parse_port(token: &[u8], proto: &CStr) -> Result<u16, Error> {
    // No service name comes near this; a longer token gets the same words as libxtables'.
    let mut buf = [0u8; 64];
    let text = buf.get_mut(..token.len()).filter(|_| token.len() < 64);
    let Some(text) = text else {
        return Err(Error::fmt(format_args!(
            "invalid port/service `{}' specified",
            Escaped(token)
        )));
    };
    text.copy_from_slice(token);
    // Safety: buf is NUL-terminated (the token is shorter than it and has no NUL, being
    // part of a C string), as is proto; both outlive the call, which only reads them.
    Ok(unsafe { xtables_sys::xtables_parse_port(buf.as_ptr().cast(), proto.as_ptr()) })
}

/// The rule name is the file name /proc/net/xt_pknock/NAME and is saved unquoted, as
/// upstream does; refuse what could not be either.
fn check_rule_name(name: &[u8]) -> Result<(), Error> {
    let shown = Escaped(name);
    if name.is_empty() {
        return Err(Error::new("--name must not be empty."));
    }
    if name.len() > MAX_TEXT {
        return Err(Error::fmt(format_args!(
            "--name \"{shown}\" is longer than {MAX_TEXT} bytes."
        )));
    }
    if name.first() == Some(&b'.') {
        return Err(Error::fmt(format_args!(
            "--name \"{shown}\" must not start with a dot (it names /proc/net/xt_pknock/NAME)."
        )));
    }
    if name.contains(&b'/') {
        return Err(Error::fmt(format_args!(
            "--name \"{shown}\" must not contain \"/\" (it names /proc/net/xt_pknock/NAME)."
        )));
    }
    if let Some(b) = name
        .iter()
        .find(|&&b| !b.is_ascii_graphic() || matches!(b, b'"' | b'\'' | b'\\'))
    {
        // Saved unquoted, as upstream: iptables-restore would split or unquote these.
        return Err(Error::fmt(format_args!(
            "--name: character 0x{b:02x} is not allowed (printable ASCII only, no spaces, \
             quotes or backslashes)."
        )));
    }
    Ok(())
}

/// SPA secrets: 1 to 31 bytes, only in UDP rules (SPA packets are UDP datagrams).
fn check_secret(option: &[u8], secret: &[u8], protocol: Option<Protocol>) -> Result<(), Error> {
    let option = Escaped(option);
    if !matches!(
        protocol,
        Some(Protocol {
            number: UDP,
            inverted: false
        })
    ) {
        return Err(Error::fmt(format_args!(
            "--{option} needs `-p udp' (SPA packets are UDP)."
        )));
    }
    if secret.is_empty() || secret.len() > MAX_TEXT {
        return Err(Error::fmt(format_args!(
            "--{option} must be 1 to {MAX_TEXT} bytes long (got {}).",
            secret.len()
        )));
    }
    Ok(())
}

/// Copies a checked name or secret into its zeroed C field; returns its length.
fn store_text(text: &[u8], field: &mut [c_char]) -> u32 {
    field.fill(0);
    // The last byte stays 0; callers checked the length.
    let room = field.len().saturating_sub(1);
    for (dst, src) in field.iter_mut().take(room).zip(text) {
        *dst = *src as c_char;
    }
    text.len().min(room) as u32
}

fn final_check(info: &mut Info, used: Used) -> Result<(), Error> {
    check_rule(info, |id| used.contains(id))
}

/// Upstream's checks (its order and words), then what upstream leaves to its kernel module;
/// `has(id)`: whether the option was given.
fn check_rule(info: &Info, has: impl Fn(u32) -> bool) -> Result<(), Error> {
    if !has(O_NAME) {
        return Err(Error::new("--name option is required."));
    }
    if has(O_KNOCKPORTS) {
        if has(O_CHECKIP) {
            return Err(Error::new("cannot specify --knockports with --checkip."));
        }
        if has(O_OPENSECRET) && !has(O_CLOSESECRET) {
            return Err(Error::new("--opensecret must go with --closesecret."));
        }
        if has(O_CLOSESECRET) && !has(O_OPENSECRET) {
            return Err(Error::new("--closesecret must go with --opensecret."));
        }
    }
    if has(O_CHECKIP) {
        if has(O_OPENSECRET) || has(O_CLOSESECRET) {
            return Err(Error::new(
                "cannot specify --opensecret and --closesecret with --checkip.",
            ));
        }
        if has(O_TIME) {
            return Err(Error::new("cannot specify --time with --checkip."));
        }
        if has(O_AUTOCLOSE) {
            return Err(Error::new("cannot specify --autoclose with --checkip."));
        }
    } else if !has(O_OPENSECRET) && !has(O_TIME) {
        return Err(Error::new("you must specify --time."));
    }
    if has(O_OPENSECRET) || has(O_CLOSESECRET) {
        if !has(O_OPENSECRET) || !has(O_CLOSESECRET) {
            return Err(Error::new("SPA needs both --opensecret and --closesecret."));
        }
        if info.ports_count != 1 {
            return Err(Error::new(
                "SPA needs exactly one --knockports port (where the SPA packets go).",
            ));
        }
        let open = text_of(&info.open_secret, info.open_secret_len);
        let close = text_of(&info.close_secret, info.close_secret_len);
        if open.eq(close) {
            return Err(Error::new(
                "--opensecret and --closesecret cannot be equal.",
            ));
        }
    }
    Ok(())
}

/// The used bytes of a name or secret field, bounded by the field whatever `len` says.
fn text_of(field: &[c_char], len: u32) -> impl Iterator<Item = u8> + '_ {
    field
        .iter()
        .take(usize::try_from(len).unwrap_or(usize::MAX))
        .map(|&c| c as u8)
}

/// Print and save share upstream's items: `PREFIXknockports 1,2 `, `PREFIXtime 10 `, …
/// (print without prefix, save with " --"; hence the double spaces in save).
fn emit(info: &Info, out: &mut Out, prefix: &str) {
    let has = |b: u32| u32::from(info.option) & b != 0;
    if has(abi::XT_PKNOCK_KNOCKPORT) {
        let _ = write!(out, "{prefix}knockports ");
        // ports_count comes from the kernel: never past the array.
        let ports = info.port.iter().take(usize::from(info.ports_count));
        for (i, port) in ports.enumerate() {
            let _ = write!(out, "{}{port}", if i == 0 { "" } else { "," });
        }
        out.str(" ");
    }
    if has(abi::XT_PKNOCK_TIME) {
        let _ = write!(out, "{prefix}time {} ", info.max_time);
    }
    if has(abi::XT_PKNOCK_AUTOCLOSE) {
        let _ = write!(out, "{prefix}autoclose {} ", info.autoclose_time);
    }
    if has(abi::XT_PKNOCK_NAME) {
        let _ = write!(out, "{prefix}name ");
        let name = info.rule_name.map(|c| c as u8);
        out.c_field(&name);
        out.str(" ");
    }
    // Secrets are never printed, as upstream (so SPA rules do not survive save/restore).
    for (b, word) in [
        (abi::XT_PKNOCK_OPENSECRET, "opensecret"),
        (abi::XT_PKNOCK_CLOSESECRET, "closesecret"),
        (abi::XT_PKNOCK_STRICT, "strict"),
        (abi::XT_PKNOCK_CHECKIP, "checkip"),
    ] {
        if has(b) {
            let _ = write!(out, "{prefix}{word} ");
        }
    }
}

/// The match, once for iptables and once for ip6tables: a family-specific registration gets
/// the rule's `-p` at parse time.
struct Pknock<const V6: bool>;

impl<const V6: bool> Extension for Pknock<V6> {
    const NAME: &'static CStr = c"pknock";
    const REVISION: u8 = 1;
    const FAMILY: Family = if V6 { Family::Ipv6 } else { Family::Ipv4 };
    type Data = Info;
    // Upstream's text, byte for byte.
    const HELP: &'static str = concat!(
        "pknock match options:\n",
        "  --knockports port[,port[,port[,...]]]\n",
        "\t\t\t\tMatches destination port(s).\n",
        "  --time seconds\t\tMax allowed time between knocks.\n",
        "  --autoclose minutes\t\tTime after which to automatically close opened\n",
        "\t\t\t\tport(s).\n",
        "  --name rule_name\t\tRule name.\n",
        "  --opensecret secret\t\t(UDP only) Secret to activate the rule.\n",
        "  --closesecret secret\t\t(UDP only) Secret to deactivate the\n",
        "\t\t\t\trule.\n",
        "  --strict\t\t\tKnocks sequence must be exact.\n",
        "  --checkip\t\t\tMatches if the source ip is in the list.\n",
    );
    const OPTIONS: Options = OPTIONS.options();
    const PARSE: Option<ParseFn<Info>> = Some(parse);
    const FINAL_CHECK: Option<FinalCheckFn<Info>> = Some(final_check);
    const PRINT: Option<PrintFn<Info>> = Some(|info, out, _numeric| {
        out.str(" pknock ");
        emit(info, out, "");
    });
    const SAVE: Option<SaveFn<Info>> = Some(|info, out| emit(info, out, " --"));
}

static PKNOCK4: Match<Pknock<false>> = Match::new();
static PKNOCK6: Match<Pknock<true>> = Match::new();

xtables::plugin!(PKNOCK4, PKNOCK6);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_ids_are_the_option_bits() {
        assert_eq!(
            [
                O_KNOCKPORTS,
                O_TIME,
                O_NAME,
                O_STRICT,
                O_CHECKIP,
                O_OPENSECRET,
                O_CLOSESECRET
            ],
            [0, 1, 2, 3, 4, 5, 6]
        );
        assert_eq!(bit(O_AUTOCLOSE), 0x80);
    }

    #[test]
    fn seconds_are_decimal() {
        assert_eq!(parse_seconds(b"010").ok(), Some(10));
        assert_eq!(parse_seconds(b"4294967295").ok(), Some(u32::MAX));
        for bad in [
            &b""[..],
            b"0",
            b"00",
            b"4294967296",
            b"0x10",
            b"-1",
            b"+1",
            b" 1",
            b"12abc",
        ] {
            assert!(parse_seconds(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn rule_names() {
        for ok in [&b"SSH"[..], b"a", b"web-1_x.y", &[b'x'; 31]] {
            assert!(check_rule_name(ok).is_ok(), "{ok:?}");
        }
        for bad in [
            &b""[..],
            b".x",
            b"..",
            b"a/b",
            b"a b",
            b"a\"",
            b"a\\",
            b"\x01",
            b"\xff",
            &[b'x'; 32],
        ] {
            assert!(check_rule_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn secrets_need_udp_and_a_length() {
        let udp = Some(Protocol {
            number: UDP,
            inverted: false,
        });
        assert!(check_secret(b"opensecret", b"s", udp).is_ok());
        assert!(check_secret(b"opensecret", &[b's'; 31], udp).is_ok());
        assert!(check_secret(b"opensecret", &[b's'; 32], udp).is_err());
        assert!(check_secret(b"opensecret", b"", udp).is_err());
        let not_udp = Some(Protocol {
            number: UDP,
            inverted: true,
        });
        assert!(check_secret(b"opensecret", b"s", not_udp).is_err());
        assert!(check_secret(b"opensecret", b"s", None).is_err());
    }

    /// The data a parse of `spa` secrets and `ports` would leave, and the options used.
    fn spa_rule(open: &[u8], close: &[u8], ports: u8) -> (Info, u32) {
        // Safety: the struct is integers and arrays of them; all-zero is a valid value.
        let mut info: Info = unsafe { core::mem::zeroed() };
        info.open_secret_len = store_text(open, &mut info.open_secret);
        info.close_secret_len = store_text(close, &mut info.close_secret);
        info.ports_count = ports;
        let ids = [O_NAME, O_KNOCKPORTS, O_OPENSECRET, O_CLOSESECRET];
        (info, mask(&ids))
    }

    fn mask(ids: &[u32]) -> u32 {
        ids.iter().fold(0, |m, id| m | 1 << id)
    }

    fn check(info: &Info, used: u32) -> Result<(), Error> {
        check_rule(info, |id| used & 1 << id != 0)
    }

    #[test]
    fn final_check_adds_what_the_kernel_would_refuse() {
        let (info, used) = spa_rule(b"open", b"close", 1);
        assert!(check(&info, used).is_ok());
        let (info, used) = spa_rule(b"same", b"same", 1);
        let e = check(&info, used).unwrap_err();
        assert_eq!(
            e.message(),
            b"--opensecret and --closesecret cannot be equal."
        );
        let (info, used) = spa_rule(b"a", b"b", 2);
        assert!(
            check(&info, used)
                .unwrap_err()
                .message()
                .starts_with(b"SPA needs exactly one")
        );
        // A prefix is not equal.
        let (info, used) = spa_rule(b"abc", b"ab", 1);
        assert!(check(&info, used).is_ok());
    }

    #[test]
    fn final_check_keeps_upstreams_order() {
        let (info, _) = spa_rule(b"", b"", 0);
        let msg = |info: &Info, ids: &[u32]| check(info, mask(ids)).unwrap_err();
        assert_eq!(
            msg(&info, &[O_CHECKIP, O_KNOCKPORTS]).message(),
            b"--name option is required."
        );
        assert_eq!(
            msg(&info, &[O_NAME, O_CHECKIP, O_KNOCKPORTS, O_TIME]).message(),
            b"cannot specify --knockports with --checkip."
        );
        assert_eq!(
            msg(&info, &[O_NAME, O_KNOCKPORTS]).message(),
            b"you must specify --time."
        );
        assert!(check(&info, mask(&[O_NAME, O_CHECKIP, O_STRICT])).is_ok());
    }

    #[test]
    fn store_text_terminates_and_clears() {
        let mut field = [b'z' as c_char; 8];
        assert_eq!(store_text(b"abc", &mut field), 3);
        assert_eq!(field.map(|c| c as u8), *b"abc\0\0\0\0\0");
    }
}
