// SPDX-License-Identifier: GPL-2.0-only
//! `libxt_ACCOUNT.so`: the iptables side of the ACCOUNT target, revision 1 for IPv4
//! (upstream's) and revision 2 for IPv6 (ours; upstream has none).
//!
//! `-j ACCOUNT --addr NET[/PREFIX] --tname NAME` accounts every address of NET in the kernel
//! table NAME, read with iptaccount(8) or libxt_ACCOUNT_cl. The data structs come from
//! kmod-c/include/xt_ACCOUNT.h. Both variants share the options, the name checks, the final
//! check and the shape of print and save; modules `ipv4` and `ipv6` hold what differs, the
//! network. The IPv4 help, errors, print and save are upstream's text, so `iptables-save`
//! output is the same with either plugin.
#![no_std]
#![allow(non_snake_case)] // the crate is named after the extension, xt_ACCOUNT, as upstream's

use core::ffi::{CStr, c_char};

use xtables::{Data, Error, Escaped, Kind, Opt, OptionTable, Out, Parse, Target, Used};

/// bindgen's view of kmod-c/include/xt_ACCOUNT.h.
#[allow(non_camel_case_types, non_upper_case_globals, dead_code, clippy::all)]
mod abi {
    include!(concat!(env!("OUT_DIR"), "/xt_ACCOUNT.rs"));
}

mod ipv4;
mod ipv6;

const O_ADDR: u32 = 0;
const O_TNAME: u32 = 1;

static OPTIONS: OptionTable<2> = OptionTable::new([
    Opt::new(c"addr", O_ADDR, Kind::String),
    Opt::new(c"tname", O_TNAME, Kind::String),
]);

/// The help text: upstream's, with the `--addr` line of the family.
macro_rules! help {
    ($addr_line:literal) => {
        concat!(
            "ACCOUNT target options:\n",
            $addr_line,
            " --tname name\t\t\tTable name for the userspace library\n"
        )
    };
}
use help;

/// The rule data of one family: a network and a table name.
trait AccountInfo: Data {
    /// Parses `--addr` into the data.
    fn set_net(&mut self, arg: &CStr) -> Result<(), Error>;
    /// Writes the network as iptables prints addresses: `ADDR/PREFIX`, nothing for a host
    /// prefix (/32, /128). Data from the kernel is written whatever it holds.
    fn write_net(&self, out: &mut Out);
    fn table_name_mut(&mut self) -> &mut [c_char; abi::ACCOUNT_TABLE_NAME_LEN as usize];
    fn table_name(&self) -> &[c_char; abi::ACCOUNT_TABLE_NAME_LEN as usize];
}

fn parse<D: AccountInfo>(p: &mut Parse<'_, D>) -> Result<(), Error> {
    match p.id() {
        O_ADDR => {
            let arg = p.arg();
            p.data().set_net(arg)
        }
        O_TNAME => {
            let name = p.arg().to_bytes();
            set_table_name(p.data().table_name_mut(), name)
        }
        _ => Err(Error::new("internal error: unknown option id")),
    }
}

/// `--tname`: copies the name into the field, NUL-terminated (the field is zeroed).
fn set_table_name(field: &mut [c_char], name: &[u8]) -> Result<(), Error> {
    // Room for the terminating NUL.
    if name.len() >= field.len() {
        return Err(Error::fmt(format_args!(
            "Maximum table name length {} for --tname",
            field.len() - 1
        )));
    }
    if name.is_empty() {
        return Err(Error::new("--tname: the table name must not be empty"));
    }
    for (dst, src) in field.iter_mut().zip(name) {
        *dst = *src as c_char;
    }
    Ok(())
}

fn final_check<D>(_: &mut D, used: Used) -> Result<(), Error> {
    // Errors reach the user as "ACCOUNT: <message>": upstream's exact text.
    if !used.contains(O_ADDR) || !used.contains(O_TNAME) {
        return Err(Error::new("needs --addr and --tname"));
    }
    Ok(())
}

fn print<D: AccountInfo>(info: &D, out: &mut Out, _numeric: bool) {
    out.str(" ACCOUNT addr ");
    info.write_net(out);
    out.str(" tname ");
    out.c_field(c_bytes(info.table_name()));
}

fn save<D: AccountInfo>(info: &D, out: &mut Out) {
    out.str(" --addr ");
    info.write_net(out);
    // Upstream's text has two spaces here; iptables-save output must not change.
    out.str("  --tname");
    out.save_string(c_bytes(info.table_name()));
}

fn c_bytes(field: &[c_char]) -> &[u8] {
    // Safety: c_char and u8 have the same size and alignment; the slice covers the field.
    unsafe { core::slice::from_raw_parts(field.as_ptr().cast(), field.len()) }
}

/// The prefix length of a netmask given with its most significant bit at the top of a u128
/// (an IPv4 mask shifted left by 96), or an error if the mask is not contiguous.
fn prefix_of(mask: u128, arg: &CStr) -> Result<u32, Error> {
    let prefix = mask.leading_ones();
    if prefix + mask.trailing_zeros() != u128::BITS {
        return Err(Error::fmt(format_args!(
            "--addr \"{}\": the netmask must be contiguous (a prefix length)",
            Escaped(arg.to_bytes())
        )));
    }
    Ok(prefix)
}

/// libxtables resolved a host name to several addresses; a table has one network.
fn only_one_address(naddrs: core::ffi::c_uint) -> Result<(), Error> {
    if naddrs > 1 {
        return Err(Error::new("multiple IP addresses not allowed"));
    }
    Ok(())
}

static ACCOUNT: Target<ipv4::Account> = Target::new();
static ACCOUNT6: Target<ipv6::Account6> = Target::new();

xtables::plugin!(ACCOUNT, ACCOUNT6);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_of_takes_contiguous_masks_only() {
        let arg = c"x";
        assert_eq!(prefix_of(0, arg).ok(), Some(0));
        assert_eq!(prefix_of(u128::MAX, arg).ok(), Some(128));
        assert_eq!(prefix_of(u128::MAX << 64, arg).ok(), Some(64));
        assert_eq!(
            prefix_of(u128::from(0xffff_ff00u32) << 96, arg).ok(),
            Some(24)
        );
        assert_eq!(prefix_of(u128::from(u32::MAX) << 96, arg).ok(), Some(32));
        let err = prefix_of(u128::from(0xff00_ff00u32) << 96, arg).err();
        assert_eq!(
            err.as_ref().map(Error::message),
            Some(&b"--addr \"x\": the netmask must be contiguous (a prefix length)"[..])
        );
        assert!(prefix_of(1, arg).is_err());
    }

    #[test]
    fn table_names_fit_with_their_nul() {
        let mut field = [0 as c_char; abi::ACCOUNT_TABLE_NAME_LEN as usize];
        assert!(set_table_name(&mut field, &[b'a'; 31]).is_ok());
        assert_eq!(field[30], b'a' as c_char);
        assert_eq!(field[31], 0);
        let long = set_table_name(&mut field, &[b'a'; 32]).err();
        assert_eq!(
            long.as_ref().map(Error::message),
            Some(&b"Maximum table name length 31 for --tname"[..])
        );
        assert!(set_table_name(&mut field, b"").is_err());
    }
}
